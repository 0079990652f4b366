package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"cyberex/store"
	"cyberex/wire"
)

// Connection limits and deadlines (the pattern of gorilla/websocket's chat
// example: one reader and one writer goroutine per connection, the tick
// loop never waits for either).
const (
	// writeWait bounds one write to a client: a client that cannot take
	// a message in that time is gone.
	writeWait = 10 * time.Second
	// pongWait is how long a silent client is kept: it must answer pings.
	pongWait = 60 * time.Second
	// pingPeriod is how often the server pings; less than pongWait.
	pingPeriod = pongWait * 9 / 10
	// helloWait bounds the time from connecting to the hello.
	helloWait = 10 * time.Second
	// sendQueueLen bounds the messages waiting for one client's writer; a
	// client that falls this far behind is dropped (it reconnects and gets
	// a fresh view), rather than waited for.
	sendQueueLen = 256
	// sendQueueBytes bounds the bytes waiting for one client's writer: a
	// message is refused (and the client dropped, as for sendQueueLen)
	// once this much waits, so a slow client holds at most this plus one
	// message. The largest messages are whole views (botnet-crossborder
	// at tick 2000: the ISP's 7.6 MB, the controller's, also sent as a
	// what-if `past`, 20 KB): a client that keeps up never comes near it.
	sendQueueBytes = 32 << 20
	// msgsPerSecond and msgsBurst bound what one connection may send:
	// a token bucket refilled at msgsPerSecond, holding msgsBurst.
	msgsPerSecond = 20
	msgsBurst     = 40
	// closeGrace is how long a close message gets to leave before the
	// connection is cut.
	closeGrace = time.Second
)

// upgrader keeps gorilla's default origin check (the Origin header's host
// must be the request's Host): a page elsewhere cannot open a connection
// with a participant's browser. Write buffers are pooled: an idle
// connection holds none.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 4096,
	WriteBufferPool: &sync.Pool{},
}

// client is one websocket connection.
type client struct {
	srv  *Server
	conn *websocket.Conn
	log  *slog.Logger
	// send is the bounded queue of encoded messages for the writer. The
	// room and the reader both queue on it, and either may close it (the
	// room drops a slow client, the reader a broken one): mu and closed
	// make that safe.
	send   chan []byte
	mu     sync.Mutex
	closed bool
	// queued is the bytes on send and in the writer's hands (taken off
	// when written): with mu, queue checks it against sendQueueBytes.
	queued atomic.Int64
	// bye, when set before send is closed, is the reason the writer
	// gives in its close message.
	bye atomic.Pointer[wire.Bye]
	// done is closed when the reader stops: the room forgets the client.
	done chan struct{}

	// Set at join, read by the room.
	room   *room
	person string
	role   string
	org    string
	code   string // the code's id, for revocation

	// Owned by the reader.
	tokens float64
	last   time.Time
}

// serveWS upgrades a request to a websocket and runs its two pumps.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has answered (a wrong origin is 403).
		s.log.Info("websocket refused", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"), "err", err)
		s.metrics.rejections.WithLabelValues("upgrade").Inc()
		return
	}
	c := &client{srv: s, conn: conn, send: make(chan []byte, sendQueueLen), done: make(chan struct{}),
		log: s.log.With("remote", r.RemoteAddr), tokens: msgsBurst, last: time.Now()}
	s.metrics.connections.Inc()
	go c.writePump()
	go c.readPump()
}

// errClosed: the client's queue is closed (it was dropped, or its
// reader or writer stopped).
var errClosed = errors.New("the connection is closing")

// queueFull says why a client's queue took no more: it had sendQueueLen
// messages or sendQueueBytes waiting.
type queueFull struct {
	messages int
	bytes    int64
}

func (e *queueFull) Error() string {
	if e.bytes >= sendQueueBytes {
		return strconv.FormatInt(e.bytes>>20, 10) + " MiB waiting, at most " + strconv.Itoa(sendQueueBytes>>20)
	}
	return strconv.Itoa(e.messages) + " messages waiting, at most " + strconv.Itoa(sendQueueLen)
}

// queue puts a message on the client's queue without waiting. It says why
// not when the queue is closed or full (*queueFull: the caller drops the
// client). The bytes bound counts what already waits, so one message
// larger than it still goes to a client that keeps up.
func (c *client) queue(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed
	}
	if n := c.queued.Load(); n >= sendQueueBytes {
		return &queueFull{messages: len(c.send), bytes: n}
	}
	select {
	case c.send <- b:
		c.queued.Add(int64(len(b)))
		return nil
	default:
		return &queueFull{messages: len(c.send), bytes: c.queued.Load()}
	}
}

// reply encodes and queues a message from the reader's side (before the
// client joined a room, or for errors the reader finds itself).
func (c *client) reply(m wire.Message) {
	b, err := wire.Encode(m)
	if err != nil {
		c.log.Error("encode", "type", m.Type(), "err", err)
		return
	}
	c.queue(b)
}

func (c *client) refuse(ref int64, code, msg string) {
	c.srv.metrics.rejections.WithLabelValues(code).Inc()
	c.reply(&wire.Error{Ref: ref, Code: code, Message: msg})
}

// readPump reads the client's messages: the hello, then everything it
// sends to its room. It is the only reader of the connection.
func (c *client) readPump() {
	// The writer closes the connection once its queue is closed (after
	// a bye, if any): what the reader queued last still leaves.
	defer func() {
		close(c.done)
		if c.room != nil {
			c.room.leave(c)
		} else {
			c.close(nil)
		}
		c.srv.metrics.connections.Dec()
	}()
	c.conn.SetReadLimit(wire.MessageBytesMax)
	c.conn.SetReadDeadline(time.Now().Add(helloWait))
	c.conn.SetPongHandler(func(string) error {
		c.conn.SetReadDeadline(time.Now().Add(pongWait))
		return nil
	})
	for {
		kind, data, err := c.conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.srv.metrics.rejections.WithLabelValues("too_large").Inc()
				c.log.Info("message over the read limit: connection closed", "limit", wire.MessageBytesMax)
			}
			return
		}
		c.srv.metrics.messagesIn.Inc()
		if !c.allow() {
			c.refuse(0, wire.ErrRateLimited, "too many messages: at most 20 a second (40 at once); this one was dropped")
			continue
		}
		if kind != websocket.TextMessage {
			c.refuse(0, wire.ErrMalformed, "binary message: the protocol is JSON in text messages")
			continue
		}
		m, err := wire.DecodeClient(data)
		if err != nil {
			var de *wire.DecodeError
			code := wire.ErrMalformed
			if errors.As(err, &de) {
				code = de.Code
			}
			c.refuse(0, code, err.Error())
			continue
		}
		if c.room == nil {
			if !c.hello(m) {
				return
			}
			c.conn.SetReadDeadline(time.Now().Add(pongWait))
			continue
		}
		if _, again := m.(*wire.Hello); again {
			c.refuse(0, wire.ErrHelloFirst, "hello is sent once, first")
			continue
		}
		if !c.room.post(c, m) {
			return // the room is gone
		}
	}
}

// allow takes a token from the connection's bucket.
func (c *client) allow() bool {
	now := time.Now()
	c.tokens = min(msgsBurst, c.tokens+now.Sub(c.last).Seconds()*msgsPerSecond)
	c.last = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// hello handles the first message: the protocol version and the join
// code. It reports false when the connection must close.
func (c *client) hello(m wire.Message) bool {
	h, ok := m.(*wire.Hello)
	if !ok {
		c.refuse(0, wire.ErrHelloFirst, "the first message must be hello (protocol and join code)")
		return true
	}
	if h.Protocol < wire.ProtocolMin || h.Protocol > wire.Protocol {
		c.refuse(0, wire.ErrProtocol, protocolMismatch(h.Protocol))
		c.close(&wire.Bye{Code: wire.ByeProtocol, Message: protocolMismatch(h.Protocol)})
		return false
	}
	r, code, err := c.srv.join(h.Code)
	if err != nil {
		c.refuseJoin(err)
		return false
	}
	c.role, c.org, c.code = code.Role, code.Org, code.ID
	c.log = c.log.With("exercise", code.Exercise, "role", code.Role, "org", code.Org)
	// The participant is recorded here, not in the room's loop: the
	// catalogue syncs each record, and people who join at once (a room
	// arriving, everyone reconnecting after a restart) share a sync
	// rather than stall the tick one after the other.
	p, err := c.srv.store.AddPerson(code, c.srv.now())
	if errors.Is(err, store.ErrCodeRevoked) {
		c.refuseJoin(err)
		return false
	}
	if err != nil {
		c.log.Error("catalogue: add person", "err", err)
		c.refuse(0, wire.ErrServer, "the server could not record the participant: "+err.Error())
		return false
	}
	c.person = p.ID
	if err := r.enter(c, h); err != nil {
		// Refused at the room's door (the code was revoked, the exercise
		// failed or stopped since the reader looked): whoever was not let
		// in is no participant.
		if rerr := c.srv.store.RemovePerson(p.ID); rerr != nil {
			c.log.Error("catalogue: a refused join stays listed", "person", p.ID, "err", rerr)
		}
		c.person = ""
		c.refuseJoin(err)
		return false
	}
	c.room = r
	c.log.Info("joined", "person", c.person, "client", h.Client)
	return true
}

// refuseJoin answers a hello that opens nothing: the reason, then bye.
func (c *client) refuseJoin(err error) {
	c.log.Info("join refused", "err", err)
	c.refuse(0, wire.ErrCode, err.Error())
	c.close(&wire.Bye{Code: wire.ByeCode, Message: err.Error()})
}

func protocolMismatch(v int) string {
	return "this server speaks protocol " + strconv.Itoa(wire.ProtocolMin) + " to " + strconv.Itoa(wire.Protocol) +
		", the client speaks " + strconv.Itoa(v) + ": use a client of the same cyberex version as the server (the browser client at the server's address always is)"
}

// close stops the writer: it sends bye (if any) in its close message. The
// first call counts.
func (c *client) close(bye *wire.Bye) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	if bye != nil {
		c.bye.Store(bye)
	}
	close(c.send)
}

// writePump writes the queued messages and the pings. It is the only
// writer of the connection.
func (c *client) writePump() {
	ping := time.NewTicker(pingPeriod)
	defer func() {
		ping.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case b, ok := <-c.send:
			if !ok {
				c.goodbye()
				return
			}
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
				return
			}
			c.queued.Add(-int64(len(b)))
			c.srv.metrics.messagesOut.Inc()
			c.srv.metrics.bytesOut.Add(float64(len(b)))
		case <-ping.C:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}

// goodbye sends the bye message and the close frame, and gives the client
// a moment to read them.
func (c *client) goodbye() {
	bye := c.bye.Load()
	closeCode, text := websocket.CloseNormalClosure, ""
	if bye != nil {
		if b, err := wire.Encode(bye); err == nil {
			c.conn.SetWriteDeadline(time.Now().Add(closeGrace))
			c.conn.WriteMessage(websocket.TextMessage, b)
		}
		text = bye.Code
		if bye.Code == wire.ByeShutdown {
			closeCode = websocket.CloseGoingAway
		} else if bye.Code != wire.ByeArchived {
			closeCode = websocket.ClosePolicyViolation
		}
	}
	c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeCode, text), time.Now().Add(closeGrace))
	select {
	case <-c.done:
	case <-time.After(closeGrace):
	}
}

// isClosed says whether the client's queue is closed (it was dropped or
// its reader stopped).
func (c *client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
