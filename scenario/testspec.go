package scenario

import "cyberex/engine"

// TestSpec is one regression test of the scenario, run by `cyberex test`:
// every seed is a run of Ticks ticks; Expect is checked on each run, Across
// over all of them, Golden records state at chosen ticks.
//
// The loader only decodes and checks a test; running it is the runner's.
// A runner loads the scenario again with Options.Set = its own overrides
// followed by the test's Set, so a test's world is built exactly like a
// scenario with those --set flags.
type TestSpec struct {
	Name        string              `yaml:"name" required:"true" doc:"test name (unique)"`
	Description string              `yaml:"description" doc:"what it checks"`
	Seeds       Seeds               `yaml:"seeds" doc:"run seeds: \"1..100\", a list [1, 2, 3] or one number (default 1)"`
	Ticks       *Duration           `yaml:"ticks" doc:"length of each run (default: the scenario's duration)"`
	Scripted    OrgSet              `yaml:"scripted" doc:"organisations played by their scripts/policies: all, none (default) or a list; the others are idle humans"`
	Set         []string            `yaml:"set" doc:"--set overrides for this test, e.g. organisations.police-a.staff=4"`
	Vars        map[string]any      `yaml:"vars" doc:"values scripts read with var(name), over the scenario's vars"`
	Commands    string              `yaml:"commands" doc:"file of player commands, one JSON object per line (journal command format)"`
	Expect      []Expectation       `yaml:"expect" doc:"checked on every run"`
	Across      []AcrossExpectation `yaml:"across" doc:"checked over all the runs"`
	Golden      *GoldenSpec         `yaml:"golden" doc:"state recorded at chosen ticks and compared with a file"`

	// CommandList is Commands read and checked by the loader, in file order.
	CommandList []engine.Command `yaml:"-"`
}

// Expectation is checked on each run. Exactly one of Objective, Metric and
// Event is given.
type Expectation struct {
	Objective string    `yaml:"objective" doc:"objective id"`
	Status    string    `yaml:"status" enum:"objstatus" doc:"status it must have: met, failed or pending (default met)"`
	By        *Duration `yaml:"by" doc:"the objective must be decided, or the event have happened, by this tick"`
	Metric    string    `yaml:"metric" doc:"metric name"`
	Min       *int64    `yaml:"min" doc:"lowest allowed value"`
	Max       *int64    `yaml:"max" doc:"highest allowed value"`
	At        *When     `yaml:"at" doc:"when the metric is read: end (default), always, or a tick/duration"`
	Event     string    `yaml:"event" doc:"event kind, e.g. botnet.c2_disrupted"`
	Happened  *bool     `yaml:"happened" doc:"whether the event must happen (default true)"`
}

// AcrossExpectation is checked over all the seeds of a test. Exactly one of
// Objective, Metric and Event is given.
type AcrossExpectation struct {
	Objective       string    `yaml:"objective" doc:"objective id"`
	MetAtLeast      *Fraction `yaml:"met_at_least" doc:"share of runs in which it is met, at least"`
	MetAtMost       *Fraction `yaml:"met_at_most" doc:"share of runs in which it is met, at most"`
	Metric          string    `yaml:"metric" doc:"metric name, read at the end of each run (or at)"`
	At              *When     `yaml:"at" doc:"when the metric is read: end (default) or a tick/duration"`
	Mean            *Bounds   `yaml:"mean" doc:"bounds on the mean over runs"`
	Median          *Bounds   `yaml:"median" doc:"bounds on the median"`
	P10             *Bounds   `yaml:"p10" doc:"bounds on the 10th percentile"`
	P90             *Bounds   `yaml:"p90" doc:"bounds on the 90th percentile"`
	P95             *Bounds   `yaml:"p95" doc:"bounds on the 95th percentile"`
	P99             *Bounds   `yaml:"p99" doc:"bounds on the 99th percentile"`
	Event           string    `yaml:"event" doc:"event kind"`
	HappenedAtLeast *Fraction `yaml:"happened_at_least" doc:"share of runs in which the event happens, at least"`
	HappenedAtMost  *Fraction `yaml:"happened_at_most" doc:"share of runs in which the event happens, at most"`
}

// Bounds limits a statistic.
type Bounds struct {
	Min *int64 `yaml:"min" doc:"lowest allowed value"`
	Max *int64 `yaml:"max" doc:"highest allowed value"`
}

// GoldenSpec records the state hash and metrics of some runs at some ticks
// into a file; `cyberex test --update` rewrites it.
type GoldenSpec struct {
	File  string     `yaml:"file" required:"true" doc:"file, relative to the scenario folder"`
	Ticks []Duration `yaml:"ticks" required:"true" doc:"ticks (or durations) at which the state is recorded"`
	Seeds Seeds      `yaml:"seeds" doc:"seeds recorded (default: the test's first seed)"`
}

// ApplyScripted marks the organisations the test plays by script as
// scripted in w. Organisations the scenario itself declares scripted stay
// so; the other teams are idle humans (they act only through the test's
// commands).
func (t *TestSpec) ApplyScripted(w *engine.World) {
	for i := range w.Orgs {
		o := &w.Orgs[i]
		if t.Scripted.All && o.Kind != engine.OrgAdversary {
			o.Scripted = true
		}
		for _, id := range t.Scripted.Orgs {
			if id == o.ID {
				o.Scripted = true
			}
		}
	}
}

// TestVars returns the scenario's vars overridden by the test's.
func (s *Scenario) TestVars(t *TestSpec) map[string]any {
	out := make(map[string]any, len(s.Vars)+len(t.Vars))
	for k, v := range s.Vars {
		out[k] = v
	}
	for k, v := range t.Vars {
		out[k] = v
	}
	return out
}
