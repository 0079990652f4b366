//go:build unix

package tests

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An interrupted sweep (Ctrl-C, or SIGTERM from a scheduler) stops its
// workers, removes its temporary files, says how far it got, and exits
// 128 + the signal's number.
func TestEndToEndSweepInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	root, bin := build(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{
		{syscall.SIGINT, 130, "interrupt"},
		{syscall.SIGTERM, 143, "terminated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(bin, "sweep", filepath.Join(root, tutorial), "--seeds", "1..100000",
				"--out", filepath.Join(dir, "out.csv"), "--jsonl", filepath.Join(dir, "out.jsonl"))
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the sweep is writing (its temporary files exist).
			deadline := time.Now().Add(30 * time.Second)
			for {
				entries, _ := os.ReadDir(dir)
				if len(entries) == 2 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond)
			cmd.Process.Signal(tc.sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Errorf("exit %v, want %d\n%s", err, tc.code, e.String())
			}
			if !regexp.MustCompile(`^sweep: interrupted \(`+tc.name+`\) after \d+ of 100000 runs; no output was written\n$`).MatchString(e.String()) || o.Len() != 0 {
				t.Errorf("stdout %q\nstderr %q", o.String(), e.String())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				var names []string
				for _, x := range entries {
					names = append(names, x.Name())
				}
				t.Errorf("left behind: %s", strings.Join(names, " "))
			}
		})
	}
}
