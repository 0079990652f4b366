package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cyberex/store"
	"cyberex/wire"
)

// A join that races a revocation (or the exercise failing or going away)
// is refused with the reason, and the catalogue keeps no participant for
// it: the people an exercise lists are those who were let in. The join is
// recorded by its reader first, then waits at the room's door (the room's
// loop is held) while the code is revoked or the exercise fails; or it
// finds the room stopped but not yet unlisted, as while it is archived.
func TestJoinRacingRefusalLeavesNoParticipant(t *testing.T) {
	cases := []struct {
		name string
		// race lets the join in (join sends hello; recorded waits until
		// the reader recorded the participant) and refuses it on the way.
		race func(t *testing.T, ts *testServer, r *room, code JoinCode, join, recorded func())
		want string
	}{
		{"code revoked", func(t *testing.T, ts *testServer, r *room, code JoinCode, join, recorded func()) {
			release := hold(r, nil)
			join()
			recorded()
			revoked := make(chan error, 1)
			go func() { _, err := ts.Revoke(code.ID); revoked <- err }()
			waitFor(t, "the revocation on disk", func() bool {
				_, err := ts.store.LookUpCode(code.Code)
				return err == store.ErrCodeRevoked
			})
			close(release)
			if err := <-revoked; err != nil {
				t.Fatal(err)
			}
		}, "revoked"},
		{"exercise failed", func(t *testing.T, ts *testServer, r *room, code JoinCode, join, recorded func()) {
			release := hold(r, func() { r.fail(errors.New("journal: no space left on device")) })
			join()
			recorded()
			close(release)
		}, "no space left on device"},
		{"room stopped", func(t *testing.T, ts *testServer, r *room, code JoinCode, join, recorded func()) {
			r.stop()
			join()
		}, "no longer served"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, "")
			created, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial"})
			if err != nil {
				t.Fatal(err)
			}
			ex := created.Exercise.ID
			code, err := ts.NewCode(ex, NewCode{Role: wire.RoleTeam, Org: "csirt-a"})
			if err != nil {
				t.Fatal(err)
			}
			r, _ := ts.room(ex)
			h := dialRaw(t, ts.url)
			tc.race(t, ts, r, code, func() {
				h.send(&wire.Hello{Protocol: wire.Protocol, Code: code.Code, Client: "test"})
			}, func() {
				waitFor(t, "participant recorded by the reader", func() bool { return len(peopleOf(t, ts, ex, code.ID)) > 0 })
			})

			msgs := h.closed()
			if len(msgs) == 0 {
				t.Fatal("closed without a word")
			}
			if e, ok := msgs[0].(*wire.Error); !ok || e.Code != wire.ErrCode || !strings.Contains(e.Message, tc.want) {
				t.Errorf("first message %+v, want a code error saying %q", msgs[0], tc.want)
			}
			if bye, ok := msgs[len(msgs)-1].(*wire.Bye); !ok || bye.Code != wire.ByeCode || bye.Reconnect {
				t.Errorf("last message %+v, want bye %q", msgs[len(msgs)-1], wire.ByeCode)
			}
			for _, m := range msgs {
				if m.Type() == wire.TypeWelcome || m.Type() == wire.TypeView {
					t.Errorf("a refused join got %s", m.Type())
				}
			}
			if p := peopleOf(t, ts, ex, code.ID); len(p) != 0 {
				t.Errorf("the refused join is kept as a participant: %+v", p)
			}
		})
	}
}

// hold holds a room's loop until the returned channel is closed, then
// runs then (if any) in the loop.
func hold(r *room, then func()) chan struct{} {
	held, release := make(chan struct{}), make(chan struct{})
	go r.call(func() {
		close(held)
		<-release
		if then != nil {
			then()
		}
	})
	<-held
	return release
}

// peopleOf lists who the catalogue says joined an exercise with a code.
func peopleOf(t *testing.T, ts *testServer, ex, codeID string) []store.Person {
	t.Helper()
	all, err := ts.store.People(ex)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Person
	for _, p := range all {
		if p.Code == codeID {
			out = append(out, p)
		}
	}
	return out
}

// waitFor polls until cond holds, at most waitMax.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitMax)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %s", what, waitMax)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
