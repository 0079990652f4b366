package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"cyberex/wire"
)

// Every hostile client gets a clear error or a closed connection, and the
// exercise goes on for everyone else: a team plays beside them throughout.
func TestHostileClients(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial"})
	if err != nil {
		t.Fatal(err)
	}
	code, otherCode := codes(created), codes(other)
	ctl, _, _ := dial(t, ts.url, code["controller"], 0)
	ctl.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 2})
	ctl.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	bystander, _, _ := dial(t, ts.url, code["police-a"], 0)

	refusedCode := func(name, c string, want string) {
		t.Run(name, func(t *testing.T) {
			h := dialRaw(t, ts.url)
			h.send(&wire.Hello{Protocol: wire.Protocol, Code: c})
			msgs := h.closed()
			if len(msgs) == 0 {
				t.Fatal("closed without a word")
			}
			e, ok := msgs[0].(*wire.Error)
			if !ok || e.Code != wire.ErrCode || !strings.Contains(e.Message, want) {
				t.Errorf("first message %+v, want a code error saying %q", msgs[0], want)
			}
			for _, m := range msgs {
				if m.Type() == wire.TypeWelcome || m.Type() == wire.TypeView {
					t.Errorf("a refused code got %s", m.Type())
				}
			}
		})
	}
	refusedCode("wrong code", "cx-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not valid")
	refusedCode("near miss", nearMiss(code["csirt-a"]), "not valid")
	// A code is scoped to its exercise: another exercise's code joins that
	// exercise, never this one.
	t.Run("code of another exercise", func(t *testing.T) {
		c, w, v := dial(t, ts.url, otherCode["csirt-a"], 0)
		if w.Exercise != other.Exercise.ID || v.View.Tick != 0 {
			t.Errorf("joined %s at tick %d", w.Exercise, v.View.Tick)
		}
		c.conn.Close()
	})
	t.Run("revoked while connected", func(t *testing.T) {
		extra, err := ts.NewCode(created.Exercise.ID, NewCode{Role: wire.RoleTeam, Org: "csirt-a"})
		if err != nil {
			t.Fatal(err)
		}
		c, _, _ := dial(t, ts.url, extra.Code, 0)
		if _, err := ts.Revoke(extra.ID); err != nil {
			t.Fatal(err)
		}
		msgs := c.closed()
		if bye, ok := msgs[len(msgs)-1].(*wire.Bye); !ok || bye.Code != wire.ByeRevoked || bye.Reconnect {
			t.Errorf("last message %+v, want bye revoked", msgs[len(msgs)-1])
		}
		refusedCode("revoked", extra.Code, "revoked")
	})
	t.Run("protocol version", func(t *testing.T) {
		h := dialRaw(t, ts.url)
		h.send(&wire.Hello{Protocol: wire.Protocol + 1, Code: code["csirt-a"]})
		msgs := h.closed()
		if e, ok := msgs[0].(*wire.Error); !ok || e.Code != wire.ErrProtocol || !strings.Contains(e.Message, "speaks protocol") {
			t.Errorf("%+v", msgs[0])
		}
	})
	t.Run("message before hello", func(t *testing.T) {
		h := dialRaw(t, ts.url)
		h.send(&wire.Command{Ref: 1, Verb: "scan"})
		if e := h.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrHelloFirst {
			t.Errorf("%+v", e)
		}
		// It may still say hello.
		h.send(&wire.Hello{Protocol: wire.Protocol, Code: code["csirt-a"]})
		h.expect(wire.TypeWelcome)
		h.send(&wire.Hello{Protocol: wire.Protocol, Code: code["csirt-a"]})
		if e := h.expect(wire.TypeError).(*wire.Error); e.Code != wire.ErrHelloFirst {
			t.Errorf("second hello: %+v", e)
		}
	})
	t.Run("silent client", func(t *testing.T) {
		if testing.Short() {
			t.Skip("waits for the hello deadline")
		}
		h := dialRaw(t, ts.url)
		start := time.Now()
		h.closed()
		if d := time.Since(start); d > helloWait+5*time.Second {
			t.Errorf("closed after %s", d)
		}
	})
	team, _, _ := dial(t, ts.url, code["csirt-a"], 0)
	t.Run("malformed, unknown, binary", func(t *testing.T) {
		for _, tc := range []struct {
			kind int
			msg  string
			code string
		}{
			{websocket.TextMessage, `{"type":"command","data":{"verb":"scan","org":"police-a"}}`, wire.ErrMalformed},
			{websocket.TextMessage, `not json`, wire.ErrMalformed},
			{websocket.TextMessage, `{"type":"welcome","data":{}}`, wire.ErrUnknownType},
			{websocket.BinaryMessage, `{"type":"note","data":{"text":"x"}}`, wire.ErrMalformed},
		} {
			if err := team.conn.WriteMessage(tc.kind, []byte(tc.msg)); err != nil {
				t.Fatal(err)
			}
			if e := team.expect(wire.TypeError).(*wire.Error); e.Code != tc.code {
				t.Errorf("%s: %+v", tc.msg, e)
			}
		}
		// The connection still works.
		team.send(&wire.Command{Ref: 77, Verb: "scan", Target: "web-1"})
		team.expectWhere(wire.TypeAck, func(m wire.Message) bool { return m.(*wire.Ack).Ref == 77 })
	})
	t.Run("flood", func(t *testing.T) {
		f, _, _ := dial(t, ts.url, code["csirt-a"], 0)
		for i := 0; i < 3*msgsBurst; i++ {
			f.send(&wire.Command{Ref: int64(i + 1), Verb: "query", Target: "web-1"})
		}
		f.expectWhere(wire.TypeError, func(m wire.Message) bool { return m.(*wire.Error).Code == wire.ErrRateLimited })
		f.conn.Close()
	})
	t.Run("oversized", func(t *testing.T) {
		h, _, _ := dial(t, ts.url, code["csirt-a"], 0)
		big := `{"type":"note","data":{"text":"` + strings.Repeat("x", wire.MessageBytesMax) + `"}}`
		h.conn.WriteMessage(websocket.TextMessage, []byte(big))
		h.closed()
	})
	t.Run("wrong origin", func(t *testing.T) {
		hdr := http.Header{"Origin": {"https://evil.example"}}
		_, resp, err := websocket.DefaultDialer.Dial(ts.url, hdr)
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("dial from another origin: %v %v", err, resp)
		}
	})
	t.Run("slow reader", func(t *testing.T) {
		// A client whose writer never takes from its queue (a reader that
		// stopped reading: its TCP window is full and the writer blocks):
		// the deltas fill its queue and the room drops it; the tick loop
		// never waits for it.
		slow := &client{srv: ts.Server, send: make(chan []byte, sendQueueLen), done: make(chan struct{}),
			log: ts.log, role: wire.RoleObserver, person: "slow"}
		ts.inRoom(t, created.Exercise.ID, func(r *room) {
			r.clients[slow] = struct{}{}
			r.aud[""].clients[slow] = struct{}{}
		})
		before := counterValue(t, ts, "cyberex_send_queue_drops_total")
		deadline := time.Now().Add(waitMax)
		for {
			slow.mu.Lock()
			closed := slow.closed
			slow.mu.Unlock()
			if closed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a client that never reads was never dropped")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if bye := slow.bye.Load(); bye == nil || bye.Code != wire.ByeSlow || !bye.Reconnect || !strings.Contains(bye.Message, "256 messages waiting") {
			t.Errorf("bye %+v", bye)
		}
		if counterValue(t, ts, "cyberex_send_queue_drops_total") != before+1 {
			t.Error("the drop was not counted")
		}
		ts.inRoom(t, created.Exercise.ID, func(r *room) {
			if _, ok := r.clients[slow]; ok {
				t.Error("the room still holds the slow client")
			}
		})
	})
	// Through all of it the bystander played on.
	var tick int32
	ts.inRoom(t, created.Exercise.ID, func(r *room) { tick = r.sess.Tick() })
	bystander.untilTick(tick)
	bystander.send(&wire.Command{Ref: 5, Verb: "query", Target: "web-1"})
	bystander.expectWhere(wire.TypeResult, func(m wire.Message) bool { return m.(*wire.Result).Ref == 5 })
}

// nearMiss is code with its last character changed (to another one:
// a code ends in any of 32 letters and digits, so a fixed replacement
// would be the code itself once in 32 runs).
func nearMiss(code string) string {
	last := code[len(code)-1]
	swap := byte('x')
	if last == swap {
		swap = 'y'
	}
	return code[:len(code)-1] + string(swap)
}

func TestNearMissIsAnotherCode(t *testing.T) {
	for _, c := range []string{"cx-abcx", "cx-abcy", "cx-abc2"} {
		if m := nearMiss(c); m == c || len(m) != len(c) || m[:len(m)-1] != c[:len(c)-1] {
			t.Errorf("nearMiss(%q) = %q", c, m)
		}
	}
}
