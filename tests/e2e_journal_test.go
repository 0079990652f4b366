package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A journal finds its scenario from any current folder, and a run that
// fails on a script error records it: the replay says it fails the same
// way.
func TestEndToEndJournals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	root, bin := build(t)
	work := t.TempDir()
	elsewhere := t.TempDir()

	// A scenario folder of its own (copied from the tutorial), run as "."
	// from inside it, its journal written elsewhere.
	scen := filepath.Join(work, "scen")
	os.Mkdir(scen, 0o755)
	for _, f := range []string{"scenario.yaml", "story.lua"} {
		data, err := os.ReadFile(filepath.Join(root, tutorial, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(scen, f), data, 0o644)
	}
	story, _ := os.ReadFile(filepath.Join(scen, "story.lua"))
	failing := string(story) + "\nat(5, function() local t = nil; return t.go end)\n"
	os.WriteFile(filepath.Join(scen, "story.lua"), []byte(failing), 0o644)

	t.Run("scenario . replayed from elsewhere", func(t *testing.T) {
		for _, jpath := range []string{filepath.Join(work, "dot.jsonl"), filepath.Join(elsewhere, "dot.jsonl")} {
			code, _, errOut := cyberex(t, bin, filepath.Join(root, tutorial), "run", ".", "--ticks", "50", "--journal", jpath)
			if code != 0 {
				t.Fatalf("run: exit %d %s", code, errOut)
			}
			for _, dir := range []string{root, elsewhere, "/"} {
				code, out, errOut := cyberex(t, bin, dir, "replay", jpath)
				if code != 0 || !strings.HasPrefix(out, "ok ") {
					t.Errorf("replay %s from %s: exit %d\n%s%s", jpath, dir, code, out, errOut)
				}
			}
		}
	})

	t.Run("a journal moved with its scenario", func(t *testing.T) {
		jpath := filepath.Join(work, "runs", "moved.jsonl")
		os.Mkdir(filepath.Dir(jpath), 0o755)
		if code, _, errOut := cyberex(t, bin, root, "run", filepath.Join(root, tutorial), "--ticks", "30", "--journal", jpath); code != 0 {
			t.Fatalf("run: %s", errOut)
		}
		data, _ := os.ReadFile(jpath)
		if !strings.Contains(string(data), `"scenario_dir":"`+filepath.ToSlash(filepath.Join(root, tutorial))+`"`) &&
			!strings.Contains(string(data), `"scenario_dir":"../`) {
			t.Errorf("header: %s", strings.SplitN(string(data), "\n", 2)[0])
		}
		// The scenario gone: the error says to give it.
		lost := filepath.Join(elsewhere, "lost.jsonl")
		// Replace the whole recorded folder: prefixing it could still climb
		// back to the real scenario through its "../" parts.
		moved := regexp.MustCompile(`"scenario_dir":"[^"]*"`).ReplaceAllString(string(data), `"scenario_dir":"nowhere/tutorial"`)
		os.WriteFile(lost, []byte(moved), 0o644)
		code, _, errOut := cyberex(t, bin, elsewhere, "replay", lost)
		if code != 2 || !strings.Contains(errOut, "give its folder with --scenario DIR") {
			t.Errorf("lost scenario: exit %d %s", code, errOut)
		}
	})

	t.Run("a failed run", func(t *testing.T) {
		jpath := filepath.Join(work, "failed.jsonl")
		code, _, errOut := cyberex(t, bin, work, "run", "scen", "--journal", jpath)
		if code != 2 || !strings.Contains(errOut, "tick 5") {
			t.Fatalf("run: exit %d %s", code, errOut)
		}
		data, _ := os.ReadFile(jpath)
		if !strings.Contains(string(data), `{"type":"failed","tick":5,"error":"story.lua:`) {
			t.Errorf("journal:\n%s", data)
		}
		code, out, errOut := cyberex(t, bin, elsewhere, "replay", jpath)
		if code != 0 || !strings.HasPrefix(out, "ok: the run fails at tick 5 as recorded: story.lua:") {
			t.Errorf("replay: exit %d\n%s%s", code, out, errOut)
		}
		// The script fixed: another scenario (its digest), exit 2.
		os.WriteFile(filepath.Join(scen, "story.lua"), story, 0o644)
		defer os.WriteFile(filepath.Join(scen, "story.lua"), []byte(failing), 0o644)
		code, out, errOut = cyberex(t, bin, elsewhere, "replay", jpath, "--scenario", scen)
		if code != 2 || !strings.Contains(errOut, "it changed since the run") {
			t.Errorf("replay against a changed scenario: exit %d\n%s%s", code, out, errOut)
		}
	})
}
