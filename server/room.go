package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"cyberex/engine"
	"cyberex/journal"
	"cyberex/session"
	"cyberex/store"
	"cyberex/wire"
)

// Room limits.
const (
	// inboxLen bounds the messages waiting for a room's loop; a reader
	// whose room is that far behind waits (its client's TCP window fills).
	inboxLen = 4096
	// drainMax bounds the messages taken in one group commit.
	drainMax = 4096
	// teamCommandsPerSecond and teamCommandsBurst bound the commands of
	// one organisation, however many people share it.
	teamCommandsPerSecond = 50
	teamCommandsBurst     = 100
	// defaultMillisPerTick is the pace until the white cell sets one.
	defaultMillisPerTick = 1000
)

// room runs one exercise. Its loop goroutine owns the session (which is
// single-goroutine by contract), the clock and the clients' membership;
// everything else talks to it through in.
type room struct {
	srv  *Server
	ex   store.Exercise
	log  *slog.Logger
	info roomInfo
	in   chan any
	quit chan struct{}  // closed to stop the loop
	done chan struct{}  // closed when the loop has stopped
	jobs sync.WaitGroup // what-if goroutines (whatif.go); stop waits for them

	// Owned by the loop.
	sess     *session.Session
	file     io.Closer // the journal's file when the session does not own it
	state    string
	failure  string
	moveLeft int32
	clients  map[*client]struct{}
	aud      map[string]*audience // by organisation; "" is the whole world
	batch    []submission
	waiting  map[int64]submission // acknowledged, waiting for their tick's verdict
	teamRate map[string]*bucket
	apiErr   *wire.Error     // the last refusal of an HTTP API call
	asking   bool            // a what-if question is being answered (whatif.go)
	cursor   *session.Cursor // the last look back's replay; the what-if goroutine's only
	next     time.Time       // when the next tick is due while the clock runs
	lastTick time.Time       // when the last tick ended
}

// roomInfo is what the room's creator knows and never changes.
type roomInfo struct {
	scenario    string
	dir         string // the scenario's folder: scripts' errors are named relative to it
	tickSeconds int32
	startUnix   int64
	orgs        []string // every organisation a team may play
}

// audience is the clients who see one view: one organisation's team, or
// the whole world (white cell and observers). The view is kept so that
// each tick's delta is computed once and encoded once for all of them.
type audience struct {
	org     string
	clients map[*client]struct{}
	view    *engine.View
	// encoded is the View message of view for a client joining fresh,
	// kept until the next tick changes the view.
	encoded []byte
}

// submission is a client's message turned into a command, waiting to be
// journaled (batch) or for its tick (waiting).
type submission struct {
	c      *client
	ref    int64
	cmd    engine.Command
	sender string
	chat   *wire.Chat
}

type bucket struct {
	tokens float64
	last   time.Time
}

func (b *bucket) take(now time.Time, perSecond, burst float64) bool {
	if b.last.IsZero() {
		b.tokens = burst
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*perSecond)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Messages to the loop.
type (
	joinMsg struct {
		c     *client
		hello *wire.Hello
		ok    chan error // nil once welcomed, else why not
	}
	leaveMsg  struct{ c *client }
	clientMsg struct {
		c *client
		m wire.Message
	}
	// callMsg runs f in the loop (the HTTP API's reads and acts).
	callMsg struct {
		f    func()
		done chan struct{}
	}
)

func newRoom(srv *Server, ex store.Exercise, sess *session.Session, src session.Source, started bool) *room {
	w := sess.World()
	r := &room{srv: srv, ex: ex, sess: sess, log: srv.log.With("exercise", ex.ID),
		in: make(chan any, inboxLen), quit: make(chan struct{}), done: make(chan struct{}),
		clients: map[*client]struct{}{}, aud: map[string]*audience{}, waiting: map[int64]submission{},
		teamRate: map[string]*bucket{}, state: wire.StateWaiting}
	r.info = roomInfo{scenario: src.Name, dir: src.Dir, tickSeconds: w.Settings.TickSeconds, startUnix: w.Settings.StartUnix}
	for i := range w.Orgs {
		if w.Orgs[i].Kind != engine.OrgAdversary {
			r.info.orgs = append(r.info.orgs, w.Orgs[i].ID)
		}
	}
	if started || sess.Tick() > 0 {
		r.state = wire.StatePaused
	}
	if sess.Done() {
		r.state = wire.StateEnded
	}
	return r
}

// errNotServed refuses a join whose exercise stopped since its code was
// looked up.
var errNotServed = errors.New("the exercise is no longer served")

// enter joins a client (from its reader): the room sends welcome and the
// view. It says why when the room does not let the client in.
func (r *room) enter(c *client, h *wire.Hello) error {
	ok := make(chan error, 1)
	select {
	case r.in <- joinMsg{c, h, ok}:
	case <-r.done:
		return errNotServed
	}
	select {
	case err := <-ok:
		return err
	case <-r.done:
		// The loop answers before it stops: a join it welcomed is one.
		select {
		case err := <-ok:
			return err
		default:
			return errNotServed
		}
	}
}

// leave tells the room a client's reader stopped.
func (r *room) leave(c *client) {
	select {
	case r.in <- leaveMsg{c}:
	case <-r.done:
		c.close(nil)
	}
}

// post hands a client's message to the loop; false when the room stopped.
func (r *room) post(c *client, m wire.Message) bool {
	select {
	case r.in <- clientMsg{c, m}:
		return true
	case <-r.done:
		return false
	}
}

// call runs f in the loop and waits for it; false when the room stopped.
func (r *room) call(f func()) bool {
	done := make(chan struct{})
	select {
	case r.in <- callMsg{f, done}:
	case <-r.done:
		return false
	}
	select {
	case <-done:
		return true
	case <-r.done:
		return false
	}
}

// stop ends the loop and waits for it.
func (r *room) stop() {
	select {
	case <-r.quit:
	default:
		close(r.quit)
	}
	<-r.done
	r.jobs.Wait() // a what-if still replaying writes in the exercise's folder
	if r.cursor != nil {
		r.cursor.Close()
		r.cursor = nil
	}
}

// run is the room's loop.
func (r *room) run() {
	defer close(r.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var tick <-chan time.Time
		if r.clockRuns() {
			d := time.Until(r.next)
			if d < 0 {
				d = 0
			}
			timer.Reset(d)
			tick = timer.C
		}
		select {
		case m := <-r.in:
			r.handle(m)
			for i := 0; i < drainMax; i++ {
				select {
				case m := <-r.in:
					r.handle(m)
					continue
				default:
				}
				break
			}
			r.flush()
		case <-tick:
			r.flush()
			r.step()
			r.next = r.next.Add(r.pace())
			if now := time.Now(); r.next.Before(now) {
				r.next = now // behind: do not race to catch up
			}
		case <-r.quit:
			timer.Stop()
			r.shutdown()
			return
		}
		if tick != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

func (r *room) clockRuns() bool {
	if r.state == wire.StateRunning {
		return true
	}
	return r.state == wire.StatePaused && r.moveLeft > 0
}

func (r *room) pace() time.Duration {
	ms := r.sess.Control().MillisPerTick
	if ms <= 0 {
		ms = defaultMillisPerTick
	}
	return time.Duration(ms) * time.Millisecond
}

func (r *room) handle(m any) {
	switch m := m.(type) {
	case joinMsg:
		m.ok <- r.join(m.c, m.hello)
	case leaveMsg:
		r.drop(m.c, nil)
	case clientMsg:
		if _, ok := r.clients[m.c]; ok {
			r.message(m.c, m.m)
		}
	case callMsg:
		m.f()
		close(m.done)
	}
}

// join welcomes a client: welcome, then its view (and the events it
// missed since the tick it had), then live deltas from the next tick.
// It says why when it lets the client in no more.
func (r *room) join(c *client, h *wire.Hello) error {
	if r.state == wire.StateFailed {
		return fmt.Errorf("the exercise stopped on a server error and takes nobody in: %s", r.failure)
	}
	code, err := r.srv.store.LookUpCode(h.Code) // revoked since the reader looked?
	if err != nil {
		if !errors.Is(err, store.ErrCodeRevoked) && !errors.Is(err, store.ErrCodeUnknown) {
			r.log.Error("catalogue: look up a join code", "err", err)
			return fmt.Errorf("the server could not check the join code: %w", err)
		}
		return err
	}
	if code.ID != c.code {
		return store.ErrCodeUnknown
	}
	key := ""
	if c.role == wire.RoleTeam {
		key = c.org
	}
	a := r.aud[key]
	if a == nil {
		a = &audience{org: key, clients: map[*client]struct{}{}}
		r.aud[key] = a
	}
	if a.view == nil {
		a.view = r.newView(key)
	}
	a.clients[c] = struct{}{}
	r.clients[c] = struct{}{}
	w := r.sess.World()
	r.sendTo(c, &wire.Welcome{Protocol: wire.Protocol, Server: r.srv.version, Exercise: r.ex.ID, Title: r.ex.Title,
		Scenario: r.info.scenario, Role: c.role, Org: c.org, Person: c.person, TickSeconds: r.info.tickSeconds,
		StartUnix: r.info.startUnix, Verbs: verbSpecs(w), Status: r.status(c.role != wire.RoleTeam)})
	if b, err := r.viewMessage(a, h.Since); err != nil {
		r.log.Error("encode view", "org", key, "err", err)
	} else {
		r.sendBytes(c, b)
	}
	r.teamsChanged()
	return nil
}

// drop forgets a client and closes its connection (with bye, if given).
func (r *room) drop(c *client, bye *wire.Bye) {
	if _, ok := r.clients[c]; !ok {
		c.close(bye)
		return
	}
	delete(r.clients, c)
	key := ""
	if c.role == wire.RoleTeam {
		key = c.org
	}
	if a := r.aud[key]; a != nil {
		delete(a.clients, c)
		if len(a.clients) == 0 {
			delete(r.aud, key) // nobody watches: stop computing its deltas
		}
	}
	c.close(bye)
	r.teamsChanged()
}

// sendTo queues a message for one client; a client whose queue is full
// (by messages or bytes) is dropped (it reconnects and gets a fresh view).
func (r *room) sendTo(c *client, m wire.Message) {
	b, err := wire.Encode(m)
	if err != nil {
		r.log.Error("encode", "type", m.Type(), "err", err)
		return
	}
	r.sendBytes(c, b)
}

func (r *room) sendBytes(c *client, b []byte) {
	err := c.queue(b)
	var full *queueFull
	switch {
	case err == nil:
	case errors.As(err, &full):
		r.srv.metrics.queueDrops.Inc()
		c.log.Info("send queue full: slow client dropped", "messages", full.messages, "bytes", full.bytes,
			"max_messages", sendQueueLen, "max_bytes", sendQueueBytes)
		r.drop(c, &wire.Bye{Code: wire.ByeSlow, Message: "the client read too slowly and fell behind (" + full.Error() +
			"); reconnect to get a fresh view", Reconnect: true})
	default:
		r.drop(c, nil) // closing already: its reader's leave is on the way
	}
}

// broadcast sends a message to every client, or only to those that see
// the whole world.
func (r *room) broadcast(m wire.Message, wholeWorldOnly bool) {
	b, err := wire.Encode(m)
	if err != nil {
		r.log.Error("encode", "type", m.Type(), "err", err)
		return
	}
	for c := range r.clients {
		if wholeWorldOnly && c.role == wire.RoleTeam {
			continue
		}
		r.sendBytes(c, b)
	}
}

// status is where the exercise stands; with teams for the white cell and
// observers.
func (r *room) status(withTeams bool) wire.Status {
	s := wire.Status{Tick: r.sess.Tick(), State: r.state, MillisPerTick: r.pace().Milliseconds(), MoveLeft: r.moveLeft, Error: r.failure}
	if withTeams {
		if st := r.sess.StoryStopped(); st != nil {
			s.Story = fmt.Sprintf("the story stopped at tick %d: %s", st.Tick, session.FailureText(r.info.dir, st.Err))
		}
		s.Teams = r.teams()
	}
	return s
}

func (r *room) teams() []wire.Team {
	w := r.sess.World()
	out := make([]wire.Team, 0, len(r.info.orgs))
	for _, id := range r.info.orgs {
		i, _ := w.OrgIndex(id)
		n := 0
		if a := r.aud[id]; a != nil {
			n = len(a.clients)
		}
		out = append(out, wire.Team{Org: id, People: int32(n), Scripted: w.Orgs[i].Scripted})
	}
	return out
}

// statusChanged tells everyone where the exercise stands now.
func (r *room) statusChanged() {
	r.broadcast(ptr(r.status(false)), false)
	r.teamsChanged()
}

// teamsChanged tells the white cell and observers who plays what.
func (r *room) teamsChanged() {
	r.broadcast(ptr(r.status(true)), true)
}

func ptr[T any](v T) *T { return &v }

// message handles what a joined client sent.
func (r *room) message(c *client, m wire.Message) {
	switch m := m.(type) {
	case *wire.Command:
		if c.role != wire.RoleTeam {
			r.refuse(c, m.Ref, wire.ErrForbidden, "only a team gives commands to the engine; the white cell uses control messages, observers write notes")
			return
		}
		r.submit(c, m.Ref, c.org, engine.Command{Org: c.org, Verb: m.Verb, Target: m.Target, Args: m.Args}, nil)
	case *wire.Chat:
		if c.role != wire.RoleTeam {
			r.refuse(c, m.Ref, wire.ErrForbidden, "chat is between teams; the white cell writes injects")
			return
		}
		r.submit(c, m.Ref, c.org, engine.Command{Org: c.org, Verb: "message", Target: m.To, Args: map[string]string{"text": m.Text}}, m)
	case *wire.Control:
		if c.role != wire.RoleController {
			r.refuse(c, m.Ref, wire.ErrForbidden, "only the white cell (controller) drives the exercise")
			return
		}
		if cmd, code, why := r.control(m); code != "" {
			r.refuse(c, m.Ref, code, why)
		} else {
			if m.Action == wire.ControlStart {
				r.startTeams(c)
			}
			r.submit(c, m.Ref, engine.ControlOrg, cmd, nil)
		}
	case *wire.WhatIf:
		if c.role != wire.RoleController {
			r.refuse(c, m.Ref, wire.ErrForbidden, "only the white cell (controller) looks back and forks what-if branches")
			return
		}
		r.whatIf(c, m)
	case *wire.Note:
		if c.role == wire.RoleTeam {
			r.refuse(c, m.Ref, wire.ErrForbidden, "notes are the evaluators' and the white cell's")
			return
		}
		r.note(c, m)
	default:
		r.refuse(c, 0, wire.ErrUnknownType, fmt.Sprintf("a client does not send %s", m.Type()))
	}
}

// refuse answers a refused message; without a client (the HTTP API) the
// refusal is remembered for the caller.
func (r *room) refuse(c *client, ref int64, code, msg string) {
	r.srv.metrics.rejections.WithLabelValues(code).Inc()
	if c == nil {
		r.apiErr = &wire.Error{Code: code, Message: msg}
		return
	}
	r.sendTo(c, &wire.Error{Ref: ref, Code: code, Message: msg})
}

// accepting says whether the exercise takes commands now, or why not.
func (r *room) accepting() (code, why string) {
	switch r.state {
	case wire.StateEnded:
		return wire.ErrEnded, fmt.Sprintf("the exercise ended at tick %d", r.sess.Tick())
	case wire.StateFailed:
		return wire.ErrServer, "the exercise stopped on a server error: " + r.failure
	}
	if r.sess.Done() {
		return wire.ErrEnded, fmt.Sprintf("the exercise ended at tick %d", r.sess.Tick())
	}
	return "", ""
}

// submit queues a command for the next group commit, from sender (an
// organisation, or engine.ControlOrg). c is the client to answer, nil for
// the HTTP API.
func (r *room) submit(c *client, ref int64, sender string, cmd engine.Command, chat *wire.Chat) {
	if code, why := r.accepting(); code != "" {
		r.refuse(c, ref, code, why)
		return
	}
	if sender != engine.ControlOrg {
		b := r.teamRate[sender]
		if b == nil {
			b = &bucket{}
			r.teamRate[sender] = b
		}
		if !b.take(time.Now(), teamCommandsPerSecond, teamCommandsBurst) {
			r.refuse(c, ref, wire.ErrRateLimited, fmt.Sprintf("%s sent too many commands: at most %d a second for the whole team", sender, teamCommandsPerSecond))
			return
		}
	}
	// The batch is flushed before the next tick is made: it is for that
	// tick.
	cmd.Sender, cmd.Tick = sender, r.sess.Tick()+1
	if err := journal.CheckCommand(&cmd); err != nil {
		r.refuse(c, ref, wire.ErrMalformed, err.Error())
		return
	}
	r.batch = append(r.batch, submission{c: c, ref: ref, cmd: cmd, sender: sender, chat: chat})
}

// flush is the group commit: the commands gathered since the last one,
// from every sender, are journaled with one sync, then acknowledged.
func (r *room) flush() {
	if len(r.batch) == 0 {
		return
	}
	batch := r.batch
	r.batch = nil
	start := time.Now()
	tick := r.sess.Tick() + 1
	paused := !r.clockRuns()
	cmds := make([]engine.Command, len(batch))
	for i := range batch {
		cmds[i] = batch[i].cmd
	}
	ids, err := r.sess.SubmitGroup(cmds)
	r.srv.metrics.syncSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		code := wire.ErrRejected
		if r.sess.Err() != nil {
			r.fail(err)
			code = wire.ErrServer
		}
		for _, s := range batch {
			r.refuse(s.c, s.ref, code, "not kept: "+err.Error())
		}
		return
	}
	r.srv.metrics.commands.Add(float64(len(ids)))
	controlled := false
	for i, s := range batch {
		s.cmd.ID = ids[i]
		r.waiting[ids[i]] = s
		if s.chat != nil {
			r.keepChat(s, tick)
		}
		if _, ok := r.clients[s.c]; ok && s.c != nil {
			r.sendTo(s.c, &wire.Ack{Ref: s.ref, ID: ids[i], Tick: tick, Paused: paused})
		}
		if s.sender == engine.ControlOrg {
			r.applyControl(&s.cmd)
			controlled = true
		}
	}
	if controlled {
		r.statusChanged()
	}
}

func (r *room) keepChat(s submission, tick int32) {
	_, err := r.srv.store.AddChat(store.Chat{Exercise: r.ex.ID, Tick: tick, Unix: r.srv.now().Unix(), Command: s.cmd.ID,
		From: s.cmd.Org, Author: s.c.person, To: s.chat.To, Text: s.chat.Text})
	if err != nil {
		r.log.Error("catalogue: keep chat", "err", err)
	}
}

// control turns a white cell's act into the engine's controller command.
// It returns an error code and text for what the engine would refuse at
// once, so the white cell learns it now rather than after the tick.
func (r *room) control(m *wire.Control) (cmd engine.Command, code, why string) {
	cmd = engine.Command{Org: engine.ControlOrg}
	switch m.Action {
	case wire.ControlStart:
		if r.state != wire.StateWaiting {
			return cmd, wire.ErrRejected, "the exercise has started already: resume it"
		}
		cmd.Verb = engine.ControlResume
	case wire.ControlPause:
		cmd.Verb = engine.ControlPause
	case wire.ControlResume:
		if r.state == wire.StateWaiting {
			return cmd, wire.ErrRejected, "the exercise has not started: start it"
		}
		cmd.Verb = engine.ControlResume
	case wire.ControlPace:
		cmd.Verb, cmd.Args = engine.ControlPace, map[string]string{"ms_per_tick": strconv.FormatInt(m.MillisPerTick, 10)}
	case wire.ControlAdvance:
		cmd.Verb, cmd.Args = engine.ControlAdvance, map[string]string{"ticks": strconv.Itoa(int(m.Ticks))}
	case wire.ControlScript, wire.ControlPeople:
		cmd.Verb, cmd.Target = engine.ControlScript, m.Org
		if m.Action == wire.ControlPeople {
			cmd.Verb = engine.ControlPeople
		}
	case wire.ControlInject:
		if m.Inject == nil {
			return cmd, wire.ErrMalformed, "inject: no inject given"
		}
		in := m.Inject
		cmd.Verb, cmd.Target = engine.ControlInject, in.ID
		cmd.Args = map[string]string{"to": strings.Join(in.To, ","), "subject": in.Subject}
		for k, v := range map[string]string{"from": in.From, "body": in.Body, "expect": in.Expect} {
			if v != "" {
				cmd.Args[k] = v
			}
		}
	case wire.ControlEnd:
		cmd.Verb = engine.ControlEnd
	}
	// Check what the engine would refuse at once, so the white cell learns
	// it now rather than from a rejected event after the tick.
	switch cmd.Verb {
	case engine.ControlPace:
		if _, err := engine.PaceMillis(&cmd); err != nil {
			return cmd, wire.ErrRejected, err.Error()
		}
	case engine.ControlAdvance:
		n, err := engine.AdvanceTicks(&cmd)
		if err != nil {
			return cmd, wire.ErrRejected, err.Error()
		}
		if n > 0 && r.state != wire.StatePaused {
			return cmd, wire.ErrRejected, "a move is played from a pause: pause first"
		}
	case engine.ControlScript, engine.ControlPeople:
		if !r.isTeam(cmd.Target) {
			return cmd, wire.ErrRejected, fmt.Sprintf("%q is not an organisation a team plays (one of %s)", cmd.Target, strings.Join(r.info.orgs, ", "))
		}
	}
	return cmd, "", ""
}

func (r *room) isTeam(org string) bool {
	for _, o := range r.info.orgs {
		if o == org {
			return true
		}
	}
	return false
}

// startTeams hands every team nobody joined to its script, and every
// scripted team people joined to them: an exercise runs with the teams
// that came. Each hand-over is a journaled controller command.
func (r *room) startTeams(c *client) {
	w := r.sess.World()
	for _, org := range r.info.orgs {
		i, _ := w.OrgIndex(org)
		a := r.aud[org]
		joined := a != nil && len(a.clients) > 0
		switch {
		case !joined && !w.Orgs[i].Scripted:
			r.submit(c, 0, engine.ControlOrg, engine.Command{Org: engine.ControlOrg, Verb: engine.ControlScript, Target: org}, nil)
		case joined && w.Orgs[i].Scripted:
			r.submit(c, 0, engine.ControlOrg, engine.Command{Org: engine.ControlOrg, Verb: engine.ControlPeople, Target: org}, nil)
		}
	}
}

// applyControl makes the room's clock follow a controller command just
// journaled: the journal holds every change of the clock.
func (r *room) applyControl(cmd *engine.Command) {
	switch cmd.Verb {
	case engine.ControlResume:
		if r.state == wire.StateWaiting || r.state == wire.StatePaused {
			r.state, r.moveLeft, r.next = wire.StateRunning, 0, time.Now()
		}
	case engine.ControlPause:
		if r.state == wire.StateRunning || r.state == wire.StatePaused {
			r.state, r.moveLeft = wire.StatePaused, 0
		}
	case engine.ControlAdvance:
		if n, err := engine.AdvanceTicks(cmd); err == nil && r.state == wire.StatePaused {
			r.moveLeft, r.next = int32(n), time.Now()
		}
	case engine.ControlEnd:
		// The world ends after the next tick: make it even when the clock
		// stands.
		if r.state == wire.StateWaiting || r.state == wire.StatePaused {
			r.state, r.moveLeft, r.next = wire.StatePaused, 1, time.Now()
		}
	}
}
