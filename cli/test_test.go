package cli

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cyberex/internal/testrun"
	"cyberex/journal"
	"cyberex/runner"
)

// Scenarios of package runner's tests. The tests that need every golden
// failure of the broken scenario run testrun.Broken's copy of it.
const (
	tinyDir    = "../runner/testdata/tiny"
	brokenDir  = "../runner/testdata/broken"
	invalidDir = "../runner/testdata/invalid"
)

func TestTestCommand(t *testing.T) {
	// A scenario whose story does not compile: refused at load (exit 2,
	// the error at file:line:col), no run made.
	badLua := filepath.Join(t.TempDir(), "badlua")
	os.Mkdir(badLua, 0o755)
	writeFile(t, badLua, "scenario.yaml", "name: badlua\nsettings: {duration: 100}\njurisdictions: [{id: A}]\norganisations: [{id: csirt, kind: csirt, jurisdiction: A}]\ntests: [{name: many, seeds: \"1..100\"}]\n")
	writeFile(t, badLua, "story.lua", "-- a syntax error on line 3\nat(40, function()\n  local x = = 1\nend)\n")
	badLuaRE := regexp.QuoteMeta(filepath.ToSlash(badLua))
	broken := testrun.Broken(t)
	brokenRE := regexp.QuoteMeta(filepath.ToSlash(broken))
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // regexp
		stderr string // regexp, "" for empty
	}{
		{"passing", []string{"test", tinyDir}, 0,
			`^PASS  tiny/spread  200 runs  \d+\.\d\ds\nPASS  tiny/scripted-police  11 runs  \d+\.\d\ds\n\n1 scenario, 211 runs in \d+\.\d+s on \d+ workers?\ntests: 2 passed, 0 failed\n$`, ""},
		{"the tutorial", []string{"test", "../scenarios/tutorial", "--run", "good-response$"}, 0, `^PASS  tutorial/good-response  5 runs .*\n\n1 scenario, 5 runs .*\ntests: 1 passed, 0 failed\n$`, ""},
		{"failing", []string{"test", broken, "--parallel", "1"}, 1,
			`(?m)^FAIL  broken/bots-at-end  50 runs  .*\n      seed \d+: metric bots is \d+ at the end \(tick 40\), want at most 7; \d+ of 50 runs failed\n      replay: cyberex run ` + brokenRE + ` --seed \d+ --ticks 40 --json\n(.|\n)*^tests: 1 passed, 9 failed\n$`, ""},
		{"invalid", []string{"test", invalidDir, tinyDir}, 2,
			`^INVALID  \.\./runner/testdata/invalid \(2 problems\)\nPASS  tiny/spread(.|\n)*\n2 scenarios, 1 invalid, 211 runs in .*\ntests: 2 passed, 0 failed\n$`,
			`^\.\./runner/testdata/invalid/scenario\.yaml:13:21: tests\[0\]\.expect\[0\]\.objective: no objective "quite"; did you mean "quiet"\?\n.*botz`},
		{"invalid Lua: nothing runs", []string{"test", badLua}, 2,
			`^INVALID  ` + badLuaRE + ` \(1 problem\)\n\n1 scenario, 1 invalid, 0 runs in .*\ntests: 0 passed, 0 failed\n$`,
			`^` + badLuaRE + `/story\.lua:3:13: syntax error near '='\n$`},
		{"set for every test", []string{"test", tinyDir, "--run", "spread", "--set", "campaigns.bot.initial_bots=50"}, 1,
			`(?m)^FAIL  tiny/spread  .*\n(.|\n)*replay: cyberex run \.\./runner/testdata/tiny --seed \d+ --ticks 40 --set campaigns\.bot\.initial_bots=50`, ""},
		{"set that does not fit", []string{"test", tinyDir, "--set", "settings.duration=zz"}, 2, `INVALID`, `settings\.duration`},
		{"update with set", []string{"test", tinyDir, "--update", "--set", "organisations.csirt.staff=1"}, 2, `^$`, `--update pins the scenario as written: run it without --set`},
		{"filter and seeds", []string{"test", tinyDir, brokenDir, "--run", "^tiny/spread$", "--seeds", "1..3"}, 0, `^PASS  tiny/spread  3 runs  .*\n\n2 scenarios, 3 runs .*\ntests: 1 passed, 0 failed\n$`, ""},
		{"shard", []string{"test", tinyDir, "--shard", "2/3"}, 0, `(?m)^PASS  tiny/spread  67 of 200 runs .*\nPASS  tiny/scripted-police  3 of 11 runs .*\n\n.*\(shard 2/3: expectations across seeds are judged by cyberex merge\)\n`, ""},
		{"no such path", []string{"test", "nosuch"}, 2, `^$`, `^cyberex: nosuch: no such file or folder\n$`},
		{"no scenario", []string{"test", "testdata/botnet/.."}, 0, `tests: 0 passed, 0 failed`, ""},
		{"bad parallel", []string{"test", tinyDir, "--parallel", "0"}, 2, `^$`, `--parallel 0: want 1 to 4096`},
		{"bad regexp", []string{"test", tinyDir, "--run", "("}, 2, `^$`, `--run "\(": error parsing regexp`},
		{"run matches nothing", []string{"test", tinyDir, brokenDir, "--run", "zzz"}, 2, `^$`,
			`^cyberex: no test matches --run zzz; the tests \(SCENARIO/TEST\) are:\n  broken/sane\n  broken/bots-at-end\n(  broken/.*\n){7}  broken/golden-missing\n  tiny/spread\n  tiny/scripted-police\n$`},
		{"run matches nothing, many tests", []string{"test", "../scenarios", tinyDir, brokenDir, "--run", "zzz"}, 2, `^$`,
			`^cyberex: no test matches --run zzz; the tests \(SCENARIO/TEST\) are:\n(  \S+/\S+\n){20}  … and \d+ more\n$`},
		{"run matches nothing, no tests", []string{"test", botnet, "--run", "x"}, 2, `^$`, `^cyberex: no test matches --run x: the scenarios found declare no test\n$`},
		{"too many seeds", []string{"test", tinyDir, "--seeds", "1..1000000000"}, 2, `^$`, `^cyberex: --seeds: 1000000000 seeds, at most 100000 seeds per test \(use cyberex sweep for more runs\)\n$`},
		{"seeds at the cap", []string{"test", tinyDir, "--seeds", "1..100000", "--run", "^$"}, 2, `^$`, `no test matches --run \^\$`},
		{"bad seeds", []string{"test", tinyDir, "--seeds", "9..1"}, 2, `^$`, `--seeds: seed range 9..1 runs backwards`},
		{"bad shard", []string{"test", tinyDir, "--shard", "3/2"}, 2, `^$`, `--shard 3/2: shard 3 is not one of 1..2`},
		{"auto shard without environment", []string{"test", tinyDir, "--shard", "auto"}, 2, `^$`, `neither JOB_COMPLETION_INDEX`},
		{"update with shard", []string{"test", tinyDir, "--shard", "1/2", "--update"}, 2, `^$`, `--update rewrites whole golden files: run it without --shard`},
		{"help", []string{"help", "test"}, 0, `Usage:\n  cyberex test \[PATH\.\.\.\]`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cyberex(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if !regexp.MustCompile(tc.stdout).MatchString(out) {
				t.Errorf("stdout:\n%s\nwant %s", out, tc.stdout)
			}
			if tc.stderr == "" && errOut != "" || tc.stderr != "" && !regexp.MustCompile(tc.stderr).MatchString(errOut) {
				t.Errorf("stderr:\n%s\nwant %q", errOut, tc.stderr)
			}
		})
	}
}

// splitShell splits a command line as a POSIX shell would, for the
// quoting runner.ShellJoin writes: single quotes, and a quote inside
// them written as close quote, backslash-quote, open quote.
func splitShell(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			cur.WriteByte(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes in %s", s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// runJSON is `cyberex run --json` output.
type runJSON struct {
	Seed       uint64 `json:"seed"`
	Ticks      int32  `json:"ticks"`
	StateHash  string `json:"state_hash"`
	Objectives []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Tick   *int32 `json:"tick"`
	} `json:"objectives"`
	Metrics map[string]int64 `json:"metrics"`
}

// Every failure of the broken scenario prints a command; run it, and it
// shows the value the failure names. This is the promise of cyberex test:
// a failure reproduces from its seed.
func TestReplayCommandsReproduceFailures(t *testing.T) {
	code, out, errOut := cyberex(t, "test", testrun.Broken(t), "--json")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var rep runner.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// Replays write nothing in the current folder.
	t.Chdir(t.TempDir())
	defer func() {
		if left, _ := os.ReadDir("."); len(left) > 0 {
			t.Errorf("a replay wrote %s in the current folder", left[0].Name())
		}
	}()
	var (
		metricRe    = regexp.MustCompile(`^seed (\d+): metric (\S+) is (-?\d+) `)
		objectiveRe = regexp.MustCompile(`^seed (\d+): objective (\S+) (met|failed|pending)(?: at tick (\d+))?, want`)
		shareRe     = regexp.MustCompile(`^across: objective (\S+) met in .*; first run where it was( not)?: seed (\d+)$`)
		statRe      = regexp.MustCompile(`^across: metric (\S+) .*: (median|p\d+) (-?\d+) over \d+ runs, want .*; seed (\d+) has it$`)
		goldenRe    = regexp.MustCompile(`^seed (\d+): golden .*: the state differs at tick (\d+), .*: state hash ([0-9a-f]{64}), want [0-9a-f]{64}; metrics (\S+) (-?\d+) \(want`)
		eventRe     = regexp.MustCompile(`^seed (\d+): event (\S+) happened at tick (\d+), want it not to happen`)
	)
	checked := map[string]bool{}
	for _, sc := range rep.Scenarios {
		for _, tr := range sc.Tests {
			for _, f := range tr.Failures {
				if f.Replay == "" {
					continue
				}
				t.Run(tr.Name, func(t *testing.T) {
					args := splitShell(t, f.Replay)
					if args[0] != "cyberex" || args[1] != "run" {
						t.Fatalf("replay %s", f.Replay)
					}
					journalPath := ""
					if i := slicesIndex(args, "--journal"); i > 0 {
						// In the OS's temporary folder, named after the
						// test and seed: a leftover of an earlier run of
						// this test is removed, as the message says.
						journalPath = args[i+1]
						if filepath.Dir(journalPath) != filepath.ToSlash(os.TempDir()) || !strings.Contains(f.Message, "journal "+journalPath+" (remove it first if it exists") {
							t.Errorf("replay journal %s: want it in %s, named in the message: %s", journalPath, os.TempDir(), f.Message)
						}
						os.Remove(journalPath)
						t.Cleanup(func() { os.Remove(journalPath) })
					}
					code, out, errOut := cyberex(t, args[1:]...)
					if code != 0 {
						t.Fatalf("%s: exit %d\n%s", f.Replay, code, errOut)
					}
					var r runJSON
					if strings.Contains(f.Replay, "--json") {
						if err := json.Unmarshal([]byte(out), &r); err != nil {
							t.Fatalf("%s: %v\n%s", f.Replay, err, out)
						}
					}
					status := func(id string) string {
						for _, o := range r.Objectives {
							if o.ID == id {
								return o.Status
							}
						}
						// The text summary: "  failed  c2-down  tick 40 ..."
						m := regexp.MustCompile(`(?m)^  (met|failed|pending)\s+` + regexp.QuoteMeta(id) + `\s`).FindStringSubmatch(out)
						if m == nil {
							t.Fatalf("objective %s not in the output:\n%s", id, out)
						}
						return m[1]
					}
					seedArg := args[slicesIndex(args, "--seed")+1]
					switch {
					case metricRe.MatchString(f.Message):
						m := metricRe.FindStringSubmatch(f.Message)
						if m[1] != seedArg || strconv.FormatInt(r.Metrics[m[2]], 10) != m[3] {
							t.Errorf("%s\nshows %s = %d (seed %d); the failure says %s", f.Replay, m[2], r.Metrics[m[2]], r.Seed, f.Message)
						}
						checked["metric"] = true
					case objectiveRe.MatchString(f.Message):
						m := objectiveRe.FindStringSubmatch(f.Message)
						if got := status(m[2]); got != m[3] {
							t.Errorf("%s\nshows %s %s; the failure says %s", f.Replay, m[2], got, f.Message)
						}
						if !regexp.MustCompile(`(?m)^  ` + m[3] + `\s+` + m[2] + `\s+tick ` + m[4] + `\s`).MatchString(out) {
							t.Errorf("%s\nshows\n%s\nthe failure says %s", f.Replay, out, f.Message)
						}
						checked["objective"] = true
					case shareRe.MatchString(f.Message):
						m := shareRe.FindStringSubmatch(f.Message)
						got := status(m[1])
						if m[3] != seedArg || (m[2] != "" && got == "met") || (m[2] == "" && got != "met") {
							t.Errorf("%s\nshows %s %s; the failure says %s", f.Replay, m[1], got, f.Message)
						}
						checked["share"] = true
					case statRe.MatchString(f.Message):
						m := statRe.FindStringSubmatch(f.Message)
						if m[4] != seedArg || strconv.FormatInt(r.Metrics[m[1]], 10) != m[3] {
							t.Errorf("%s\nshows %s = %d; the failure says %s", f.Replay, m[1], r.Metrics[m[1]], f.Message)
						}
						checked["stat"] = true
					case goldenRe.MatchString(f.Message):
						m := goldenRe.FindStringSubmatch(f.Message)
						j, err := journal.ReadFile(journalPath)
						if err != nil {
							t.Fatal(err)
						}
						tick, _ := strconv.Atoi(m[2])
						found := false
						for _, h := range j.Hashes {
							if h.Tick == int32(tick) {
								found = true
								if h.Hash != m[3] {
									t.Errorf("the journal's hash at tick %d is %s; the failure says %s", tick, h.Hash, m[3])
								}
							}
						}
						if !found {
							t.Errorf("the journal has no hash at tick %d", tick)
						}
						if strconv.FormatInt(r.Metrics[m[4]], 10) != m[5] {
							t.Errorf("%s\nshows %s = %d; the failure says %s", f.Replay, m[4], r.Metrics[m[4]], f.Message)
						}
						checked["golden"] = true
					case eventRe.MatchString(f.Message):
						// The run shows no event kinds: check that the
						// command stops at the tick the event happened.
						m := eventRe.FindStringSubmatch(f.Message)
						if args[slicesIndex(args, "--ticks")+1] != m[3] {
							t.Errorf("replay %s for %s", f.Replay, f.Message)
						}
						checked["event"] = true
					default:
						t.Errorf("failure not understood by this test: %s", f.Message)
					}
				})
			}
		}
	}
	for _, k := range []string{"metric", "objective", "share", "stat", "golden", "event"} {
		if !checked[k] {
			t.Errorf("no %s failure was replayed", k)
		}
	}
}

func slicesIndex(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitAndJSON(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "report.xml")
	broken := testrun.Broken(t)
	code, out, errOut := cyberex(t, "test", tinyDir, broken, invalidDir, "--junit", file, "--json")
	if code != 2 {
		t.Errorf("exit %d, want 2 (an invalid scenario)", code)
	}
	var rep runner.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if rep.Summary.Tests != 12 || rep.Summary.Failed != 9 || rep.Summary.Invalid != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	if !strings.Contains(errOut, "FAIL  broken/c2-down") || !strings.Contains(errOut, "tests: 3 passed, 9 failed") {
		t.Errorf("with --json the lines go to stderr:\n%s", errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if doc.Tests != 13 || doc.Failures != 9 || doc.Errors != 1 || len(doc.Suites) != 3 {
		t.Errorf("JUnit: %d tests, %d failures, %d errors, %d suites", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if s.Name == "broken" && c.Name == "c2-down" {
				if c.Failure == nil || !strings.HasPrefix(c.Failure.Message, "seed 1: objective c2-down failed") ||
					!strings.Contains(c.Failure.Text, "replay: cyberex run "+filepath.ToSlash(broken)+" --seed 1 --ticks 40") {
					t.Errorf("c2-down: %+v", c.Failure)
				}
			}
			if s.Name == "../runner/testdata/invalid" && (c.Error == nil || !strings.Contains(c.Error.Message, "invalid scenario")) {
				t.Errorf("invalid: %+v", c)
			}
		}
	}
	if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML header")
	}
}

// Shards' reports merge into the report of one unsharded session.
func TestTestShardsMerge(t *testing.T) {
	dir := t.TempDir()
	paths := []string{tinyDir, testrun.Broken(t)}
	code, whole, _ := cyberex(t, append([]string{"test", "--json"}, paths...)...)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var files []string
	for i := 1; i <= 3; i++ {
		args := append([]string{"test", "--json", "--shard", strconv.Itoa(i) + "/3"}, paths...)
		code, out, errOut := cyberex(t, args...)
		if code != 1 && code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, code, errOut)
		}
		f := filepath.Join(dir, "shard-"+strconv.Itoa(i)+".json")
		writeFile(t, dir, filepath.Base(f), out)
		files = append(files, f)
	}
	merged := filepath.Join(dir, "all.json")
	junit := filepath.Join(dir, "all.xml")
	code, out, errOut := cyberex(t, append([]string{"merge", merged, "--junit", junit}, files...)...)
	if code != 1 || errOut != "" {
		t.Fatalf("merge: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "FAIL  broken/median-bots  100 runs") || !strings.HasSuffix(out, "tests: 3 passed, 9 failed\n") {
		t.Errorf("merge prints:\n%s", out)
	}
	b, _ := os.ReadFile(merged)
	var got, want runner.Report
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(whole), &want)
	zero := func(r *runner.Report) string {
		r.Summary.Seconds = 0
		for i := range r.Scenarios {
			for j := range r.Scenarios[i].Tests {
				r.Scenarios[i].Tests[j].Seconds = 0
			}
		}
		x, _ := json.Marshal(r)
		return string(x)
	}
	if zero(&got) != zero(&want) {
		t.Errorf("the merged report differs from the unsharded one")
	}
	if _, err := os.Stat(junit); err != nil {
		t.Error(err)
	}
	// A missing shard is bad input.
	code, _, errOut = cyberex(t, "merge", merged, files[0], files[1])
	if code != 2 || !strings.Contains(errOut, "is a shard's report missing?") {
		t.Errorf("a missing shard: exit %d\n%s", code, errOut)
	}
}

func TestTestUpdate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.CopyFS(dir, os.DirFS(tinyDir)); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(dir, "golden", "scripted-police.json")
	orig, _ := os.ReadFile(golden)
	os.WriteFile(golden, []byte("{not json"), 0o644)
	code, out, _ := cyberex(t, "test", dir)
	if code != 1 || !strings.Contains(out, "is not a golden file") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = cyberex(t, "test", dir, "--update")
	if code != 0 || !strings.Contains(out, "(rewrote "+filepath.ToSlash(dir)+"/golden/scripted-police.json)") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(golden); !bytes.Equal(b, orig) {
		t.Errorf("--update wrote\n%s", b)
	}
	if code, _, _ := cyberex(t, "test", dir); code != 0 {
		t.Errorf("after --update: exit %d", code)
	}
}
