package runner

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"testing"
	"time"
)

// Benchmarks of the runner, as `cyberex test` and `cyberex sweep` use it:
//
//	go test -run '^$' -bench 'TutorialRuns|SweepTutorial' -benchtime 3000x ./runner/
//	go test -run '^$' -bench BotnetCrossborderSweep -benchtime 20x ./runner/
//
// Each reports runs/s; TutorialRuns/cores=2 also reports its parallel
// efficiency, runs/s on 2 cores over twice the runs/s on 1 (measured
// first, or by cores=1 when it ran just before), and the machine's own:
// the same for a loop of multiplications, which shares nothing. On a
// virtual machine whose second core is a hyperthread, or busy with
// another guest, that one is well under 100% too.

const (
	tutorialDir  = "../scenarios/tutorial"
	tutorialTest = "^tutorial/good-response-many-seeds$"
	botnetDir    = "../scenarios/botnet-crossborder"
)

// tutorialRunsPerSec holds cores=1's figure for cores=2's efficiency.
var tutorialRunsPerSec float64

// tutorialSession runs n runs of the tutorial's test on cores workers
// with GOMAXPROCS=cores, and returns runs per second.
func tutorialSession(tb testing.TB, n, cores int) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
	seeds := mustSeeds(tb, fmt.Sprintf("1..%d", n))
	start := time.Now()
	rep, err := Test(TestOptions{Paths: []string{tutorialDir}, Match: regexp.MustCompile(tutorialTest), Seeds: &seeds, Parallel: cores})
	el := time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	if !rep.OK() || rep.Summary.Runs != n {
		tb.Fatalf("the tutorial's test: %+v", rep.Summary)
	}
	return float64(n) / el.Seconds()
}

// BenchmarkTutorialRuns: runs per second of the tutorial's test (the good
// response, expectations checked on every run) on 1 and on 2 cores.
func BenchmarkTutorialRuns(b *testing.B) {
	for _, cores := range []int{1, 2} {
		b.Run(fmt.Sprintf("cores=%d", cores), func(b *testing.B) {
			if cores > runtime.NumCPU() {
				b.Skipf("%d cores, this machine has %d", cores, runtime.NumCPU())
			}
			one := tutorialRunsPerSec
			if cores > 1 && one == 0 {
				one = tutorialSession(b, 2000, 1)
			}
			b.ResetTimer()
			rate := tutorialSession(b, b.N, cores)
			b.StopTimer()
			b.ReportMetric(rate, "runs/s")
			b.ReportMetric(rate/float64(cores), "runs/s/core")
			if cores == 1 {
				tutorialRunsPerSec = rate
			} else {
				b.ReportMetric(100*rate/(float64(cores)*one), "%efficiency")
				b.ReportMetric(cpuScaling(cores), "%cpu-scaling")
			}
		})
	}
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
