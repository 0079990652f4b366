package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cyberex/engine"
)

// GoldenFormat names the format of golden files.
const GoldenFormat = "cyberex-golden/1"

// GoldenFile pins the state of some runs of a test: the state hash and the
// metrics after chosen ticks, and after the end of the run. An engine or
// scenario change that alters any outcome changes a hash; `cyberex test
// --update` rewrites the file when the change is intended. The file is
// indented JSON in a stable order (runs in seed order, states in tick
// order, metrics by name), so that a rewrite shows as a readable diff.
//
// Digest and Library are the scenario's and the shared Lua library's
// digests when the file was written: when they and Engine are what they
// were, a hash that moved can only mean the engine's rules moved, and
// --update refuses to rewrite the file until engine.Version is bumped
// (staleVersion), so that journals of the old rules say so on replay.
type GoldenFile struct {
	Format   string      `json:"format"`
	Scenario string      `json:"scenario"`
	Test     string      `json:"test"`
	Engine   string      `json:"engine"`
	Digest   string      `json:"digest,omitempty"`
	Library  string      `json:"library,omitempty"`
	Ticks    []int32     `json:"ticks"`
	Runs     []GoldenRun `json:"runs"`
}

// GoldenRun is the recorded states of one seed.
type GoldenRun struct {
	Seed   uint64        `json:"seed"`
	States []GoldenState `json:"states"`
	// Final is the state after the run's last tick and Finish (what
	// `cyberex run --json` prints as state_hash).
	Final GoldenState `json:"final"`
}

// GoldenState is the world after a tick.
type GoldenState struct {
	Tick    int32            `json:"tick"`
	Hash    string           `json:"hash"`
	Metrics map[string]int64 `json:"metrics"`
}

// golden is a test's golden file as read, or why it could not be.
type golden struct {
	path string // as shown to the user
	file *GoldenFile
	err  string
}

// readGolden reads a golden file; a missing or unreadable one is a failure
// of every run that should be compared with it, said in err.
func readGolden(read func(string) ([]byte, error), name, shown, update string) *golden {
	g := &golden{path: shown}
	data, err := read(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			g.err = fmt.Sprintf("golden file %s is missing: run %s to write it", shown, update)
		} else {
			g.err = fmt.Sprintf("golden file %s: %v", shown, err)
		}
		return g
	}
	var f GoldenFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		g.err = fmt.Sprintf("golden file %s is not a golden file (%v): run %s to rewrite it", shown, err, update)
		return g
	}
	if f.Format != GoldenFormat {
		g.err = fmt.Sprintf("golden file %s has format %q, want %q: run %s to rewrite it", shown, f.Format, GoldenFormat, update)
		return g
	}
	g.file = &f
	return g
}

// compare checks a run against its recorded states. It returns "" when
// they match, else what differs first, and the tick that shows it.
func (g *golden) compare(seed uint64, ticks []int32, states []GoldenState, final GoldenState, update string) (string, int32) {
	if g.err != "" {
		return g.err, 0
	}
	f := g.file
	if !equalTicks(f.Ticks, ticks) {
		return fmt.Sprintf("golden file %s records ticks %v, the test asks for %v: run %s", g.path, f.Ticks, ticks, update), 0
	}
	var run *GoldenRun
	for i := range f.Runs {
		if f.Runs[i].Seed == seed {
			run = &f.Runs[i]
		}
	}
	if run == nil {
		return fmt.Sprintf("golden file %s has no run of seed %d: run %s", g.path, seed, update), 0
	}
	engineNote := ""
	if f.Engine != engine.Version {
		engineNote = fmt.Sprintf(" (the file was written by engine %s, this is engine %s)", f.Engine, engine.Version)
	}
	last := "the start"
	for i := 0; i < len(run.States) || i < len(states); i++ {
		switch {
		case i >= len(states):
			return fmt.Sprintf("golden %s: the run now ends at tick %d, before tick %d that the file records (last match: %s)%s",
				g.path, final.Tick, run.States[i].Tick, last, engineNote), 0
		case i >= len(run.States):
			return fmt.Sprintf("golden %s: the run now reaches tick %d, after the file's end (last match: %s)%s",
				g.path, states[i].Tick, last, engineNote), 0
		}
		want, got := run.States[i], states[i]
		if msg := diffState(want, got); msg != "" {
			return fmt.Sprintf("golden %s: the state differs at tick %d, the first recorded tick that differs (last match: %s): %s%s",
				g.path, got.Tick, last, msg, engineNote), got.Tick
		}
		last = fmt.Sprintf("tick %d", got.Tick)
	}
	if msg := diffState(run.Final, final); msg != "" {
		return fmt.Sprintf("golden %s: the final state (tick %d, after the end) differs (last match: %s): %s%s",
			g.path, final.Tick, last, msg, engineNote), -1
	}
	return "", 0
}

func equalTicks(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// diffMax bounds the metrics named in a difference.
const diffMax = 8

func diffState(want, got GoldenState) string {
	var b strings.Builder
	if want.Tick != got.Tick {
		return fmt.Sprintf("recorded at tick %d, now tick %d", want.Tick, got.Tick)
	}
	if want.Hash != got.Hash {
		fmt.Fprintf(&b, "state hash %s, want %s", got.Hash, want.Hash)
	}
	names := map[string]bool{}
	for k := range want.Metrics {
		names[k] = true
	}
	for k := range got.Metrics {
		names[k] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var diffs []string
	for _, k := range keys {
		w, wok := want.Metrics[k]
		g, gok := got.Metrics[k]
		switch {
		case wok && gok && w != g:
			diffs = append(diffs, fmt.Sprintf("%s %d (want %d)", k, g, w))
		case wok && !gok:
			diffs = append(diffs, fmt.Sprintf("%s gone (want %d)", k, w))
		case !wok && gok:
			diffs = append(diffs, fmt.Sprintf("%s %d (new)", k, g))
		}
	}
	if len(diffs) > 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		} else {
			b.WriteString("same state hash, but ")
		}
		more := ""
		if len(diffs) > diffMax {
			more = fmt.Sprintf(" and %d more", len(diffs)-diffMax)
			diffs = diffs[:diffMax]
		}
		fmt.Fprintf(&b, "metrics %s%s", strings.Join(diffs, ", "), more)
	} else if b.Len() > 0 {
		b.WriteString("; the metrics are the same")
	}
	return b.String()
}

// staleVersion compares the golden file about to be written with the one
// on disk: when both were made by the same engine version from the same
// scenario and library, and a state hash of a run both hold differs, the
// rules moved without a new engine.Version. It says so, or returns "".
func staleVersion(old, now *GoldenFile, shown string) string {
	if old.Engine != now.Engine || old.Digest == "" || old.Digest != now.Digest || old.Library != now.Library {
		return ""
	}
	for _, o := range old.Runs {
		for _, n := range now.Runs {
			if o.Seed != n.Seed {
				continue
			}
			if o.Final.Tick == n.Final.Tick && o.Final.Hash != n.Final.Hash {
				return staleMsg(shown, now.Engine, o.Seed, n.Final.Tick, "final ")
			}
			for _, a := range o.States {
				for _, ns := range n.States {
					if a.Tick == ns.Tick && a.Hash != ns.Hash {
						return staleMsg(shown, now.Engine, o.Seed, ns.Tick, "")
					}
				}
			}
		}
	}
	return ""
}

func staleMsg(shown, version string, seed uint64, tick int32, what string) string {
	return fmt.Sprintf("golden %s not rewritten: the %sstate hash of seed %d at tick %d changed, but the scenario, the library and engine.Version (%s) did not: the engine's rules moved, so bump engine.Version in engine/world.go (journals of the old rules must say so on replay) and run --update again",
		shown, what, seed, tick, version)
}

// encodeGolden writes a golden file: indented, stable, one final newline.
func encodeGolden(f *GoldenFile) ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// writeGolden writes a golden file beside the scenario, replacing the old
// one atomically. It says whether the file changed.
func writeGolden(path string, f *GoldenFile) (bool, error) {
	data, err := encodeGolden(f)
	if err != nil {
		return false, err
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".golden-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp.Name(), path)
}
