package script

import (
	lua "github.com/yuin/gopher-lua"
)

// The instruction budget bounds what a script can do in one tick, but not
// what it keeps across ticks: a playbook that stores a MiB per tick fills
// the machine in an hour of game time. gopher-lua keeps no count of its
// objects, so the state walks everything the script can still reach
// (globals, the registry, loaded modules, the stacks of every coroutine,
// closure upvalues, metatables, and whatever the host holds for the
// script: handlers, timers, team policies) and counts it. The count
// depends only on what the script holds, so the stop is deterministic.
//
// Walking costs time proportional to what the script holds, so the walk
// runs only when what was allocated since the last one could have crossed
// a limit (accounting.go): the forked gopher-lua counts every table and
// stack slot it allocates, and every string a script builds is charged to
// the instruction budget by its length, so that "live at the last walk plus
// allocated since" bounds what is live now.

// Footprint is what a script holds.
type Footprint struct {
	// TableEntries counts slots: the array part of every reachable table
	// (nils inside it included: t[1000] = 1 on an empty table takes 1,000),
	// its hash keys, and the value stacks of reachable coroutines. It is
	// what the tables cost, whatever they hold.
	TableEntries int
	// StringBytes is the bytes of the distinct reachable strings: a string
	// stored in many places is counted once.
	StringBytes int
	// Coroutines counts reachable coroutines, tasks included.
	Coroutines int
}

type footprintWalker struct {
	fp       Footprint
	stop     int // stop walking past this many slots: the limit is exceeded anyway
	tables   map[*lua.LTable]bool
	funcs    map[*lua.LFunction]bool
	threads  map[*lua.LState]bool
	userdata map[*lua.LUserData]bool
	strs     map[lua.StringKey]bool // strings by identity: two values share one when one was copied from the other
	lastStr  lua.StringKey          // the string counted last (in strs)
	pending  []lua.LValue
	visit    func(lua.LValue)
}

// walkHint is how many tables, functions, userdata and strings the last
// footprint walk found.
type walkHint struct{ tables, funcs, userdata, strs int }

// Footprint measures what the script holds now.
func (s *State) Footprint() Footprint {
	return s.footprint(int(^uint(0) >> 1))
}

func (s *State) footprint(stop int) Footprint {
	// The sets start at the sizes the last walk ended with: a story's
	// footprint changes little between walks, and growing a map while
	// walking was a good part of a walk's cost.
	h := &s.walkHint
	w := &footprintWalker{
		stop:     stop,
		tables:   make(map[*lua.LTable]bool, h.tables),
		funcs:    make(map[*lua.LFunction]bool, h.funcs),
		threads:  map[*lua.LState]bool{},
		userdata: make(map[*lua.LUserData]bool, h.userdata),
		strs:     make(map[lua.StringKey]bool, h.strs),
	}
	w.visit = w.value
	w.value(s.ls.G.Global)
	w.value(s.ls.G.Registry)
	w.value(s.ls.GetMetatable(lua.LString("")))
	// map-order: only sums come out of the walk.
	for _, v := range s.modules {
		w.value(v)
	}
	w.threads[s.ls] = true // the main thread is not a coroutine
	w.pending = append(w.pending, s.ls)
	if cur := s.ls.G.CurrentThread; cur != nil {
		w.value(cur)
	}
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
	if s.hostRoots != nil {
		s.hostRoots(w.visit)
	}
	for len(w.pending) > 0 && w.fp.TableEntries <= w.stop {
		v := w.pending[len(w.pending)-1]
		w.pending = w.pending[:len(w.pending)-1]
		w.expand(v)
	}
	*h = walkHint{tables: len(w.tables), funcs: len(w.funcs), userdata: len(w.userdata), strs: len(w.strs)}
	return w.fp
}

// value counts v and queues what it refers to.
func (w *footprintWalker) value(v lua.LValue) {
	switch v := v.(type) {
	case lua.LString:
		if len(v) == 0 {
			return
		}
		// A table often holds one string many times in a row (an array
		// of hosts repeated per action): the last one counted is skipped
		// without hashing it again.
		id := lua.KeyOf(v)
		if id == w.lastStr {
			return
		}
		w.lastStr = id
		if !w.strs[id] {
			w.strs[id] = true
			w.fp.StringBytes += len(v)
		}
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
		w.fp.TableEntries += v.Slots()
		v.VisitRefs(w.visit)
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
		if v.IsClosed() {
			return
		}
		w.fp.TableEntries += v.StackSlots()
		v.VisitStack(w.visit)
		if v.Parent != nil {
			w.value(v.Parent)
		}
	case *lua.LUserData:
		w.value(v.Metatable)
		if v.Env != nil {
			w.value(v.Env)
		}
	}
}
