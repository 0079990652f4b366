// Package session runs one exercise tick by tick: it owns the loop that
// headless runs, replays, the regression runner and the server all make —
// commands in, engine.World.Step, the journal, hash checkpoints, the
// failure record — so that the loop is written once and a live exercise
// replays exactly like a headless run.
//
// A Session is single-goroutine by contract: it has no lock, and every
// method (and the World it hands out) must be called from one goroutine
// at a time. A server owns each Session from the goroutine that runs its
// room, and sends it what clients submit; it never shares the World with
// another goroutine without copying what it needs first.
//
// The life of a session:
//
//	s, err := session.New(session.FromScenario(sc), session.Options{Seed: 7, Journal: f})
//	id, err := s.Submit("csirt", engine.Command{Org: "csirt", Verb: "investigate", Target: "web-1"})
//	evs, err := s.Step()          // tick 1, with the commands submitted before it
//	...                           // until s.Done()
//	evs, hash, err := s.Finish()  // the end: objectives judged, end record
//	s.Close()
//
// Commands submitted between two Steps are for the next tick; Submit writes
// them to the journal (and syncs) before it returns, so an acknowledged
// command is never lost. The engine assigns command ids: a command given
// with its own id is refused.
package session

import (
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"

	"cyberex/engine"
	"cyberex/journal"
	"cyberex/scenario"
)

// DefaultHashEvery is the journal's checkpoint interval when Options does
// not give one: often enough to locate a divergence, rarely enough that
// hashing (which encodes the whole world) costs little.
const DefaultHashEvery = 100

// Source is what a session needs of its scenario: its identity for the
// journal's header, and how to build its world. FromScenario makes it from
// a loaded scenario; tests build worlds in Go.
type Source struct {
	Name string
	// Dir is the scenario's folder: the journal's header names it (unless
	// Options.ScenarioDir says otherwise), and a failure's text names the
	// scripts relative to it.
	Dir    string
	Digest string
	// Library is the digest of the shared Lua library the scenario was
	// loaded with ("" when it has none).
	Library string
	// Set are the --set overrides the scenario was loaded with.
	Set      []string
	NewWorld func(seed uint64) (*engine.World, error)
}

// FromScenario is the Source of a loaded scenario.
func FromScenario(s *scenario.Scenario) Source {
	return Source{Name: s.Name, Dir: s.Dir, Digest: s.Digest, Library: s.LibraryDigest, Set: s.Overrides, NewWorld: s.NewWorld}
}

// Options are the inputs of a session besides its scenario.
type Options struct {
	Seed uint64
	// Ticks is where the session is Done at the latest; 0 means the
	// scenario's duration. A headless session of a scenario without a
	// duration must give it; a live one may run until the controller ends
	// it.
	Ticks int32
	// Journal, when not nil, receives the session's journal. If it is an
	// *os.File, every command batch is synced before Submit returns.
	Journal io.Writer
	// CreatedBy goes into the journal's header ("cyberex run").
	CreatedBy string
	// ScenarioDir goes into the journal's header instead of Source.Dir
	// when not empty ("embedded:NAME", or journal.ScenarioDirFor's path).
	ScenarioDir string
	// HashEvery is the checkpoint interval in ticks; 0 means
	// DefaultHashEvery.
	HashEvery int32
	// Live makes an error of the scenario's story stop the story instead of
	// the run: the world goes on without it, the controller is told (an
	// engine.EvStoryStopped event with the script's file, line and tick)
	// and the journal records where it stopped, so that its replay stops
	// the story at the same tick. A headless run is not live: a story's
	// error fails it.
	Live bool
}

// Session is one run of a scenario. See the package comment for the
// contract: one goroutine at a time.
type Session struct {
	src   Source
	opt   Options
	w     *engine.World
	jw    *journal.Writer
	limit int32 // Done at this tick; 0: only when the world ends

	pending []engine.Command // submitted for the next tick, ids assigned
	lastID  int64            // the last id Submit assigned
	ctl     Control

	err      error // the session failed (a story error in a headless run, a journal write, a panic)
	finished bool
	closed   bool
}

// Control is how the controller set the exercise's clock: commands
// (engine.ControlPause, ControlResume, ControlPace) that change no state
// of the world but are journaled, so the record of a live exercise says
// when it was paused and how fast it ran. The server reads it to pace
// Step; a headless run ignores it.
type Control struct {
	Paused bool
	// MillisPerTick is the pace the controller set (wall milliseconds per
	// tick); 0 until one is set.
	MillisPerTick int64
}

// New starts a session: the world of src built with opt.Seed, and the
// journal's header and initial hash written (when opt.Journal is set).
func New(src Source, opt Options) (s *Session, err error) {
	defer recoverAt(func() int32 { return 0 }, &err)
	s, err = open(src, opt)
	if err != nil {
		return nil, err
	}
	if opt.Journal != nil {
		dir := src.Dir
		if opt.ScenarioDir != "" {
			dir = opt.ScenarioDir
		}
		s.jw, err = journal.NewWriter(opt.Journal, journal.Header{Engine: engine.Version, Library: src.Library,
			Scenario: src.Name, ScenarioDir: dir, Set: src.Set, Digest: src.Digest, Seed: opt.Seed,
			HashEvery: s.opt.HashEvery, Live: opt.Live, CreatedBy: opt.CreatedBy})
		if err != nil {
			return nil, err
		}
		if err := s.jw.AppendHash(0, s.w.HashHex()); err != nil {
			return nil, s.fail(err)
		}
	}
	return s, nil
}

// open builds the world and checks the options; it writes nothing.
func open(src Source, opt Options) (*Session, error) {
	if opt.Ticks < 0 {
		return nil, inputErr("ticks %d is negative", opt.Ticks)
	}
	if opt.HashEvery < 0 {
		return nil, inputErr("hash interval %d is negative", opt.HashEvery)
	}
	if opt.HashEvery == 0 {
		opt.HashEvery = DefaultHashEvery
	}
	w, err := src.NewWorld(opt.Seed)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	limit := w.Settings.DurationTicks
	switch {
	case opt.Ticks > 0 && limit > 0:
		limit = min(limit, opt.Ticks)
	case opt.Ticks > 0:
		limit = opt.Ticks
	case limit <= 0 && !opt.Live:
		return nil, inputErr("scenario %s has no duration: say how many ticks to run", src.Name)
	}
	if opt.Live {
		w.StoryErrors = engine.StopStory
	}
	return &Session{src: src, opt: opt, w: w, limit: max(limit, 0)}, nil
}

// World is the session's world, to read: views, metrics, hashes. Changing
// it outside Submit and Step would make the journal lie.
func (s *Session) World() *engine.World { return s.w }

// Tick is the last tick made (0 before the first Step).
func (s *Session) Tick() int32 { return s.w.Tick }

// Limit is the tick where the session is Done at the latest; 0 when only
// the world's end (a controller's ControlEnd, an end condition) ends it.
func (s *Session) Limit() int32 { return s.limit }

// Done says no further Step can be made: the world ended (its duration, an
// end condition, the controller ended it) or the session reached its
// Ticks limit, or failed. Finish is what remains.
func (s *Session) Done() bool {
	return s.err != nil || s.finished || s.w.Ended || (s.limit > 0 && s.w.Tick >= s.limit)
}

// Control is the controller's clock settings so far (as submitted: a
// pause counts from its Submit, before the Step that journals it).
func (s *Session) Control() Control { return s.ctl }

// Err is the error that failed the session, or nil.
func (s *Session) Err() error { return s.err }

// Pending is how many commands wait for the next Step.
func (s *Session) Pending() int { return len(s.pending) }

// Submit queues a command for the next tick on behalf of sender (an
// organisation, or engine.ControlOrg for the controller) and returns the
// id the engine assigned it. It is journaled and synced before Submit
// returns: once it returns without error, the command survives a crash.
//
// An error means the command was not accepted and nothing was written:
// the session is done or failed, the sender is unknown or acts for another
// organisation, the command carries its own id, or it breaks the
// journal's limits. Whether the engine can do the command (a known verb, a
// target it may touch) is decided by Step, which answers with an accepted
// or rejected event to the sender.
func (s *Session) Submit(sender string, c engine.Command) (int64, error) {
	ids, err := s.SubmitBatch(sender, []engine.Command{c})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// SubmitBatch is Submit of several commands from one sender at once, with
// one sync: all are accepted, or none. The ids are in the commands' order.
func (s *Session) SubmitBatch(sender string, cmds []engine.Command) ([]int64, error) {
	if err := s.checkSender(sender); err != nil {
		if uerr := s.usable(); uerr != nil {
			return nil, uerr
		}
		return nil, err
	}
	group := make([]engine.Command, len(cmds))
	for i, c := range cmds {
		if c.Sender != "" && c.Sender != sender {
			return nil, fmt.Errorf("command %d: it says it is sent by %s, the session says by %s", i+1, c.Sender, sender)
		}
		c.Sender = sender
		group[i] = c
	}
	return s.SubmitGroup(group)
}

// SubmitGroup is Submit of commands from several senders at once (each
// command's Sender says who sent it), with one sync: a server's group
// commit of what its clients sent since the last one. All are accepted,
// or none. The ids are in the commands' order.
func (s *Session) SubmitGroup(cmds []engine.Command) ([]int64, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.Done() {
		return nil, fmt.Errorf("the exercise ended at tick %d: no more commands", s.w.Tick)
	}
	if len(cmds) == 0 {
		return nil, nil
	}
	t := s.w.Tick + 1
	next := max(s.lastID, s.w.NextCommandID)
	batch := make([]engine.Command, len(cmds))
	ids := make([]int64, len(cmds))
	ctl := s.ctl
	checked := ""
	for i, c := range cmds {
		sender := c.Sender
		if sender != checked {
			if err := s.checkSender(sender); err != nil {
				return nil, fmt.Errorf("command %d: %w", i+1, err)
			}
			checked = sender
		}
		if c.ID != 0 {
			return nil, fmt.Errorf("command %d: id %d: command ids are assigned by the engine; leave the id out", i+1, c.ID)
		}
		if c.Tick != 0 && c.Tick != t {
			return nil, fmt.Errorf("command %d: tick %d: a command goes to the next tick, %d", i+1, c.Tick, t)
		}
		if sender != engine.ControlOrg && c.Org != sender {
			return nil, fmt.Errorf("command %d: %s cannot act as %s", i+1, sender, c.Org)
		}
		next++
		c.ID, c.Tick = next, t
		if err := journal.CheckCommand(&c); err != nil {
			return nil, fmt.Errorf("command %d: %w", i+1, err)
		}
		if c.Org == engine.ControlOrg {
			if err := engine.CheckControl(&c); err != nil {
				return nil, fmt.Errorf("command %d: %w", i+1, err)
			}
		}
		ctl.apply(&c)
		batch[i], ids[i] = c, next
	}
	if s.jw != nil {
		if err := s.jw.AppendCommands(t, batch); err != nil {
			return nil, s.fail(err)
		}
	}
	s.pending = append(s.pending, batch...)
	s.lastID = next
	s.ctl = ctl
	return ids, nil
}

// Flush writes what the journal holds in memory (hash checkpoints, a
// story's stop) to its file, without a sync. A server calls it after every
// tick, before anyone hears of the tick: a crash of the process (SIGKILL)
// then never loses a tick a client saw, and a restart resumes at the tick
// reached. A crash of the machine may lose the last ticks' hashes (the
// restart resumes a little earlier, replaying them), never an acknowledged
// command: Submit syncs those.
func (s *Session) Flush() error {
	if err := s.usable(); err != nil {
		return err
	}
	if s.jw == nil {
		return nil
	}
	if err := s.jw.Write(); err != nil {
		return s.fail(err)
	}
	return nil
}

// checkSender: the sender is the controller or an organisation of the
// world.
func (s *Session) checkSender(sender string) error {
	if sender == engine.ControlOrg {
		return nil
	}
	if sender == "" {
		return errors.New("a command needs a sender: the organisation that sends it, or the controller")
	}
	if _, ok := s.w.OrgIndex(sender); !ok {
		return fmt.Errorf("sender %q is not an organisation of this exercise", sender)
	}
	return nil
}

// apply follows the clock settings a controller command changes (one
// that Step rejects changes nothing).
func (c *Control) apply(cmd *engine.Command) {
	if cmd.Org != engine.ControlOrg || (cmd.Sender != "" && cmd.Sender != engine.ControlOrg) || engine.CheckControl(cmd) != nil {
		return
	}
	switch cmd.Verb {
	case engine.ControlPause:
		c.Paused = true
	case engine.ControlResume:
		c.Paused = false
	case engine.ControlPace:
		if ms, err := engine.PaceMillis(cmd); err == nil {
			c.MillisPerTick = ms
		}
	}
}

// Step makes the next tick with the commands submitted since the last
// Step, in the order submitted, and returns its events. Every HashEvery
// ticks it writes the state hash to the journal.
//
// An error of the story fails a headless session: the journal records it
// (a failed record) and Step returns an *InputError; the session is done.
// In a live session the story stops instead (see Options.Live) and Step
// returns the tick's events without error. A panic of the engine or a
// script host is returned as an *InternalError.
func (s *Session) Step() (evs []engine.Event, err error) {
	defer recoverAt(func() int32 { return s.w.Tick }, &err)
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.Done() {
		return nil, fmt.Errorf("the exercise ended at tick %d: Finish it", s.w.Tick)
	}
	return s.step(s.takePending())
}

func (s *Session) takePending() []engine.Command {
	b := s.pending
	s.pending = nil
	return b
}

// step makes one tick with cmds and journals what follows from it (not
// the commands, which Submit wrote).
func (s *Session) step(cmds []engine.Command) ([]engine.Event, error) {
	stopped := s.w.StoryStopped()
	evs, err := s.w.Step(cmds)
	t := s.w.Tick
	if err != nil {
		// The story failed a headless run: the journal says so, and where,
		// so that its replay can check it fails the same way.
		ierr := &InputError{Err: err}
		if s.jw != nil {
			if jerr := s.jw.Failed(t, FailureText(s.src.Dir, err)); jerr != nil {
				ierr = &InputError{Err: fmt.Errorf("%w (and the journal could not record the failure: %v)", err, jerr)}
			} else if jerr := s.jw.Close(); jerr != nil {
				ierr = &InputError{Err: fmt.Errorf("%w (and the journal could not record the failure: %v)", err, jerr)}
			}
		}
		s.err = ierr
		return evs, ierr
	}
	if s.jw != nil {
		if stop := s.w.StoryStopped(); stop != nil && stopped == nil {
			if err := s.jw.StoryStopped(t, FailureText(s.src.Dir, stop.Err)); err != nil {
				return evs, s.fail(err)
			}
		}
		if s.opt.HashEvery > 0 && t%s.opt.HashEvery == 0 {
			if err := s.jw.AppendHash(t, s.w.HashHex()); err != nil {
				return evs, s.fail(err)
			}
		}
	}
	return evs, nil
}

// StoryStopped is why and when the story of a live session stopped, or
// nil while it runs.
func (s *Session) StoryStopped() *engine.StoryStop { return s.w.StoryStopped() }

// Finish ends the exercise: the engine judges what waits for the end
// (World.Finish), and the journal gets its end record with the final
// hash. It returns Finish's events and the final hash. Commands submitted
// after the last Step are journaled but never applied: a run's commands
// for ticks after its end.
func (s *Session) Finish() (evs []engine.Event, hash string, err error) {
	defer recoverAt(func() int32 { return s.w.Tick }, &err)
	if err := s.usable(); err != nil {
		return nil, "", err
	}
	evs = s.w.Finish()
	s.finished = true
	hash = s.w.HashHex()
	if s.jw != nil {
		if err := s.jw.End(s.w.Tick, hash); err != nil {
			return evs, hash, s.fail(err)
		}
		if err := s.jw.Close(); err != nil {
			return evs, hash, s.fail(err)
		}
	}
	return evs, hash, nil
}

// Close releases the session: the journal is flushed and closed (without
// an end record if Finish was not called: a run that stopped, which can be
// resumed), and the story's Lua state is freed. The World stays readable.
func (s *Session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.jw != nil {
		err = s.jw.Close()
	}
	if c, ok := s.w.Director.(interface{ Close() }); ok {
		c.Close()
	}
	return err
}

func (s *Session) usable() error {
	if s.closed {
		return errors.New("session: closed")
	}
	if s.err != nil {
		return fmt.Errorf("session: failed earlier: %w", s.err)
	}
	return nil
}

// fail makes err the session's failure (a journal that cannot be written
// leaves the run with no record of what follows: it must stop).
func (s *Session) fail(err error) error {
	s.err = err
	return err
}

// InputError is a session that failed because of what it was given: a
// world that cannot be built, a story that fails in a headless Step,
// options out of range, a journal of another scenario, engine or library.
// `cyberex` exits 2 on it; any other error is a failure of the program or
// the machine (writing the journal), exit 1.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// InternalError is a panic of the engine or a script host caught by a
// session: a bug, not a problem of the input. It says at which tick it
// happened, which with the seed and the journal reproduces it.
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

// FailureText is an error as the journal's failed (or story) record holds
// it: journal.FailureText of the message, in which the scripts' file names
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
