package script

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A tick that stays short reads neither the clock nor the heap statistics
// (they were a fifth of a short tick); once a tick has run
// checkEveryInstructions instructions, every entry into Lua is measured
// from its start, so a tick made of many short entries cannot slip past
// the crash stops.
func TestBudgetCrashStopsStartWhenATickIsLong(t *testing.T) {
	// ~10 instructions per iteration: one run is well under a check.
	const short = "local x = 0\nfor i = 1, 20 do x = x + i end"
	h := newHarness(t, "", 1, Limits{}, map[string]string{"short.lua": short})
	b := h.budget
	if err := h.SetTick(1); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("short.lua"); err != nil {
		t.Fatal(err)
	}
	if b.long || b.measuring || b.measures != 0 {
		t.Fatalf("a short tick was measured: long %v measuring %v measures %d", b.long, b.measuring, b.measures)
	}
	runs := 0
	for !b.long {
		if err := h.Run("short.lua"); err != nil {
			t.Fatal(err)
		}
		if runs++; runs > 10*checkEveryInstructions {
			t.Fatal("the tick never reached its first check")
		}
	}
	before := b.measures
	if err := h.Run("short.lua"); err != nil {
		t.Fatal(err)
	}
	if b.measures != before+1 || b.measuring {
		t.Fatalf("an entry after the tick's first check was not measured: measures %d -> %d, measuring %v", before, b.measures, b.measuring)
	}
	// The next tick starts short again.
	if err := h.SetTick(2); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("short.lua"); err != nil {
		t.Fatal(err)
	}
	if b.long || b.wallUsed != 0 || b.measures != before+1 {
		t.Fatalf("tick 2 inherited tick 1's measuring: long %v wall %v measures %d", b.long, b.wallUsed, b.measures)
	}
}

// The wall-clock crash stop still ends a tick made only of short entries,
// each under a check: the first check of the tick starts the clock.
func TestBudgetWallStopCoversShortEntries(t *testing.T) {
	const short = "local x = 0\nfor i = 1, 20 do x = x + i end"
	h := newHarness(t, "", 1, Limits{WallTimePerTickMax: time.Nanosecond}, map[string]string{"short.lua": short})
	if err := h.SetTick(1); err != nil {
		t.Fatal(err)
	}
	for runs := 0; ; runs++ {
		err := h.Run("short.lua")
		if err != nil {
			if e := asError(t, err); e.Limit != "WallTimePerTickMax" {
				t.Fatalf("stopped by %q: %v", e.Limit, err)
			}
			return
		}
		if runs > 10*checkEveryInstructions {
			t.Fatal("a tick of short entries ran past a 1 ns wall-clock stop")
		}
	}
}

// Every coroutine counts its instructions on the state's meter: a loop
// costs the same inside a coroutine (of any depth, made by
// coroutine.create, coroutine.wrap or spawn) as on the main thread, and a
// runaway loop inside one is stopped by the per-tick budget.
func TestHostileCoroutinesPayTheBudget(t *testing.T) {
	const loop = "local x = 0 for i = 1, 5000 do x = x + i end"
	files := map[string]string{
		"main.lua":    loop,
		"create.lua":  "local co = coroutine.create(function() " + loop + " end) coroutine.resume(co)",
		"wrap.lua":    "coroutine.wrap(function() " + loop + " end)()",
		"nested.lua":  "coroutine.wrap(function() coroutine.wrap(function() " + loop + " end)() end)()",
		"runaway.lua": "coroutine.wrap(function() coroutine.wrap(function() while true do end end)() end)()",
	}
	h := newHarness(t, "", 1, Limits{}, files)
	cost := func(file string) int64 {
		t.Helper()
		if err := h.SetTick(h.Tick() + 1); err != nil {
			t.Fatal(err)
		}
		before := h.budget.used()
		if err := h.Run(file); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return h.budget.used() - before
	}
	main := cost("main.lua")
	if main < 5000*2 {
		t.Fatalf("the loop cost %d instructions, want at least %d", main, 5000*2)
	}
	for _, f := range []string{"create.lua", "wrap.lua", "nested.lua"} {
		// The loop, plus creating and resuming (coroutineCost each) and a
		// few instructions of glue.
		if c := cost(f); c < main || c > main+2*coroutineCost+64 {
			t.Errorf("%s cost %d instructions, the same loop on the main thread %d", f, c, main)
		}
	}
	if err := h.SetTick(h.Tick() + 1); err != nil {
		t.Fatal(err)
	}
	err := h.Run("runaway.lua")
	if e := asError(t, err); e.Limit != "InstructionsPerTickMax" || e.Line != 1 {
		t.Fatalf("a loop in a nested coroutine: %v", err)
	}
}

// Slots the host allocates outside any instruction (between two ticks)
// that pass the accounting's mark are accounted at the next instruction,
// even though a new tick reset the counter's floor in between.
func TestBudgetSlotsPastTheMarkCheckedAfterReset(t *testing.T) {
	h := newHarness(t, "", 1, Limits{}, map[string]string{"short.lua": "local x = 1"})
	if err := h.SetTick(1); err != nil {
		t.Fatal(err)
	}
	walks := h.acct.walks
	m := h.acct.meter
	m.Slots = m.SlotsAt + 1 // as a host table made outside Lua would
	if err := h.SetTick(2); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("short.lua"); err != nil {
		t.Fatal(err)
	}
	if h.acct.walks != walks+1 || m.Slots > m.SlotsAt {
		t.Fatalf("walks %d -> %d, slots %d mark %d: the crossing was not accounted", walks, h.acct.walks, m.Slots, m.SlotsAt)
	}
}

// State.charge decides the common case itself (inlined into the builtins
// that pay) and leaves the rest to budget.charge: for every state of the
// budget, whatever n, it takes what budget.charge takes and stops where it
// stops, with the same message.
func TestChargeFastPathIsBudgetCharge(t *testing.T) {
	const max = 1_000_000
	limits := Limits{InstructionsPerTickMax: max}
	stopped := &stopError{limit: "InstructionsPerTickMax", msg: "raised before"}
	for _, stop := range []*stopError{nil, stopped} {
		for _, left := range []int64{max, 5000, 17, 16, 15, 1, 0, -3} {
			for _, floor := range []int64{0, 10, 16, 17, max + 1} {
				for _, n := range []int64{0, 1, 16, 17, 5000, -5} {
					fast, slow := newHarness(t, "", 1, limits, nil), newHarness(t, "", 1, limits, nil)
					for _, h := range []*harness{fast, slow} {
						h.budget.stop, h.budget.m.Left, h.budget.m.Floor = stop, left, floor
					}
					raised := ""
					func() {
						defer func() {
							if r := recover(); r != nil {
								raised = fmt.Sprint(r)
							}
						}()
						fast.charge(fast.ls, n)
					}()
					want := slow.budget.charge(n)
					wantRaised := ""
					if want != nil {
						wantRaised = want.msg
					}
					fb, sb := fast.budget, slow.budget
					if fb.m.Left != sb.m.Left || (fb.stop == nil) != (sb.stop == nil) || !strings.Contains(raised, wantRaised) || (raised == "") != (wantRaised == "") {
						t.Errorf("stop %v left %d floor %d n %d: charge left %d stop %v raised %q; budget.charge left %d stop %v raises %q",
							stop != nil, left, floor, n, fb.m.Left, fb.stop != nil, raised, sb.m.Left, sb.stop != nil, wantRaised)
					}
				}
			}
		}
	}
}
