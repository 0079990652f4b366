// Package debrief serves the debrief of an exercise from its journal: the
// world at any tick (a controller jumps there), what-if branches (replay to
// a tick, then go on with other commands), and the commands of a run,
// people's and scripted teams', as a commands file (a played exercise
// becomes a regression test). `cyberex branch` and `cyberex commands` are
// its command-line face; the server calls the same functions.
package debrief

import (
	"fmt"
	"io"
	"slices"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
)

// Cut is the journal of the same run stopped after tick: its commands and
// hashes up to tick, without an end (a run still going on). A failure
// recorded at or before tick is kept.
func Cut(j *journal.Journal, tick int32) *journal.Journal {
	c := *j
	c.Commands = slices.Clone(j.Commands[:cutIndex(j.Commands, tick)])
	c.Hashes = nil
	for _, h := range j.Hashes {
		if h.Tick <= tick {
			c.Hashes = append(c.Hashes, h)
		}
	}
	c.End = nil
	if j.Failed != nil && j.Failed.Tick > tick {
		c.Failed = nil
	}
	if j.StoryStopped != nil && j.StoryStopped.Tick > tick {
		c.StoryStopped = nil
	}
	c.Warnings = nil
	return &c
}

func cutIndex(cmds []engine.Command, tick int32) int {
	n := 0
	for n < len(cmds) && cmds[n].Tick <= tick {
		n++
	}
	return n
}

// At replays a journal up to tick, checking its hashes on the way, and
// returns the world there: what a controller sees after jumping to that
// tick. Pacing a replay is the caller's (the server steps as the clock
// says); At is the jump.
func At(s *scenario.Scenario, j *journal.Journal, tick int32) (*engine.World, error) {
	if tick < 0 || tick > j.LastTick() {
		return nil, fmt.Errorf("tick %d: the journal goes from 0 to %d", tick, j.LastTick())
	}
	res, err := headless.Replay(s, Cut(j, tick))
	if err != nil {
		return nil, err
	}
	if m := res.Mismatch; m != nil {
		return nil, fmt.Errorf("the journal does not replay: %s differs at tick %d (journal %s, replay %s)", m.Kind, m.Tick, m.Journal, m.Replay)
	}
	return res.World, nil
}

// BranchOptions say where a branch forks and what it does then.
type BranchOptions struct {
	// At is the fork tick: the run is replayed through tick At with the
	// journal's commands; the branch's commands start at tick At+1.
	At int32
	// Commands are the branch's commands, all at ticks after At.
	Commands []engine.Command
	// Keep keeps the journal's own commands after At too (the branch adds
	// to them: "what if the police had also asked for preservation");
	// without it they are dropped (the branch replaces them).
	Keep bool
	// Ticks stops the branch early (0: the scenario's end).
	Ticks int32
	// Journal, CreatedBy, ScenarioDir, HashEvery, OnEvents, AfterStep are
	// those of headless.RunOptions; HashEvery 0 takes the journal's, so
	// the branch's checkpoints up to At can be compared with the run's.
	Journal     io.Writer
	CreatedBy   string
	ScenarioDir string
	HashEvery   int32
	OnEvents    func([]engine.Event)
	AfterStep   func(w *engine.World)
}

// BranchCommands are the commands a branch runs: the journal's up to At
// (and after it with Keep), then the branch's own, sorted by tick (the
// journal's first within a tick). Ids are left to the engine.
func BranchCommands(j *journal.Journal, opt BranchOptions) ([]engine.Command, error) {
	if opt.At < 0 || opt.At > j.LastTick() {
		return nil, fmt.Errorf("fork tick %d: the journal goes from 0 to %d", opt.At, j.LastTick())
	}
	if j.Failed != nil && j.Failed.Tick <= opt.At {
		return nil, fmt.Errorf("fork tick %d: the run failed at tick %d (%s): fork before it", opt.At, j.Failed.Tick, j.Failed.Error)
	}
	for i, c := range opt.Commands {
		if c.Tick <= opt.At {
			return nil, fmt.Errorf("command %d (%s %s %s) is at tick %d: a branch's commands come after the fork tick %d", i+1, c.Org, c.Verb, c.Target, c.Tick, opt.At)
		}
	}
	keep := j.Commands[:cutIndex(j.Commands, opt.At)]
	if opt.Keep {
		keep = j.Commands
	}
	out := make([]engine.Command, 0, len(keep)+len(opt.Commands))
	for _, c := range append(slices.Clone(keep), opt.Commands...) {
		c.ID = 0
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b engine.Command) int { return int(a.Tick - b.Tick) })
	return out, nil
}

// Branch runs a what-if branch of a journal's run: the same scenario (the
// caller loads it with the journal's overrides) and seed, the journal's
// commands through tick At, then the branch's commands. Up to At it is the
// same run as the journal's (same state hashes); after it, whatever the
// new commands make of it.
func Branch(s *scenario.Scenario, j *journal.Journal, opt BranchOptions) (*headless.Result, error) {
	cmds, err := BranchCommands(j, opt)
	if err != nil {
		return nil, &headless.InputError{Err: err}
	}
	every := opt.HashEvery
	if every == 0 {
		every = j.Header.HashEvery
	}
	return headless.Run(s, headless.RunOptions{Seed: j.Header.Seed, Ticks: opt.Ticks, Commands: cmds,
		Journal: opt.Journal, CreatedBy: opt.CreatedBy, ScenarioDir: opt.ScenarioDir, HashEvery: every,
		OnEvents: opt.OnEvents, AfterStep: opt.AfterStep})
}

// SameUntil checks that a branch's journal reproduces its run's hashes up
// to the fork tick (the checkpoints both recorded): the fork is faithful.
// It returns how many checkpoints it compared.
func SameUntil(run, branch *journal.Journal, at int32) (int, error) {
	mine := map[int32]string{}
	for _, h := range branch.Hashes {
		mine[h.Tick] = h.Hash
	}
	n := 0
	for _, h := range run.Hashes {
		if h.Tick > at {
			break
		}
		if got, ok := mine[h.Tick]; ok {
			n++
			if got != h.Hash {
				return n, fmt.Errorf("the branch's state at tick %d differs from the run's (%s, run %s)", h.Tick, got, h.Hash)
			}
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("the branch and the run share no checkpoint up to tick %d", at)
	}
	return n, nil
}
