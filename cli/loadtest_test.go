package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A short load with a CPU profile: the report puts the CPU time beside
// the wall time, and the profile is written for `go tool pprof`.
func TestLoadtestProfile(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	code, out, errOut := cyberex(t, "loadtest", "--players", "3", "--pace", "20", "--duration", "500ms", "--rate", "2", "--cpuprofile", prof)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"wall ", "CPU per unit of work", "tick end → player"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("no profile written: %v", err)
	}
	code, _, errOut = cyberex(t, "loadtest", "--duration", "1s", "--cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir", "p"))
	if code != 2 || !strings.Contains(errOut, "--cpuprofile") {
		t.Errorf("profile in a missing folder: exit %d, %s", code, errOut)
	}
}
