package session

import (
	"fmt"

	"cyberex/engine"
	"cyberex/journal"
)

// ReplayOptions are optional hooks of a replay.
type ReplayOptions struct {
	// Progress, when not nil, is called after every tick.
	Progress func(tick, total int32)
	// OnEvents, when not nil, receives each tick's events.
	OnEvents func([]engine.Event)
	// AfterStep, when not nil, is called after every Step whose hash
	// matched (and after Finish when the end hash matched) with the world,
	// to read it, never to change it: the after-action report samples its
	// figures here.
	AfterStep func(w *engine.World)
}

// What a Mismatch is about.
const (
	// MismatchHash: a hash record (after a tick's Step) differs.
	MismatchHash = "hash"
	// MismatchEnd: the end record's hash (after Finish) differs.
	MismatchEnd = "end"
	// MismatchFailure: the run failed (a script's error) where the
	// journal does not say so, or did not fail where it does, or failed
	// with another error.
	MismatchFailure = "failure"
	// MismatchStory: the story of a live session stopped where the
	// journal does not say so, or did not stop where it does, or stopped
	// with another error.
	MismatchStory = "story"
)

// Mismatch is the first point where the replay did not reproduce the
// journal.
type Mismatch struct {
	// Kind is MismatchHash, MismatchEnd, MismatchFailure or MismatchStory.
	Kind string
	// Tick is the tick of the record that differs. For a failure or a
	// stopped story, the first tick where the journal or the replay
	// failed.
	Tick int32
	// Journal and Replay are what the journal recorded and what the
	// replay computed: hashes, or for a failure the errors ("" on the
	// side that did not fail at Tick).
	Journal string
	Replay  string
	// LastMatch is the tick of the last checkpoint that matched, -1 if
	// none: the divergence began after it.
	LastMatch int32
}

// ReplayResult is the outcome of a replay.
type ReplayResult struct {
	// Ticks is the last tick replayed.
	Ticks int32
	// Complete says the journal had an end record, so the replay ran its
	// Finish and compared the final hash.
	Complete bool
	// Failed is the journal's failed record when the replay failed the
	// same way (the same error at the same tick); nil otherwise.
	Failed *journal.Failure
	// FinalHash is the hash of the final state (after Finish when
	// Complete; after the failed Step when Failed).
	FinalHash string
	// Checked is how many recorded hashes (and failures, and stopped
	// stories) were compared.
	Checked int
	// Mismatch is nil when every recorded hash (and failure) was
	// reproduced.
	Mismatch *Mismatch
	// World is the replayed world at the last tick. When Complete, Finish
	// has been called on it.
	World *engine.World
}

// OK says the replay reproduced every recorded hash.
func (r *ReplayResult) OK() bool { return r.Mismatch == nil }

// Replay re-runs a journal against the scenario of src and compares every
// recorded hash, through the same Step as a session. A journal of another
// scenario (its digest), another engine version or another shared Lua
// library is an *InputError saying which. A hash that differs is not an
// error: it is reported in ReplayResult.Mismatch, with the first tick that
// differs, and the replay stops there.
//
// A journal that ends in a failed record (the run's story failed) is
// replayed up to that tick; its Step must fail with the same error
// (ReplayResult.Failed), else it is a Mismatch of kind MismatchFailure.
// The journal of a live session replays live: its story must stop where
// the journal says it stopped, with the same error (MismatchStory).
func Replay(src Source, j *journal.Journal, opt ReplayOptions) (_ *ReplayResult, err error) {
	if err := j.Checkable(); err != nil {
		return nil, &InputError{Err: err}
	}
	// The journal's own length bounds the replay; the scenario's duration
	// was in force when it was written and is again.
	s, err := openJournal(src, j, max(j.LastTick(), 1))
	if err != nil {
		return nil, err
	}
	defer recoverAt(func() int32 { return s.w.Tick }, &err)
	rp := replayer{s: s, j: j, opt: opt, res: &ReplayResult{World: s.w}, lastMatch: -1}
	rp.run(j.LastTick())
	if rp.err != nil {
		return nil, rp.err
	}
	res := rp.res
	if res.Mismatch != nil || res.Failed != nil {
		return res, nil
	}
	res.Ticks = s.w.Tick
	if j.End == nil {
		res.FinalHash = s.w.HashHex()
		return res, nil
	}
	res.Complete = true
	evs := s.w.Finish()
	if opt.OnEvents != nil && len(evs) > 0 {
		opt.OnEvents(evs)
	}
	res.FinalHash = s.w.HashHex()
	if rp.check(MismatchEnd, j.End.Tick, j.End.Hash, res.FinalHash) && opt.AfterStep != nil {
		opt.AfterStep(s.w)
	}
	return res, nil
}

// openJournal checks that a journal can be replayed against src by this
// program, and builds its world, for a session of at most ticks ticks (0:
// the scenario's duration). It writes nothing.
func openJournal(src Source, j *journal.Journal, ticks int32) (*Session, error) {
	h := &j.Header
	if h.Engine != engine.Version {
		return nil, inputErr("the journal was recorded by engine %s, this is engine %s: the rules changed, so its hashes cannot be expected to match; replay it with the cyberex that wrote it", h.Engine, engine.Version)
	}
	if h.Library != "" && h.Library != src.Library {
		return nil, inputErr("the journal was recorded with the shared Lua library (scripts/) of digest %s, this program has library %s: the library changed, so its hashes cannot be expected to match; replay it with the cyberex that wrote it", h.Library, orNone(src.Library))
	}
	if h.Digest != src.Digest {
		return nil, inputErr("the journal was recorded with scenario %q of digest %s, but the scenario at %s (%q) has digest %s: it changed since the run (or it is another scenario)", h.Scenario, h.Digest, src.Dir, src.Name, src.Digest)
	}
	s, err := open(src, Options{Seed: h.Seed, Ticks: ticks, Live: h.Live})
	if err != nil {
		return nil, err
	}
	// Before a tick is stepped: nothing past the scenario's end, hashes
	// where a run writes them (an edited journal could otherwise make a
	// replay step for hours).
	if err := j.CheckRun(s.w.Settings.DurationTicks); err != nil {
		return nil, &InputError{Err: err}
	}
	s.opt.HashEvery = h.HashEvery // 0: no periodic checkpoints
	return s, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// replayer steps a session through a journal's commands, comparing what
// the journal recorded.
type replayer struct {
	s         *Session
	j         *journal.Journal
	opt       ReplayOptions
	res       *ReplayResult
	lastMatch int32
	hi, next  int   // next hash record, next command
	err       error // the journal goes on after the scenario ended
}

func (rp *replayer) check(kind string, tick int32, want, got string) bool {
	rp.res.Checked++
	if want != got {
		rp.res.Mismatch = &Mismatch{Kind: kind, Tick: tick, Journal: want, Replay: got, LastMatch: rp.lastMatch}
		return false
	}
	rp.lastMatch = tick
	return true
}

// hashAt compares the journal's hash of tick t, if it has one.
func (rp *replayer) hashAt(t int32) bool {
	hs := rp.j.Hashes
	if rp.hi < len(hs) && hs[rp.hi].Tick == t {
		ok := rp.check(MismatchHash, t, hs[rp.hi].Hash, rp.s.w.HashHex())
		rp.hi++
		return ok
	}
	return true
}

// run replays up to tick limit, or to the first mismatch or the recorded
// failure (which set res.Mismatch or res.Failed, and res.Ticks and
// res.FinalHash).
func (rp *replayer) run(limit int32) {
	s, j, res := rp.s, rp.j, rp.res
	stop := func(t int32) { res.Ticks, res.FinalHash = t, s.w.HashHex() }
	if s.w.Tick == 0 && !rp.hashAt(0) { // a Cursor runs again from where it stopped
		stop(0)
		return
	}
	cmds := j.Commands // the reader guarantees ticks never decrease
	for s.w.Tick < limit {
		t := s.w.Tick + 1
		k := rp.next
		for k < len(cmds) && cmds[k].Tick == t {
			k++
		}
		batch := cmds[rp.next:k]
		rp.next = k
		for i := range batch {
			s.ctl.apply(&batch[i])
		}
		evs, err := s.w.Step(batch)
		if rp.opt.OnEvents != nil && len(evs) > 0 {
			rp.opt.OnEvents(evs)
		}
		failedHere := j.Failed != nil && j.Failed.Tick == t
		if err != nil || failedHere {
			stop(t)
			var want, got string
			if failedHere {
				want = j.Failed.Error
			}
			if err != nil {
				got = FailureText(s.src.Dir, err)
			}
			if want == got {
				f := *j.Failed
				res.Failed = &f
				res.Checked++
				return
			}
			res.Mismatch = &Mismatch{Kind: MismatchFailure, Tick: t, Journal: want, Replay: got, LastMatch: rp.lastMatch}
			return
		}
		if !rp.storyAt(t) || !rp.hashAt(t) {
			stop(t)
			return
		}
		if rp.opt.AfterStep != nil {
			rp.opt.AfterStep(s.w)
		}
		if s.w.Ended && t < limit {
			// The scenario ended (its end condition): a run stops here
			// and writes nothing after.
			rp.err = inputErr("%s", rp.pastEnd(t))
			return
		}
		if rp.opt.Progress != nil {
			rp.opt.Progress(t, limit)
		}
	}
}

// storyAt compares a live story's stop at tick t with the journal's.
func (rp *replayer) storyAt(t int32) bool {
	var want, got string
	if st := rp.j.StoryStopped; st != nil && st.Tick == t {
		want = st.Error
	}
	if st := rp.s.w.StoryStopped(); st != nil && st.Tick == t {
		got = FailureText(rp.s.src.Dir, st.Err)
	}
	if want == "" && got == "" {
		return true
	}
	return rp.check(MismatchStory, t, want, got)
}

// Resume continues the session whose journal is the file at path, after
// a crash or a restart: it replays the journal through the same Step,
// checking every recorded hash, and goes on appending to it. The seed, the
// checkpoint interval and whether it is live come from the journal's
// header; the session is Done at the scenario's duration.
//
// A tick is replayed when the journal proves it was made (a hash or a
// story_stopped record of it, or a command of a later tick). The commands
// of the last tick beyond that were acknowledged but perhaps not yet
// stepped: they wait for the next Step, as they did. A journal that ended
// or failed cannot be resumed; one that does not replay (a hash differs,
// another engine, library or scenario) is an *InputError saying where.
func Resume(src Source, path string) (s *Session, err error) {
	j, jw, err := journal.Append(path)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	defer func() {
		if err != nil {
			jw.Close()
		}
	}()
	s, err = openJournal(src, j, 0)
	if err != nil {
		return nil, err
	}
	defer recoverAt(func() int32 { return s.w.Tick }, &err)
	made := int32(0)
	if n := len(j.Hashes); n > 0 {
		made = j.Hashes[n-1].Tick
	}
	if j.StoryStopped != nil {
		made = max(made, j.StoryStopped.Tick)
	}
	if n := len(j.Commands); n > 0 {
		made = max(made, j.Commands[n-1].Tick-1)
	}
	rp := replayer{s: s, j: j, res: &ReplayResult{World: s.w}, lastMatch: -1}
	rp.run(made)
	if m := rp.res.Mismatch; m != nil {
		return nil, inputErr("%s does not replay: %s at tick %d (journal %s, replay %s): it cannot be continued", path, m.Kind, m.Tick, orNone(m.Journal), orNone(m.Replay))
	}
	for _, c := range j.Commands[rp.next:] {
		s.pending = append(s.pending, c)
		s.ctl.apply(&c)
	}
	for _, c := range j.Commands {
		s.lastID = max(s.lastID, c.ID)
	}
	s.jw = jw
	return s, nil
}

// pastEnd names the first record of the journal after tick t, where the
// scenario ended.
func (rp *replayer) pastEnd(t int32) string {
	j := rp.j
	where := j.Name()
	for i, c := range j.Commands {
		if c.Tick > t {
			if l := j.LineOfCommand(i); l > 0 {
				where = fmt.Sprintf("%s:%d", where, l)
			}
			return fmt.Sprintf("%s: command: tick %d is after the scenario's end (it ended at tick %d, its end condition met): a run never writes it", where, c.Tick, t)
		}
	}
	return fmt.Sprintf("%s: the journal goes on to tick %d, but the scenario ended at tick %d (its end condition met): a run stops there", where, j.LastTick(), t)
}
