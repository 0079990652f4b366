package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/journal"
	"cyberex/runner"
	"cyberex/scenario"
)

type sweepFlags struct {
	seeds    string
	set      []string
	vary     []string
	ticks    int32
	out      string
	jsonl    string
	commands string
	metrics  []string
	parallel int
	window   int
	shard    string
	shards   int
}

func newSweepCmd(e *env) *cobra.Command {
	var o sweepFlags
	c := &cobra.Command{
		Use:   "sweep SCENARIO --seeds 1..N",
		Short: "Run a scenario over many seeds and parameter variations, one output row per run",
		Long: `Run a scenario once per seed and per variation of the parameters (the
cartesian product of the --vary lists), on all cores, and write one row per
run: run number, seed, the varied values, ticks, state hash, each objective's
status and tick, the metrics, and the error of a run that failed. --out
writes CSV, --jsonl JSON lines (one object per run); without either, CSV goes
to stdout.

Rows are written in run order, whatever the number of workers: runs are
numbered variation by variation (the last --vary list varies fastest), seeds
in order within each. Workers run ahead of the writer by at most --window
runs, so a million runs need no more memory than a few hundred. Each
variation's scenario is loaded once.

--shard I/N makes the runs whose number mod N is I-1; 'cyberex merge' joins the
shards' files into the file one unsharded sweep writes, byte for byte.
--shard auto reads the shard from JOB_COMPLETION_INDEX (a Kubernetes Indexed
Job, with --shards N) or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a
Slurm job array). See docs/sweeps.md.

Exit codes: 0 every run completed, 1 a run failed (its row says why, the first
is printed with the command that reproduces it) or an output could not be
written, 2 bad input, 130 or 143 interrupted by SIGINT or SIGTERM (the
temporary files are removed: no output is written).`,
		Example: `  cyberex sweep scenarios/tutorial --seeds 1..10000 --out tutorial.csv
  cyberex sweep scenarios/botnet-crossborder --seeds 1..1000 \
      --vary jurisdictions.B.channels.mla=30d,90d,180d \
      --vary organisations.police-a.staff=1,2,4 --jsonl mla.jsonl
  cyberex sweep scenarios/tutorial --seeds 1..10000 --shard 2/4 --out part-2.csv`,
		Args: rangeArgs(1, 1, "one SCENARIO"),
		RunE: func(c *cobra.Command, args []string) error {
			return sweepScenario(e, args[0], o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.seeds, "seeds", "", "run seeds: 1..10000, 1..3,7 or 7 (required)")
	f.StringArrayVar(&o.set, "set", nil, "override a scenario value for every run, `key=value` (repeatable)")
	f.StringArrayVar(&o.vary, "vary", nil, "vary a scenario value, `key=v1,v2,...` (repeatable: every combination is run)")
	f.Var(tickValue{&o.ticks, 0, TicksMax}, "ticks", "ticks to run at most, 0 for the scenario's end")
	f.StringVar(&o.out, "out", "", "write CSV rows to `FILE`")
	f.StringVar(&o.jsonl, "jsonl", "", "write JSON lines to `FILE`")
	f.StringVar(&o.commands, "commands", "", "players' commands for every run, from `FILE` (one JSON command per line)")
	f.StringArrayVar(&o.metrics, "metric", nil, "add a metric column, `NAME` such as evidence:ID:preserved or script.x (repeatable)")
	f.IntVar(&o.parallel, "parallel", runtime.GOMAXPROCS(0), "runs made at once")
	f.IntVar(&o.window, "window", 0, "runs the workers may run ahead of the writer (default 64 per worker)")
	f.StringVar(&o.shard, "shard", "", "make shard `I/N` of the runs (1 <= I <= N), or auto (Kubernetes, Slurm)")
	f.IntVar(&o.shards, "shards", 0, "the number of shards, with --shard auto in a Kubernetes Indexed Job")
	return c
}

// windowMax bounds --window.
const windowMax = 1 << 20

func sweepScenario(e *env, arg string, o sweepFlags) error {
	if o.seeds == "" {
		return inputErrorf("sweep: give the seeds, e.g. --seeds 1..1000")
	}
	seeds, err := runner.ParseSeeds(o.seeds)
	if err != nil {
		return inputErrorf("--seeds: %v", err)
	}
	if err := checkParallel(o.parallel); err != nil {
		return err
	}
	if o.window < 0 || o.window > windowMax {
		return inputErrorf("--window %d: want 1 to %d (0: the default)", o.window, windowMax)
	}
	if err := checkSet(o.set); err != nil {
		return err
	}
	var vary []runner.Vary
	for _, v := range o.vary {
		x, err := runner.ParseVary(v)
		if err != nil {
			return inputError(err)
		}
		vary = append(vary, x)
	}
	sh, err := runner.ParseShard(o.shard, o.shards, os.Getenv)
	if err != nil {
		return inputError(err)
	}
	dir, err := scenarioArg(arg)
	if err != nil {
		return err
	}
	dir = filepath.ToSlash(filepath.Clean(dir))
	var cs *journal.Commands
	if o.commands != "" {
		cs, err = journal.ReadCommandsFile(o.commands)
		if err != nil {
			var je *journal.Error
			if errors.As(err, &je) {
				return inputError(err)
			}
			return inputErrorf("commands file: %w", err)
		}
	}
	if o.out != "" && o.out == o.jsonl {
		return inputErrorf("--out and --jsonl name the same file")
	}
	opt := runner.SweepOptions{Dir: dir, Load: sweepLoader, Set: o.set, Vary: vary, Seeds: seeds, Ticks: o.ticks,
		CommandsFile: o.commands, Metrics: o.metrics, Parallel: o.parallel, Window: o.window, Shard: sh}
	if cs != nil {
		opt.Commands = cs.List
		// The commands' words are checked against the scenario as run
		// checks them, before the first run.
		opt.Check = func(s *scenario.Scenario) error {
			if cs.Header != nil && cs.Header.Scenario != s.Name {
				fmt.Fprintf(e.stderr, "warning: %s was written for scenario %q, this is %q\n", safe(o.commands), cs.Header.Scenario, s.Name)
			}
			return cs.CheckWords(orgIDs(s))
		}
	}
	// SIGINT or SIGTERM stops the workers; the temporary files are removed
	// (below) and the exit code says which signal.
	ctx, stopSignals := interruptible(e)
	defer stopSignals()
	opt.Context = ctx

	var outs []*outFile
	defer func() {
		for _, f := range outs {
			f.abort()
		}
	}()
	if o.out != "" {
		f, err := createOut(o.out)
		if err != nil {
			return err
		}
		outs = append(outs, f)
		opt.CSV = f.w
	}
	if o.jsonl != "" {
		f, err := createOut(o.jsonl)
		if err != nil {
			return err
		}
		outs = append(outs, f)
		opt.JSONL = f.w
	}
	var stdout *bufio.Writer
	if o.out == "" && o.jsonl == "" {
		stdout = bufio.NewWriterSize(e.stdout, 1<<16)
		opt.CSV = stdout
	}
	bar := newRunBar(e, "runs")
	opt.Progress = bar.set
	start := e.now()
	res, err := runner.Sweep(opt)
	bar.finish()
	if sig := interrupted(ctx); sig != nil {
		for _, f := range outs {
			f.abort()
		}
		outs = nil
		done, total := int64(0), int64(0)
		if res != nil {
			done, total = res.Done, res.Owned
		}
		written := "no output was written"
		if stdout != nil {
			_ = stdout.Flush()
			written = "the rows on stdout are those of the runs done, in order"
		}
		fmt.Fprintf(e.stderr, "sweep: interrupted (%s) after %d of %d runs; %s\n", sig, done, total, written)
		return exitQuietly(signalExit(sig))
	}
	if err != nil {
		var ie *runner.InputError
		if errors.As(err, &ie) {
			return inputError(err)
		}
		return failure(err)
	}
	if stdout != nil {
		if err := stdout.Flush(); err != nil {
			return failure(err)
		}
	}
	for _, f := range outs {
		if err := f.commit(); err != nil {
			return failure(err)
		}
	}
	outs = nil
	secs := e.now().Sub(start).Seconds()
	what := fmt.Sprintf("%d runs", res.Runs)
	if res.Variations > 1 {
		what += fmt.Sprintf(" (%d variations × %d seeds)", res.Variations, seeds.Len())
	}
	if !sh.Whole() {
		what = fmt.Sprintf("shard %s: %d of %s", sh, res.Done, what)
	}
	rate := ""
	if secs > 0 {
		rate = fmt.Sprintf(", %.0f runs/s", float64(res.Done)/secs)
	}
	fmt.Fprintf(e.stderr, "sweep: %s in %s%s on %s; %d failed\n", what, seconds(secs), rate, count(o.parallel, "worker"), res.Failed)
	var files []string
	for _, f := range []string{o.out, o.jsonl} {
		if f != "" {
			files = append(files, f)
		}
	}
	if len(files) > 0 {
		fmt.Fprintf(e.stderr, "wrote %s\n", safe(strings.Join(files, " and ")))
	}
	if res.Failed > 0 {
		fmt.Fprintf(e.stderr, "first failed run: %s\nreplay: %s\n", safe(res.FirstFailure), safe(res.FirstReplay))
		return exitQuietly(ExitFailure)
	}
	return nil
}

// outFile is an output written to a temporary file beside it and renamed
// into place once complete: a sweep stopped half way leaves no file that
// looks whole (and merge refuses a missing shard rather than a short one).
type outFile struct {
	path string
	tmp  *os.File
	w    *bufio.Writer
}

func createOut(path string) (*outFile, error) {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, inputErrorf("%s: no folder %s", path, dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, failure(err)
	}
	return &outFile{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<16)}, nil
}

func (f *outFile) commit() error {
	if err := f.w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if err := f.tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if err := f.tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if err := os.Chmod(f.tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.tmp.Name(), f.path)
}

func (f *outFile) abort() {
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}
