package script

import (
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
	if b.long || b.measuring || b.wallUsed != 0 {
		t.Fatalf("a short tick was measured: long %v measuring %v wall %v", b.long, b.measuring, b.wallUsed)
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
	before := b.wallUsed
	if err := h.Run("short.lua"); err != nil {
		t.Fatal(err)
	}
	if b.wallUsed <= before || b.measuring {
		t.Fatalf("an entry after the tick's first check was not measured: wall %v -> %v, measuring %v", before, b.wallUsed, b.measuring)
	}
	// The next tick starts short again.
	if err := h.SetTick(2); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("short.lua"); err != nil {
		t.Fatal(err)
	}
	if b.long || b.wallUsed != 0 {
		t.Fatalf("tick 2 inherited tick 1's measuring: long %v wall %v", b.long, b.wallUsed)
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
