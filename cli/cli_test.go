package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cyberex/headless"
	"cyberex/scenario"
)

// The CLI's tests run the cobra root in process on testdata/botnet, a small
// scenario without scripts.
const botnet = "testdata/botnet"

func cyberex(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(args, &o, &e)
	return code, o.String(), e.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	badCommands := writeFile(t, dir, "moves.jsonl", `{"type":"command","tick":3,"org":"csirt","verb":"scan","target":"homes"}
{"type":"command","tick":4,"org":"csirt","target":"homes"}
`)
	tornCommands := writeFile(t, dir, "torn.jsonl", `{"type":"command","tick":3,"org":"csirt","verb":"scan"`)
	hashInCommands := writeFile(t, dir, "hash.jsonl", `{"type":"hash","tick":3,"hash":"`+strings.Repeat("a", 64)+`"}`+"\n")
	invalid := filepath.Join(dir, "invalid")
	os.Mkdir(invalid, 0o755)
	writeFile(t, invalid, "scenario.yaml", "name: broken\norganisations:\n  - {id: x, kind: csirt, jurisdiction: nowhere, staf: 2}\n")
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // regexp, "" for any
		stderr string // regexp, "" for empty
	}{
		{"run", []string{"run", botnet}, 0, `(?m)^scenario +cli-botnet \(testdata/botnet\)$`, ""},
		{"run scenario.yaml", []string{"run", botnet + "/scenario.yaml", "--ticks", "10"}, 0, `(?m)^ticks +10 \(stopped by --ticks\)$`, ""},
		{"missing scenario", []string{"run", "testdata/nosuch"}, 2, "^$", `^cyberex: scenario testdata/nosuch: no such folder\n$`},
		{"folder without scenario.yaml", []string{"run", empty}, 2, "^$", `the folder has no scenario.yaml`},
		{"other file", []string{"run", badCommands}, 2, "^$", `want a scenario folder or its scenario.yaml`},
		{"invalid scenario", []string{"run", invalid}, 2, "^$", `(?m)^.*invalid/scenario.yaml:3:\d+: .*\n`},
		{"bad seed", []string{"run", botnet, "--seed", "abc"}, 2, "^$", `invalid argument "abc" for "--seed" flag: want an integer from 0 to 18446744073709551615`},
		{"negative seed", []string{"run", botnet, "--seed=-1"}, 2, "^$", `"--seed" flag: want an integer`},
		{"huge seed", []string{"run", botnet, "--seed", "18446744073709551616"}, 2, "^$", `"--seed" flag: want an integer`},
		{"max seed", []string{"run", botnet, "--seed", "18446744073709551615", "--ticks", "1"}, 0, `(?m)^seed +18446744073709551615$`, ""},
		{"negative ticks", []string{"run", botnet, "--ticks", "-5"}, 2, "^$", `"--ticks" flag: want an integer from 0 to 10000000`},
		{"too many ticks", []string{"run", botnet, "--ticks", "10000001"}, 2, "^$", `"--ticks" flag: want an integer from 0 to 10000000`},
		{"bad commands file", []string{"run", botnet, "--commands", badCommands}, 2, "^$", `^cyberex: .*moves.jsonl:2: command: verb missing\n$`},
		{"torn commands file", []string{"run", botnet, "--commands", tornCommands}, 2, "^$", `torn.jsonl:1: invalid JSON`},
		{"hash in commands file", []string{"run", botnet, "--commands", hashInCommands}, 2, "^$", `hash.jsonl:1: hash: not allowed in a commands file`},
		{"missing commands file", []string{"run", botnet, "--commands", filepath.Join(dir, "nope.jsonl")}, 2, "^$", `commands file: open .*nope.jsonl: no such file`},
		{"bad set", []string{"run", botnet, "--set", "novalue"}, 2, "^$", `--set "novalue": want key=value`},
		{"set unknown key", []string{"run", botnet, "--set", "settings.bogus=1"}, 2, "^$", `bogus`},
		{"two scenarios", []string{"run", botnet, botnet}, 2, "^$", `run: want at most one SCENARIO, got 2 arguments`},
		{"unknown flag", []string{"run", botnet, "--fast"}, 2, "^$", `run: unknown flag: --fast`},
		{"unknown command", []string{"walk"}, 2, "^$", `unknown command "walk"`},
		{"help", []string{"help", "run"}, 0, `Usage:\n  cyberex run \[SCENARIO\] \[flags\]`, ""},
		{"help unknown", []string{"help", "nosuch"}, 2, "^$", `unknown help topic "nosuch"`},
		{"version", []string{"version"}, 0, `(?m)^engine \d+\.\d+\.\d+, journal format cyberex-journal/1`, ""},
		{"validate", []string{"validate", botnet}, 0, `^ok cli-botnet \(801 assets, 4 organisations, 2 jurisdictions, 1 campaign, 0 injects, 2 objectives, 0 tests\)\n$`, ""},
		{"validate invalid", []string{"validate", botnet, invalid}, 2, `^ok cli-botnet`, `invalid/scenario.yaml:3:(.|\n)*1 of 2 scenarios invalid\n$`},
		{"validate nothing", []string{"validate"}, 2, "^$", `want one or more SCENARIO folders`},
		{"replay missing", []string{"replay", filepath.Join(dir, "none.jsonl")}, 2, "^$", `journal: open .*none.jsonl: no such file`},
		{"replay a commands file", []string{"replay", badCommands}, 2, "^$", `moves.jsonl:1: command: a journal starts with a header record`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cyberex(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if tc.stdout != "" && !regexp.MustCompile(tc.stdout).MatchString(out) {
				t.Errorf("stdout does not match %s:\n%s", tc.stdout, out)
			}
			if tc.stderr == "" && errOut != "" || tc.stderr != "" && !regexp.MustCompile(tc.stderr).MatchString(errOut) {
				t.Errorf("stderr does not match %q:\n%s", tc.stderr, errOut)
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	code, out, errOut := cyberex(t, "run", botnet, "--json", "--seed", "7", "--ticks", "90")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Errorf("more than one JSON value:\n%s", out)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if strings.Join(keys, " ") != "metrics objectives scenario seed state_hash ticks" {
		t.Errorf("keys %v", keys)
	}
	var r struct {
		Scenario   string
		Seed       uint64
		Ticks      int32
		StateHash  string `json:"state_hash"`
		Objectives []struct {
			ID     string
			Status string
			Tick   *int32
		}
		Metrics map[string]int64
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Scenario != "cli-botnet" || r.Seed != 7 || r.Ticks != 90 || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(r.StateHash) {
		t.Errorf("result %+v", r)
	}
	if len(r.Objectives) != 2 || r.Objectives[0].ID != "few-bots" || r.Metrics["tick"] != 90 || r.Metrics["bots"] == 0 {
		t.Errorf("objectives %+v metrics %v", r.Objectives, r.Metrics)
	}
	for _, o := range r.Objectives {
		if !slices.Contains([]string{"met", "failed", "pending"}, o.Status) || (o.Status == "pending") != (o.Tick == nil) {
			t.Errorf("objective %+v", o)
		}
	}
	// The same seed gives the same hash; another seed another.
	_, again, _ := cyberex(t, "run", botnet, "--json", "--seed", "7", "--ticks", "90")
	_, other, _ := cyberex(t, "run", botnet, "--json", "--seed", "8", "--ticks", "90")
	if again != out || other == out {
		t.Error("runs are not reproducible, or ignore the seed")
	}
}

func TestJournalAndReplay(t *testing.T) {
	dir := t.TempDir()
	moves := writeFile(t, dir, "moves.jsonl", `{"type":"command","tick":20,"org":"csirt","verb":"request","target":"hoster","args":{"kind":"takedown","target":"c2"}}
{"type":"command","tick":5,"org":"csirt","verb":"investigate","target":"c2"}
`)
	jpath := filepath.Join(dir, "run.jsonl")
	code, out, errOut := cyberex(t, "run", botnet, "--commands", moves, "--journal", jpath, "--json", "--hash-every", "50")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errOut)
	}
	var r struct {
		StateHash string `json:"state_hash"`
	}
	json.Unmarshal([]byte(out), &r)

	code, out, errOut = cyberex(t, "replay", jpath)
	if code != 0 || out != "ok "+r.StateHash+"\n" || errOut != "" {
		t.Errorf("replay: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = cyberex(t, "replay", jpath, "--scenario", botnet)
	if code != 0 || out != "ok "+r.StateHash+"\n" {
		t.Errorf("replay --scenario: exit %d %s", code, out)
	}
	// Running again onto the same journal is refused.
	code, _, errOut = cyberex(t, "run", botnet, "--journal", jpath)
	if code != 2 || !strings.Contains(errOut, "already exists") {
		t.Errorf("overwrite: exit %d %s", code, errOut)
	}

	data, _ := os.ReadFile(jpath)
	// A tampered checkpoint: exit 1 and the tick.
	tampered := regexp.MustCompile(`("tick":150,"hash":")[0-9a-f]`).ReplaceAll(data, []byte("${1}x"))
	tampered = bytes.Replace(tampered, []byte(`"tick":150,"hash":"x`), []byte(`"tick":150,"hash":"f`), 1)
	if bytes.Equal(tampered, data) {
		t.Fatal("tampering failed")
	}
	bad := writeFile(t, dir, "bad.jsonl", string(tampered))
	code, out, errOut = cyberex(t, "replay", bad)
	if code != 1 || !regexp.MustCompile(`^hash differs at tick 150: journal [0-9a-f]{64}, replay [0-9a-f]{64}\n$`).MatchString(out) ||
		!strings.Contains(errOut, "after tick 100") {
		t.Errorf("tampered replay: exit %d\n%s\n%s", code, out, errOut)
	}
	// A tampered command: the state diverges.
	moved := writeFile(t, dir, "moved.jsonl", strings.Replace(string(data), `"tick":20,"org":"csirt"`, `"tick":21,"org":"csirt"`, 1))
	if code, out, _ := cyberex(t, "replay", moved); code != 1 || !strings.HasPrefix(out, "hash differs at tick 50:") {
		t.Errorf("moved command: exit %d %s", code, out)
	}
	// A crash while writing: the torn line is ignored with a warning.
	torn := writeFile(t, dir, "torn.jsonl", string(data[:bytes.Index(data, []byte(`{"type":"hash","tick":100`))+20]))
	code, out, errOut = cyberex(t, "replay", torn)
	if code != 0 || !strings.HasPrefix(out, "ok ") || !strings.Contains(errOut, "torn last line ignored") || !strings.Contains(errOut, "no end record") {
		t.Errorf("torn replay: exit %d\n%s\n%s", code, out, errOut)
	}
	// Corruption in the middle: exit 2 naming the line.
	lines := strings.Split(string(data), "\n")
	lines[3] = lines[3][:10]
	corrupt := writeFile(t, dir, "corrupt.jsonl", strings.Join(lines, "\n"))
	code, _, errOut = cyberex(t, "replay", corrupt)
	if code != 2 || !strings.Contains(errOut, "corrupt.jsonl:4: invalid JSON") {
		t.Errorf("corrupt replay: exit %d %s", code, errOut)
	}
	// The scenario changed since the run: refused, exit 2.
	changed := filepath.Join(dir, "changed")
	os.Mkdir(changed, 0o755)
	yaml, _ := os.ReadFile(filepath.Join(botnet, "scenario.yaml"))
	writeFile(t, changed, "scenario.yaml", strings.Replace(string(yaml), "staff: 3", "staff: 4", 1))
	code, _, errOut = cyberex(t, "replay", jpath, "--scenario", changed)
	if code != 2 || !strings.Contains(errOut, "it changed since the run") {
		t.Errorf("changed scenario: exit %d %s", code, errOut)
	}
}

func TestReplayUsesRecordedSet(t *testing.T) {
	dir := t.TempDir()
	jpath := filepath.Join(dir, "run.jsonl")
	if code, _, errOut := cyberex(t, "run", botnet, "--set", "organisations.csirt.staff=5", "--ticks", "30", "--journal", jpath); code != 0 {
		t.Fatalf("run: %s", errOut)
	}
	if code, out, errOut := cyberex(t, "replay", jpath); code != 0 || !strings.HasPrefix(out, "ok ") {
		t.Errorf("replay of a run with --set: exit %d\n%s%s", code, out, errOut)
	}
}

func TestClassify(t *testing.T) {
	var ee *exitError
	for _, tc := range []struct {
		err  error
		code int
	}{
		{&headless.InputError{Err: errors.New("tick 7: story.lua:3: boom")}, ExitInput},
		{scenario.Errors{{File: "s.yaml", Line: 1, Msg: "bad"}}, ExitInput},
		{errors.New("journal: write: disk full"), ExitFailure},
	} {
		if err := classify(tc.err); !errors.As(err, &ee) || ee.code != tc.code {
			t.Errorf("%v: %v", tc.err, err)
		}
	}
	var b bytes.Buffer
	if code := report(classify(&headless.InputError{Err: errors.New("tick 7: story.lua:3: boom")}), &b); code != 2 || b.String() != "cyberex: tick 7: story.lua:3: boom\n" {
		t.Errorf("report: %d %q", code, b.String())
	}
}

func TestSpan(t *testing.T) {
	for secs, want := range map[int64]string{0: "0s", 59: "59s", 60: "1m", 3600: "1h", 3660: "1h01m", 86400: "1d", 90061: "1d01h01m"} {
		if got := span(secs); got != want {
			t.Errorf("span(%d) = %s, want %s", secs, got, want)
		}
	}
}

func TestEmbeddedTutorial(t *testing.T) {
	code, out, errOut := cyberex(t, "run", "--ticks", "300")
	if code != 0 || !regexp.MustCompile(`(?m)^scenario +tutorial \(embedded:tutorial\)$`).MatchString(out) {
		t.Fatalf("run without SCENARIO: exit %d\n%s\n%s", code, out, errOut)
	}
	// Its journal names it, and replay finds it without --scenario.
	jpath := filepath.Join(t.TempDir(), "run.jsonl")
	if code, _, errOut := cyberex(t, "run", "--ticks", "300", "--journal", jpath); code != 0 {
		t.Fatal(errOut)
	}
	if code, out, errOut := cyberex(t, "replay", jpath); code != 0 || !strings.HasPrefix(out, "ok ") {
		t.Errorf("replay: exit %d\n%s%s", code, out, errOut)
	}
	// The embedded copy is the folder's: same digest, same run.
	_, a, _ := cyberex(t, "run", "--ticks", "300", "--json")
	_, b, _ := cyberex(t, "run", "../scenarios/tutorial", "--ticks", "300", "--json")
	if a != b {
		t.Error("the embedded tutorial differs from scenarios/tutorial")
	}
}
