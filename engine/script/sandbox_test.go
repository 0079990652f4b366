package script

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Every way out of the sandbox a script could try must fail with an error
// (or find nothing), and the process must go on.
func TestSandboxEscapes(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    string // printed output, if no error is expected
		wantErr string // substring of the error
	}{
		{"io.open", `io.open("/etc/passwd")`, "", "is not available in scenario scripts"},
		{"os.execute", `os.execute("id")`, "", "is not available in scenario scripts"},
		{"os.time", `return os.time()`, "", "is not available in scenario scripts"},
		{"os.clock", `return os.clock()`, "", "is not available in scenario scripts"},
		{"os.getenv", `return os.getenv("HOME")`, "", "is not available in scenario scripts"},
		{"require os", `require "os"`, "", `require "os": no os.lua`},
		{"require io", `require "io"`, "", `require "io": no io.lua`},
		{"require debug", `require "debug"`, "", `require "debug": no debug.lua`},
		{"require parent dir", `require "../../etc/passwd"`, "", "a module name is"},
		{"require absolute", `require "/etc/passwd"`, "", "a module name is"},
		{"require slash", `require "a/b"`, "", "a module name is"},
		{"require dotdot", `require "a..b"`, "", "a module name is"},
		{"require empty", `require ""`, "", "a module name is"},
		{"dofile", `dofile("/etc/passwd")`, "", "is not available in scenario scripts"},
		{"loadfile", `loadfile("/etc/passwd")`, "", "is not available in scenario scripts"},
		{"load", `load(function() return "x" end)`, "", "is not available in scenario scripts"},
		{"loadstring bytecode", `loadstring("\27LuaQ\0")`, "", "is not available in scenario scripts"},
		{"loadstring source", `loadstring("return 1")`, "", "is not available in scenario scripts"},
		{"string.dump", `string.dump(print)`, "", "attempt to call"},
		{"getfenv", `getfenv(1)`, "", "is not available in scenario scripts"},
		{"setfenv", `setfenv(1, {})`, "", "is not available in scenario scripts"},
		{"debug.getinfo", `debug.getinfo(1)`, "", "is not available in scenario scripts"},
		{"debug.getregistry", `debug.getregistry()`, "", "is not available in scenario scripts"},
		{"package.loadlib", `package.loadlib("libc.so.6", "system")`, "", "is not available in scenario scripts"},
		{"newproxy", `newproxy(true)`, "", "is not available in scenario scripts"},
		{"module", `module("x")`, "", "is not available in scenario scripts"},
		{"collectgarbage", `collectgarbage("count")`, "", "is not available in scenario scripts"},
		{"_printregs", `_printregs()`, "", "is not available in scenario scripts"},
		{"channel", `channel.make()`, "", "is not available in scenario scripts"},
		{"randomseed", `math.randomseed(42)`, "", "math.randomseed is disabled"},
		{"format %p", `string.format("%p", {})`, "", "invalid option '%p'"},
		{"format %v", `string.format("%v", {})`, "", "invalid option '%v'"},
		{"format %T", `string.format("%T", {})`, "", "invalid option '%T'"},
		{"format wide", `string.format("%100d", 1)`, "", "width or precision too long"},
		{"yield from main", `coroutine.yield()`, "", "can not yield from outside of a coroutine"},
		{
			name: "rawget finds nothing hidden",
			src: `for _, k in ipairs({"io", "os", "debug", "package", "load", "loadstring", "dofile", "loadfile",
				"require_", "getfenv", "setfenv", "newproxy", "collectgarbage", "module", "_printregs",
				"_GOPHER_LUA_VERSION", "channel", "(concat)", "gcinfo"}) do
				assert(rawget(_G, k) == nil, k)
			end
			print("ok")`,
			want: "ok",
		},
		{
			name: "the hidden concatenation is out of reach",
			src: `print(select("#", ...), rawget(_G, "(concat)"), _G["(concat)"])
				local s = "a" .. "b"
				print(s)`,
			want: "0\tnil\tnil\nab",
		},
		{
			name: "string metatable leads to the string table only",
			src: `local mt = getmetatable("")
				local n = 0
				for k, v in pairs(mt) do n = n + 1; assert(k == "__index" and v == string) end
				print(n, mt.__index.dump, mt.__index.gfind, ("x").dump, ("x").load)`,
			want: "1\tnil\tnil\tnil\tnil",
		},
		{
			name: "string metatable can only hurt the script itself",
			src: `getmetatable("").__index = function(s, k) return function() return "hacked" end end
				print(("x"):anything(), ("x"):open())`,
			want: "hacked\thacked",
		},
		{
			name: "globals metatable gives no library back",
			src: `setmetatable(_G, {__index = function(t, k) return k end})
				print(io, type(io.open))`,
			want: "io\tnil",
		},
		{
			name: "tostring hides addresses",
			src: `local s = tostring({}) .. tostring(print) .. tostring(function() end) .. tostring(coroutine.create(function() end))
				print(s:find("0x") == nil)`,
			want: "true",
		},
		{
			name: "caught errors carry no addresses",
			src: `local ok, e = pcall(function() local x = nil; return x[{}] end)
				print(e:find("0x") == nil, e)`,
			want: "true\tscenarios/test/story.lua:1: attempt to index a non-table object(nil) with key 'table'",
		},
		{
			name: "assert message is not a format string",
			src:  `print(pcall(assert, false, "100%d done"))`,
			want: "false\t100%d done",
		},
		{
			name: "a task cannot be resumed from Lua",
			src: `local task
				spawn(function() task = coroutine.running() end)
				wait_for_test = true`,
			want: "",
		},
		{
			name: "error objects do not carry Go values",
			src: `local ok, e = pcall(string.rep) print(ok, type(e))
				local ok2, e2 = pcall(error, {}) print(ok2, type(e2))`,
			want: "false\tstring\nfalse\ttable",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := runStory(t, c.src, Limits{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
				}
				e := asError(t, err)
				if e.File != scenarioName+"/story.lua" || e.Line < 1 {
					t.Errorf("error names %s:%d, want the story and a line", e.File, e.Line)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if out != c.want {
				t.Errorf("output %q, want %q", out, c.want)
			}
		})
	}
}

// The complete set of names a script can reach from _G, libraries
// included. Adding one is a decision; this test makes it a visible one.
func TestSandboxReachableNames(t *testing.T) {
	out, err := runStory(t, `
		local names = {}
		for k, v in pairs(_G) do
			if type(v) == "table" and v ~= _G then
				for k2 in pairs(v) do names[#names + 1] = k .. "." .. k2 end
			else
				names[#names + 1] = k
			end
		end
		table.sort(names)
		print(table.concat(names, " "))
	`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "_G _VERSION assert " +
		"coroutine.create coroutine.resume coroutine.running coroutine.status coroutine.wrap coroutine.yield " +
		"error getmetatable ipairs " +
		"math.abs math.acos math.asin math.atan math.atan2 math.ceil math.cos math.cosh math.deg math.exp " +
		"math.floor math.fmod math.frexp math.huge math.ldexp math.log math.log10 math.max math.min math.mod " +
		"math.modf math.pi math.pow math.rad math.random math.randomseed math.sin math.sinh math.sqrt math.tan math.tanh " +
		"next pairs pcall print rawequal rawget rawset require select setmetatable spawn " +
		"string.byte string.char string.find string.format string.gmatch string.gsub string.len string.lower " +
		"string.match string.rep string.reverse string.sub string.upper " +
		"table.concat table.getn table.insert table.maxn table.remove table.sort " +
		"tonumber tostring type unpack wait wait_until xpcall"
	if out != want {
		t.Errorf("reachable names:\n got %s\nwant %s", out, want)
	}
}

// API tables are filled in sorted order, so pairs() over them replays.
func TestSetFuncsSorted(t *testing.T) {
	h := newHarness(t, `local names = {} for k in pairs(api) do names[#names + 1] = k end print(table.concat(names, " "))`, 1, Limits{}, nil)
	tb := h.ls.NewTable()
	nop := func(*lua.LState) int { return 0 }
	setFuncsSorted(h.ls, tb, map[string]lua.LGFunction{"zeta": nop, "alpha": nop, "mid": nop, "beta": nop})
	h.ls.SetGlobal("api", tb)
	if err := h.Run("story.lua"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.log, "\n"); got != "alpha beta mid zeta" {
		t.Errorf("got %q", got)
	}
}
