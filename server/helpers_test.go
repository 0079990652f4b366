package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"cyberex/engine"
	_ "cyberex/engine/script/host" // the Lua host, for stories
	"cyberex/scenario"
	"cyberex/scenarios"
	"cyberex/scripts"
	"cyberex/wire"
)

// testLoad loads the scenarios built into the program (embedded:NAME) or a
// folder, with the built-in Lua library.
func testLoad(source string, set []string) (*scenario.Scenario, string, error) {
	opt := scenario.Options{Set: set, Library: scripts.FS, IgnoreTests: true}
	if name, ok := strings.CutPrefix(source, "embedded:"); ok {
		sc, err := scenario.LoadFS(scenarios.FS, name, opt)
		return sc, source, err
	}
	sc, err := scenario.Load(source, opt)
	return sc, source, err
}

// testServer is a server on a loopback port.
type testServer struct {
	*Server
	http *httptest.Server
	url  string // ws://127.0.0.1:PORT/ws
	dir  string
}

func newTestServer(t testing.TB, dir string) *testServer {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := New(Options{DataDir: dir, Load: testLoad, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	ts := &testServer{Server: s, http: hs, url: "ws" + strings.TrimPrefix(hs.URL, "http") + wire.Path, dir: dir}
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	ts.Server.Close()
	ts.http.Close()
}

// codes indexes a new exercise's codes by "controller", "observer" or the
// team's organisation.
func codes(c *Created) map[string]string {
	out := map[string]string{}
	for _, jc := range c.Codes {
		k := jc.Role
		if jc.Role == wire.RoleTeam {
			k = jc.Org
		}
		out[k] = jc.Code
	}
	return out
}

// tclient is a test's websocket client: it records every message.
type tclient struct {
	t    *testing.T
	name string
	conn *websocket.Conn
	in   chan wire.Message
	mu   sync.Mutex
	all  []wire.Message
	raw  [][]byte
	err  error // why the reader stopped
	done chan struct{}
	// view is the client's view: the last View, with every Delta since
	// applied by the reader; events are every event received (missed and
	// in deltas), in order.
	view   *engine.View
	events []engine.Event
}

func dialRaw(t *testing.T, url string) *tclient {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	c := &tclient{t: t, conn: conn, in: make(chan wire.Message, 1<<16), done: make(chan struct{})}
	go c.read()
	t.Cleanup(func() { conn.Close() })
	return c
}

// dial connects and says hello with code; it waits for welcome and view.
func dial(t *testing.T, url, code string, since int32) (*tclient, *wire.Welcome, *wire.View) {
	t.Helper()
	c := dialRaw(t, url)
	c.send(&wire.Hello{Protocol: wire.Protocol, Code: code, Client: "test", Since: since})
	w := c.expect(wire.TypeWelcome).(*wire.Welcome)
	c.name = w.Role + " " + w.Org
	v := c.expect(wire.TypeView).(*wire.View)
	return c, w, v
}

func (c *tclient) read() {
	defer close(c.done)
	defer close(c.in)
	for {
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		m, err := wire.DecodeServer(b)
		if err != nil {
			c.t.Errorf("%s: the server sent what the protocol does not have: %v\n%s", c.name, err, b)
			return
		}
		c.mu.Lock()
		c.all = append(c.all, m)
		c.raw = append(c.raw, b)
		switch m := m.(type) {
		case *wire.View:
			// The reader's own copy: the message stays as received.
			var own engine.View
			if err := json.Unmarshal([]byte(jsonOf(c.t, m.View)), &own); err != nil {
				c.t.Error(err)
			}
			c.view = &own
			c.events = append(c.events, m.Missed...)
		case *wire.Delta:
			if c.view == nil {
				c.t.Errorf("%s: a delta before the view", c.name)
			} else if err := c.view.Apply(&m.ViewDelta); err != nil {
				c.t.Errorf("%s: %v", c.name, err)
			}
			c.events = append(c.events, m.Events...)
		}
		c.mu.Unlock()
		c.in <- m
	}
}

func (c *tclient) send(m wire.Message) {
	c.t.Helper()
	b, err := wire.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("%s: send %s: %v", c.name, m.Type(), err)
	}
}

const waitMax = 90 * time.Second

// expect waits for the next message of a type, skipping others.
func (c *tclient) expect(typ string) wire.Message {
	c.t.Helper()
	return c.expectWhere(typ, func(wire.Message) bool { return true })
}

func (c *tclient) expectWhere(typ string, ok func(wire.Message) bool) wire.Message {
	c.t.Helper()
	timeout := time.After(waitMax)
	for {
		select {
		case m, open := <-c.in:
			if !open {
				c.t.Fatalf("%s: connection closed waiting for %s: %v", c.name, typ, c.err)
			}
			if m.Type() == typ && ok(m) {
				return m
			}
		case <-timeout:
			c.t.Fatalf("%s: no %s in %s", c.name, typ, waitMax)
		}
	}
}

// closed waits for the server to close the connection and returns the
// messages up to then.
func (c *tclient) closed() []wire.Message {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(waitMax):
		c.t.Fatalf("%s: the server did not close the connection", c.name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]wire.Message(nil), c.all...)
}

// untilTick waits until the client's view reaches tick.
func (c *tclient) untilTick(tick int32) {
	c.t.Helper()
	deadline := time.Now().Add(waitMax)
	for {
		c.mu.Lock()
		at := int32(-1)
		if c.view != nil {
			at = c.view.Tick
		}
		c.mu.Unlock()
		if at >= tick {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: view at tick %d, not %d after %s", c.name, at, tick, waitMax)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// snapshot is the client's view (as JSON) and events now.
func (c *tclient) snapshot() (string, []engine.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return jsonOf(c.t, c.view), append([]engine.Event(nil), c.events...)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// inRoom runs f in an exercise's loop.
func (ts *testServer) inRoom(t *testing.T, id string, f func(r *room)) {
	t.Helper()
	r, ok := ts.room(id)
	if !ok {
		t.Fatalf("no room %s", id)
	}
	if !r.call(func() { f(r) }) {
		t.Fatalf("room %s stopped", id)
	}
}

// counterValue reads a counter from the server's metrics.
func counterValue(t *testing.T, ts *testServer, name string) float64 {
	t.Helper()
	mfs, err := ts.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			sum := 0.0
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
			return sum
		}
	}
	return 0
}
