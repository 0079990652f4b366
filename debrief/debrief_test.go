package debrief

import (
	"bytes"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/internal/testrun"
	"cyberex/journal"
	"cyberex/scenario"
)

func load(t *testing.T, name string) *scenario.Scenario { return testrun.Load(t, name) }

func record(t *testing.T, s *scenario.Scenario, cmds []engine.Command, every int32) *journal.Journal {
	return testrun.Journal(t, s, 3, cmds, every)
}

func tutorialCommands(t *testing.T) []engine.Command {
	return testrun.Commands(t, "tutorial", "commands.jsonl")
}

// TestAtIsTheRunAtThatTick: the world At returns has the journal's hash of
// that tick, for every checkpoint.
func TestAtIsTheRunAtThatTick(t *testing.T) {
	s := load(t, "tutorial")
	j := record(t, s, tutorialCommands(t), 500)
	for _, h := range j.Hashes {
		w, err := At(s, j, h.Tick)
		if err != nil {
			t.Fatal(err)
		}
		if w.Tick != h.Tick || w.HashHex() != h.Hash {
			t.Fatalf("At(%d): tick %d hash %s, journal %s", h.Tick, w.Tick, w.HashHex(), h.Hash)
		}
	}
	for _, bad := range []int32{-1, j.LastTick() + 1} {
		if _, err := At(s, j, bad); err == nil {
			t.Errorf("At(%d) of a journal of %d ticks: no error", bad, j.LastTick())
		}
	}
}

// TestBranch: a branch is the run up to the fork tick (same hashes), then
// goes its own way; with --keep and no commands of its own it is the run.
func TestBranch(t *testing.T) {
	s := load(t, "tutorial")
	cmds := tutorialCommands(t)
	j := record(t, s, cmds, 20)
	at := int32(200) // after the share at 140, before the preservation request at 245
	var none bytes.Buffer
	res, err := Branch(s, j, BranchOptions{At: at, Journal: &none})
	if err != nil {
		t.Fatal(err)
	}
	bj, err := journal.Read(&none, "branch.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := SameUntil(j, bj, at); err != nil || n == 0 {
		t.Fatal(err)
	}
	if _, err := SameUntil(j, bj, j.LastTick()); err == nil {
		t.Fatal("a branch without the preservation request has the run's states after the fork")
	}
	if res.StateHash == j.End.Hash {
		t.Fatal("dropping the preservation request changed nothing")
	}
	preserved := func(r *headless.Result) string {
		for _, o := range r.Objectives {
			if o.ID == "logs-preserved" {
				return o.Status
			}
		}
		return ""
	}
	if got := preserved(res); got != "failed" {
		t.Errorf("without the request, logs-preserved is %s, want failed", got)
	}
	// The same request later, at tick 400: still in time?
	late := engine.Command{Tick: 400, Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "preserve", "target": "crew-server-logs"}}
	res2, err := Branch(s, j, BranchOptions{At: at, Commands: []engine.Command{late}})
	if err != nil {
		t.Fatal(err)
	}
	if res2.StateHash == res.StateHash {
		t.Error("the late request changed nothing")
	}
	same, err := Branch(s, j, BranchOptions{At: at, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	if same.StateHash != j.End.Hash {
		t.Errorf("a branch that keeps every command ends at %s, the run at %s", same.StateHash, j.End.Hash)
	}
}

func TestBranchRefuses(t *testing.T) {
	s := load(t, "tutorial")
	j := record(t, s, tutorialCommands(t), 100)
	early := engine.Command{Tick: 100, Org: "police-a", Verb: "investigate", Target: "ministry-site"}
	cases := []struct {
		opt  BranchOptions
		want string
	}{
		{BranchOptions{At: 200, Commands: []engine.Command{early}}, "come after the fork tick 200"},
		{BranchOptions{At: -1}, "fork tick -1"},
		{BranchOptions{At: j.LastTick() + 1}, "the journal goes from 0 to"},
	}
	for _, c := range cases {
		_, err := Branch(s, j, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.opt, err, c.want)
		}
	}
}

// TestCommandsReproduceTheRun: the people's commands exported from a
// journal run again give the same final state; the scripted teams'
// commands are exactly the accepted commands of scripted organisations.
func TestCommandsReproduceTheRun(t *testing.T) {
	s := load(t, "grid-hybrid")
	j := record(t, s, nil, 100)
	rc, err := Commands(s, j)
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.People) != 0 {
		t.Errorf("%d people's commands in a run nobody played", len(rc.People))
	}
	// Every accepted command of the run is a scripted team's here.
	accepted := 0
	_, err = headless.ReplayWith(s, j, headless.ReplayOptions{OnEvents: func(evs []engine.Event) {
		for _, e := range evs {
			if e.Kind == engine.EvCommandAccepted {
				accepted++
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if accepted == 0 || len(rc.Scripted) != accepted {
		t.Errorf("%d scripted commands exported, %d accepted in the run", len(rc.Scripted), accepted)
	}
	var buf bytes.Buffer
	if err := journal.WriteCommands(&buf, rc.Scripted); err != nil {
		t.Fatal(err)
	}
	back, err := journal.ReadCommands(&buf, "scripted.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.List) != len(rc.Scripted) {
		t.Fatalf("%d commands read back, %d written", len(back.List), len(rc.Scripted))
	}

	ts := load(t, "tutorial")
	tj := record(t, ts, tutorialCommands(t), 100)
	trc, err := Commands(ts, tj)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := journal.WriteCommands(&buf, trc.People); err != nil {
		t.Fatal(err)
	}
	file, err := journal.ReadCommands(&buf, "people.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	again := record(t, ts, file.List, 100)
	if again.End.Hash != tj.End.Hash {
		t.Errorf("the exported commands end at %s, the run at %s", again.End.Hash, tj.End.Hash)
	}
}
