package scenario

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// -rewrite regenerates golden files (testdata/bad/*.err and the schema),
// as etcd-io/raft does with its transcripts.
var rewrite = flag.Bool("rewrite", false, "rewrite golden files")

// TestBadScenarios loads every testdata/bad/*.yaml and compares the errors
// with the .err file beside it. Lines "# set: key=value" at the top of a
// case are --set overrides.
func TestBadScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no cases", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var sets []string
			for _, l := range strings.Split(string(data), "\n") {
				if s, ok := strings.CutPrefix(l, "# set: "); ok {
					sets = append(sets, s)
				}
			}
			start := time.Now()
			_, err = LoadFS(fstest.MapFS{"scenario.yaml": {Data: data}}, ".", Options{Set: sets})
			if d := time.Since(start); d > hangGuard {
				t.Errorf("took %s", d)
			}
			if err == nil {
				t.Fatal("loaded without error")
			}
			if _, ok := err.(*Errors); !ok {
				t.Errorf("error is %T, want *Errors", err)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			if *rewrite {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./scenario -run TestBadScenarios -rewrite)", err)
			}
			if !bytes.Equal(want, []byte(got)) {
				t.Errorf("errors differ (go test ./scenario -run TestBadScenarios -rewrite)\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
