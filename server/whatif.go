package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"cyberex/debrief"
	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
	"cyberex/session"
	"cyberex/wire"
)

// branchesMax bounds the what-if branches kept per exercise: each is a
// journal on disk and a column of the report.
const branchesMax = 64

// branchName is what a branch may be called: its journal's file name and
// its label in the report.
var branchName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// BranchesDir is where the what-if branches of exercise id are kept in a
// data folder, one journal per branch (cyberex report EXERCISE compares
// them with the exercise).
func BranchesDir(dataDir, id string) string {
	return filepath.Join(filepath.Dir(JournalFile(dataDir, id)), "branches")
}

// whatIfJob is a debrief question taken by the loop, answered by a
// goroutine that replays the journal beside the running exercise: a
// replay of a long exercise takes seconds, and the exercise's clock does
// not wait for it.
type whatIfJob struct {
	c        *client
	m        wire.WhatIf
	cmds     []engine.Command
	until    int32
	size     int64         // the journal's bytes written when it was asked
	run      *wire.Outcome // the exercise at until, when until is now
	path     string        // the branch's journal
	scenario string
	set      []string
}

// whatIf takes the white cell's debrief question: checks it at once (so a
// wrong tick or command is refused now), then hands it to a goroutine.
// One question at a time per exercise bounds the CPU a white cell can
// take from the exercise.
func (r *room) whatIf(c *client, m *wire.WhatIf) {
	if r.asking {
		r.refuse(c, m.Ref, wire.ErrRejected, "another what-if is running for this exercise: wait for its answer")
		return
	}
	if r.state == wire.StateFailed {
		r.refuse(c, m.Ref, wire.ErrServer, "the exercise stopped on a server error: "+r.failure)
		return
	}
	now := r.sess.Tick()
	job := &whatIfJob{c: c, m: *m, scenario: r.ex.Scenario, set: r.ex.Set}
	if m.Action == wire.WhatIfJump {
		if m.Tick > now {
			r.refuse(c, m.Ref, wire.ErrRejected, fmt.Sprintf("tick %d: the exercise is at tick %d; look back at a tick from 0 to %d", m.Tick, now, now))
			return
		}
	} else if why := r.checkBranch(job, now); why != "" {
		r.refuse(c, m.Ref, wire.ErrRejected, why)
		return
	}
	// Everything journaled so far is on disk, ending with a whole line:
	// the goroutine reads that many bytes while the loop writes on. An
	// ended exercise's journal is closed, whole.
	if r.state != wire.StateEnded {
		if err := r.sess.Flush(); err != nil {
			r.fail(err)
			r.refuse(c, m.Ref, wire.ErrServer, "journal: "+err.Error())
			return
		}
	}
	fi, err := os.Stat(r.srv.journalFile(r.ex.ID))
	if err != nil {
		r.refuse(c, m.Ref, wire.ErrServer, "journal: "+err.Error())
		return
	}
	job.size = fi.Size()
	if m.Action == wire.WhatIfBranch && job.until == now {
		o := outcome(r.sess.World())
		job.run = &o
	}
	r.asking = true
	r.jobs.Add(1)
	go func() {
		defer r.jobs.Done()
		r.answer(job)
	}()
}

// checkBranch checks a branch question against the exercise now and fills
// in the job's commands, until and journal; it returns why it is refused.
func (r *room) checkBranch(job *whatIfJob, now int32) string {
	m := &job.m
	job.until = m.Until
	if job.until == 0 {
		job.until = now
	}
	switch {
	case m.Tick >= now:
		return fmt.Sprintf("fork tick %d: the exercise is at tick %d; fork at a tick before it", m.Tick, now)
	case job.until <= m.Tick || job.until > now:
		return fmt.Sprintf("until %d: compare at a tick after the fork (%d) and at most the exercise's tick now (%d)", job.until, m.Tick, now)
	}
	dir := BranchesDir(r.srv.opt.DataDir, r.ex.ID)
	kept, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(kept) >= branchesMax {
		return fmt.Sprintf("this exercise has %d branches, the most kept", len(kept))
	}
	if m.Name == "" {
		for n := len(kept) + 1; ; n++ {
			m.Name = fmt.Sprintf("branch-%d", n)
			if _, err := os.Lstat(filepath.Join(dir, m.Name+".jsonl")); errors.Is(err, os.ErrNotExist) {
				break
			}
		}
	}
	if !branchName.MatchString(m.Name) {
		return fmt.Sprintf("name %q: letters, digits, - and _, at most 64", m.Name)
	}
	job.path = filepath.Join(dir, m.Name+".jsonl")
	if _, err := os.Lstat(job.path); err == nil {
		return fmt.Sprintf("a branch %q exists already: give another name", m.Name)
	}
	w := r.sess.World()
	orgs := make([]string, len(w.Orgs))
	for i := range w.Orgs {
		orgs[i] = w.Orgs[i].ID
	}
	var bad []string
	for i, bc := range m.Commands {
		c := engine.Command{Tick: bc.Tick, Org: bc.Org, Sender: bc.Org, Verb: bc.Verb, Target: bc.Target, Args: bc.Args}
		if c.Tick <= m.Tick || c.Tick > job.until {
			bad = append(bad, fmt.Sprintf("command %d: tick %d: a branch's commands come after the fork (%d), at most at until (%d)", i+1, c.Tick, m.Tick, job.until))
			continue
		}
		for _, we := range journal.CheckWords(&c, orgs) {
			bad = append(bad, fmt.Sprintf("command %d: %s: %s", i+1, we.Field, we.Msg))
		}
		if err := journal.CheckCommand(&c); err != nil {
			bad = append(bad, fmt.Sprintf("command %d: %v", i+1, err))
		}
		job.cmds = append(job.cmds, c)
	}
	if len(bad) > 0 {
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("and %d more", len(bad)-5))
		}
		return strings.Join(bad, "; ")
	}
	return ""
}

// answer replays the journal for a question (in its own goroutine) and
// hands the answer to the loop.
func (r *room) answer(job *whatIfJob) {
	msg, err := r.replayFor(job)
	var reply wire.Message = msg
	if err != nil {
		code := wire.ErrServer
		var ie *headless.InputError
		if errors.As(err, &ie) {
			code = wire.ErrRejected
		}
		r.log.Info("what-if refused", "action", job.m.Action, "err", err)
		reply = &wire.Error{Ref: job.m.Ref, Code: code, Message: err.Error()}
	}
	done := make(chan struct{})
	select {
	case r.in <- callMsg{f: func() {
		r.asking = false
		if _, ok := r.clients[job.c]; ok {
			r.sendTo(job.c, reply)
		}
	}, done: done}:
	case <-r.done:
	}
}

func (r *room) replayFor(job *whatIfJob) (wire.Message, error) {
	sc, _, err := r.srv.opt.Load(job.scenario, job.set)
	if err != nil {
		return nil, fmt.Errorf("load scenario %s: %w", job.scenario, err)
	}
	f, err := os.Open(r.srv.journalFile(r.ex.ID))
	if err != nil {
		return nil, err
	}
	j, err := journal.Read(io.LimitReader(f, job.size), r.ex.ID+"'s journal")
	f.Close()
	if err != nil {
		return nil, err
	}
	m := &job.m
	if m.Action == wire.WhatIfJump {
		w, err := r.lookAt(sc, j, m.Tick)
		if err != nil {
			return nil, err
		}
		return &wire.Past{Ref: m.Ref, Tick: w.Tick, View: w.ControllerView(), Metrics: w.Metrics()}, nil
	}
	if job.run == nil {
		w, err := debrief.At(sc, j, job.until)
		if err != nil {
			return nil, err
		}
		o := outcome(w)
		job.run = &o
	}
	if err := os.MkdirAll(filepath.Dir(job.path), 0o750); err != nil {
		return nil, err
	}
	jf, err := journal.CreateFile(job.path)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	var at *wire.Outcome
	created := fmt.Sprintf("cyberex serve what-if %s --at %d", m.Name, m.Tick)
	if m.Keep {
		created += " --keep"
	}
	_, err = debrief.Branch(sc, j, debrief.BranchOptions{At: m.Tick, Commands: job.cmds, Keep: m.Keep, Ticks: job.until,
		Journal: io.MultiWriter(jf, &buf), CreatedBy: created, ScenarioDir: j.Header.ScenarioDir,
		AfterStep: func(w *engine.World) {
			if w.Tick == job.until {
				o := outcome(w)
				at = &o
			}
		}})
	if err == nil {
		err = jf.Sync()
	}
	if cerr := jf.Close(); err == nil {
		err = cerr
	}
	var checked int
	if err == nil {
		var bj *journal.Journal
		if bj, err = journal.Read(&buf, "the branch's journal"); err == nil {
			checked, err = debrief.SameUntil(j, bj, m.Tick)
		}
	}
	if err == nil && at == nil {
		err = fmt.Errorf("the branch ended at a tick before %d", job.until)
	}
	if err != nil {
		os.Remove(job.path) // not a faithful branch: the report must not show it
		return nil, err
	}
	return &wire.Branched{Ref: m.Ref, Name: m.Name, At: m.Tick, Until: job.until, Commands: int32(len(job.cmds)), Keep: m.Keep,
		Checked: int32(checked), Run: *job.run, Branch: *at}, nil
}

// lookAt is the world at a past tick. The replay that found it is kept
// (room.cursor, touched only by the what-if goroutine, one at a time):
// a later tick it already holds the commands of continues from there, so
// a white cell stepping forward through the past pays each tick once; a
// step back, or past what it holds, replays from tick 0.
func (r *room) lookAt(sc *scenario.Scenario, j *journal.Journal, tick int32) (*engine.World, error) {
	c := r.cursor
	if c == nil || tick < c.Tick() || tick > lastHash(c.Journal()) {
		if c != nil {
			c.Close()
		}
		var err error
		if c, err = session.NewCursor(session.FromScenario(sc), j); err != nil {
			r.cursor = nil
			return nil, err
		}
		r.cursor = c
	}
	w, err := c.To(tick)
	if err != nil {
		c.Close()
		r.cursor = nil
		return nil, err
	}
	return w, nil
}

// lastHash is the last tick a journal has a hash of: its commands up to
// there are all written (a later tick's may still come).
func lastHash(j *journal.Journal) int32 {
	if n := len(j.Hashes); n > 0 {
		return j.Hashes[n-1].Tick
	}
	return -1
}

// outcome is where a world stands: its objectives and key figures.
func outcome(w *engine.World) wire.Outcome {
	o := wire.Outcome{Tick: w.Tick, Hash: w.HashHex(), Metrics: w.Metrics()}
	for k := range w.Objectives {
		ob := &w.Objectives[k]
		o.Objectives = append(o.Objectives, engine.ObjectiveView{N: int32(k), ID: ob.ID, Description: ob.Description,
			Status: ob.Status.String(), Tick: ob.Tick, Deadline: ob.Deadline})
	}
	return o
}
