package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"cyberex/headless"
	"cyberex/journal"
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
	// Commands the engine would reject at once: refused at load, every
	// problem with its line, as validate refuses them in a test's file.
	badWords := writeFile(t, dir, "words.jsonl", `{"tick":3,"org":"nobody","verb":"scan","target":"homes"}
{"tick":2,"org":"csirt","verb":"dance"}
{"tick":4,"org":"csrit","verb":"request","target":"hoster","args":{"kind":"takedwn"}}
`)
	// A tree of scenarios: validate searches it as test does.
	tree := filepath.Join(dir, "tree")
	for _, d := range []string{"a", "b/c", "testdata/d"} {
		os.MkdirAll(filepath.Join(tree, d), 0o755)
		yaml, _ := os.ReadFile(filepath.Join(botnet, "scenario.yaml"))
		writeFile(t, filepath.Join(tree, d), "scenario.yaml", strings.Replace(string(yaml), "name: cli-botnet", "name: tree-"+strings.ReplaceAll(d, "/", "-"), 1))
	}
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
		{"validate", []string{"validate", botnet}, 0, `^ok cli-botnet \(801 assets, 4 organisations, 2 jurisdictions, 1 campaign, 0 injects, 2 objectives, 0 tests; a world: 2 segments, about \d+ KiB\)\n$`, ""},
		{"validate invalid", []string{"validate", botnet, invalid}, 2, `^ok cli-botnet`, `invalid/scenario.yaml:3:(.|\n)*1 of 2 scenarios invalid\n$`},
		{"validate nothing", []string{"validate"}, 2, "^$", `want one or more PATH arguments`},
		{"validate a tree", []string{"validate", tree}, 0, `^ok tree-a \(.*\)\nok tree-b-c \(.*\)\n$`, ""},
		{"validate testdata named", []string{"validate", filepath.Join(tree, "testdata")}, 0, `^ok tree-testdata-d \(`, ""},
		{"validate a tree and an invalid scenario", []string{"validate", tree, invalid}, 2, `^ok tree-a (.|\n)*ok tree-b-c`, `invalid/scenario.yaml:3:(.|\n)*1 of 3 scenarios invalid\n$`},
		{"validate a folder without scenarios", []string{"validate", empty, botnet}, 2, `^ok cli-botnet`, `^cyberex: .*empty: no scenario \(no folder with a scenario.yaml\) found there\n0 of 1 scenarios invalid; 1 path without a scenario\n$`},
		{"commands the engine rejects", []string{"run", botnet, "--commands", badWords}, 2, "^$",
			`^.*words.jsonl:1: org: no organisation "nobody" \(one of csirt, isp, hoster, gang\)\n.*words.jsonl:2: verb: unknown verb "dance" \(one of .*\)\n.*words.jsonl:3: org: no organisation "csrit"; did you mean "csirt"\?\n.*words.jsonl:3: args.kind: unknown request kind "takedwn"; did you mean "takedown"\?\n$`},
		{"sweep commands the engine rejects", []string{"sweep", botnet, "--seeds", "1", "--commands", badWords}, 2, "^$", `words.jsonl:1: org: no organisation "nobody"`},
		{"events typo", []string{"run", botnet, "--events", "botnet.recruted"}, 2, "^$", `--events: unknown event kind "botnet.recruted"; did you mean "botnet.recruited"\?`},
		{"events unknown", []string{"run", botnet, "--events", "zzzzzzzz"}, 2, "^$", `--events: unknown event kind "zzzzzzzz" \(one of .*, or all\)`},
		{"--version", []string{"--version"}, 0, `^cyberex \S+.*\nengine \d+\.\d+\.\d+, journal format cyberex-journal/1, go`, ""},
		{"-v", []string{"-v"}, 0, `^cyberex \S+`, ""},
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
	if code != 0 || !strings.HasPrefix(out, "ok "+r.StateHash+"\nchecked: ") || errOut != "" {
		t.Errorf("replay: exit %d\n%s\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`^checked: \d+ state hashes \(tick 0 to \d+\), the end hash at tick \d+; \d+ commands replayed over \d+ ticks$`).MatchString(strings.Split(out, "\n")[1]) {
		t.Errorf("replay does not say what it checked:\n%s", out)
	}
	code, out, _ = cyberex(t, "replay", jpath, "--scenario", botnet)
	if code != 0 || !strings.HasPrefix(out, "ok "+r.StateHash+"\n") {
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

// Every command the engine rejects during a run is said on stderr, the
// players' and the scripted teams' (a policy's bug), with --json too
// (stdout stays one JSON object).
func TestRunPrintsRejections(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "scen")
	os.Mkdir(scen, 0o755)
	yaml, _ := os.ReadFile(filepath.Join(botnet, "scenario.yaml"))
	writeFile(t, scen, "scenario.yaml", string(yaml))
	writeFile(t, scen, "story.lua", `local done = false
team("isp", {on_tick = function()
  if not done then done = true; act("scan", "no-such-segment") end
end})
`)
	moves := writeFile(t, dir, "moves.jsonl", `{"tick":5,"org":"csirt","verb":"investigate","target":"nowhere"}
{"tick":6,"org":"csirt","verb":"investigate","target":"homes"}
`)
	for _, args := range [][]string{
		{"run", scen, "--commands", moves, "--ticks", "20"},
		{"run", scen, "--commands", moves, "--ticks", "20", "--json"},
	} {
		code, out, errOut := cyberex(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if len(lines) != 2 ||
			!regexp.MustCompile(`^tick 1: isp scan no-such-segment rejected: .*no-such-segment`).MatchString(lines[0]) ||
			!regexp.MustCompile(`^tick 5: csirt investigate nowhere rejected: .*nowhere`).MatchString(lines[1]) {
			t.Errorf("%v: stderr:\n%s", args, errOut)
		}
		if slices.Contains(args, "--json") {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("stdout is not one JSON object: %v\n%s", err, out)
			}
		}
	}
	// With --events showing them, each rejection is said once.
	_, _, errOut := cyberex(t, "run", scen, "--commands", moves, "--ticks", "20", "--events", "command.rejected")
	if n := strings.Count(errOut, "nowhere rejected"); n != 1 || strings.Contains(errOut, ": rejected: ") {
		t.Errorf("--events command.rejected:\n%s", errOut)
	}
}

// What replay says about each way a journal can differ from its replay,
// the failures a journal records among them.
func TestReplayMessages(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "scen")
	os.Mkdir(scen, 0o755)
	yaml, _ := os.ReadFile(filepath.Join(botnet, "scenario.yaml"))
	writeFile(t, scen, "scenario.yaml", string(yaml))
	writeFile(t, scen, "story.lua", "at(40, function() local t = nil; return t.x end)\n")
	good := filepath.Join(dir, "good.jsonl")
	if code, _, errOut := cyberex(t, "run", botnet, "--ticks", "30", "--hash-every", "10", "--journal", good); code != 0 {
		t.Fatal(errOut)
	}
	failed := filepath.Join(dir, "failed.jsonl")
	code, _, errOut := cyberex(t, "run", scen, "--hash-every", "100", "--journal", failed)
	if code != 2 || !strings.Contains(errOut, "tick 40") {
		t.Fatalf("failing run: exit %d %s", code, errOut)
	}
	goodData, _ := os.ReadFile(good)
	failedData, _ := os.ReadFile(failed)
	endRe := regexp.MustCompile(`\{"type":"end".*\n`)
	failedRe := regexp.MustCompile(`\{"type":"failed".*\n`)
	// The failed record says where the script failed, file names relative
	// to the scenario's folder.
	rec := failedRe.Find(failedData)
	if !regexp.MustCompile(`^\{"type":"failed","tick":40,"error":"story.lua:1: tick 40: [^"]+"\}\n$`).Match(rec) {
		t.Fatalf("failed record %s", rec)
	}
	edit := func(data []byte, re *regexp.Regexp, with string) string {
		return string(re.ReplaceAll(data, []byte(with)))
	}
	tests := []struct {
		name   string
		data   string
		code   int
		stdout string // regexp
		stderr string // regexp
	}{
		{"good", string(goodData), 0, `^ok [0-9a-f]{64}\nchecked: 4 state hashes \(tick 0 to 30\), the end hash at tick 30; 0 commands replayed over 30 ticks\n$`, `^$`},
		{"end hash differs", edit(goodData, regexp.MustCompile(`("type":"end","tick":30,"hash":")[0-9a-f]{64}`), "${1}"+strings.Repeat("0", 64)), 1,
			`^the end hash \(after Finish\) differs at tick 30: journal 0{64}, replay [0-9a-f]{64}\n$`,
			`^the state after the last tick \(30\) matched: Finish, which judges the objectives that wait for the end, made the difference\n$`},
		{"the same failure", string(failedData), 0, `^ok: the run fails at tick 40 as recorded: story.lua:1: tick 40: .*\nchecked: 1 state hash \(tick 0 to 0\), the failure at tick 40; 0 commands replayed over 40 ticks\n$`, `^$`},
		{"another error", edit(failedData, regexp.MustCompile(`"error":"[^"]+"`), `"error":"story.lua:1: tick 40: \u001b[2Jsomething else"`), 1,
			`^the run fails at tick 40 as recorded, but with another error: journal: story.lua:1: tick 40: \\x1b\[2Jsomething else; replay: story.lua:1: tick 40: .*\n$`,
			`^the last checkpoint that matched is tick 0\n$`},
		{"the replay fails earlier", edit(failedData, failedRe, `{"type":"failed","tick":45,"error":"boom"}`+"\n"), 1,
			`^the replay fails at tick 40, where the journal records no failure: story.lua:1: tick 40: .*\n$`, `tick 0`},
		{"the replay does not fail", edit(goodData, endRe, `{"type":"failed","tick":31,"error":"boom"}`+"\n"), 1,
			`^the journal records a failure at tick 31, but the replay does not fail there: boom\n$`, `tick 30`},
		{"a failure no longer recorded (an older journal)", edit(failedData, failedRe, ""), 0, `^ok [0-9a-f]{64}\nchecked: 1 state hash \(tick 0 to 0\), no end \(the run stopped\); 0 commands replayed over 0 ticks\n$`, `no end record`},
		// A live session's journal: its story stopped at tick 40 and the run
		// went on.
		{"a live story that stopped as recorded", strings.Replace(edit(failedData, failedRe, `{"type":"story_stopped","tick":40,"error":"`+failedStoryErr(failedData)+`"}`+"\n"), `"hash_every"`, `"live":true,"hash_every"`, 1), 0,
			`^ok [0-9a-f]{64}\n`, `no end record`},
		{"a live story that stops where none is recorded", strings.Replace(edit(failedData, failedRe, `{"type":"story_stopped","tick":41,"error":"boom"}`+"\n"), `"hash_every"`, `"live":true,"hash_every"`, 1), 1,
			`^the story stops at tick 40 in the replay, where the journal records no stop: story.lua:1: tick 40: .*\n$`, `tick 0`},
		{"only a header", strings.SplitAfter(string(goodData), "\n")[0], 2, `^$`, `j.jsonl: the journal holds only its header .*: a replay would check nothing\n$`},
		{"a command at tick 2^31-1", edit(goodData, endRe, `{"type":"command","tick":2147483647,"org":"isp","verb":"scan"}`+"\n"), 2, `^$`, `j.jsonl:6: command: tick 2147483647 is past any run`},
		{"a command past the end", edit(goodData, endRe, `{"type":"command","tick":99999,"org":"isp","verb":"scan"}`+"\n"), 2, `^$`, `j.jsonl:6: command: tick 99999 is after the scenario's end \(tick \d+\): a run never writes it\n$`},
		{"a hash off the cadence", edit(goodData, regexp.MustCompile(`"type":"hash","tick":20,`), `"type":"hash","tick":21,`), 2, `^$`, `j.jsonl:4: hash: tick 21: with hash_every 10 a run writes hashes at tick 0 and every 10 ticks only\n$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := writeFile(t, dir, "j.jsonl", tc.data)
			code, out, errOut := cyberex(t, "replay", j)
			if code != tc.code || !regexp.MustCompile(tc.stdout).MatchString(out) || !regexp.MustCompile(tc.stderr).MatchString(errOut) {
				t.Errorf("exit %d (want %d)\nstdout: %q\nwant %s\nstderr: %q\nwant %s", code, tc.code, out, tc.stdout, errOut, tc.stderr)
			}
		})
	}
}

// failedStoryErr is the error of a journal's failed record, as JSON string
// content.
func failedStoryErr(journal []byte) string {
	m := regexp.MustCompile(`"type":"failed","tick":\d+,"error":"((?:[^"\\]|\\.)*)"`).FindSubmatch(journal)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// A journal records where its scenario is relative to the journal's
// folder (or absolute when they share only the root), so that replay finds
// it from any current folder; a journal that recorded it relative to the
// current folder (before) still replays from there.
func TestReplayFindsTheScenario(t *testing.T) {
	abs, _ := filepath.Abs(botnet)
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	scen := filepath.Join(dir, "scenarios", "b")
	os.MkdirAll(runs, 0o755)
	os.MkdirAll(scen, 0o755)
	yaml, _ := os.ReadFile(filepath.Join(botnet, "scenario.yaml"))
	writeFile(t, scen, "scenario.yaml", string(yaml))
	header := func(path string) journal.Header {
		j, err := journal.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return j.Header
	}
	t.Chdir(scen)
	// Run as "." from the scenario's folder, the journal beside it and
	// elsewhere.
	for _, tc := range []struct{ journal, recorded string }{
		{filepath.Join(runs, "a.jsonl"), "../scenarios/b"},
		{filepath.Join(scen, "b.jsonl"), "."},
		{"c.jsonl", "."},
	} {
		if code, _, errOut := cyberex(t, "run", ".", "--ticks", "5", "--journal", tc.journal); code != 0 {
			t.Fatal(errOut)
		}
		if h := header(tc.journal); h.ScenarioDir != tc.recorded {
			t.Errorf("%s records %q, want %q", tc.journal, h.ScenarioDir, tc.recorded)
		}
	}
	t.Chdir(runs)
	for _, j := range []string{"a.jsonl", filepath.Join(scen, "b.jsonl"), "../scenarios/b/c.jsonl"} {
		if code, out, errOut := cyberex(t, "replay", j); code != 0 || !strings.HasPrefix(out, "ok ") {
			t.Errorf("replay %s from elsewhere: exit %d\n%s%s", j, code, out, errOut)
		}
	}
	// An older journal: the path as typed, relative to the current folder.
	t.Chdir(dir)
	oldCwd := writeFile(t, runs, "old-cwd.jsonl", strings.Replace(string(mustRead(t, filepath.Join(runs, "a.jsonl"))), `"scenario_dir":"../scenarios/b"`, `"scenario_dir":"scenarios/b"`, 1))
	if code, out, errOut := cyberex(t, "replay", oldCwd); code != 0 || !strings.HasPrefix(out, "ok ") {
		t.Errorf("an older journal, relative to the current folder: exit %d\n%s%s", code, out, errOut)
	}
	// Not found anywhere: say so, and how to give it.
	lost := writeFile(t, runs, "lost.jsonl", strings.Replace(string(mustRead(t, filepath.Join(runs, "a.jsonl"))), `"scenario_dir":"../scenarios/b"`, `"scenario_dir":"gone"`, 1))
	code, _, errOut := cyberex(t, "replay", lost)
	if code != 2 || !strings.Contains(errOut, "the scenario of "+lost+", gone, was not found (no scenario.yaml in "+filepath.Join(runs, "gone")+" or gone): give its folder with --scenario DIR") {
		t.Errorf("lost: exit %d %s", code, errOut)
	}
	if code, out, errOut := cyberex(t, "replay", lost, "--scenario", abs); code != 0 || !strings.HasPrefix(out, "ok ") {
		t.Errorf("--scenario: exit %d\n%s%s", code, out, errOut)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProgramVersion(t *testing.T) {
	vcs := func(v string, kv ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "cyberex", Version: v}}
		for i := 0; i < len(kv); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return bi
	}
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"a git checkout", vcs("v0.0.0-20261123180910-761bf5e12ede", "vcs", "git", "vcs.revision", "761bf5e12ede3c5da313c8db5d6fd1cb00dbe84f", "vcs.modified", "false"), true,
			"v0.0.0-20261123180910-761bf5e12ede (commit 761bf5e12ede)"},
		{"with local changes", vcs("v0.0.0-20261123180910-761bf5e12ede+dirty", "vcs.revision", "761bf5e12ede3c5da313c8db5d6fd1cb00dbe84f", "vcs.modified", "true"), true,
			"v0.0.0-20261123180910-761bf5e12ede+dirty (commit 761bf5e12ede, modified)"},
		{"a release", vcs("v1.2.3"), true, "v1.2.3"},
		{"-buildvcs=false", vcs("(devel)", "-buildmode", "exe"), true, "devel"},
		{"no build information", nil, false, "devel (no build information)"},
	} {
		if got := programVersion(tc.bi, tc.ok); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// --version and version print the same.
	_, a, _ := cyberex(t, "version")
	_, b, _ := cyberex(t, "--version")
	if a != b || !strings.HasPrefix(a, "cyberex ") {
		t.Errorf("version %q, --version %q", a, b)
	}
}
