// Package headless runs scenarios without a server or a client: one run
// from a seed and a list of commands, and the replay of a journal. It is
// what `cyberex run` and `cyberex replay` do, and what tests and sweeps
// build on.
//
// A run is a session (package session) fed from a list of commands: the
// commands of tick T are submitted (and journaled) before the Step that
// makes tick T, in the order given; the session writes the hashes, the
// failure record of a story's error, and the end. Replay is the session's
// replay of a journal.
package headless

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"cyberex/engine"
	"cyberex/journal"
	"cyberex/scenario"
	"cyberex/session"
)

// stopEvery is how often, in ticks, a run looks at RunOptions.Context.
const stopEvery = 64

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

// InputError is a run that failed because of what it was given (exit 2);
// InternalError a panic caught at a tick (a bug). They are the session's.
type (
	InputError    = session.InputError
	InternalError = session.InternalError
)

// DefaultHashEvery is the session's.
const DefaultHashEvery = session.DefaultHashEvery

func inputErr(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// meta is what a run needs to know of its scenario; tests give their own
// so the loop can be tested without scenario files.
type meta = session.Source

func metaOf(s *scenario.Scenario) meta { return session.FromScenario(s) }

// Run runs a scenario once.
func Run(s *scenario.Scenario, opt RunOptions) (*Result, error) {
	return run(metaOf(s), opt)
}

// FailureText is the session's: an error as a journal's failed record
// holds it.
func FailureText(dir string, err error) string { return session.FailureText(dir, err) }

func run(m meta, opt RunOptions) (res *Result, err error) {
	cmds, err := byTick(opt.Commands)
	if err != nil {
		return nil, err
	}
	s, err := session.New(m, session.Options{Seed: opt.Seed, Ticks: opt.Ticks, Journal: opt.Journal,
		CreatedBy: opt.CreatedBy, ScenarioDir: opt.ScenarioDir, HashEvery: opt.HashEvery})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	w := s.World()
	res = &Result{Scenario: m.Name, Seed: opt.Seed}
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
	for !s.Done() {
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
		if err := submit(s, cmds[next:k], next); err != nil {
			return nil, err
		}
		res.Commands += k - next
		next = k
		evs, err := s.Step()
		res.Events += len(evs)
		if opt.OnEvents != nil && len(evs) > 0 {
			opt.OnEvents(evs)
		}
		if err != nil {
			return nil, err
		}
		if opt.AfterStep != nil {
			opt.AfterStep(w)
		}
		if opt.Progress != nil {
			opt.Progress(t, s.Limit())
		}
	}
	res.Ended = w.Ended
	res.CommandsUnused = len(cmds) - next
	evs, hash, err := s.Finish()
	res.Events += len(evs)
	if opt.OnEvents != nil && len(evs) > 0 {
		opt.OnEvents(evs)
	}
	if err != nil {
		return nil, err
	}
	if opt.AfterFinish != nil {
		opt.AfterFinish(w)
	}
	res.Ticks = w.Tick
	res.StateHash = hash
	fill(res, w)
	return res, nil
}

// submit gives a tick's commands to the session, each from its sender (the
// controller when the commands file does not say: the planner's file may
// act for any organisation), in one batch per run of one sender. first is the index of batch[0] in the run's
// commands, for messages.
func submit(s *session.Session, batch []engine.Command, first int) error {
	for i := 0; i < len(batch); {
		sender := senderOf(&batch[i])
		k := i + 1
		for k < len(batch) && senderOf(&batch[k]) == sender {
			k++
		}
		if _, err := s.SubmitBatch(sender, batch[i:k]); err != nil {
			var ie *InputError
			if errors.As(err, &ie) || s.Err() != nil {
				return err // the journal could not be written
			}
			c := &batch[i]
			return inputErr("commands %d to %d (tick %d, from %s): %w", first+i+1, first+k, c.Tick, sender, err)
		}
		i = k
	}
	return nil
}

func senderOf(c *engine.Command) string {
	if c.Sender != "" {
		return c.Sender
	}
	return engine.ControlOrg
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
