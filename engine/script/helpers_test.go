package script

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
)

// scenarioName prefixes the test scenario's chunk names, as a real one would.
const scenarioName = "scenarios/test"

// files builds an in-memory tree from path → source.
func files(srcs map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, src := range srcs {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

type harness struct {
	*State
	log []string
}

// newHarness compiles a scenario whose story.lua is src (plus extra files)
// and instantiates it with seed.
func newHarness(t testing.TB, src string, seed uint64, limits Limits, extra map[string]string) *harness {
	t.Helper()
	scen := map[string]string{"story.lua": src}
	for k, v := range extra {
		scen[k] = v
	}
	prog, err := Compile(Sources{Scenario: files(scen), ScenarioName: scenarioName}, limits)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	h := &harness{}
	st, err := New(Options{
		Program: prog,
		Limits:  limits,
		Rand:    newRand(seed),
		Log:     func(line string) { h.log = append(h.log, line) },
	})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	t.Cleanup(st.Close)
	h.State = st
	return h
}

// runStory runs story.lua in tick 0 and returns what it printed.
func runStory(t testing.TB, src string, limits Limits) (string, error) {
	t.Helper()
	h := newHarness(t, src, 1, limits, nil)
	if err := h.SetTick(0); err != nil {
		t.Fatal(err)
	}
	err := h.Run("story.lua")
	return strings.Join(h.log, "\n"), err
}

func newRand(seed uint64) Rand { return rand.NewPCG(seed, seed^0x9e3779b97f4a7c15) }

// asError unwraps a *Error or fails.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *script.Error, got %T %v", err, err)
	}
	return e
}
