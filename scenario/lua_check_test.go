package scenario_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	_ "cyberex/engine/script/host"
	"cyberex/scenario"
)

// tutorialFS is the tutorial's folder with story.lua extended by lua and
// scenario.yaml edited by edit (old → new pairs).
func tutorialFS(t *testing.T, lua string, edit ...string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"scenario.yaml", "story.lua", "commands.jsonl", "commands-relay.jsonl", "commands-no-police.jsonl"} {
		b, err := os.ReadFile("../scenarios/tutorial/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["tut/"+name] = &fstest.MapFile{Data: b}
	}
	fsys["tut/story.lua"].Data = append(fsys["tut/story.lua"].Data, lua...)
	y := string(fsys["tut/scenario.yaml"].Data)
	for i := 0; i+1 < len(edit); i += 2 {
		if !strings.Contains(y, edit[i]) {
			t.Fatalf("the tutorial has no %q to edit", edit[i])
		}
		y = strings.Replace(y, edit[i], edit[i+1], 1)
	}
	fsys["tut/scenario.yaml"].Data = []byte(y)
	return fsys
}

// at resolves the positions of wanted errors ({lua:N}, {yaml:KEY: VALUE})
// in fsys, as tutorialFS made it.
func at(t *testing.T, fsys fstest.MapFS, want []string) []string {
	t.Helper()
	b, err := os.ReadFile("../scenarios/tutorial/story.lua")
	if err != nil {
		t.Fatal(err)
	}
	story := bytes.Count(b, []byte("\n"))
	yaml := strings.Split(string(fsys["tut/scenario.yaml"].Data), "\n")
	var out []string
	for _, w := range want {
		out = append(out, posRe.ReplaceAllStringFunc(w, func(tok string) string {
			m := posRe.FindStringSubmatch(tok)
			if m[1] == "lua" {
				n, err := strconv.Atoi(m[2])
				if err != nil {
					t.Fatalf("%s: want {lua:N}", tok)
				}
				return strconv.Itoa(story + n)
			}
			key, value, _ := strings.Cut(m[2], ": ")
			for i, l := range yaml {
				if k := strings.Index(l, key+": "+value); k >= 0 {
					return fmt.Sprintf("%d:%d", i+1, k+len(key)+3)
				}
			}
			t.Fatalf("%s: the edited scenario.yaml does not say %q", tok, m[2])
			return ""
		}))
	}
	return out
}

var posRe = regexp.MustCompile(`\{(lua|yaml):([^}]*)\}`)

func loadErrors(t *testing.T, fsys fstest.MapFS) []string {
	t.Helper()
	_, err := scenario.LoadFS(fsys, "tut", scenario.Options{Library: os.DirFS("../scripts")})
	if err == nil {
		return nil
	}
	var es scenario.Errors
	if !errors.As(err, &es) {
		t.Fatalf("not scenario.Errors: %v", err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

// Positions in the wanted errors are found in the sources, not written
// down: {lua:N} is line N of the text appended to the tutorial's story,
// {yaml:KEY: VALUE} the line and column of VALUE where the edited
// scenario.yaml first says KEY: VALUE.
func TestLuaNamesChecked(t *testing.T) {
	for _, tc := range []struct {
		name, lua string
		edit      []string
		want      []string // every error, in order
	}{
		{name: "syntax error at line and column", lua: "local x = = 3\n",
			want: []string{"tut/story.lua:{lua:1}:11: syntax error near '='"}},
		{name: "unknown inject", lua: `deliver("ministry-cals")` + "\n",
			want: []string{`tut/story.lua:{lua:1}: no inject "ministry-cals" in the scenario; did you mean "ministry-calls"?`}},
		{name: "unknown org, campaign, asset, verb", lua: `at(5, function()
  local o = org("polise-a")
  local c = campaign("deface-ministry")
  c:deface("ministry-sit", "T1190")
  command{org = "csirt-a", verb = "investigat", target = "x"}
  inject{to = {"police-a", "polic-a"}, subject = "x"}
end)
`, want: []string{
			`tut/story.lua:{lua:2}: no organisation "polise-a" in the scenario; did you mean "police-a"?`,
			`tut/story.lua:{lua:4}: no asset "ministry-sit"; did you mean "ministry-site"?`,
			`tut/story.lua:{lua:5}: unknown verb "investigat"; did you mean "investigate"?`,
			`tut/story.lua:{lua:6}: no organisation "polic-a" in the scenario; did you mean "police-a"?`,
		}},
		{name: "generated hosts by number", lua: `log(asset("office-a-3"), asset("office-a-99999"))` + "\n",
			want: []string{`tut/story.lua:{lua:1}: no asset "office-a-99999": office-a has generated hosts office-a-0 to office-a-49`}},
		{name: "metrics", lua: `log(metric("botz"), metric("script.nothing"))` + "\n",
			want: []string{
				`tut/story.lua:{lua:1}: metric "script.nothing" is never set by the scripts (no set_metric("nothing", ...))`,
				`tut/story.lua:{lua:1}: unknown metric "botz"; did you mean "bots"?`,
			}},
		{name: "event kind", lua: `on("website.defacd", function() end)` + "\n",
			want: []string{`tut/story.lua:{lua:1}: on("website.defacd"): unknown event kind "website.defacd"; did you mean "website.defaced"?`}},
		{name: "a local of the same name is the script's own", lua: "local deliver = function() end\ndeliver(\"anything\")\n"},
		{name: "a set metric may be read", lua: "set_metric(\"n\", 1)\nlog(metric(\"script.n\"))\n"},
		{name: "names computed at run time are not checked", lua: "local id = \"x\" .. tick()\nlog(metric(\"script.\" .. id))\n"},
		{name: "objective on a script metric never set",
			edit: []string{"metric: websites_restored", "metric: script.site_back"},
			want: []string{`tut/scenario.yaml:{yaml:metric: script.site_back}: objectives[0].metric: metric "script.site_back" is never set by the scripts (no set_metric("site_back", ...) in them)`}},
		{name: "objective on a script metric the story sets", lua: "set_metric(\"site_back\", 0)\n",
			edit: []string{"metric: websites_restored", "metric: script.site_back"}},
		{name: "script objective without a check",
			edit: []string{"metric: websites_restored\n    op: \">=\"\n    value: 1\n", "script: true\n"},
			want: []string{`tut/scenario.yaml:{yaml:script: true}: objectives[0].script: objective "site-restored" is judged by the story (script: true) but no script registers its check (objective("site-restored", fn)) or decides it (set_objective("site-restored", ...)): it would stay pending and fail at the end`}},
		{name: "script objective with a check", lua: "objective(\"site-restored\", function() return nil end)\n",
			edit: []string{"metric: websites_restored\n    op: \">=\"\n    value: 1\n", "script: true\n"}},
		{name: "script objective decided by set_objective", lua: "at(5, function() set_objective(\"site-restored\", \"met\") end)\n",
			edit: []string{"metric: websites_restored\n    op: \">=\"\n    value: 1\n", "script: true\n"}},
		{name: "a YAML error is not repeated by the names", lua: `deliver("ministry-calls")` + "\n",
			edit: []string{"- id: ministry-calls", "- id: ministry calls"},
			want: []string{`tut/scenario.yaml:{yaml:id: ministry calls}: injects[2].id: id "ministry calls": use letters, digits, '-', '_' and '.' (starting with a letter or digit)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := tutorialFS(t, tc.lua, tc.edit...)
			got, want := loadErrors(t, fsys), at(t, fsys, tc.want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// A bad duration is said once: the tests' deadlines are not all "after the
// end of the test" too.
func TestBadDurationReportedOnce(t *testing.T) {
	got := loadErrors(t, tutorialFS(t, "", "duration: 4d", "duration: 4x"))
	if len(got) != 1 || !strings.Contains(got[0], `settings.duration: "4x": unknown unit "x"`) {
		t.Errorf("errors: %q", got)
	}
}
