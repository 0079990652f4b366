package runner

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"cyberex/internal/testrun"
)

func TestFindScenarios(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b/c", "testdata/x", ".hidden/y", "b/c/testdata/z"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, d, "scenario.yaml"), []byte("name: x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(root, "empty"), 0o755)
	r := filepath.ToSlash(root)
	tests := []struct {
		name  string
		paths []string
		want  []string
		err   string
	}{
		{"tree", []string{root}, []string{r + "/a", r + "/b/c"}, ""},
		{"testdata named", []string{filepath.Join(root, "testdata")}, []string{r + "/testdata/x"}, ""},
		{"inside testdata", []string{filepath.Join(root, "testdata", "x")}, []string{r + "/testdata/x"}, ""},
		{"scenario.yaml", []string{filepath.Join(root, "a", "scenario.yaml")}, []string{r + "/a"}, ""},
		{"twice", []string{filepath.Join(root, "a"), root}, []string{r + "/a", r + "/b/c"}, ""},
		{"nothing there", []string{filepath.Join(root, "empty")}, nil, "no scenario"},
		{"missing", []string{filepath.Join(root, "nosuch")}, nil, "no such file or folder"},
		{"other file", []string{filepath.Join(root, "a")}, []string{r + "/a"}, ""},
	}
	os.WriteFile(filepath.Join(root, "notes.txt"), nil, 0o644)
	tests = append(tests, struct {
		name  string
		paths []string
		want  []string
		err   string
	}{"a file", []string{filepath.Join(root, "notes.txt")}, nil, "want a folder or a scenario.yaml"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FindScenarios(tc.paths)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// session runs the tests under paths and fails the test on an error.
func session(t *testing.T, opt TestOptions) *Report {
	t.Helper()
	rep, err := Test(opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findTest(rep *Report, name string) *TestReport {
	for i := range rep.Scenarios {
		for j := range rep.Scenarios[i].Tests {
			if t := &rep.Scenarios[i].Tests[j]; rep.Scenarios[i].Name+"/"+t.Name == name {
				return t
			}
		}
	}
	return nil
}

// The broken scenario fails each test as its comment says, names the
// first failing seed and prints a command that replays it. (The CLI's
// tests run those commands.)
func TestBrokenScenario(t *testing.T) {
	var order []string
	dir := testrun.Broken(t)
	d := regexp.QuoteMeta(filepath.ToSlash(dir))
	rep := session(t, TestOptions{Paths: []string{dir}, Parallel: 3,
		OnTest: func(sc *ScenarioReport, tr *TestReport) { order = append(order, tr.Name) }})
	tests := []struct {
		test    string
		status  string
		failure string // regexp of the first failure
		replay  string // regexp of its replay command
	}{
		{"sane", "pass", "", ""},
		{"bots-at-end", "fail", `^seed \d+: metric bots is (\d+) at the end \(tick 40\), want at most 7; \d+ of 50 runs failed$`,
			`^cyberex run ` + d + ` --seed \d+ --ticks 40 --json$`},
		{"bots-at-tick", "fail", `^seed \d+: metric bots is \d+ at tick 20, want at most 3; \d+ of 50 runs failed$`,
			`^cyberex run ` + d + ` --seed \d+ --ticks 20 --json$`},
		{"bots-always", "fail", `^seed \d+: metric compromised is 5 at tick (\d+), want at most 4 at every tick; \d+ of 50 runs failed$`,
			`^cyberex run ` + d + ` --seed \d+ --ticks \d+ --json$`},
		{"c2-down", "fail", `^seed 1: objective c2-down failed at tick 40, want met by tick 30; 3 of 3 runs failed$`,
			`^cyberex run ` + d + ` --seed 1 --ticks 40$`},
		{"mostly-under-6", "fail", `^across: objective under-6 met in \d+ of 100 runs \(\d+(\.\d)?%\), want at least 90%; first run where it was not: seed \d+$`,
			`^cyberex run ` + d + ` --seed \d+ --ticks 40$`},
		{"median-bots", "fail", `^across: metric bots at the end: median \d+ over 100 runs, want at most 3; seed \d+ has it$`,
			`^cyberex run ` + d + ` --seed \d+ --ticks 40 --json$`},
		{"quiet", "fail", `^seed 1: event botnet.recruited happened at tick \d+, want it not to happen; 5 of 5 runs failed$`,
			`^cyberex run ` + d + ` --seed 1 --ticks \d+ --events botnet.recruited$`},
		{"golden-drift", "fail", `^seed 2: golden ` + d + `/golden/drift.json: the state differs at tick 20, the first recorded tick that differs \(last match: tick 10\): state hash [0-9a-f]{64}, want 0{64}; metrics bots \d+ \(want \d+\), bots_ever \d+ \(want \d+\); the replay's journal ` + tmpJournal("broken-golden-drift-seed-2") + ` \(remove it first if it exists: a journal is never overwritten\) holds the state hash at tick 20; 1 of 2 runs failed$`,
			`^cyberex run ` + d + ` --seed 2 --ticks 20 --hash-every 20 --journal ` + tmpJournal("broken-golden-drift-seed-2") + ` --json$`},
		{"golden-missing", "fail", `^seed 1: golden file ` + d + `/golden/missing.json is missing: run cyberex test ` + d + ` --run '\^broken/golden-missing\$' --update to write it$`, `^$`},
	}
	if len(order) != len(tests) {
		t.Fatalf("tests reported: %q", order)
	}
	for i, tc := range tests {
		t.Run(tc.test, func(t *testing.T) {
			if order[i] != tc.test {
				t.Errorf("test %d reported is %s, want %s (declared order)", i, order[i], tc.test)
			}
			tr := findTest(rep, "broken/"+tc.test)
			if tr == nil {
				t.Fatal("not in the report")
			}
			if tr.Status != tc.status {
				t.Fatalf("status %s, want %s: %+v", tr.Status, tc.status, tr.Failures)
			}
			if tc.status == "pass" {
				if len(tr.Failures) != 0 {
					t.Errorf("passed with failures %+v", tr.Failures)
				}
				return
			}
			f := tr.Failures[0]
			if !regexp.MustCompile(tc.failure).MatchString(f.Message) {
				t.Errorf("failure\n  %s\nwant\n  %s", f.Message, tc.failure)
			}
			if !regexp.MustCompile(tc.replay).MatchString(f.Replay) {
				t.Errorf("replay %q, want %s", f.Replay, tc.replay)
			}
			// The first failing seed is the first failing run.
			if f.Seed != nil && !strings.HasPrefix(f.Message, "across") {
				for _, r := range tr.Records {
					if r.Failure != "" {
						if r.Seed != *f.Seed {
							t.Errorf("names seed %d, the first failing run is seed %d", *f.Seed, r.Seed)
						}
						break
					}
				}
			}
		})
	}
	if rep.ExitCode() != 1 || rep.Summary.Passed != 1 || rep.Summary.Failed != 9 {
		t.Errorf("summary %+v, exit %d", rep.Summary, rep.ExitCode())
	}
}

// stripTimes zeroes what depends on the clock.
func stripTimes(r *Report) *Report {
	c := *r
	c.Summary.Seconds = 0
	c.Scenarios = append([]ScenarioReport(nil), r.Scenarios...)
	for i := range c.Scenarios {
		c.Scenarios[i].Tests = append([]TestReport(nil), c.Scenarios[i].Tests...)
		for j := range c.Scenarios[i].Tests {
			c.Scenarios[i].Tests[j].Seconds = 0
		}
	}
	return &c
}

func reportJSON(t *testing.T, r *Report) string {
	t.Helper()
	b, err := json.MarshalIndent(stripTimes(r), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Results do not depend on the number of workers.
func TestWorkersDoNotChangeResults(t *testing.T) {
	paths := []string{testrun.Broken(t), "testdata/tiny"}
	want := reportJSON(t, session(t, TestOptions{Paths: paths, Parallel: 1}))
	for _, n := range []int{2, 5, 16} {
		if got := reportJSON(t, session(t, TestOptions{Paths: paths, Parallel: n})); got != want {
			t.Errorf("%d workers give another report", n)
		}
	}
}

// Shards' reports, written as JSON and merged, judge every test as one
// unsharded session does.
func TestShardedSessionMerges(t *testing.T) {
	paths := []string{testrun.Broken(t), "testdata/tiny", "testdata/invalid"}
	whole := session(t, TestOptions{Paths: paths})
	want := reportJSON(t, whole)
	for n := 1; n <= 4; n++ {
		var reps []*Report
		var names []string
		runs := 0
		for i := 0; i < n; i++ {
			r := session(t, TestOptions{Paths: paths, Shard: Shard{Index: i, Count: n}, Parallel: 2})
			if n > 1 && r.Shard != (Shard{Index: i, Count: n}).String() {
				t.Errorf("shard report says %q", r.Shard)
			}
			runs += r.Summary.Runs
			var b bytes.Buffer
			if err := json.NewEncoder(&b).Encode(r); err != nil {
				t.Fatal(err)
			}
			back, err := ReadReport(&b, "shard")
			if err != nil {
				t.Fatal(err)
			}
			reps = append(reps, back)
			names = append(names, "shard-"+string(rune('1'+i))+".json")
		}
		if runs != whole.Summary.Runs {
			t.Errorf("%d shards made %d runs, want %d", n, runs, whole.Summary.Runs)
		}
		merged, err := MergeReports(reps, names)
		if err != nil {
			t.Fatal(err)
		}
		if got := reportJSON(t, merged); got != want {
			t.Errorf("%d shards merged differ from the whole:\n%s\nwant\n%s", n, got, want)
		}
		if n > 1 {
			if _, err := MergeReports(reps[1:], names[1:]); err == nil || !strings.Contains(err.Error(), "is a shard's report missing") {
				t.Errorf("a missing shard: %v", err)
			}
			if _, err := MergeReports(append(reps, reps[0]), append(names, "again.json")); err == nil || !strings.Contains(err.Error(), "give each shard's report once") {
				t.Errorf("a shard twice: %v", err)
			}
		}
	}
}

// The broken scenario's golden files are what --update writes: updating
// every golden file of the repository (`cyberex test ... --update` after
// an engine change) fails nothing and changes nothing there, so no hand
// edit follows; its golden tests fail in testrun.Broken's copy, where
// TestBrokenScenario checks them.
func TestBrokenGoldenFilesAreWhatUpdateWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "broken")
	copyDir(t, "testdata/broken", dir)
	os.Remove(filepath.Join(dir, "golden", "missing.json")) // left by an earlier --update, perhaps
	rep := session(t, TestOptions{Paths: []string{dir}, Update: true})
	for _, name := range []string{"golden-drift", "golden-missing"} {
		if tr := findTest(rep, "broken/"+name); tr == nil || tr.Status != "pass" {
			t.Errorf("--update: %s: %+v", name, tr)
		}
	}
	if tr := findTest(rep, "broken/golden-drift"); tr != nil && tr.Updated != "" {
		t.Errorf("--update rewrote %s: the repository's file is not what it writes", tr.Updated)
	}
	want, err := os.ReadFile("testdata/broken/golden/drift.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "golden", "drift.json")); !bytes.Equal(got, want) {
		t.Errorf("--update changed golden/drift.json")
	}
}

// tmpJournal is the regexp of a golden failure's replay journal, in the
// OS's temporary folder.
func tmpJournal(name string) string {
	return regexp.QuoteMeta(filepath.ToSlash(filepath.Join(os.TempDir(), "cyberex-"+name+".jsonl")))
}

func TestMatchAndSeeds(t *testing.T) {
	seeds, _ := ParseSeeds("1..7")
	rep := session(t, TestOptions{Paths: []string{"testdata/tiny", "testdata/broken"}, Match: regexp.MustCompile(`^tiny/spr`), Seeds: &seeds})
	if rep.Summary.Tests != 1 || rep.Summary.Runs != 7 || !rep.OK() {
		t.Errorf("summary %+v", rep.Summary)
	}
}

func TestInvalidScenario(t *testing.T) {
	var invalid []string
	rep := session(t, TestOptions{Paths: []string{"testdata/invalid", "testdata/tiny"},
		OnInvalid: func(sc *ScenarioReport) { invalid = append(invalid, sc.Path) }})
	if len(invalid) != 1 || invalid[0] != "testdata/invalid" {
		t.Errorf("invalid: %q", invalid)
	}
	sc := rep.Scenarios[0]
	if len(sc.Errors) != 2 || !strings.Contains(sc.Errors[0], `no objective "quite"; did you mean "quiet"?`) {
		t.Errorf("errors %q", sc.Errors)
	}
	if rep.ExitCode() != 2 || rep.Summary.Passed != 2 {
		t.Errorf("summary %+v, exit %d", rep.Summary, rep.ExitCode())
	}
	var b bytes.Buffer
	if err := WriteJUnit(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<error message="invalid scenario: `) {
		t.Errorf("JUnit:\n%s", b.String())
	}
}

// copyDir copies a scenario folder.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, de os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if de.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGoldenFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	copyDir(t, "testdata/tiny", dir)
	golden := filepath.Join(dir, "golden", "scripted-police.json")
	orig, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	opt := TestOptions{Paths: []string{dir}, Match: regexp.MustCompile("scripted-police")}
	if rep := session(t, opt); !rep.OK() {
		t.Fatalf("the checked-in golden file does not match: %+v", rep.Scenarios[0].Tests[0].Failures)
	}

	// Missing: a failure that says how to write it.
	os.Remove(golden)
	rep := session(t, opt)
	tr := findTest(rep, "tiny/scripted-police")
	if tr.Status != "fail" || !strings.Contains(tr.Failures[0].Message, "golden/scripted-police.json is missing: run cyberex test") || !strings.Contains(tr.Failures[0].Message, "--update") {
		t.Errorf("missing golden file: %+v", tr.Failures)
	}

	// --update writes it as it was, in a stable form; a second update
	// changes nothing.
	up := opt
	up.Update = true
	rep = session(t, up)
	if tr := findTest(rep, "tiny/scripted-police"); !rep.OK() || !strings.HasSuffix(tr.Updated, "golden/scripted-police.json") {
		t.Fatalf("update: %+v", tr)
	}
	b, _ := os.ReadFile(golden)
	if !bytes.Equal(b, orig) {
		t.Errorf("--update wrote another file:\n%s", b)
	}
	if tr := findTest(session(t, up), "tiny/scripted-police"); tr.Updated != "" {
		t.Errorf("a second update rewrote the file")
	}
	var f GoldenFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Runs) != 2 || f.Runs[0].Seed != 1 || f.Runs[1].Seed != 99 || len(f.Runs[1].States) != 2 || f.Runs[1].States[1].Tick != 25 || f.Runs[1].Final.Tick != 40 {
		t.Errorf("golden file: %+v", f)
	}

	// A changed state fails at the first tick that differs, for its seed.
	tamper := func(edit func(*GoldenFile)) *TestReport {
		var g GoldenFile
		json.Unmarshal(orig, &g)
		edit(&g)
		data, _ := encodeGolden(&g)
		os.WriteFile(golden, data, 0o644)
		return findTest(session(t, opt), "tiny/scripted-police")
	}
	tests := []struct {
		name string
		edit func(*GoldenFile)
		want string
	}{
		{"hash at 25", func(g *GoldenFile) { g.Runs[1].States[1].Hash = strings.Repeat("a", 64) },
			`^seed 99: golden .*: the state differs at tick 25, the first recorded tick that differs \(last match: tick 10\): state hash [0-9a-f]{64}, want a{64}; the metrics are the same; the replay's journal ` + tmpJournal("tiny-scripted-police-seed-99")},
		{"metric only", func(g *GoldenFile) { g.Runs[0].States[0].Metrics["bots"] = 99 },
			`^seed 1: golden .*: the state differs at tick 10, .*same state hash, but metrics bots \d+ \(want 99\)`},
		{"final", func(g *GoldenFile) { g.Runs[0].Final.Hash = "x" },
			`^seed 1: golden .*: the final state \(tick 40, after the end\) differs \(last match: tick 25\)`},
		{"another engine", func(g *GoldenFile) { g.Engine = "0.0.1"; g.Runs[0].States[0].Hash = "x" },
			`\(the file was written by engine 0.0.1, this is engine `},
		{"other ticks", func(g *GoldenFile) { g.Ticks = []int32{10} },
			`records ticks \[10\], the test asks for \[10 25\]: run cyberex test`},
		{"no such seed", func(g *GoldenFile) { g.Runs = g.Runs[:1] },
			`^seed 99: golden file .* has no run of seed 99: run cyberex test`},
		{"another format", func(g *GoldenFile) { g.Format = "x" },
			`has format "x", want "cyberex-golden/1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := tamper(tc.edit)
			if tr.Status != "fail" || !regexp.MustCompile(tc.want).MatchString(tr.Failures[0].Message) {
				t.Errorf("got %+v\nwant %s", tr.Failures, tc.want)
			}
		})
	}
	// A hash that moved under the same engine version, scenario and
	// library: the rules moved, and --update says to bump engine.Version
	// instead of rewriting. Under another digest or version it rewrites.
	stale := []struct {
		name  string
		edit  func(*GoldenFile)
		fails bool
	}{
		{"same engine", func(g *GoldenFile) { g.Runs[1].States[1].Hash = strings.Repeat("a", 64) }, true},
		{"same engine, final", func(g *GoldenFile) { g.Runs[0].Final.Hash = strings.Repeat("b", 64) }, true},
		{"another engine", func(g *GoldenFile) { g.Engine = "0.0.1"; g.Runs[1].States[1].Hash = strings.Repeat("a", 64) }, false},
		{"another scenario", func(g *GoldenFile) {
			g.Digest = strings.Repeat("c", 64)
			g.Runs[1].States[1].Hash = strings.Repeat("a", 64)
		}, false},
		{"another library", func(g *GoldenFile) { g.Library = "d"; g.Runs[1].States[1].Hash = strings.Repeat("a", 64) }, false},
		{"written before digests", func(g *GoldenFile) { g.Digest = ""; g.Runs[1].States[1].Hash = strings.Repeat("a", 64) }, false},
	}
	for _, tc := range stale {
		t.Run("update/"+tc.name, func(t *testing.T) {
			var g GoldenFile
			json.Unmarshal(orig, &g)
			if g.Digest == "" {
				t.Fatal("the golden file records no scenario digest")
			}
			tc.edit(&g)
			data, _ := encodeGolden(&g)
			os.WriteFile(golden, data, 0o644)
			tr := findTest(session(t, up), "tiny/scripted-police")
			b, _ := os.ReadFile(golden)
			if tc.fails {
				if tr.Status != "fail" || !strings.Contains(tr.Failures[0].Message, "bump engine.Version in engine/world.go") || !bytes.Equal(b, data) {
					t.Errorf("got %+v; the file was rewritten: %v", tr.Failures, !bytes.Equal(b, data))
				}
			} else if tr.Status == "fail" || !bytes.Equal(b, orig) {
				t.Errorf("not rewritten: %+v", tr.Failures)
			}
		})
	}
	os.WriteFile(golden, []byte("{not json"), 0o644)
	if tr := findTest(session(t, opt), "tiny/scripted-police"); tr.Status != "fail" || !strings.Contains(tr.Failures[0].Message, "is not a golden file") {
		t.Errorf("a broken file: %+v", tr.Failures)
	}
	if _, err := Test(TestOptions{Paths: []string{dir}, Update: true, Shard: Shard{Index: 0, Count: 2}}); err == nil {
		t.Error("--update with --shard is accepted")
	}
}
