package headless

import (
	"testing"

	"cyberex/engine"
)

// AfterStep sees every tick's world, after its Step; AfterFinish sees the
// world once, after Finish. Reading the world changes nothing.
func TestRunHooks(t *testing.T) {
	plain, err := run(small, RunOptions{Seed: 5, Ticks: 120})
	if err != nil {
		t.Fatal(err)
	}
	var ticks []int32
	var bots []int64
	finished := 0
	res, err := run(small, RunOptions{Seed: 5, Ticks: 120,
		AfterStep: func(w *engine.World) {
			ticks = append(ticks, w.Tick)
			v, _ := w.Metric("bots")
			bots = append(bots, v)
			_ = w.HashHex()
		},
		AfterFinish: func(w *engine.World) {
			finished++
			if !w.Ended || w.Tick != 120 {
				t.Errorf("AfterFinish: tick %d, ended %v", w.Tick, w.Ended)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ticks) != 120 || ticks[0] != 1 || ticks[119] != 120 || finished != 1 {
		t.Errorf("AfterStep at %d ticks (%v...), AfterFinish %d times", len(ticks), ticks[:min(3, len(ticks))], finished)
	}
	if res.StateHash != plain.StateHash {
		t.Error("the hooks changed the run")
	}
	if bots[119] != metric(res, "bots") {
		t.Errorf("bots after the last step %d, in the result %d", bots[119], metric(res, "bots"))
	}
}

func metric(r *Result, name string) int64 {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m.Value
		}
	}
	return -1
}
