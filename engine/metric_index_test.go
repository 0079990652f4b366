package engine

import (
	"strings"
	"testing"
)

// compareJoined orders as strings.Compare of the joined name would,
// including names that are not script metrics (a restored snapshot's
// Custom is only checked to be sorted) and parts of the prefix.
func TestCompareJoined(t *testing.T) {
	names := []string{"", "a", "s", "scr", "script", "script.", "script.a", "script.ab", "script.b", "script.a.b", "script/", "script-", "scripu", "z", "script.\xff"}
	for _, m := range names {
		for _, n := range []string{"a", "ab", "b", "a.b", "A", "0", "\xff", "aa"} {
			if got, want := compareJoined(m, "script.", n), strings.Compare(m, "script."+n); got != want {
				t.Errorf("compare %q with script.%s: %d, want %d", m, n, got, want)
			}
			if got, want := compareJoined(m, "", n), strings.Compare(m, n); got != want {
				t.Errorf("compare %q with %s: %d, want %d", m, n, got, want)
			}
		}
	}
}

// UpdateMetric changes only a figure already set, found by its two parts.
func TestUpdateMetric(t *testing.T) {
	w := &World{}
	if w.UpdateMetric("script.", "a", 1) || len(w.Custom) != 0 {
		t.Fatalf("a figure never set was updated: %v", w.Custom)
	}
	w.SetMetric("script.b", 2)
	w.SetMetric("script.a", 1)
	if !w.UpdateMetric("script.", "a", 7) {
		t.Fatal("script.a was set and not found")
	}
	if v, err := w.Metric("script.a"); err != nil || v != 7 {
		t.Fatalf("script.a = %d, %v; want 7", v, err)
	}
	if v, _ := w.Metric("script.b"); v != 2 || len(w.Custom) != 2 {
		t.Fatalf("script.b = %d, %d metrics", v, len(w.Custom))
	}
}
