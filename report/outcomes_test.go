package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"cyberex/runner"
)

func sweepLine(seed int, response string, bots int, met bool) string {
	st := "failed"
	if met {
		st = "met"
	}
	return `{"run":0,"seed":` + itoa(seed) + `,"params":{"vars.response":"` + response + `"},"ticks":10,"state_hash":"x",` +
		`"objectives":[{"id":"c2","status":"` + st + `","tick":5}],"metrics":{"bots":` + itoa(bots) + `,"same":7,"tick":10}}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestSweepOutcomes: one sweep file with two variations gives two groups;
// objectives become shares, a metric that never varies is left out.
func TestSweepOutcomes(t *testing.T) {
	lines := []string{sweepLine(1, "fast", 10, true), sweepLine(2, "fast", 20, true), sweepLine(1, "slow", 900, false),
		sweepLine(2, "slow", 800, true), `{"seed":3,"params":{"vars.response":"slow"},"error":"story.lua:1: boom"}`}
	sets, err := ReadSweep(strings.NewReader(strings.Join(lines, "\n")+"\n"), "sw.jsonl", "bot")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Label != "bot vars.response=fast" || len(sets[1].Rows) != 2 {
		t.Fatalf("sets: %+v", sets)
	}
	shares, groups := SweepOutcomes(sets, []string{"bots"})
	if len(shares.Rows) != 1 || shares.Rows[0].Met[0] != 2 || shares.Rows[0].Met[1] != 1 || shares.Rows[0].Percent(1) != 50 {
		t.Fatalf("shares: %+v", shares)
	}
	if len(groups) != 1 || groups[0].Title != "bots" || len(groups[0].Samples[1]) != 2 {
		t.Fatalf("groups: %+v", groups)
	}
	s, j := runJournal(t, "tutorial", 1, "commands.jsonl")
	r, err := Collect(s, j, "this run")
	if err != nil {
		t.Fatal(err)
	}
	a := Build(r, s, nil)
	a.Shares, a.Outcomes = shares, groups
	var out bytes.Buffer
	if err := WriteHTML(&out, a); err != nil {
		t.Fatal(err)
	}
	html := out.String()
	for _, want := range []string{"Outcomes over seeds", "bot vars.response=slow (2 runs)", "1 of 2", `aria-label="bots"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, bad := range []string{"not json\n", `{"seed":"one"}` + "\n", ""} {
		if _, err := ReadSweep(strings.NewReader(bad), "sw.jsonl", "x"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestTestReportOutcomes: the across samples of cyberex test --json are
// drawn test beside test, per check.
func TestTestReportOutcomes(t *testing.T) {
	rep := runner.Report{Format: runner.ReportFormat, Scenarios: []runner.ScenarioReport{{Name: "bot", Tests: []runner.TestReport{
		{Name: "fast", Across: []runner.AcrossCheck{{What: "metric", Name: "bots", At: 288}}, Records: []runner.RunRecord{{Samples: []int64{10}}, {Samples: []int64{30}}}},
		{Name: "slow", Across: []runner.AcrossCheck{{What: "metric", Name: "bots", At: 288}, {What: "objective", Name: "c2"}}, Records: []runner.RunRecord{{Samples: []int64{900, 0}}}},
	}}}}
	b, _ := json.Marshal(rep)
	gs, err := ReadTestReport(bytes.NewReader(b), "t.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 || gs[0].Title != "bot: metric bots at tick 288" || len(gs[0].Groups) != 2 || gs[0].Samples[1][0] != 900 {
		t.Fatalf("groups: %+v", gs)
	}
	if _, err := ReadTestReport(strings.NewReader(`{"format":"other"}`), "t.json"); err == nil {
		t.Error("another format was read")
	}
}
