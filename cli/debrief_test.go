package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cyberex/debrief"
	"cyberex/journal"
	"cyberex/scenario"
	"cyberex/server"
	"cyberex/store"
)

// TestReportBranchCommands runs the debrief commands end to end on the
// small test scenario: a journal, its commands exported and run again, a
// branch, and the report with the branch and a note.
func TestReportBranchCommands(t *testing.T) {
	dir := t.TempDir()
	moves := writeFile(t, dir, "moves.jsonl", `{"tick":5,"org":"csirt","verb":"investigate","target":"c2"}
{"tick":20,"org":"csirt","verb":"request","target":"hoster","args":{"kind":"takedown","target":"c2"}}
`)
	jpath := filepath.Join(dir, "run.jsonl")
	if code, _, errOut := cyberex(t, "run", botnet, "--commands", moves, "--journal", jpath); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errOut)
	}
	exported := filepath.Join(dir, "played.jsonl")
	if code, _, errOut := cyberex(t, "commands", jpath, "-o", exported); code != 0 || !strings.Contains(errOut, "2 commands of people") {
		t.Fatalf("commands: exit %d: %s", code, errOut)
	}
	_, want, _ := cyberex(t, "run", botnet, "--commands", moves, "--json")
	if code, got, errOut := cyberex(t, "run", botnet, "--commands", exported, "--json"); code != 0 || got != want {
		t.Errorf("the exported commands do not make the same run: exit %d %s\n%s\nwant\n%s", code, errOut, got, want)
	}

	// The branch forks after tick 10: the request at 20 is replaced by none.
	empty := writeFile(t, dir, "nothing.jsonl", "")
	bpath := filepath.Join(dir, "no-takedown.jsonl")
	code, out, errOut := cyberex(t, "branch", jpath, "--at", "10", "--commands", empty, "-o", bpath)
	if code != 0 || !strings.Contains(out, "objectives") {
		t.Fatalf("branch: exit %d: %s %s", code, out, errOut)
	}
	if code, _, errOut := cyberex(t, "branch", jpath, "--at", "10", "--commands", moves); code != 2 || !strings.Contains(errOut, "moves.jsonl:1: tick 5: a branch's commands come after the fork tick 10") {
		t.Errorf("early command: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cyberex(t, "branch", jpath, "--commands", empty); code != 2 || !strings.Contains(errOut, "--at TICK is required") {
		t.Errorf("no --at: exit %d: %s", code, errOut)
	}

	notes := writeFile(t, dir, "notes.jsonl", `{"tick":6,"author":"eva","text":"csirt investigated the C2 at once"}`+"\n")
	report := filepath.Join(dir, "aar.html")
	if code, _, errOut := cyberex(t, "report", jpath, "--branch", bpath, "--notes", notes, "-o", report); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	html := string(mustRead(t, report))
	for _, want := range []string{"What-if branches", "no-takedown", "csirt investigated the C2 at once", "After-Action Report"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	bad := writeFile(t, dir, "bad-notes.jsonl", `{"tick":1}`+"\n")
	if code, _, errOut := cyberex(t, "report", jpath, "--notes", bad, "-o", report); code != 2 || !strings.Contains(errOut, "bad-notes.jsonl:1: text missing") {
		t.Errorf("bad notes: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cyberex(t, "report", jpath, "--format", "docx"); code != 2 || !strings.Contains(errOut, "html or pdf") {
		t.Errorf("bad format: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
		t.Error("a refused report wrote a file")
	}
}

// TestReportOfAServerExercise: the report of an exercise id reads its
// journal from the server's data folder and its notes and chat from the
// catalogue.
func TestReportOfAServerExercise(t *testing.T) {
	data := t.TempDir()
	st, err := store.Open(filepath.Join(data, store.FileName), false)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := st.CreateExercise(store.Exercise{Title: "class 3", Scenario: botnet, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddNote(store.Note{Exercise: ex.ID, Tick: 7, Author: "eva", Role: "observer", Text: "the CSIRT shared late"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddChat(store.Chat{Exercise: ex.ID, Tick: 9, From: "csirt", Author: "p-1", To: "hoster", Text: "please take c2 down"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	jpath := server.JournalFile(data, ex.ID)
	if err := os.MkdirAll(filepath.Dir(jpath), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cyberex(t, "run", botnet, "--journal", jpath); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errOut)
	}
	// A what-if branch forked from the console is kept beside the journal
	// (server.BranchesDir): the report compares it without being told.
	if err := os.MkdirAll(server.BranchesDir(data, ex.ID), 0o755); err != nil {
		t.Fatal(err)
	}
	// It stops at the tick it was compared at (40), as the console's do:
	// the report compares it with this run at that tick too.
	sc, err := scenario.Load(botnet, scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(server.BranchesDir(data, ex.ID), "late-csirt.jsonl")
	f, err := journal.CreateFile(kept)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(botnet)
	if _, err := debrief.Branch(sc, j, debrief.BranchOptions{At: 10, Ticks: 40, Journal: f, CreatedBy: "cyberex serve what-if late-csirt --at 10", ScenarioDir: abs}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(t.TempDir(), "aar.html")
	if code, _, errOut := cyberex(t, "report", ex.ID, "--data", data, "-o", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	html := string(mustRead(t, out))
	for _, want := range []string{"the CSIRT shared late", "eva (observer)", "csirt → hoster: please take c2 down", "What-if branches", "late-csirt", "this run to &#43;0d 00:40", "this run up to tick 40"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if code, _, errOut := cyberex(t, "report", "ex-99", "--data", data); code != 2 || !strings.Contains(errOut, "neither a journal file nor an exercise") {
		t.Errorf("unknown exercise: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cyberex(t, "report", "nosuch.jsonl", "--data", filepath.Join(data, "none")); code != 2 {
		t.Errorf("no data folder: exit %d: %s", code, errOut)
	}
}
