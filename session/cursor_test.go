package session

import (
	"bytes"
	"strings"
	"testing"

	"cyberex/journal"
)

// TestCursorIsTheRunAtEachTick: stepping a cursor forward gives the
// journal's hash at every checkpoint, as a replay from 0 would; going back
// and beyond the journal are refused, and a journal edited after the
// cursor's tick stops it at the edited tick.
func TestCursorIsTheRunAtEachTick(t *testing.T) {
	src := load(t, "../scenarios/tutorial")
	var buf bytes.Buffer
	s, err := New(src, Options{Seed: 5, Ticks: 60, Journal: &buf, HashEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	for !s.Done() {
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Read(bytes.NewReader(buf.Bytes()), "run")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCursor(src, j)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tick := range []int32{0, 0, 1, 7, 7, 30, 59} {
		w, err := c.To(tick)
		if err != nil {
			t.Fatalf("to %d: %v", tick, err)
		}
		if w.Tick != tick || w.HashHex() != j.Hashes[tick].Hash {
			t.Fatalf("to %d: world at %d, hash %s, journal %s", tick, w.Tick, w.HashHex(), j.Hashes[tick].Hash)
		}
	}
	if _, err := c.To(10); err == nil || !strings.Contains(err.Error(), "only goes forward") {
		t.Errorf("back: %v", err)
	}
	if _, err := c.To(j.LastTick() + 1); err == nil || !strings.Contains(err.Error(), "goes from 0") {
		t.Errorf("beyond: %v", err)
	}

	// An edited hash after the cursor's tick is found when it gets there.
	j.Hashes[40].Hash = strings.Repeat("0", 64)
	c2, err := NewCursor(src, j)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.To(39); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.To(45); err == nil || !strings.Contains(err.Error(), "differs at tick 40") {
		t.Errorf("edited: %v", err)
	}
	if _, err := c2.To(50); err == nil {
		t.Error("a spent cursor went on")
	}
}
