package model

import (
	"cyberex/client/theme"
	"cyberex/engine"
)

// MapData is the network map as data: the view's assets grouped by
// segment in a stable order, each with the state it is drawn in. Grouping
// changes only when an asset appears or goes (then Version moves and the
// layout is computed again); a state change updates one entry in place.
type MapData struct {
	Segs []SegGroup
	// Asset is the index in View.Assets of the asset at each position
	// (positions run segment by segment); State its look.
	Asset []int32
	State []theme.State
	// Version moves whenever Segs or Asset change, so the layout knows to
	// place things again.
	Version int

	posOf map[string]int32 // asset id → position
}

// SegGroup is one segment on the map: its positions First..First+Count-1,
// and the segment's record when the view has one (its own segments, or
// those it serves as ISP) or -1 (a segment known only through an asset).
type SegGroup struct {
	ID           string
	View         int32
	First, Count int32
}

// StateOf is how an asset looks on the map. What a player must act on
// comes first: a destroyed or taken-down asset is that whatever else it
// is; an isolated one shows as isolated (it is contained) even when it is
// also known to be compromised; the details panel lists every flag.
func StateOf(a *engine.AssetView) theme.State {
	switch {
	case a.Registered && a.Defaced:
		return theme.StateDefaced
	case a.Registered:
		return theme.StateForeign
	case a.Destroyed:
		return theme.StateDestroyed
	case a.TakenDown:
		return theme.StateDown
	case a.Sinkholed || a.Blocked:
		return theme.StateSinkholed
	case a.Isolated:
		return theme.StateIsolated
	case a.Defaced:
		return theme.StateDefaced
	case a.Compromised:
		return theme.StateCompromised
	case a.Availability < 1000 || a.Integrity < 1000:
		return theme.StateDegraded
	}
	return theme.StateClean
}

// Rebuild groups the view's assets by segment: the view's segments in
// their order first, then segments known only through an asset, in the
// order their first asset comes.
func (d *MapData) Rebuild(v *engine.View) {
	d.Version++
	d.Segs = d.Segs[:0]
	segAt := make(map[string]int, len(v.Segments)+4)
	for i := range v.Segments {
		segAt[v.Segments[i].ID] = len(d.Segs)
		d.Segs = append(d.Segs, SegGroup{ID: v.Segments[i].ID, View: int32(i)})
	}
	for i := range v.Assets {
		s := v.Assets[i].Segment
		if _, ok := segAt[s]; !ok {
			segAt[s] = len(d.Segs)
			d.Segs = append(d.Segs, SegGroup{ID: s, View: -1})
		}
		d.Segs[segAt[s]].Count++
	}
	n := int32(0)
	for i := range d.Segs {
		d.Segs[i].First = n
		n += d.Segs[i].Count
	}
	d.Asset = resize(d.Asset, int(n))
	d.State = resizeState(d.State, int(n))
	next := make([]int32, len(d.Segs))
	for i := range d.Segs {
		next[i] = d.Segs[i].First
	}
	d.posOf = make(map[string]int32, len(v.Assets))
	for i := range v.Assets {
		a := &v.Assets[i]
		g := segAt[a.Segment]
		p := next[g]
		next[g]++
		d.Asset[p] = int32(i)
		d.State[p] = StateOf(a)
		d.posOf[a.ID] = p
	}
}

// Update brings the map up to date after a delta: the states of the
// assets it changed, or a rebuild when assets or segments came or went.
func (d *MapData) Update(v *engine.View, delta *engine.ViewDelta) {
	if !d.sameSegments(delta.Segments) || len(v.Assets) != len(d.Asset) || delta.Assets != nil && len(delta.Assets.Remove) > 0 {
		d.Rebuild(v)
		return
	}
	if delta.Assets == nil {
		return // only the segments' counts moved: labels follow the view
	}
	for k := range delta.Assets.Upsert {
		p, ok := d.posOf[delta.Assets.Upsert[k].ID]
		if !ok {
			d.Rebuild(v)
			return
		}
		i := d.Asset[p]
		if v.Assets[i].ID != delta.Assets.Upsert[k].ID {
			d.Rebuild(v) // the view's order moved under us
			return
		}
		d.State[p] = StateOf(&v.Assets[i])
	}
}

// Pos returns the map position of an asset id, or -1.
func (d *MapData) Pos(id string) int32 {
	if p, ok := d.posOf[id]; ok {
		return p
	}
	return -1
}

func resize(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

func resizeState(s []theme.State, n int) []theme.State {
	if cap(s) < n {
		return make([]theme.State, n)
	}
	return s[:n]
}

// replaceable says whether every change to the assets replaces an asset
// the view holds, at its place (no asset added or removed).
func (d *MapData) replaceable(v *engine.View, c *engine.Changes[engine.AssetView]) bool {
	if c == nil || len(c.Remove) > 0 || len(d.Asset) != len(v.Assets) {
		return false
	}
	for k := range c.Upsert {
		p, ok := d.posOf[c.Upsert[k].ID]
		if !ok || v.Assets[d.Asset[p]].N != c.Upsert[k].N {
			return false
		}
	}
	return true
}

// replace puts the changed assets in place and updates their states.
func (d *MapData) replace(v *engine.View, c *engine.Changes[engine.AssetView]) {
	for k := range c.Upsert {
		p := d.posOf[c.Upsert[k].ID]
		i := d.Asset[p]
		v.Assets[i] = c.Upsert[k]
		d.State[p] = StateOf(&v.Assets[i])
	}
}

// sameSegments says whether a delta's segment changes leave the set of
// segments as it is (their counts moved; none came or went).
func (d *MapData) sameSegments(c *engine.Changes[engine.SegmentView]) bool {
	if c == nil {
		return true
	}
	if len(c.Remove) > 0 {
		return false
	}
	for k := range c.Upsert {
		found := false
		for i := range d.Segs {
			if d.Segs[i].ID == c.Upsert[k].ID && d.Segs[i].View >= 0 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
