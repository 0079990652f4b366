package script

import (
	"fmt"
	"strings"
	"testing"
)

// runTicks runs story.lua at tick 0 (setup), then ticks 1..n, each with
// RunTasks, and returns the log with a "tick N" line per tick.
func runTicks(t *testing.T, src string, n int64, limits Limits) ([]string, error) {
	t.Helper()
	h := newHarness(t, src, 1, limits, nil)
	if err := h.SetTick(0); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("story.lua"); err != nil {
		return h.log, err
	}
	for tick := int64(0); tick <= n; tick++ {
		if err := h.SetTick(tick); err != nil {
			return h.log, err
		}
		h.log = append(h.log, fmt.Sprintf("tick %d", tick))
		if err := h.RunTasks(); err != nil {
			return h.log, err
		}
	}
	return h.log, nil
}

func TestSchedulerOrderAndWaking(t *testing.T) {
	log, err := runTicks(t, `
		flag = false
		spawn(function(name)
			print(name, "starts")
			wait(2)
			print(name, "after wait(2)")
			flag = true
			coroutine.yield()          -- a plain yield sleeps one tick
			print(name, "after yield")
		end, "A")
		spawn(function()
			print("B starts")
			local v = wait_until(function() return flag and "seen" end)
			print("B woke with", v)
			spawn(function() print("C spawned by B runs in the same tick") wait() print("C next tick") end)
			wait(1)
			print("B done")
		end)
	`, 5, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := `tick 0
A	starts
B starts
tick 1
tick 2
A	after wait(2)
B woke with	seen
C spawned by B runs in the same tick
tick 3
A	after yield
B done
C next tick
tick 4
tick 5`
	if got := strings.Join(log, "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSchedulerErrors(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		wantErr string
		line    int
		tick    int64
		limit   string
	}{
		{"wait outside a task", "wait(1)", "wait can only be called by a task", 1, 0, ""},
		{"wait_until outside a task", "\nwait_until(function() end)", "wait_until can only be called by a task", 2, 0, ""},
		{"wait in a coroutine of a task", "spawn(function()\n coroutine.wrap(function() wait(1) end)()\nend)", "wait can only be called by a task", 2, 0, ""},
		{"yield in sort comparator", "spawn(function()\n  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)\nend)", "attempt to yield across", 2, 0, ""},
		{"resume a task from Lua", "spawn(function()\n  local me = coroutine.running()\n  spawn(function() coroutine.resume(me) end)\n  wait(1)\nend)", "cannot resume a task", 3, 0, ""},
		{"wait in __index", "spawn(function()\n  local t = setmetatable({}, {__index = function(t, k) wait(1) return k end})\n  print(t.x)\nend)", "wait: attempt to yield across a Go call boundary", 2, 0, ""},
		{"wait in __add", "spawn(function()\n  local a = setmetatable({}, {__add = function() wait(1) return 5 end})\n  return a + 1\nend)", "wait: attempt to yield across", 2, 0, ""},
		{"wait in a for iterator", "spawn(function()\n  local function it(s, i) if i < 3 then wait(1) return i + 1 end end\n  for i in it, nil, 0 do end\nend)", "wait: attempt to yield across", 2, 0, ""},
		{"yield in __index of a coroutine", "local co = coroutine.wrap(function()\n  local t = setmetatable({}, {__index = function(t, k) coroutine.yield(k) end})\n  return t.x\nend)\nco()", "coroutine.yield: attempt to yield across", 2, 0, ""},
		{"bad wait", "spawn(function()\n  wait(0)\nend)", "wait needs a whole number", 2, 0, ""},
		{"task error", "spawn(function()\n  wait(3)\n  local x = nil\n  x()\nend)", "attempt to call", 4, 3, ""},
		{"predicate error", "spawn(function()\n  wait_until(function()\n    return nil + 1\n  end)\nend)", "cannot perform add", 3, 1, ""},
		{"error object without position", "spawn(function()\n  wait(2)\n  error({})\nend)", "error object is a table value", 1, 2, ""},
		{"runaway task", "spawn(function()\n  wait(2)\n  while true do end\nend)", "instruction budget", 3, 2, "InstructionsPerTickMax"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runTicks(t, c.src, 4, Limits{})
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			e := asError(t, err)
			if e.File != scenarioName+"/story.lua" || e.Line != c.line || e.Tick != c.tick || e.Limit != c.limit {
				t.Errorf("got %s:%d tick %d limit %q, want line %d tick %d limit %q (%v)", e.File, e.Line, e.Tick, e.Limit, c.line, c.tick, c.limit, err)
			}
		})
	}
}

// gopher-lua cannot yield out of a Go function that called back into Lua:
// such a yield is a catchable error, and the task goes on.
func TestSchedulerYieldAcrossPcall(t *testing.T) {
	log, err := runTicks(t, `
		spawn(function()
			print(pcall(wait, 1))
			print(pcall(coroutine.yield))
			print(pcall(function() wait(1) end))
			wait(1)
			print("still running")
		end)`, 2, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(log, "\n")
	if strings.Count(got, "false\tscenarios/test/story.lua:") != 3 ||
		strings.Count(got, "attempt to yield across a Go call boundary") != 3 ||
		!strings.HasSuffix(got, "tick 1\nstill running\ntick 2") {
		t.Errorf("log:\n%s", got)
	}
}

// checkYieldable finds gopher-lua's VM entry points by name; if an upgrade
// renamed them, yields across Go would pass unnoticed. This pins both
// directions.
func TestYieldBoundaryNames(t *testing.T) {
	log, err := runTicks(t, `
		spawn(function()
			for i in function(_, i) if i < 2 then return i + 1 end end, nil, 0 do
				wait(1)  -- in the loop body: fine
				print("step", i)
			end
			print(pcall(function() for _ in function() wait(1) end do end end))
		end)`, 3, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(log, "\n")
	if !strings.Contains(got, "tick 1\nstep\t1\ntick 2\nstep\t2\nfalse\t") || !strings.Contains(got, "attempt to yield across a Go call boundary") {
		t.Errorf("log:\n%s", got)
	}
}

// A failing task is dropped; the others go on at the next tick, and a task
// that exhausts the budget does not stop the others for good.
func TestSchedulerSurvivesFailingTask(t *testing.T) {
	h := newHarness(t, `
		spawn(function() for i = 1, 3 do print("steady", i) wait(1) end end)
		spawn(function() wait(1) while true do end end)
		spawn(function() for i = 1, 3 do print("late", i) wait(1) end end)
	`, 1, Limits{}, nil)
	var errs []string
	for tick := int64(0); tick <= 4; tick++ {
		if err := h.SetTick(tick); err != nil {
			t.Fatal(err)
		}
		if tick == 0 {
			if err := h.Run("story.lua"); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.RunTasks(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	wantLog := "steady\t1\nlate\t1\nsteady\t2\nsteady\t3\nlate\t2\nlate\t3"
	if got := strings.Join(h.log, "\n"); got != wantLog {
		t.Errorf("log\n%s\nwant\n%s", got, wantLog)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "story.lua:3: tick 1: instruction budget") {
		t.Errorf("errors %q", errs)
	}
	if h.TaskCount() != 0 {
		t.Errorf("%d tasks left", h.TaskCount())
	}
}
