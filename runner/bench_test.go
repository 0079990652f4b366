package runner

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"testing"
	"time"

	"cyberex/internal/cputime"
)

// Benchmarks of the runner, as `cyberex test` and `cyberex sweep` use it:
//
//	go test -run '^$' -bench 'TutorialRuns|SweepTutorial' -benchtime 3000x ./runner/
//	go test -run '^$' -bench BotnetCrossborderSweep -benchtime 20x ./runner/
//
// Each reports runs/s; TutorialRuns measures 1 and 2 cores alternately in
// one run and reports the parallel efficiency with its range, and the
// machine's own: the same for a loop of multiplications, which shares
// nothing. On a virtual machine whose second core is a hyperthread, or
// busy with another guest, that one is well under 100% too.

const (
	tutorialDir  = "../scenarios/tutorial"
	tutorialTest = "^tutorial/good-response-many-seeds$"
	botnetDir    = "../scenarios/botnet-crossborder"
)

// tutorialSession runs n runs of the tutorial's test on cores workers
// with GOMAXPROCS=cores, and returns runs per second of wall time and per
// second of the process's CPU time.
func tutorialSession(tb testing.TB, n, cores int) (wall, cpu float64) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
	seeds := mustSeeds(tb, fmt.Sprintf("1..%d", n))
	start, cpu0 := time.Now(), cputime.Process()
	rep, err := Test(TestOptions{Paths: []string{tutorialDir}, Match: regexp.MustCompile(tutorialTest), Seeds: &seeds, Parallel: cores})
	el, cel := time.Since(start), cputime.Process()-cpu0
	if err != nil {
		tb.Fatal(err)
	}
	if !rep.OK() || rep.Summary.Runs != n {
		tb.Fatalf("the tutorial's test: %+v", rep.Summary)
	}
	return float64(n) / el.Seconds(), float64(n) / cel.Seconds()
}

// tutorialRounds is how many times BenchmarkTutorialRuns alternates the
// two sides of its comparison.
const tutorialRounds = 5

// BenchmarkTutorialRuns: runs per second of the tutorial's test (the good
// response, expectations checked on every run) on 1 core and on 2. The
// two are measured in the same run, alternating (1, 2, 1, 2...) over
// tutorialRounds rounds of b.N/10 runs each, so that a change in what
// else the machine does hits both sides: the efficiency of each round is
// its 2-core rate over twice its 1-core rate, reported as the median and
// the range (min, max) over rounds, with runs per CPU-second beside the
// wall-time rates (CPU time is what the host gave; wall time is what a
// user waits). `%cpu-scaling` is the machine's own efficiency on a loop
// that shares nothing, measured right after.
func BenchmarkTutorialRuns(b *testing.B) {
	if runtime.NumCPU() < 2 {
		b.Skipf("the comparison needs 2 cores, this machine has %d", runtime.NumCPU())
	}
	per := max(b.N/(2*tutorialRounds), 20)
	var one, two, eff, oneCPU, twoCPU []float64
	for r := 0; r < tutorialRounds; r++ {
		w1, c1 := tutorialSession(b, per, 1)
		w2, c2 := tutorialSession(b, per, 2)
		one, two, eff = append(one, w1), append(two, w2), append(eff, 100*w2/(2*w1))
		oneCPU, twoCPU = append(oneCPU, c1), append(twoCPU, c2)
	}
	b.ReportMetric(median(one), "runs/s-1core")
	b.ReportMetric(median(two), "runs/s-2cores")
	b.ReportMetric(median(oneCPU), "runs/cpu-s-1core")
	b.ReportMetric(median(twoCPU), "runs/cpu-s-2cores")
	b.ReportMetric(median(eff), "%efficiency")
	b.ReportMetric(slices.Min(eff), "%efficiency-min")
	b.ReportMetric(slices.Max(eff), "%efficiency-max")
	b.ReportMetric(cpuScaling(2), "%cpu-scaling")
}

// cpuScaling is the machine's parallel efficiency on cores goroutines
// that share nothing: the time of one loop over the time of cores loops
// at once, in percent.
func cpuScaling(cores int) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
	loop := func() uint64 {
		x := uint64(1)
		for i := 0; i < 300_000_000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		return x
	}
	timed := func(n int) time.Duration {
		start := time.Now()
		done := make(chan uint64, n)
		for i := 0; i < n; i++ {
			go func() { done <- loop() }()
		}
		for i := 0; i < n; i++ {
			scalingSink += <-done
		}
		return time.Since(start)
	}
	one := timed(1)
	return 100 * one.Seconds() / timed(cores).Seconds()
}

var scalingSink uint64

// BenchmarkSweepTutorial: a sweep of the idle tutorial, rows formatted as
// CSV and JSON lines and thrown away.
func BenchmarkSweepTutorial(b *testing.B) {
	for _, cores := range []int{1, 2} {
		b.Run(fmt.Sprintf("cores=%d", cores), func(b *testing.B) {
			if cores > runtime.NumCPU() {
				b.Skipf("%d cores, this machine has %d", cores, runtime.NumCPU())
			}
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
			start := time.Now()
			_, err := Sweep(SweepOptions{Dir: tutorialDir, Seeds: mustSeeds(b, fmt.Sprintf("1..%d", b.N)), Parallel: cores, CSV: io.Discard, JSONL: io.Discard})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "runs/s")
		})
	}
}

// BenchmarkBotnetCrossborderSweep: the throughput of a sweep of
// scenarios/botnet-crossborder on all cores, and what 10,000 seeds take
// at that rate. Each run is long: use -benchtime 20x (or more).
func BenchmarkBotnetCrossborderSweep(b *testing.B) {
	if _, err := os.Stat(botnetDir + "/scenario.yaml"); err != nil {
		b.Skipf("%s is missing (it is being written): this benchmark runs once it exists", botnetDir)
	}
	start := time.Now()
	res, err := Sweep(SweepOptions{Dir: botnetDir, Seeds: mustSeeds(b, fmt.Sprintf("1..%d", b.N)), CSV: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	el := time.Since(start).Seconds()
	if res.Failed > 0 {
		b.Fatalf("%d runs failed: %s", res.Failed, res.FirstFailure)
	}
	rate := float64(b.N) / el
	b.ReportMetric(rate, "runs/s")
	b.ReportMetric(10_000/rate, "s/10k-seeds")
}

// BenchmarkSweepTiny: the runner's own cost per run, on a world so small
// (201 assets, 40 ticks, no script) that the engine costs little.
func BenchmarkSweepTiny(b *testing.B) {
	start := time.Now()
	_, err := Sweep(SweepOptions{Dir: tiny, Seeds: mustSeeds(b, fmt.Sprintf("1..%d", b.N)), CSV: io.Discard, JSONL: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "runs/s")
}
