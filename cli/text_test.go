package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cyberex/runner"
)

func TestSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, ünïcødé, 中文, emoji 🚀", "plain text, ünïcødé, 中文, emoji 🚀"},
		{"tab\tstays", "tab\tstays"},
		{"two\nlines", "two⏎lines"},
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`},
		{"cr\rover", `cr\x0dover`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1 \u009b31m csi", `c1 \u009b31m csi`},
		{"bidi \u202eevil\u202c \u2066x\u2069", `bidi \u202eevil\u202c \u2066x\u2069`},
		{"bad \xff\xfe utf8 \xe2\x82", "bad \uFFFD\uFFFD utf8 \uFFFD\uFFFD"},
		{"a real \uFFFD stays", "a real \uFFFD stays"},
		{"", ""},
	} {
		if got := safe(tc.in); got != tc.want {
			t.Errorf("safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := safeLines("line 1 \x1b[31m\nline 2\r\n"); got != "line 1 \\x1b[31m\nline 2\\x0d\n" {
		t.Errorf("safeLines: %q", got)
	}
}

// Text from a scenario (its script's log lines and events, its objectives'
// descriptions) and from test failures reaches the terminal without
// control characters.
func TestScenarioTextIsMadeSafe(t *testing.T) {
	dir := t.TempDir()
	yaml, err := os.ReadFile(filepath.Join(botnet, "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(yaml), "description: Keep the botnet under 100 bots for the first hour.",
		`description: "Keep \e[31mred\e[0m under 100"`, 1)
	writeFile(t, dir, "scenario.yaml", y)
	writeFile(t, dir, "story.lua", `at(3, function()
  log("esc \27[2J and bad \255 utf8")
  emit("script.x", {subject = "s\27]0;pwned\7", text = "t\n\27[2J"})
end)
`)
	code, out, errOut := cyberex(t, "run", dir, "--log", "--events", "script.x", "--ticks", "10")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if strings.ContainsAny(out+errOut, "\x1b\x07\r") || !strings.Contains(errOut, `esc \x1b[2J and bad `+"\uFFFD"+` utf8`) ||
		!strings.Contains(errOut, `script.x s\x1b]0;pwned\x07: t⏎\x1b[2J`) || !strings.Contains(out, `Keep \x1b[31mred\x1b[0m under 100`) {
		t.Errorf("stdout:\n%q\nstderr:\n%q", out, errOut)
	}
	// A test failure's message quotes the scenario.
	var b bytes.Buffer
	sc := &runner.ScenarioReport{Name: "x\x1b[2J"}
	printTestLine(&b, sc, &runner.TestReport{Name: "t", Status: "fail", Done: 1,
		Failures: []runner.Failure{{Message: "seed 1: metric script.\x1b[8m is 3", Replay: "cyberex run x --set 'vars.a=\x1b'"}}})
	if got := b.String(); strings.Contains(got, "\x1b") || !strings.Contains(got, `FAIL  x\x1b[2J/t`) || !strings.Contains(got, `metric script.\x1b[8m is 3`) {
		t.Errorf("test line: %q", got)
	}
}
