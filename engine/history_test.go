package engine

import "testing"

// The history holds the last HistoryTicks ticks (or fewer, past
// HistoryEventsMax events), oldest first, whatever the order of moves and
// growths of its array; once its array is big enough, adding a tick
// allocates nothing.
func TestHistoryHoldsTheLastTicks(t *testing.T) {
	for _, perTick := range []int{0, 1, 3, HistoryEventsMax/HistoryTicks + 7} {
		var h history
		evs := make([]Event, perTick)
		for tick := int32(1); tick <= 6*HistoryTicks+123; tick++ {
			h.add(tick, evs)
			held := h.held()
			n := 0
			for i, ht := range held {
				if i > 0 && ht.tick != held[i-1].tick+1 {
					t.Fatalf("%d a tick: at tick %d the held ticks skip from %d to %d", perTick, tick, held[i-1].tick, ht.tick)
				}
				n += len(ht.events)
			}
			if n != h.n || h.n > HistoryEventsMax && len(held) > 1 {
				t.Fatalf("%d a tick: at tick %d, %d events held, counted %d", perTick, tick, n, h.n)
			}
			if last := held[len(held)-1].tick; last != tick || tick-held[0].tick >= HistoryTicks {
				t.Fatalf("%d a tick: at tick %d the history holds %d..%d", perTick, tick, held[0].tick, last)
			}
			if want := min(tick, HistoryTicks); perTick*int(want) <= HistoryEventsMax && int32(len(held)) != want {
				t.Fatalf("%d a tick: at tick %d, %d ticks held, want %d", perTick, tick, len(held), want)
			}
			for _, gone := range h.buf[:h.start] {
				if gone.events != nil {
					t.Fatalf("a dropped tick still holds its events")
				}
			}
		}
		tick := int32(6*HistoryTicks + 124)
		if a := testing.AllocsPerRun(3*HistoryTicks, func() { h.add(tick, evs); tick++ }); a != 0 {
			t.Errorf("%d a tick: %v allocations a tick in the steady state", perTick, a)
		}
	}
}
