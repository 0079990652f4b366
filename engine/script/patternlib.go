package script

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// string.find, match, gmatch and gsub over the budgeted matcher of
// pattern.go, with Lua 5.1's semantics (lstrlib.c). gmatch is lazy and gsub
// builds its result once, so neither holds more than its output.

// startIndex is Lua's posrelat followed by the clamp of str_find_aux.
func startIndex(init int64, n int) int {
	if init < 0 {
		init += int64(n) + 1
	}
	init--
	if init < 0 {
		return 0
	}
	if init > int64(n) {
		return n
	}
	return int(init)
}

func (s *State) luaFind(L *lua.LState) int  { return s.findAux(L, true) }
func (s *State) luaMatch(L *lua.LState) int { return s.findAux(L, false) }

func (s *State) findAux(L *lua.LState, find bool) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	init := startIndex(optInt(L, 3, 1), len(str))
	if find && (L.ToBool(4) || !strings.ContainsAny(pat, patternSpecials)) {
		s.charge(L, bytesCost(len(str)-init)+bytesCost(len(pat)))
		i := strings.Index(str[init:], pat)
		if i < 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LNumber(init + i + 1))
		L.Push(lua.LNumber(init + i + len(pat)))
		return 2
	}
	m := s.newMatcher(L, str, pat)
	p, anchor := 0, strings.HasPrefix(pat, "^")
	if anchor {
		p = 1
	}
	for s1 := init; ; s1++ {
		m.reset()
		if e := m.match(s1, p); e != -1 {
			m.flush()
			if find {
				L.Push(lua.LNumber(s1 + 1))
				L.Push(lua.LNumber(e))
				caps := m.captures(s1, e, false)
				for _, c := range caps {
					L.Push(c)
				}
				return 2 + len(caps)
			}
			caps := m.captures(s1, e, true)
			for _, c := range caps {
				L.Push(c)
			}
			return len(caps)
		}
		if s1 >= len(str) || anchor {
			break
		}
	}
	m.flush()
	L.Push(lua.LNil)
	return 1
}

// luaGmatch returns an iterator that finds the next match on each call. As
// in Lua 5.1, '^' is not an anchor here.
func (s *State) luaGmatch(L *lua.LState) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		m := s.newMatcher(L, str, pat)
		for src := pos; src <= len(str); src++ {
			m.reset()
			if e := m.match(src, 0); e != -1 {
				pos = e
				if e == src {
					pos++ // an empty match: move on by one
				}
				caps := m.captures(src, e, true)
				m.flush()
				for _, c := range caps {
					L.Push(c)
				}
				return len(caps)
			}
		}
		pos = len(str) + 1
		m.flush()
		return 0
	}))
	return 1
}

func (s *State) luaGsub(L *lua.LState) int {
	src := L.CheckString(1)
	pat := L.CheckString(2)
	repl := L.Get(3)
	switch repl.(type) {
	case lua.LString, lua.LNumber, *lua.LTable, *lua.LFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	maxN := optInt(L, 4, int64(len(src))+1)
	m := s.newMatcher(L, src, pat)
	p, anchor := 0, strings.HasPrefix(pat, "^")
	if anchor {
		p = 1
	}
	var b strings.Builder
	n := int64(0)
	si := 0
	for n < maxN {
		m.reset()
		e := m.match(si, p)
		if e != -1 {
			n++
			s.addReplacement(L, m, &b, si, e, repl)
		}
		switch {
		case e != -1 && e > si:
			si = e
		case si < len(src):
			b.WriteByte(src[si])
			si++
		default:
			anchor = true // end of subject: stop
		}
		s.checkStringLen(L, b.Len(), "string.gsub")
		if anchor {
			break
		}
	}
	b.WriteString(src[si:])
	s.checkStringLen(L, b.Len(), "string.gsub")
	m.flush()
	s.charge(L, bytesCost(b.Len()))
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// addReplacement appends the replacement of the match src[s:e] (add_value).
func (s *State) addReplacement(L *lua.LState, m *matcher, b *strings.Builder, si, e int, repl lua.LValue) {
	var v lua.LValue
	switch r := repl.(type) {
	case lua.LString, lua.LNumber:
		news := lua.LVAsString(r)
		if n, ok := r.(lua.LNumber); ok {
			news = formatNumber(n)
		}
		for i := 0; i < len(news); i++ {
			c := news[i]
			if c != '%' {
				b.WriteByte(c)
				continue
			}
			i++
			switch {
			case i >= len(news):
				m.fail("invalid use of '%' in replacement string")
			case !isDigit(news[i]):
				b.WriteByte(news[i])
			case news[i] == '0':
				b.WriteString(m.src[si:e])
			default:
				cv := m.captureValue(int(news[i]-'1'), si, e)
				if num, ok := cv.(lua.LNumber); ok {
					b.WriteString(formatNumber(num))
				} else {
					b.WriteString(string(cv.(lua.LString)))
				}
			}
			s.checkStringLen(L, b.Len(), "string.gsub")
		}
		return
	case *lua.LTable:
		v = L.GetTable(r, m.captureValue(0, si, e))
	case *lua.LFunction:
		caps := m.captures(si, e, true)
		L.Push(r)
		for _, c := range caps {
			L.Push(c)
		}
		L.Call(len(caps), 1)
		v = L.Get(-1)
		L.Pop(1)
	}
	switch v := v.(type) {
	case *lua.LNilType:
		b.WriteString(m.src[si:e])
	case lua.LBool:
		if v {
			L.RaiseError("invalid replacement value (a boolean)")
		}
		b.WriteString(m.src[si:e])
	case lua.LString:
		b.WriteString(string(v))
	case lua.LNumber:
		b.WriteString(formatNumber(v))
	default:
		L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}
