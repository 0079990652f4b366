package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
)

// propagandaNetwork is the scenario of the fast-versus-slow comparison,
// relative to this folder.
const propagandaNetwork = "../scenarios/propaganda-network"

// propagandaAgencies are the teams the comparison plays by script; the
// platforms and payment services are scripted in scenario.yaml already.
var propagandaAgencies = []string{"police-a", "prosecutor-a", "fiu-a", "ministry-a", "police-c", "prosecutor-c"}

// propagandaOutcome is what one run of the scenario ends with.
type propagandaOutcome struct {
	reach          int64 // audience at the end
	tracedPermille int64 // share of the money traced at the end of week four (the objective's deadline)
	cases          int64 // cases opened by day 14 (the objective's deadline)
	caseA          int64 // strength of Arland's case at the end
	raised         int64 // money raised at the end
	met            map[string]bool
}

// Ticks of the objectives' deadlines (one tick is one hour).
const (
	casesDeadlineTick  = 14 * 24
	tracedDeadlineTick = 28 * 24
)

// runPropaganda loads the scenario with every agency scripted and
// var("response") set, as `cyberex test` builds a test's world (the
// test's scripted teams and vars become --set overrides), and runs it
// headless over the seeds.
func runPropaganda(t *testing.T, response string, seeds int) []propagandaOutcome {
	t.Helper()
	set := []string{"vars.response=" + response}
	for _, id := range propagandaAgencies {
		set = append(set, "organisations."+id+".scripted=true")
	}
	dir, err := filepath.Abs(propagandaNetwork)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Load(dir, scenario.Options{Set: set})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	// Runs are independent (NewWorld may be called from many goroutines):
	// make them on every core, each result in its seed's slot.
	out := make([]propagandaOutcome, seeds)
	errs := make([]error, seeds)
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = runPropagandaSeed(s, uint64(i+1))
			}
		}()
	}
	for i := range seeds {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s seed %d: %v", response, i+1, err)
		}
	}
	return out
}

// runPropagandaSeed makes one run and reads its figures at the
// objectives' deadlines and at the end.
func runPropagandaSeed(s *scenario.Scenario, seed uint64) (propagandaOutcome, error) {
	o := propagandaOutcome{met: map[string]bool{}}
	var readErr error
	read := func(w *engine.World, name string) int64 {
		v, err := w.Metric(name)
		if err != nil && readErr == nil {
			readErr = fmt.Errorf("metric %s: %w", name, err)
		}
		return v
	}
	res, err := headless.Run(s, headless.RunOptions{
		Seed: seed,
		AfterStep: func(w *engine.World) {
			switch w.Tick {
			case casesDeadlineTick:
				o.cases = read(w, "cases_opened")
			case tracedDeadlineTick:
				o.tracedPermille = read(w, "money_traced_permille")
			}
		},
		AfterFinish: func(w *engine.World) {
			o.reach = read(w, "reach")
			o.caseA = read(w, "case:A")
			o.raised = read(w, "money_raised")
		},
	})
	if err != nil {
		return o, err
	}
	if readErr != nil {
		return o, readErr
	}
	for _, ob := range res.Objectives {
		o.met[ob.ID] = ob.Status == "met"
	}
	return o, nil
}

func median(xs []int64) int64 {
	s := append([]int64(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// span is "min..max" of xs.
func span(xs []int64) string {
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return fmt.Sprintf("%d..%d", lo, hi)
}

func column(outs []propagandaOutcome, f func(o propagandaOutcome) int64) []int64 {
	out := make([]int64, len(outs))
	for i, o := range outs {
		out[i] = f(o)
	}
	return out
}

func metShare(outs []propagandaOutcome, id string) int {
	n := 0
	for _, o := range outs {
		if o.met[id] {
			n++
		}
	}
	return n * 100 / len(outs)
}

// TestPropagandaNetworkFastBeatsSlow: over 20 seeds each, the fast,
// coordinated response keeps the audience lower, traces more of the money
// and opens more cases than the slow, formal one, by a wide margin, and
// meets the objectives far more often.
func TestPropagandaNetworkFastBeatsSlow(t *testing.T) {
	seeds := 20
	if testing.Short() {
		seeds = 6
	}
	if n, err := strconv.Atoi(os.Getenv("PROPAGANDA_SEEDS")); err == nil && n > 0 {
		seeds = n // calibration: PROPAGANDA_SEEDS=200
	}
	start := time.Now()
	fast := runPropaganda(t, "fast", seeds)
	slow := runPropaganda(t, "slow", seeds)
	perRun := time.Since(start) * time.Duration(runtime.GOMAXPROCS(0)) / time.Duration(2*seeds)

	reach := func(o propagandaOutcome) int64 { return o.reach }
	traced := func(o propagandaOutcome) int64 { return o.tracedPermille }
	cases := func(o propagandaOutcome) int64 { return o.cases }
	caseA := func(o propagandaOutcome) int64 { return o.caseA }
	fr, sr := median(column(fast, reach)), median(column(slow, reach))
	ft, st := median(column(fast, traced)), median(column(slow, traced))
	fc, sc := median(column(fast, cases)), median(column(slow, cases))
	fa, sa := median(column(fast, caseA)), median(column(slow, caseA))
	row := func(name string, f func(o propagandaOutcome) int64) string {
		fs, ss := column(fast, f), column(slow, f)
		return fmt.Sprintf("%-19s %9d %-17s %9d %s\n", name, median(fs), span(fs), median(ss), span(ss))
	}
	summary := fmt.Sprintf("over %d seeds      fast: median, range      slow: median, range\n", seeds) +
		row("reach", reach) + row("traced ‰ by day 28", traced) + row("cases by day 14", cases) +
		row("case:A strength", caseA) + row("money raised", func(o propagandaOutcome) int64 { return o.raised }) +
		fmt.Sprintf(
			"objectives met %%: reach-held %d/%d, cases-opened %d/%d, money-traced %d/%d, case-a %d/%d\n"+
				"CPU time per run (wall × cores / runs) %v",
			metShare(fast, "reach-held"), metShare(slow, "reach-held"),
			metShare(fast, "cases-opened"), metShare(slow, "cases-opened"),
			metShare(fast, "money-traced"), metShare(slow, "money-traced"),
			metShare(fast, "case-a"), metShare(slow, "case-a"), perRun)
	t.Log("\n" + summary)
	if os.Getenv("PROPAGANDA_VERBOSE") != "" {
		for i := range fast {
			t.Logf("seed %2d fast reach %8d traced %4d cases %d caseA %3d raised %6d | slow reach %8d traced %4d cases %d caseA %3d raised %6d",
				i+1, fast[i].reach, fast[i].tracedPermille, fast[i].cases, fast[i].caseA, fast[i].raised,
				slow[i].reach, slow[i].tracedPermille, slow[i].cases, slow[i].caseA, slow[i].raised)
		}
	}

	// The margins: the fast response's median audience is under a third
	// of the slow one's, it traces at least 300‰ more of the money, opens
	// the three cases by day 14 that the slow one does not, and its case
	// in Arland is far stronger; and every fast run beats the slow median
	// on each figure.
	if fr*3 > sr {
		t.Errorf("reach: fast median %d is not under a third of slow median %d", fr, sr)
	}
	if ft < st+300 {
		t.Errorf("money traced: fast median %d‰ is not 300‰ above slow median %d‰", ft, st)
	}
	if fc < 3 || sc >= 3 {
		t.Errorf("cases opened by day 14: fast median %d, slow median %d: want the fast one at 3 or more and the slow one below", fc, sc)
	}
	if fa < 2*sa+10 {
		t.Errorf("case:A: fast median %d is not well above twice the slow median %d", fa, sa)
	}
	for i, o := range fast {
		if o.reach >= sr || o.tracedPermille <= st || o.cases <= sc {
			t.Errorf("seed %d: the fast run (reach %d, traced %d‰, cases %d) does not beat the slow medians (%d, %d‰, %d)",
				i+1, o.reach, o.tracedPermille, o.cases, sr, st, sc)
		}
	}
	for _, id := range []string{"reach-held", "cases-opened", "money-traced", "case-a"} {
		if f, s := metShare(fast, id), metShare(slow, id); f < 90 || s > 20 {
			t.Errorf("objective %s: met in %d%% of fast runs (want ≥ 90%%) and %d%% of slow runs (want ≤ 20%%)", id, f, s)
		}
	}
	if perRun > 500*time.Millisecond && !testing.Short() {
		t.Logf("note: %v per run, above the 0.5 s budget", perRun)
	}
}
