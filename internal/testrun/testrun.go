// Package testrun runs a scenario of the repository and reads its journal
// back, for the tests of the packages that work from journals (report,
// debrief, stix); and it prepares the scenario whose tests fail on purpose
// for the tests of runner and cli (Broken).
package testrun

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
)

// Root is the repository's root as seen from a package one level down.
const Root = ".."

// Load loads scenarios/NAME of the repository with the repository's Lua
// library.
func Load(t testing.TB, name string, set ...string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Load(filepath.Join(Root, "scenarios", name), scenario.Options{Set: set, Library: os.DirFS(filepath.Join(Root, "scripts")), IgnoreTests: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Commands reads a commands file of scenarios/NAME ("" reads none).
func Commands(t testing.TB, name, file string) []engine.Command {
	t.Helper()
	if file == "" {
		return nil
	}
	cs, err := journal.ReadCommandsFile(filepath.Join(Root, "scenarios", name, file))
	if err != nil {
		t.Fatal(err)
	}
	return cs.List
}

// Journal runs s with a seed and commands, checkpoints every hashEvery
// ticks (0: the default), and returns the journal read back.
func Journal(t testing.TB, s *scenario.Scenario, seed uint64, cmds []engine.Command, hashEvery int32) *journal.Journal {
	t.Helper()
	var buf bytes.Buffer
	if _, err := headless.Run(s, headless.RunOptions{Seed: seed, Commands: cmds, Journal: &buf, HashEvery: hashEvery,
		CreatedBy: "cyberex run", ScenarioDir: "../scenarios/" + s.Name}); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Read(&buf, s.Name+".jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return j
}
