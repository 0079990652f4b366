// Package clean breaks no rule: the checker must report nothing.
package clean

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

var table = map[string]int{"a": 1, "b": 2}

var limit = 10

func init() { limit = 20 }

func F(m map[string]int) string {
	keys := slices.Sorted(maps.Keys(m))
	out := make([]string, 0, len(table))
	// map-order: the names are sorted below.
	for k := range table {
		out = append(out, k)
	}
	sort.Strings(out)
	return fmt.Sprintf("%v %v %d %%p", keys, out, limit)
}
