package tests

import (
	"encoding/json"
	"syscall"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
)

// BenchmarkViewDeltaCrossborder is the server's work per team per tick on
// botnet-crossborder (fast response, day 3: the botnet spreading, the
// defacement wave under way, requests in flight): bring each
// organisation's view forward one tick and take its delta. It alternates
// between the world at two successive ticks. docs/performance.md:
//
//	go test -run '^$' -bench ViewDeltaCrossborder -benchtime 200x ./tests/
func BenchmarkViewDeltaCrossborder(b *testing.B) {
	s := loadMission(b, "botnet-crossborder")
	const at = 3 * 24 * 4 // day 3 at 15-minute ticks
	var snaps [2][]byte
	if _, err := headless.Run(s, headless.RunOptions{Seed: 1, Ticks: at, AfterStep: func(w *engine.World) {
		if w.Tick >= at-1 {
			snaps[w.Tick-(at-1)] = w.Snapshot()
		}
	}}); err != nil {
		b.Fatal(err)
	}
	var worlds [2]*engine.World
	for i, sn := range snaps {
		w, err := engine.Restore(sn)
		if err != nil {
			b.Fatal(err)
		}
		worlds[i] = w
	}
	n := len(worlds[0].Orgs)
	views := make([]*engine.View, n)
	for o := range views {
		views[o] = worlds[0].View(int32(o))
		worlds[1].View(int32(o))
	}
	var bytes, deltas int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuNanos()
	for i := 0; i < b.N; i++ {
		w := worlds[(i+1)%2]
		for o := range views {
			d := w.UpdateView(views[o])
			if i < 2 {
				b.StopTimer()
				js, _ := json.Marshal(d)
				bytes += int64(len(js))
				deltas++
				b.StartTimer()
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/team-tick")
	b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N*n), "cpu-ns/team-tick")
	b.ReportMetric(float64(bytes)/float64(deltas), "delta-bytes")
	b.ReportMetric(float64(n), "teams")
}

// BenchmarkViewCrossborder is a whole view per team (what a team gets when
// it joins), on the same world.
func BenchmarkViewCrossborder(b *testing.B) {
	s := loadMission(b, "botnet-crossborder")
	var w *engine.World
	if _, err := headless.Run(s, headless.RunOptions{Seed: 1, Ticks: 3 * 24 * 4, AfterFinish: func(x *engine.World) { w = x }}); err != nil {
		b.Fatal(err)
	}
	n := len(w.Orgs)
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuNanos()
	for i := 0; i < b.N; i++ {
		for o := 0; o < n; o++ {
			v := w.View(int32(o))
			if i == 0 {
				js, _ := json.Marshal(v)
				bytes += int64(len(js))
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/team")
	b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N*n), "cpu-ns/team")
	b.ReportMetric(float64(bytes)/float64(n), "view-bytes/team")
}

// cpuNanos is the process's CPU time (user + system): on a shared machine
// the wall time says as much about the neighbours as about the code.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
