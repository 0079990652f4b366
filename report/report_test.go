package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/internal/testrun"
	"cyberex/journal"
	"cyberex/scenario"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden reports in testdata/")

// runJournal runs a scenario of the repository with a seed (and a
// commands file of the scenario) and reads its journal back.
func runJournal(t testing.TB, name string, seed uint64, commands string) (*scenario.Scenario, *journal.Journal) {
	t.Helper()
	s := testrun.Load(t, name)
	return s, testrun.Journal(t, s, seed, testrun.Commands(t, name, commands), 0)
}

func reportHTML(t testing.TB, s *scenario.Scenario, j *journal.Journal, notes []Note) []byte {
	t.Helper()
	r, err := Collect(s, j, "this run")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteHTML(&out, Build(r, s, notes)); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func readNotes(t testing.TB, path string) []Note {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ns, err := ReadNotes(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// goldenRuns are the reports pinned byte for byte: a fixed seed of every
// scenario that ships (the tutorial with its players' commands and an
// evaluator's notes).
var goldenRuns = []struct {
	scenario, commands, notes string
	seed                      uint64
}{
	{"tutorial", "commands.jsonl", "testdata/tutorial-notes.jsonl", 1},
	{"botnet-crossborder", "", "", 1},
	{"grid-hybrid", "", "", 1},
	{"propaganda-network", "", "", 1},
}

// TestGoldenReports pins the report of each scenario: a change of the
// report, the engine or a scenario shows as a diff of readable HTML
// (go test ./report -run TestGoldenReports -rewrite rewrites them).
func TestGoldenReports(t *testing.T) {
	for _, g := range goldenRuns {
		t.Run(g.scenario, func(t *testing.T) {
			if testing.Short() && g.scenario == "botnet-crossborder" {
				t.Skip("48,000 hosts: not with -short")
			}
			s, j := runJournal(t, g.scenario, g.seed, g.commands)
			var notes []Note
			if g.notes != "" {
				notes = readNotes(t, g.notes)
			}
			got := reportHTML(t, s, j, notes)
			path := filepath.Join("testdata", g.scenario+".html")
			if *rewrite {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./report -run TestGoldenReports -rewrite writes it)", err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				line := bytes.Count(got[:i], []byte("\n")) + 1
				from := max(i-60, 0)
				t.Fatalf("%s differs at line %d, byte %d:\n got: …%s…\nwant: …%s…\n(go test ./report -run TestGoldenReports -rewrite if the change is meant)",
					path, line, i, got[from:min(i+100, len(got))], want[from:min(i+100, len(want))])
			}
		})
	}
}

// TestSelfContained checks that the report fetches nothing when opened:
// no script, no stylesheet or font link, no URL but the SVG namespace.
func TestSelfContained(t *testing.T) {
	s, j := runJournal(t, "tutorial", 1, "commands.jsonl")
	html := string(reportHTML(t, s, j, readNotes(t, "testdata/tutorial-notes.jsonl")))
	for _, bad := range []string{"<script", "<link", "@import", "url(", "<img", "<iframe", "<object", "src="} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("the report holds %q: it must need nothing from outside", bad)
		}
	}
	urls := regexp.MustCompile(`(?i)(https?|ftp)://[^"' <]*`).FindAllString(html, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the report names the URL %s", u)
		}
	}
	if n := strings.Count(html, "<svg"); n < 6 {
		t.Errorf("%d pictures, want the timeline, infrastructure, campaign, evidence, timing and requests at least", n)
	}
	if !strings.Contains(html, "EXERCISE DATA") {
		t.Error("the report does not say it is exercise data")
	}
	if !strings.Contains(html, "@media print") || !strings.Contains(html, "@page") {
		t.Error("the report has no print style")
	}
}

// TestHostileText checks that text from the scenario, the journal and the
// notes cannot inject markup into the report.
func TestHostileText(t *testing.T) {
	s, j := runJournal(t, "tutorial", 1, "commands.jsonl")
	notes := []Note{{Tick: 5, Author: `<script>alert(1)</script>`, Kind: NoteImprovement, Text: `"><svg onload=alert(1)>`, Capability: "</td><script>"}}
	html := string(reportHTML(t, s, j, notes))
	for _, bad := range []string{"<script>alert", "<svg onload", "</td><script>"} {
		if strings.Contains(html, bad) {
			t.Errorf("a note's text reached the page as markup: %q", bad)
		}
	}
}

func TestRatings(t *testing.T) {
	r := &Run{TickSeconds: 60}
	cases := []struct {
		name     string
		o        Objective
		expectBy int32
		want     Rating
	}{
		{"met, nothing expected", Objective{Status: "met", Tick: 50, Mode: "by"}, -1, RatingP},
		{"met in time", Objective{Status: "met", Tick: 50, Mode: "by"}, 60, RatingP},
		{"met late", Objective{Status: "met", Tick: 70, Mode: "by"}, 60, RatingS},
		{"failed, held after the deadline", Objective{Status: "failed", Tick: 100, Mode: "by", Metric: "bots", FirstHeld: 150}, -1, RatingM},
		{"failed, never held", Objective{Status: "failed", Tick: 100, Mode: "by", Metric: "bots", FirstHeld: -1}, -1, RatingU},
		{"always, held most of the time", Objective{Status: "failed", Tick: 100, Mode: "always", Metric: "x", HeldTicks: 80, JudgedTicks: 100}, -1, RatingM},
		{"always, held little", Objective{Status: "failed", Tick: 100, Mode: "always", Metric: "x", HeldTicks: 20, JudgedTicks: 100}, -1, RatingU},
		{"never, the forbidden held briefly", Objective{Status: "failed", Tick: 100, Mode: "never", Metric: "x", HeldTicks: 10, JudgedTicks: 100}, -1, RatingM},
		{"never, the forbidden held mostly", Objective{Status: "failed", Tick: 100, Mode: "never", Metric: "x", HeldTicks: 90, JudgedTicks: 100}, -1, RatingU},
		{"script objective failed", Objective{Status: "failed", Tick: 100, Script: true}, -1, RatingU},
		{"pending", Objective{Status: "pending", Tick: -1}, -1, RatingNone},
	}
	for _, c := range cases {
		if got, why := rate(c.o, c.expectBy, r); got != c.want {
			t.Errorf("%s: %q (%s), want %q", c.name, got, why, c.want)
		}
	}
}

func TestCapabilityIsWorstOfItsObjectives(t *testing.T) {
	caps := capabilities([]RatedObjective{
		{Objective: Objective{ID: "a", Capabilities: []string{"Cybersecurity"}}, Rating: RatingP},
		{Objective: Objective{ID: "b", Capabilities: []string{"Cybersecurity", "Forensics"}}, Rating: RatingM},
		{Objective: Objective{ID: "c", Capabilities: []string{"Forensics"}}, Rating: RatingNone},
		{Objective: Objective{ID: "d"}, Rating: RatingS},
	})
	want := map[string]Rating{"Cybersecurity": RatingM, "Forensics": RatingM, "(no capability declared)": RatingS}
	if len(caps) != len(want) {
		t.Fatalf("%d capabilities, want %d: %+v", len(caps), len(want), caps)
	}
	for _, c := range caps {
		if c.Rating != want[c.Name] {
			t.Errorf("%s: %q, want %q", c.Name, c.Rating, want[c.Name])
		}
	}
}

// TestCollectRefusesAJournalThatDoesNotReplay: a report of a journal
// whose hashes the scenario does not reproduce would describe another run.
func TestCollectRefusesAJournalThatDoesNotReplay(t *testing.T) {
	s, j := runJournal(t, "tutorial", 1, "commands.jsonl")
	j.Hashes[len(j.Hashes)-1].Hash = strings.Repeat("0", 64)
	if _, err := Collect(s, j, "x"); err == nil || !strings.Contains(err.Error(), "does not replay") {
		t.Fatalf("err = %v, want: does not replay", err)
	}
}

func TestReadNotesErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"tick":-1,"text":"x"}`, "n.jsonl:1: tick -1 is negative"},
		{"\n{\"tick\":1}", "n.jsonl:2: text missing"},
		{`{"tick":1,"text":"x","kind":"gossip"}`, `n.jsonl:1: kind "gossip"`},
		{`{"tick":1,"text":"x","extra":1}`, `n.jsonl:1: json: unknown field "extra"`},
		{`{"tick":1,"text":"x"} {}`, "n.jsonl:1: data after"},
		{`{"tick":"1","text":"x"}`, "n.jsonl:1: json: cannot unmarshal"},
		{`{"tick":1,"text":"` + strings.Repeat("a", NoteTextBytesMax+1) + `"}`, "n.jsonl:1: text longer"},
		{strings.Repeat("x", NoteLineBytesMax+2), "n.jsonl:1: line longer"},
	}
	for _, c := range cases {
		_, err := ReadNotes(strings.NewReader(c.in), "n.jsonl")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%.40q: err = %v, want %s…", c.in, err, c.want)
		}
	}
	ns, err := ReadNotes(strings.NewReader(`{"tick":9,"text":"late"}`+"\n\n"+`{"tick":3,"text":"early","kind":"strength","author":"eva"}`), "n.jsonl")
	if err != nil || len(ns) != 2 || ns[0].Text != "early" || ns[1].Kind != NoteObservation || ns[1].Author != "evaluator" {
		t.Fatalf("notes = %+v, %v", ns, err)
	}
}

// FuzzReadNotes: no notes file makes the reader panic, and what it
// accepts holds only checked notes.
func FuzzReadNotes(f *testing.F) {
	f.Add([]byte(`{"tick":3,"text":"x","kind":"strength","author":"eva"}` + "\n"))
	f.Add([]byte("\n\n{\"tick\":1}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ns, err := ReadNotes(bytes.NewReader(data), "n.jsonl")
		if err != nil {
			return
		}
		for _, n := range ns {
			if n.Tick < 0 || n.Text == "" || n.Kind == "" || len(n.Text) > NoteTextBytesMax {
				t.Fatalf("accepted a bad note %+v", n)
			}
		}
	})
}

// TestFoundIsADetection: the payload decides (by, Value), not the text:
// the texts below are worded to mislead.
func TestFoundIsADetection(t *testing.T) {
	by := func(how string) []engine.Arg { return []engine.Arg{{Key: "by", Value: how}} }
	cases := []struct {
		e    engine.Event
		want bool
	}{
		{engine.Event{Kind: engine.EvAssetDetected, Text: "scan of victim-pc", Fields: by("sensor")}, true},
		{engine.Event{Kind: engine.EvAssetDetected, Text: "isp-a: alert on bb-1", Fields: by("investigation")}, false},
		{engine.Event{Kind: engine.EvAssetDetected, Text: "csirt-a investigated bb-1: 3 compromised", Value: 3, Fields: by("investigation")}, true},
		{engine.Event{Kind: engine.EvAssetDetected, Text: "alert on bb-1", Fields: by("scan")}, false},
		{engine.Event{Kind: engine.EvAssetDetected, Value: 2, Fields: by("scan")}, true},
		{engine.Event{Kind: engine.EvBotnetAlert, Text: "11 hosts in bb-22 show botnet traffic", Value: 11}, true},
	}
	for i, c := range cases {
		if got := found(c.e); got != c.want {
			t.Errorf("%d %q %v: %v, want %v", i, c.e.Text, c.e.Fields, got, c.want)
		}
	}
}

// TestSeriesAreBounded: a three-week run of 2,016 ticks keeps at most
// SamplesMax regular samples per figure (and the changes of the
// infrastructure levels, at most 4×SamplesMax).
func TestSeriesAreBounded(t *testing.T) {
	s, j := runJournal(t, "grid-hybrid", 1, "")
	r, err := Collect(s, j, "run")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range r.Series {
		limit := SamplesMax + 1
		if x.Group == "infra" {
			limit = 4*SamplesMax + 1
		}
		if len(x.Ticks) > limit || len(x.Ticks) < 2 {
			t.Errorf("%s %s: %d samples (limit %d)", x.Group, x.Name, len(x.Ticks), limit)
		}
		for k := 1; k < len(x.Ticks); k++ {
			if x.Ticks[k] <= x.Ticks[k-1] {
				t.Fatalf("%s: samples out of order at %d", x.Name, k)
			}
		}
	}
}

// TestRelatedEventsFollowThePayload: beside an objective on a metric that
// counts only some events of a kind, the report lists only those: traces,
// not freezes; refusals, not other answers; lawful copies; detections that
// found something.
func TestRelatedEventsFollowThePayload(t *testing.T) {
	ev := func(tick int32, kind string, kv ...string) engine.Event {
		e := engine.Event{Tick: tick, Kind: kind, Subject: kind + "-" + kv[1]}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Fields = append(e.Fields, engine.Arg{Key: kv[i], Value: kv[i+1]})
		}
		return e
	}
	r := &Run{Ticks: 100, Events: []engine.Event{
		ev(1, engine.EvFundsTraced, "how", "freeze"), ev(2, engine.EvFundsTraced, "how", "trace"),
		ev(3, engine.EvRequestAnswered, "status", "done"), ev(4, engine.EvRequestAnswered, "status", "refused"),
		ev(5, engine.EvEvidenceObtained, "custody", "informal"), ev(6, engine.EvEvidenceObtained, "custody", "lawful"),
		ev(7, engine.EvAssetDetected, "by", "investigation"), ev(8, engine.EvAssetDetected, "by", "sensor"),
	}}
	for metric, want := range map[string]int32{"money_traced": 2, "requests_refused": 4, "evidence_lawful": 6, "detections": 8} {
		got := relatedEvents(r, Objective{ID: "o", Metric: metric, Tick: -1}, nil)
		if len(got) != 1 || got[0].Tick != want {
			t.Errorf("%s: related %+v, want only the event of tick %d", metric, got, want)
		}
	}
}
