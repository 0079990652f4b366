package script

import (
	"testing"
	"time"
)

// BenchmarkTickHoldingMillion is issue 14's benchmark for the memory
// accounting: a story that holds a million table entries and does little
// per tick must cost about what the same story holding nothing costs
// (before, the host walked every reachable table every 10 ticks). The
// "churn" case also builds and drops a 100-entry table every tick: the
// walks then come back in proportion to what it allocates. ns/op is a
// whole Step of the small test world.
func BenchmarkTickHoldingMillion(b *testing.B) {
	const tick = `every(1, function() n = n + 1 end)`
	const churn = `every(1, function() local t = {} for i = 1, 100 do t[i] = i end n = n + #t end)`
	const hold = `big = {} for i = 1, 1000000 do big[i] = i end `
	for _, c := range []struct{ name, src string }{
		{"holding=0", "n = 0 " + tick},
		{"holding=1M", "n = 0 " + hold + tick},
		{"holding=0/churn", "n = 0 " + churn},
		{"holding=1M/churn", "n = 0 " + hold + churn},
	} {
		b.Run(c.name, func(b *testing.B) {
			limits := Limits{InstructionsPerTickMax: 10_000_000, InstructionsPerRunMax: 1 << 50, WallTimePerTickMax: time.Minute}
			st := newStory(b, c.src, storyOpts{limits: limits})
			walks := st.s.acct.walks
			steps := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if st.w.Ended {
					b.StopTimer()
					walks -= st.s.acct.walks
					st = newStory(b, c.src, storyOpts{limits: limits})
					walks += st.s.acct.walks
					b.StartTimer()
				}
				if _, err := st.w.Step(nil); err != nil {
					b.Fatal(err)
				}
				steps++
			}
			b.ReportMetric(float64(st.s.acct.walks-walks)*1000/float64(steps), "walks/1000ticks")
		})
	}
}
