package tests

// The botnet-crossborder scenario's claim, checked over many seeds: what
// the teams do decides the outcome. The same world is run with the fast,
// coordinated scripted response and with the slow one (vars.response), and
// the fast one must be better by a margin on every count that matters:
// objectives met, bots left, the botnet's evidence lost, the strength of
// Arland's case. `go test ./tests -run BotnetCrossborder -v` prints the
// figures; -short runs fewer seeds.

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
)

const crossborderDir = "../scenarios/botnet-crossborder"

// crossborderRun is what one run of the scenario is judged on.
type crossborderRun struct {
	seed        uint64
	met         int   // objectives met at the end
	botsDay7    int64 // bots on day 7 (the containment deadline)
	botsEnd     int64
	botLost     int64 // the botnet's traces lost (script.botnet_evidence_lost)
	recordsLost int64 // 1 when the C2's records at the hosting company were lost
	caseA       int64 // strength of Arland's strongest case
	defacedEnd  int64
	objectives  map[string]string
}

// runCrossborder runs the scenario with --set overrides over seeds
// 1..n, on every core, and returns the runs in seed order.
func runCrossborder(t *testing.T, n int, set ...string) []crossborderRun {
	t.Helper()
	s, err := scenario.Load(crossborderDir, scenario.Options{Set: set, Library: os.DirFS(filepath.Join("..", "scripts"))})
	if err != nil {
		t.Fatalf("load with %v: %v", set, err)
	}
	out := make([]crossborderRun, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := crossborderRun{seed: uint64(i + 1), objectives: map[string]string{}}
			res, err := headless.Run(s, headless.RunOptions{Seed: r.seed,
				AfterStep: func(w *engine.World) {
					if w.Tick == 7*24*3600/w.Settings.TickSeconds {
						r.botsDay7, _ = w.Metric("bots")
					}
				},
				AfterFinish: func(w *engine.World) {
					r.botsEnd, _ = w.Metric("bots")
					r.botLost, _ = w.Metric("script.botnet_evidence_lost")
					r.recordsLost, _ = w.Metric("evidence:bot-c2-records-1:lost")
					r.caseA, _ = w.Metric("case:A")
					r.defacedEnd, _ = w.Metric("defaced")
				}})
			if err != nil {
				errs[i] = fmt.Errorf("seed %d: %w", r.seed, err)
				return
			}
			for _, o := range res.Objectives {
				r.objectives[o.ID] = o.Status
				if o.Status == "met" {
					r.met++
				}
			}
			out[i] = r
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// stat is a figure over runs: its mean and nearest-rank median.
func stat(runs []crossborderRun, f func(r crossborderRun) int64) (mean float64, median int64) {
	xs := make([]int64, len(runs))
	sum := int64(0)
	for i, r := range runs {
		xs[i] = f(r)
		sum += xs[i]
	}
	slices.Sort(xs)
	return float64(sum) / float64(len(xs)), xs[(len(xs)+1)/2-1]
}

func share(runs []crossborderRun, f func(r crossborderRun) bool) float64 {
	n := 0
	for _, r := range runs {
		if f(r) {
			n++
		}
	}
	return float64(n) / float64(len(runs))
}

func TestBotnetCrossborderFastBeatsSlow(t *testing.T) {
	seeds := 20
	if testing.Short() {
		seeds = 5
	}
	fast := runCrossborder(t, seeds, "vars.response=fast")
	slow := runCrossborder(t, seeds, "vars.response=slow")

	type figure struct {
		name string
		f    func(r crossborderRun) int64
	}
	figures := []figure{
		{"objectives met (of 6)", func(r crossborderRun) int64 { return int64(r.met) }},
		{"bots on day 7", func(r crossborderRun) int64 { return r.botsDay7 }},
		{"bots at the end", func(r crossborderRun) int64 { return r.botsEnd }},
		{"botnet traces lost", func(r crossborderRun) int64 { return r.botLost }},
		{"C2 records lost (0/1)", func(r crossborderRun) int64 { return r.recordsLost }},
		{"case:A strength", func(r crossborderRun) int64 { return r.caseA }},
		{"websites defaced at the end", func(r crossborderRun) int64 { return r.defacedEnd }},
	}
	t.Logf("%d seeds each                 fast mean (median)   slow mean (median)", seeds)
	means := map[string][2]float64{}
	medians := map[string][2]int64{}
	for _, f := range figures {
		fm, fmed := stat(fast, f.f)
		sm, smed := stat(slow, f.f)
		means[f.name] = [2]float64{fm, sm}
		medians[f.name] = [2]int64{fmed, smed}
		t.Logf("%-28s %9.1f (%6d)   %9.1f (%6d)", f.name, fm, fmed, sm, smed)
	}
	objs := []string{"c2-disrupted", "botnet-contained", "c2-records-preserved", "prosecutable-case", "sites-restored", "portal-up"}
	for _, o := range objs {
		fs := share(fast, func(r crossborderRun) bool { return r.objectives[o] == "met" })
		ss := share(slow, func(r crossborderRun) bool { return r.objectives[o] == "met" })
		t.Logf("objective %-22s met in %3.0f%% (fast)  %3.0f%% (slow)", o, 100*fs, 100*ss)
	}

	// The margins. Each holds by far over 50 seeds (README.md); they are
	// set where a change of the engine or the library that blunts the
	// difference between the responses fails the test.
	if m := means["objectives met (of 6)"]; m[0] < 5.5 || m[0]-m[1] < 4 {
		t.Errorf("objectives met: fast %.1f, slow %.1f; want fast ≥ 5.5 and at least 4 more than slow", m[0], m[1])
	}
	if m := medians["bots on day 7"]; m[0] >= 1000 || m[1] < 10*max(m[0], 100) {
		t.Errorf("bots on day 7 (median): fast %d, slow %d; want fast < 1000 and slow ≥ 10× fast (and ≥ 1000)", m[0], m[1])
	}
	if m := medians["bots at the end"]; m[1] < 5000 || m[0] > m[1]/20 {
		t.Errorf("bots at the end (median): fast %d, slow %d; want slow ≥ 5000 and fast ≤ slow/20", m[0], m[1])
	}
	if m := means["botnet traces lost"]; m[1]-m[0] < 2 {
		t.Errorf("botnet traces lost (mean): fast %.1f, slow %.1f; want slow to lose at least 2 more", m[0], m[1])
	}
	if m := means["C2 records lost (0/1)"]; m[0] != 0 || m[1] < 0.9 {
		t.Errorf("C2 records lost: fast in %.0f%% of runs, slow in %.0f%%; want never with fast, ≥ 90%% with slow", 100*m[0], 100*m[1])
	}
	if m := medians["case:A strength"]; m[0] < 10 || m[1] >= 10 || m[0]-m[1] < 5 {
		t.Errorf("case:A (median): fast %d, slow %d; want fast ≥ 10 > slow, by 5 or more", m[0], m[1])
	}
	if f := share(fast, func(r crossborderRun) bool { return r.caseA >= 10 }); f < 0.8 {
		t.Errorf("a prosecutable case (case:A ≥ 10) in %.0f%% of fast runs; want ≥ 80%%", 100*f)
	}
	if f := share(slow, func(r crossborderRun) bool { return r.caseA >= 10 }); f > 0.1 {
		t.Errorf("a prosecutable case in %.0f%% of slow runs; want ≤ 10%%", 100*f)
	}
	if m := medians["websites defaced at the end"]; m[0] > 5 || m[1] <= 5 {
		t.Errorf("websites defaced at the end (median): fast %d, slow %d; want fast ≤ 5 < slow", m[0], m[1])
	}
	// Seed by seed, too: the fast response never does worse than the slow
	// one on the same seed.
	for i := range fast {
		f, s := fast[i], slow[i]
		if f.met <= s.met || f.botsEnd > s.botsEnd || f.caseA < s.caseA {
			t.Errorf("seed %d: fast (met %d, bots %d, case %d) is not better than slow (met %d, bots %d, case %d)",
				f.seed, f.met, f.botsEnd, f.caseA, s.met, s.botsEnd, s.caseA)
		}
	}
}

// The single lessons, one change at a time from the fast response: no
// 24/7 preservation before MLA loses the case; no sharing with Borduria's
// CSIRT leaves the C2 up (Borduria sinkholes only with indicators).
func TestBotnetCrossborderLessons(t *testing.T) {
	seeds := 8
	if testing.Short() {
		seeds = 3
	}
	noPreserve := runCrossborder(t, seeds, "vars.response=fast", "vars.preserve=false")
	for _, r := range noPreserve {
		if r.objectives["c2-records-preserved"] != "failed" || r.caseA >= 10 || r.recordsLost != 1 {
			t.Errorf("without preservation, seed %d: records %s, lost %d, case %d; want the records lost and no case",
				r.seed, r.objectives["c2-records-preserved"], r.recordsLost, r.caseA)
		}
	}
	noShare := runCrossborder(t, seeds, "vars.response=fast", "vars.share=false")
	for _, r := range noShare {
		if r.objectives["c2-disrupted"] != "failed" || r.botsEnd < 3000 {
			t.Errorf("without sharing, seed %d: c2-disrupted %s, bots at the end %d; want the C2 up and thousands of bots left",
				r.seed, r.objectives["c2-disrupted"], r.botsEnd)
		}
	}
}
