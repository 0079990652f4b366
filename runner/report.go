package runner

import (
	"fmt"
	"sort"
)

// ReportFormat names the format of test reports (`cyberex test --json`).
const ReportFormat = "cyberex-test/1"

// Report is the outcome of a test session: what `cyberex test --json`
// prints and `cyberex merge` reads and writes. A report of one shard holds
// the records of that shard's runs only; merging the reports of all shards
// gives the report of the whole session (timings aside).
type Report struct {
	Format string `json:"format"`
	Engine string `json:"engine"`
	// Shard is "I/N" when the report holds one shard's runs.
	Shard     string           `json:"shard,omitempty"`
	Scenarios []ScenarioReport `json:"scenarios"`
	Summary   Summary          `json:"summary"`
}

// ScenarioReport is one scenario folder.
type ScenarioReport struct {
	Path string `json:"path"`
	Name string `json:"name,omitempty"`
	// Errors are why the scenario (or one of its tests) could not be
	// loaded, one problem per line: bad input, exit 2.
	Errors []string     `json:"errors,omitempty"`
	Tests  []TestReport `json:"tests"`
}

// TestReport is one test of a scenario.
type TestReport struct {
	Name string `json:"name"`
	// Status is pass or fail. A report of one shard judges only its own
	// runs (Partial); the merged report judges them all.
	Status  string `json:"status"`
	Partial bool   `json:"partial,omitempty"`
	// Runs is the number of the test's seeds, in all shards; GoldenRuns
	// the runs of golden seeds that are not among them.
	Runs       int `json:"runs"`
	GoldenRuns int `json:"golden_runs,omitempty"`
	// Done is how many runs this report holds.
	Done int `json:"done"`
	// FailedRuns is how many of them failed a per-run expectation (or
	// their golden states, or failed to run).
	FailedRuns int `json:"failed_runs"`
	// Seconds is the wall time from the test's first run to its last.
	Seconds  float64   `json:"seconds"`
	Failures []Failure `json:"failures,omitempty"`
	// Updated is the golden file that --update rewrote.
	Updated string `json:"updated,omitempty"`
	// Run says how to make one of its runs with `cyberex run`.
	Run    RunSpec       `json:"run"`
	Across []AcrossCheck `json:"across,omitempty"`
	// Records are the runs, in run order.
	Records []RunRecord `json:"records"`
}

// Failure is one reason a test failed, with the command that shows it.
type Failure struct {
	Message string  `json:"message"`
	Seed    *uint64 `json:"seed,omitempty"`
	Replay  string  `json:"replay,omitempty"`
}

// RunRecord is the outcome of one run of a test.
type RunRecord struct {
	// Run numbers the test's runs: its seeds in order, then the golden
	// seeds that are not among them.
	Run  int    `json:"run"`
	Seed uint64 `json:"seed"`
	// Failure is the first thing that failed, Failed how many did, Replay
	// the command that shows it.
	Failure string `json:"failure,omitempty"`
	Failed  int    `json:"failed,omitempty"`
	Replay  string `json:"replay,omitempty"`
	// Samples are the run's values for the test's across checks, in
	// order; none when the run could not give them.
	Samples []int64 `json:"samples,omitempty"`

	golden *GoldenRun // recorded states, for --update
}

// Summary counts a report.
type Summary struct {
	Scenarios int     `json:"scenarios"`
	Invalid   int     `json:"invalid"`
	Tests     int     `json:"tests"`
	Passed    int     `json:"passed"`
	Failed    int     `json:"failed"`
	Runs      int     `json:"runs"`
	Seconds   float64 `json:"seconds"`
}

// OK says every test passed and every scenario was valid.
func (r *Report) OK() bool { return r.Summary.Failed == 0 && r.Summary.Invalid == 0 }

// ExitCode is what `cyberex test` exits with: 2 when a scenario is
// invalid, else 1 when a test failed, else 0.
func (r *Report) ExitCode() int {
	switch {
	case r.Summary.Invalid > 0:
		return 2
	case r.Summary.Failed > 0:
		return 1
	}
	return 0
}

func (r *Report) summarise() {
	s := Summary{Seconds: r.Summary.Seconds}
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		s.Scenarios++
		if len(sc.Errors) > 0 {
			s.Invalid++
		}
		for j := range sc.Tests {
			t := &sc.Tests[j]
			s.Tests++
			s.Runs += t.Done
			if t.Status == "pass" {
				s.Passed++
			} else {
				s.Failed++
			}
		}
	}
	r.Summary = s
}

// judge sets a test's status and failures from its records. whole says
// the records are all of the test's runs, so that the across checks can
// be judged; a shard's report leaves them to the merge.
func (t *TestReport) judge(whole bool) {
	sort.Slice(t.Records, func(i, j int) bool { return t.Records[i].Run < t.Records[j].Run })
	t.Done = len(t.Records)
	t.Partial = !whole
	t.FailedRuns = 0
	t.Failures = nil
	first := -1
	for i := range t.Records {
		if t.Records[i].Failure != "" {
			t.FailedRuns++
			if first < 0 {
				first = i
			}
		}
	}
	if first >= 0 {
		r := &t.Records[first]
		seed := r.Seed
		msg := fmt.Sprintf("seed %d: %s", seed, r.Failure)
		if r.Failed > 1 {
			msg += fmt.Sprintf(" (and %d more expectations failed in this run)", r.Failed-1)
		}
		if t.FailedRuns > 1 {
			msg += fmt.Sprintf("; %d of %d runs failed", t.FailedRuns, t.Done)
		} else if t.Done > 1 {
			msg += fmt.Sprintf("; 1 of %d runs failed", t.Done)
		}
		t.Failures = append(t.Failures, Failure{Message: msg, Seed: &seed, Replay: r.Replay})
	}
	if whole && len(t.Across) > 0 {
		// Only the test's own seeds count; golden-only runs do not.
		var own []RunRecord
		for _, r := range t.Records {
			if r.Run < t.Runs {
				own = append(own, r)
			}
		}
		for k, c := range t.Across {
			for _, f := range evalAcross(c, k, own) {
				fl := Failure{Message: "across: " + f.msg}
				if f.run >= 0 {
					seed := own[f.run].Seed
					fl.Seed = &seed
					if f.json {
						fl.Replay = t.Run.Command(seed, f.ticks, "--json")
					} else {
						fl.Replay = t.Run.Command(seed, f.ticks)
					}
				}
				t.Failures = append(t.Failures, fl)
			}
		}
	}
	t.Status = "pass"
	if len(t.Failures) > 0 {
		t.Status = "fail"
	}
}
