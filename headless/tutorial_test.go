package headless

import (
	"bytes"
	"strings"
	"testing"

	"cyberex/journal"
	"cyberex/scenario"
)

// The tutorial is the scenario every newcomer runs first: it must run,
// reproduce and replay.
func loadTutorial(t testing.TB) (*scenario.Scenario, *journal.Commands) {
	t.Helper()
	s, err := scenario.Load("../scenarios/tutorial", scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := journal.ReadCommandsFile("../scenarios/tutorial/commands.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return s, cs
}

func TestTutorial(t *testing.T) {
	s, cs := loadTutorial(t)
	var j1, j2 bytes.Buffer
	r1, err := Run(s, RunOptions{Seed: 11, Commands: cs.List, Journal: &j1, CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Run(s, RunOptions{Seed: 11, Commands: cs.List, Journal: &j2, CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.StateHash != r2.StateHash || !bytes.Equal(j1.Bytes(), j2.Bytes()) {
		t.Fatalf("the tutorial run twice gives %s and %s", r1.StateHash, r2.StateHash)
	}
	if r1.Ticks != s.Duration() || !r1.Ended || r1.Commands != len(cs.List) {
		t.Errorf("ran %d of %d ticks, %d commands", r1.Ticks, s.Duration(), r1.Commands)
	}
	for _, o := range r1.Objectives {
		if o.Status != "met" {
			t.Errorf("with the good response, objective %s is %s", o.ID, o.Status)
		}
	}
	idle, err := Run(s, RunOptions{Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	if idle.StateHash == r1.StateHash {
		t.Error("commands do not change the outcome")
	}

	j, err := journal.Read(bytes.NewReader(j1.Bytes()), "tutorial.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rr, err := Replay(s, j)
	if err != nil {
		t.Fatal(err)
	}
	if !rr.OK() || !rr.Complete || rr.FinalHash != r1.StateHash || rr.Checked != len(j.Hashes)+1 {
		t.Errorf("replay: %+v", rr)
	}

	// A tampered checkpoint is reported at its tick.
	k := len(j.Hashes) / 2
	want := j.Hashes[k].Tick
	j.Hashes[k].Hash = strings.Repeat("e", 64)
	rr, err = Replay(s, j)
	if err != nil {
		t.Fatal(err)
	}
	if rr.OK() || rr.Mismatch.Tick != want || rr.Mismatch.LastMatch != j.Hashes[k-1].Tick {
		t.Errorf("tampered hash at tick %d: %+v", want, rr.Mismatch)
	}
}

func BenchmarkRunTutorial(b *testing.B) {
	s, cs := loadTutorial(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(s, RunOptions{Seed: 1, Commands: cs.List}); err != nil {
			b.Fatal(err)
		}
	}
}
