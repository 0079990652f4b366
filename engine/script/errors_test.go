package script

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSyntaxErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		kind      Kind
		msg       string
	}{
		{"unexpected symbol", "local x = 1\nlocal y = = 2\n", 2, KindSyntax, "near '='"},
		{"unfinished block", "if true then\n  print(1)\n", 0, KindSyntax, "at end of file"},
		{"unfinished string", "print(\"abc\n)", 2, KindSyntax, "unterminated string"},
		{"too deep", "return " + strings.Repeat("{", 300) + strings.Repeat("}", 300), 1, KindLimit, "nested deeper than 200"},
		{"long left-associative chain", "return 1" + strings.Repeat(" + 1", 300), 1, KindLimit, "nested deeper"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(Sources{Scenario: files(map[string]string{"story.lua": c.src}), ScenarioName: scenarioName}, Limits{})
			e := asError(t, err)
			if e.File != scenarioName+"/story.lua" || e.Line != c.line || e.Kind != c.kind || e.Tick != NoTick || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got %+v (%v)", e, err)
			}
		})
	}
}

func TestCompileReportsEveryBrokenFile(t *testing.T) {
	_, err := Compile(Sources{
		Scenario: files(map[string]string{"a.lua": "x = = 1", "b.lua": "print(1)", "c.lua": "y = = 2"}), ScenarioName: "s",
		Library: files(map[string]string{"big.lua": strings.Repeat("-", 100)}), LibraryName: "lib",
	}, Limits{SourceBytesMax: 50})
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{"s/a.lua:1:5: ", "s/c.lua:1:5: ", "lib/big.lua: file is 100 bytes, more than 50 (limit Limits.SourceBytesMax)"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	var e *Error
	if !errors.As(err, &e) || e.File != "s/a.lua" {
		t.Errorf("first error %+v", e)
	}
}

func TestRuntimeErrorsNameFileLineAndTick(t *testing.T) {
	cases := []struct {
		name, src string
		want      string // Error()
	}{
		{"call nil", "local x\n\nx()", "scenarios/test/story.lua:3: tick 40: attempt to call a non-function object"},
		{"error string", "error('boom')", "scenarios/test/story.lua:1: tick 40: boom"},
		{"error level 2 blames the caller", "local function check(v)\n  error('bad value', 2)\nend\ncheck(1)", "scenarios/test/story.lua:4: tick 40: bad value"},
		{"error level 0 has no position in the message", "\nerror('plain', 0)", "scenarios/test/story.lua:2: tick 40: plain"},
		{"error table", "local t = {}\nerror(t)", "scenarios/test/story.lua:2: tick 40: (error object is a table value)"},
		{"error in a builtin", "\nstring.rep()", "scenarios/test/story.lua:2: tick 40: bad argument #1 to rep (string expected, got nil)"},
		{"concatenate a table", "local t = {}\nlocal s = 'x' .. t", "scenarios/test/story.lua:2: tick 40: attempt to concatenate a table value"},
		{"bad pattern", "\nstring.find('x', '[a')", "scenarios/test/story.lua:2: tick 40: malformed pattern (missing ']')"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.src, 1, Limits{}, nil)
			if err := h.SetTick(40); err != nil {
				t.Fatal(err)
			}
			err := h.Run("story.lua")
			if err == nil || err.Error() != c.want {
				t.Fatalf("got  %v\nwant %s", err, c.want)
			}
			if e := asError(t, err); e.Kind != KindRuntime {
				t.Errorf("kind %v", e.Kind)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{File: "scenarios/x/story.lua", Line: 12, Tick: 40, Msg: "attempt to call nil"}, "scenarios/x/story.lua:12: tick 40: attempt to call nil"},
		{Error{File: "scenarios/x/story.lua", Line: 12, Tick: NoTick, Msg: "m"}, "scenarios/x/story.lua:12: m"},
		{Error{File: "scenarios/x/story.lua", Tick: 0, Msg: "m"}, "scenarios/x/story.lua: tick 0: m"},
		{Error{Tick: NoTick, Msg: "m"}, "m"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestOptionsAndLimitsValidation(t *testing.T) {
	prog, err := Compile(Sources{}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Rand: newRand(1)}); err == nil {
		t.Error("no Program accepted")
	}
	if _, err := New(Options{Program: prog}); err == nil {
		t.Error("no Rand accepted")
	}
	if _, err := New(Options{Program: prog, Rand: newRand(1), Limits: Limits{StringBytesMax: math.MaxInt}}); err == nil {
		t.Error("absurd StringBytesMax accepted")
	}
	if _, err := New(Options{Program: prog, Rand: newRand(1), Limits: Limits{CallStackDepthMax: -1}}); err == nil {
		t.Error("negative CallStackDepthMax accepted")
	}
	st, err := New(Options{Program: prog, Rand: newRand(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Run("missing.lua"); err == nil {
		t.Error("running a missing file succeeded")
	}
	if err := st.SetTick(5); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTick(4); err == nil {
		t.Error("tick went backwards")
	}
	st.Close()
	if err := st.RunTasks(); err == nil {
		t.Error("closed state ran")
	}
}
