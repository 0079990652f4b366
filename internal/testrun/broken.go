package testrun

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Broken copies runner/testdata/broken, the scenario whose tests fail on
// purpose, to a temporary folder and returns the copy's path. There its
// golden tests fail too: golden/drift.json has one state changed (seed 2,
// tick 20: a hash of zeros, one bot more), and golden/missing.json is
// gone. The repository keeps drift.json as `cyberex test --update`
// writes it: a change made there by hand would be undone by the next
// update, and the true states around it go stale with every engine
// version, so updating the golden files would need a hand edit each time.
func Broken(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "broken")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(Root, "runner", "testdata", "broken"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "golden", "missing.json")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "golden", "drift.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The golden file's fields, as far as the change needs them; the rest
	// is kept as it is.
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	changed := false
	runs, _ := f["runs"].([]any)
	for _, r := range runs {
		run, _ := r.(map[string]any)
		if run["seed"] != 2.0 {
			continue
		}
		states, _ := run["states"].([]any)
		for _, s := range states {
			st, _ := s.(map[string]any)
			m, _ := st["metrics"].(map[string]any)
			bots, ok1 := m["bots"].(float64)
			ever, ok2 := m["bots_ever"].(float64)
			if st["tick"] != 20.0 || !ok1 || !ok2 {
				continue
			}
			st["hash"] = strings.Repeat("0", 64)
			m["bots"], m["bots_ever"] = bots+1, ever+1
			changed = true
		}
	}
	if !changed {
		t.Fatalf("%s: no state of seed 2 at tick 20 with bots and bots_ever to change", path)
	}
	b, err = json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
