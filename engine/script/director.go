package script

import (
	"container/heap"
	"errors"
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"

	"cyberex/engine"
)

// The Director is the scenario's story in a world: it implements
// engine.Director on top of a State. The scenario's scripts run once when
// the world is made (tick 0: they register handlers, timers, playbooks and
// team policies; the world cannot be changed yet), then every Step calls
// Tick after the engine's own mechanisms, which runs, in this order:
//
//  1. the events of the tick so far (and the previous tick's objective
//     judgments, which come after the story) to on() handlers and to the
//     scripted teams that may see them;
//  2. requests sent to scripted teams, to their policy's on_request;
//  3. timers due (at, after, every), by due tick then creation;
//  4. playbooks (tasks), in creation order;
//  5. the on_tick of every scripted team, in registration order;
//  6. the checks of script objectives.
//
// After each phase the events its actions emitted are delivered too, in
// rounds (the events of round n+1 are those round n emitted), at most
// EventRoundsMax rounds: handlers that keep answering each other's events
// are a bug, and the run fails saying so.
//
// Everything the director keeps is ordered by creation (slices, a heap
// ordered by due tick and sequence number); maps are used for lookups
// only. So the same world and scripts give the same calls in the same
// order, and the world the same hash.
//
// Failure: the first error (a script error, a limit) fails the director
// for good: Tick returns it, and every later Tick returns it again. What
// the scripts did before the error stays done: each API call is one whole
// engine operation, so the world is consistent, as after any tick of a
// journal replay. A Lua state cannot be repaired or saved, so a live
// exercise resumes by building a new world and director from the fixed
// scenario and replaying the journal's commands (see docs/scripting.md).
type Director struct {
	s    *State
	w    *engine.World
	opts DirectorOptions

	loading bool  // running the scenario's files (tick 0)
	err     error // the failure, once there is one
	seq     int64 // ids of handlers and timers, in creation order

	handlers   []*handler            // every live on() handler, in creation order
	byKind     map[string][]*handler // lookup: handlers of one kind, in creation order
	anyKind    []*handler            // on("*")
	timers     timerHeap
	timerByID  map[int64]*timer // lookup for cancel
	teams      []*team          // in registration order
	teamOf     map[int32]*team  // lookup by organisation
	checks     []*objCheck      // script objectives, in registration order
	offered    []bool           // by request index: shown to its team's on_request
	reqFrom    int              // requests before this index need no look
	curTeam    int32            // organisation whose handler runs now, or engine.None
	delivered  int              // index in the tick's events of the next to deliver
	vars       map[string]lua.LValue
	validTechs [4]string // the ATT&CK techniques last found valid, latest first (see technique)

	// Metatables and methods shared by every handle (campaignMeta: the
	// metamethods each campaign handle's own metatable copies).
	campaignMeta, timerMeta, handlerMeta, playbookMeta, jurMeta *lua.LTable
	campaignMethods                                             map[string]lua.LValue
	campaignHandles                                             []*lua.LTable // by campaign index
	handleCampaign                                              map[*lua.LTable]int32

	// tickFn runs the phases of a tick inside the protected entry (made
	// once: a closure a tick was an allocation on every scripted tick);
	// tickErr is what they returned.
	tickFn  func()
	tickErr error
}

// DirectorOptions configure a Director.
type DirectorOptions struct {
	Program *Program // compiled scenario and library (Compile); required
	Limits  Limits   // zero fields take DefaultLimits
	// Scripts are the files run at load, in order: paths in the scenario's
	// folder, or in the library.
	Scripts []string
	// Vars are the values var(name) reads (the scenario's vars with any
	// overrides): strings, whole numbers (int, int64), float64 or bool.
	Vars map[string]any
	// Log receives every line scripts log or print, besides the log
	// event; nil discards.
	Log func(line string)
}

// Bounds of the director, each a named constant with its unit last.
const (
	// EventRoundsMax bounds the rounds of events delivered after one
	// phase of a tick: handlers whose actions emit events that their
	// handlers answer with more actions stop here with an error.
	EventRoundsMax = 16
	// HandlersMax bounds live on() handlers.
	HandlersMax = 100_000
	// TimersMax bounds pending timers.
	TimersMax = 100_000
	// TeamsMax bounds team policies (one per organisation at most).
	TeamsMax = 10_000
)

type handler struct {
	id        int64
	kind      string
	fn        *lua.LFunction
	cancelled bool
}

type timer struct {
	id        int64
	due       int64
	every     int64 // 0 for at and after
	fn        *lua.LFunction
	team      int32 // organisation whose policy made it, or engine.None
	cancelled bool
	handle    *lua.LTable
}

type team struct {
	org                        int32
	name                       string
	onRequest, onEvent, onTick *lua.LFunction
	// evMeta makes its event tables raise on ev.visible (made once).
	evMeta *lua.LTable
}

type objCheck struct {
	obj int32
	fn  *lua.LFunction
}

// timerHeap orders timers by due tick, then creation.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].due != h[j].due {
		return h[i].due < h[j].due
	}
	return h[i].id < h[j].id
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// fixFirst restores the heap after the first timer's due tick grew: what
// heap.Fix(&h, 0) does, step for step (the same layout after), without an
// interface call per comparison — a repeating timer is fixed every tick.
func (h timerHeap) fixFirst() {
	i, n := 0, len(h)
	for {
		j := 2*i + 1
		if j >= n {
			return
		}
		if j2 := j + 1; j2 < n && h.Less(j2, j) {
			j = j2
		}
		if !h.Less(j, i) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}
func (h *timerHeap) Push(x any) { *h = append(*h, x.(*timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// NewDirector makes the story of world w, which must be initialised and at
// tick 0: it instantiates the program with the world's script stream as
// math.random's source, registers the API and runs opts.Scripts. An error
// is an *Error when a script failed.
func NewDirector(w *engine.World, opts DirectorOptions) (*Director, error) {
	if w == nil {
		return nil, errors.New("script: NewDirector needs a world")
	}
	if w.Tick != 0 {
		return nil, fmt.Errorf("script: NewDirector needs a world at tick 0, this one is at tick %d (a director is rebuilt by replaying from tick 0)", w.Tick)
	}
	d := &Director{
		w:         w,
		opts:      opts,
		byKind:    map[string][]*handler{},
		timerByID: map[int64]*timer{},
		teamOf:    map[int32]*team{},
		curTeam:   engine.None,
	}
	log := func(line string) { d.logLine(line) }
	st, err := New(Options{Program: opts.Program, Limits: opts.Limits, Rand: w.Rand(), Log: log, TickSeconds: w.Settings.TickSeconds})
	if err != nil {
		return nil, err
	}
	d.s = st
	st.hostRoots = d.roots
	if err := st.SetTick(int64(w.Tick)); err != nil {
		st.Close()
		return nil, err
	}
	d.vars = map[string]lua.LValue{}
	// map-order: a map copied into a map: no order survives.
	for k, v := range opts.Vars {
		d.vars[k] = luaValueOf(v)
	}
	if err := st.ls.GPCall(func(L *lua.LState) int { d.register(L); return 0 }, lua.LNil); err != nil {
		st.Close()
		return nil, fmt.Errorf("script: registering the API: %w", err)
	}
	d.loading = true
	for _, f := range opts.Scripts {
		if err := st.Run(f); err != nil {
			st.Close()
			return nil, err
		}
	}
	d.loading = false
	return d, nil
}

// roots visits every Lua value the director keeps outside the Lua state:
// what scripts reach through handlers, timers and team policies (closures
// and their upvalues) counts against the Live* limits like the rest.
func (d *Director) roots(visit func(lua.LValue)) {
	for _, h := range d.handlers {
		if !h.cancelled {
			visit(h.fn)
		}
	}
	for _, t := range d.timers {
		if !t.cancelled {
			visit(t.fn)
			visit(t.handle)
		}
	}
	for _, t := range d.teams {
		visit(t.onRequest)
		visit(t.onEvent)
		visit(t.onTick)
	}
	for _, c := range d.checks {
		visit(c.fn)
	}
	for _, h := range d.campaignHandles {
		visit(h)
	}
	for _, mt := range []*lua.LTable{d.campaignMeta, d.timerMeta, d.handlerMeta, d.playbookMeta, d.jurMeta} {
		visit(mt)
	}
}

// luaValueOf converts a scenario var.
func luaValueOf(v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case string:
		return lua.LString(v)
	case bool:
		return lua.LBool(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case uint64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	}
	return lua.LString(fmt.Sprint(v))
}

// Err is the error that failed the director, or nil.
func (d *Director) Err() error { return d.err }

// State is the Lua state the director runs (for tests and measurements).
func (d *Director) State() *State { return d.s }

// Close releases the Lua state. Tick fails afterwards.
func (d *Director) Close() { d.s.Close() }

// Tick runs the story for the world's current tick (engine.Director).
func (d *Director) Tick(w *engine.World) error {
	if d.err != nil {
		return d.err
	}
	if w != d.w {
		return errors.New("script: a director runs the world it was made for only")
	}
	if d.idle() {
		return nil // nothing would run: skip entering Lua (most ticks of most stories)
	}
	if err := d.s.SetTick(int64(w.Tick)); err != nil {
		d.err = err
		return err
	}
	d.delivered = 0
	if d.tickFn == nil {
		d.tickFn = func() { d.tickErr = d.tick(d.s.ls) }
	}
	d.tickErr = nil
	err := d.s.protect(d.tickFn)
	d.s.sched.compact(d.s.taskThreads)
	d.curTeam = engine.None
	if err == nil {
		err = d.tickErr
	}
	if err != nil {
		d.err = err
	}
	return err
}

// idle says whether no phase of this tick would call Lua: no event
// anyone listens to, no request to offer, no timer or playbook due, no
// team's on_tick, no objective check. Skipping such a tick changes
// nothing, and saves entering Lua.
func (d *Director) idle() bool {
	now := int64(d.w.Tick)
	if len(d.checks) > 0 || (len(d.timers) > 0 && d.timers[0].due <= now) {
		return false
	}
	for _, t := range d.teams {
		if t.onTick != nil && d.scripted(t.org) {
			return false
		}
	}
	for _, t := range d.s.sched.tasks {
		if !t.done && t.wakeAt <= now {
			return false
		}
	}
	for _, evs := range [][]engine.Event{d.w.LateEvents(), d.w.TickEvents()} {
		for i := range evs {
			if d.listens(&evs[i]) {
				return false
			}
		}
	}
	rs := d.w.Requests
	for i := d.reqFrom; i < len(rs); i++ {
		if (i >= len(d.offered) || !d.offered[i]) && rs[i].Status == engine.ReqPending {
			if t := d.teamOf[rs[i].To]; t != nil && t.onRequest != nil && d.scripted(rs[i].To) {
				return false
			}
		}
	}
	return true
}

// listens says whether a handler or a scripted team would receive ev.
func (d *Director) listens(ev *engine.Event) bool {
	if len(d.anyKind) > 0 || len(d.byKind[ev.Kind]) > 0 {
		return true
	}
	for _, t := range d.teams {
		if t.onEvent != nil && d.scripted(t.org) && ev.VisibleTo(t.org) {
			return true
		}
	}
	return false
}

// tick runs the phases. A Lua error raised by a handler unwinds through
// here to the protected call in Tick; task errors come back as values.
func (d *Director) tick(L *lua.LState) error {
	for _, ev := range d.w.LateEvents() {
		d.deliver(L, ev)
	}
	d.drain(L)
	if d.reqFrom < len(d.w.Requests) {
		d.offerRequests(L)
	}
	d.drain(L)
	d.runTimers(L)
	d.drain(L)
	if len(d.s.sched.tasks) > 0 {
		if err := d.s.runTasks(L); err != nil {
			return err
		}
	}
	d.drain(L)
	for _, t := range d.teams {
		if t.onTick != nil && d.scripted(t.org) {
			d.callAs0(L, t.org, t.onTick)
		}
	}
	d.drain(L)
	if len(d.checks) > 0 {
		d.runChecks(L)
	}
	d.drain(L)
	return nil
}

// callAsN calls fn(args...) on behalf of an organisation (engine.None: the
// story), leaving nret results on the stack for the caller to take: act()
// inside it acts for that organisation.
func (d *Director) callAsN(L *lua.LState, org int32, fn *lua.LFunction, nret int, args ...lua.LValue) {
	d.s.charge(L, 1) // the call itself, even if fn does nothing
	saved := d.curTeam
	d.curTeam = org
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), nret)
	d.curTeam = saved
}

// callAs0 is callAsN keeping no result (timers, handlers, on_tick: what
// they return is not read).
func (d *Director) callAs0(L *lua.LState, org int32, fn *lua.LFunction, args ...lua.LValue) {
	d.callAsN(L, org, fn, 0, args...)
}

// callAs is callAsN keeping one result.
func (d *Director) callAs(L *lua.LState, org int32, fn *lua.LFunction, args ...lua.LValue) lua.LValue {
	d.callAsN(L, org, fn, 1, args...)
	ret := L.Get(-1)
	L.Pop(1)
	return ret
}

// callAs2 is callAsN keeping two results.
func (d *Director) callAs2(L *lua.LState, org int32, fn *lua.LFunction, args ...lua.LValue) (lua.LValue, lua.LValue) {
	d.callAsN(L, org, fn, 2, args...)
	r1, r2 := L.Get(-2), L.Get(-1)
	L.Pop(2)
	return r1, r2
}

// drain delivers the events emitted since the last delivery, round after
// round. It runs after every phase of every scripted tick, mostly with
// nothing to deliver: that check is small enough to be inlined.
func (d *Director) drain(L *lua.LState) {
	if d.delivered < len(d.w.TickEvents()) {
		d.drainRounds(L)
	}
}

func (d *Director) drainRounds(L *lua.LState) {
	for round := 0; ; round++ {
		evs := d.w.TickEvents()
		if d.delivered >= len(evs) {
			return
		}
		if round >= EventRoundsMax {
			last := evs[len(evs)-1]
			var at *lua.LFunction
			if hs := d.byKind[last.Kind]; len(hs) > 0 {
				at = hs[0].fn
			} else if len(d.anyKind) > 0 {
				at = d.anyKind[0].fn
			}
			raiseAt(L, at, "event handlers kept acting on each other's events for %d rounds in one tick (EventRoundsMax): does a handler react to the events its own actions cause? (last event: %s %s)",
				EventRoundsMax, last.Kind, last.Subject)
		}
		end := len(evs)
		for i := d.delivered; i < end; i++ {
			d.deliver(L, evs[i]) // a copy: handlers may grow the slice
		}
		d.delivered = end
	}
}

// deliver gives one event to the on() handlers of its kind and of "*", in
// creation order, then to the on_event of every scripted team that may
// see it (fog of war), in registration order.
func (d *Director) deliver(L *lua.LState, ev engine.Event) {
	specific, all := d.byKind[ev.Kind], d.anyKind
	var tb *lua.LTable
	table := func() *lua.LTable {
		if tb == nil {
			tb = d.eventTable(L, &ev, true)
		}
		return tb
	}
	// Merge the two lists by id (creation order). Their lengths are taken
	// now: a handler registered while this event is delivered waits for
	// the next one.
	i, j, ni, nj := 0, 0, len(specific), len(all)
	for i < ni || j < nj {
		var h *handler
		if j >= nj || (i < ni && specific[i].id < all[j].id) {
			h = specific[i]
			i++
		} else {
			h = all[j]
			j++
		}
		if h.cancelled {
			continue
		}
		d.callAs0(L, engine.None, h.fn, table())
	}
	for _, t := range d.teams {
		if t.onEvent == nil || !d.scripted(t.org) || !ev.VisibleTo(t.org) {
			continue
		}
		d.callAs0(L, t.org, t.onEvent, d.teamEventTable(L, t, &ev))
	}
}

// offerRequests shows every pending request sent to a scripted
// organisation with a policy to its on_request, once, in the order the
// requests were sent. A request to a team played by people is shown when
// (if ever) the team becomes scripted while it is still pending.
func (d *Director) offerRequests(L *lua.LState) {
	rs := d.w.Requests
	for len(d.offered) < len(rs) {
		d.offered = append(d.offered, false)
	}
	for d.reqFrom < len(rs) && (d.offered[d.reqFrom] || rs[d.reqFrom].Status != engine.ReqPending) {
		d.reqFrom++
	}
	for i := d.reqFrom; i < len(d.w.Requests); i++ {
		r := &d.w.Requests[i]
		if d.offered[i] || r.Status != engine.ReqPending {
			continue
		}
		t := d.teamOf[r.To]
		if t == nil || t.onRequest == nil || !d.scripted(r.To) {
			continue
		}
		d.offered[i] = true
		n := r.ID
		decision, reason := d.callAs2(L, t.org, t.onRequest, d.requestTable(L, r))
		d.applyDecision(L, t, n, decision, reason)
	}
}

// applyDecision carries out what on_request returned.
func (d *Director) applyDecision(L *lua.LState, t *team, n int32, decision, reason lua.LValue) {
	var accept bool
	switch decision {
	case lua.LNil:
		return // the built-in policy decides at the due tick, or a later answer()
	case lua.LString("hold"):
		if err := d.w.HoldRequest(n); err != nil {
			raiseAt(L, t.onRequest, "on_request of %s: %v", d.w.Orgs[t.org].ID, err)
		}
		return // the policy answers later with answer()
	case lua.LString("accept"), lua.LTrue:
		accept = true
	case lua.LString("refuse"), lua.LFalse:
	default:
		raiseAt(L, t.onRequest, "on_request of %s returned %s: want \"accept\", \"refuse\", \"hold\" (answer later with answer()) or nil (the built-in policy answers at the due tick)", d.w.Orgs[t.org].ID, describeValue(decision))
	}
	why := ""
	if s, ok := reason.(lua.LString); ok {
		why = string(s)
	}
	if err := d.w.AnswerRequest(n, accept, why); err != nil {
		raiseAt(L, t.onRequest, "on_request of %s: %v", d.w.Orgs[t.org].ID, err)
	}
}

// runTimers calls the timers due by this tick, by due tick then creation.
// A timer added for this tick while they run runs in this tick too.
func (d *Director) runTimers(L *lua.LState) {
	now := int64(d.w.Tick)
	for len(d.timers) > 0 && d.timers[0].due <= now {
		t := d.timers[0]
		switch {
		case t.cancelled:
			heap.Pop(&d.timers)
			delete(d.timerByID, t.id)
			continue
		case t.every > 0:
			// Moved down in place: (due, id) orders timers totally, so the
			// order they fire in is the one a pop and a push would give.
			t.due = now + t.every
			d.timers.fixFirst()
		default:
			heap.Pop(&d.timers)
			t.cancelled = true // done: cancel() is now a no-op
			delete(d.timerByID, t.id)
		}
		if t.team != engine.None && !d.scripted(t.team) {
			continue // the team is played by people now
		}
		d.callAs0(L, t.team, t.fn, t.handle)
	}
}

// runChecks asks each script objective still pending for its status.
func (d *Director) runChecks(L *lua.LState) {
	for _, c := range d.checks {
		o := &d.w.Objectives[c.obj]
		if o.Status != engine.ObjPending {
			continue
		}
		v := d.callAs(L, engine.None, c.fn, lua.LString(o.ID))
		switch v {
		case lua.LNil, lua.LString("pending"):
		case lua.LString("met"):
			d.w.SetObjective(c.obj, engine.ObjMet)
		case lua.LString("failed"):
			d.w.SetObjective(c.obj, engine.ObjFailed)
		default:
			raiseAt(L, c.fn, "the check of objective %s returned %s: want \"met\", \"failed\" or nil", o.ID, describeValue(v))
		}
	}
}

// raiseAt raises an error about what a Lua function did (returned),
// pointing at where the function is defined.
func raiseAt(L *lua.LState, fn *lua.LFunction, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if fn != nil && !fn.IsG && fn.Proto != nil {
		msg = fmt.Sprintf("%s:%d: %s", fn.Proto.SourceName, fn.Proto.LineDefined, msg)
	}
	L.Error(lua.LString(msg), 0)
}

// scripted says whether an organisation is played by its policy now.
func (d *Director) scripted(org int32) bool {
	return org >= 0 && int(org) < len(d.w.Orgs) && d.w.Orgs[org].Scripted
}

// teamFor is the organisation a call from L acts for: the team of the
// playbook L is, or of the handler running now.
func (d *Director) teamFor(L *lua.LState) int32 {
	if t := d.s.sched.current; t != nil && t.th == L {
		return t.team
	}
	return d.curTeam
}

// changing refuses a change of the world while the scenario's files load:
// the world must be the scenario's at tick 0 (the journal's first hash),
// and events emitted then would reach nobody.
func (d *Director) changing(L *lua.LState, what string) {
	if d.loading {
		L.RaiseError("%s: the story is loading (tick 0) and cannot change the world yet; do it from at(1, fn), a playbook (spawn) or a handler", what)
	}
}

// logLine receives print and log lines.
func (d *Director) logLine(line string) {
	if d.opts.Log != nil {
		d.opts.Log(line)
	}
	if d.s == nil {
		return
	}
	// Lines logged while loading are events of tick 0: runners pass them on
	// before the first Step (headless.Run), so `run --log` shows them.
	pos := d.s.position()
	subject := ""
	if pos.file != "" {
		subject = fmt.Sprintf("%s:%d", pos.file, pos.line)
	}
	d.w.Emit(engine.Event{Kind: engine.EvLog, Subject: subject, Text: line, Fields: []engine.Arg{{Key: "source", Value: "script"}}})
}

// apiFuncs are the globals the director adds to the sandbox's.
func (d *Director) apiFuncs() map[string]lua.LGFunction {
	all := map[string]lua.LGFunction{}
	for _, group := range []map[string]lua.LGFunction{d.timeFuncs(), d.eventFuncs(), d.worldFuncs(), d.campaignFuncs(), d.teamFuncs()} {
		// map-order: merged into a map; a duplicate panics whatever the order.
		for name, fn := range group {
			if _, dup := all[name]; dup {
				panic("script: API global registered twice: " + name)
			}
			all[name] = fn
		}
	}
	return all
}

// APIGlobals lists, sorted, the globals a director registers besides the
// sandbox's standard ones (spawn, wait and wait_until included): what
// scripts/types/cyberex.lua annotates.
func APIGlobals() []string {
	d := &Director{s: &State{}}
	names := []string{"wait", "wait_until"}
	// map-order: the names are sorted below.
	for name := range d.apiFuncs() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// register adds the API to the globals, in sorted order, and builds the
// metatables of handles.
func (d *Director) register(L *lua.LState) {
	setFuncsSorted(L, L.G.Global, d.apiFuncs())
	methods := func(funcs map[string]lua.LGFunction) *lua.LTable {
		meta := L.NewTable()
		idx := L.NewTable()
		setFuncsSorted(L, idx, funcs)
		meta.RawSetString("__index", idx)
		return meta
	}
	d.timerMeta = methods(d.timerMethods())
	d.handlerMeta = methods(d.handlerMethods())
	d.playbookMeta = methods(d.playbookMethods())
	d.jurMeta = methods(d.jurisdictionMethods())
	d.campaignMethods = functions(L, d.campaignMethodFuncs())
	d.campaignMeta = L.NewTable()
	setFuncsSorted(L, d.campaignMeta, map[string]lua.LGFunction{
		"__newindex": func(L *lua.LState) int {
			L.RaiseError("a campaign handle is read-only: change a campaign through its methods (c:spread{...}, c:task(...))")
			return 0
		},
		"__tostring": func(L *lua.LState) int {
			id, _ := L.CheckTable(1).RawGetString("id").(lua.LString)
			L.Push(lua.LString("campaign " + string(id)))
			return 1
		},
	})
}
