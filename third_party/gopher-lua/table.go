package lua

const defaultArrayCap = 32
const defaultHashCap = 32

type lValueArraySorter struct {
	L      *LState
	Fn     *LFunction
	Values []LValue
}

func (lv lValueArraySorter) Len() int {
	return len(lv.Values)
}

func (lv lValueArraySorter) Swap(i, j int) {
	lv.Values[i], lv.Values[j] = lv.Values[j], lv.Values[i]
}

func (lv lValueArraySorter) Less(i, j int) bool {
	if lv.Fn != nil {
		lv.L.Push(lv.Fn)
		lv.L.Push(lv.Values[i])
		lv.L.Push(lv.Values[j])
		lv.L.Call(2, 1)
		return LVAsBool(lv.L.reg.Pop())
	}
	return lessThan(lv.L, lv.Values[i], lv.Values[j])
}

func newLTable(acap int, hcap int) *LTable {
	if acap < 0 {
		acap = 0
	}
	if hcap < 0 {
		hcap = 0
	}
	tb := &LTable{}
	tb.Metatable = LNil
	if acap != 0 {
		tb.array = make([]LValue, 0, acap)
	}
	if hcap != 0 {
		tb.strdict = make(map[string]LValue, hcap)
	}
	return tb
}

// Len returns length of this LTable without using __len.
func (tb *LTable) Len() int {
	if tb.array == nil {
		return 0
	}
	var prev LValue = LNil
	for i := len(tb.array) - 1; i >= 0; i-- {
		v := tb.array[i]
		if prev == LNil && v != LNil {
			return i + 1
		}
		prev = v
	}
	return 0
}

// Append appends a given LValue to this LTable.
func (tb *LTable) Append(value LValue) {
	if value == LNil {
		return
	}
	if tb.array == nil {
		tb.array = make([]LValue, 0, defaultArrayCap)
	}
	if len(tb.array) == 0 || tb.array[len(tb.array)-1] != LNil {
		tb.array = append(tb.array, value)
		tb.grew(1)
		tb.migrate()
	} else {
		i := len(tb.array) - 2
		for ; i >= 0; i-- {
			if tb.array[i] != LNil {
				break
			}
		}
		tb.array[i+1] = value
	}
}

// Insert inserts a given LValue at position `i` in this table.
func (tb *LTable) Insert(i int, value LValue) {
	if tb.array == nil {
		tb.array = make([]LValue, 0, defaultArrayCap)
	}
	if i > len(tb.array) {
		tb.RawSetInt(i, value)
		return
	}
	if i <= 0 {
		tb.RawSet(LNumber(i), value)
		return
	}
	i -= 1
	tb.array = append(tb.array, LNil)
	tb.grew(1)
	copy(tb.array[i+1:], tb.array[i:])
	tb.array[i] = value
	tb.migrate()
}

// MaxN returns a maximum number key that nil value does not exist before it.
func (tb *LTable) MaxN() int {
	if tb.array == nil {
		return 0
	}
	for i := len(tb.array) - 1; i >= 0; i-- {
		if tb.array[i] != LNil {
			return i + 1
		}
	}
	return 0
}

// Remove removes from this table the element at a given position.
func (tb *LTable) Remove(pos int) LValue {
	if tb.array == nil {
		return LNil
	}
	larray := len(tb.array)
	if larray == 0 {
		return LNil
	}
	i := pos - 1
	oldval := LNil
	switch {
	case i >= larray:
		// nothing to do
	case i == larray-1 || i < 0:
		oldval = tb.array[larray-1]
		tb.array = tb.array[:larray-1]
	default:
		oldval = tb.array[i]
		copy(tb.array[i:], tb.array[i+1:])
		tb.array[larray-1] = nil
		tb.array = tb.array[:larray-1]
	}
	tb.trimArray()
	return oldval
}

// RawSet sets a given LValue to a given index without the __newindex metamethod.
// It is recommended to use `RawSetString` or `RawSetInt` for performance
// if you already know the given LValue is a string or number.
func (tb *LTable) RawSet(key LValue, value LValue) {
	switch v := key.(type) {
	case LNumber:
		if i, ok := arrayIndex(v); ok {
			tb.RawSetInt(i+1, value)
			return
		}
	case LString:
		tb.RawSetString(string(v), value)
		return
	}

	tb.RawSetH(key, value)
}

// RawSetInt sets a given LValue at a position `key` without the __newindex metamethod.
//
// cyberex fork: a key past the end of the array part goes to the hash part
// (upstream padded the array with nils up to it, allocating up to
// MaxArrayIndex slots in one assignment); keys that the array reaches by
// growing one at a time move into it (migrate), so the hash part never
// holds the key len(array)+1 and the length stays a border.
func (tb *LTable) RawSetInt(key int, value LValue) {
	if key < 1 || key >= MaxArrayIndex {
		tb.RawSetH(LNumber(key), value)
		return
	}
	index := key - 1
	alen := len(tb.array)
	switch {
	case index < alen:
		tb.array[index] = value
		if value == LNil && index == alen-1 {
			tb.trimArray()
		}
	case index == alen:
		if value == LNil {
			return
		}
		if tb.array == nil {
			tb.array = make([]LValue, 0, defaultArrayCap)
		}
		tb.array = append(tb.array, value)
		tb.grew(1)
		tb.migrate()
	default:
		tb.RawSetH(LNumber(key), value)
	}
}

// migrate moves the keys that follow the array part from the hash part
// into it.
func (tb *LTable) migrate() {
	for len(tb.dict) > 0 {
		k := LNumber(len(tb.array) + 1)
		if int(k) >= MaxArrayIndex {
			return
		}
		v, ok := tb.dict[k]
		if !ok {
			return
		}
		delete(tb.dict, k)
		tb.array = append(tb.array, v)
		tb.grew(1) // its key stays in the key order until compaction
	}
}

// RawSetString sets a given LValue to a given string index without the __newindex metamethod.
func (tb *LTable) RawSetString(key string, value LValue) {
	if tb.strdict == nil {
		tb.strdict = make(map[string]LValue, defaultHashCap)
	}
	if tb.keys == nil {
		tb.keys = []LValue{}
		tb.k2i = map[LValue]int{}
	}

	if value == LNil {
		// cyberex fork: the key stays in the key order (a traversal may be
		// at it) until compactKeys drops it.
		delete(tb.strdict, key)
	} else {
		tb.strdict[key] = value
		lkey := LString(key)
		if _, ok := tb.k2i[lkey]; !ok {
			tb.compactKeys()
			tb.k2i[lkey] = len(tb.keys)
			tb.keys = append(tb.keys, lkey)
			tb.grew(1)
		}
	}
}

// RawSetH sets a given LValue to a given index without the __newindex metamethod.
func (tb *LTable) RawSetH(key LValue, value LValue) {
	if s, ok := key.(LString); ok {
		tb.RawSetString(string(s), value)
		return
	}
	if tb.dict == nil {
		tb.dict = make(map[LValue]LValue, len(tb.strdict))
	}
	if tb.keys == nil {
		tb.keys = []LValue{}
		tb.k2i = map[LValue]int{}
	}

	if value == LNil {
		delete(tb.dict, key)
	} else {
		tb.dict[key] = value
		if _, ok := tb.k2i[key]; !ok {
			tb.compactKeys()
			tb.k2i[key] = len(tb.keys)
			tb.keys = append(tb.keys, key)
			tb.grew(1)
		}
	}
}

// RawGet returns an LValue associated with a given key without __index metamethod.
func (tb *LTable) RawGet(key LValue) LValue {
	switch v := key.(type) {
	case LNumber:
		if index, ok := arrayIndex(v); ok {
			if index < len(tb.array) {
				return tb.array[index]
			}
			if tb.dict == nil {
				return LNil
			}
			if ret, ok := tb.dict[key]; ok {
				return ret
			}
			return LNil
		}
	case LString:
		if tb.strdict == nil {
			return LNil
		}
		if ret, ok := tb.strdict[string(v)]; ok {
			return ret
		}
		return LNil
	}
	if tb.dict == nil {
		return LNil
	}
	if v, ok := tb.dict[key]; ok {
		return v
	}
	return LNil
}

// RawGetInt returns an LValue at position `key` without __index metamethod.
func (tb *LTable) RawGetInt(key int) LValue {
	index := int(key) - 1
	if index >= 0 && index < len(tb.array) {
		return tb.array[index]
	}
	if tb.dict == nil {
		return LNil
	}
	if ret, ok := tb.dict[LNumber(key)]; ok {
		return ret
	}
	return LNil
}

// RawGet returns an LValue associated with a given key without __index metamethod.
func (tb *LTable) RawGetH(key LValue) LValue {
	if s, sok := key.(LString); sok {
		if tb.strdict == nil {
			return LNil
		}
		if v, vok := tb.strdict[string(s)]; vok {
			return v
		}
		return LNil
	}
	if tb.dict == nil {
		return LNil
	}
	if v, ok := tb.dict[key]; ok {
		return v
	}
	return LNil
}

// RawGetString returns an LValue associated with a given key without __index metamethod.
func (tb *LTable) RawGetString(key string) LValue {
	if tb.strdict == nil {
		return LNil
	}
	if v, vok := tb.strdict[string(key)]; vok {
		return v
	}
	return LNil
}

// ForEach iterates over this table of elements, yielding each in turn to a given function.
func (tb *LTable) ForEach(cb func(LValue, LValue)) {
	if tb.array != nil {
		for i, v := range tb.array {
			if v != LNil {
				cb(LNumber(i+1), v)
			}
		}
	}
	if tb.strdict != nil {
		for k, v := range tb.strdict {
			if v != LNil {
				cb(LString(k), v)
			}
		}
	}
	if tb.dict != nil {
		for k, v := range tb.dict {
			if v != LNil {
				cb(k, v)
			}
		}
	}
}

// This function is equivalent to lua_next ( http://www.lua.org/manual/5.1/manual.html#lua_next ).
//
// cyberex fork: integer keys can live in the hash part (see RawSetInt), so
// where a traversal continues is decided by where the key is: in the array
// part, in the key order, or an array index past a trimmed end (continue
// with the hash part). An unknown key ends the traversal.
func (tb *LTable) Next(key LValue) (LValue, LValue) {
	arrayFrom, hashFrom := -1, 0
	if key == LNil {
		arrayFrom = 0
	} else if kv, ok := key.(LNumber); ok && isInteger(kv) && kv >= 1 && kv <= LNumber(len(tb.array)) {
		arrayFrom = int(kv)
	} else if i, ok := tb.k2i[key]; ok {
		hashFrom = i + 1
	} else if ok && isInteger(kv) && kv >= 1 && kv < LNumber(MaxArrayIndex) {
		hashFrom = 0
	} else {
		return LNil, LNil
	}
	if arrayFrom >= 0 {
		for i := arrayFrom; i < len(tb.array); i++ {
			if v := tb.array[i]; v != LNil {
				return LNumber(i + 1), v
			}
		}
	}
	for i := hashFrom; i < len(tb.keys); i++ {
		k := tb.keys[i]
		if v := tb.RawGetH(k); v != LNil {
			return k, v
		}
	}
	return LNil, LNil
}
