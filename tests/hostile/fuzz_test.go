package hostile

import (
	"bytes"
	"errors"
	"testing"
	"testing/fstest"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
	"cyberex/scripts"
)

// fuzzScenario is the scenario journals are fuzzed against: short (100
// ticks), with a story whose error is recorded at tick 60 when the
// variable "boom" is set.
func fuzzScenario(tb testing.TB, set ...string) *scenario.Scenario {
	tb.Helper()
	fsys := fstest.MapFS{
		"f/scenario.yaml": {Data: []byte(MinimalYAML + "vars:\n  boom: false\n")},
		"f/story.lua": {Data: []byte(`
every(10, function() log("tick") end)
at(60, function() if var("boom") then error("boom at sixty") end end)
`)},
	}
	s, err := scenario.LoadFS(fsys, "f", scenario.Options{Library: scripts.FS, Set: set, IgnoreTests: true})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// FuzzReplay replays mutated journals against a scenario: a journal read
// and accepted must replay without a panic, without stepping past the
// scenario's end, and either match, differ (a Mismatch) or be refused as
// input; never anything else.
func FuzzReplay(f *testing.F) {
	s := fuzzScenario(f)
	for _, c := range []struct {
		seed uint64
		cmds []engine.Command
	}{
		{1, nil},
		{2, []engine.Command{{Tick: 3, Org: "csirt", Verb: "investigate", Target: "pc-1"}, {Tick: 3, Org: "owner", Verb: "patch", Target: "pc-2"}, {Tick: 40, Org: "nobody", Verb: "dance"}}},
	} {
		var b bytes.Buffer
		if _, err := headless.Run(s, headless.RunOptions{Seed: c.seed, Commands: c.cmds, Journal: &b, HashEvery: 20}); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	boom := fuzzScenario(f, "vars.boom=true")
	var b bytes.Buffer
	if _, err := headless.Run(boom, headless.RunOptions{Seed: 1, Journal: &b, HashEvery: 20}); err == nil {
		f.Fatal("the boom run did not fail")
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := journal.Read(bytes.NewReader(data), "fuzz.jsonl")
		if err != nil {
			return
		}
		sc := s
		if len(j.Header.Set) > 0 {
			if sc, err = scenario.LoadFS(fstest.MapFS{
				"f/scenario.yaml": {Data: []byte(MinimalYAML + "vars:\n  boom: false\n")},
			}, "f", scenario.Options{Set: j.Header.Set, IgnoreTests: true}); err != nil {
				return
			}
		}
		ticks := int32(0)
		rr, err := headless.ReplayWith(sc, j, headless.ReplayOptions{Progress: func(tick, total int32) { ticks = tick }})
		if ticks > sc.Duration() {
			t.Fatalf("replay stepped to tick %d, past the scenario's end (%d)", ticks, sc.Duration())
		}
		var ie *headless.InputError
		switch {
		case err == nil:
			if rr.Ticks > sc.Duration() {
				t.Fatalf("replayed %d ticks of a %d-tick scenario", rr.Ticks, sc.Duration())
			}
		case errors.As(err, &ie):
		default:
			t.Fatalf("replay: %T: %v", err, err)
		}
	})
}
