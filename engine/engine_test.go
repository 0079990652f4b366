package engine

import (
	"bytes"
	"testing"
)

func TestDeterminism10kTicks(t *testing.T) {
	ticks := 10_000
	if testing.Short() {
		ticks = 2_000
	}
	a, b := testWorld(4000, 42), testWorld(4000, 42)
	for i := 0; i < ticks; i++ {
		cmds := scriptedCommands(int32(i + 1))
		if _, err := a.Step(cmds); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Step(cmds); err != nil {
			t.Fatal(err)
		}
		if a.Hash() != b.Hash() {
			t.Fatalf("tick %d: hashes differ with the same seed", a.Tick)
		}
	}
	c := testWorld(4000, 43)
	for i := 0; i < 200; i++ {
		c.Step(scriptedCommands(int32(i + 1)))
	}
	a2 := testWorld(4000, 42)
	for i := 0; i < 200; i++ {
		a2.Step(scriptedCommands(int32(i + 1)))
	}
	if c.Hash() == a2.Hash() {
		t.Fatal("seeds 42 and 43 give the same hash after 200 ticks")
	}
}

// scriptedCommands is a fixed response used by several tests.
func scriptedCommands(tick int32) []Command {
	switch tick {
	case 10:
		return []Command{{Org: "csirt-a", Verb: "investigate", Target: "gov-site"}}
	case 50:
		return []Command{{Org: "csirt-a", Verb: "restore", Target: "gov-site"}, {Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "preserve", "target": "bot-c2-records-1"}}}
	case 60:
		return []Command{{Org: "grid", Verb: "manual", Target: "substation"}}
	case 300:
		return []Command{{Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "takedown", "target": "c2"}}}
	}
	return nil
}

func TestSnapshotRestoreContinues(t *testing.T) {
	a := testWorld(3000, 9)
	for i := 0; i < 400; i++ {
		a.Step(scriptedCommands(int32(i + 1)))
	}
	snap := a.Snapshot()
	b, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Snapshot(), snap) || a.Hash() != b.Hash() {
		t.Fatal("restored world encodes differently")
	}
	for i := 400; i < 1500; i++ {
		a.Step(scriptedCommands(int32(i + 1)))
		b.Step(scriptedCommands(int32(i + 1)))
		if a.Hash() != b.Hash() {
			t.Fatalf("tick %d: restored world diverges", a.Tick)
		}
	}
}

func TestRestoreRejectsGarbage(t *testing.T) {
	good := testWorld(100, 1).Snapshot()
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     []byte("hello"),
		"truncated": good[:len(good)/2],
		"extra":     append(append([]byte(nil), good...), 1, 2, 3),
	}
	// Script metrics out of order or repeated (a hand-edited snapshot):
	// they are looked up by binary search.
	for name, custom := range map[string][]Metric{
		"unsorted metrics": {{Name: "script.b", Value: 1}, {Name: "script.a", Value: 2}},
		"repeated metric":  {{Name: "script.a", Value: 1}, {Name: "script.a", Value: 2}},
	} {
		w := testWorld(100, 1)
		w.Custom = custom
		cases[name] = w.Snapshot()
	}
	for name, data := range cases {
		if _, err := Restore(data); err == nil {
			t.Errorf("%s: restore accepted it", name)
		}
	}
	w := testWorld(100, 1)
	w.SetMetric("script.b", 1)
	w.SetMetric("script.a", 2)
	r, err := Restore(w.Snapshot())
	if err != nil {
		t.Fatalf("restore of metrics SetMetric kept in order: %v", err)
	}
	if v, err := r.Metric("script.a"); err != nil || v != 2 {
		t.Fatalf("script.a after restore = %d, %v", v, err)
	}
}

func FuzzRestore(f *testing.F) {
	f.Add(testWorld(10, 1).Snapshot())
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Restore(data)
		if err != nil {
			return
		}
		for i := 0; i < 3; i++ {
			if _, err := w.Step(nil); err != nil {
				return
			}
		}
	})
}
