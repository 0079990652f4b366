package nasim

import (
	"strings"
	"testing"

	"cyberex/engine"
)

// BenchmarkNASim runs imported NASim-style scenarios of each size with the
// adversary acting every tick (NASim's random agent, which never runs out
// of actions: the run does not end at the goal here) and reports ticks per
// second on one core, native agent beside its Lua-scripted equivalent.
// docs/performance.md ("Native adversaries") has the figures and how to
// read them:
//
//	go test -run '^$' -bench BenchmarkNASim -benchtime=2s -cpu=1 -count=3 ./nasim/
func BenchmarkNASim(b *testing.B) {
	sizes := []struct{ name, src string }{
		{"tiny-3", readTestdata(b, "tiny.yaml")},
		{"small-8", readTestdata(b, "small.yaml")},
		{"medium-16", readTestdata(b, "medium.yaml")},
		{"hosts-100", genNASim(100)},
		{"hosts-1000", genNASim(1000)},
	}
	for _, sz := range sizes {
		for _, lua := range []bool{false, true} {
			name := sz.name + "/native"
			if lua {
				name = sz.name + "/lua"
			}
			b.Run(name, func(b *testing.B) { benchRun(b, sz.src, lua) })
		}
	}
}

// endless makes an imported scenario run on past its goal.
func endless(src string) string {
	src = strings.Replace(src, "end_when_decided: true", "end_when_decided: false", 1)
	return src
}

func benchRun(b *testing.B, src string, lua bool) {
	f, err := Parse([]byte(src))
	if err != nil {
		b.Fatal(err)
	}
	limit := 10_000_000
	f.StepLimit = &limit
	sc, err := Convert(f, Options{Strategy: "random", Lua: lua})
	if err != nil {
		b.Fatal(err)
	}
	s := loadConverted(b, endless(string(sc.YAML)), sc.Story)
	var w *engine.World
	fresh := func() {
		w, err = s.NewWorld(1)
		if err != nil {
			b.Fatal(err)
		}
	}
	fresh()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if w.Ended {
			b.StopTimer()
			fresh()
			b.StartTimer()
		}
		if _, err := w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ticks/s")
	if !lua && w.Campaigns[0].Agent.Actions == 0 {
		b.Fatal("the agent did not act")
	}
}
