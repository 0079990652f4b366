package server

import (
	"strings"
	"testing"

	"cyberex/wire"
)

func TestPlayAnExercise(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Title: "class", Scenario: "embedded:tutorial", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	code := codes(created)
	ctl, w, cv := dial(t, ts.url, code["controller"], 0)
	if w.Role != wire.RoleController || w.Exercise != created.Exercise.ID || w.Status.State != wire.StateWaiting || len(w.Verbs) == 0 {
		t.Fatalf("welcome %+v", w)
	}
	if !cv.View.Controller || cv.View.Tick != 0 {
		t.Fatalf("controller view: controller %v tick %d", cv.View.Controller, cv.View.Tick)
	}
	team, tw, tv := dial(t, ts.url, code["csirt-a"], 0)
	if tw.Role != wire.RoleTeam || tw.Org != "csirt-a" || tv.View.Org != "csirt-a" || tv.View.Controller {
		t.Fatalf("team welcome %+v, view of %q", tw, tv.View.Org)
	}
	obs, _, _ := dial(t, ts.url, code["observer"], 0)

	// Before the start a command is kept for tick 1.
	team.send(&wire.Command{Ref: 1, Verb: "investigate", Target: "web-1"})
	ack := team.expect(wire.TypeAck).(*wire.Ack)
	if ack.Ref != 1 || ack.ID == 0 || ack.Tick != 1 || !ack.Paused {
		t.Errorf("ack %+v", ack)
	}
	// The white cell sets a fast pace and starts.
	ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 5})
	ctl.expectWhere(wire.TypeAck, func(m wire.Message) bool { return m.(*wire.Ack).Ref == 1 })
	ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool { return m.(*wire.Status).State == wire.StateRunning })
	res := team.expect(wire.TypeResult).(*wire.Result)
	if res.Ref != 1 || res.ID != ack.ID || res.Tick != 1 || res.Text == "" {
		t.Errorf("result %+v", res)
	}
	team.untilTick(5)

	// Roles: each may send only its own messages.
	obs.send(&wire.Command{Ref: 9, Verb: "scan", Target: "web-1"})
	if e := obs.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrForbidden || e.Ref != 9 {
		t.Errorf("observer's command: %+v", e)
	}
	team.send(&wire.Control{Ref: 10, Action: wire.ControlPause})
	if e := team.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrForbidden || e.Ref != 10 {
		t.Errorf("team's control: %+v", e)
	}
	team.send(&wire.Note{Ref: 11, Text: "x"})
	if e := team.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrForbidden {
		t.Errorf("team's note: %+v", e)
	}
	ctl.send(&wire.Command{Ref: 12, Verb: "scan"})
	if e := ctl.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrForbidden {
		t.Errorf("controller's command: %+v", e)
	}

	// Notes land at their tick, for the white cell and the observers.
	obs.send(&wire.Note{Ref: 3, Text: "the CSIRT investigates first"})
	n := obs.expect(wire.TypeNoted).(*wire.Noted)
	if n.Ref != 3 || n.Text != "the CSIRT investigates first" || n.Tick < 5 {
		t.Errorf("noted %+v", n)
	}
	if n2 := ctl.expect(wire.TypeNoted).(*wire.Noted); n2.ID != n.ID || n2.Ref != 0 {
		t.Errorf("white cell's copy %+v", n2)
	}

	// Pause; a move of 3 ticks; paused again after it.
	ctl.send(&wire.Control{Ref: 4, Action: wire.ControlPause})
	st := ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool { return m.(*wire.Status).State == wire.StatePaused }).(*wire.Status)
	team.untilTick(st.Tick)
	ctl.send(&wire.Control{Ref: 5, Action: wire.ControlAdvance, Ticks: 3})
	team.untilTick(st.Tick + 3)
	ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool {
		s := m.(*wire.Status)
		return s.State == wire.StatePaused && s.MoveLeft == 0 && s.Tick == st.Tick+3
	})
	// Chat between teams rides the engine's message verb, and is kept.
	team.send(&wire.Chat{Ref: 6, To: "police-a", Text: "we hold the logs"})
	cack := team.expectWhere(wire.TypeAck, func(m wire.Message) bool { return m.(*wire.Ack).Ref == 6 }).(*wire.Ack)
	if !cack.Paused || cack.Tick != st.Tick+4 {
		t.Errorf("chat ack %+v", cack)
	}
	log, err := ts.store.ChatLog(created.Exercise.ID)
	if err != nil || len(log) != 1 || log[0].From != "csirt-a" || log[0].To != "police-a" || log[0].Command != cack.ID {
		t.Errorf("chat log %+v %v", log, err)
	}
	notes, _ := ts.store.Notes(created.Exercise.ID)
	if len(notes) != 1 || notes[0].Tick != n.Tick {
		t.Errorf("notes %+v", notes)
	}
	// The white cell's view shows who plays what.
	ctl.send(&wire.Control{Ref: 7, Action: wire.ControlScript, Org: "nosuch"})
	if e := ctl.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrRejected || !strings.Contains(e.Message, "csirt-a") {
		t.Errorf("script an unknown org: %+v", e)
	}
}
