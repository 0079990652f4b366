package headless

import (
	"cyberex/engine"
	"cyberex/journal"
	"cyberex/scenario"
)

// ReplayOptions are optional hooks of a replay.
type ReplayOptions struct {
	// Progress, when not nil, is called after every tick.
	Progress func(tick, total int32)
	// OnEvents, when not nil, receives each tick's events.
	OnEvents func([]engine.Event)
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
)

// Mismatch is the first point where the replay did not reproduce the
// journal.
type Mismatch struct {
	// Kind is MismatchHash, MismatchEnd or MismatchFailure.
	Kind string
	// Tick is the tick of the record that differs. For a failure, the
	// first tick where the journal or the replay failed.
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
	// Checked is how many recorded hashes were compared.
	Checked int
	// Mismatch is nil when every recorded hash (and failure) was
	// reproduced.
	Mismatch *Mismatch
	// World is the replayed world at the last tick, e.g. for a server
	// that resumes an exercise from its journal. When Complete, Finish has
	// been called on it.
	World *engine.World
}

// OK says the replay reproduced every recorded hash.
func (r *ReplayResult) OK() bool { return r.Mismatch == nil }

// Replay re-runs a journal against a scenario and compares every recorded
// hash. A journal of another scenario (its digest) or another engine
// version is an *InputError saying which. A hash that differs is not an
// error: it is reported in ReplayResult.Mismatch, with the first tick that
// differs, and the replay stops there.
//
// A journal that ends in a failed record (the run's script failed) is
// replayed up to that tick; its Step must fail with the same error
// (ReplayResult.Failed), else it is a Mismatch of kind MismatchFailure. A
// script error where the journal records none is such a Mismatch too.
func Replay(s *scenario.Scenario, j *journal.Journal) (*ReplayResult, error) {
	return ReplayWith(s, j, ReplayOptions{})
}

// ReplayWith is Replay with hooks.
func ReplayWith(s *scenario.Scenario, j *journal.Journal, opt ReplayOptions) (*ReplayResult, error) {
	return replay(metaOf(s), j, opt)
}

func replay(m meta, j *journal.Journal, opt ReplayOptions) (_ *ReplayResult, err error) {
	var w *engine.World
	defer recoverAt(func() int32 {
		if w == nil {
			return 0
		}
		return w.Tick
	}, &err)
	h := &j.Header
	if h.Engine != engine.Version {
		return nil, inputErr("the journal was recorded by engine %s, this is engine %s: its hashes cannot be expected to match; replay it with the cyberex that wrote it", h.Engine, engine.Version)
	}
	if h.Digest != m.digest {
		return nil, inputErr("the journal was recorded with scenario %q of digest %s, but the scenario at %s (%q) has digest %s: it changed since the run (or it is another scenario)", h.Scenario, h.Digest, m.dir, m.name, m.digest)
	}
	w, err = m.newWorld(h.Seed)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	res := &ReplayResult{World: w}
	lastMatch := int32(-1)
	hi := 0
	check := func(kind string, tick int32, want, got string) bool {
		res.Checked++
		if want != got {
			res.Mismatch = &Mismatch{Kind: kind, Tick: tick, Journal: want, Replay: got, LastMatch: lastMatch}
			return false
		}
		lastMatch = tick
		return true
	}
	hashAt := func(t int32) bool {
		if hi < len(j.Hashes) && j.Hashes[hi].Tick == t {
			ok := check(MismatchHash, t, j.Hashes[hi].Hash, w.HashHex())
			hi++
			return ok
		}
		return true
	}
	if !hashAt(0) {
		res.Ticks, res.FinalHash = 0, res.Mismatch.Replay
		return res, nil
	}
	limit := j.LastTick()
	cmds := j.Commands // the reader guarantees ticks never decrease
	next := 0
	for w.Tick < limit {
		t := w.Tick + 1
		k := next
		for k < len(cmds) && cmds[k].Tick == t {
			k++
		}
		evs, err := w.Step(cmds[next:k])
		next = k
		if opt.OnEvents != nil && len(evs) > 0 {
			opt.OnEvents(evs)
		}
		failedHere := j.Failed != nil && j.Failed.Tick == t
		if err != nil || failedHere {
			res.Ticks, res.FinalHash = t, w.HashHex()
			var want, got string
			if failedHere {
				want = j.Failed.Error
			}
			if err != nil {
				got = FailureText(m.dir, err)
			}
			if want == got {
				f := *j.Failed
				res.Failed = &f
				return res, nil
			}
			res.Mismatch = &Mismatch{Kind: MismatchFailure, Tick: t, Journal: want, Replay: got, LastMatch: lastMatch}
			return res, nil
		}
		if !hashAt(t) {
			res.Ticks, res.FinalHash = t, res.Mismatch.Replay
			return res, nil
		}
		if opt.Progress != nil {
			opt.Progress(t, limit)
		}
	}
	res.Ticks = w.Tick
	if j.End == nil {
		res.FinalHash = w.HashHex()
		return res, nil
	}
	res.Complete = true
	evs := w.Finish()
	if opt.OnEvents != nil && len(evs) > 0 {
		opt.OnEvents(evs)
	}
	res.FinalHash = w.HashHex()
	check(MismatchEnd, j.End.Tick, j.End.Hash, res.FinalHash)
	return res, nil
}
