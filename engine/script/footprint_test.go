package script

import (
	"testing"
)

// What scripts keep across ticks is measured between ticks; past a Live*
// limit the state fails for good, at the same tick in every run.
func TestFootprintStopsHoarding(t *testing.T) {
	cases := []struct {
		name   string
		src    string
		limits Limits
		limit  string
		tick   int64
	}{
		{"global table", `
			hoard = {}
			spawn(function()
				while true do
					for i = 1, 1000 do hoard[#hoard + 1] = {i} end
					wait(1)
				end
			end)`, Limits{LiveTableEntriesMax: 5000}, "LiveTableEntriesMax", 2},
		{"local of a sleeping task", `
			spawn(function()
				local t = {}
				while true do
					for i = 1, 2000 do t[#t + 1] = i end
					wait(1)
				end
			end)`, Limits{LiveTableEntriesMax: 5000}, "LiveTableEntriesMax", 2},
		{"upvalue of a closure", `
			local t = {}
			function grow() for i = 1, 2000 do t[#t + 1] = i end end
			spawn(function() while true do grow() wait(1) end end)`, Limits{LiveTableEntriesMax: 5000}, "LiveTableEntriesMax", 2},
		{"strings", `
			keep = {}
			spawn(function()
				for i = 1, 1e9 do keep[i] = ("x"):rep(100000) .. i wait(1) end
			end)`, Limits{LiveStringBytesMax: 350000}, "LiveStringBytesMax", 3},
		{"coroutines", `
			keep = {}
			spawn(function()
				while true do
					for i = 1, 50 do keep[#keep + 1] = coroutine.create(function() end) end
					wait(1)
				end
			end)`, Limits{LiveCoroutinesMax: 120}, "LiveCoroutinesMax", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.src, 1, c.limits, nil)
			var failed *Error
			for tick := int64(0); tick < 20 && failed == nil; tick++ {
				err := h.SetTick(tick)
				if err == nil && tick == 0 {
					err = h.Run("story.lua")
				}
				if err == nil {
					err = h.RunTasks()
				}
				if err != nil {
					failed = asError(t, err)
				}
			}
			if failed == nil {
				t.Fatalf("never stopped; footprint %+v", h.Footprint())
			}
			if failed.Kind != KindLimit || failed.Limit != c.limit || failed.Tick != c.tick || failed.File == "" || failed.Line == 0 {
				t.Fatalf("got %+v, want %s at tick %d with a file and line", failed, c.limit, c.tick)
			}
			if err := h.RunTasks(); err != failed {
				t.Errorf("state went on after failing: %v", err)
			}
			if err := h.SetTick(100); err != failed {
				t.Errorf("state went on after failing: %v", err)
			}
		})
	}
}

func TestFootprintCountsWhatIsHeld(t *testing.T) {
	h := newHarness(t, `
		a = {1, 2, 3, x = "abcd"}
		b = {a, a}
		local hidden = {10, 20}
		function f() return hidden end
	`, 1, Limits{}, nil)
	before := h.Footprint()
	if err := h.Run("story.lua"); err != nil {
		t.Fatal(err)
	}
	after := h.Footprint()
	// a: 4 entries; b: 2; hidden: 2; _G gains a, b, f: 3.
	if got := after.TableEntries - before.TableEntries; got != 11 {
		t.Errorf("entries grew by %d, want 11", got)
	}
	// "abcd", and the keys "x", "a", "b", "f".
	if got := after.StringBytes - before.StringBytes; got != 8 {
		t.Errorf("string bytes grew by %d, want 8", got)
	}
}

// New walks a fresh sandbox once per process and reuses the footprint:
// every fresh state, whatever its program, limits and seed, must hold
// exactly that.
func TestSandboxFootprintIsEveryStates(t *testing.T) {
	for i, c := range []struct {
		src    string
		limits Limits
	}{
		{"", Limits{}},
		{"local x = 1", Limits{LiveTableEntriesMax: 100, InstructionsPerTickMax: 5000}},
		{"return 1", Limits{LiveStringBytesMax: 1 << 10, StringBytesMax: 1 << 10}},
	} {
		h := newHarness(t, c.src, uint64(i+1), c.limits, map[string]string{"other.lua": "local y = 2"})
		if got := h.Footprint(); got != sandboxFootprint.fp {
			t.Errorf("state %d: a fresh sandbox holds %+v, New assumed %+v", i, got, sandboxFootprint.fp)
		}
	}
}
