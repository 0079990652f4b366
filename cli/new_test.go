package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A scenario made by `cyberex new` validates, its tests pass, and its
// golden file is written by the first --update.
func TestNewScenario(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "exercises", "harbour")
	if code, out, errOut := cyberex(t, "new", dir); code != 0 || !strings.Contains(out, "made ") {
		t.Fatalf("new: exit %d\n%s%s", code, out, errOut)
	}
	y, _ := os.ReadFile(filepath.Join(dir, "scenario.yaml"))
	if !strings.HasPrefix(string(y), "# yaml-language-server: $schema=scenario.schema.json\n") || !strings.Contains(string(y), "\nname: harbour\n") {
		t.Errorf("scenario.yaml starts:\n%.200s", y)
	}
	if _, err := os.Stat(filepath.Join(dir, "scenario.schema.json")); err != nil {
		t.Errorf("no schema beside a scenario made outside a checkout: %v", err)
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, h := range []string{"## The story", "## The world", "## Teams: briefings and what they can do", "## MSEL", "## Objectives", "## How to run it"} {
		if !strings.Contains(string(readme), h) {
			t.Errorf("README.md lacks %q", h)
		}
	}
	if code, out, errOut := cyberex(t, "validate", dir); code != 0 || !strings.HasPrefix(out, "ok harbour (") {
		t.Fatalf("validate: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := cyberex(t, "test", dir); code != 1 || !strings.Contains(out, "golden") {
		t.Errorf("test before --update: exit %d (want 1: the golden file is missing)\n%s", code, out)
	}
	if code, out, errOut := cyberex(t, "test", dir, "--update"); code != 0 || !strings.Contains(out, "rewrote") {
		t.Fatalf("test --update: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := cyberex(t, "test", dir); code != 0 || !strings.Contains(out, "tests: 3 passed, 0 failed") {
		t.Errorf("test: exit %d\n%s%s", code, out, errOut)
	}

	// Inside a checkout the schema line points at docs/ from where the
	// folder is; --from copies a built-in scenario without its golden files.
	os.MkdirAll(filepath.Join(root, "docs"), 0o755)
	writeFile(t, filepath.Join(root, "docs"), "scenario.schema.json", "{}")
	tut := filepath.Join(root, "exercises", "my-tutorial")
	if code, out, errOut := cyberex(t, "new", tut, "--from", "tutorial"); code != 0 {
		t.Fatalf("new --from: exit %d\n%s%s", code, out, errOut)
	}
	y, _ = os.ReadFile(filepath.Join(tut, "scenario.yaml"))
	if !strings.HasPrefix(string(y), "# yaml-language-server: $schema=../../docs/scenario.schema.json\n") || !strings.Contains(string(y), "\nname: my-tutorial\n") {
		t.Errorf("scenario.yaml starts:\n%.300s", y)
	}
	if _, err := os.Stat(filepath.Join(tut, "golden")); err == nil {
		t.Error("--from copied the golden files")
	}
	if code, out, errOut := cyberex(t, "validate", tut); code != 0 || !strings.HasPrefix(out, "ok my-tutorial (") {
		t.Errorf("validate the copy: exit %d\n%s%s", code, out, errOut)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"new", dir}, "exists and is not empty"},
		{[]string{"new", filepath.Join(root, "x"), "--from", "tutorail"}, `no such built-in scenario (tutorial); did you mean "tutorial"?`},
		{[]string{"new", filepath.Join(root, "bad name")}, `"bad name": the folder's name is the scenario's`},
	} {
		if code, _, errOut := cyberex(t, tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d\n%s\nwant %s", tc.args, code, errOut, tc.want)
		}
	}
}
