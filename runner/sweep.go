package runner

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
)

// Vary is one --vary flag: a scenario key and the values it takes.
type Vary struct {
	Key    string
	Values []string
}

// Limits of sweeps.
const (
	// VaryValuesMax bounds the values of one --vary.
	VaryValuesMax = 10_000
	// VariationsMax bounds the parameter variations of a sweep (the
	// product of the --vary lists).
	VariationsMax = 100_000
	// SweepRunsMax bounds the runs of a sweep (variations × seeds).
	SweepRunsMax = 1 << 40
	// DefaultWindowPerWorker is how many runs the workers may run ahead of the
	// first run not yet written (per worker). Results wait in a reorder
	// buffer of that many slots, so memory does not grow with the runs.
	DefaultWindowPerWorker = 64
)

// ParseVary reads "key=v1,v2,v3".
func ParseVary(s string) (Vary, error) {
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" || strings.TrimSpace(v) == "" {
		return Vary{}, fmt.Errorf("--vary %q: want key=v1,v2,..., such as jurisdictions.B.channels.mla=30d,90d,180d", s)
	}
	vals := strings.Split(v, ",")
	if len(vals) > VaryValuesMax {
		return Vary{}, fmt.Errorf("--vary %s: %d values, at most %d", k, len(vals), VaryValuesMax)
	}
	for i, x := range vals {
		vals[i] = strings.TrimSpace(x)
		if vals[i] == "" {
			return Vary{}, fmt.Errorf("--vary %q: value %d is empty", s, i+1)
		}
	}
	return Vary{Key: k, Values: vals}, nil
}

// SweepOptions describe a sweep: every seed of Seeds under every variation
// of the parameters (the cartesian product of the Vary lists; the last
// list varies fastest).
//
// Runs are numbered variation by variation, seeds in order within each:
// run r is seed number r mod len(Seeds) of variation r div len(Seeds).
// Rows are written in run order whatever the number of workers.
type SweepOptions struct {
	// Dir is the scenario folder as the user named it (for replay
	// commands).
	Dir  string
	Load LoadFunc
	// Set are overrides of every run; Vary the varied ones.
	Set  []string
	Vary []Vary
	// Seeds are the run seeds.
	Seeds SeedSet
	// Ticks stops each run after that many ticks at most (0: the
	// scenario's end).
	Ticks int32
	// Commands are given to every run; CommandsFile is their file, for
	// the replay command.
	Commands     []engine.Command
	CommandsFile string
	// Metrics are extra metric columns (script metrics, evidence:ID:...),
	// after the built-in ones.
	Metrics []string
	// Parallel is the number of workers (0: GOMAXPROCS); Window how many
	// runs they may run ahead of the writer (0: 64 per worker).
	Parallel int
	Window   int
	Shard    Shard
	// CSV and JSONL receive the rows; either may be nil.
	CSV   io.Writer
	JSONL io.Writer
	// Progress, when not nil, is called after each row is written.
	Progress func(done, total int64)
	// Check, when not nil, is called with the first variation's scenario
	// before any run (e.g. to check the commands' organisations); its
	// error stops the sweep as an *InputError.
	Check func(s *scenario.Scenario) error
	// Context, when not nil, stops the sweep once it is done: no run
	// starts after, the runs under way stop within a few ticks, and no
	// row is written after. Sweep then returns an error wrapping
	// context.Cause(Context), with the result counting the rows written
	// (Done).
	Context context.Context
}

// SweepResult counts a sweep.
type SweepResult struct {
	// Runs is the number of runs of the whole sweep; Owned those of this
	// shard (Runs when not sharded); Done those made and written here.
	Runs  int64
	Owned int64
	Done  int64
	// Variations is the number of parameter variations.
	Variations int
	// Failed is how many runs failed (their rows carry the error);
	// FirstFailure says the first, with its replay command.
	Failed        int64
	FirstFailure  string
	FirstReplay   string
	ScenarioLoads int64
}

// variation is one combination of the varied values, loaded once and
// kept while runs of it remain.
type variation struct {
	values []string
	sets   []string
	mu     sync.Mutex
	loaded bool
	s      *scenario.Scenario
	err    error
	left   atomic.Int64
}

// sweep is a running sweep.
type sweep struct {
	opt        SweepOptions
	vars       []*variation
	objectives []string
	metrics    []string // columns
	extra      map[string]bool
	loads      atomic.Int64
}

func variationCount(vs []Vary) (int, error) {
	n := 1
	for _, v := range vs {
		if len(v.Values) == 0 {
			return 0, fmt.Errorf("--vary %s has no value", v.Key)
		}
		if n > VariationsMax/len(v.Values) {
			return 0, fmt.Errorf("the --vary lists make more than %d variations", VariationsMax)
		}
		n *= len(v.Values)
	}
	return n, nil
}

// values of variation i: the last list varies fastest.
func variationValues(vs []Vary, i int) []string {
	out := make([]string, len(vs))
	for k := len(vs) - 1; k >= 0; k-- {
		n := len(vs[k].Values)
		out[k] = vs[k].Values[i%n]
		i /= n
	}
	return out
}

// Sweep runs a sweep and writes its rows. The error is an *InputError for
// a bad option or a scenario that cannot be loaded with some variation,
// or the writers' error.
func Sweep(opt SweepOptions) (*SweepResult, error) {
	if opt.Load == nil {
		opt.Load = DefaultLoad
	}
	if opt.Seeds.Len() == 0 {
		return nil, inputErrorf("no seeds")
	}
	keys := map[string]bool{}
	for _, v := range opt.Vary {
		if keys[v.Key] {
			return nil, inputErrorf("--vary %s is given twice", v.Key)
		}
		keys[v.Key] = true
	}
	nv, err := variationCount(opt.Vary)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	total := int64(nv) * opt.Seeds.Len()
	if opt.Seeds.Len() > SweepRunsMax/int64(nv) {
		return nil, inputErrorf("%d variations × %d seeds is more than %d runs", nv, opt.Seeds.Len(), int64(SweepRunsMax))
	}
	sw := &sweep{opt: opt, extra: map[string]bool{}}
	for i := 0; i < nv; i++ {
		v := &variation{values: variationValues(opt.Vary, i)}
		v.sets = append([]string(nil), opt.Set...)
		for k, x := range v.values {
			v.sets = append(v.sets, opt.Vary[k].Key+"="+x)
		}
		sw.vars = append(sw.vars, v)
	}
	// Check every value of every list once before the first run: a typo
	// in the last value must not wait for an hour of runs.
	if err := sw.check(); err != nil {
		return nil, err
	}
	var owned int64
	if opt.Shard.Whole() {
		owned = total
		s := opt.Seeds.Len()
		for _, v := range sw.vars {
			v.left.Store(s)
		}
	} else {
		// Runs r ≡ index (mod count): count them per variation.
		s := opt.Seeds.Len()
		for i, v := range sw.vars {
			lo, hi := int64(i)*s, int64(i+1)*s // [lo, hi)
			n := countMod(hi, opt.Shard) - countMod(lo, opt.Shard)
			v.left.Store(n)
			owned += n
		}
	}
	if sw.vars[0].left.Load() == 0 {
		sw.vars[0].s = nil // loaded by check, but none of its runs is here
	}
	res := &SweepResult{Runs: total, Owned: owned, Variations: nv}
	if err := sw.writeHeader(); err != nil {
		return nil, err
	}
	restore := tuneGC()
	err = sw.run(owned, res)
	restore()
	res.ScenarioLoads = sw.loads.Load()
	return res, err
}

// countMod counts the runs r in [0, n) with r mod Count == Index.
func countMod(n int64, s Shard) int64 {
	if s.Whole() {
		return n
	}
	c, i := int64(s.Count), int64(s.Index)
	if n <= i {
		return 0
	}
	return (n-i-1)/c + 1
}

// check loads the scenario once per value of each list (the others at
// their first value), and reads the column names from the first
// variation.
func (sw *sweep) check() error {
	first := sw.vars[0]
	s, err := first.get(sw)
	if err != nil {
		return &InputError{Err: err}
	}
	if sw.opt.Check != nil {
		if err := sw.opt.Check(s); err != nil {
			return &InputError{Err: err}
		}
	}
	for _, o := range s.Spec.Objectives {
		sw.objectives = append(sw.objectives, o.ID)
	}
	for _, m := range engine.MetricNames() {
		if !strings.Contains(m, ":") {
			sw.metrics = append(sw.metrics, m)
		}
	}
	if len(sw.opt.Metrics) > 0 {
		w, err := s.NewWorld(sw.opt.Seeds.At(0))
		if err != nil {
			return &InputError{Err: err}
		}
		have := map[string]bool{}
		for _, m := range sw.metrics {
			have[m] = true
		}
		for _, m := range sw.opt.Metrics {
			if err := w.CheckMetricName(m); err != nil {
				return inputErrorf("--metric %s: %v", m, err)
			}
			if !have[m] {
				have[m] = true
				sw.metrics = append(sw.metrics, m)
				sw.extra[m] = true
			}
		}
	}
	for k := len(sw.opt.Vary) - 1; k >= 0; k-- {
		n := len(sw.opt.Vary[k].Values)
		for j := 1; j < n; j++ {
			// variation with value j of list k, first values elsewhere
			sets := append([]string(nil), sw.opt.Set...)
			for kk, v := range sw.opt.Vary {
				x := v.Values[0]
				if kk == k {
					x = v.Values[j]
				}
				sets = append(sets, v.Key+"="+x)
			}
			if _, err := sw.opt.Load(sw.opt.Dir, sets); err != nil {
				// Not wrapped: the message keeps saying which --vary value.
				return &InputError{Err: fmt.Errorf("--vary %s=%s: %s", sw.opt.Vary[k].Key, sw.opt.Vary[k].Values[j], err)}
			}
			sw.loads.Add(1)
		}
	}
	return nil
}

// get loads the variation's scenario the first time, and returns it while
// runs of it remain.
func (v *variation) get(sw *sweep) (*scenario.Scenario, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.loaded {
		v.loaded = true
		v.s, v.err = sw.opt.Load(sw.opt.Dir, v.sets)
		sw.loads.Add(1)
		if v.err != nil && len(sw.opt.Vary) > 0 {
			v.err = fmt.Errorf("with %s: %s", strings.Join(v.sets[len(sw.opt.Set):], " "), v.err)
		}
	}
	return v.s, v.err
}

// done releases the scenario after the variation's last run.
func (v *variation) done() {
	if v.left.Add(-1) == 0 {
		v.mu.Lock()
		v.s = nil
		v.mu.Unlock()
	}
}

// ---- rows ----

// header is the CSV header: run, seed, the varied keys, ticks, state_hash,
// each objective's status and tick, the metrics, error.
func (sw *sweep) header() []string {
	h := []string{"run", "seed"}
	for _, v := range sw.opt.Vary {
		h = append(h, v.Key)
	}
	h = append(h, "ticks", "state_hash")
	for _, o := range sw.objectives {
		h = append(h, "objective:"+o+":status", "objective:"+o+":tick")
	}
	h = append(h, sw.metrics...)
	return append(h, "error")
}

func (sw *sweep) writeHeader() error {
	if sw.opt.CSV == nil {
		return nil
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write(sw.header())
	cw.Flush()
	if _, err := sw.opt.CSV.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing the CSV file: %w", err)
	}
	return nil
}

// row is one run's output, formatted by the worker.
type row struct {
	csv, jsonl []byte
	failure    string
	replay     string
	loadErr    error
}

type jsonRow struct {
	Run        int64             `json:"run"`
	Seed       uint64            `json:"seed"`
	Params     map[string]string `json:"params,omitempty"`
	Ticks      int32             `json:"ticks"`
	StateHash  string            `json:"state_hash"`
	Objectives []jsonObjective   `json:"objectives"`
	Metrics    map[string]int64  `json:"metrics"`
	Error      string            `json:"error,omitempty"`
}

type jsonObjective struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Tick   *int32 `json:"tick"`
}

// runOne makes run r and formats its row.
func (sw *sweep) runOne(r int64, cw *csvRow) row {
	s := sw.opt.Seeds.Len()
	v := sw.vars[r/s]
	seed := sw.opt.Seeds.At(r % s)
	defer v.done()
	spec := RunSpec{Dir: sw.opt.Dir, Set: v.sets, Commands: sw.opt.CommandsFile, Ticks: sw.opt.Ticks}
	var out row
	var res *headless.Result
	extra := map[string]int64{}
	sc, err := v.get(sw)
	if err != nil {
		out.loadErr = err
	} else {
		res, err = headless.Run(sc, headless.RunOptions{Seed: seed, Ticks: sw.opt.Ticks, Commands: sw.opt.Commands, Context: sw.opt.Context,
			AfterFinish: func(w *engine.World) {
				for m := range sw.extra {
					if x, err := w.Metric(m); err == nil {
						extra[m] = x
					}
				}
			}})
	}
	if err != nil {
		out.failure = fmt.Sprintf("run %d (seed %d%s): %s", r, seed, paramText(sw.opt.Vary, v.values), firstLine(err.Error()))
		out.replay = spec.Command(seed, 0)
	}
	// JSON line
	jr := jsonRow{Run: r, Seed: seed, Objectives: []jsonObjective{}, Metrics: map[string]int64{}}
	if len(sw.opt.Vary) > 0 {
		jr.Params = map[string]string{}
		for k, x := range v.values {
			jr.Params[sw.opt.Vary[k].Key] = x
		}
	}
	metrics := map[string]int64{}
	status := map[string]*headless.Objective{}
	if res != nil {
		jr.Ticks, jr.StateHash = res.Ticks, res.StateHash
		for i := range res.Objectives {
			o := &res.Objectives[i]
			status[o.ID] = o
			jo := jsonObjective{ID: o.ID, Status: o.Status}
			if o.Tick >= 0 {
				t := o.Tick
				jo.Tick = &t
			}
			jr.Objectives = append(jr.Objectives, jo)
		}
		for _, m := range res.Metrics {
			metrics[m.Name] = m.Value
		}
		for m, x := range extra {
			metrics[m] = x
		}
		jr.Metrics = metrics
	}
	if err != nil {
		jr.Error = oneLineText(err.Error())
	}
	if sw.opt.JSONL != nil {
		b, _ := json.Marshal(jr)
		out.jsonl = append(b, '\n')
	}
	if sw.opt.CSV != nil {
		f := cw.fields[:0]
		f = append(f, strconv.FormatInt(r, 10), strconv.FormatUint(seed, 10))
		f = append(f, v.values...)
		if res != nil {
			f = append(f, strconv.Itoa(int(res.Ticks)), res.StateHash)
		} else {
			f = append(f, "", "")
		}
		for _, id := range sw.objectives {
			if o := status[id]; o != nil {
				t := ""
				if o.Tick >= 0 {
					t = strconv.Itoa(int(o.Tick))
				}
				f = append(f, o.Status, t)
			} else {
				f = append(f, "", "")
			}
		}
		for _, m := range sw.metrics {
			if x, ok := metrics[m]; ok {
				f = append(f, strconv.FormatInt(x, 10))
			} else {
				f = append(f, "")
			}
		}
		f = append(f, jr.Error)
		cw.fields = f
		cw.buf.Reset()
		_ = cw.w.Write(f)
		cw.w.Flush()
		out.csv = append([]byte(nil), cw.buf.Bytes()...)
	}
	return out
}

// csvRow is a worker's reusable CSV encoder.
type csvRow struct {
	buf    bytes.Buffer
	w      *csv.Writer
	fields []string
}

func newCSVRow() *csvRow {
	c := &csvRow{}
	c.w = csv.NewWriter(&c.buf)
	return c
}

// oneLineText keeps a message on one line, so that every row of the
// outputs is one line (merge reads them as lines).
func oneLineText(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " | ")
}

func paramText(vs []Vary, vals []string) string {
	var b strings.Builder
	for k, v := range vs {
		fmt.Fprintf(&b, ", %s=%s", v.Key, vals[k])
	}
	return b.String()
}

// ---- the pipeline ----

type sweepJob struct {
	ord int64 // position among this shard's runs
	run int64 // run number
}

type sweepDone struct {
	ord int64
	row row
}

// run makes the owned runs on the workers and writes their rows in run
// order. Workers take a token before each run and the writer gives it
// back once the run's row is written: at most window runs are in flight
// or waiting, so memory does not grow with the number of runs.
func (sw *sweep) run(owned int64, res *SweepResult) error {
	opt := sw.opt
	workers := opt.Parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := opt.Window
	if window <= 0 {
		window = DefaultWindowPerWorker * workers
	}
	if int64(window) > owned && owned > 0 {
		window = int(owned)
	}
	if window < 1 {
		window = 1
	}
	tokens := make(chan struct{}, window)
	jobs := make(chan sweepJob)
	results := make(chan sweepDone, window)
	var stop atomic.Bool
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	go func() {
		defer close(jobs)
		total := int64(len(sw.vars)) * opt.Seeds.Len()
		var ord int64
		for r := int64(opt.Shard.Index); r < total; r++ {
			if !opt.Shard.Owns(r) {
				continue
			}
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if stop.Load() || ctx.Err() != nil {
				return
			}
			jobs <- sweepJob{ord: ord, run: r}
			ord++
			if !opt.Shard.Whole() {
				r += int64(opt.Shard.Count) - 1
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cw := newCSVRow()
			for j := range jobs {
				results <- sweepDone{ord: j.ord, row: sw.runOne(j.run, cw)}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	ring := make([]*row, window)
	var next int64
	var werr error
	var loadErr error
	for d := range results {
		rw := d.row
		ring[d.ord%int64(window)] = &rw
		for {
			slot := ring[next%int64(window)]
			if slot == nil {
				break
			}
			ring[next%int64(window)] = nil
			if werr == nil && ctx.Err() != nil {
				// Interrupted: the rows of runs cut short are not
				// results; nothing more is written.
				werr = fmt.Errorf("the sweep stopped after %d of %d runs: %w", res.Done, owned, context.Cause(ctx))
				stop.Store(true)
			}
			if werr == nil {
				werr = sw.write(slot)
				if werr != nil {
					stop.Store(true)
				}
			}
			if werr != nil {
				// Drain: the workers finish (or stop) what they hold.
				next++
				<-tokens
				continue
			}
			if slot.failure != "" {
				res.Failed++
				if res.FirstFailure == "" {
					res.FirstFailure, res.FirstReplay = slot.failure, slot.replay
				}
			}
			if slot.loadErr != nil && loadErr == nil {
				loadErr = slot.loadErr
			}
			next++
			res.Done++
			<-tokens
			if opt.Progress != nil && werr == nil {
				opt.Progress(res.Done, owned)
			}
		}
	}
	if werr == nil && ctx.Err() != nil {
		werr = fmt.Errorf("the sweep stopped after %d of %d runs: %w", res.Done, owned, context.Cause(ctx))
	}
	if werr != nil {
		return werr
	}
	if loadErr != nil {
		return &InputError{Err: loadErr}
	}
	return nil
}

func (sw *sweep) write(r *row) error {
	if sw.opt.CSV != nil {
		if _, err := sw.opt.CSV.Write(r.csv); err != nil {
			return fmt.Errorf("writing the CSV file: %w", err)
		}
	}
	if sw.opt.JSONL != nil {
		if _, err := sw.opt.JSONL.Write(r.jsonl); err != nil {
			return fmt.Errorf("writing the JSON lines file: %w", err)
		}
	}
	return nil
}
