// Package draw holds one frame of the client as plain data: coloured
// triangles and text runs, in screen pixels, layer by layer. The client's
// layout fills it in Update; the ebiten layer only copies it to the screen
// in Draw. Keeping it free of ebiten lets the frame be built and checked
// (and benchmarked) without a window.
//
// A List is reused from frame to frame: Reset keeps its slices' capacity,
// so a steady frame allocates nothing.
package draw

import (
	"image/color"

	"cyberex/client/theme"
)

// Vertex is a point of a triangle with its colour (straight alpha, 0..1).
type Vertex struct {
	X, Y       float32
	R, G, B, A float32
}

// Size is a text size; the fonts are Go Mono, so a run's width is its
// rune count times the size's advance.
type Size uint8

const (
	Small Size = iota
	Normal
	Large
	sizeCount
)

// Pixels per size: font size, advance per rune, line height.
var (
	FontPx  = [sizeCount]float32{12, 14, 18}
	Advance = [sizeCount]float32{7.2, 8.4, 10.8} // Go Mono: 0.6 em
	LineH   = [sizeCount]float32{16, 20, 26}
)

// Width is the width of s drawn at size z.
func Width(s string, z Size) float32 {
	n := 0
	for range s {
		n++
	}
	return float32(n) * Advance[z]
}

// Fit cuts s to at most w pixels at size z, ending with "…" when cut.
func Fit(s string, w float32, z Size) string {
	max := int(w / Advance[z])
	if max <= 0 {
		return ""
	}
	n := 0
	for i := range s {
		if n == max-1 {
			// Is the rest longer than one rune?
			rest := 0
			for range s[i:] {
				rest++
			}
			if rest > 1 {
				return s[:i] + "…"
			}
			return s
		}
		n++
	}
	return s
}

// Text is one run of text: X, Y is its top-left corner.
type Text struct {
	X, Y  float32
	S     string
	Color color.RGBA
	Size  Size
}

// List is one layer of a frame: triangles first, then text over them.
type List struct {
	Verts []Vertex
	Idx   []uint32
	Texts []Text
}

// Reset empties the list and keeps its memory.
func (l *List) Reset() {
	l.Verts, l.Idx, l.Texts = l.Verts[:0], l.Idx[:0], l.Texts[:0]
}

func vtx(x, y float32, c color.RGBA) Vertex {
	return Vertex{x, y, float32(c.R) / 255, float32(c.G) / 255, float32(c.B) / 255, float32(c.A) / 255}
}

// Quad adds a filled quadrilateral (corners in order).
func (l *List) Quad(x0, y0, x1, y1, x2, y2, x3, y3 float32, c color.RGBA) {
	b := uint32(len(l.Verts))
	l.Verts = append(l.Verts, vtx(x0, y0, c), vtx(x1, y1, c), vtx(x2, y2, c), vtx(x3, y3, c))
	l.Idx = append(l.Idx, b, b+1, b+2, b, b+2, b+3)
}

// Rect adds a filled rectangle.
func (l *List) Rect(x, y, w, h float32, c color.RGBA) {
	l.Quad(x, y, x+w, y, x+w, y+h, x, y+h, c)
}

// Frame adds the outline of a rectangle, t pixels thick, inside it.
func (l *List) Frame(x, y, w, h, t float32, c color.RGBA) {
	l.Rect(x, y, w, t, c)
	l.Rect(x, y+h-t, w, t, c)
	l.Rect(x, y+t, t, h-2*t, c)
	l.Rect(x+w-t, y+t, t, h-2*t, c)
}

// Triangle adds a filled triangle.
func (l *List) Triangle(x0, y0, x1, y1, x2, y2 float32, c color.RGBA) {
	b := uint32(len(l.Verts))
	l.Verts = append(l.Verts, vtx(x0, y0, c), vtx(x1, y1, c), vtx(x2, y2, c))
	l.Idx = append(l.Idx, b, b+1, b+2)
}

// octagon is a unit circle's octagon, precomputed (cos, sin of k·45°+22.5°).
var octagon = [8][2]float32{
	{0.9239, 0.3827}, {0.3827, 0.9239}, {-0.3827, 0.9239}, {-0.9239, 0.3827},
	{-0.9239, -0.3827}, {-0.3827, -0.9239}, {0.3827, -0.9239}, {0.9239, -0.3827},
}

// Shape adds a state's shape centred on cx, cy with half-size r.
func (l *List) Shape(s theme.Shape, cx, cy, r float32, c color.RGBA) {
	switch s {
	case theme.ShapeSquare:
		l.Rect(cx-r, cy-r, 2*r, 2*r, c)
	case theme.ShapeTriangle:
		l.Triangle(cx, cy-r*1.15, cx+r*1.15, cy+r, cx-r*1.15, cy+r, c)
	case theme.ShapeDiamond:
		r *= 1.25
		l.Quad(cx, cy-r, cx+r, cy, cx, cy+r, cx-r, cy, c)
	case theme.ShapeRing:
		t := r * 0.45
		if t < 1.5 {
			t = 1.5
		}
		l.Frame(cx-r, cy-r, 2*r, 2*r, t, c)
	case theme.ShapeCircle:
		b := uint32(len(l.Verts))
		l.Verts = append(l.Verts, vtx(cx, cy, c))
		for _, p := range octagon {
			l.Verts = append(l.Verts, vtx(cx+p[0]*r, cy+p[1]*r, c))
		}
		for k := uint32(0); k < 8; k++ {
			l.Idx = append(l.Idx, b, b+1+k, b+1+(k+1)%8)
		}
	case theme.ShapeCross:
		t := r * 0.35
		l.Quad(cx-r, cy-r+t, cx-r+t, cy-r, cx+r, cy+r-t, cx+r-t, cy+r, c)
		l.Quad(cx+r-t, cy-r, cx+r, cy-r+t, cx-r+t, cy+r, cx-r, cy+r-t, c)
	case theme.ShapeBar:
		l.Rect(cx-r, cy-r*0.35, 2*r, r*0.7, c)
	case theme.ShapeDot:
		l.Rect(cx-r*0.5, cy-r*0.5, r, r, c)
	default:
		l.Rect(cx-r, cy-r, 2*r, 2*r, c)
	}
}

// Text adds a run of text with its top-left corner at x, y.
func (l *List) Text(x, y float32, s string, c color.RGBA, z Size) {
	if s == "" {
		return
	}
	l.Texts = append(l.Texts, Text{X: x, Y: y, S: s, Color: c, Size: z})
}
