package script

import (
	"strings"
	"testing"
	"time"
)

// A script that loops or allocates without bound is stopped with an error
// that names the limit, the file, the line and the tick; the state can go
// on with the next tick.
func TestLimitsStopRunawayScripts(t *testing.T) {
	cases := []struct {
		name   string
		src    string
		limits Limits
		limit  string // the Limits field the error must name
		line   int    // 0: any line
	}{
		{"busy loop", "local x = 0\nwhile true do\n x = x + 1\nend", Limits{}, "InstructionsPerTickMax", 0},
		{"empty loop", "\nwhile true do end", Limits{}, "InstructionsPerTickMax", 2},
		{"tail call loop", "local function f() return f() end\nf()", Limits{}, "InstructionsPerTickMax", 1},
		{"loop inside pcall", "while true do pcall(function() while true do end end) end", Limits{}, "InstructionsPerTickMax", 1},
		{"loop in error handler", "xpcall(error, function() while true do end end)", Limits{}, "InstructionsPerTickMax", 1},
		{"string.rep huge", `local s = string.rep("x", 2^30)`, Limits{}, "StringBytesMax", 1},
		{"string.rep overflow", `local s = string.rep("xy", 2^52)`, Limits{}, "StringBytesMax", 1},
		{"doubling concat", "local s = 'x'\nwhile true do\n  s = s .. s\nend", Limits{}, "StringBytesMax", 3},
		{"concat chain", "local s = ('x'):rep(2^19)\nlocal t = s .. s .. s", Limits{}, "StringBytesMax", 2},
		{"table.concat huge", "local t, s = {}, ('x'):rep(2^16)\nfor i = 1, 100 do t[i] = s end\nreturn table.concat(t)", Limits{}, "StringBytesMax", 3},
		{"gsub blow-up", `local s = ("x"):rep(2^16) return s:gsub(".", ("y"):rep(100))`, Limits{}, "StringBytesMax", 1},
		{"format %q blow-up", `return string.format("%q%q", ("\n"):rep(2^19), "x")`, Limits{}, "StringBytesMax", 1},
		{"format many %s", `local s = ("x"):rep(2^18) return string.format(("%s"):rep(8), s, s, s, s, s, s, s, s)`, Limits{}, "StringBytesMax", 1},
		{"gsub churn", `local s = ("x"):rep(2^20 - 1) for i = 1, 1e9 do s = s:gsub("x", "y") end`, Limits{}, "InstructionsPerTickMax", 1},
		{"rep churn", `for i = 1, 1e9 do local s = ("x"):rep(2^20) end`, Limits{}, "InstructionsPerTickMax", 1},
		{"pattern backtracking", `local s = ("a"):rep(3000) return s:find("a-a-a-a-a-b")`, Limits{}, "InstructionsPerTickMax", 1},
		{"pattern greedy backtracking", `local s = ("a"):rep(3000) return s:match(".*.*.*.*b")`, Limits{}, "InstructionsPerTickMax", 1},
		{"table growth", "local t = {}\nwhile true do\n  t[#t + 1] = {}\nend", Limits{}, "InstructionsPerTickMax", 0},
		{"insert at front", "local t = {}\nfor i = 1, 2e5 do t[i] = i end\nfor i = 1, 1e9 do table.insert(t, 1, i) end", Limits{}, "InstructionsPerTickMax", 3},
		{"sort big", "local t = {}\nfor i = 1, 2e5 do t[i] = -i end\ntable.sort(t)", Limits{}, "InstructionsPerTickMax", 0},
		{"deep recursion", "local function f(n)\n  return 1 + f(n + 1)\nend\nf(1)", Limits{}, "CallStackDepthMax", 2},
		{"deep __index recursion", "local t = setmetatable({}, {__index = function(t, k) return t[k] end})\nreturn t.x", Limits{}, "CallStackDepthMax", 1},
		{"deep __tostring recursion", "local t\nt = setmetatable({}, {__tostring = function() return tostring(t) end})\nprint(t)", Limits{}, "CallStackDepthMax", 2},
		{"unpack huge", "local t = {1}\nreturn unpack(t, 1, 2^40)", Limits{}, "RegistrySlotsMax", 2},
		{"coroutine nesting bomb", "local function f()\n  coroutine.wrap(f)()\nend\nf()", Limits{}, "CoroutineDepthMax", 0},
		{"coroutine creation bomb", "local t = {}\nfor i = 1, 1e9 do\n  t[i] = coroutine.create(function() end)\nend", Limits{}, "CoroutinesPerTickMax", 3},
		{"coroutine resume loop", "local co = coroutine.wrap(function() while true do coroutine.yield() end end)\nwhile true do co() end", Limits{}, "InstructionsPerTickMax", 0},
		{"spawn bomb", "for i = 1, 1e9 do\n  spawn(function() end)\nend", Limits{}, "TasksMax", 2},
		{"wall clock", "while true do end", Limits{InstructionsPerTickMax: 1 << 50, InstructionsPerRunMax: 1 << 50, WallTimePerTickMax: 20 * time.Millisecond}, "WallTimePerTickMax", 1},
		{"heap crash stop", "local t = {}\nfor i = 1, 1e12 do\n  t[i % 1000 + 1] = {1, 2, 3, 4, 5, 6, 7, 8}\nend", Limits{InstructionsPerTickMax: 1 << 50, InstructionsPerRunMax: 1 << 50, HeapAllocBytesPerTickMax: 64 << 20}, "HeapAllocBytesPerTickMax", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.src, 1, c.limits, map[string]string{"alive.lua": `print(("x"):rep(3) .. "!")`})
			if err := h.SetTick(40); err != nil {
				t.Fatal(err)
			}
			err := h.Run("story.lua")
			if err == nil {
				t.Fatal("script was not stopped")
			}
			e := asError(t, err)
			if e.Kind != KindLimit || e.Limit != c.limit {
				t.Fatalf("stopped by %s/%q (%v), want limit %s", e.Kind, e.Limit, err, c.limit)
			}
			if e.File != scenarioName+"/story.lua" || e.Tick != 40 || (c.line != 0 && e.Line != c.line) || e.Line < 1 {
				t.Errorf("error at %s:%d tick %d, want %s:%d tick 40: %v", e.File, e.Line, e.Tick, scenarioName+"/story.lua", c.line, err)
			}
			if !strings.Contains(err.Error(), "tick 40: ") || !strings.HasPrefix(err.Error(), scenarioName+"/story.lua:") {
				t.Errorf("Error() = %q", err)
			}
			// The state survives: the next tick has a fresh budget.
			if err := h.SetTick(41); err != nil {
				t.Fatal(err)
			}
			h.log = nil
			if err := h.Run("alive.lua"); err != nil || len(h.log) != 1 || h.log[0] != "xxx!" {
				t.Fatalf("state unusable after the stop: %v %q", err, h.log)
			}
		})
	}
}

// Recursion that pcall catches at every level, through coroutines nested to
// the limit, is the deepest Go stack a script can build; it must end with
// errors caught by the script, not with a Go stack overflow. A caught
// stack overflow must leave the state sound.
func TestLimitsCaughtOverflowsLeaveTheStateSound(t *testing.T) {
	out, err := runStory(t, `
		local function dive(n)
			if n > 0 then return select(2, pcall(dive, n - 1)) end
			return coroutine.wrap(function() return dive(90) end)()
		end
		print(dive(90))
		local function f(n) return 1 + f(n + 1) end
		print(pcall(f, 1))
		print(pcall(f, 1))
		local t = {}
		for i = 1, 10 do t[i] = i * 2 end
		print(#t, t[10], select("#", unpack(t)))
	`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "scenarios/test/story.lua:4: coroutines resumed more than 32 deep (limit Limits.CoroutineDepthMax)\n" +
		"false\tscenarios/test/story.lua:7: stack overflow\n" +
		"false\tscenarios/test/story.lua:7: stack overflow\n" +
		"10\t20\t10"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// Upstream gopher-lua filled the array part with nils up to any integer
// key below MaxArrayIndex (a GiB in one assignment); the fork keeps a key
// past the end in the hash part and moves it into the array when the
// array reaches it, so a sparse key costs one slot and #t is a border.
func TestLimitsSparseKeysStayInTheHash(t *testing.T) {
	out, err := runStory(t, `
		local t = {}
		t[6e7] = 1; t[2^18 + 5] = 2; t[2^18 - 1] = 3; t[4] = 4; t[3] = 3
		local n = 0
		for k in pairs(t) do n = n + 1 end
		print(#t, t[6e7], t[2^18 + 5], t[2^18 - 1], n)
		t[1] = 1; t[2] = 2
		print(#t, t[3], t[4])
		t[4] = nil; t[3] = nil
		print(#t)
		local u = {}
		for i = 1, 10 do u[i] = i end
		for k, v in pairs(u) do u[k] = nil end
		print(#u, next(u))`, Limits{})
	want := "0\t1\t2\t3\t5\n4\t3\t4\n2\n0\tnil"
	if err != nil || out != want {
		t.Errorf("got %q %v, want %q", out, err, want)
	}
}
