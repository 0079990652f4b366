// Package tests holds end-to-end tests: they build the cyberex program
// without cgo, as it ships, and run it as a user would.
package tests

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tutorial is the scenario the end-to-end tests run, relative to the
// module root.
const tutorial = "scenarios/tutorial"

// build compiles cmd/cyberex with CGO_ENABLED=0 into a temporary folder
// and returns the module root and the binary.
func build(t *testing.T) (root, bin string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	bin = filepath.Join(t.TempDir(), "cyberex")
	cmd := exec.Command(gobin, "build", "-o", bin, "./cmd/cyberex")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build without cgo: %v\n%s", err, out)
	}
	return root, bin
}

// cyberex runs the binary in dir and returns its exit code and output.
func cyberex(t *testing.T, bin, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("cyberex %v: %v", args, err)
	}
	return code, o.String(), e.String()
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	root, bin := build(t)
	work := t.TempDir()
	scen := filepath.Join(root, tutorial)

	t.Run("validate", func(t *testing.T) {
		code, out, errOut := cyberex(t, bin, root, "validate", tutorial)
		if code != 0 || !regexp.MustCompile(`^ok \S+ \(\d+ assets, `).MatchString(out) {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
	})

	var hash string
	t.Run("run --json", func(t *testing.T) {
		code, out, errOut := cyberex(t, bin, work, "run", scen, "--json", "--seed", "3")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("not one JSON object: %v\n%s", err, out)
		}
		for _, k := range []string{"scenario", "seed", "ticks", "state_hash", "objectives", "metrics"} {
			if _, ok := r[k]; !ok {
				t.Errorf("no %q in %s", k, out)
			}
		}
		hash, _ = r["state_hash"].(string)
		if len(hash) != 64 {
			t.Errorf("state_hash %q", hash)
		}
	})

	t.Run("run --journal and replay", func(t *testing.T) {
		jpath := filepath.Join(work, "run.jsonl")
		code, out, errOut := cyberex(t, bin, work, "run", scen, "--seed", "3", "--journal", jpath)
		if code != 0 || !strings.Contains(out, "objectives:") || !strings.Contains(out, hash) {
			t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
		}
		code, out, errOut = cyberex(t, bin, work, "replay", jpath)
		// "ok HASH", then what the replay checked (docs/journal.md#replay).
		if code != 0 || !strings.HasPrefix(out, "ok "+hash+"\nchecked: ") || !strings.Contains(out, "the end hash at tick") {
			t.Errorf("replay: exit %d\n%s\n%s", code, out, errOut)
		}
		// The same run writes the same journal, byte for byte.
		again := filepath.Join(work, "again.jsonl")
		cyberex(t, bin, work, "run", scen, "--seed", "3", "--journal", again)
		a, _ := os.ReadFile(jpath)
		b, _ := os.ReadFile(again)
		if !bytes.Equal(a, b) {
			t.Error("two runs with the same seed wrote different journals")
		}
		// A tampered checkpoint fails the replay with exit 1.
		lines := strings.Split(string(a), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, `{"type":"hash","tick":0,`) {
				lines[i] = regexp.MustCompile(`"hash":"[0-9a-f]`).ReplaceAllString(l, `"hash":"x`)
				lines[i] = strings.Replace(lines[i], `"hash":"x`, `"hash":"`+flip(l), 1)
			}
		}
		bad := filepath.Join(work, "bad.jsonl")
		os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644)
		code, out, _ = cyberex(t, bin, work, "replay", bad)
		if code != 1 || !strings.HasPrefix(out, "hash differs at tick 0: ") {
			t.Errorf("tampered replay: exit %d %s", code, out)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		code, _, errOut := cyberex(t, bin, work, "run", scen, "--seed", "x")
		if code != 2 || !strings.Contains(errOut, "--seed") {
			t.Errorf("bad seed: exit %d %s", code, errOut)
		}
	})
}

// flip returns a first hex digit that differs from the one of the hash in
// a hash line.
func flip(line string) string {
	i := strings.Index(line, `"hash":"`) + len(`"hash":"`)
	if line[i] == '0' {
		return "1"
	}
	return "0"
}
