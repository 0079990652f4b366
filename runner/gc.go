package runner

import (
	"os"
	"runtime"
	"runtime/debug"
)

// A session of many short runs allocates fast (a world per run, about
// 70 KB for the tutorial) over a small live heap, so with GOGC=100 the
// collector runs dozens of times a second and its pauses stall every
// worker: 77% parallel efficiency on 2 cores for the tutorial. With a
// target of 400% it is 95% (docs/performance.md). The heap can then grow
// to five times what is live instead of twice, which matters only for
// large worlds: above gcTuneHeapMax the default is kept. GOGC in the
// environment always wins.
const (
	gcPercentRuns = 400
	gcTuneHeapMax = 256 << 20
)

// tuneGC raises the collector's target for a session, and returns what
// puts it back.
func tuneGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > gcTuneHeapMax {
		return func() {}
	}
	old := debug.SetGCPercent(gcPercentRuns)
	return func() { debug.SetGCPercent(old) }
}
