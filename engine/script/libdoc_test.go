package script

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every function of scripts/teams/lib.lua is in docs/scripting.md, with its
// signature (the table of teams.lib).
func TestLibraryFunctionsDocumented(t *testing.T) {
	lib, err := os.ReadFile("../../scripts/teams/lib.lua")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/scripting.md")
	if err != nil {
		t.Fatal(err)
	}
	fns := regexp.MustCompile(`(?m)^function (lib\.[a-z_]+\([^)]*\))`).FindAllStringSubmatch(string(lib), -1)
	if len(fns) < 20 {
		t.Fatalf("found %d functions in lib.lua: the pattern is stale", len(fns))
	}
	for _, f := range fns {
		if !strings.Contains(string(doc), "| `"+f[1]+"` |") {
			t.Errorf("docs/scripting.md does not document %s", f[1])
		}
	}
}
