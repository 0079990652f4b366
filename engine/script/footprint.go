package script

import (
	lua "github.com/yuin/gopher-lua"
)

// The instruction budget bounds what a script can allocate in one tick, but
// not what it keeps across ticks: a playbook that stores a MiB per tick
// fills the machine in an hour of game time. gopher-lua keeps no count of
// its objects, so between ticks the state walks everything the script can
// still reach (globals, loaded modules, the registry, task stacks, closure
// upvalues, metatables) and counts it. The count depends only on what the
// script holds, so the stop is deterministic; what the walk cannot see
// (unreachable garbage, Go's own overhead) is the heap crash stop's job.

// Footprint is what a script holds between ticks.
type Footprint struct {
	TableEntries int // live entries over all reachable tables
	StringBytes  int // bytes of reachable strings, once per place holding them
	Coroutines   int // reachable coroutines, tasks included
}

type footprintWalker struct {
	fp       Footprint
	stop     int // stop walking past this many table entries: the limit is exceeded anyway
	tables   map[*lua.LTable]bool
	funcs    map[*lua.LFunction]bool
	threads  map[*lua.LState]bool
	userdata map[*lua.LUserData]bool
	pending  []lua.LValue
	levels   int // stack levels to look at per coroutine
}

// Footprint measures what the script holds now.
func (s *State) Footprint() Footprint {
	return s.footprint(int(^uint(0) >> 1))
}

func (s *State) footprint(stop int) Footprint {
	w := &footprintWalker{
		stop:     stop,
		tables:   map[*lua.LTable]bool{},
		funcs:    map[*lua.LFunction]bool{},
		threads:  map[*lua.LState]bool{},
		userdata: map[*lua.LUserData]bool{},
		levels:   s.limits.CallStackDepthMax + 8,
	}
	w.value(s.ls.G.Global)
	w.value(s.ls.G.Registry)
	w.value(s.ls.GetMetatable(lua.LString("")))
	// map-order: only sums come out of the walk.
	for _, v := range s.modules {
		w.value(v)
	}
	w.thread(s.ls)
	for _, t := range s.sched.tasks {
		if t.done {
			continue
		}
		w.value(t.th)
		w.value(t.fn)
		w.value(t.until)
		for _, a := range t.args {
			w.value(a)
		}
	}
	for len(w.pending) > 0 && w.fp.TableEntries <= w.stop {
		v := w.pending[len(w.pending)-1]
		w.pending = w.pending[:len(w.pending)-1]
		w.expand(v)
	}
	return w.fp
}

// value counts v and queues what it refers to.
func (w *footprintWalker) value(v lua.LValue) {
	switch v := v.(type) {
	case lua.LString:
		w.fp.StringBytes += len(v)
	case *lua.LTable:
		if v != nil && !w.tables[v] {
			w.tables[v] = true
			w.pending = append(w.pending, v)
		}
	case *lua.LFunction:
		if v != nil && !w.funcs[v] {
			w.funcs[v] = true
			w.pending = append(w.pending, v)
		}
	case *lua.LState:
		if v != nil && !w.threads[v] {
			w.threads[v] = true
			w.fp.Coroutines++
			w.pending = append(w.pending, v)
		}
	case *lua.LUserData:
		if v != nil && !w.userdata[v] {
			w.userdata[v] = true
			w.pending = append(w.pending, v)
		}
	}
}

func (w *footprintWalker) expand(v lua.LValue) {
	switch v := v.(type) {
	case *lua.LTable:
		forEachEntry(v, func(key, val lua.LValue) {
			w.fp.TableEntries++
			w.value(key)
			w.value(val)
		})
		w.value(v.Metatable)
	case *lua.LFunction:
		for _, up := range v.Upvalues {
			if up != nil {
				w.value(up.Value())
			}
		}
		if v.Env != nil {
			w.value(v.Env)
		}
	case *lua.LState:
		w.thread(v)
	case *lua.LUserData:
		w.value(v.Metatable)
		if v.Env != nil {
			w.value(v.Env)
		}
	}
}

// thread counts the functions and locals on a coroutine's stack.
func (w *footprintWalker) thread(th *lua.LState) {
	if th.IsClosed() {
		return
	}
	for level := 0; level < w.levels; level++ {
		dbg, ok := th.GetStack(level)
		if !ok {
			return
		}
		if fn, err := th.GetInfo("f", dbg, lua.LNil); err == nil {
			w.value(fn)
		}
		for n := 1; n <= 256; n++ {
			name, v := th.GetLocal(dbg, n)
			if name == "" {
				break
			}
			w.value(v)
		}
	}
}

// checkFootprint enforces the Live* limits; the walk gives up once the
// entries are far past their limit, which then is the one reported, so
// the result does not depend on the walk's order.
func (s *State) checkFootprint() *Error {
	l := &s.limits
	fp := s.footprint(4 * l.LiveTableEntriesMax)
	for _, c := range []struct {
		limit     string
		have, max int
		what      string
	}{
		{"LiveTableEntriesMax", fp.TableEntries, l.LiveTableEntriesMax, "table entries"},
		{"LiveStringBytesMax", fp.StringBytes, l.LiveStringBytesMax, "bytes of strings"},
		{"LiveCoroutinesMax", fp.Coroutines, l.LiveCoroutinesMax, "coroutines"},
	} {
		if c.have > c.max {
			return &Error{Tick: s.tick, Kind: KindLimit, Limit: c.limit,
				Msg: limitMsg(c.limit, "scripts hold more than %d %s", c.max, c.what)}
		}
	}
	return nil
}
