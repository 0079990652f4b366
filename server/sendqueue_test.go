package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cyberex/wire"
)

// A client that does not read holds what is queued for it until it is
// dropped: large messages (a what-if's `past` carries a whole controller
// view, megabytes on botnet-crossborder) must not pile up to the count
// bound. Each message here is its own allocation, so the bytes left in the
// queue are the memory the slow client holds.
func TestSendQueueBoundedByBytes(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial"})
	if err != nil {
		t.Fatal(err)
	}
	const size = 256 << 10 // sendQueueLen of these is twice sendQueueBytes
	slow := &client{srv: ts.Server, send: make(chan []byte, sendQueueLen), done: make(chan struct{}),
		log: ts.log, role: wire.RoleController, person: "slow"}
	before := counterValue(t, ts, "cyberex_send_queue_drops_total")
	sent := 0
	ts.inRoom(t, created.Exercise.ID, func(r *room) {
		r.clients[slow] = struct{}{}
		for sent < sendQueueLen && !slow.isClosed() {
			r.sendBytes(slow, make([]byte, size))
			sent++
		}
	})
	held := 0
	for n := len(slow.send); n > 0; n-- {
		held += len(<-slow.send)
	}
	t.Logf("%d messages of %d KiB sent, %d KiB held", sent, size>>10, held>>10)
	if held > sendQueueBytes+size {
		t.Errorf("a client that does not read holds %d bytes: more than the bound (%d) and one message", held, sendQueueBytes)
	}
	if !slow.isClosed() {
		t.Fatal("the client that does not read was not dropped")
	}
	bye := slow.bye.Load()
	if bye == nil || bye.Code != wire.ByeSlow || !bye.Reconnect || !strings.Contains(bye.Message, "MiB") {
		t.Errorf("bye %+v: want slow, reconnect, saying how many bytes waited", bye)
	}
	if counterValue(t, ts, "cyberex_send_queue_drops_total") != before+1 {
		t.Error("the drop was not counted")
	}
	ts.inRoom(t, created.Exercise.ID, func(r *room) {
		if _, ok := r.clients[slow]; ok {
			t.Error("the room still holds the slow client")
		}
	})
}

// The bytes bound counts what waits, not what went: a client that reads
// gets far more than the bound in all, and its queue empties as it reads.
func TestSendQueueBytesLeaveAsWritten(t *testing.T) {
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Scenario: "embedded:tutorial"})
	if err != nil {
		t.Fatal(err)
	}
	ctl, w, _ := dial(t, ts.url, codes(created)["controller"], 0)
	var sc *client
	ts.inRoom(t, created.Exercise.ID, func(r *room) {
		for c := range r.clients {
			if c.person == w.Person {
				sc = c
			}
		}
	})
	if sc == nil {
		t.Fatal("the room does not hold the controller")
	}
	big := strings.Repeat("x", 1<<20)
	const n = 40 // MiB in all, past sendQueueBytes
	for i := int64(1); i <= n; i++ {
		ts.inRoom(t, created.Exercise.ID, func(r *room) {
			r.sendTo(sc, &wire.Error{Ref: i, Code: wire.ErrRejected, Message: big})
		})
		ctl.expectWhere(wire.TypeError, func(m wire.Message) bool { return m.(*wire.Error).Ref == i })
	}
	deadline := time.Now().Add(waitMax)
	for sc.queued.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still counted as waiting after every message was read", sc.queued.Load())
		}
		time.Sleep(time.Millisecond)
	}
	if sc.isClosed() {
		t.Error("a client that reads was dropped")
	}
}

// Every path onto the queue is bounded the same way, and the bound counts
// what already waits: one message larger than the bound still goes to a
// client with nothing waiting, and nothing more goes after it.
func TestSendQueueBytesEveryPath(t *testing.T) {
	ts := newTestServer(t, "")
	c := &client{srv: ts.Server, send: make(chan []byte, sendQueueLen), done: make(chan struct{}), log: ts.log}
	if err := c.queue(make([]byte, sendQueueBytes+1)); err != nil {
		t.Fatalf("a message larger than the bound, to an empty queue: %v", err)
	}
	// The reader's replies (errors it finds itself) go on the same queue.
	c.refuse(0, wire.ErrMalformed, "a reply after the bound")
	if len(c.send) != 1 {
		t.Errorf("%d messages queued: the reader's reply crossed the bytes bound", len(c.send))
	}
	err := c.queue([]byte("{}"))
	var full *queueFull
	if !errors.As(err, &full) || !strings.Contains(err.Error(), "32 MiB waiting, at most 32") {
		t.Errorf("queue past the bound: %v", err)
	}
	// By count: sendQueueLen small messages fill it; the next says so.
	c = &client{srv: ts.Server, send: make(chan []byte, sendQueueLen), done: make(chan struct{}), log: ts.log}
	for i := 0; i < sendQueueLen; i++ {
		if err := c.queue([]byte("{}")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := c.queue([]byte("{}")); !errors.As(err, &full) || err.Error() != "256 messages waiting, at most 256" {
		t.Errorf("queue past the count: %v", err)
	}
	c.close(nil)
	if err := c.queue([]byte("{}")); !errors.Is(err, errClosed) {
		t.Errorf("queue on a closed client: %v", err)
	}
}
