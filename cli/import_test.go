package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// An imported NASim scenario validates and runs to its end from the
// command line; bad input gets exit 2 and says what is wrong.
func TestImportNASim(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tiny")
	cx := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		code := Run(args, &o, &e)
		return code, o.String() + e.String()
	}
	if code, msg := cx("import", "nasim", "../nasim/testdata/tiny.yaml", "-o", out, "--strategy", "greedy"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, msg)
	}
	if code, msg := cx("validate", out); code != 0 || !strings.Contains(msg, "ok tiny") {
		t.Fatalf("validate: exit %d: %s", code, msg)
	}
	if code, msg := cx("run", out, "--seed", "2"); code != 0 || !strings.Contains(msg, "met  sensitive-hosts") {
		t.Fatalf("run: exit %d: %s", code, msg)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("subnets: [1]\nrewards: 1\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "nasim", "../nasim/testdata/tiny.yaml", "-o", out}, "is not empty"},
		{[]string{"import", "nasim", fifo, "-o", filepath.Join(dir, "x")}, "not a regular file"},
		{[]string{"import", "nasim", bad, "-o", filepath.Join(dir, "y")}, `unknown section "rewards"`},
		{[]string{"import", "nasim", "../nasim/testdata/tiny.yaml"}, "-o DIR"},
		{[]string{"import", "nasim", "../nasim/testdata/tiny.yaml", "-o", filepath.Join(dir, "z"), "--strategy", "smart"}, `strategy "smart"`},
		{[]string{"import", "nasim", "../nasim/testdata/tiny.yaml", "-o", filepath.Join(dir, "v"), "--lua", "--strategy", "greedy"}, `the Lua story plays the random agent only`},
		{[]string{"import", "csv", "x", "-o", filepath.Join(dir, "w")}, `unknown format "csv"`},
	} {
		if code, msg := cx(c.args...); code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 saying %q", c.args, code, msg, c.want)
		}
	}
}
