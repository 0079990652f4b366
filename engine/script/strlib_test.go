package script

import (
	"strings"
	"testing"
)

// The bounded string builtins keep Lua 5.1's results. Expected values are
// what the reference interpreter prints.
func TestStringLibrary(t *testing.T) {
	cases := []struct{ expr, want string }{
		// find
		{`("hello world"):find("o w")`, "5\t7"},
		{`("hello"):find("l")`, "3\t3"},
		{`("hello"):find("xyz")`, "nil"},
		{`("hello"):find("")`, "1\t0"},
		{`("hello"):find("", 10)`, "6\t5"},
		{`("hello"):find("l", -2)`, "4\t4"},
		{`("a.b"):find(".", 1, true)`, "2\t2"},
		{`("THE (quick) fox"):find("%((%a+)%)")`, "5\t11\tquick"},
		{`("hello"):find("(h)(e)")`, "1\t2\th\te"},
		{`("hello"):find("()ll()")`, "3\t4\t3\t5"},
		{`("aaa"):find("^a")`, "1\t1"},
		{`("baa"):find("^a")`, "nil"},
		// match
		{`("key = value"):match("(%w+)%s*=%s*(%w+)")`, "key\tvalue"},
		{`("  trim  "):match("^%s*(.-)%s*$")`, "trim"},
		{`("f(a(b)c)d"):match("%b()")`, "(a(b)c)"},
		{`("abc123"):match("%d+$")`, "123"},
		{`("x=1, y=2"):match("y=(%d)")`, "2"},
		{`("hello"):match(".-(l+)(.*)")`, "ll\to"},
		{`("[test]"):match("^%[(.*)%]$")`, "test"},
		{`("abab"):match("(ab)%1")`, "ab"},
		{`("date: 2024-01-02"):match("(%d+)-(%d+)-(%d+)")`, "2024\t01\t02"},
		{`("a,b,,c"):match("[^,]*", 5)`, ""},
		{`("UPPER lower"):match("%u+")`, "UPPER"},
		{`("x"):match("[%]]")`, "nil"},
		{`("]"):match("[]]")`, "]"},
		{`("a-b"):match("[a%-]+")`, "a-"},
		{`("hello"):match("h?ello")`, "hello"},
		// gmatch
		{`(function() local t = {} for w in ("one two three"):gmatch("%a+") do t[#t+1] = w end return table.concat(t, "|") end)()`, "one|two|three"},
		{`(function() local t = {} for k, v in ("a=1, b=2"):gmatch("(%w+)=(%w+)") do t[#t+1] = k .. v end return table.concat(t, "|") end)()`, "a1|b2"},
		{`(function() local t = {} for p in ("abc"):gmatch("()") do t[#t+1] = p end return table.concat(t, ",") end)()`, "1,2,3,4"},
		{`(function() local t = {} for w in ("^a^a"):gmatch("^a") do t[#t+1] = w end return #t end)()`, "2"},
		// gsub
		{`("hello"):gsub("l", "L")`, "heLLo\t2"},
		{`("hello world"):gsub("(%w+)", "<%1>")`, "<hello> <world>\t2"},
		{`("hello world from lua"):gsub("(%w+) (%w+)", "%2 %1")`, "world hello lua from\t2"},
		{`("abc"):gsub("", "-")`, "-a-b-c-\t4"},
		{`("abc"):gsub("%w", "%0%0")`, "aabbcc\t3"},
		{`("hello"):gsub("l", {l = "1"})`, "he11o\t2"},
		{`("hello"):gsub("l", function(c) return nil end)`, "hello\t2"},
		{`("hello"):gsub("(l)", function(c) return c:upper() .. 1 end)`, "heL1L1o\t2"},
		{`("abc"):gsub("b", "%%")`, "a%c\t1"},
		{`("hello"):gsub("l", "L", 1)`, "heLlo\t1"},
		{`("abc"):gsub("^.", "X")`, "Xbc\t1"},
		{`("THE quick"):gsub("%f[%a]%a+", "W")`, "W W\t2"},
		{`("x"):gsub("x", 5)`, "5\t1"},
		{`("a b"):gsub("%s", "%%s")`, "a%sb\t1"},
		// rep, case, reverse, byte, char, sub, len
		{`string.rep("ab", 3)`, "ababab"},
		{`("x"):rep(0)`, ""},
		{`("x"):rep(-1)`, ""},
		{`("aBc1é"):upper()`, "ABC1é"},
		{`("ÀBC"):lower()`, "Àbc"},
		{`("abc"):reverse()`, "cba"},
		{`("hello"):byte(1, -1)`, "104\t101\t108\t108\t111"},
		{`string.char(72, 105)`, "Hi"},
		{`("hello"):sub(2, -2)`, "ell"},
		{`("hello"):sub(2, 1/0)`, "ello"},
		{`("hello"):sub(-1/0, 2)`, "he"},
		{`#("hello")`, "5"},
		// format
		{`string.format("%5s|%-5s|%.2s", "ab", "ab", "abc")`, "   ab|ab   |ab"},
		{`string.format("%x %X %o %#x", 255, 255, 8, 255)`, "ff FF 10 0xff"},
		{`string.format("%5.1f|%.3f|%e", 3.14159, 2/3, 12345.678)`, "  3.1|0.667|1.234568e+04"},
		{`string.format("%g %g %g %g", 1e20, 0.1, 100000, 1000000)`, "1e+20 0.1 100000 1e+06"},
		{`string.format("%c%c", 72, 105)`, "Hi"},
		{`string.format("%q", 'a"b\\c\0d\n')`, "\"a\\\"b\\\\c\\000d\\\n\""},
		{`string.format("%d %d %i", 3.7, -3.7, 42)`, "3 -3 42"},
		{`string.format("%5.3d|%-5d|%05d", 7, 7, 7)`, "  007|7    |00007"},
		{`string.format("%+d % d", 5, 5)`, "+5  5"},
		{`string.format("%%|%s|%s", 1.5, true)`, "%|1.5|true"},
		{`string.format("%x %u", -1, 3)`, "ffffffffffffffff 3"},
		{`string.format("%f %5.1f %E", 1/0, -1/0, 0/0)`, "inf  -inf NAN"},
		{`string.format("%s", setmetatable({}, {__tostring = function() return "T" end}))`, "T"},
		// concatenation
		{`1 .. 2`, "12"},
		{`1.5 .. "|" .. -0.25 .. "|" .. 2^53`, "1.5|-0.25|9007199254740992"},
		{`"a" .. "b" .. "c" .. 1 .. 2`, "abc12"},
		{`setmetatable({}, {__concat = function(a, b) return "L" end}) .. "x"`, "L"},
		{`"x" .. setmetatable({}, {__concat = function(a, b) return type(a) .. "+" .. type(b) end})`, "string+table"},
		{`"x" .. setmetatable({}, {__concat = function(a, b) return 7 end}) .. "y"`, "x7"},
		{`(function() local mt = {__concat = function(a, b) return (type(a) == "table" and "T" or a) .. (type(b) == "table" and "T" or b) end} local t = setmetatable({}, mt) return "a" .. t .. "b" .. t end)()`, "aTbT"},
		{`(function() local p = {} for i = 1, 120 do p[i] = "x" end return #(p[1]` + strings.Repeat(` .. p[1]`, 119) + `) end)()`, "120"},
		// table.concat
		{`table.concat({1, 2, "3"}, "-")`, "1-2-3"},
		{`table.concat({}, "x")`, ""},
		{`table.concat({1, 2, 3}, ",", 2, 3)`, "2,3"},
		{`table.concat({1, 2, 3}, ",", 3, 2)`, ""},
		// math.random bounds
		{`(function() for i = 1, 1000 do local r = math.random(3, 5) if r < 3 or r > 5 or r % 1 ~= 0 then return r end end return "ok" end)()`, "ok"},
		{`(function() for i = 1, 1000 do local r = math.random() if r < 0 or r >= 1 then return r end end return "ok" end)()`, "ok"},
		{`math.random(1, 1)`, "1"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			out, err := runStory(t, "print("+c.expr+")", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if out != c.want {
				t.Errorf("got %q, want %q", out, c.want)
			}
		})
	}
}

func TestStringLibraryErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`("x"):find("[a")`, "malformed pattern (missing ']')"},
		{`("x"):find("%")`, "malformed pattern (ends with '%')"},
		{`("x"):find("(")`, "unfinished capture"},
		{`("x"):match("x)")`, "invalid pattern capture"},
		{`("x"):find("%1")`, "invalid capture index"},
		{`("x"):find("%b(")`, "unbalanced pattern"},
		{`("x"):find("%fx")`, "missing '[' after '%f' in pattern"},
		{`("x"):find(("()"):rep(33))`, "too many captures"},
		{`("x"):gsub("x", "%2")`, "invalid capture index"},
		{`("x"):gsub("x", "%")`, "invalid use of '%' in replacement string"},
		{`("x"):gsub("x", function() return {} end)`, "invalid replacement value (a table)"},
		{`("x"):gsub("x", true)`, "string/function/table expected"},
		{`("x"):rep(0/0)`, "number is NaN"},
		{`("x"):sub(0/0)`, "number is NaN"},
		{`string.format("%d")`, "no value"},
		{`string.format("%d", 2^63)`, "no integer representation"},
		{`string.format("%y", 1)`, "invalid option '%y'"},
		{`string.format("%------d", 1)`, "repeated flags"},
		{`table.concat({1, {}, 3})`, "invalid value (at index 2) in table for 'concat'"},
		{`math.random(0)`, "interval is empty"},
		{`math.random(5, 4)`, "interval is empty"},
		{`math.random(1, 2, 3)`, "wrong number of arguments"},
		{`("a"):rep(300):match(("a?"):rep(300))`, "pattern too complex"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			_, err := runStory(t, "print("+c.expr+")", Limits{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if e := asError(t, err); e.Line != 1 {
				t.Errorf("line %d", e.Line)
			}
		})
	}
}

func TestPrintIsBounded(t *testing.T) {
	out, err := runStory(t, `for i = 1, 10 do print(i) end print(("x"):rep(100))`, Limits{LogLinesPerTickMax: 3, LogLineBytesMax: 20})
	if err != nil {
		t.Fatal(err)
	}
	want := "1\n2\n3\nprint: 3 lines this tick; dropping the rest of the tick (Limits.LogLinesPerTickMax)"
	if out != want {
		t.Errorf("got %q", out)
	}
	out, err = runStory(t, `print(("x"):rep(100), "y")`, Limits{LogLineBytesMax: 20})
	if err != nil || out != strings.Repeat("x", 20)+"…" {
		t.Errorf("got %q %v", out, err)
	}
}
