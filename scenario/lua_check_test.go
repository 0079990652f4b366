package scenario_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
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

// appendedLines turns errors at "N: message" (N a line of the text
// tutorialFS appends to the story) into the errors the loader prints: the
// appended text starts on the line after the story's last.
func appendedLines(t *testing.T, errs []string) []string {
	t.Helper()
	b, err := os.ReadFile("../scenarios/tutorial/story.lua")
	if err != nil {
		t.Fatal(err)
	}
	story := bytes.Count(b, []byte("\n"))
	var out []string
	for _, e := range errs {
		n, msg, ok := strings.Cut(e, ": ")
		line, err := strconv.Atoi(n)
		if !ok || err != nil {
			t.Fatalf("%q: want \"N: message\"", e)
		}
		out = append(out, fmt.Sprintf("tut/story.lua:%d: %s", story+line, msg))
	}
	return out
}

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

// The tutorial's story has 30 lines: an appended line n is line 30+n.
func TestLuaNamesChecked(t *testing.T) {
	for _, tc := range []struct {
		name, lua string
		edit      []string
		want      []string // every error, in order
	}{
		{name: "syntax error at line and column", lua: "local x = = 3\n",
			want: []string{"tut/story.lua:31:11: syntax error near '='"}},
		{name: "unknown inject", lua: `deliver("ministry-cals")` + "\n",
			want: []string{`tut/story.lua:31: no inject "ministry-cals" in the scenario; did you mean "ministry-calls"?`}},
		{name: "unknown org, campaign, asset, verb", lua: `at(5, function()
  local o = org("polise-a")
  local c = campaign("deface-ministry")
  c:deface("ministry-sit", "T1190")
  command{org = "csirt-a", verb = "investigat", target = "x"}
  inject{to = {"police-a", "polic-a"}, subject = "x"}
end)
`, want: []string{
			`tut/story.lua:32: no organisation "polise-a" in the scenario; did you mean "police-a"?`,
			`tut/story.lua:34: no asset "ministry-sit"; did you mean "ministry-site"?`,
			`tut/story.lua:35: unknown verb "investigat"; did you mean "investigate"?`,
			`tut/story.lua:36: no organisation "polic-a" in the scenario; did you mean "police-a"?`,
		}},
		{name: "generated hosts by number", lua: `log(asset("office-a-3"), asset("office-a-99999"))` + "\n",
			want: []string{`tut/story.lua:31: no asset "office-a-99999": office-a has generated hosts office-a-0 to office-a-49`}},
		{name: "metrics", lua: `log(metric("botz"), metric("script.nothing"))` + "\n",
			want: []string{
				`tut/story.lua:31: metric "script.nothing" is never set by the scripts (no set_metric("nothing", ...))`,
				`tut/story.lua:31: unknown metric "botz"; did you mean "bots"?`,
			}},
		{name: "event kind", lua: `on("website.defacd", function() end)` + "\n",
			want: []string{`tut/story.lua:31: on("website.defacd"): unknown event kind "website.defacd"; did you mean "website.defaced"?`}},
		{name: "a local of the same name is the script's own", lua: "local deliver = function() end\ndeliver(\"anything\")\n"},
		{name: "a set metric may be read", lua: "set_metric(\"n\", 1)\nlog(metric(\"script.n\"))\n"},
		{name: "names computed at run time are not checked", lua: "local id = \"x\" .. tick()\nlog(metric(\"script.\" .. id))\n"},
		{name: "objective on a script metric never set",
			edit: []string{"metric: websites_restored", "metric: script.site_back"},
			want: []string{`tut/scenario.yaml:186:13: objectives[0].metric: metric "script.site_back" is never set by the scripts (no set_metric("site_back", ...) in them)`}},
		{name: "objective on a script metric the story sets", lua: "set_metric(\"site_back\", 0)\n",
			edit: []string{"metric: websites_restored", "metric: script.site_back"}},
		{name: "script objective without a check",
			edit: []string{"metric: websites_restored\n    op: \">=\"\n    value: 1\n", "script: true\n"},
			want: []string{`tut/scenario.yaml:186:13: objectives[0].script: objective "site-restored" is judged by the story (script: true) but no script registers its check (objective("site-restored", fn)) or decides it (set_objective("site-restored", ...)): it would stay pending and fail at the end`}},
		{name: "script objective with a check", lua: "objective(\"site-restored\", function() return nil end)\n",
			edit: []string{"metric: websites_restored\n    op: \">=\"\n    value: 1\n", "script: true\n"}},
		{name: "script objective decided by set_objective", lua: "at(5, function() set_objective(\"site-restored\", \"met\") end)\n",
			edit: []string{"metric: websites_restored\n    op: \">=\"\n    value: 1\n", "script: true\n"}},
		{name: "a YAML error is not repeated by the names", lua: `deliver("ministry-calls")` + "\n",
			edit: []string{"- id: ministry-calls", "- id: ministry calls"},
			want: []string{`tut/scenario.yaml:175:9: injects[2].id: id "ministry calls": use letters, digits, '-', '_' and '.' (starting with a letter or digit)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := loadErrors(t, tutorialFS(t, tc.lua, tc.edit...))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
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
