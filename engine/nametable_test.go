package engine

import (
	"fmt"
	"strings"
	"testing"
)

// TestNameTableFindsWhatAMapFinds: every id of tables of many sizes is
// found at its index, and ids that are not there (near misses, prefixes,
// longer ids, the empty id) are not.
func TestNameTableFindsWhatAMapFinds(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 100, 1000, 4097} {
		names := make([]NamedAsset, n)
		want := map[string]int32{}
		for i := range names {
			id := fmt.Sprintf("h%d-%d", i/8+1, i%8)
			names[i] = NamedAsset{ID: id, Index: int32(3 * i)}
			want[id] = int32(3 * i)
		}
		tab := newNameTable(names)
		for id, idx := range want {
			if got, ok := tab.find(id); !ok || got != idx {
				t.Fatalf("%d names: find(%q) = %d, %v; want %d, true", n, id, got, ok, idx)
			}
			// The same id in another string (not the pointer stored).
			if got, ok := tab.find(string([]byte(id))); !ok || got != idx {
				t.Fatalf("%d names: find(copy of %q) = %d, %v", n, id, got, ok)
			}
		}
		for _, id := range []string{"", "h", "h1", "h1-", "h0-0", "h1-00", "h1-0x", "H1-0", fmt.Sprintf("h%d-0", n/8+2)} {
			if _, in := want[id]; in {
				continue
			}
			if got, ok := tab.find(id); ok {
				t.Fatalf("%d names: find(%q) = %d, true; want not found", n, id, got)
			}
		}
	}
}

// nameHash spreads ids over the slots: with the table at most half full, a
// successful lookup probes about 1.5 slots on average (linear probing); a
// hash that lost bits (the low ones, taken by the mask, say) would pile
// ids into runs. Ids as the scenarios name hosts: a prefix and a number.
func TestNameHashSpreadsIds(t *testing.T) {
	formats := []string{"h%d", "host-%04d", "ministry-site-%d", "%d", "s%d.h%d", "10.0.%d.%d"}
	for _, f := range formats {
		for _, n := range []int{10, 1000, 20000} {
			names := make([]NamedAsset, n)
			for i := range names {
				var id string
				if strings.Count(f, "%d") == 2 {
					id = fmt.Sprintf(f, i/256, i%256)
				} else {
					id = fmt.Sprintf(f, i)
				}
				names[i] = NamedAsset{ID: id, Index: int32(i)}
			}
			tab := newNameTable(names)
			probes := 0
			for _, a := range names {
				h := nameHash(a.ID)
				for j := h & tab.mask; tab.slots[j].id != a.ID; j = (j + 1) & tab.mask {
					probes++
				}
				probes++
			}
			if avg := float64(probes) / float64(n); avg > 2.5 {
				t.Errorf("%q × %d: %.2f probes a lookup on average, want about 1.5", f, n, avg)
			}
		}
	}
}
