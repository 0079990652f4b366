package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary scenario.yaml bytes to the loader: it must
// return a scenario or Errors, never panic or hang, and a scenario it
// accepts must build a world that steps.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"testdata/bad/*.yaml", "testdata/good/*/scenario.yaml", "../scenarios/*/scenario.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	saved := generatedLimit
	generatedLimit = 20_000 // keep fuzzed worlds small
	defer func() { generatedLimit = saved }()
	commands, _ := os.ReadFile("../scenarios/tutorial/commands.jsonl")
	relay, _ := os.ReadFile("../scenarios/tutorial/commands-relay.jsonl")
	noPolice, _ := os.ReadFile("../scenarios/tutorial/commands-no-police.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"scenario.yaml": {Data: data}, "commands.jsonl": {Data: commands}, "commands-relay.jsonl": {Data: relay},
			"commands-no-police.jsonl": {Data: noPolice}}
		s, err := LoadFS(fsys, ".", Options{})
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, e := range es {
				if e.Msg == "" || strings.Contains(e.Msg, "internal error") {
					t.Fatalf("bad error %q", e.Error())
				}
			}
			return
		}
		if s.HasScripts() {
			return
		}
		w, err := s.NewWorld(1)
		if err != nil {
			t.Fatalf("accepted scenario does not build: %v", err)
		}
		for i := 0; i < 3 && !w.Ended; i++ {
			if _, err := w.Step(nil); err != nil {
				t.Fatal(err)
			}
		}
	})
}
