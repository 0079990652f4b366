package script

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The string builders here check the length of what they would build before
// they build it (StringBytesMax) and pay for the bytes they touch: one
// builtin call is one VM instruction, however long its string.

// luaRep is string.rep (Lua 5.1: no separator).
func (s *State) luaRep(L *lua.LState) int {
	str := L.CheckString(1)
	n := checkInt(L, 2)
	if n <= 0 || len(str) == 0 {
		L.Push(lua.LString(""))
		return 1
	}
	if n > int64(s.limits.StringBytesMax/len(str)) {
		s.checkStringLen(L, -1, "string.rep")
	}
	size := len(str) * int(n)
	s.charge(L, bytesCost(size))
	L.Push(lua.LString(strings.Repeat(str, int(n))))
	return 1
}

// luaUpper and luaLower map ASCII only, byte by byte, as Lua's C locale
// does; gopher-lua's Unicode mapping can change a string's length.
func (s *State) luaUpper(L *lua.LState) int {
	return s.mapBytes(L, func(c byte) byte {
		if 'a' <= c && c <= 'z' {
			return c - 'a' + 'A'
		}
		return c
	})
}

func (s *State) luaLower(L *lua.LState) int {
	return s.mapBytes(L, func(c byte) byte {
		if 'A' <= c && c <= 'Z' {
			return c - 'A' + 'a'
		}
		return c
	})
}

func (s *State) mapBytes(L *lua.LState, f func(byte) byte) int {
	str := L.CheckString(1)
	s.charge(L, bytesCost(len(str)))
	b := []byte(str)
	for i, c := range b {
		b[i] = f(c)
	}
	L.Push(lua.LString(b))
	return 1
}

func (s *State) luaReverse(L *lua.LState) int {
	str := L.CheckString(1)
	s.charge(L, bytesCost(len(str)))
	b := make([]byte, len(str))
	for i := range len(str) {
		b[len(str)-1-i] = str[i]
	}
	L.Push(lua.LString(b))
	return 1
}

// luaTableConcat is table.concat(t [, sep [, i [, j]]]), sized before it
// is built.
func (s *State) luaTableConcat(L *lua.LState) int {
	tb := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := optInt(L, 3, 1)
	j := optInt(L, 4, int64(tb.Len()))
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	// Pay for the elements before looking at them: the walk stops at the
	// first bad one, which may be the last of a long list.
	s.charge(L, (min(j, int64(tb.Len())+1)-i+1)/8+1)
	size := 0
	parts := make([]string, 0, min(j-i+1, 1024))
	for k := i; k <= j; k++ {
		var part string
		switch v := tb.RawGetInt(int(k)).(type) {
		case lua.LString:
			part = string(v)
		case lua.LNumber:
			part = formatNumber(v)
		default:
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
		}
		size += len(part)
		if k < j {
			size += len(sep)
		}
		s.checkStringLen(L, size, "table.concat")
		parts = append(parts, part)
	}
	s.charge(L, bytesCost(size))
	L.Push(lua.LString(strings.Join(parts, sep)))
	return 1
}

// luaConcat is the `..` operator after rewrite.go: it concatenates its
// arguments right to left as Lua's VM does, joining runs of strings and
// numbers in one step and calling __concat for anything else.
func (s *State) luaConcat(L *lua.LState) int {
	n := L.GetTop()
	vals := make([]lua.LValue, n)
	for i := range vals {
		vals[i] = L.Get(i + 1)
	}
	for n > 1 {
		if stringish(vals[n-2]) && stringish(vals[n-1]) {
			k := n - 2
			for k > 0 && stringish(vals[k-1]) {
				k--
			}
			size := 0
			for _, v := range vals[k:n] {
				size += stringishLen(v)
			}
			s.checkStringLen(L, size, "'..'")
			s.charge(L, bytesCost(size))
			var b strings.Builder
			b.Grow(size)
			for _, v := range vals[k:n] {
				if str, ok := v.(lua.LString); ok {
					b.WriteString(string(str))
				} else {
					b.WriteString(formatNumber(v.(lua.LNumber)))
				}
			}
			vals[k] = lua.LString(b.String())
			n = k + 1
			continue
		}
		lhs, rhs := vals[n-2], vals[n-1]
		mm := L.GetMetaField(lhs, "__concat")
		if mm == lua.LNil {
			mm = L.GetMetaField(rhs, "__concat")
		}
		if mm == lua.LNil {
			bad := lhs
			if stringish(lhs) {
				bad = rhs
			}
			L.RaiseError("attempt to concatenate a %s value", bad.Type().String())
		}
		L.Push(mm)
		L.Push(lhs)
		L.Push(rhs)
		L.Call(2, 1)
		vals[n-2] = L.Get(-1)
		L.Pop(1)
		n--
	}
	L.Push(vals[0])
	return 1
}

func stringish(v lua.LValue) bool {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return true
	}
	return false
}

func stringishLen(v lua.LValue) int {
	if s, ok := v.(lua.LString); ok {
		return len(s)
	}
	return len(formatNumber(v.(lua.LNumber)))
}
