package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"cyberex/runner"
	"cyberex/scenario"
)

// ParallelMax bounds --parallel.
const ParallelMax = 4096

type testFlags struct {
	parallel int
	match    string
	seeds    string
	update   bool
	junit    string
	json     bool
	shard    string
	shards   int
	set      []string
}

func newTestCmd(e *env) *cobra.Command {
	var o testFlags
	c := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run the regression tests of the scenarios under the paths",
		Long: `Find every scenario under the paths (folders holding scenario.yaml, searched
recursively; folders named testdata are skipped unless a path names them) and
run the tests their scenario.yaml declares under tests:, every run of every
test in parallel. Print one line per test (PASS or FAIL, runs, time) and a
summary. A failure names the first failing seed and prints the cyberex run
command that reproduces it.

A test's golden file pins the state hash and metrics of some runs at chosen
ticks; --update rewrites the golden files (review the diff before you commit
it).

Exit codes: 0 every test passed, 1 a test failed, 2 bad input (an invalid
scenario: its errors are printed; a --run that matches no test: the tests
are listed; more than 100000 --seeds; a bad flag).

--shard I/N runs a deterministic share of the runs (run number mod N = I-1,
runs numbered over the whole session); each shard's --json report is joined
by 'cyberex merge', which judges the expectations over all seeds. --shard
auto reads the shard from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job,
with --shards N) or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm
job array). See docs/testing.md.`,
		Example: `  cyberex test scenarios/
  cyberex test scenarios/tutorial --run good-response --seeds 1..1000
  cyberex test scenarios/ --junit report.xml
  cyberex test scenarios/tutorial --update
  cyberex test scenarios/tutorial --set organisations.police-a.staff=1
  cyberex test scenarios/ --shard 2/4 --json > shard-2.json && cyberex merge all.json shard-*.json`,
		Args: rangeArgs(0, -1, "PATH arguments"),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			return testScenarios(e, args, o)
		},
	}
	f := c.Flags()
	f.IntVar(&o.parallel, "parallel", runtime.GOMAXPROCS(0), "runs made at once")
	f.StringVar(&o.match, "run", "", "run only the tests whose SCENARIO/TEST name matches `REGEXP`")
	f.StringVar(&o.seeds, "seeds", "", "replace every test's seeds, e.g. 1..1000 or 1..3,7 (golden seeds stay)")
	f.BoolVar(&o.update, "update", false, "rewrite the golden files with the states the runs reach now")
	f.BoolVar(&o.update, "rewrite", false, "same as --update")
	_ = f.MarkHidden("rewrite")
	f.StringVar(&o.junit, "junit", "", "write the results as JUnit XML to `FILE`")
	f.BoolVar(&o.json, "json", false, "print the results as JSON on stdout (the lines go to stderr)")
	f.StringVar(&o.shard, "shard", "", "run shard `I/N` of the runs (1 <= I <= N), or auto (Kubernetes, Slurm)")
	f.IntVar(&o.shards, "shards", 0, "the number of shards, with --shard auto in a Kubernetes Indexed Job")
	f.StringArrayVar(&o.set, "set", nil, "override a scenario value for every test, `key=value` (repeatable), before each test's own overrides")
	return c
}

// scenarioLoader loads scenarios as `cyberex run` does, so that a test's
// world is the one its replay command builds.
func scenarioLoader(dir string, set []string) (*scenario.Scenario, error) {
	return bare(loadScenario(dir, set))
}

// sweepLoader loads without the scenario's tests, which a sweep does not run.
func sweepLoader(dir string, set []string) (*scenario.Scenario, error) {
	return bare(loadForRun(dir, set))
}

// bare gives the runner the scenario, or the loader's own error without the
// CLI's exit-code wrapping (the runner decides how to report it).
func bare(l *loaded, err error) (*scenario.Scenario, error) {
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) && ee.err != nil {
			return nil, ee.err
		}
		return nil, err
	}
	return l.s, nil
}

func checkParallel(n int) error {
	if n < 1 || n > ParallelMax {
		return inputErrorf("--parallel %d: want 1 to %d", n, ParallelMax)
	}
	return nil
}

func testScenarios(e *env, paths []string, o testFlags) error {
	if err := checkParallel(o.parallel); err != nil {
		return err
	}
	if err := checkSet(o.set); err != nil {
		return err
	}
	opt := runner.TestOptions{Paths: paths, Parallel: o.parallel, Update: o.update, Load: scenarioLoader, Set: o.set}
	if o.match != "" {
		re, err := regexp.Compile(o.match)
		if err != nil {
			return inputErrorf("--run %q: %v", o.match, err)
		}
		opt.Match = re
	}
	if o.seeds != "" {
		s, err := runner.ParseSeeds(o.seeds)
		if err != nil {
			return inputErrorf("--seeds: %v", err)
		}
		opt.Seeds = &s
	}
	sh, err := runner.ParseShard(o.shard, o.shards, os.Getenv)
	if err != nil {
		return inputError(err)
	}
	opt.Shard = sh
	lines := e.stdout
	if o.json {
		lines = e.stderr
	}
	bar := newRunBar(e, "runs")
	opt.Progress = bar.set
	opt.OnInvalid = func(sc *runner.ScenarioReport) {
		bar.clear()
		printInvalid(e.stderr, lines, sc)
	}
	opt.OnTest = func(sc *runner.ScenarioReport, t *runner.TestReport) {
		bar.clear()
		printTestLine(lines, sc, t)
	}
	rep, err := runner.Test(opt)
	bar.finish()
	if err != nil {
		var ie *runner.InputError
		if errors.As(err, &ie) {
			return inputError(err)
		}
		return failure(err)
	}
	printTestSummary(lines, rep, o.parallel)
	if o.junit != "" {
		if err := writeFileAtomic(o.junit, func(w io.Writer) error { return runner.WriteJUnit(w, rep) }); err != nil {
			return failure(fmt.Errorf("--junit: %w", err))
		}
	}
	if o.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return failure(err)
		}
	}
	if code := rep.ExitCode(); code != 0 {
		return exitQuietly(code)
	}
	return nil
}

// printTestLine prints a test's line, and under it what failed with the
// command that shows it.
func printTestLine(w io.Writer, sc *runner.ScenarioReport, t *runner.TestReport) {
	status := "PASS"
	if t.Status != "pass" {
		status = "FAIL"
	}
	runs := fmt.Sprintf("%d runs", t.Done)
	if t.Done == 1 {
		runs = "1 run"
	}
	if t.Partial {
		runs = fmt.Sprintf("%d of %d runs", t.Done, t.Runs+t.GoldenRuns)
	}
	note := ""
	if t.Updated != "" {
		note = "  (rewrote " + t.Updated + ")"
	}
	fmt.Fprintf(w, "%s  %s/%s  %s  %s%s\n", status, safe(sc.Name), safe(t.Name), runs, seconds(t.Seconds), safe(note))
	for _, f := range t.Failures {
		fmt.Fprintf(w, "      %s\n", safe(f.Message))
		if f.Replay != "" {
			fmt.Fprintf(w, "      replay: %s\n", safe(f.Replay))
		}
	}
}

// printInvalid prints an invalid scenario's problems on stderr, one per
// line, and its INVALID line on lines.
func printInvalid(stderr, lines io.Writer, sc *runner.ScenarioReport) {
	for _, l := range sc.Errors {
		fmt.Fprintln(stderr, safe(l))
	}
	fmt.Fprintf(lines, "INVALID  %s (%s)\n", safe(sc.Path), count(len(sc.Errors), "problem"))
}

func printTestSummary(w io.Writer, rep *runner.Report, parallel int) {
	s := rep.Summary
	var parts []string
	parts = append(parts, count(s.Scenarios, "scenario"))
	if s.Invalid > 0 {
		parts = append(parts, fmt.Sprintf("%d invalid", s.Invalid))
	}
	parts = append(parts, count(s.Runs, "run"))
	fmt.Fprintf(w, "\n%s in %s", strings.Join(parts, ", "), seconds(s.Seconds))
	if parallel > 0 {
		fmt.Fprintf(w, " on %s", count(parallel, "worker"))
	}
	if rep.Shard != "" {
		fmt.Fprintf(w, " (shard %s: expectations across seeds are judged by cyberex merge)", rep.Shard)
	}
	fmt.Fprintln(w)
	// The closing line CI systems read.
	fmt.Fprintf(w, "tests: %d passed, %d failed\n", s.Passed, s.Failed)
}

func seconds(s float64) string {
	switch {
	case s < 10:
		return fmt.Sprintf("%.2fs", s)
	case s < 100:
		return fmt.Sprintf("%.1fs", s)
	}
	return (time.Duration(s) * time.Second).Round(time.Second).String()
}

// runBar is a progress bar of runs on stderr, drawn only on a terminal
// and only once the work takes a while; workers call set concurrently.
type runBar struct {
	e     *env
	what  string
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	start time.Time
}

func newRunBar(e *env, what string) *runBar {
	return &runBar{e: e, what: what, start: e.now()}
}

func (b *runBar) set(done, total int64) {
	if !b.e.progress {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil {
		if done%16 != 0 || b.e.now().Sub(b.start) < progressAfter {
			return
		}
		b.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(b.e.stderr),
			progressbar.OptionSetDescription(b.what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(b.what),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	_ = b.bar.Set64(done)
}

// clear takes the bar off the screen before a line is printed; it is
// drawn again at the next run.
func (b *runBar) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Clear()
	}
}

func (b *runBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Finish()
		b.bar = nil
	}
}

// writeOutput writes data to standard output (out "-") or, atomically,
// to the file out; a file that cannot be written is a failure (exit 1).
func (e *env) writeOutput(out string, data []byte) error {
	if out == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	if err := writeFileAtomic(out, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return failure(err)
	}
	return nil
}

// writeFileAtomic writes a file through a temporary file beside it, so
// that a reader never sees half of it and a failure leaves no partial file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
