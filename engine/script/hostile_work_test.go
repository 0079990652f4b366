package script

import (
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Hostile stories (issue 9, class 3): work that no Lua instruction counts
// is charged to the budget, so the deterministic budget stops it, never
// the wall clock; a builtin cannot stand in for a callback.

func TestHostileBuiltinsAsCallbacks(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"on", `on("script.x", emit)`, "on: a Lua function expected, got a builtin"},
		{"every", `every(1, print)`, "every: a Lua function expected"},
		{"at", `at(5, error)`, "at: a Lua function expected"},
		{"after", `after(1, spawn)`, "after: a Lua function expected"},
		{"spawn", `spawn(print)`, "spawn: a Lua function expected"},
		{"playbook", `playbook("p", wait)`, "playbook: a Lua function expected"},
		{"team", `team("isp-a", {on_tick = print})`, "team: on_tick must be a Lua function, not a builtin"},
		{"coroutine.create", `coroutine.create(print)`, "a builtin cannot be a coroutine"},
		{"coroutine.wrap", `coroutine.wrap(coroutine.yield)`, "a builtin cannot be a coroutine"},
		{"coroutine.create resumed twice", `local co = coroutine.create(print) coroutine.resume(co) coroutine.resume(co)`, "a builtin cannot be a coroutine"},
		{"wait_until", `spawn(function() wait_until(print) end)`, "wait_until: a Lua function expected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tryStory(t, "\n"+c.src, storyOpts{})
			if err == nil {
				st, _ := tryStory(t, "\n"+c.src, storyOpts{})
				err = st.runErr(5)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			e := asError(t, err)
			if !strings.Contains(e.Msg, c.want) || e.File != scenarioName+"/story.lua" || e.Line != 2 {
				t.Fatalf("got %q at %s:%d, want %q at story.lua:2", e.Msg, e.File, e.Line, c.want)
			}
		})
	}
}

// manyValues is a table of 20,000 numbers, t, to spread as arguments.
const manyValues = `local t = {} for i = 1, 20000 do t[i] = i end`

// Each of these does, in one builtin call or one instruction, work that
// grows with its input, inside pcall so that an error does not end the
// loop. The budget must stop them all (in well under a second each).
func TestHostileLongBuiltins(t *testing.T) {
	const big = `local big = ("x"):rep(2^20 - 64) local big2 = ("x"):rep(2^20 - 64)`
	cases := []struct{ name, src string }{
		{"comparing long strings", big + ` local n = 0 while true do if big == big2 then n = n + 1 end end`},
		{"ordering long strings", big + ` local n = 0 while true do if big < big2 then n = n + 1 end end`},
		{"long table keys", big + ` local t = {} while true do t[big] = 1 end`},
		{"rawequal", big + ` while true do rawequal(big, big2) end`},
		{"rawget", big + ` local t = {} while true do rawget(t, big) end`},
		{"next over a long key", big + ` local t = {[big] = 1} while true do next(t, big) end`},
		{"format %q refused", `local s = ("\n"):rep(2^19 + 10) while true do pcall(string.format, "%q", s) end`},
		{"format %s refused", `local s = ("x"):rep(2^20 - 1) while true do pcall(string.format, "%s%s", s, s) end`},
		{"concat failing at the end", `local t = {} for i = 1, 200000 do t[i] = "a" end t[200001] = {} while true do pcall(table.concat, t) end`},
		{"error with a long message", big + ` while true do pcall(error, big) end`},
		{"error message with a long key", big + ` local t while true do pcall(function() return t[big] end) end`},
		{"unpack", `local t = {} for i = 1, 60000 do t[i] = i end while true do local a = select("#", unpack(t)) end`},
		{"select", `local t = {} for i = 1, 30000 do t[i] = i end local function f(...) while true do select(2, ...) end end f(unpack(t))`},
		{"string.byte", big + ` while true do pcall(string.byte, big, 1, -1) end`},
		{"string.sub", big + ` while true do local s = big:sub(2) end`},
		{"tonumber", big + ` while true do tonumber(big) end`},
		{"length after pops", `local t = {} for i = 1, 2^18 - 1 do t[i] = i end for i = 2^18 - 1, 1, -1 do t[i] = nil end while true do local n = #t end`},
		{"sparse assignment", `local i = 0 while true do i = i + 1 local t = {} t[2^18 - 1] = i end`},
		// One VM instruction that copies a variable number of values.
		{"vararg copies", manyValues + ` local function g() end local function f(...) while true do g(...) end end f(unpack(t))`},
		{"returned varargs", manyValues + ` local function id(...) return ... end local function g() end local function f(...) while true do g(id(...)) end end f(unpack(t))`},
		{"table of varargs", manyValues + ` local function f(...) while true do local x = {...} end end f(unpack(t))`},
		{"tail calls with varargs", manyValues + ` local function g() end local function tc(...) return g(...) end local function f(...) while true do tc(...) end end f(unpack(t))`},
		{"arg tables", manyValues + ` local function old(...) end local function f(...) while true do old(...) end end f(unpack(t))`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.src, 1, Limits{}, nil)
			if err := h.SetTick(1); err != nil {
				t.Fatal(err)
			}
			err := h.Run("story.lua")
			if err == nil {
				t.Fatal("not stopped")
			}
			e := asError(t, err)
			if e.Limit != "InstructionsPerTickMax" || e.Line == 0 || e.Tick != 1 {
				t.Fatalf("stopped by %q at line %d tick %d: %v", e.Limit, e.Line, e.Tick, err)
			}
		})
	}
}

// An instruction that copies a variable number of values costs one more
// instruction per lua.ValuesPerInstruction values, whichever instruction
// it is: each variant below differs from the base by the copies listed.
func TestHostileMultiValueCopiesCharged(t *testing.T) {
	const n = 20000
	per := int64(n / lua.ValuesPerInstruction)
	variants := []struct {
		name, fn string
		copies   int64 // of n values each
	}{
		{"base", `function(...) local a = ... end`, 0},
		{"vararg", `function(...) local a = ... sink(...) end`, 1},
		{"setlist", `function(...) local a = ... local x = {...} end`, 2},
		{"return", `function(...) local a = ... sink(id(...)) end`, 3},  // VARARG, id's VARARG and RETURN
		{"tailcall", `function(...) local a = ... tc(...) end`, 3},      // VARARG, tc's VARARG and TAILCALL
		{"no arg table", `function(...) local a = ... old(...) end`, 1}, // the sandbox turns Lua 5.0's arg off
	}
	files := map[string]string{}
	for i, v := range variants {
		files[fmt.Sprintf("v%d.lua", i)] = manyValues + `
local function sink() end
local function id(...) return ... end
local function tc(...) return sink(...) end
local function old(...) end
local f = ` + v.fn + `
f(unpack(t))`
	}
	h := newHarness(t, "", 1, Limits{}, files)
	var base int64
	for i, v := range variants {
		if err := h.SetTick(int64(i + 1)); err != nil {
			t.Fatal(err)
		}
		before := h.budget.used()
		if err := h.Run(fmt.Sprintf("v%d.lua", i)); err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		cost := h.budget.used() - before
		if i == 0 {
			base = cost
			continue
		}
		if extra, want := cost-base, v.copies*per; extra < want || extra > want+16 {
			t.Errorf("%s: %d instructions more than the base, want %d (%d copies of %d values)", v.name, extra, want, v.copies, n)
		}
	}
}
