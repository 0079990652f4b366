package tests

// The grid-hybrid scenario (scenarios/grid-hybrid): an intrusion into an
// energy operator's SCADA combined with a physical attack on a
// substation, and the same campaign turning on the neighbour's operator
// two days later. These tests check that what the teams do decides the
// outcome: the fast, coordinated response (var response=fast) must beat
// the slow one (response=slow) over many seeds, with margin, on every
// measure the exercise is about: the priority sites' supply, the
// restoration of the two substations, the ministry's situation report,
// and the neighbour's SCADA.
//
//	go test ./tests -run GridHybrid -v
//	GRID_TRACE=fast:7 go test ./tests -run GridHybridTrace -v   # one run's events
//	GRID_TRACE=fast:7:vars.sharing=slow go test ./tests -run GridHybridTrace -v

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
)

const gridHybrid = "scenarios/grid-hybrid"

// gridSeeds is how many seeds each response is run over.
const gridSeeds = 20

// gridRunBudget is what one run should take on average at most (the
// scenario's tests run it 100 times; CI runs them on every change); the
// test notes a slower run but does not fail on wall time.
const gridRunBudget = 500 * time.Millisecond

// gridOrgs are the teams; the tests make every one scripted explicitly,
// as `cyberex test` does with scripted: all.
var gridOrgs = []string{"energy-a", "csirt-a", "ministry-a", "hospital-a", "water-a", "csirt-n", "energy-n"}

func loadGrid(t *testing.T, response string, extra ...string) *scenario.Scenario {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	set := []string{"vars.response=" + response}
	for _, o := range gridOrgs {
		set = append(set, "organisations."+o+".scripted=true")
	}
	set = append(set, extra...)
	s, err := scenario.Load(filepath.Join(root, gridHybrid), scenario.Options{Set: set, Library: os.DirFS(filepath.Join(root, "scripts"))})
	if err != nil {
		t.Fatalf("load %s (response=%s): %v", gridHybrid, response, err)
	}
	return s
}

// gridRun is what one run is judged on.
type gridRun struct {
	seed       uint64
	objectives map[string]string // id -> met, failed, pending
	// priorityMin is the lowest priority_min over the whole run (the
	// metric at the end only says how the sites stand then).
	priorityMin       int64
	priorityDownTicks int64
	nCompromised      int64 // script.n_compromised: Nordmark's SCADA taken
	nTripped          int64
	warnedTick        int64 // script.neighbour_warned_tick, -1 if never
	xFullTick         int64 // first tick after the attack with substation X at 1000 again, -1 if never
	elapsed           time.Duration
}

func gridMetric(w *engine.World, name string) int64 {
	v, err := w.Metric(name)
	if err != nil {
		return -1
	}
	return v
}

func runGrid(t *testing.T, s *scenario.Scenario, seed uint64, onEvents func([]engine.Event)) gridRun {
	t.Helper()
	r := gridRun{seed: seed, objectives: map[string]string{}, priorityMin: 1000, xFullTick: -1}
	attacked := false
	start := time.Now()
	res, err := headless.Run(s, headless.RunOptions{
		Seed:     seed,
		OnEvents: onEvents,
		AfterStep: func(w *engine.World) {
			if v := gridMetric(w, "priority_min"); v < r.priorityMin {
				r.priorityMin = v
			}
			x := gridMetric(w, "infra:substation-x")
			if x < 1000 {
				attacked = true
			} else if attacked && r.xFullTick < 0 {
				r.xFullTick = int64(w.Tick)
			}
		},
		AfterFinish: func(w *engine.World) {
			r.priorityDownTicks = gridMetric(w, "priority_down_ticks")
			r.nCompromised = gridMetric(w, "script.n_compromised")
			r.nTripped = gridMetric(w, "script.n_tripped")
			r.warnedTick = gridMetric(w, "script.neighbour_warned_tick")
		},
	})
	r.elapsed = time.Since(start)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	for _, o := range res.Objectives {
		r.objectives[o.ID] = o.Status
	}
	return r
}

// gridSummary is a response's results over all seeds.
type gridSummary struct {
	runs                    []gridRun
	met                     map[string]int
	sitesAlwaysUp           int // runs with priority_min >= 500 at every tick
	downTicks               []int64
	nCompromised, nTripped  int
	meanElapsed             time.Duration
	xFullTicks, warnedTicks []int64
}

func summarizeGrid(runs []gridRun) gridSummary {
	g := gridSummary{runs: runs, met: map[string]int{}}
	var total time.Duration
	for _, r := range runs {
		for id, st := range r.objectives {
			if st == "met" {
				g.met[id]++
			}
		}
		if r.priorityMin >= 500 {
			g.sitesAlwaysUp++
		}
		g.downTicks = append(g.downTicks, r.priorityDownTicks)
		if r.nCompromised > 0 {
			g.nCompromised++
		}
		if r.nTripped > 0 {
			g.nTripped++
		}
		g.xFullTicks = append(g.xFullTicks, r.xFullTick)
		g.warnedTicks = append(g.warnedTicks, r.warnedTick)
		total += r.elapsed
	}
	g.meanElapsed = total / time.Duration(len(runs))
	sort.Slice(g.downTicks, func(i, j int) bool { return g.downTicks[i] < g.downTicks[j] })
	return g
}

func (g gridSummary) median() int64 { return g.downTicks[len(g.downTicks)/2] }

func (g gridSummary) String() string {
	ids := make([]string, 0, len(g.met))
	for id := range g.runs[0].objectives {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "  %-22s met %2d/%d\n", id, g.met[id], len(g.runs))
	}
	fmt.Fprintf(&b, "  priority sites >= 500 at every tick: %d/%d\n", g.sitesAlwaysUp, len(g.runs))
	fmt.Fprintf(&b, "  priority_down_ticks: median %d, min %d, max %d\n", g.median(), g.downTicks[0], g.downTicks[len(g.downTicks)-1])
	fmt.Fprintf(&b, "  Nordmark SCADA compromised: %d/%d, substation tripped: %d/%d\n", g.nCompromised, len(g.runs), g.nTripped, len(g.runs))
	fmt.Fprintf(&b, "  substation X back at 1000 (tick): %v\n", g.xFullTicks)
	fmt.Fprintf(&b, "  NCSC-NM holds the indicators (tick): %v\n", g.warnedTicks)
	fmt.Fprintf(&b, "  mean time per run: %v\n", g.meanElapsed.Round(time.Millisecond))
	return b.String()
}

func runGridResponse(t *testing.T, response string, extra ...string) gridSummary {
	s := loadGrid(t, response, extra...)
	runs := make([]gridRun, 0, gridSeeds)
	for seed := uint64(1); seed <= gridSeeds; seed++ {
		runs = append(runs, runGrid(t, s, seed, nil))
	}
	g := summarizeGrid(runs)
	t.Logf("response=%s %s over %d seeds:\n%s", response, strings.Join(extra, " "), gridSeeds, g)
	return g
}

// TestGridHybridFastBeatsSlow runs both responses over the same seeds
// and compares them.
func TestGridHybridFastBeatsSlow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the scenario 40 times")
	}
	fast := runGridResponse(t, "fast")
	slow := runGridResponse(t, "slow")
	n := gridSeeds

	// The fast, coordinated response keeps every objective on every seed.
	for id, met := range fast.met {
		if met != n {
			t.Errorf("fast response: objective %s met in %d of %d runs, want all", id, met, n)
		}
	}
	if len(fast.met) != len(fast.runs[0].objectives) {
		t.Errorf("fast response: some objectives were never met: %v", fast.met)
	}
	if fast.sitesAlwaysUp != n {
		t.Errorf("fast response: priority sites above 500‰ throughout in %d of %d runs, want all", fast.sitesAlwaysUp, n)
	}
	if fast.nCompromised != 0 {
		t.Errorf("fast response: Nordmark's SCADA compromised in %d runs, want none", fast.nCompromised)
	}

	// The slow one fails most of them, and the margin is wide.
	margins := []struct {
		objective string
		fastMin   int // met in at least this many fast runs
		slowMax   int // met in at most this many slow runs
	}{
		{"priority-sites", n, n / 10},
		{"priority-downtime", n, n / 10},
		{"sitrep-in-time", n, 0},
		{"substation-x-restored", n, n / 5},
		{"substation-y-repaired", n, 0},
		{"neighbour-warned", n, 0},
		{"neighbour-protected", n, n / 4},
	}
	for _, m := range margins {
		if fast.met[m.objective] < m.fastMin || slow.met[m.objective] > m.slowMax {
			t.Errorf("objective %s: met fast %d/%d (want >= %d), slow %d/%d (want <= %d)",
				m.objective, fast.met[m.objective], n, m.fastMin, slow.met[m.objective], n, m.slowMax)
		}
	}
	if slow.nCompromised < n*3/4 {
		t.Errorf("slow response: Nordmark's SCADA compromised in %d of %d runs, want at least %d", slow.nCompromised, n, n*3/4)
	}
	if fast.median() != 0 || slow.median() < 120 {
		t.Errorf("priority_down_ticks: median fast %d (want 0), slow %d (want >= 120)", fast.median(), slow.median())
	}
	// A note, not a failure: a timed assertion fails on a busy machine
	// (it did, at 1.1 s a run while seven builds shared two cores); the
	// figure to hold is measured by benchmarks (docs/performance.md).
	for _, g := range []gridSummary{fast, slow} {
		if g.meanElapsed > gridRunBudget {
			t.Logf("note: a run takes %v on average, above the %v budget", g.meanElapsed, gridRunBudget)
		}
	}
}

// TestGridHybridSharingDecidesForTheNeighbour separates the two halves
// of the exercise: Arland's operators fast and its CSIRTs slow, then the
// other way round. Keeping the lights on at home does not protect the
// neighbour; sharing in time does, even when the response at home is
// slow.
func TestGridHybridSharingDecidesForTheNeighbour(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the scenario 40 times")
	}
	n := gridSeeds
	home := runGridResponse(t, "fast", "vars.sharing=slow")
	for _, id := range []string{"priority-sites", "priority-downtime", "substation-x-restored", "substation-y-repaired"} {
		if home.met[id] != n {
			t.Errorf("fast operators, slow sharing: %s met in %d of %d runs, want all", id, home.met[id], n)
		}
	}
	// Without the indicators Nordmark Grid's own sensor sometimes finds
	// the intruder in time (about one run in five over 200 seeds); most
	// of the time it does not.
	if home.met["neighbour-warned"] != 0 || home.nCompromised < n/2 {
		t.Errorf("fast operators, slow sharing: neighbour warned in %d runs (want 0), its SCADA compromised in %d of %d (want at least %d)",
			home.met["neighbour-warned"], home.nCompromised, n, n/2)
	}
	away := runGridResponse(t, "slow", "vars.sharing=fast")
	if away.met["neighbour-warned"] != n || away.met["neighbour-protected"] != n {
		t.Errorf("slow operators, fast sharing: neighbour warned %d, protected %d of %d runs, want all",
			away.met["neighbour-warned"], away.met["neighbour-protected"], n)
	}
	if away.met["priority-sites"] > n/10 {
		t.Errorf("slow operators, fast sharing: priority sites kept in %d of %d runs, want at most %d", away.met["priority-sites"], n, n/10)
	}
}

// TestGridHybridDeterministic: the same seed gives the same run.
func TestGridHybridDeterministic(t *testing.T) {
	s := loadGrid(t, "fast")
	hash := func() string {
		var evs []string
		runGrid(t, s, 3, func(es []engine.Event) {
			for _, e := range es {
				evs = append(evs, fmt.Sprintf("%d %s %s %s", e.Tick, e.Kind, e.Subject, e.Text))
			}
		})
		return strings.Join(evs, "\n")
	}
	if a, b := hash(), hash(); a != b {
		t.Fatal("two runs of seed 3 differ")
	}
}

// TestGridHybridTrace prints one run's events:
// GRID_TRACE=response:seed[:key=value...], e.g. fast:3:vars.sharing=slow.
func TestGridHybridTrace(t *testing.T) {
	spec := os.Getenv("GRID_TRACE")
	if spec == "" {
		t.Skip("set GRID_TRACE=fast:1 (response:seed) to print a run")
	}
	parts := strings.Split(spec, ":")
	if len(parts) < 2 {
		t.Fatalf("GRID_TRACE=%q: want response:seed[:key=value...]", spec)
	}
	seed, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil {
		t.Fatalf("GRID_TRACE=%q: want response:seed[:key=value...]", spec)
	}
	s := loadGrid(t, parts[0], parts[2:]...)
	r := runGrid(t, s, seed, func(es []engine.Event) {
		for _, e := range es {
			switch e.Kind {
			case engine.EvCommandAccepted, engine.EvEvidenceCreated:
				continue
			}
			t.Logf("%5d %-20s %-16s %s", e.Tick, e.Kind, e.Subject, e.Text)
		}
	})
	t.Logf("%+v", r)
}
