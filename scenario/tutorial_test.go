package scenario_test

import (
	"testing"
	"time"

	"cyberex/engine"
	"cyberex/engine/script/host"
	"cyberex/scenario"
)

// The tutorial has a Lua story: these tests link the script host in (an
// external test package, as the host imports this one).

// runTutorial runs the tutorial scenario to its end, with the commands of
// its good-response test or without any, and returns the world.
func runTutorial(t testing.TB, seed uint64, withCommands bool, set ...string) *engine.World {
	t.Helper()
	s, err := scenario.Load("../scenarios/tutorial", scenario.Options{Set: set, Director: host.NewDirector})
	if err != nil {
		t.Fatal(err)
	}
	var cmds []engine.Command
	if withCommands {
		for _, ts := range s.Tests {
			if ts.Name == "good-response" {
				cmds = ts.CommandList
			}
		}
		if len(cmds) == 0 {
			t.Fatal("good-response has no commands")
		}
	}
	w, err := s.NewWorld(seed)
	if err != nil {
		t.Fatal(err)
	}
	for !w.Ended {
		var now []engine.Command
		for len(cmds) > 0 && cmds[0].Tick == w.Tick+1 {
			now = append(now, cmds[0])
			cmds = cmds[1:]
		}
		if _, err := w.Step(now); err != nil {
			t.Fatal(err)
		}
	}
	w.Finish()
	return w
}

func objectiveStatus(t testing.TB, w *engine.World, id string) engine.ObjectiveStatus {
	i, ok := w.ObjectiveIndex(id)
	if !ok {
		t.Fatalf("no objective %s", id)
	}
	return w.Objectives[i].Status
}

func TestTutorialWithCommands(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		w := runTutorial(t, seed, true)
		for _, id := range []string{"site-restored", "logs-preserved"} {
			if st := objectiveStatus(t, w, id); st != engine.ObjMet {
				t.Errorf("seed %d: objective %s is %s, want met", seed, id, st)
			}
		}
		if w.Tick != 5760 {
			t.Errorf("seed %d: ended at tick %d, want 5760", seed, w.Tick)
		}
	}
}

func TestTutorialWithoutCommands(t *testing.T) {
	w := runTutorial(t, 1, false)
	for _, id := range []string{"site-restored", "logs-preserved"} {
		if st := objectiveStatus(t, w, id); st != engine.ObjFailed {
			t.Errorf("objective %s is %s, want failed", id, st)
		}
	}
}

// Preservation needs no dual criminality (Budapest Convention art. 29(3)):
// even where the defacement is no crime in Borduria the logs are kept.
func TestTutorialNoDualCriminality(t *testing.T) {
	w := runTutorial(t, 1, true, "jurisdictions.B.crimes=[]")
	if st := objectiveStatus(t, w, "site-restored"); st != engine.ObjMet {
		t.Errorf("site-restored %s", st)
	}
	if st := objectiveStatus(t, w, "logs-preserved"); st != engine.ObjMet {
		t.Errorf("logs-preserved %s", st)
	}
	if w.Counters.RequestsRefused != 0 {
		t.Errorf("%d requests refused", w.Counters.RequestsRefused)
	}
}

func TestTutorialFast(t *testing.T) {
	start := time.Now()
	runTutorial(t, 1, true)
	// A note, not a failure: wall time depends on what else the machine
	// runs; the speed is measured by BenchmarkRunTutorial (docs/performance.md).
	if d := time.Since(start); d > time.Second {
		t.Logf("note: a tutorial run took %s", d)
	}
}

func BenchmarkTutorialRun(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runTutorial(b, uint64(i+1), true)
	}
}
