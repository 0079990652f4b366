// Package link connects the client to the exercise server over a
// websocket (github.com/coder/websocket: the browser's own WebSocket under
// js/wasm, a native connection on the desktop) and speaks package wire.
//
// One goroutine owns the connection: it dials, says hello, reads the
// server's messages into a queue, writes what the player sent, and dials
// again after a drop (saying which tick it had, so nothing is missed or
// doubled). Pump, called on the game's goroutine once a frame, applies
// the queued messages to the model: the model is never touched from two
// goroutines.
package link

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"cyberex/client/model"
	"cyberex/wire"
)

// Limits and timings of the connection, as named constants.
const (
	// inQueueMax bounds messages read but not yet applied (a frame takes
	// them all, so this is only reached while the window is stalled).
	inQueueMax = 4096
	// outQueueMax bounds messages waiting to be written.
	outQueueMax = 256
	// readBytesMax bounds one message from the server: a full view of a
	// large organisation is the biggest.
	readBytesMax = 256 << 20
	// dialTimeout bounds one attempt to connect.
	dialTimeout = 10 * time.Second
	// writeTimeout bounds one write.
	writeTimeout = 10 * time.Second
	// retryMin and retryMax bound the wait between reconnections.
	retryMin = 500 * time.Millisecond
	retryMax = 10 * time.Second
)

// ClientName is how the client introduces itself in hello.
const ClientName = "cyberex-client"

// Link is the client's connection to one exercise.
type Link struct {
	url, code string

	mu    sync.Mutex
	in    []event
	since int32              // the last tick the model holds, for a reconnect's hello
	drop  context.CancelFunc // ends the current connection

	// waitView (the game's goroutine only): after a resync, what the old
	// connection still delivers is skipped until a fresh view arrives.
	waitView bool

	out    chan []byte
	cancel context.CancelFunc
	done   chan struct{}
}

// event is one thing for Pump to apply: a server message, or a change of
// the connection's state.
type event struct {
	msg  wire.Message
	conn model.Conn
	err  string // the connection failed for good (a refused code)
}

// Dial starts connecting to the server at url (ws:// or wss://, with the
// websocket path) with a join code; it returns at once.
func Dial(url, code string) *Link {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Link{url: url, code: code, out: make(chan []byte, outQueueMax), cancel: cancel, done: make(chan struct{})}
	go l.run(ctx)
	return l
}

// Close ends the connection.
func (l *Link) Close() {
	l.cancel()
	<-l.done
}

func (l *Link) push(e event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.in) >= inQueueMax {
		// The game has stopped taking messages; a fresh view on the
		// next connection repairs whatever is dropped here.
		l.in = l.in[:0]
		l.in = append(l.in, event{conn: model.Disconnected})
	}
	l.in = append(l.in, e)
}

// errFatal ends the link: reconnecting cannot help (a wrong code, an
// unknown protocol, an exercise archived).
type errFatal struct{ msg string }

func (e errFatal) Error() string { return e.msg }

func (l *Link) run(ctx context.Context) {
	defer close(l.done)
	wait := retryMin
	for {
		l.push(event{conn: model.Connecting})
		start := time.Now()
		err := l.session(ctx)
		if ctx.Err() != nil {
			return
		}
		var fatal errFatal
		if errors.As(err, &fatal) {
			l.push(event{conn: model.Disconnected, err: fatal.msg})
			return
		}
		l.push(event{conn: model.Disconnected})
		if time.Since(start) > retryMax {
			wait = retryMin // it had been up a while: retry soon
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, retryMax)
	}
}

// session is one connection: hello, then read and write until it drops.
func (l *Link) session(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	c, _, err := websocket.Dial(dctx, l.url, nil)
	cancel()
	if err != nil {
		return fmt.Errorf("dial %s: %w", l.url, err)
	}
	defer c.CloseNow()
	c.SetReadLimit(readBytesMax)
	l.mu.Lock()
	since := l.since
	l.mu.Unlock()
	hello, err := wire.Encode(wire.Hello{Protocol: wire.Protocol, Code: l.code, Client: ClientName, Since: since})
	if err != nil {
		return err
	}
	if err := write(ctx, c, hello); err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	l.mu.Lock()
	l.drop = stop
	l.mu.Unlock()
	go func() {
		for {
			select {
			case <-sctx.Done():
				return
			case b := <-l.out:
				if err := write(sctx, c, b); err != nil {
					c.CloseNow()
					return
				}
			}
		}
	}()
	for {
		_, b, err := c.Read(sctx)
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		m, err := wire.DecodeServer(b)
		if err != nil {
			// A message this client cannot read: a newer server. Say so
			// rather than misread the exercise.
			return errFatal{fmt.Sprintf("the server sent a message this client cannot read (%v): update the client", err)}
		}
		switch x := m.(type) {
		case *wire.Error:
			if x.Code == wire.ErrCode || x.Code == wire.ErrProtocol {
				return errFatal{x.Message}
			}
		case *wire.Bye:
			l.push(event{msg: m})
			if !x.Reconnect {
				return errFatal{x.Message}
			}
			return errors.New(x.Message)
		}
		l.push(event{msg: m})
	}
}

func write(ctx context.Context, c *websocket.Conn, b []byte) error {
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return c.Write(wctx, websocket.MessageText, b)
}

// Send queues what the player did for the server. A message that cannot
// be queued (the connection is down and the queue full) is answered
// locally as refused, where it was sent.
func (l *Link) Send(o model.Out) {
	msg := Encode(o)
	b, err := wire.Encode(msg)
	if err == nil {
		select {
		case l.out <- b:
			return
		default:
			err = errors.New("not connected: try again")
		}
	}
	l.push(event{msg: &wire.Error{Ref: o.Ref, Code: wire.ErrServer, Message: err.Error()}})
}

// Encode turns what the model sent into a wire message.
func Encode(o model.Out) wire.Message {
	switch o.Kind {
	case model.OutControl:
		c := wire.Control{Ref: o.Ref, Action: o.Verb, Org: o.Target}
		if n, err := strconv.Atoi(o.Args["ticks"]); err == nil {
			c.Ticks = int32(n)
		}
		if n, err := strconv.ParseInt(o.Args["ms_per_tick"], 10, 64); err == nil {
			c.MillisPerTick = n
		}
		if o.Verb == wire.ControlInject {
			c.Org = ""
			var to []string
			for _, s := range strings.Split(o.Args["to"], ",") {
				if s = strings.TrimSpace(s); s != "" {
					to = append(to, s)
				}
			}
			c.Inject = &wire.Inject{To: to, From: o.Args["from"], Subject: o.Args["subject"], Body: o.Args["body"], Expect: o.Args["expect"]}
		}
		return c
	case model.OutChat:
		return wire.Chat{Ref: o.Ref, To: o.Target, Text: o.Text}
	case model.OutNote:
		return wire.Note{Ref: o.Ref, Text: o.Text}
	case model.OutWhatIf:
		w := wire.WhatIf{Ref: o.Ref, Action: o.Verb, Name: o.Args["name"], Keep: o.Args["keep"] == "true"}
		if n, err := strconv.ParseInt(o.Args["tick"], 10, 32); err == nil {
			w.Tick = int32(n)
		}
		if n, err := strconv.ParseInt(o.Args["until"], 10, 32); err == nil {
			w.Until = int32(n)
		}
		for _, c := range o.Commands {
			w.Commands = append(w.Commands, wire.BranchCommand{Tick: c.Tick, Org: c.Org, Verb: c.Verb, Target: c.Target, Args: c.Args})
		}
		return w
	}
	return wire.Command{Ref: o.Ref, Verb: o.Verb, Target: o.Target, Args: o.Args}
}

// Pump applies what arrived to the model. Call it on the goroutine that
// owns the model (the game's Update).
func (l *Link) Pump(m *model.Model) {
	l.mu.Lock()
	evs := l.in
	l.in = nil
	l.mu.Unlock()
	for _, e := range evs {
		if e.msg == nil {
			m.Conn = e.conn
			if e.err != "" {
				m.JoinError = e.err
			}
			continue
		}
		if _, isView := e.msg.(*wire.View); l.waitView && !isView {
			continue
		}
		l.waitView = false
		if resync := Apply(m, e.msg); resync {
			// The delta did not fit (one was lost): connect again for a
			// fresh view rather than show a wrong one.
			l.mu.Lock()
			l.since = 0
			if l.drop != nil {
				l.drop()
			}
			l.mu.Unlock()
			l.waitView = true
			continue
		}
	}
	if m.View != nil {
		l.mu.Lock()
		l.since = m.LiveTick() // not a past tick the white cell looks at
		l.mu.Unlock()
	}
}
