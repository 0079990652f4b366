// Package runner runs scenarios many times: the regression tests that
// scenarios declare (`cyberex test`), parameter sweeps (`cyberex sweep`),
// a deterministic share of either for one machine of many (shards), and
// the merge of the shards' outputs (`cyberex merge`).
//
// Every run goes through headless.Run, exactly as `cyberex run` makes it,
// so that the command printed for a failure reproduces it. Results never
// depend on the number of workers: runs are numbered, their results are
// put in slots by number, and everything is judged or written in run
// order.
package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
	"cyberex/scripts"
)

// LoadFunc loads the scenario in dir with --set overrides. The CLI gives
// the loader `cyberex run` uses (with the same script library), so that a
// test's world is the one the replay command builds.
type LoadFunc func(dir string, set []string) (*scenario.Scenario, error)

// DefaultLoad loads with scenario.Load and the script library built into
// the program. (The CLI prefers a scripts/ folder beside the scenarios.)
func DefaultLoad(dir string, set []string) (*scenario.Scenario, error) {
	return scenario.Load(dir, scenario.Options{Set: set, Library: scripts.FS})
}

// TestOptions configure a test session.
type TestOptions struct {
	// Paths are scenario folders or folders to search (see FindScenarios).
	Paths []string
	// Parallel is the number of runs made at once; 0 means GOMAXPROCS.
	Parallel int
	// Match, when not nil, selects the tests whose "SCENARIO/TEST" name
	// (the scenario's name, then the test's) it matches.
	Match *regexp.Regexp
	// Seeds, when not nil, replaces every test's seeds (golden seeds
	// stay).
	Seeds *SeedSet
	// Update rewrites the golden files instead of comparing with them.
	Update bool
	// Shard is the share of the runs to make. Runs are numbered over the
	// whole session: scenarios in path order, tests in file order, each
	// test's seeds in order, then its golden seeds that are not among
	// them. Every shard must be given the same paths and options.
	Shard Shard
	// Load loads scenarios; nil uses DefaultLoad.
	Load LoadFunc
	// Set are --set overrides of every test, applied before a test's own
	// (its set:, scripted: and vars:), as `cyberex run --set` applies them:
	// the replay command of a failure carries them.
	Set []string
	// Progress, when not nil, is called after each run (from the
	// workers, concurrently).
	Progress func(done, total int64)
	// OnInvalid is called for each scenario that cannot be loaded, before
	// any run.
	OnInvalid func(sc *ScenarioReport)
	// OnTest is called for each test once it is judged, in order.
	OnTest func(sc *ScenarioReport, t *TestReport)
}

// TestSeedsMax bounds the seeds of one test, whether scenario.yaml
// declares them or `cyberex test --seeds` replaces them: the same cap as
// the scenario loader's on a test's seeds. A test holds a record of every
// run until it is judged; many more runs are a sweep's job, whose memory
// does not grow with the runs.
const TestSeedsMax = scenario.SeedsMax

// InputError is a problem with what a session or a sweep was asked to do
// (a path that does not exist, no scenario found, a bad --vary): exit 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// FindScenarios lists the scenario folders under paths: each path that
// holds scenario.yaml (or is one), and every folder below that does.
// Folders named testdata, and hidden folders, are skipped unless a path
// names them (or a folder inside them). The result is sorted, without
// repeats.
func FindScenarios(paths []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, inputErrorf("%s: no such file or folder", p)
			}
			return nil, inputErrorf("%s: %v", p, err)
		}
		if !fi.IsDir() {
			if filepath.Base(p) != "scenario.yaml" {
				return nil, inputErrorf("%s: want a folder or a scenario.yaml", p)
			}
			add(cleanDir(filepath.Dir(p)))
			continue
		}
		before := len(out)
		root := p
		err = filepath.WalkDir(root, func(q string, de fs.DirEntry, err error) error {
			if err != nil {
				if q == root {
					return err
				}
				return nil // unreadable corners are skipped
			}
			if !de.IsDir() {
				if de.Name() == "scenario.yaml" {
					add(cleanDir(filepath.Dir(q)))
				}
				return nil
			}
			if q != root && (de.Name() == "testdata" || strings.HasPrefix(de.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, inputErrorf("%s: %v", p, err)
		}
		if len(out) == before {
			return nil, inputErrorf("%s: no scenario (no folder with a scenario.yaml) found there", p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// cleanDir keeps a folder as the user would type it: slash separated,
// relative paths relative.
func cleanDir(d string) string {
	return filepath.ToSlash(filepath.Clean(d))
}

// plannedTest is a test about to run.
type plannedTest struct {
	sc    int // index in the report's scenarios
	name  string
	dir   string
	s     *scenario.Scenario
	spec  *scenario.TestSpec
	run   RunSpec
	seeds SeedSet
	// goldenOnly are the golden seeds that are not among the seeds.
	goldenOnly  []uint64
	goldenSeeds SeedSet
	ct          *compiledTest
	golden      *golden
	goldenPath  string // on disk, for --update
	update      bool
	updateHint  string
	first       int64 // number of its first run in the session
	nRuns       int
	nOwn        int

	records []RunRecord // slots by run number (owned runs only filled)
	owned   []bool
	left    atomic.Int64
	start   atomic.Int64 // unix ns of the first run's start
	end     atomic.Int64
}

func (pt *plannedTest) seedAt(k int) uint64 {
	if k < pt.nOwn {
		return pt.seeds.At(int64(k))
	}
	return pt.goldenOnly[k-pt.nOwn]
}

// Test runs the tests of the scenarios under opt.Paths. The error is an
// *InputError when the paths name no scenario; invalid scenarios are in
// the report (Errors), with exit code 2.
func Test(opt TestOptions) (*Report, error) {
	if opt.Load == nil {
		opt.Load = DefaultLoad
	}
	if opt.Update && !opt.Shard.Whole() {
		return nil, inputErrorf("--update rewrites whole golden files: run it without --shard")
	}
	if opt.Update && len(opt.Set) > 0 {
		// A golden file pins the scenario as it is; a world changed by
		// --set would be written as if it were.
		return nil, inputErrorf("--update pins the scenario as written: run it without --set")
	}
	if opt.Seeds != nil && opt.Seeds.Len() > TestSeedsMax {
		return nil, inputErrorf("--seeds: %d seeds, at most %d seeds per test (use cyberex sweep for more runs)", opt.Seeds.Len(), TestSeedsMax)
	}
	dirs, err := FindScenarios(opt.Paths)
	if err != nil {
		return nil, err
	}
	rep := &Report{Format: ReportFormat, Engine: engine.Version}
	if !opt.Shard.Whole() {
		rep.Shard = opt.Shard.String()
	}
	var plan []*plannedTest
	var next int64
	var names []string // every test's SCENARIO/TEST, for a --run that matches none
	invalid := false
	for _, dir := range dirs {
		rep.Scenarios = append(rep.Scenarios, ScenarioReport{Path: dir, Tests: []TestReport{}})
		sc := &rep.Scenarios[len(rep.Scenarios)-1]
		tests, errs := planScenario(opt, dir, len(rep.Scenarios)-1, sc, &names)
		if len(errs) > 0 {
			invalid = true
			sc.Errors = errs
			if opt.OnInvalid != nil {
				opt.OnInvalid(sc)
			}
			continue
		}
		for _, pt := range tests {
			pt.first = next
			next += int64(pt.nRuns)
			plan = append(plan, pt)
		}
	}
	if opt.Match != nil && len(plan) == 0 && !invalid {
		return nil, noMatch(opt.Match.String(), names)
	}
	var total int64
	for _, pt := range plan {
		pt.records = make([]RunRecord, pt.nRuns)
		pt.owned = make([]bool, pt.nRuns)
		n := 0
		for k := 0; k < pt.nRuns; k++ {
			if opt.Shard.Owns(pt.first + int64(k)) {
				pt.owned[k] = true
				n++
			}
		}
		pt.left.Store(int64(n))
		total += int64(n)
	}
	defer tuneGC()()
	began := time.Now()
	runTests(opt, plan, total, func(pt *plannedTest) {
		sc := &rep.Scenarios[pt.sc]
		tr := finishTest(pt, opt.Shard.Whole())
		sc.Tests = append(sc.Tests, tr)
		if opt.OnTest != nil {
			opt.OnTest(sc, &sc.Tests[len(sc.Tests)-1])
		}
	})
	rep.Summary.Seconds = time.Since(began).Seconds()
	rep.summarise()
	return rep, nil
}

// namesShown bounds the test names a --run that matches none lists.
const namesShown = 20

// noMatch is the error of a --run that selects no test: it lists the
// tests there are.
func noMatch(pattern string, names []string) error {
	if len(names) == 0 {
		return inputErrorf("no test matches --run %s: the scenarios found declare no test", pattern)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no test matches --run %s; the tests (SCENARIO/TEST) are:", pattern)
	for i, n := range names {
		if i == namesShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(names)-namesShown)
			break
		}
		b.WriteString("\n  " + n)
	}
	return &InputError{Err: errors.New(b.String())}
}

// planScenario loads a scenario and plans its tests; names receives every
// test's SCENARIO/TEST name, selected or not.
func planScenario(opt TestOptions, dir string, sci int, sc *ScenarioReport, names *[]string) ([]*plannedTest, []string) {
	base, err := opt.Load(dir, opt.Set)
	if err != nil {
		return nil, errorLines(err)
	}
	sc.Name = base.Name
	loaded := map[string]*scenario.Scenario{"": base}
	var out []*plannedTest
	var errs []string
	for i := range base.Tests {
		spec := &base.Tests[i]
		name := base.Name + "/" + spec.Name
		*names = append(*names, name)
		if opt.Match != nil && !opt.Match.MatchString(name) {
			continue
		}
		run, err := testRunSpec(dir, base, spec, opt.Set)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		// Tests with the same overrides share one loaded scenario.
		key := strings.Join(run.Set, "\x00")
		s, ok := loaded[key]
		if !ok {
			if s, err = opt.Load(dir, run.Set); err != nil {
				for _, l := range errorLines(err) {
					errs = append(errs, fmt.Sprintf("test %s: %s", spec.Name, l))
				}
				continue
			}
			loaded[key] = s
		}
		pt := &plannedTest{sc: sci, name: spec.Name, dir: dir, s: s, spec: spec, run: run, update: opt.Update}
		pt.seeds = SeedList(spec.Seeds)
		if opt.Seeds != nil {
			pt.seeds = *opt.Seeds
		}
		if pt.seeds.Len() > TestSeedsMax {
			errs = append(errs, fmt.Sprintf("test %s: %d seeds, at most %d", spec.Name, pt.seeds.Len(), TestSeedsMax))
			continue
		}
		pt.nOwn = int(pt.seeds.Len())
		pt.ct = compileTest(spec)
		pt.updateHint = ShellJoin([]string{"cyberex", "test", dir, "--run", "^" + regexp.QuoteMeta(name) + "$", "--update"})
		if g := spec.Golden; g != nil {
			pt.goldenSeeds = SeedList(g.Seeds)
			seen := map[uint64]bool{}
			for _, sd := range g.Seeds {
				if !pt.seeds.Contains(sd) && !seen[sd] {
					pt.goldenOnly = append(pt.goldenOnly, sd)
				}
				seen[sd] = true
			}
			name := filepath.ToSlash(filepath.Clean(filepath.FromSlash(g.File)))
			pt.goldenPath = filepath.Join(dir, filepath.FromSlash(name))
			if !opt.Update {
				pt.golden = readGolden(s.ReadFile, name, joinDir(dir, name), pt.updateHint)
			}
		}
		pt.nRuns = pt.nOwn + len(pt.goldenOnly)
		out = append(out, pt)
	}
	return out, errs
}

// errorLines splits a loader's error into its problems.
func errorLines(err error) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// job is one run of a planned test.
type job struct {
	pt *plannedTest
	k  int
}

// runTests makes every owned run on opt.Parallel workers and calls done
// for each test, in plan order, once all its runs are made.
func runTests(opt TestOptions, plan []*plannedTest, total int64, done func(*plannedTest)) {
	workers := opt.Parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan job, workers*4)
	finished := make(chan int, len(plan))
	index := map[*plannedTest]int{}
	for i, pt := range plan {
		index[pt] = i
		if pt.left.Load() == 0 {
			finished <- i
		}
	}
	go func() {
		for _, pt := range plan {
			for k := 0; k < pt.nRuns; k++ {
				if pt.owned[k] {
					jobs <- job{pt, k}
				}
			}
		}
		close(jobs)
	}()
	var count atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				now := time.Now().UnixNano()
				j.pt.start.CompareAndSwap(0, now)
				j.pt.records[j.k] = j.pt.runOne(j.k)
				if opt.Progress != nil {
					opt.Progress(count.Add(1), total)
				}
				if j.pt.left.Add(-1) == 0 {
					j.pt.end.Store(time.Now().UnixNano())
					finished <- index[j.pt]
				}
			}
		}()
	}
	ready := make([]bool, len(plan))
	next := 0
	for next < len(plan) {
		i := <-finished
		ready[i] = true
		for next < len(plan) && ready[next] {
			done(plan[next])
			next++
		}
	}
	wg.Wait()
}

// runOne makes run k of a test and judges it.
func (pt *plannedTest) runOne(k int) (rec RunRecord) {
	seed := pt.seedAt(k)
	own := k < pt.nOwn
	rec = RunRecord{Run: k, Seed: seed}
	recordGolden := pt.spec.Golden != nil && pt.goldenSeeds.Contains(seed)
	obs := newObserver(pt.ct, recordGolden)
	_, err := headless.Run(pt.s, headless.RunOptions{Seed: seed, Ticks: pt.spec.Ticks.Ticks, Commands: pt.spec.CommandList,
		OnEvents: obs.events, AfterStep: obs.step, AfterFinish: obs.finish})
	if err != nil {
		tick := ""
		var ie *headless.InternalError
		if errors.As(err, &ie) {
			tick = fmt.Sprintf(" (at tick %d)", ie.Tick)
		}
		rec.Failure = "the run failed" + tick + ": " + firstLine(err.Error())
		rec.Failed = 1
		rec.Replay = pt.run.Command(seed, 0)
		return rec
	}
	var fails []verdict
	if own {
		fails = obs.check()
		samples, why := obs.samples()
		if why != "" {
			fails = append(fails, verdict{msg: why, json: true})
		}
		rec.Samples = samples
	}
	replay := ""
	if recordGolden {
		g := &GoldenRun{Seed: seed, States: obs.golden, Final: obs.final}
		if pt.update {
			rec.golden = g
		} else if msg, tick := pt.golden.compare(seed, pt.ct.golden, g.States, g.Final, pt.updateHint); msg != "" {
			switch {
			case tick > 0:
				// The journal's checkpoint at the tick is the state hash
				// after it; --json prints the metrics there.
				j := pt.replayJournal(seed)
				msg += fmt.Sprintf("; the replay's journal %s (remove it first if it exists: a journal is never overwritten) holds the state hash at tick %d", j, tick)
				replay = pt.run.Command(seed, tick, "--hash-every", strconv.Itoa(int(tick)), "--journal", j, "--json")
			case tick < 0:
				replay = pt.run.Command(seed, 0, "--json")
			}
			fails = append(fails, verdict{msg: msg, ticks: -2})
		}
	}
	if len(fails) > 0 {
		rec.Failure = fails[0].msg
		rec.Failed = len(fails)
		switch {
		case fails[0].ticks == -2:
			rec.Replay = replay
		case fails[0].json:
			rec.Replay = pt.run.Command(seed, fails[0].ticks, "--json")
		case fails[0].event != "":
			rec.Replay = pt.run.Command(seed, fails[0].ticks, "--events", fails[0].event)
		default:
			rec.Replay = pt.run.Command(seed, fails[0].ticks)
		}
	}
	return rec
}

// replayJournal is where the replay command of a golden failure writes
// its journal: in the OS's temporary folder (not the current one, which is
// often a checkout), named after the scenario, the test and the seed so
// that the command is the same in every report of the failure.
func (pt *plannedTest) replayJournal(seed uint64) string {
	name := fmt.Sprintf("cyberex-%s-%s-seed-%d.jsonl", fileWord(pt.s.Name), fileWord(pt.name), seed)
	return filepath.ToSlash(filepath.Join(os.TempDir(), name))
}

// fileWord keeps the letters, digits, '.', '_' and '-' of a name for a
// file name, each other character becoming '-'.
func fileWord(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

func firstLine(s string) string {
	l, rest, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if rest != "" {
		l += " …"
	}
	return l
}

// finishTest judges a test whose runs are made, and rewrites its golden
// file with --update.
func finishTest(pt *plannedTest, whole bool) TestReport {
	tr := TestReport{Name: pt.name, Runs: pt.nOwn, GoldenRuns: len(pt.goldenOnly), Run: pt.run, Across: pt.ct.across, Records: []RunRecord{}}
	if s, e := pt.start.Load(), pt.end.Load(); s > 0 && e >= s {
		tr.Seconds = float64(e-s) / 1e9
	}
	for k := range pt.records {
		if pt.owned[k] {
			tr.Records = append(tr.Records, pt.records[k])
		}
	}
	tr.judge(whole)
	if pt.update && pt.spec.Golden != nil {
		f := &GoldenFile{Format: GoldenFormat, Scenario: pt.s.Name, Test: pt.name, Engine: engine.Version,
			Digest: pt.s.Digest, Library: pt.s.LibraryDigest, Ticks: pt.ct.golden, Runs: []GoldenRun{}}
		seen := map[uint64]bool{}
		for _, sd := range pt.spec.Golden.Seeds {
			if seen[sd] {
				continue
			}
			seen[sd] = true
			for k := range pt.records {
				if r := &pt.records[k]; r.Seed == sd && r.golden != nil {
					f.Runs = append(f.Runs, *r.golden)
					break
				}
			}
		}
		shown := joinDir(pt.dir, filepath.ToSlash(filepath.Clean(filepath.FromSlash(pt.spec.Golden.File))))
		var stale string
		if old := readGolden(func(string) ([]byte, error) { return os.ReadFile(pt.goldenPath) }, "", shown, ""); old.file != nil {
			stale = staleVersion(old.file, f, shown)
		}
		if len(f.Runs) != len(seen) {
			tr.Failures = append(tr.Failures, Failure{Message: fmt.Sprintf("golden %s not rewritten: some golden runs failed to run", shown)})
			tr.Status = "fail"
		} else if stale != "" {
			tr.Failures = append(tr.Failures, Failure{Message: stale})
			tr.Status = "fail"
		} else if changed, err := writeGolden(pt.goldenPath, f); err != nil {
			tr.Failures = append(tr.Failures, Failure{Message: fmt.Sprintf("golden %s: %v", shown, err)})
			tr.Status = "fail"
		} else if changed {
			tr.Updated = shown
		}
	}
	return tr
}
