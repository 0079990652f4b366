package script

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// luaFormat is string.format with Lua 5.1's rules. gopher-lua hands the
// format string to Go's fmt, which prints addresses (%p), Go type names
// (%T, %v), accepts six-digit widths and formats %d of a float as an error
// string. Here every directive is parsed as lstrlib.c does: flags "-+ #0",
// at most two digits of width and of precision, and the conversions
// c d i o u x X e E f g G q s (s through tostring, as Lua 5.2 does, so
// tables print their replayable names).
func (s *State) luaFormat(L *lua.LState) int {
	fmtStr := L.CheckString(1)
	var b strings.Builder
	arg := 1
	for i := 0; i < len(fmtStr); {
		c := fmtStr[i]
		i++
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i < len(fmtStr) && fmtStr[i] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		spec, next := parseSpec(L, fmtStr, i)
		i = next
		arg++
		if arg > L.GetTop() {
			L.ArgError(arg, "no value")
		}
		if str, ok := L.Get(arg).(lua.LString); ok {
			s.charge(L, bytesCost(len(str))) // %s and %q read it all, even if the result is refused
		}
		piece := s.formatOne(L, spec, arg)
		s.checkStringLen(L, b.Len()+len(piece), "string.format")
		b.WriteString(piece)
	}
	s.checkStringLen(L, b.Len(), "string.format")
	s.charge(L, bytesCost(b.Len()))
	L.Push(lua.LString(b.String()))
	return 1
}

type formatSpec struct {
	flags     string
	width     int // -1 if absent
	precision int // -1 if absent
	verb      byte
}

const formatFlags = "-+ #0"

func parseSpec(L *lua.LState, f string, i int) (formatSpec, int) {
	spec := formatSpec{width: -1, precision: -1}
	start := i
	for i < len(f) && strings.IndexByte(formatFlags, f[i]) >= 0 {
		i++
	}
	if i-start > len(formatFlags) {
		L.RaiseError("invalid format (repeated flags)")
	}
	spec.flags = f[start:i]
	digits := func() int {
		n, d := 0, 0
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			n = n*10 + int(f[i]-'0')
			i++
			d++
		}
		if d > 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
		if d == 0 {
			return -1
		}
		return n
	}
	spec.width = digits()
	if i < len(f) && f[i] == '.' {
		i++
		spec.precision = digits()
		if spec.precision < 0 {
			spec.precision = 0
		}
	}
	if i >= len(f) {
		L.RaiseError("invalid option '%%' to 'format'")
	}
	spec.verb = f[i]
	return spec, i + 1
}

// goVerb rebuilds the directive for Go's fmt, which agrees with C's printf
// on these flags, widths and precisions for integers and finite floats.
func (spec formatSpec) goVerb(verb byte) string {
	var b strings.Builder
	b.WriteByte('%')
	b.WriteString(spec.flags)
	if spec.width >= 0 {
		b.WriteString(strconv.Itoa(spec.width))
	}
	if spec.precision >= 0 {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(spec.precision))
	}
	b.WriteByte(verb)
	return b.String()
}

func (s *State) formatOne(L *lua.LState, spec formatSpec, arg int) string {
	switch spec.verb {
	case 'c':
		return pad(spec, string([]byte{byte(checkInt(L, arg))}))
	case 'd', 'i':
		n := formatInt(L, arg)
		return fmt.Sprintf(spec.goVerb('d'), n)
	case 'o', 'u', 'x', 'X':
		// C prints the two's complement of a negative value.
		n := uint64(formatInt(L, arg))
		verb := spec.verb
		if verb == 'u' {
			verb = 'd'
		}
		spec.flags = strings.NewReplacer("+", "", " ", "").Replace(spec.flags) // no sign on unsigned
		return fmt.Sprintf(spec.goVerb(verb), n)
	case 'e', 'E', 'f', 'g', 'G':
		f := float64(L.CheckNumber(arg))
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return pad(formatSpec{flags: strings.ReplaceAll(spec.flags, "0", ""), width: spec.width, precision: -1}, nonFinite(f, spec))
		}
		if spec.precision < 0 {
			spec.precision = 6 // C's default; Go's %g would print the shortest form
		}
		return fmt.Sprintf(spec.goVerb(spec.verb), f)
	case 'q':
		return quoteString(L.CheckString(arg))
	case 's':
		str := s.tostring(L, L.Get(arg))
		if spec.precision >= 0 && spec.precision < len(str) {
			str = str[:spec.precision]
		}
		return pad(spec, str)
	}
	L.RaiseError("invalid option '%%%c' to 'format'", spec.verb)
	return ""
}

// formatInt reads an integer argument; values beyond int64 are refused
// rather than converted, since Go leaves that conversion to the CPU.
func formatInt(L *lua.LState, arg int) int64 {
	f := float64(L.CheckNumber(arg))
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		L.ArgError(arg, "number has no integer representation")
	}
	return int64(f)
}

func nonFinite(f float64, spec formatSpec) string {
	upper := spec.verb == 'E' || spec.verb == 'G'
	var s string
	switch {
	case math.IsNaN(f):
		s = "nan"
	case f > 0 && strings.Contains(spec.flags, "+"):
		s = "+inf"
	case f > 0 && strings.Contains(spec.flags, " "):
		s = " inf"
	case f > 0:
		s = "inf"
	default:
		s = "-inf"
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

// pad applies a width to a string byte-wise (Go's fmt counts runes).
func pad(spec formatSpec, str string) string {
	if spec.width <= len(str) {
		return str
	}
	fill := strings.Repeat(" ", spec.width-len(str))
	if strings.Contains(spec.flags, "-") {
		return str + fill
	}
	return fill + str
}

// quoteString is %q as in Lua 5.1's addquoted.
func quoteString(str string) string {
	var b strings.Builder
	b.Grow(len(str) + 2)
	b.WriteByte('"')
	for i := 0; i < len(str); i++ {
		switch c := str[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
