package script

import (
	"runtime"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// The coroutine library is wrapped for three reasons.
//
// The budget: every coroutine counts its instructions on the state's
// meter (the fork's NewThread gives a thread of a metered state the
// metered VM loop; TestHostileCoroutinesPayTheBudget checks it), and
// creating one is charged and counted here.
//
// Depth: each resume inside a resume is a Go stack level; a "coroutine
// bomb" that resumes ever deeper would overflow the Go stack, which no
// recover catches. Resumes nest at most CoroutineDepthMax deep.
//
// Yield across Go: gopher-lua cannot yield out of a Go function that called
// back into Lua (pcall, a metamethod, table.sort's comparator, gsub's
// callback); it resumes the wrong frame or crashes. Such a yield is an error
// here, as it is in Lua 5.1.

// coroutineCost is what creating a coroutine charges (it allocates a value
// stack and a call stack).
const coroutineCost = 64

// countCoroutine enforces CoroutinesPerTickMax and charges the creation.
func (s *State) countCoroutine(L *lua.LState) {
	if s.coCreated >= s.limits.CoroutinesPerTickMax {
		L.RaiseError("%s", limitMsg("CoroutinesPerTickMax", "more than %d coroutines created in one tick", s.limits.CoroutinesPerTickMax))
	}
	s.coCreated++
	s.charge(L, coroutineCost)
	// A coroutine's value stack starts at registrySlotsInitial slots.
	s.acct.coTotal++
	s.acct.meter.Slots += registrySlotsInitial
	if stop := s.budget.account(); stop != nil {
		L.RaiseError("%s", stop.msg)
	}
}

// newThread is a fresh coroutine under the budget, not yet started (for
// tasks, which L.Resume starts with their function).
func (s *State) newThread(L *lua.LState) *lua.LState {
	s.countCoroutine(L)
	th, _ := L.NewThread()
	return th
}

func (s *State) luaCoCreate(L *lua.LState) int {
	if L.CheckFunction(1).IsG {
		// gopher-lua dereferences nil when such a coroutine is resumed
		// twice; Lua code gains nothing from it.
		L.ArgError(1, "Lua function expected, got a builtin (a builtin cannot be a coroutine)")
	}
	s.countCoroutine(L)
	return s.orig.create(L)
}

func (s *State) luaCoResume(L *lua.LState) int {
	th := L.CheckThread(1)
	if s.taskThreads[th] {
		L.RaiseError("cannot resume a task: the scheduler resumes tasks")
	}
	s.enterCoroutine(L)
	defer s.leaveCoroutine()
	return s.caught(L, s.orig.resume(L))
}

func (s *State) enterCoroutine(L *lua.LState) {
	if s.coDepth >= s.limits.CoroutineDepthMax {
		L.RaiseError("%s", limitMsg("CoroutineDepthMax", "coroutines resumed more than %d deep", s.limits.CoroutineDepthMax))
	}
	s.coDepth++
}

func (s *State) leaveCoroutine() { s.coDepth-- }

func (s *State) luaCoYield(L *lua.LState) int {
	checkYieldable(L, "coroutine.yield")
	return s.orig.yield(L)
}

// luaCoWrap is coroutine.wrap over the wrapped create and resume: errors
// inside the coroutine propagate to the caller unchanged.
func (s *State) luaCoWrap(L *lua.LState) int {
	s.luaCoCreate(L)
	th := L.Get(-1).(*lua.LState)
	L.Pop(1)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if th.Dead {
			L.RaiseError("cannot resume dead coroutine")
		}
		L.Insert(th, 1)
		n := s.luaCoResume(L)
		top := L.GetTop()
		if L.Get(top-n+1) == lua.LFalse {
			L.Error(L.Get(top-n+2), 0)
		}
		return n - 1
	}))
	return 1
}

// checkYieldable refuses a yield that would cross a Go call. gopher-lua
// runs Lua called from Go (pcall, metamethods, generic-for iterators,
// callbacks of sort and gsub, tostring's __tostring) in a nested VM loop
// entered through LState.callR; a yield there returns into that Go code as
// if the function had returned (the metamethod yields nil, the iterator
// crashes). Such frames are invisible in the Lua stack, so the Go stack is
// read instead: between this call and the coroutine's threadRun there must
// be no callR. The Go stack's shape is the program's, so this is
// deterministic.
func checkYieldable(L *lua.LState, what string) {
	if L.Parent == nil {
		return // gopher-lua reports "can not yield from outside of a coroutine"
	}
	// Unwinding is the cost, so unwind a few frames first: the coroutine's
	// threadRun is usually the sixth.
	for size := 8; ; size *= 4 {
		pcs := make([]uintptr, size)
		n := runtime.Callers(2, pcs)
		for _, pc := range pcs[:n] {
			switch frameKindOf(pc) {
			case frameThreadRun:
				return
			case frameCallR:
				L.RaiseError("%s: attempt to yield across a Go call boundary (pcall, a metamethod, an iterator or a callback of sort or gsub)", what)
			}
		}
		if n < size {
			return
		}
	}
}

type frameKind uint8

const (
	frameOther frameKind = iota
	frameThreadRun
	frameCallR
)

// frameKinds caches frameKindOf: symbolising a PC costs about as much as a
// hundred VM instructions, and the PCs seen here are few.
var frameKinds sync.Map // uintptr → frameKind

// frameKindOf classifies the return address pc by the innermost function,
// inlined ones included, that checkYieldable cares about.
func frameKindOf(pc uintptr) frameKind {
	if k, ok := frameKinds.Load(pc); ok {
		return k.(frameKind)
	}
	kind := frameOther
	frames := runtime.CallersFrames([]uintptr{pc})
	for {
		f, more := frames.Next()
		if f.Function == gopherThreadRun {
			kind = frameThreadRun
			break
		}
		if f.Function == gopherCallR {
			kind = frameCallR
			break
		}
		if !more {
			break
		}
	}
	frameKinds.Store(pc, kind)
	return kind
}

// The gopher-lua functions checkYieldable looks for; TestYieldBoundaryNames
// fails if an upgrade renames them.
const (
	gopherThreadRun = "github.com/yuin/gopher-lua.threadRun"
	gopherCallR     = "github.com/yuin/gopher-lua.(*LState).callR"
)
