package script

import (
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"

	"cyberex/engine"
	"cyberex/scenario"
)

// The director's tests run Lua against testdata/world (a small world in
// YAML, loaded once; each test gets a fresh world) with the library of
// the repository (../../scripts).

var (
	worldOnce sync.Once
	worldScen *scenario.Scenario
	worldErr  error
)

func testScenario(t testing.TB) *scenario.Scenario {
	t.Helper()
	worldOnce.Do(func() {
		worldScen, worldErr = scenario.Load("testdata/world", scenario.Options{})
	})
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return worldScen
}

// newTestWorld is a fresh world of testdata/world at tick 0, no story.
func newTestWorld(t testing.TB, seed uint64) *engine.World {
	t.Helper()
	w, err := testScenario(t).NewWorld(seed)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// story is a director over a fresh world, with what its scripts logged.
type story struct {
	*Director
	w   *engine.World
	log *[]string
}

// storyOpts change newStory's defaults.
type storyOpts struct {
	seed    uint64
	extra   map[string]string // more files of the scenario folder
	library map[string]string // a library instead of the repository's
	limits  Limits
	vars    map[string]any
}

// newStory makes a director whose story.lua is src; it fails the test if
// the story fails to load.
func newStory(t testing.TB, src string, o storyOpts) *story {
	t.Helper()
	st, err := tryStory(t, src, o)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return st
}

func tryStory(t testing.TB, src string, o storyOpts) (*story, error) {
	t.Helper()
	if o.seed == 0 {
		o.seed = 1
	}
	scen := map[string]string{"story.lua": src}
	for k, v := range o.extra {
		scen[k] = v
	}
	srcs := Sources{Scenario: files(scen), ScenarioName: scenarioName, Library: repoLibrary(), LibraryName: "scripts"}
	if o.library != nil {
		srcs.Library = files(o.library)
	}
	prog, err := Compile(srcs, o.limits)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	w := newTestWorld(t, o.seed)
	var lines []string
	vars := testScenario(t).Vars
	if o.vars != nil {
		vars = o.vars
	}
	d, err := NewDirector(w, DirectorOptions{Program: prog, Limits: o.limits, Scripts: []string{"story.lua"}, Vars: vars,
		Log: func(l string) { lines = append(lines, l) }})
	if err != nil {
		return nil, err
	}
	w.Director = d
	t.Cleanup(d.Close)
	return &story{Director: d, w: w, log: &lines}, nil
}

// run steps the world n ticks (or until it ends) and fails on an error.
func (st *story) run(t testing.TB, n int) {
	t.Helper()
	for i := 0; i < n && !st.w.Ended; i++ {
		if _, err := st.w.Step(nil); err != nil {
			t.Fatalf("step to tick %d: %v", st.w.Tick, err)
		}
	}
}

// runErr steps until an error (returned) or n ticks.
func (st *story) runErr(n int) error {
	for i := 0; i < n && !st.w.Ended; i++ {
		if _, err := st.w.Step(nil); err != nil {
			return err
		}
	}
	return nil
}

// output is what the story logged, one line each.
func (st *story) output() string { return strings.Join(*st.log, "\n") }

// events of a kind in a tick's events.
func eventsOf(evs []engine.Event, kind string) []engine.Event {
	var out []engine.Event
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// repoLibrary is the repository's shared library.
func repoLibrary() fs.FS { return os.DirFS("../../scripts") }
