package draw

import (
	"image/color"
	"testing"

	"cyberex/client/theme"
)

func TestFit(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    float32
		want string
	}{
		{"hello", 100, "hello"},
		{"hello", 5 * Advance[Normal], "hello"},
		{"hello!", 5 * Advance[Normal], "hell…"},
		{"héllo wörld", 6 * Advance[Normal], "héllo…"},
		{"abc", 0, ""},
		{"", 50, ""},
	} {
		got := Fit(c.s, c.w, Normal)
		if got != c.want {
			t.Errorf("Fit(%q, %v) = %q, want %q", c.s, c.w, got, c.want)
		}
		if Width(got, Normal) > c.w+0.01 {
			t.Errorf("Fit(%q, %v) = %q is %v wide", c.s, c.w, got, Width(got, Normal))
		}
	}
}

// Every shape makes whole triangles whose indices stay in range.
func TestShapesWellFormed(t *testing.T) {
	var l List
	for s := theme.Shape(0); s <= theme.ShapeDot+1; s++ {
		l.Shape(s, 10, 10, 5, color.RGBA{1, 2, 3, 255})
	}
	if len(l.Idx)%3 != 0 {
		t.Fatalf("%d indices: not whole triangles", len(l.Idx))
	}
	for _, i := range l.Idx {
		if int(i) >= len(l.Verts) {
			t.Fatalf("index %d out of %d vertices", i, len(l.Verts))
		}
	}
	for _, v := range l.Verts {
		if v.X < 0 || v.X > 20 || v.Y < 0 || v.Y > 20 {
			t.Errorf("vertex %v outside the shape's box", v)
		}
	}
	n := len(l.Verts)
	l.Reset()
	if len(l.Verts) != 0 || cap(l.Verts) < n {
		t.Errorf("Reset: len %d cap %d, want 0 and ≥ %d", len(l.Verts), cap(l.Verts), n)
	}
}
