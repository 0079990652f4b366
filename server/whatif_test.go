package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cyberex/headless"
	"cyberex/journal"
	"cyberex/session"
	"cyberex/wire"
)

// TestWhatIfFromTheConsole: the white cell looks back at a past tick and
// forks branches while the exercise stands paused; the exercise is not
// touched, the branch reproduces it up to the fork, is kept for the
// report, and differs after it.
func TestWhatIfFromTheConsole(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Title: "debrief", Scenario: "embedded:tutorial", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	id := created.Exercise.ID
	code := codes(created)
	ctl, _, _ := dial(t, ts.url, code["controller"], 0)
	team, _, _ := dial(t, ts.url, code["csirt-a"], 0)
	obs, _, _ := dial(t, ts.url, code["observer"], 0)

	ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 5})
	ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	team.untilTick(12)
	team.send(&wire.Command{Ref: 1, Verb: "investigate", Target: "web-1"})
	team.expect(wire.TypeResult)
	ctl.send(&wire.Control{Ref: 3, Action: wire.ControlPause})
	st := ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool { return m.(*wire.Status).State == wire.StatePaused }).(*wire.Status)
	now := st.Tick
	var liveHash string
	ts.inRoom(t, id, func(r *room) { liveHash = r.sess.World().HashHex() })

	// Only the white cell asks.
	for _, c := range []*tclient{team, obs} {
		c.send(&wire.WhatIf{Ref: 50, Action: wire.WhatIfJump, Tick: 1})
		if e := c.expectWhere(wire.TypeError, func(m wire.Message) bool { return m.(*wire.Error).Ref == 50 }).(*wire.Error); e.Code != wire.ErrForbidden {
			t.Errorf("%s's what-if: %+v", c.name, e)
		}
	}

	// A jump: the world at tick 10, as the journal's hash of tick 10 says.
	ctl.send(&wire.WhatIf{Ref: 4, Action: wire.WhatIfJump, Tick: 10})
	past := ctl.expect(wire.TypePast).(*wire.Past)
	if past.Ref != 4 || past.Tick != 10 || past.View == nil || past.View.Tick != 10 || !past.View.Controller || len(past.Metrics) == 0 {
		t.Errorf("past: ref %d tick %d view %v metrics %d", past.Ref, past.Tick, past.View != nil, len(past.Metrics))
	}
	// Stepping on continues the same replay; stepping back starts again.
	cursorAt := func() (at int32) {
		ts.inRoom(t, id, func(r *room) {
			at = -1
			if r.cursor != nil {
				at = r.cursor.Tick()
			}
		})
		return at
	}
	var first *session.Cursor
	ts.inRoom(t, id, func(r *room) { first = r.cursor })
	for _, tick := range []int32{11, 3} {
		ctl.send(&wire.WhatIf{Ref: 40, Action: wire.WhatIfJump, Tick: tick})
		if p := ctl.expect(wire.TypePast).(*wire.Past); p.Tick != tick || p.View.Tick != tick {
			t.Errorf("jump to %d: past at %d", tick, p.Tick)
		}
		if at := cursorAt(); at != tick {
			t.Errorf("the replay is at %d after a jump to %d", at, tick)
		}
		var same bool
		ts.inRoom(t, id, func(r *room) { same = r.cursor == first })
		if same != (tick == 11) {
			t.Errorf("jump to %d: the replay was kept: %v", tick, same)
		}
	}
	ctl.send(&wire.WhatIf{Ref: 5, Action: wire.WhatIfJump, Tick: now + 1})
	if e := ctl.expect(wire.TypeError).(*wire.Error); e.Ref != 5 || e.Code != wire.ErrRejected || !strings.Contains(e.Message, "look back") {
		t.Errorf("jump ahead: %+v", e)
	}

	// A branch forked at 8 without the team's investigation at 13.
	ctl.send(&wire.WhatIf{Ref: 6, Action: wire.WhatIfBranch, Tick: 8, Name: "no-investigation"})
	b := ctl.expect(wire.TypeBranched).(*wire.Branched)
	if b.Ref != 6 || b.Name != "no-investigation" || b.At != 8 || b.Until != now || b.Checked != 9 {
		t.Errorf("branched %+v", b)
	}
	if b.Run.Tick != now || b.Branch.Tick != now || b.Run.Hash != liveHash {
		t.Errorf("compared at %d/%d, run hash %s, live %s", b.Run.Tick, b.Branch.Tick, b.Run.Hash, liveHash)
	}
	if b.Branch.Hash == b.Run.Hash {
		t.Error("dropping the investigation changed nothing")
	}
	if len(b.Run.Objectives) == 0 || len(b.Branch.Metrics) == 0 {
		t.Errorf("outcomes without objectives or figures: %+v", b)
	}
	// Kept, and a faithful journal: it replays, and matches the exercise
	// up to the fork.
	path := filepath.Join(BranchesDir(ts.dir, id), "no-investigation.jsonl")
	bj, err := journal.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, _ := testLoad("embedded:tutorial", nil)
	if res, err := headless.Replay(sc, bj); err != nil || res.Mismatch != nil {
		t.Errorf("the branch's journal does not replay: %v %+v", err, res)
	}

	// The same branch with the exercise's commands kept and one more, an
	// earlier investigation by the police: the exercise itself is the
	// branch's first state after the fork, so they differ only by it.
	ctl.send(&wire.WhatIf{Ref: 7, Action: wire.WhatIfBranch, Tick: 8, Until: now - 1, Keep: true,
		Commands: []wire.BranchCommand{{Tick: 9, Org: "police-a", Verb: "investigate", Target: "web-1"}}})
	b2 := ctl.expect(wire.TypeBranched).(*wire.Branched)
	if b2.Name != "branch-2" || b2.Until != now-1 || b2.Commands != 1 || !b2.Keep || b2.Run.Tick != now-1 {
		t.Errorf("second branch %+v", b2)
	}

	// Refused at once, naming why.
	for _, tc := range []struct {
		m    wire.WhatIf
		want string
	}{
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: now}, "fork at a tick before it"},
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: 3, Until: 2}, "compare at a tick after the fork"},
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: 3, Name: "no-investigation"}, "exists already"},
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: 3, Name: "../up"}, "letters, digits"},
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: 3, Commands: []wire.BranchCommand{{Tick: 3, Org: "csirt-a", Verb: "scan"}}}, "come after the fork"},
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: 3, Commands: []wire.BranchCommand{{Tick: 4, Org: "csirt-z", Verb: "scan"}}}, `no organisation "csirt-z"`},
		{wire.WhatIf{Action: wire.WhatIfBranch, Tick: 3, Commands: []wire.BranchCommand{{Tick: 4, Org: "csirt-a", Verb: "investgate"}}}, `unknown verb "investgate"`},
	} {
		tc.m.Ref = 100
		ctl.send(&tc.m)
		e := ctl.expectWhere(wire.TypeError, func(m wire.Message) bool { return m.(*wire.Error).Ref == 100 }).(*wire.Error)
		if e.Code != wire.ErrRejected || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%+v: %s %q, want %q", tc.m, e.Code, e.Message, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(BranchesDir(ts.dir, id), "..", "up.jsonl")); err == nil {
		t.Error("a branch name escaped the branches folder")
	}

	// The exercise was not touched: same tick, same hash.
	ts.inRoom(t, id, func(r *room) {
		if r.sess.Tick() != now || r.sess.World().HashHex() != liveHash {
			t.Errorf("the exercise moved: tick %d", r.sess.Tick())
		}
	})

	// After the end, the debrief goes on: the whole run is there to look
	// at and fork from, and the ended exercise stays ended.
	ctl.send(&wire.Control{Ref: 8, Action: wire.ControlEnd})
	end := ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool { return m.(*wire.Status).State == wire.StateEnded }).(*wire.Status)
	ctl.send(&wire.WhatIf{Ref: 9, Action: wire.WhatIfJump, Tick: end.Tick})
	if p := ctl.expect(wire.TypePast).(*wire.Past); p.Tick != end.Tick {
		t.Errorf("look at the end: %d", p.Tick)
	}
	ctl.send(&wire.WhatIf{Ref: 10, Action: wire.WhatIfBranch, Tick: 8, Name: "after-the-end"})
	if b := ctl.expect(wire.TypeBranched).(*wire.Branched); b.Until != end.Tick || b.Run.Tick != end.Tick {
		t.Errorf("branch after the end %+v", b)
	}
	ts.inRoom(t, id, func(r *room) {
		if r.state != wire.StateEnded {
			t.Errorf("the exercise is %s after a debrief of its end", r.state)
		}
	})
}

// TestWhatIfOneAtATime: a second question while one runs is refused, and
// the exercise's clock keeps going while a branch replays.
func TestWhatIfOneAtATime(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Title: "busy", Scenario: "embedded:tutorial", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctl, _, _ := dial(t, ts.url, codes(created)["controller"], 0)
	ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 2})
	ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	ctl.untilTick(40)
	ctl.send(&wire.WhatIf{Ref: 3, Action: wire.WhatIfBranch, Tick: 5})
	ctl.send(&wire.WhatIf{Ref: 4, Action: wire.WhatIfJump, Tick: 5})
	var answered, refused bool
	for !answered || !refused {
		select {
		case m := <-ctl.in:
			switch x := m.(type) {
			case *wire.Branched:
				answered = x.Ref == 3
			case *wire.Error:
				if x.Ref == 4 && x.Code == wire.ErrRejected && strings.Contains(x.Message, "another what-if") {
					refused = true
				} else if x.Ref == 4 || x.Ref == 3 {
					t.Fatalf("error %+v", x)
				}
			case *wire.Past:
				t.Fatal("two questions answered at once")
			}
		case <-ctl.done:
			t.Fatal("connection closed")
		}
	}
	// And the next question is taken.
	ctl.send(&wire.WhatIf{Ref: 5, Action: wire.WhatIfJump, Tick: 5})
	if p := ctl.expect(wire.TypePast).(*wire.Past); p.Tick != 5 {
		t.Errorf("past %+v", p.Tick)
	}
}
