package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"cyberex/scenario"
	"cyberex/scenarios"
	"cyberex/scripts"
)

// Limits on flags. Flags are untrusted input like any other.
const (
	// TicksMax bounds --ticks: about 19 years of exercise time at one
	// minute per tick.
	TicksMax = 10_000_000
	// SetMax bounds the number of --set overrides.
	SetMax = 1000
)

// embeddedPrefix marks, in a journal's header, a scenario that was run
// from the copy built into the program rather than from a folder.
const embeddedPrefix = "embedded:"

// defaultScenario is what `cyberex run` runs without a SCENARIO.
const defaultScenario = "tutorial"

// scenarioArg turns a SCENARIO argument into a folder: the folder itself,
// or the folder of a scenario.yaml.
func scenarioArg(arg string) (string, error) {
	fi, err := os.Stat(arg)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", inputErrorf("scenario %s: no such folder", arg)
		}
		return "", inputErrorf("scenario %s: %v", arg, err)
	}
	if fi.IsDir() {
		if _, err := os.Stat(filepath.Join(arg, "scenario.yaml")); err != nil {
			return "", inputErrorf("scenario %s: the folder has no scenario.yaml", arg)
		}
		return arg, nil
	}
	if filepath.Base(arg) != "scenario.yaml" {
		return "", inputErrorf("scenario %s: want a scenario folder or its scenario.yaml", arg)
	}
	return filepath.Dir(arg), nil
}

// library finds the shared Lua library (the scripts/ folder of the
// repository) for a scenario folder: the nearest scripts/ folder beside
// one of the scenario's parent folders, e.g. scenarios/tutorial uses
// scripts/. When there is none, the copy built into the program.
func library(dir string) fs.FS {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return scripts.FS
	}
	for d, i := filepath.Dir(abs), 0; i < 4; d, i = filepath.Dir(d), i+1 {
		if fi, err := os.Stat(filepath.Join(d, "scripts")); err == nil && fi.IsDir() {
			return scenario.FolderFS(filepath.Join(d, "scripts"))
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return scripts.FS
}

// loaded is a scenario and where it came from.
type loaded struct {
	s *scenario.Scenario
	// source is what a journal records: the folder as given, or
	// "embedded:NAME".
	source string
}

// loadScenario loads the scenario named by a SCENARIO argument, or the
// embedded tutorial when arg is empty.
func loadScenario(arg string, set []string) (*loaded, error) { return load(arg, set, false) }

// loadForRun loads a scenario for a run, a replay or a sweep, which do not
// use its tests: a test that does not fit the --set overrides (say a
// shorter duration) is then no error.
func loadForRun(arg string, set []string) (*loaded, error) { return load(arg, set, true) }

// loadSpec loads a scenario as validate checks it, without generating its
// hosts: enough to draw it or to say what it will cost.
func loadSpec(arg string, set []string) (*loaded, error) {
	return loadWith(arg, scenario.LoadSpecFS, scenario.LoadSpec, scenario.Options{Set: set})
}

func load(arg string, set []string, ignoreTests bool) (*loaded, error) {
	return loadWith(arg, scenario.LoadFS, scenario.Load, scenario.Options{Set: set, IgnoreTests: ignoreTests})
}

// loadWith reads the scenario arg names (built in, or a folder) with one
// of the scenario package's loaders, opt completed with the library the
// scenario uses.
func loadWith(arg string, fromFS func(fs.FS, string, scenario.Options) (*scenario.Scenario, error),
	fromDir func(string, scenario.Options) (*scenario.Scenario, error), opt scenario.Options) (*loaded, error) {
	if arg == "" || strings.HasPrefix(arg, embeddedPrefix) {
		name := strings.TrimPrefix(arg, embeddedPrefix)
		if name == "" {
			name = defaultScenario
		}
		if _, err := fs.Stat(scenarios.FS, name+"/scenario.yaml"); err != nil {
			return nil, inputErrorf("no scenario %q is built into this program", name)
		}
		opt.Library = scripts.FS
		s, err := fromFS(scenarios.FS, name, opt)
		if err != nil {
			return nil, classify(err)
		}
		return &loaded{s: s, source: embeddedPrefix + name}, nil
	}
	dir, err := scenarioArg(arg)
	if err != nil {
		return nil, err
	}
	opt.Library = library(dir)
	s, err := fromDir(dir, opt)
	if err != nil {
		var se scenario.Errors
		if errors.As(err, &se) {
			return nil, inputError(err)
		}
		return nil, inputErrorf("scenario %s: %w", dir, err)
	}
	return &loaded{s: s, source: filepath.ToSlash(dir)}, nil
}

// checkSet checks --set overrides before the scenario loader applies them.
func checkSet(set []string) error {
	if len(set) > SetMax {
		return inputErrorf("%d --set overrides, at most %d", len(set), SetMax)
	}
	for _, s := range set {
		if k, _, ok := strings.Cut(s, "="); !ok || strings.TrimSpace(k) == "" {
			return inputErrorf("--set %q: want key=value, such as organisations.police-a.staff=2", s)
		}
	}
	return nil
}

// ---- flag values with clear errors ----

// seedValue is a uint64 flag.
type seedValue struct{ v *uint64 }

func (s seedValue) String() string { return strconv.FormatUint(*s.v, 10) }
func (s seedValue) Type() string   { return "N" }
func (s seedValue) Set(x string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(x), 10, 64)
	if err != nil {
		return fmt.Errorf("want an integer from 0 to 18446744073709551615")
	}
	*s.v = n
	return nil
}

// tickValue is an int32 flag within [lo, hi].
type tickValue struct {
	v      *int32
	lo, hi int32
}

func (t tickValue) String() string { return strconv.FormatInt(int64(*t.v), 10) }
func (t tickValue) Type() string   { return "N" }
func (t tickValue) Set(x string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	if err != nil || n < int64(t.lo) || n > int64(t.hi) {
		return fmt.Errorf("want an integer from %d to %d", t.lo, t.hi)
	}
	*t.v = int32(n)
	return nil
}

var (
	_ pflag.Value = seedValue{}
	_ pflag.Value = tickValue{}
)
