package hostile

import (
	"strings"
	"testing"
	"testing/fstest"
)

// Script attacks (issue 9, classes 2–7), each from a scenario folder alone,
// through `cyberex run`: exit 2 with the story's file, line and tick, within
// the suite's CPU and memory bounds, no Go panic trace. The unit-level
// attacks (more of each class, with exact limits) are engine/script's
// hostile_*_test.go.

// storyErr matches a script error of story.lua at a line and a tick.
const storyErr = `story\.lua:\d+: tick \d+: `

func TestScriptAttacks(t *testing.T) {
	cases := []struct {
		name, lua string
		want      string // regexp, after storyErr
	}{
		// class 2: memory the limits did not see
		{"memory held by a timer's closure", `
local t = {}
every(1, function() for i = 1, 60000 do t[#t + 1] = i end end)`, `scripts hold more than 1048576 table entries`},
		{"strings held by the metatable of strings", `
every(1, function()
  local mt = getmetatable("")
  mt.hoard = mt.hoard or {}
  mt.hoard[#mt.hoard + 1] = ("x"):rep(1000000) .. #mt.hoard
end)`, `scripts hold more than 67108864 bytes of strings`},
		{"coroutines held by a handler", `
local cos = {}
every(1, function() for i = 1, 500 do cos[#cos + 1] = coroutine.create(function() end) end end)`, `scripts hold more than 2000 coroutines`},
		{"figures held by the world", `
local n = 0
every(1, function() for i = 1, 20000 do n = n + 1; set_metric("m" .. n, 1) end end)`, `set_metric: name "m1001": a story may set at most 1000 different names`},
		// class 3: work the budget did not see
		{"a builtin as a timer", `every(1, print)`, `every: a Lua function expected, got a builtin`},
		{"a builtin as a handler", `on("script.x", emit)`, `on: a Lua function expected, got a builtin`},
		{"comparing MiB strings forever", `
local a, b = ("x"):rep(2^20 - 64), ("x"):rep(2^20 - 64)
every(1, function() while true do local same = a == b end end)`, `instruction budget of 1000000 per tick exhausted`},
		{"MiB table keys forever", `
local k, t = ("x"):rep(2^20 - 64), {}
every(1, function() while true do t[k] = true end end)`, `instruction budget of 1000000 per tick exhausted`},
		{"caught errors forever", `every(1, function() while true do pcall(error, "x") end end)`, `instruction budget of 1000000 per tick exhausted`},
		{"%q refused forever", `
local s = ("\n"):rep(2^19 + 10)
every(1, function() while true do pcall(string.format, "%q", s) end end)`, `instruction budget of 1000000 per tick exhausted`},
		{"copying 20,000 varargs forever", `
local t = {}
for i = 1, 20000 do t[i] = i end
local function sink() end
local function id(...) return ... end
every(1, function() (function(...) while true do sink(id(...)) end end)(unpack(t)) end)`, `instruction budget of 1000000 per tick exhausted`},
		// class 5: Go panics
		{"a builtin coroutine resumed twice", `
local co = coroutine.create(print)
coroutine.resume(co)
coroutine.resume(co)`, `a builtin cannot be a coroutine`},
		// class 7: limits that leaked
		{"a MiB error message", `
every(1, function() error(("x"):rep(2^20 - 200)) end)`, `x{100}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Cyberex(t, "run", Story(t, c.lua).Dir)
			r.InputError(t, storyErr+".*"+c.want)
			if len(r.Stderr) > 16<<10 {
				t.Errorf("stderr is %d bytes: an error message crossed its bound", len(r.Stderr))
			}
		})
	}
}

// class 4: what is compiled is bounded before gopher-lua compiles it.
func TestScriptCompileBombs(t *testing.T) {
	var consts strings.Builder
	consts.WriteString("local x\n")
	for i := 0; i < 70000; i++ {
		consts.WriteString("x=")
		consts.WriteString(strings.Repeat("1", 1+i%5))
		consts.WriteString(".")
		consts.WriteString(itoa(i))
		consts.WriteString("\n")
	}
	for _, c := range []struct{ name, lua, want string }{
		{"a constructor gopher-lua miscompiles", "local t = {" + strings.Repeat("1,", 30000) + "}", `story\.lua:1: .*table constructor has 30000 items, more than 25550`},
		{"too many constants", consts.String(), `story\.lua:\d+: .*more than 65536 distinct literals and names`},
	} {
		t.Run(c.name, func(t *testing.T) {
			Cyberex(t, "validate", Story(t, c.lua).Dir).InputError(t, c.want)
		})
	}
}

// A table whose keys come and go does not grow (gopher-lua kept every
// deleted key): the run ends normally, well within the memory bound.
func TestScriptKeyChurnEnds(t *testing.T) {
	r := Cyberex(t, "run", Story(t, `
local t, n = {}, 0
every(1, function()
  for i = 1, 20000 do n = n + 1; t["k" .. n] = n; t["k" .. n] = nil end
end)`).Dir)
	r.Expect(t, 0)
	if r.MaxRSS > 512<<20 {
		t.Errorf("peak RSS %d MiB for a table that holds nothing", r.MaxRSS>>20)
	}
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}

// Transcendental math and `^` give the same state hashes on every run and,
// through make cross-arch, on amd64, 386 and arm64.
func init() {
	hashCases = append(hashCases, hashCase{Name: "script-math", FS: fstest.MapFS{
		"s/scenario.yaml": {Data: []byte(MinimalYAML)},
		"s/story.lua": {Data: []byte(`
local n = 0
every(3, function()
  n = n + 1
  local x = n / 7
  local v = math.sin(x) + math.cos(3 * x) + math.tan(x / 5) + math.exp(x / 9) + math.log(n) + math.log10(n)
    + math.asin(1 / n) + math.acos(1 / (n + 1)) + math.atan(x) + math.atan2(n, 7) + math.sinh(x / 4)
    + math.cosh(x / 4) + math.tanh(x) + math.pow(x, 1.37) + x ^ 0.61
  set_metric("m", math.floor(v * 1e12) % 1000000007)
end)
`)},
	}, Dir: "s", Seed: 5})
}
