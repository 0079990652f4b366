package script

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
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

// Every option of a library policy (a module's "Options" header, and the
// options every policy takes, in teams/lib.lua's header) has a row in
// docs/scripting.md with an example that uses it, no row names an option
// the module lacks, and every example loads.
func TestPolicyOptionsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scripting.md")
	if err != nil {
		t.Fatal(err)
	}
	option := regexp.MustCompile(`^--   ([a-z_]+)  `)
	// options reads the option names of a header block that starts after
	// the line containing start and ends at the first line that is not a
	// comment or contains stop.
	options := func(file, start, stop string) []string {
		src, err := os.ReadFile("../../scripts/teams/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		in := false
		for _, l := range strings.Split(string(src), "\n") {
			switch {
			case !in:
				in = strings.Contains(l, start)
			case !strings.HasPrefix(l, "--") || (stop != "" && strings.Contains(l, stop)):
				return out
			default:
				if m := option.FindStringSubmatch(l); m != nil {
					out = append(out, m[1])
				}
			}
		}
		return out
	}
	want := map[string][]string{"every policy": options("lib.lua", "Every policy takes these options", "so that")}
	mods, err := os.ReadDir("../../scripts/teams")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		if name := strings.TrimSuffix(m.Name(), ".lua"); name != "lib" {
			want["teams."+name] = options(m.Name(), "-- Options", "")
		}
	}
	if len(want["every policy"]) < 5 || len(want["teams.police"]) < 5 || len(want) < 8 {
		t.Fatalf("options found %v: the header patterns are stale", want)
	}
	row := regexp.MustCompile("(?m)^\\| (every policy|`teams\\.[a-z]+`) \\| `([a-z_]+)` \\| [^|]+ \\| `([^`]+)` \\|$")
	got := map[string]map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		mod := strings.Trim(m[1], "`")
		if got[mod] == nil {
			got[mod] = map[string]string{}
		}
		got[mod][m[2]] = m[3]
	}
	for mod, opts := range want {
		for _, o := range opts {
			ex, ok := got[mod][o]
			switch {
			case !ok:
				t.Errorf("docs/scripting.md has no example of %s option %s", mod, o)
			case !strings.Contains(ex, o+" = ") || (mod != "every policy" && !strings.Contains(ex, `require("`+mod+`")`)):
				t.Errorf("the example of %s option %s does not use it: %s", mod, o, ex)
			}
		}
		for o := range got[mod] {
			if !slices.Contains(opts, o) {
				t.Errorf("docs/scripting.md documents %s option %s, which the module's header does not list", mod, o)
			}
		}
	}
	for mod := range got {
		if _, ok := want[mod]; !ok {
			t.Errorf("docs/scripting.md documents options of %s, which is no module", mod)
		}
	}
	// The examples load: the module takes the option without an error.
	var src strings.Builder
	for _, mod := range slices.Sorted(maps.Keys(got)) {
		for _, o := range slices.Sorted(maps.Keys(got[mod])) {
			fmt.Fprintf(&src, "assert(type(%s) == \"table\", %q)\n", got[mod][o], mod+" "+o)
		}
	}
	st := newStory(t, src.String(), storyOpts{})
	st.run(t, 1)
}
