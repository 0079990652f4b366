package ui

import "math"

// The network map lays out segments as boxes and each segment's assets
// as a grid of cells inside its box, in world units (pixels at zoom 1).
// The layout depends only on which assets are in which segment, so it is
// computed when that changes (a new asset learned), not every frame, and
// a state change (compromised, isolated) never moves anything.

const (
	cellPx      = 18 // one asset's cell, shape included
	cellGapPx   = 4
	segPadPx    = 10
	segHeadPx   = 40 // the segment's two label lines above its grid
	segGapPx    = 24
	segMinCols  = 10
	mapAspect   = 1.6 // width:height the packing aims for
	segMaxWidth = 60  // columns at most in one segment's grid
)

// MapSeg is one box on the map: a network segment and how many of its
// assets are listed one by one (the rest are counted in its label).
type MapSeg struct {
	ID    string
	Label string // drawn in the box's head
	// First, Count: the segment's assets are MapLayout's positions
	// First..First+Count-1.
	First, Count int32
	// X, Y, W, H: the box in world units, set by Layout.
	X, Y, W, H float32
}

// MapLayout is where everything on the map sits, in world units.
type MapLayout struct {
	Segs []MapSeg
	// AX, AY are the centres of the assets' cells, by position.
	AX, AY []float32
	// W, H is the bounding box of the whole map.
	W, H float32
}

// Layout places segs (in their order) and their assets. Each segment's
// grid is as square as fits its count; boxes are packed in rows (shelves)
// whose width aims at an overall 1.6:1 map.
func (m *MapLayout) Layout() {
	n := int32(0)
	var area float64
	for i := range m.Segs {
		s := &m.Segs[i]
		cols := gridCols(s.Count)
		rows := (s.Count + cols - 1) / cols
		if rows < 1 {
			rows = 1
		}
		s.W = float32(cols)*(cellPx+cellGapPx) - cellGapPx + 2*segPadPx
		if lw := float32(len(s.ID))*8 + 2*segPadPx; s.W < lw && s.Count == 0 {
			s.W = lw
		}
		s.H = segHeadPx + float32(rows)*(cellPx+cellGapPx) - cellGapPx + 2*segPadPx
		area += float64((s.W + segGapPx) * (s.H + segGapPx))
		if s.First+s.Count > n {
			n = s.First + s.Count
		}
	}
	if cap(m.AX) < int(n) {
		m.AX, m.AY = make([]float32, n), make([]float32, n)
	}
	m.AX, m.AY = m.AX[:n], m.AY[:n]

	target := float32(math.Sqrt(area * mapAspect))
	var x, y, rowH float32
	m.W, m.H = 0, 0
	for i := range m.Segs {
		s := &m.Segs[i]
		if x > 0 && x+s.W > target {
			x, y, rowH = 0, y+rowH+segGapPx, 0
		}
		s.X, s.Y = x, y
		x += s.W + segGapPx
		if s.H > rowH {
			rowH = s.H
		}
		if s.X+s.W > m.W {
			m.W = s.X + s.W
		}
		if s.Y+s.H > m.H {
			m.H = s.Y + s.H
		}
		cols := gridCols(s.Count)
		for k := int32(0); k < s.Count; k++ {
			c, r := k%cols, k/cols
			m.AX[s.First+k] = s.X + segPadPx + float32(c)*(cellPx+cellGapPx) + cellPx/2
			m.AY[s.First+k] = s.Y + segHeadPx + segPadPx + float32(r)*(cellPx+cellGapPx) + cellPx/2
		}
	}
}

// gridCols is a segment grid's width: square-ish, at least segMinCols
// (so a small segment's label fits), at most segMaxWidth.
func gridCols(count int32) int32 {
	c := int32(math.Ceil(math.Sqrt(float64(count) * 1.5)))
	if c < segMinCols {
		c = segMinCols
	}
	if c > segMaxWidth {
		c = segMaxWidth
	}
	return c
}

// AssetAt returns the position of the asset whose cell holds the world
// point x, y, or -1.
func (m *MapLayout) AssetAt(x, y float32) int32 {
	for i := range m.Segs {
		s := &m.Segs[i]
		if x < s.X || y < s.Y || x >= s.X+s.W || y >= s.Y+s.H {
			continue
		}
		cols := gridCols(s.Count)
		gx := x - (s.X + segPadPx)
		gy := y - (s.Y + segHeadPx + segPadPx)
		if gx < 0 || gy < 0 {
			return -1
		}
		c, r := int32(gx/(cellPx+cellGapPx)), int32(gy/(cellPx+cellGapPx))
		if c >= cols {
			return -1
		}
		k := r*cols + c
		if k >= s.Count {
			return -1
		}
		return s.First + k
	}
	return -1
}

// SegAt returns the index of the segment box holding x, y, or -1.
func (m *MapLayout) SegAt(x, y float32) int {
	for i := range m.Segs {
		s := &m.Segs[i]
		if x >= s.X && y >= s.Y && x < s.X+s.W && y < s.Y+s.H {
			return i
		}
	}
	return -1
}
