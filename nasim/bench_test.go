package nasim

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cyberex/engine"
	"cyberex/internal/cputime"
)

// BenchmarkNASim runs imported NASim-style scenarios of each size with the
// adversary acting every tick (NASim's random agent, which never runs out
// of actions: the run does not end at the goal here) and reports ticks per
// second on one core, native agent beside its Lua-scripted equivalent,
// with the process's CPU time per tick beside the wall time.
// docs/performance.md ("Native adversaries") has the figures and how to
// read them:
//
//	go test -run '^$' -bench BenchmarkNASim -benchtime=2s -cpu=1 -count=3 ./nasim/
func BenchmarkNASim(b *testing.B) {
	for _, sz := range benchSizes(b) {
		for _, lua := range []bool{false, true} {
			name := sz.name + "/native"
			if lua {
				name = sz.name + "/lua"
			}
			b.Run(name, func(b *testing.B) {
				r := newBenchRun(b, sz.src, lua)
				b.ReportAllocs()
				b.ResetTimer()
				cpu := r.steps(b, b.N)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ticks/s")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/tick")
				r.check(b)
			})
		}
	}
}

// nasimRounds is how many times BenchmarkNASimLuaVsNative alternates its
// two sides.
const nasimRounds = 6

// BenchmarkNASimLuaVsNative is issue 14's "Lua-scripted equivalent within
// 5× of native": for each size it alternates rounds of b.N/nasimRounds
// ticks of the native agent and of its Lua equivalent (native, Lua,
// native, Lua…), so that whatever else the machine does hits both sides,
// and reports the ratio of their CPU time per tick (median and range over
// rounds) beside the ratio of wall times:
//
//	go test -run '^$' -bench BenchmarkNASimLuaVsNative -benchtime=60000x -cpu=1 ./nasim/
func BenchmarkNASimLuaVsNative(b *testing.B) {
	for _, sz := range benchSizes(b) {
		b.Run(sz.name, func(b *testing.B) {
			native, lua := newBenchRun(b, sz.src, false), newBenchRun(b, sz.src, true)
			per := max(b.N/nasimRounds, 1)
			var cpuRatio, wallRatio, nativeCPU, luaCPU []float64
			b.ResetTimer()
			for r := 0; r < nasimRounds; r++ {
				t0 := time.Now()
				cn := native.steps(b, per)
				t1 := time.Now()
				cl := lua.steps(b, per)
				wn, wl := t1.Sub(t0), time.Since(t1)
				nativeCPU = append(nativeCPU, float64(cn.Nanoseconds())/float64(per))
				luaCPU = append(luaCPU, float64(cl.Nanoseconds())/float64(per))
				cpuRatio = append(cpuRatio, float64(cl)/float64(max(cn, 1)))
				wallRatio = append(wallRatio, float64(wl)/float64(max(wn, 1)))
			}
			b.ReportMetric(median(nativeCPU), "native-cpu-ns/tick")
			b.ReportMetric(median(luaCPU), "lua-cpu-ns/tick")
			b.ReportMetric(median(cpuRatio), "x-cpu")
			b.ReportMetric(slices.Min(cpuRatio), "x-cpu-min")
			b.ReportMetric(slices.Max(cpuRatio), "x-cpu-max")
			b.ReportMetric(median(wallRatio), "x-wall")
			native.check(b)
			lua.check(b)
		})
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

type benchSize struct{ name, src string }

func benchSizes(tb testing.TB) []benchSize {
	return []benchSize{
		{"tiny-3", readTestdata(tb, "tiny.yaml")},
		{"small-8", readTestdata(tb, "small.yaml")},
		{"medium-16", readTestdata(tb, "medium.yaml")},
		{"hosts-100", genNASim(100)},
		{"hosts-1000", genNASim(1000)},
	}
}

// endless makes an imported scenario run on past its goal.
func endless(src string) string {
	src = strings.Replace(src, "end_when_decided: true", "end_when_decided: false", 1)
	return src
}

// benchRun is an imported scenario stepped tick after tick, started again
// (outside the timer) when it reaches its end.
type benchRun struct {
	lua   bool
	fresh func() *engine.World
	w     *engine.World
}

func newBenchRun(b *testing.B, src string, lua bool) *benchRun {
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
	r := &benchRun{lua: lua, fresh: func() *engine.World {
		w, err := s.NewWorld(1)
		if err != nil {
			b.Fatal(err)
		}
		return w
	}}
	r.w = r.fresh()
	return r
}

// freshEvery is how many ticks a benchmark run lasts at most.
const freshEvery = 1_000_000

// steps runs n ticks and returns the CPU time they took.
func (r *benchRun) steps(b *testing.B, n int) time.Duration {
	var cpu time.Duration
	c0 := cputime.Process()
	for i := 0; i < n; i++ {
		// A run ends at its step limit, and a Lua one at its per-run
		// instruction budget (200 M, about 5 M ticks of this story): the
		// benchmark starts a fresh run, outside its timer, well before.
		if r.w.Ended || r.w.Tick >= freshEvery {
			cpu += cputime.Process() - c0
			b.StopTimer()
			r.w = r.fresh()
			b.StartTimer()
			c0 = cputime.Process()
		}
		if _, err := r.w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
	return cpu + cputime.Process() - c0
}

// check fails the benchmark if the adversary, native or scripted, holds
// nothing after a thousand ticks: the figures would be of a loop that
// does not attack.
func (r *benchRun) check(b *testing.B) {
	if r.w.Tick < 1000 {
		return
	}
	for i := range r.w.Assets {
		if r.w.Assets[i].Controller == 0 {
			return
		}
	}
	b.Fatalf("after %d ticks the adversary (lua: %v) holds no host", r.w.Tick, r.lua)
}
