package runner

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"cyberex/scenario"
)

// RunSpec is how to make one run of a test with `cyberex run`: the printed
// replay command of a failure is built from it. A test's runs are made
// exactly like this command (the same loader, overrides, commands and
// ticks), so the command reproduces them.
type RunSpec struct {
	// Dir is the scenario folder as the user named it.
	Dir string `json:"dir"`
	// Set are the --set overrides: the test's set, then one per
	// organisation the test scripts, then one per var.
	Set []string `json:"set,omitempty"`
	// Commands is the commands file, a path from the current folder.
	Commands string `json:"commands,omitempty"`
	// Ticks is the length of each run.
	Ticks int32 `json:"ticks"`
}

// Command returns the `cyberex run` command line of the run with seed,
// stopping after ticks (0: the spec's), with extra arguments appended.
func (r RunSpec) Command(seed uint64, ticks int32, extra ...string) string {
	if ticks <= 0 {
		ticks = r.Ticks
	}
	args := []string{"cyberex", "run", r.Dir, "--seed", strconv.FormatUint(seed, 10), "--ticks", strconv.Itoa(int(ticks))}
	for _, s := range r.Set {
		args = append(args, "--set", s)
	}
	if r.Commands != "" {
		args = append(args, "--commands", r.Commands)
	}
	args = append(args, extra...)
	return ShellJoin(args)
}

// ShellJoin quotes arguments for a POSIX shell where needed.
func ShellJoin(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_-./:=,+@%^", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// testRunSpec turns a test into `cyberex run` arguments. The test's
// scripted teams and vars become --set overrides (organisations.ID.scripted
// and vars.NAME), so that a test's world is built exactly as `cyberex run`
// builds it from the printed command: the scenario is loaded with these
// overrides, the Lua story starts with them, and nothing is changed after
// NewWorld. (TestSpec.ApplyScripted would mark teams scripted after the
// story started; the override marks them before.)
func testRunSpec(dir string, s *scenario.Scenario, t *scenario.TestSpec, set []string) (RunSpec, error) {
	r := RunSpec{Dir: dir, Ticks: t.Ticks.Ticks}
	r.Set = append(r.Set, set...)
	r.Set = append(r.Set, t.Set...)
	for _, o := range s.Spec.Organisations {
		listed := false
		for _, id := range t.Scripted.Orgs {
			if id == o.ID {
				listed = true
			}
		}
		if (t.Scripted.All && o.Kind != "adversary") || listed {
			r.Set = append(r.Set, "organisations."+o.ID+".scripted=true")
		}
	}
	names := make([]string, 0, len(t.Vars))
	for k := range t.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, err := yamlValue(t.Vars[k])
		if err != nil {
			return r, fmt.Errorf("test %s: vars.%s: %v", t.Name, k, err)
		}
		r.Set = append(r.Set, "vars."+k+"="+v)
	}
	if t.Commands != "" {
		r.Commands = joinDir(dir, path.Clean(t.Commands))
	}
	return r, nil
}

// joinDir joins a slash path inside the scenario folder to the folder as
// the user named it.
func joinDir(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}

// yamlValue writes a var's value so that --set reads it back as the same
// value: text stays text ("30" is quoted), numbers and true/false as such.
func yamlValue(v any) (string, error) {
	switch x := v.(type) {
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s, nil
	case string, bool, int, int64, uint64:
		out, err := yaml.Marshal(x)
		if err != nil {
			return "", err
		}
		s := strings.TrimSuffix(string(out), "\n")
		if strings.Contains(s, "\n") {
			// A long or multi-line text: one double-quoted line.
			q, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Value: fmt.Sprint(x)})
			if err != nil {
				return "", err
			}
			s = strings.TrimSuffix(string(q), "\n")
		}
		return s, nil
	case nil:
		return "null", nil
	}
	return "", fmt.Errorf("a %T cannot be written as a single value", v)
}
