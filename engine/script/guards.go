package script

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Guards put a price and a bound on builtins: they charge work to the
// instruction budget, refuse strings over StringBytesMax, and clamp number
// arguments before gopher-lua converts them with int().

// charge takes n instructions' worth of builtin work from the budget and
// raises the stop as a Lua error if that spends it.
//
// The common case (no stop raised, n not negative, Left still at or above
// Floor once n is taken: budget.charge would take n and return nil) is
// decided here, small enough to be inlined into the builtins that pay;
// anything else is chargeSlow's, which is budget.charge.
func (s *State) charge(L *lua.LState, n int64) {
	if b := s.budget; b.stop == nil && n >= 0 && b.m.Left-n >= b.m.Floor {
		b.m.Left -= n
		return
	}
	s.chargeSlow(L, n)
}

func (s *State) chargeSlow(L *lua.LState, n int64) {
	if stop := s.budget.charge(n); stop != nil {
		L.RaiseError("%s", stop.msg)
	}
}

// checkStringLen raises if a builtin would build a string over the limit.
func (s *State) checkStringLen(L *lua.LState, n int, what string) {
	if n > s.limits.StringBytesMax || n < 0 {
		L.RaiseError("%s", limitMsg("StringBytesMax", "%s would build a string longer than %d bytes", what, s.limits.StringBytesMax))
	}
}

// guarded wraps gopher-lua builtins that convert number arguments with
// int(): Go leaves int(NaN), int(±Inf) and int(1e300) to the CPU, so the
// same script would give different results on amd64 and arm64. Arguments at
// the listed positions (all of them for -1) are clamped to ±2^53 and NaN is
// refused before the builtin sees them. The table functions also pay for
// the elements they shift or compare.
func (s *State) guarded() map[string]map[string]lua.LGFunction {
	return map[string]map[string]lua.LGFunction{
		"": {
			"select":   s.paid(intArgs("select", 1), s.valuesCost(func(L *lua.LState) int64 { return int64(L.GetTop()) })),
			"tonumber": s.paid(intArgs("tonumber", 2), stringArgCost(1)),
			"unpack":   s.paid(intArgs("unpack", 2, 3), s.valuesCost(unpackCount)),
		},
		"string": {
			"byte": s.paid(intArgs("byte", 2, 3), s.valuesCost(byteCount)),
			"char": s.paid(intArgs("char", -1), s.valuesCost(func(L *lua.LState) int64 { return int64(L.GetTop()) })),
			"sub":  s.paid(intArgs("sub", 2, 3), subCost),
		},
		"math": {
			"ldexp": intArgs("ldexp", 2),
		},
		"table": {
			"insert": s.costly("insert", 2),
			"remove": s.costly("remove", 2),
			"sort":   s.costly("sort", 0),
		},
	}
}

// checkLuaFunction is L.CheckFunction for a callback the host will call
// later (handlers, timers, playbooks, team policies, objective checks): a
// builtin there would run without spending a single instruction (no
// budget sees it) and raise errors with no file or line, so it is refused
// where it is registered.
func checkLuaFunction(L *lua.LState, n int, what string) *lua.LFunction {
	fn := L.CheckFunction(n)
	if fn.IsG {
		L.ArgError(n, what+": a Lua function expected, got a builtin (wrap it: function(...) return f(...) end)")
	}
	return fn
}

// paid runs guard (which may fix the arguments), then charges what cost
// says the builtin will do, before it does it: a builtin whose work grows
// with its input costs instructions like the loop it replaces.
func (s *State) paid(guard lua.LGFunction, cost func(L *lua.LState) int64) lua.LGFunction {
	return func(L *lua.LState) int {
		guard(L)
		s.charge(L, cost(L))
		return 0
	}
}

// valuesCost charges 1 instruction per 8 values a builtin returns or
// takes (each is a 16-byte copy). More than a value stack holds is
// gopher-lua's "registry overflow", not work.
func (s *State) valuesCost(count func(L *lua.LState) int64) func(L *lua.LState) int64 {
	return func(L *lua.LState) int64 {
		return min(max(0, count(L)), int64(s.limits.RegistrySlotsMax))/8 + 1
	}
}

// stringArgCost charges the bytes of the string at argument n.
func stringArgCost(n int) func(L *lua.LState) int64 {
	return func(L *lua.LState) int64 {
		if s, ok := L.Get(n).(lua.LString); ok {
			return bytesCost(len(s))
		}
		return 1
	}
}

// unpackCount is how many values unpack(t [, i [, j]]) returns.
func unpackCount(L *lua.LState) int64 {
	tb, ok := L.Get(1).(*lua.LTable)
	if !ok {
		return 0
	}
	i, j := int64(1), int64(tb.Len())
	if n, ok := L.Get(2).(lua.LNumber); ok {
		i = int64(n)
	}
	if n, ok := L.Get(3).(lua.LNumber); ok {
		j = int64(n)
	}
	return j - i + 1
}

// strRange is Lua 5.1's range of s:sub(i, j) and s:byte(i, j) with
// defaults di, dj: the 0-based start and the length.
func strRange(L *lua.LState, di, dj int64) (int64, int64) {
	s, ok := L.Get(1).(lua.LString)
	if !ok {
		return 0, 0
	}
	n := int64(len(s))
	i, j := di, dj
	if v, ok := L.Get(2).(lua.LNumber); ok {
		i = int64(v)
	}
	if v, ok := L.Get(3).(lua.LNumber); ok {
		j = int64(v)
	} else if L.GetTop() < 3 && dj == 1 {
		j = i // byte(s, i) is one byte
	}
	if i < 0 {
		i += n + 1
	}
	if j < 0 {
		j += n + 1
	}
	i = max(i, 1)
	j = min(j, n)
	if i > j {
		return 0, 0
	}
	return i - 1, j - i + 1
}

func byteCount(L *lua.LState) int64 { _, n := strRange(L, 1, 1); return n }

// subCost charges the bytes of the substring (Lua copies them; the
// footprint counts a substring as a string of its own).
func subCost(L *lua.LState) int64 { _, n := strRange(L, 1, -1); return bytesCost(int(n)) }

// maxExactInt is the largest integer a float64 holds exactly.
const maxExactInt = 1 << 53

// intArgs returns the guard of a builtin whose arguments at positions are
// converted with int() (-1: every argument).
func intArgs(fname string, positions ...int) lua.LGFunction {
	return func(L *lua.LState) int {
		if len(positions) == 1 && positions[0] == -1 {
			for i := 1; i <= L.GetTop(); i++ {
				clampIntArg(L, i, fname)
			}
			return 0
		}
		for _, i := range positions {
			clampIntArg(L, i, fname)
		}
		return 0
	}
}

func clampIntArg(L *lua.LState, i int, fname string) {
	if i > L.GetTop() {
		return
	}
	var f float64
	switch v := L.Get(i).(type) {
	case lua.LNumber:
		f = float64(v)
	case lua.LString:
		n, ok := parseLuaNumber(string(v))
		if !ok {
			return
		}
		f = n
	default:
		return
	}
	switch {
	case math.IsNaN(f):
		L.RaiseError("bad argument #%d to '%s' (number is NaN)", i, fname)
	case f > maxExactInt:
		L.Replace(i, lua.LNumber(maxExactInt))
	case f < -maxExactInt:
		L.Replace(i, lua.LNumber(-maxExactInt))
	case float64(int64(f)) != f:
		L.Replace(i, lua.LNumber(math.Trunc(f)))
	}
}

// parseLuaNumber converts like gopher-lua does: integers in any Go base
// prefix (0x10), else a float.
func parseLuaNumber(s string) (float64, bool) {
	s = strings.Trim(s, " \t\n")
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return float64(i), true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// checkInt reads an integer argument the way Lua truncates, refusing NaN
// and clamping infinities, so that the result does not depend on the CPU.
func checkInt(L *lua.LState, i int) int64 {
	// A number argument is read inline; anything else (a string that
	// converts, a wrong type) through CheckNumber's conversion or error.
	n, ok := L.Arg(i).(lua.LNumber)
	if !ok {
		n = L.CheckNumber(i)
	}
	f := float64(n)
	switch {
	case math.IsNaN(f):
		L.ArgError(i, "number is NaN")
	case f > maxExactInt:
		return maxExactInt
	case f < -maxExactInt:
		return -maxExactInt
	}
	return int64(f)
}

func optInt(L *lua.LState, i int, d int64) int64 {
	if L.Get(i) == lua.LNil {
		return d
	}
	return checkInt(L, i)
}

// costly is the guard of the table functions that move or compare many
// elements in one call: it clamps the position argument (posArg, 0 for
// none) and charges the work before gopher-lua does it.
func (s *State) costly(fname string, posArg int) lua.LGFunction {
	return func(L *lua.LState) int {
		tb := L.CheckTable(1)
		n := int64(tb.MaxN())
		switch fname {
		case "sort":
			s.charge(L, n*int64(bits.Len64(uint64(n))+1))
			return 0
		case "insert":
			if L.GetTop() < 3 {
				s.charge(L, 1)
				return 0
			}
		case "remove":
			if L.GetTop() < 2 {
				s.charge(L, 1)
				return 0
			}
		}
		clampIntArg(L, posArg, fname)
		pos := int64(L.ToInt(posArg))
		if shifted := n - pos; shifted > 0 {
			s.charge(L, shifted/8+1)
		} else {
			s.charge(L, 1)
		}
		return 0
	}
}
