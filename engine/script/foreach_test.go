package script

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A script's error is the same on every run: tables whose keys the host
// checks are walked in an order that does not depend on Go's map order
// (gopher-lua's ForEach ranges over Go maps; 200 runs of one bad script
// once gave 4 different messages, and replays reported a mismatch).
func TestScriptErrorsAreTheSameOnEveryRun(t *testing.T) {
	var many strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&many, "k%02d = %d, ", 40-i, i)
	}
	cases := []struct{ name, src, want string }{
		{"team handlers", `team("isp-a", {on_tik = 1, on_evnt = 2, on_reqest = 3, on_zz = 4, on_aa = 5, ` + many.String() + `})`, `unknown handler "on_aa"`},
		{"option fields", `inject{subject = "s", to = "all", ` + many.String() + `}`, `unknown field "k01"`},
		{"command args", `command{org = "csirt-a", verb = "investigate", target = "ministry-site", args = {` + many.String() + ` x = function() end, y = {}, z = 1.5, [7] = "n", [true] = 1}}`, "keys are names, got 7"},
		{"command args values", `command{org = "csirt-a", verb = "investigate", target = "ministry-site", args = {` + many.String() + ` x = function() end, w = 1.5, v = true}}`, "args.w: want a whole number"},
	}
	runs := 200
	if testing.Short() {
		runs = 40
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := Compile(Sources{Scenario: files(map[string]string{"story.lua": tc.src}), ScenarioName: scenarioName,
				Library: repoLibrary(), LibraryName: "scripts"}, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			first := ""
			for i := 0; i < runs; i++ {
				d, err := NewDirector(newTestWorld(t, 1), DirectorOptions{Program: prog, Scripts: []string{"story.lua"}, Vars: testScenario(t).Vars})
				if err == nil {
					d.Close()
					t.Fatal("the bad script loaded")
				}
				msg := err.Error()
				if i == 0 {
					first = msg
					if !strings.Contains(msg, tc.want) {
						t.Fatalf("error %q, want it to contain %q", msg, tc.want)
					}
				} else if msg != first {
					t.Fatalf("run %d: %q, run 1: %q", i+1, msg, first)
				}
			}
		})
	}
}

// TestNoForEach: no file of this package (or below) calls a ForEach
// method: gopher-lua's walks Go maps. Use forEachEntry or sortedEntries.
func TestNoForEach(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok && s.Sel.Name == "ForEach" {
				t.Errorf("%s: ForEach walks Go maps in random order: use forEachEntry or sortedEntries", fset.Position(s.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
