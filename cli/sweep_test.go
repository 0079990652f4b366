package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSweepCommand(t *testing.T) {
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // regexp
		stderr string // regexp
	}{
		{"to stdout", []string{"sweep", tinyDir, "--seeds", "1..3"}, 0,
			`^run,seed,ticks,state_hash,objective:few-bots:status,objective:few-bots:tick,bots,.*,error\n0,1,40,[0-9a-f]{64},met,40,\d+,.*\n1,2,40,.*\n2,3,40,.*\n$`,
			`^sweep: 3 runs in \d+\.\d+s, \d+ runs/s on \d+ workers?; 0 failed\n$`},
		{"to a file, varied", []string{"sweep", tinyDir, "--seeds", "1..4", "--vary", "organisations.csirt.staff=1,2", "--vary", "campaigns.bot.contacts=1,2,3", "--out", out, "--parallel", "3"}, 0,
			`^$`, `^sweep: 24 runs \(6 variations × 4 seeds\) in .*on 3 workers; 0 failed\nwrote .*out\.csv\n$`},
		{"extra metric", []string{"sweep", "../scenarios/tutorial", "--seeds", "1", "--metric", "evidence:crew-server-logs:preserved", "--commands", "../scenarios/tutorial/commands.jsonl"}, 0,
			`(?s)^run,seed,.*,websites_restored,evidence:crew-server-logs:preserved,error\n0,1,5760,.*,1,1,\n$`, `^sweep: 1 runs`},
		{"shard", []string{"sweep", tinyDir, "--seeds", "1..10", "--shard", "2/4"}, 0,
			`^run,seed,.*\n1,2,.*\n5,6,.*\n9,10,.*\n$`, `^sweep: shard 2/4: 3 of 10 runs in `},
		{"no seeds", []string{"sweep", tinyDir}, 2, `^$`, `give the seeds, e.g. --seeds 1..1000`},
		{"bad seeds", []string{"sweep", tinyDir, "--seeds", "a"}, 2, `^$`, `--seeds: seed "a"`},
		{"bad vary", []string{"sweep", tinyDir, "--seeds", "1", "--vary", "organisations.csirt.staff"}, 2, `^$`, `want key=v1,v2`},
		{"bad vary value", []string{"sweep", tinyDir, "--seeds", "1", "--vary", "organisations.csirt.staff=1,x"}, 2, `^$`, `--vary organisations.csirt.staff=x: .*want a whole number`},
		{"bad set", []string{"sweep", tinyDir, "--seeds", "1", "--set", "nokey"}, 2, `^$`, `--set "nokey": want key=value`},
		{"bad metric", []string{"sweep", tinyDir, "--seeds", "1", "--metric", "botz"}, 2, `^$`, `--metric botz: unknown metric`},
		{"bad shard", []string{"sweep", tinyDir, "--seeds", "1", "--shard", "1/2", "--shards", "2"}, 2, `^$`, `--shards goes with --shard auto`},
		{"bad window", []string{"sweep", tinyDir, "--seeds", "1", "--window", "-1"}, 2, `^$`, `--window -1`},
		{"bad parallel", []string{"sweep", tinyDir, "--seeds", "1", "--parallel", "100000"}, 2, `^$`, `--parallel 100000`},
		{"same file twice", []string{"sweep", tinyDir, "--seeds", "1", "--out", out, "--jsonl", out}, 2, `^$`, `name the same file`},
		{"no folder", []string{"sweep", tinyDir, "--seeds", "1", "--out", filepath.Join(dir, "nosuch", "x.csv")}, 2, `^$`, `no folder`},
		{"no scenario", []string{"sweep", "nosuch", "--seeds", "1"}, 2, `^$`, `scenario nosuch: no such folder`},
		{"bad commands", []string{"sweep", tinyDir, "--seeds", "1", "--commands", "nosuch.jsonl"}, 2, `^$`, `commands file`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, o, e := cyberex(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.code, o, e)
			}
			if !regexp.MustCompile(tc.stdout).MatchString(o) {
				t.Errorf("stdout:\n%s\nwant %s", o, tc.stdout)
			}
			if !regexp.MustCompile(tc.stderr).MatchString(e) {
				t.Errorf("stderr:\n%s\nwant %s", e, tc.stderr)
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("\n")); n != 25 {
		t.Errorf("%s: %d lines, want 25", out, n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
}

// Shards chosen by flag or by the environment of a Kubernetes Indexed
// Job or a Slurm job array, merged, are byte for byte one unsharded sweep.
func TestSweepShardsMerge(t *testing.T) {
	dir := t.TempDir()
	args := []string{"sweep", tinyDir, "--seeds", "1..30", "--vary", "organisations.csirt.staff=1,2"}
	whole := func(ext string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, "whole"+ext))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if code, _, e := cyberex(t, append(args, "--out", filepath.Join(dir, "whole.csv"), "--jsonl", filepath.Join(dir, "whole.jsonl"))...); code != 0 {
		t.Fatal(e)
	}
	const n = 4
	ways := []struct {
		name string
		env  func(i int) map[string]string // i from 0
		flag func(i int) []string
	}{
		{"flag", nil, func(i int) []string { return []string{"--shard", strconv.Itoa(i+1) + "/" + strconv.Itoa(n)} }},
		{"kubernetes", func(i int) map[string]string {
			return map[string]string{"JOB_COMPLETION_INDEX": strconv.Itoa(i), "SLURM_ARRAY_TASK_ID": ""}
		}, func(int) []string { return []string{"--shard", "auto", "--shards", strconv.Itoa(n)} }},
		{"slurm", func(i int) map[string]string {
			return map[string]string{"JOB_COMPLETION_INDEX": "", "SLURM_ARRAY_TASK_ID": strconv.Itoa(i + 1),
				"SLURM_ARRAY_TASK_COUNT": strconv.Itoa(n), "SLURM_ARRAY_TASK_MIN": "1"}
		}, func(int) []string { return []string{"--shard", "auto"} }},
	}
	for _, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			var csvs, jsons []string
			for i := 0; i < n; i++ {
				if w.env != nil {
					for k, v := range w.env(i) {
						t.Setenv(k, v)
					}
				}
				c := filepath.Join(dir, w.name+"-part-"+strconv.Itoa(i)+".csv")
				j := filepath.Join(dir, w.name+"-part-"+strconv.Itoa(i)+".jsonl")
				a := append(append(append([]string(nil), args...), w.flag(i)...), "--out", c, "--jsonl", j)
				if code, _, e := cyberex(t, a...); code != 0 {
					t.Fatalf("shard %d: %s", i, e)
				}
				csvs, jsons = append(csvs, c), append(jsons, j)
			}
			for _, f := range []struct {
				ext   string
				parts []string
			}{{".csv", csvs}, {".jsonl", jsons}} {
				merged := filepath.Join(dir, w.name+"-merged"+f.ext)
				code, o, e := cyberex(t, append([]string{"merge", merged, "--runs", "60"}, f.parts...)...)
				if code != 0 || o != "" || !strings.Contains(e, "merged 60 runs from 4 files into") {
					t.Fatalf("merge: exit %d\n%s\n%s", code, o, e)
				}
				b, _ := os.ReadFile(merged)
				if !bytes.Equal(b, whole(f.ext)) {
					t.Errorf("%s: %d merged shards differ from the unsharded sweep", f.ext, n)
				}
			}
		})
	}
}

func TestMergeCommandErrors(t *testing.T) {
	dir := t.TempDir()
	part := writeFile(t, dir, "part.csv", "run,seed\n0,1\n")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"one argument", []string{"merge", "x.csv"}, "want OUT and one or more INPUT files"},
		{"unknown kind", []string{"merge", filepath.Join(dir, "x.txt"), part}, "OUT must end in .csv or .jsonl"},
		{"output is an input", []string{"merge", part, part}, "is both the output and an input"},
		{"missing input", []string{"merge", filepath.Join(dir, "x.csv"), filepath.Join(dir, "nosuch.csv")}, "no such file"},
		{"too few runs", []string{"merge", filepath.Join(dir, "x.csv"), part, "--runs", "2"}, "1 runs merged, want 2"},
		{"junit with rows", []string{"merge", filepath.Join(dir, "x.csv"), part, "--junit", "r.xml"}, "--junit goes with test reports"},
		{"runs with reports", []string{"merge", filepath.Join(dir, "x.json"), part, "--runs", "2"}, "--runs goes with sweep files"},
		{"not a report", []string{"merge", filepath.Join(dir, "x.json"), part}, "not a test report"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := cyberex(t, tc.args...)
			if code != 2 || !strings.Contains(e, tc.stderr) {
				t.Errorf("exit %d\n%s\nwant %q", code, e, tc.stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); err == nil {
		t.Error("a failed merge left its output")
	}
}

// An interrupted sweep removes its temporary files, says how many runs it
// made and that it wrote nothing, and exits 128 + the signal.
func TestSweepInterrupted(t *testing.T) {
	for _, tc := range []struct {
		sig    syscall.Signal
		code   int
		stdout bool // CSV to stdout rather than files
	}{
		{syscall.SIGINT, 130, false},
		{syscall.SIGTERM, 143, false},
		{syscall.SIGINT, 130, true},
	} {
		t.Run(fmt.Sprintf("%v stdout=%v", tc.sig, tc.stdout), func(t *testing.T) {
			dir := t.TempDir()
			var o, e bytes.Buffer
			env := &env{stdout: &o, stderr: &e, now: time.Now, signals: make(chan os.Signal, 1)}
			args := []string{"sweep", tinyDir, "--seeds", "1..10000000", "--parallel", "2"}
			if !tc.stdout {
				args = append(args, "--out", filepath.Join(dir, "o.csv"), "--jsonl", filepath.Join(dir, "o.jsonl"))
			}
			done := make(chan int)
			go func() { done <- run(env, args) }()
			time.Sleep(300 * time.Millisecond)
			env.signals <- tc.sig
			var code int
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the sweep did not stop")
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, e.String())
			}
			want := `^sweep: interrupted \(` + regexp.QuoteMeta(tc.sig.String()) + `\) after \d+ of 10000000 runs; no output was written\n$`
			if tc.stdout {
				want = `^sweep: interrupted \(interrupt\) after (\d+) of 10000000 runs; the rows on stdout are those of the runs done, in order\n$`
			}
			m := regexp.MustCompile(want).FindStringSubmatch(e.String())
			if m == nil {
				t.Errorf("stderr %q, want %s", e.String(), want)
			}
			if tc.stdout && m != nil {
				// The header and one row per run done, whole.
				if n := strconv.Itoa(strings.Count(o.String(), "\n") - 1); n != m[1] || !strings.HasSuffix(o.String(), "\n") {
					t.Errorf("%s rows on stdout, %s runs done", n, m[1])
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %s", entries[0].Name())
			}
		})
	}
}
