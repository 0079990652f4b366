// Package headless runs scenarios without a server or a client: one run
// from a seed and a list of commands, and the replay of a journal. It is
// what `cyberex run` and `cyberex replay` do, and what tests and sweeps
// build on.
//
// A run is a loop around engine.World.Step: the commands of tick T are
// written to the journal (if any), then given to the Step that makes tick
// T, in the order they were given; every HashEvery ticks the state hash is
// written; after the last tick World.Finish judges what waits for the end,
// and the final hash is written. A Step that fails (a scenario script's
// error) ends the journal with a failed record instead. Replay runs the
// same loop over a journal's commands and compares the hashes, and the
// failure.
package headless

import (
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"cyberex/engine"
	"cyberex/journal"
	"cyberex/scenario"
)

// stopEvery is how often, in ticks, a run looks at RunOptions.Context.
const stopEvery = 64

// DefaultHashEvery is the journal's checkpoint interval when RunOptions
// does not give one: often enough to locate a divergence, rarely enough
// that hashing (which encodes the whole world) costs little.
const DefaultHashEvery = 100

// RunOptions are the inputs of a run besides the scenario.
type RunOptions struct {
	Seed uint64
	// Ticks is how many ticks to run at most; 0 runs to the scenario's
	// end. The run also stops when the scenario ends first (its duration,
	// or every objective decided when it ends then).
	Ticks int32
	// Commands are the players' commands; each is given to the Step of its
	// Tick (1 or more), commands of one tick in the order given here.
	Commands []engine.Command
	// Journal, when not nil, receives the run's journal (see package
	// journal). If it is an *os.File, every command batch is synced.
	Journal io.Writer
	// CreatedBy goes into the journal's header ("cyberex run").
	CreatedBy string
	// ScenarioDir goes into the journal's header instead of the
	// scenario's Dir when not empty: "embedded:NAME" for a scenario built
	// into the program, or the folder as journal.ScenarioDirFor makes it
	// (relative to the journal's folder) so that replay finds it from any
	// current folder.
	ScenarioDir string
	// HashEvery is the journal's checkpoint interval in ticks; 0 means
	// DefaultHashEvery.
	HashEvery int32
	// Progress, when not nil, is called after every tick with the tick and
	// the number of ticks the run will make at most.
	Progress func(tick, total int32)
	// OnEvents, when not nil, receives each tick's events (and those of
	// Finish).
	OnEvents func([]engine.Event)
	// AfterStep, when not nil, is called after every Step (and its
	// journal checkpoint) with the world, to read it, never to change it:
	// regression tests read metrics and state hashes at chosen ticks.
	AfterStep func(w *engine.World)
	// AfterFinish, when not nil, is called once after Finish with the
	// world, to read it (metrics that Result does not list).
	AfterFinish func(w *engine.World)
	// Context, when not nil, stops the run once it is done (checked every
	// few ticks): Run then returns an error wrapping context.Cause. A
	// journal is left without its end, as a run that stopped.
	Context context.Context
}

// Objective is how an objective stands at the end of a run.
type Objective struct {
	ID          string
	Description string
	Status      string // met, failed or pending
	Tick        int32  // tick it was decided, -1 while pending
}

// Result is the outcome of a run.
type Result struct {
	Scenario string
	Seed     uint64
	// Ticks is the last tick run.
	Ticks int32
	// Ended says the scenario ended by itself (duration or end condition)
	// rather than at the Ticks limit.
	Ended bool
	// TickSeconds and StartUnix place ticks on the exercise clock.
	TickSeconds int32
	StartUnix   int64
	// StateHash is the hex SHA-256 of the final state (after Finish).
	StateHash  string
	Objectives []Objective
	// Metrics are the built-in and script figures, sorted by name.
	Metrics []engine.Metric
	// Events is how many events the run emitted.
	Events int
	// Commands is how many commands were given to Step; CommandsUnused
	// how many were for ticks after the run's last one.
	Commands       int
	CommandsUnused int
}

// Clock returns the exercise time of a tick in seconds since 1970 (UTC).
func (r *Result) Clock(tick int32) int64 {
	return r.StartUnix + int64(tick)*int64(r.TickSeconds)
}

// InputError is a run that failed because of what it was given: a world
// that cannot be built, a scenario script that fails in a Step, commands
// out of range, a journal of another scenario or engine. `cyberex` exits 2
// on it; any other error is a failure of the program or the machine
// (writing the journal), exit 1.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// meta is what a run needs to know of its scenario besides its world;
// tests give their own so the loop can be tested without scenario files.
type meta struct {
	name, dir, digest string
	set               []string
	newWorld          func(seed uint64) (*engine.World, error)
}

func metaOf(s *scenario.Scenario) meta {
	return meta{name: s.Name, dir: s.Dir, digest: s.Digest, set: s.Overrides, newWorld: s.NewWorld}
}

// Run runs a scenario once.
func Run(s *scenario.Scenario, opt RunOptions) (*Result, error) {
	return run(metaOf(s), opt)
}

// InternalError is a panic of the engine or a script host caught by a run:
// a bug, not a problem of the input. It says at which tick it happened,
// which with the seed and the commands (or the journal) reproduces it.
type InternalError struct {
	Tick  int32
	Panic any
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error at tick %d (a bug: please report it with the scenario, the seed and the journal): %v", e.Tick, e.Panic)
}

// recoverAt turns a panic into an *InternalError in *err.
func recoverAt(tick func() int32, err *error) {
	if r := recover(); r != nil {
		*err = &InternalError{Tick: tick(), Panic: r, Stack: debug.Stack()}
	}
}

func run(m meta, opt RunOptions) (res *Result, err error) {
	var w *engine.World
	defer recoverAt(func() int32 {
		if w == nil {
			return 0
		}
		return w.Tick
	}, &err)
	if opt.Ticks < 0 {
		return nil, inputErr("ticks %d is negative", opt.Ticks)
	}
	if opt.HashEvery < 0 {
		return nil, inputErr("hash interval %d is negative", opt.HashEvery)
	}
	if opt.HashEvery == 0 {
		opt.HashEvery = DefaultHashEvery
	}
	cmds, err := byTick(opt.Commands)
	if err != nil {
		return nil, err
	}
	w, err = m.newWorld(opt.Seed)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	limit := w.Settings.DurationTicks
	switch {
	case opt.Ticks > 0 && limit > 0:
		limit = min(limit, opt.Ticks)
	case opt.Ticks > 0:
		limit = opt.Ticks
	case limit <= 0:
		return nil, inputErr("scenario %s has no duration: say how many ticks to run", m.name)
	}
	var jw *journal.Writer
	if opt.Journal != nil {
		dir := m.dir
		if opt.ScenarioDir != "" {
			dir = opt.ScenarioDir
		}
		jw, err = journal.NewWriter(opt.Journal, journal.Header{Engine: engine.Version, Scenario: m.name,
			ScenarioDir: dir, Set: m.set, Digest: m.digest, Seed: opt.Seed, HashEvery: opt.HashEvery, CreatedBy: opt.CreatedBy})
		if err != nil {
			return nil, err
		}
		defer jw.Close()
		if err := jw.AppendHash(0, w.HashHex()); err != nil {
			return nil, err
		}
	}
	res = &Result{Scenario: m.name, Seed: opt.Seed}
	// What the scenario's scripts said while they loaded (tick 0: log
	// lines, mostly) reaches the caller like any tick's events.
	if evs := w.TickEvents(); opt.OnEvents != nil && len(evs) > 0 {
		opt.OnEvents(append([]engine.Event(nil), evs...))
	}
	var stop <-chan struct{}
	if opt.Context != nil {
		stop = opt.Context.Done()
	}
	next := 0
	for w.Tick < limit && !w.Ended {
		t := w.Tick + 1
		if stop != nil && t%stopEvery == 1 {
			select {
			case <-stop:
				return nil, fmt.Errorf("the run stopped before tick %d: %w", t, context.Cause(opt.Context))
			default:
			}
		}
		k := next
		for k < len(cmds) && cmds[k].Tick == t {
			k++
		}
		batch := cmds[next:k]
		next = k
		if jw != nil {
			if err := jw.AppendCommands(t, batch); err != nil {
				return nil, err
			}
		}
		evs, err := w.Step(batch)
		res.Commands += len(batch)
		res.Events += len(evs)
		if opt.OnEvents != nil && len(evs) > 0 {
			opt.OnEvents(evs)
		}
		if err != nil {
			// A scenario script failed: the journal says so, and where, so
			// that its replay can check the run fails the same way.
			if jw != nil {
				if jerr := jw.Failed(t, FailureText(m.dir, err)); jerr != nil {
					return nil, &InputError{Err: fmt.Errorf("%w (and the journal could not record the failure: %v)", err, jerr)}
				}
				if jerr := jw.Close(); jerr != nil {
					return nil, &InputError{Err: fmt.Errorf("%w (and the journal could not record the failure: %v)", err, jerr)}
				}
			}
			return nil, &InputError{Err: err}
		}
		if jw != nil && t%opt.HashEvery == 0 {
			if err := jw.AppendHash(t, w.HashHex()); err != nil {
				return nil, err
			}
		}
		if opt.AfterStep != nil {
			opt.AfterStep(w)
		}
		if opt.Progress != nil {
			opt.Progress(t, limit)
		}
	}
	res.Ended = w.Ended
	res.CommandsUnused = len(cmds) - next
	evs := w.Finish()
	res.Events += len(evs)
	if opt.OnEvents != nil && len(evs) > 0 {
		opt.OnEvents(evs)
	}
	if opt.AfterFinish != nil {
		opt.AfterFinish(w)
	}
	res.Ticks = w.Tick
	res.StateHash = w.HashHex()
	if jw != nil {
		if err := jw.End(w.Tick, res.StateHash); err != nil {
			return nil, err
		}
		if err := jw.Close(); err != nil {
			return nil, err
		}
	}
	fill(res, w)
	return res, nil
}

// FailureText is a run's error as its journal's failed record holds it:
// journal.FailureText of the message, in which the scripts' file names
// ("scenarios/x/story.lua:3:") are written relative to the scenario's
// folder dir ("story.lua:3:"), so that the record does not depend on where
// the scenario was loaded from (a replay loads it from elsewhere).
func FailureText(dir string, err error) string {
	return journal.FailureText(withoutDir(dir, err.Error()))
}

// withoutDir removes the folder prefix dir+"/" where a file name starts
// in msg: at its start, or after a space, a quote, a bracket or a colon.
func withoutDir(dir, msg string) string {
	d := path.Clean(filepath.ToSlash(dir))
	if d == "." || d == "" {
		return msg
	}
	prefix := d + "/"
	var b strings.Builder
	from := 0 // msg[:from] is written
	for at := 0; ; {
		i := strings.Index(msg[at:], prefix)
		if i < 0 {
			b.WriteString(msg[from:])
			return b.String()
		}
		i += at
		if i == 0 || strings.IndexByte(" \t\n'\"(:[<", msg[i-1]) >= 0 {
			b.WriteString(msg[from:i])
			from = i + len(prefix)
		}
		at = i + 1
	}
}

// byTick checks the commands as a journal would (so that any run can be
// journaled) and sorts them by tick, keeping the given order within a tick
// (the order Step applies them in).
func byTick(cmds []engine.Command) ([]engine.Command, error) {
	for i := range cmds {
		if err := journal.CheckCommand(&cmds[i]); err != nil {
			c := &cmds[i]
			return nil, inputErr("command %d (tick %d, %s %s %s): %w", i+1, c.Tick, c.Org, c.Verb, c.Target, err)
		}
	}
	out := slices.Clone(cmds)
	slices.SortStableFunc(out, func(a, b engine.Command) int { return int(a.Tick) - int(b.Tick) })
	return out, nil
}

func fill(res *Result, w *engine.World) {
	res.TickSeconds = w.Settings.TickSeconds
	res.StartUnix = w.Settings.StartUnix
	for _, o := range w.Objectives {
		ob := Objective{ID: o.ID, Description: o.Description, Status: o.Status.String(), Tick: o.Tick}
		if o.Status == engine.ObjPending {
			ob.Tick = -1
		}
		res.Objectives = append(res.Objectives, ob)
	}
	res.Metrics = w.Metrics()
}
