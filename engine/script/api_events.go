package script

import (
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"cyberex/engine"
)

// Events.
//
//	on(kind, fn)          call fn(ev) for every event of kind ("*": all)
//	handler:cancel()      stop it
//	emit(kind, fields)    a custom event "script.NAME" (tests can expect it)
//	log(...)              a line to the run's log: an event "log" that only
//	                      controllers see (print does the same)

// customKindRE is the form of the events scripts emit: "script." and an id.
var customKindRE = regexp.MustCompile(`^script\.[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)

func (d *Director) eventFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"on":   d.luaOn,
		"emit": d.luaEmit,
		"log":  d.s.luaPrint,
	}
}

// checkKind accepts an engine event kind, "*" (with allowAny) or a custom
// "script." kind; anything else is an error naming the closest kind.
func checkKind(L *lua.LState, kind string, allowAny bool) {
	if kind == "*" && allowAny {
		return
	}
	for _, k := range engine.EventKinds {
		if k == kind {
			return
		}
	}
	if customKindRE.MatchString(kind) {
		return
	}
	if c := closest(kind, engine.EventKinds); c != "" {
		L.RaiseError("unknown event kind %q; did you mean %q?", kind, c)
	}
	L.RaiseError("unknown event kind %q: want an engine kind (%s), \"*\", or script.NAME for events scripts emit", kind, strings.Join(engine.EventKinds, ", "))
}

func (d *Director) luaOn(L *lua.LState) int {
	kind := checkString(L, 1, "on: the event kind")
	checkKind(L, kind, true)
	fn := checkLuaFunction(L, 2, "on")
	// An on() handler runs as the story, seeing every event and the whole
	// world: registered from a team's handler it would be a way round the
	// team's view.
	d.storyOnly(L, "on", "on() handlers are the story's (they see every event); a team reacts in its on_event")
	if len(d.handlers) >= HandlersMax {
		L.RaiseError("more than %d event handlers (HandlersMax)", HandlersMax)
	}
	d.s.charge(L, 4)
	d.seq++
	h := &handler{id: d.seq, kind: kind, fn: fn}
	d.handlers = append(d.handlers, h)
	if kind == "*" {
		d.anyKind = append(d.anyKind, h)
	} else {
		d.byKind[kind] = append(d.byKind[kind], h)
	}
	tb := L.CreateTable(0, 2)
	tb.RawSetString("id", lua.LNumber(h.id))
	tb.RawSetString("kind", lua.LString(kind))
	L.SetMetatable(tb, d.handlerMeta)
	L.Push(tb)
	return 1
}

func (d *Director) handlerMethods() map[string]lua.LGFunction {
	find := func(L *lua.LState, what string) (int, *handler) {
		id := handleID(L, what)
		for i, h := range d.handlers {
			if h.id == id {
				return i, h
			}
		}
		return -1, nil
	}
	return map[string]lua.LGFunction{
		"cancel": func(L *lua.LState) int {
			i, h := find(L, "cancel")
			if h != nil {
				h.cancelled = true
				d.handlers = append(d.handlers[:i], d.handlers[i+1:]...)
				d.anyKind = without(d.anyKind, h)
				if list := without(d.byKind[h.kind], h); len(list) > 0 {
					d.byKind[h.kind] = list
				} else {
					delete(d.byKind, h.kind)
				}
			}
			L.Push(lua.LBool(h != nil))
			return 1
		},
		"active": func(L *lua.LState) int {
			_, h := find(L, "active")
			L.Push(lua.LBool(h != nil))
			return 1
		},
	}
}

// without is list less h, as a new slice (a delivery in progress keeps
// the old one).
func without(list []*handler, h *handler) []*handler {
	for i, x := range list {
		if x == h {
			out := make([]*handler, 0, len(list)-1)
			out = append(out, list[:i]...)
			return append(out, list[i+1:]...)
		}
	}
	return list
}

func (d *Director) luaEmit(L *lua.LState) int {
	kind := checkString(L, 1, "emit: the event kind")
	if !customKindRE.MatchString(kind) {
		L.RaiseError("emit(%q): scripts emit kinds named script.NAME (letters, digits, '.', '-', '_'); engine kinds are the engine's", kind)
	}
	ev := engine.Event{Kind: kind}
	if L.Get(2) != lua.LNil {
		f := L.CheckTable(2)
		checkFields(L, f, "emit", "org", "public", "subject", "text", "value", "visible")
		ev.Org = fieldString(L, f, "org", "emit", "")
		if ev.Org != "" {
			d.orgIndex(L, ev.Org, "emit: org")
		}
		ev.Subject = fieldString(L, f, "subject", "emit", "")
		ev.Text = fieldString(L, f, "text", "emit", "")
		ev.Value = fieldWhole(L, f, "value", "emit", -(1 << 53), 1<<53, 0)
		ev.Public = fieldBool(L, f, "public", "emit", false)
		if v := f.RawGetString("visible"); v != lua.LNil {
			ev.Visible = d.orgList(L, v, "emit: visible")
		}
	}
	d.changing(L, "emit")
	d.s.charge(L, bytesCost(len(ev.Text)+len(ev.Subject)))
	d.w.Emit(ev)
	return 0
}

// eventTable is what handlers receive: {tick, kind, org, subject, text,
// value, command, public, fields = {name = value}} and, for the story's
// handlers (withVisible), visible = {org ids}.
func (d *Director) eventTable(L *lua.LState, ev *engine.Event, withVisible bool) *lua.LTable {
	tb := L.CreateTable(0, 9)
	tb.RawSetString("tick", lua.LNumber(ev.Tick))
	tb.RawSetString("kind", lua.LString(ev.Kind))
	if ev.Org != "" {
		tb.RawSetString("org", lua.LString(ev.Org))
	}
	if ev.Subject != "" {
		tb.RawSetString("subject", lua.LString(ev.Subject))
	}
	tb.RawSetString("text", lua.LString(ev.Text))
	tb.RawSetString("value", lua.LNumber(ev.Value))
	if ev.Command != 0 {
		tb.RawSetString("command", lua.LNumber(ev.Command))
	}
	tb.RawSetString("public", lua.LBool(ev.Public))
	if withVisible {
		vis := L.CreateTable(len(ev.Visible), 0)
		for _, o := range ev.Visible {
			if o >= 0 && int(o) < len(d.w.Orgs) {
				vis.Append(lua.LString(d.w.Orgs[o].ID))
			}
		}
		tb.RawSetString("visible", vis)
	}
	if len(ev.Fields) > 0 {
		ft := L.CreateTable(0, len(ev.Fields))
		for _, f := range ev.Fields {
			ft.RawSetString(f.Key, lua.LString(f.Value))
		}
		tb.RawSetString("fields", ft)
	}
	return tb
}

// teamEventTable is the event as a team's on_event receives it: its own
// table (what one team's handler writes into it no other team reads),
// without visible: who else saw an event is not the team's to know (a
// report's receivers are in its payload, ev.fields.to). Reading
// ev.visible is an error that says so.
func (d *Director) teamEventTable(L *lua.LState, t *team, ev *engine.Event) *lua.LTable {
	tb := d.eventTable(L, ev, false)
	if t.evMeta == nil {
		org := t.org
		t.evMeta = L.CreateTable(0, 1)
		t.evMeta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			if k, ok := L.Get(2).(lua.LString); ok && k == "visible" {
				d.hidden(L, "on_event", org, "who else saw an event is not its to know, ev.visible is the story's (a report's receivers: ev.fields.to)")
			}
			L.Push(lua.LNil)
			return 1
		}))
	}
	L.SetMetatable(tb, t.evMeta)
	return tb
}
