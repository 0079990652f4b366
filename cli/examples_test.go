package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The examples in docs/examples run a sweep as a Kubernetes Indexed Job
// and as a Slurm job array, then merge the shards. TestExamples runs their
// very commands here, with the environment those schedulers give each
// task, and checks that the merged file is byte for byte the unsharded
// sweep's.

// buildCyberex builds the program into a folder and returns the folder.
func buildCyberex(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	bin := t.TempDir()
	cmd := exec.Command(gobin, "build", "-o", filepath.Join(bin, "cyberex"), "./cmd/cyberex")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The tests run the examples' commands with fewer seeds, on the runner's
// tiny scenario (the examples' own scenario must exist).
const (
	exampleSeeds    = "1..300"
	exampleScenario = "runner/testdata/tiny"
)

// unsharded runs the sweep of the examples on one machine.
func unsharded(t *testing.T, scen string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "whole.csv")
	if code, _, e := cyberex(t, "sweep", filepath.Join("..", scen), "--seeds", exampleSeeds, "--out", out); code != 0 {
		t.Fatal(e)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func shell(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\n%s%s", name, args, err, o.String(), e.String())
	}
	return o.String() + e.String()
}

// baseEnv is the test's environment without any scheduler's variables.
func baseEnv(bin string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SLURM_") || strings.HasPrefix(kv, "JOB_COMPLETION_INDEX=") || strings.HasPrefix(kv, "PATH=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	for _, sh := range []string{"sh", "bash"} {
		if _, err := exec.LookPath(sh); err != nil {
			t.Skipf("no %s", sh)
		}
	}
	bin := buildCyberex(t)
	root, _ := filepath.Abs("..")

	t.Run("slurm", func(t *testing.T) {
		script := filepath.Join(root, "docs", "examples", "slurm-array.sh")
		src, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`SCENARIO=\$\{SCENARIO:-([^}]+)\}`).FindSubmatch(src)
		if m == nil {
			t.Fatal("the script has no default SCENARIO")
		}
		if _, err := os.Stat(filepath.Join(root, string(m[1]), "scenario.yaml")); err != nil {
			t.Errorf("the script's default scenario: %v", err)
		}
		scen := exampleScenario
		out := t.TempDir()
		env := append(baseEnv(bin), "SEEDS="+exampleSeeds, "OUT="+out, "SCENARIO="+scen)
		// sbatch --array=1-3: tasks 1, 2, 3.
		for id := 1; id <= 3; id++ {
			task := append(env, "SLURM_ARRAY_TASK_ID="+strconv.Itoa(id), "SLURM_ARRAY_TASK_COUNT=3",
				"SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=3", "SLURM_CPUS_PER_TASK=2")
			shell(t, root, task, "bash", script)
		}
		if msg := shell(t, root, env, "bash", script, "merge"); !strings.Contains(msg, "merged 300 runs from 3 files") {
			t.Errorf("merge says %s", msg)
		}
		got, _ := os.ReadFile(filepath.Join(out, "sweep.csv"))
		if !bytes.Equal(got, unsharded(t, scen)) {
			t.Error("the merged Slurm shards differ from the unsharded sweep")
		}
	})

	t.Run("kubernetes", func(t *testing.T) {
		f, err := os.Open(filepath.Join(root, "docs", "examples", "k8s-indexed-job.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		type container struct {
			Command []string
			Args    []string
			Env     []struct{ Name, Value string }
		}
		type job struct {
			Kind     string
			Metadata struct {
				Name   string
				Labels map[string]string
			}
			Spec struct {
				CompletionMode string `yaml:"completionMode"`
				Completions    int
				Parallelism    int
				Template       struct {
					Spec struct{ Containers []container }
				}
			}
		}
		var sweep, merge *job
		dec := yaml.NewDecoder(f)
		for {
			var j job
			if err := dec.Decode(&j); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				t.Fatal(err)
			}
			if j.Kind != "Job" {
				continue
			}
			switch j.Metadata.Labels["step"] {
			case "sweep":
				sweep = &j
			case "merge":
				merge = &j
			}
		}
		if sweep == nil || merge == nil {
			t.Fatal("the manifest lacks the sweep or the merge Job (labels step=sweep, step=merge)")
		}
		if sweep.Spec.CompletionMode != "Indexed" || sweep.Spec.Completions < 2 {
			t.Fatalf("the sweep Job: %+v", sweep.Spec)
		}
		out := t.TempDir()
		// A container's command, run as the kubelet would, with the
		// manifest's env (OUT and SEEDS replaced for the test).
		run := func(c container, extra ...string) string {
			env := baseEnv(bin)
			vars := map[string]string{}
			for _, e := range c.Env {
				vars[e.Name] = e.Value
			}
			if s, ok := vars["SCENARIO"]; ok {
				if _, err := os.Stat(filepath.Join(root, s, "scenario.yaml")); err != nil {
					t.Errorf("the manifest's scenario: %v", err)
				}
				vars["SCENARIO"] = exampleScenario
			}
			vars["OUT"], vars["SEEDS"] = out, exampleSeeds
			keys := make([]string, 0, len(vars))
			for k := range vars {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				env = append(env, k+"="+vars[k])
			}
			argv := append(append([]string(nil), c.Command...), c.Args...)
			return shell(t, root, append(env, extra...), argv[0], argv[1:]...)
		}
		c := sweep.Spec.Template.Spec.Containers[0]
		shards := ""
		for _, e := range c.Env {
			if e.Name == "SHARDS" {
				shards = e.Value
			}
		}
		if shards != strconv.Itoa(sweep.Spec.Completions) {
			t.Fatalf("SHARDS=%s but completions: %d", shards, sweep.Spec.Completions)
		}
		for i := 0; i < sweep.Spec.Completions; i++ {
			run(c, "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
		}
		msg := run(merge.Spec.Template.Spec.Containers[0])
		if !strings.Contains(msg, "merged 300 runs from "+shards+" files") {
			t.Errorf("merge says %s", msg)
		}
		got, _ := os.ReadFile(filepath.Join(out, "sweep.csv"))
		if !bytes.Equal(got, unsharded(t, exampleScenario)) {
			t.Error("the merged Kubernetes shards differ from the unsharded sweep")
		}
	})
}
