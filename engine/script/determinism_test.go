package script

import (
	"strings"
	"sync"
	"testing"
)

// A story that exercises everything whose order or value could leak from
// Go into Lua: pairs over mixed keys and over library tables, tostring of
// every reference type, math.random, coroutines, string building.
const determinismStory = `
local t = {}
for i = 1, 20 do t["k" .. math.random(1, 1000)] = i end
for i = 1, 10 do t[math.random()] = i end
t[{}] = "table key"; t[print] = "function key"; t[true] = "bool key"
for i = 1, 5 do t[i] = i * i end
t.k1 = nil; t[3] = nil
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
print(table.concat(keys, " "))

local libs = {}
for name, lib in pairs(_G) do
	libs[#libs + 1] = name
	if type(lib) == "table" and lib ~= _G then
		for k in pairs(lib) do libs[#libs + 1] = name .. "." .. k end
	end
end
print(table.concat(libs, " "))

print(tostring({}), tostring(print), tostring(function() end), tostring(coroutine.create(function() end)))
print(string.format("%s %s %5.2f %d", {}, t, math.random() * 100, math.random(1, 6)))

local producer = coroutine.wrap(function()
	for i = 1, 5 do coroutine.yield(math.random(1, 100)) end
end)
local got = {}
for i = 1, 5 do got[#got + 1] = producer() end
print(table.concat(got, ","))

print(pcall(function() local x = nil; return x[{}] end))
print(select(2, coroutine.resume(coroutine.create(function() local x = nil; return x[print] end))))
print(xpcall(function() local x = nil; return x[{}] end, function(m) return "handled: " .. m end))

for w in ("alpha beta gamma"):gmatch("%a+") do initials = (initials or "") .. w:upper():sub(1, 1) end
print(initials, ("x"):rep(3, nil), next({}), select("#", 1, 2, 3))
`

func runDeterminism(t *testing.T, seed uint64) string {
	t.Helper()
	h := newHarness(t, determinismStory, seed, Limits{}, nil)
	if err := h.SetTick(0); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("story.lua"); err != nil {
		t.Fatal(err)
	}
	return strings.Join(h.log, "\n")
}

func TestDeterminismSameSeedSameOutput(t *testing.T) {
	first := runDeterminism(t, 7)
	// Go randomises map iteration per map, so many fresh states give many
	// chances for an order to leak.
	for i := 0; i < 20; i++ {
		if got := runDeterminism(t, 7); got != first {
			t.Fatalf("run %d differs:\n%s\n---\n%s", i, got, first)
		}
	}
	if other := runDeterminism(t, 8); other == first {
		t.Fatal("a different seed gave the same output")
	}
}

// One Program, many states on many goroutines (run with -race): the
// compiled protos are shared read-only.
func TestDeterminismParallelStatesShareProgram(t *testing.T) {
	prog, err := Compile(Sources{Scenario: files(map[string]string{"story.lua": determinismStory}), ScenarioName: scenarioName}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := runDeterminism(t, 3)
	var wg sync.WaitGroup
	outs := make([]string, 8)
	errs := make([]error, 8)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var log []string
			st, err := New(Options{Program: prog, Rand: newRand(3), Log: func(l string) { log = append(log, l) }})
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			if err := st.SetTick(0); err != nil {
				errs[i] = err
				return
			}
			errs[i] = st.Run("story.lua")
			outs[i] = strings.Join(log, "\n")
		}()
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if outs[i] != want {
			t.Fatalf("state %d differs:\n%s\n---\n%s", i, outs[i], want)
		}
	}
}

func TestTostringIsDeterministic(t *testing.T) {
	out, err := runStory(t, `
		local a, b = {}, {}
		print(tostring(a), tostring(b), tostring(a))
		print(tostring(print), tostring(function() end))
		local co = coroutine.create(function() end)
		print(tostring(co), tostring(co))
		print(tostring(setmetatable({}, {__tostring = function() return "custom" end})))
		print(tostring(1), tostring(1.5), tostring(2^53), tostring(2^63), tostring(-2^63), tostring(1/0), tostring(0/0) == tostring(0/0))
		print(1 .. "", 2^63 .. "", 0.1 .. "")
	`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "table: #1\ttable: #2\ttable: #1\n" +
		"function: builtin #3\tfunction: #4\n" +
		"thread: #5\tthread: #5\n" +
		"custom\n" +
		"1\t1.5\t9007199254740992\t9.223372036854776e+18\t-9223372036854775808\t+Inf\ttrue\n" +
		"1\t9.223372036854776e+18\t0.1"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
