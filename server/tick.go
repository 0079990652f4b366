package server

import (
	"time"

	"cyberex/engine"
	"cyberex/store"
	"cyberex/wire"
)

// step makes one tick: the session steps (the commands acknowledged since
// the last tick are already journaled), every audience gets its delta,
// and each command's sender its verdict.
func (r *room) step() {
	start := time.Now()
	stopped := r.sess.StoryStopped() != nil
	evs, err := r.sess.Step()
	if err != nil {
		r.fail(err)
		return
	}
	// The tick is on disk before anyone hears of it.
	if err := r.sess.Flush(); err != nil {
		r.fail(err)
		return
	}
	r.srv.metrics.ticks.Inc()
	changed := false
	if r.moveLeft > 0 {
		r.moveLeft--
		changed = r.moveLeft == 0
	}
	if r.sess.Done() {
		fin, _, err := r.sess.Finish()
		if err != nil {
			r.fail(err)
			return
		}
		evs = append(evs, fin...)
		r.state = wire.StateEnded
		changed = true
		if err := r.srv.store.SetExerciseState(r.ex.ID, store.ExerciseStopped); err != nil {
			r.log.Error("catalogue: exercise ended", "err", err)
		}
		r.log.Info("exercise ended", "tick", r.sess.Tick())
	}
	end := time.Now()
	r.srv.metrics.tickSeconds.Observe(end.Sub(start).Seconds())
	r.sendDeltas()
	r.results(evs)
	r.srv.metrics.deltaSeconds.Observe(time.Since(end).Seconds())
	r.lastTick = end
	if r.srv.onTick != nil {
		r.srv.onTick(r.ex.ID, r.sess.Tick(), end)
	}
	if changed {
		r.statusChanged()
	} else if !stopped && r.sess.StoryStopped() != nil {
		r.teamsChanged() // the white cell learns the story stopped
	}
}

// results tells each command's sender what the engine made of it.
func (r *room) results(evs []engine.Event) {
	for i := range evs {
		e := &evs[i]
		s, ok := r.waiting[e.Command]
		if !ok || e.Command == 0 {
			continue
		}
		var res *wire.Result
		switch e.Kind {
		case engine.EvCommandAccepted, engine.EvControl:
			res = &wire.Result{Ref: s.ref, ID: e.Command, Tick: e.Tick, Accepted: true, Text: e.Text}
			r.queued(s, res)
		case engine.EvCommandRejected:
			res = &wire.Result{Ref: s.ref, ID: e.Command, Tick: e.Tick, Text: e.Text}
		default:
			continue
		}
		delete(r.waiting, e.Command)
		if _, ok := r.clients[s.c]; ok {
			r.sendTo(s.c, res)
		}
	}
	// A verdict is given in the tick that applies a command; anything left
	// has none to wait for (its sender left, or the exercise ended).
	clear(r.waiting)
}

// queued fills in when an accepted command starts, from its
// organisation's view.
func (r *room) queued(s submission, res *wire.Result) {
	a := r.aud[s.cmd.Org]
	if a == nil || a.view == nil {
		return
	}
	for i := range a.view.Queue {
		q := &a.view.Queue[i]
		if q.N == res.ID {
			res.Started, res.Ahead = q.Running, q.Ahead
			if q.Running {
				res.Done = q.Done
			}
			return
		}
	}
}

// fail stops the exercise on an error of the server (its journal): what
// was acknowledged is on disk; nothing more is accepted.
func (r *room) fail(err error) {
	r.log.Error("exercise failed", "err", err)
	r.state, r.failure, r.moveLeft = wire.StateFailed, err.Error(), 0
	r.statusChanged()
}

// note keeps an evaluator's note at the current tick and shows it to the
// white cell and the observers.
func (r *room) note(c *client, m *wire.Note) {
	n, err := r.srv.store.AddNote(store.Note{Exercise: r.ex.ID, Tick: r.sess.Tick(), Unix: r.srv.now().Unix(),
		Author: c.person, Role: c.role, Text: m.Text})
	if err != nil {
		r.log.Error("catalogue: add note", "err", err)
		r.refuse(c, m.Ref, wire.ErrServer, "the note could not be kept: "+err.Error())
		return
	}
	b, err := wire.Encode(&wire.Noted{ID: n.ID, Tick: n.Tick, Unix: n.Unix, Author: n.Author, Text: n.Text})
	if err != nil {
		return
	}
	for cl := range r.clients {
		if cl.role == wire.RoleTeam {
			continue
		}
		if cl == c {
			r.sendTo(c, &wire.Noted{Ref: m.Ref, ID: n.ID, Tick: n.Tick, Unix: n.Unix, Author: n.Author, Text: n.Text})
			continue
		}
		r.sendBytes(cl, b)
	}
}

// shutdown ends the loop: clients are told to come back, and the journal
// is closed without an end record (the exercise resumes from it).
func (r *room) shutdown() {
	r.flush()
	for c := range r.clients {
		r.drop(c, &wire.Bye{Code: wire.ByeShutdown, Message: "the server is stopping; the exercise resumes, paused, when it is back", Reconnect: true})
	}
	if err := r.sess.Close(); err != nil {
		r.log.Error("close journal", "err", err)
	}
}

// verbSpecs are the verbs' costs in force in this world, for the client
// to show each action's duration and staff before it is sent.
func verbSpecs(w *engine.World) []engine.VerbSpec {
	names := engine.VerbNames()
	out := make([]engine.VerbSpec, 0, len(names))
	for _, v := range names {
		spec, _ := engine.DefaultVerbSpec(v)
		for _, s := range w.Settings.Verbs {
			if s.Verb == v {
				spec.Ticks, spec.Staff = s.Ticks, s.Staff
			}
		}
		out = append(out, spec)
	}
	return out
}
