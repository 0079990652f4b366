package script

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua's LTable.ForEach walks the table's hash part by ranging over
// Go maps, whose order changes from run to run: a check that stops at the
// first bad key, or an error that names it, would then differ between a
// run and its replay. This package never calls ForEach (TestNoForEach):
// it walks tables with forEachEntry (the order the keys were inserted, as
// Lua's next does) or, when what it reports must not depend even on that,
// with sortedEntries.

// forEachEntry calls fn for every entry of tb: the array part by index,
// then the other keys in the order they were first inserted.
func forEachEntry(tb *lua.LTable, fn func(k, v lua.LValue)) {
	for k, v := tb.Next(lua.LNil); k != lua.LNil; k, v = tb.Next(k) {
		fn(k, v)
	}
}

// entry is one key and value of a table.
type entry struct{ k, v lua.LValue }

// sortedEntries returns the entries of tb in an order that depends only on
// the keys: numbers by value, then strings in byte order, then the other
// keys by kind (booleans, tables, functions…) in insertion order.
func sortedEntries(tb *lua.LTable) []entry {
	var out []entry
	forEachEntry(tb, func(k, v lua.LValue) { out = append(out, entry{k, v}) })
	rank := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		}
		return 2 + int(v.Type())
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].k, out[j].k
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		switch a := a.(type) {
		case lua.LNumber:
			return a < b.(lua.LNumber)
		case lua.LString:
			return a < b.(lua.LString)
		}
		return false
	})
	return out
}
