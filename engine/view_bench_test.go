package engine

import (
	"encoding/json"
	"slices"
	"syscall"
	"testing"
)

// cpuNanos is the process's CPU time (user + system): on a shared machine
// the wall time per op says as much about the neighbours as about the code.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// Benchmarks of the seam at national scale: a million hosts, one team
// owning ten thousand of them (five 2,000-host segments given to csirt-a),
// the botnet spreading through them. docs/performance.md lists the
// figures and the targets:
//
//	go test -run '^$' -bench 'View' -benchtime 200x ./engine/

// viewBenchWorlds returns the world at two successive ticks and the team.
func viewBenchWorlds(b *testing.B) (w1, w2 *World, org int32) {
	w := benchWorld(1_000_000)
	org = 0
	for s := 0; s < 5; s++ {
		seg := &w.Segments[s]
		seg.Owner = org
		for i := seg.First; i < seg.First+seg.Count; i++ {
			w.Assets[i].Owner = org
		}
	}
	w.Orgs[org].SensorPermille = 200 // the team detects what it owns
	for w.Tick < 40 {
		mustStep(b, w)
	}
	snap1 := w.Snapshot()
	mustStep(b, w)
	return mustRestore(b, snap1), w, org
}

// BenchmarkView is a team's whole view, as sent when it joins.
func BenchmarkView(b *testing.B) {
	_, w, org := viewBenchWorlds(b)
	v := w.View(org) // builds the lookup of assets by owner once
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuNanos()
	for i := 0; i < b.N; i++ {
		v = w.View(org)
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
	js, _ := json.Marshal(v)
	b.ReportMetric(float64(len(js)), "view-bytes")
	b.ReportMetric(float64(len(v.Assets)), "assets")
}

// BenchmarkViewDelta is what the server does for one team every tick:
// bring its view forward and take the delta. It alternates between the
// world at two successive ticks, so every delta is a real tick's.
func BenchmarkViewDelta(b *testing.B) {
	w1, w2, org := viewBenchWorlds(b)
	v := w1.View(org)
	w2.View(org) // builds the lookup of assets by owner once
	worlds := [2]*World{w2, w1}
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuNanos()
	for i := 0; i < b.N; i++ {
		d := worlds[i%2].UpdateView(v)
		if i < 2 {
			b.StopTimer()
			js, _ := json.Marshal(d)
			bytes += int64(len(js))
			b.StartTimer()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(bytes)/2, "delta-bytes")
}

// BenchmarkViewDeltaLearning is a team's delta on a tick it learns of an
// asset it does not own (its assets are listed again): the team owns ten
// thousand hosts of a million, and learns and unlearns the name of one
// host elsewhere in turn. It alternates, in rounds, the merge by asset
// index UpdateView does (cpu-ns/op) with what it did before: a view of
// every asset and a comparison by key (cpu-ns/by-key):
//
//	go test -run '^$' -bench ViewDeltaLearning -benchtime 100x ./engine/
func BenchmarkViewDeltaLearning(b *testing.B) {
	_, w, org := viewBenchWorlds(b)
	other := w.AssetID(int32(len(w.Assets) - 1))
	if i, ok := w.AssetIndex(other); !ok || w.Assets[i].Owner == org {
		b.Fatalf("no asset %s", other)
	}
	facts := w.Orgs[org].Facts
	learn := func(i int) {
		if i%2 == 0 {
			w.Orgs[org].Facts = append(facts, Fact{Kind: "named", Subject: other, Campaign: None, Tick: w.Tick})
		} else {
			w.Orgs[org].Facts = facts
		}
	}
	v := w.View(org)
	byKey := func() { // UpdateView's relisting as it was
		old := *v
		next := View{orgIdx: org, built: true, facts: w.learnedCount(org)}
		w.fillView(&next)
		d := diff(&old, &next)
		next.assetObs = w.viewAssets(org, make([]assetObs, 0, len(old.assetObs)+1))
		next.Assets = make([]AssetView, len(next.assetObs))
		for i := range next.assetObs {
			next.Assets[i] = w.assetView(&next.assetObs[i])
		}
		if d.Assets = diffSection(old.Assets, next.Assets, sameAsset); d.Assets == nil {
			b.Fatal("no change")
		}
		*v = next
	}
	const round = 10
	var merged, keyed []int64
	i := 0
	for b.Loop() {
		cpu := cpuNanos()
		for j := 0; j < round; j++ {
			learn(i)
			i++
			if d := w.UpdateView(v); d.Assets == nil {
				b.Fatal("no change")
			}
		}
		merged = append(merged, (cpuNanos()-cpu)/round)
		cpu = cpuNanos()
		for j := 0; j < round; j++ {
			learn(i)
			i++
			byKey()
		}
		keyed = append(keyed, (cpuNanos()-cpu)/round)
	}
	w.Orgs[org].Facts = facts
	b.ReportMetric(float64(medianInt64(merged)), "cpu-ns/op")
	b.ReportMetric(float64(medianInt64(keyed)), "cpu-ns/by-key")
	b.ReportMetric(float64(len(v.Assets)), "assets")
}

func medianInt64(v []int64) int64 {
	slices.Sort(v)
	return v[len(v)/2]
}
