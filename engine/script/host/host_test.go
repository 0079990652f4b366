package host_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"cyberex/cli"
	"cyberex/engine/script"
	"cyberex/engine/script/host"
	"cyberex/scenario"
)

func int64p(v int64) *int64 { return &v }

func TestLimitsFromSettings(t *testing.T) {
	l, err := host.Limits(scenario.ScriptLimits{InstructionsPerTick: int64p(5_000_000), CallDepth: int64p(100), Tasks: int64p(50)})
	if err != nil {
		t.Fatal(err)
	}
	if l.InstructionsPerTickMax != 5_000_000 || l.CallStackDepthMax != 100 || l.TasksMax != 50 || l.StringBytesMax != 0 {
		t.Errorf("limits %+v", l)
	}
	// Every field of settings.script_limits reaches the host.
	v := reflect.ValueOf(&scenario.ScriptLimits{}).Elem()
	for i := 0; i < v.NumField(); i++ {
		v.Field(i).Set(reflect.ValueOf(int64p(1000)))
	}
	l, err = host.Limits(v.Interface().(scenario.ScriptLimits))
	if err != nil {
		t.Fatal(err)
	}
	lv := reflect.ValueOf(l)
	set := 0
	for i := 0; i < lv.NumField(); i++ {
		if f := lv.Field(i); f.CanInt() && f.Int() == 1000 {
			set++
		}
	}
	if set != v.NumField() {
		t.Errorf("%d of %d settings reach script.Limits: %+v", set, v.NumField(), l)
	}
	_, err = host.Limits(scenario.ScriptLimits{CallDepth: int64p(3)})
	if err == nil || !strings.HasPrefix(err.Error(), "settings.script_limits.call_depth: ") {
		t.Errorf("a call depth of 3: %v", err)
	}
}

const tutorial = "../../../scenarios/tutorial"

func TestProgramCompiledOnce(t *testing.T) {
	s, err := scenario.Load(tutorial, scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p1, err := host.Program(s)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := host.Program(s)
	if p1 != p2 {
		t.Error("compiled twice")
	}
	for seed := uint64(1); seed <= 3; seed++ {
		w, err := s.NewWorld(seed)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := w.Director.(*script.Director); !ok {
			t.Fatalf("director %T", w.Director)
		}
	}
	s2, _ := scenario.Load(tutorial, scenario.Options{})
	if p3, _ := host.Program(s2); p3 == p1 {
		t.Error("another load shares the program")
	}
}

// A failing script fails a headless run with exit 2 and a message that
// says where and when.
func TestFailingScriptExitsTwo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "broken")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "scenario.yaml"), []byte("name: broken\nsettings: {duration: 100}\njurisdictions: [{id: A}]\norganisations: [{id: csirt, kind: csirt, jurisdiction: A}]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "story.lua"), []byte("-- a broken story\nat(40, function()\n  local plan = nil\n  plan.go()\nend)\n"), 0o644)
	var out, errOut bytes.Buffer
	code := cli.Run([]string{"run", dir}, &out, &errOut)
	want := "cyberex: " + filepath.ToSlash(dir) + "/story.lua:4: tick 40: attempt to index a non-table object(nil) with key 'go'\n"
	if code != 2 || errOut.String() != want {
		t.Errorf("exit %d\n%s\nwant %s", code, errOut.String(), want)
	}
	os.WriteFile(filepath.Join(dir, "story.lua"), []byte("at(1, function()\n  x = = 1\nend)\n"), 0o644)
	errOut.Reset()
	code = cli.Run([]string{"run", dir}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "/story.lua:2:7: ") || !strings.Contains(errOut.String(), "near '='") {
		t.Errorf("syntax error: exit %d\n%s", code, errOut.String())
	}
}

// run --json keeps stdout one JSON object when the story fails: the error
// with its file, line, tick and message.
func TestFailingScriptJSON(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "broken")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "scenario.yaml"), []byte("name: broken\nsettings: {duration: 100}\njurisdictions: [{id: A}]\norganisations: [{id: csirt, kind: csirt, jurisdiction: A}]\n"), 0o644)
	for _, tc := range []struct {
		story, want string
	}{
		{"-- a broken story\nat(40, function()\n  local plan = nil\n  plan.go()\nend)\n",
			`{"error":{"file":"DIR/story.lua","line":4,"tick":40,"message":"attempt to index a non-table object(nil) with key 'go'"}}`},
		{"at(1, function()\n  x = = 1\nend)\n",
			`{"error":{"file":"DIR/story.lua","line":2,"col":7,"tick":null,"message":"syntax error near '='","problems":[{"file":"DIR/story.lua","line":2,"col":7,"tick":null,"message":"syntax error near '='"}]}}`},
	} {
		os.WriteFile(filepath.Join(dir, "story.lua"), []byte(tc.story), 0o644)
		var out, errOut bytes.Buffer
		code := cli.Run([]string{"run", dir, "--json"}, &out, &errOut)
		var compact bytes.Buffer
		if err := json.Compact(&compact, out.Bytes()); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, out.String())
		}
		want := strings.ReplaceAll(tc.want, "DIR", filepath.ToSlash(dir))
		if code != 2 || compact.String() != want || errOut.Len() == 0 {
			t.Errorf("exit %d\nstdout %s\nwant   %s\nstderr %s", code, compact.String(), want, errOut.String())
		}
	}
}

// BenchmarkStartTutorialRun is the cost of starting one run of the
// tutorial once its Lua is compiled: a fresh world and its director (the
// sandbox, the API, story.lua and the hosting team's module).
func BenchmarkStartTutorialRun(b *testing.B) {
	s, err := scenario.Load(tutorial, scenario.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.NewWorld(1); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	seed := uint64(0)
	for b.Loop() {
		seed++
		w, err := s.NewWorld(seed)
		if err != nil {
			b.Fatal(err)
		}
		w.Director.(*script.Director).Close()
	}
}

// BenchmarkCompileTutorial is what the first world pays, once.
func BenchmarkCompileTutorial(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := scenario.Load(tutorial, scenario.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := host.Program(s); err != nil {
			b.Fatal(err)
		}
	}
}

// An out-of-range script limit is reported by the loader at its line, with
// the host's own bounds.
func TestScriptLimitOutOfRangeHasItsLine(t *testing.T) {
	src, err := os.ReadFile("../../../scenarios/tutorial/scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(src), "\nsettings:\n", "\nsettings:\n  script_limits: {instructions_per_tick: 5}\n", 1)
	fsys := fstest.MapFS{"t/scenario.yaml": {Data: []byte(yaml)}, "t/story.lua": {Data: []byte("")}, "t/commands.jsonl": {Data: []byte("")}}
	_, err = scenario.LoadFS(fsys, "t", scenario.Options{IgnoreTests: true})
	if err == nil || !strings.Contains(err.Error(), "settings.script_limits.instructions_per_tick: 5 is out of range (1000 to") {
		t.Fatalf("error %v", err)
	}
}
