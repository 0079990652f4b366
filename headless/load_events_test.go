package headless

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/scenario"
)

// What a story logs while it loads (tick 0) reaches OnEvents like the
// events of any tick, so `cyberex run --log` shows it.
func TestLoadTimeLogReachesOnEvents(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../scenarios/tutorial/scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	story, err := os.ReadFile("../scenarios/tutorial/story.lua")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "scenario.yaml"), src, 0o644)
	os.WriteFile(filepath.Join(dir, "story.lua"), append(story, []byte("\nlog(\"loaded\")\n")...), 0o644)
	cmds, _ := os.ReadFile("../scenarios/tutorial/commands.jsonl")
	os.WriteFile(filepath.Join(dir, "commands.jsonl"), cmds, 0o644)
	s, err := scenario.Load(dir, scenario.Options{IgnoreTests: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []engine.Event
	if _, err := Run(s, RunOptions{Seed: 1, Ticks: 2, OnEvents: func(evs []engine.Event) { got = append(got, evs...) }}); err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if e.Kind == engine.EvLog && e.Tick == 0 && strings.Contains(e.Text, "loaded") {
			return
		}
	}
	t.Fatalf("the load-time log line never reached OnEvents: %v", got)
}
