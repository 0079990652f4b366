package hostile

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
	"cyberex/scripts"
)

// hashesOut, when set, receives the state hashes TestStateHashes computed,
// one "case tick hash" line each: `make cross-arch` compares the file an
// amd64 build writes with those the 386 and arm64 builds write under
// qemu-user.
var hashesOut = flag.String("hashes", "", "write the state hashes of TestStateHashes to `FILE`")

// hashCase is a run whose state hashes must be the same on every run and
// every machine. Files of the suite add their own (the Lua attacks whose
// results could depend on the machine: transcendental math, error texts)
// in an init function.
type hashCase struct {
	Name string
	FS   fs.FS // the scenario folder is Dir inside it
	Dir  string
	Seed uint64
	// Ticks is how far to run; 0 runs to the scenario's end.
	Ticks int32
	// Every is the interval of the hashes compared, in ticks (0: 500).
	Every int32
	// Fails says the run ends with a script error; its text is compared
	// too.
	Fails bool
}

// repoScenarios are the scenarios of the repository (the test runs in
// tests/hostile).
var repoScenarios = scenario.FolderFS("../../scenarios")

var hashCases = []hashCase{
	{Name: "tutorial", FS: repoScenarios, Dir: "tutorial", Seed: 1},
	{Name: "tutorial-seed-2", FS: repoScenarios, Dir: "tutorial", Seed: 2},
	{Name: "botnet-crossborder", FS: repoScenarios, Dir: "botnet-crossborder", Seed: 1},
	{Name: "grid-hybrid", FS: repoScenarios, Dir: "grid-hybrid", Seed: 1},
	{Name: "propaganda-network", FS: repoScenarios, Dir: "propaganda-network", Seed: 1},
	{Name: "minimal-story", FS: fstest.MapFS{
		"s/scenario.yaml": {Data: []byte(MinimalYAML)},
		"s/story.lua": {Data: []byte(`
local n = 0
every(7, function() n = n + 1; set_metric("n", n) end)
at(50, function() log(string.format("%d %s %.3f", n, tostring(n / 3), n / 7)) end)
`)},
	}, Dir: "s", Seed: 3},
}

// hashesOf runs a case and returns its hashes as lines.
func hashesOf(t *testing.T, c hashCase) []string {
	t.Helper()
	s, err := scenario.LoadFS(c.FS, c.Dir, scenario.Options{Library: scripts.FS, IgnoreTests: true})
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	every := c.Every
	if every == 0 {
		every = 500
	}
	var out []string
	res, err := headless.Run(s, headless.RunOptions{Seed: c.Seed, Ticks: c.Ticks, AfterStep: func(w *engine.World) {
		if w.Tick%every == 0 {
			out = append(out, fmt.Sprintf("%s %d %s", c.Name, w.Tick, w.HashHex()))
		}
	}})
	switch {
	case err != nil && c.Fails:
		out = append(out, fmt.Sprintf("%s error %q", c.Name, err.Error()))
	case err != nil:
		t.Fatalf("%s: %v", c.Name, err)
	case c.Fails:
		t.Fatalf("%s: the run did not fail", c.Name)
	default:
		out = append(out, fmt.Sprintf("%s end %d %s", c.Name, res.Ticks, res.StateHash))
	}
	return out
}

// TestStateHashes runs every hash case twice and compares: the same
// hashes on every run. Across machines, `make cross-arch` compares the
// -hashes files of several architectures (with -test.short: one run each,
// the emulated ones are slow).
func TestStateHashes(t *testing.T) {
	var all []string
	for _, c := range hashCases {
		a := hashesOf(t, c)
		if testing.Short() {
			all = append(all, a...)
			continue
		}
		b := hashesOf(t, c)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: two runs differ:\n%s\n---\n%s", c.Name, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
		all = append(all, a...)
	}
	if *hashesOut != "" {
		if err := os.WriteFile(*hashesOut, []byte(strings.Join(all, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
