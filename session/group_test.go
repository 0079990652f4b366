package session

import (
	"bytes"
	"strings"
	"testing"

	"cyberex/engine"
)

// syncCounter is a journal destination that counts its syncs.
type syncCounter struct {
	bytes.Buffer
	syncs int
}

func (s *syncCounter) Sync() error { s.syncs++; return nil }

func TestSubmitGroupIsOneSyncForManySenders(t *testing.T) {
	var jb syncCounter
	s, err := New(tiny(t), Options{Seed: 1, Journal: &jb, HashEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	group := []engine.Command{
		{Org: "csirt", Sender: "csirt", Verb: "investigate", Target: "homes-1"},
		{Org: "police", Sender: "police", Verb: "investigate", Target: "homes-1"},
		{Org: "csirt", Sender: engine.ControlOrg, Verb: "scan", Target: "homes-1"},
		{Org: engine.ControlOrg, Sender: engine.ControlOrg, Verb: engine.ControlPause},
	}
	before := jb.syncs
	ids, err := s.SubmitGroup(group)
	if err != nil || len(ids) != 4 || ids[0] != 1 || ids[3] != 4 {
		t.Fatalf("ids %v, %v", ids, err)
	}
	if jb.syncs != before+1 {
		t.Errorf("%d syncs for one group, want 1", jb.syncs-before)
	}
	if !s.Control().Paused {
		t.Error("the controller's pause in the group is not followed")
	}
	// All or none: one command acting as another organisation, or with
	// no sender, refuses the group and writes nothing.
	size := jb.Len()
	for _, bad := range [][]engine.Command{
		{group[0], {Org: "police", Sender: "csirt", Verb: "investigate"}},
		{group[0], {Org: "csirt", Verb: "investigate"}},
		{group[0], {Org: "ghost", Sender: "ghost", Verb: "investigate"}},
	} {
		if _, err := s.SubmitGroup(bad); err == nil || !strings.Contains(err.Error(), "command 2") {
			t.Errorf("%+v: %v", bad[1], err)
		}
	}
	if jb.Len() != size || s.Pending() != 4 {
		t.Errorf("a refused group wrote %d bytes, %d pending", jb.Len()-size, s.Pending())
	}
	// Flush writes the hash of the tick just made, which Step keeps in
	// memory until then, without a sync.
	if _, err := s.Step(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(jb.String(), `"type":"hash","tick":1,`) {
		t.Fatal("the hash of tick 1 was written before Flush: the test proves nothing")
	}
	syncs := jb.syncs
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if jb.syncs != syncs {
		t.Error("Flush synced")
	}
	if !strings.Contains(jb.String(), `"type":"hash","tick":1,`) {
		t.Errorf("after Flush the journal has no hash of tick 1:\n%s", jb.String())
	}
}
