package server

import (
	"math/rand/v2"
	"slices"
	"testing"

	"cyberex/engine"
	"cyberex/wire"
)

// missionScenarios are the scenarios that ship, as the server loads them.
var missionScenarios = []string{"embedded:tutorial", "../scenarios/botnet-crossborder", "../scenarios/grid-hybrid", "../scenarios/propaganda-network"}

// A recording client per team, on every mission scenario: what a team
// receives is its organisation's engine view and deltas and nothing else.
// Its view, rebuilt from what it received, is exactly the engine's view of
// its organisation at the same tick (the engine's fog-of-war property test
// proves that view holds nothing the organisation has not learned); no
// message carries the white cell's fields (who plays what, the story's
// error, the key figures) or whom else an event was shown to.
func TestFogOfWarOverTheWire(t *testing.T) {
	ticks := int32(15)
	scens := missionScenarios
	if testing.Short() {
		scens, ticks = scens[:1], 20
	}
	for _, scen := range scens {
		t.Run(scen, func(t *testing.T) {
			ts := newTestServer(t, "")
			created, err := ts.Exercise(NewExercise{Scenario: scen, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			code := codes(created)
			ctl, _, _ := dial(t, ts.url, code["controller"], 0)
			teams := map[string]*tclient{}
			var orgs []string
			for _, jc := range created.Codes {
				if jc.Role == wire.RoleTeam {
					orgs = append(orgs, jc.Org)
					teams[jc.Org], _, _ = dial(t, ts.url, jc.Code, 0)
				}
			}
			// Each team sends a command at some point: results and acks
			// travel too.
			for i, org := range orgs {
				teams[org].send(&wire.Command{Ref: int64(i + 1), Verb: "query", Target: "req-1"})
			}
			ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 1})
			ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
			ctl.untilTick(ticks)
			ctl.send(&wire.Control{Ref: 3, Action: wire.ControlPause})
			st := ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool { return m.(*wire.Status).State == wire.StatePaused }).(*wire.Status)
			want := map[string]string{}
			ts.inRoom(t, created.Exercise.ID, func(r *room) {
				for _, org := range orgs {
					v, err := r.sess.World().ViewOf(org)
					if err != nil {
						t.Fatal(err)
					}
					want[org] = jsonOf(t, v)
				}
			})
			for _, org := range orgs {
				c := teams[org]
				c.untilTick(st.Tick)
				got, _ := c.snapshot()
				if got != want[org] {
					t.Errorf("%s: the view rebuilt from what it received differs from the engine's view of it at tick %d", org, st.Tick)
				}
				c.mu.Lock()
				msgs := slices.Clone(c.all)
				c.mu.Unlock()
				for _, m := range msgs {
					checkTeamMessage(t, org, m)
				}
			}
		})
	}
}

// checkTeamMessage fails on anything in a team's message that is not its
// organisation's to see.
func checkTeamMessage(t *testing.T, org string, m wire.Message) {
	t.Helper()
	switch m := m.(type) {
	case *wire.Welcome:
		if m.Org != org || m.Role != wire.RoleTeam || len(m.Status.Teams) > 0 || m.Status.Story != "" {
			t.Errorf("%s: welcome %+v", org, m)
		}
	case *wire.View:
		if m.View.Org != org || m.View.Controller {
			t.Errorf("%s: a view of %q (controller %v)", org, m.View.Org, m.View.Controller)
		}
		checkEvents(t, org, m.Missed)
	case *wire.Delta:
		if m.Org != org || len(m.Metrics) > 0 {
			t.Errorf("%s: a delta of %q with %d metrics", org, m.Org, len(m.Metrics))
		}
		checkEvents(t, org, m.Events)
	case *wire.Status:
		if len(m.Teams) > 0 || m.Story != "" {
			t.Errorf("%s: status with the white cell's fields %+v", org, m)
		}
	case *wire.Ack, *wire.Result, *wire.Error:
	default:
		t.Errorf("%s: a team received %s", org, m.Type())
	}
}

func checkEvents(t *testing.T, org string, evs []engine.Event) {
	t.Helper()
	for _, e := range evs {
		if len(e.Visible) > 0 {
			t.Errorf("%s: event %s says whom else it was shown to", org, e.Kind)
			return
		}
	}
}

// A team that drops at random ticks and reconnects with the last tick it
// had gets the view and then live deltas, with no event missing or
// doubled: it ends with what a teammate who never dropped has.
func TestReconnectAtRandomTicks(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial", Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	code := codes(created)
	ctl, _, _ := dial(t, ts.url, code["controller"], 0)
	steady, _, _ := dial(t, ts.url, code["csirt-a"], 0)
	rng := rand.New(rand.NewPCG(1, 2))
	ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 2})
	ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	// The flaky client's events and view carry over its reconnections.
	var events []engine.Event
	var view string
	since := int32(0)
	end := int32(600)
	drops := 0
	for since < end {
		c, _, v := dial(t, ts.url, code["csirt-a"], since)
		if since > 0 && !v.Complete {
			t.Fatalf("history does not reach back to tick %d", since)
		}
		// Play a while, and command something now and then.
		at := v.View.Tick + int32(rng.IntN(60)) + 1
		if rng.IntN(2) == 0 {
			c.send(&wire.Command{Ref: int64(at), Verb: "query", Target: "web-1"})
		}
		c.untilTick(min(at, end))
		c.conn.Close()
		<-c.done
		view, evs := c.snapshot()
		_ = view
		events = append(events, evs...)
		c.mu.Lock()
		since = c.view.Tick
		c.mu.Unlock()
		drops++
	}
	ctl.send(&wire.Control{Ref: 3, Action: wire.ControlPause})
	st := ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool { return m.(*wire.Status).State == wire.StatePaused }).(*wire.Status)
	// Catch up to the pause, once more by reconnecting.
	c, _, _ := dial(t, ts.url, code["csirt-a"], since)
	c.untilTick(st.Tick)
	view, evs := c.snapshot()
	events = append(events, evs...)
	steady.untilTick(st.Tick)
	want, wantEvents := steady.snapshot()
	if view != want {
		t.Error("after reconnections the view differs from the steady client's")
	}
	if len(events) != len(wantEvents) {
		t.Fatalf("%d drops: %d events, the steady client has %d", drops, len(events), len(wantEvents))
	}
	for i := range events {
		if jsonOf(t, events[i]) != jsonOf(t, wantEvents[i]) {
			t.Fatalf("event %d: %+v, the steady client has %+v", i, events[i], wantEvents[i])
		}
	}
	if drops < 5 {
		t.Errorf("only %d drops", drops)
	}
}

// TestFreshJoinsShareTheEncodedView: people who join fresh at the same
// tick get the view encoded once; after the clock moves, the next ones
// get the view of the new tick, not the one kept.
func TestFreshJoinsShareTheEncodedView(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	code := codes(created)
	ctl, _, _ := dial(t, ts.url, code["controller"], 0)
	steady, _, _ := dial(t, ts.url, code["csirt-a"], 0)
	ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 2})
	ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	for round := 0; round < 4; round++ {
		steady.untilTick(int32(40 * (round + 1)))
		ctl.send(&wire.Control{Ref: int64(10 + round), Action: wire.ControlPause})
		st := ctl.expectWhere(wire.TypeStatus, func(m wire.Message) bool {
			s := m.(*wire.Status)
			return s.State == wire.StatePaused && s.Tick >= int32(40*(round+1))
		}).(*wire.Status)
		var want string
		ts.inRoom(t, created.Exercise.ID, func(r *room) {
			v, err := r.sess.World().ViewOf("csirt-a")
			if err != nil {
				t.Fatal(err)
			}
			want = jsonOf(t, v)
		})
		var first []byte
		for k := 0; k < 2; k++ {
			c, _, v := dial(t, ts.url, code["csirt-a"], 0)
			if v.View.Tick != st.Tick || jsonOf(t, v.View) != want {
				t.Fatalf("round %d, joiner %d: view at tick %d (paused at %d) differs from the engine's", round, k, v.View.Tick, st.Tick)
			}
			c.mu.Lock()
			raw := c.raw[1] // welcome, then the view
			c.mu.Unlock()
			if k == 0 {
				first = raw
			} else if string(raw) != string(first) {
				t.Errorf("round %d: two fresh joiners at one tick got different bytes", round)
			}
			c.conn.Close()
		}
		ctl.send(&wire.Control{Ref: int64(20 + round), Action: wire.ControlResume})
	}
}
