package loadtest

import (
	"strings"
	"testing"
	"time"

	_ "cyberex/engine/script/host" // the Lua host, for stories
	"cyberex/scenario"
	"cyberex/scenarios"
	"cyberex/scripts"
)

func load(source string, set []string) (*scenario.Scenario, string, error) {
	name := strings.TrimPrefix(source, "embedded:")
	sc, err := scenario.LoadFS(scenarios.FS, name, scenario.Options{Set: set, Library: scripts.FS, IgnoreTests: true})
	return sc, source, err
}

// A small load: every player gets deltas, commands are acknowledged, the
// figures are filled in. (The figures themselves are measured by
// `cyberex loadtest`, in docs/performance.md: no timed test here.)
func TestSmallLoad(t *testing.T) {
	res, err := Run(Options{Scenario: "embedded:tutorial", Exercises: 2, Players: 5, MillisPerTick: 20,
		Duration: time.Second, CommandsPerSecond: 5, Idle: 10, Load: load})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ticks == 0 || res.Deltas == 0 || res.Acked == 0 || res.IdleBytes <= 0 || res.LatencyMax <= 0 {
		t.Errorf("%+v", res)
	}
	if res.Dropped != 0 {
		t.Errorf("%d players dropped", res.Dropped)
	}
	var b strings.Builder
	res.Print(&b)
	for _, want := range []string{"tick end → player: p50", "commands acknowledged", "idle connection:", "CPU per unit of work", "cores this process may use"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRefusesNonsense(t *testing.T) {
	if _, err := Run(Options{Exercises: 0, Players: 1, MillisPerTick: 1, Duration: time.Second, Load: load}); err == nil {
		t.Error("no exercises accepted")
	}
}
