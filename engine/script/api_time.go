package script

import (
	"container/heap"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Time: the tick, the exercise clock, and timers.
//
//	tick()              the current tick (0 while the story loads)
//	clock([tick])       the exercise clock as "2026-03-02T08:00:00Z"
//	time([tick])        the exercise clock in seconds since 1970
//	ticks(d)            ticks in a duration ("90m", "6h", "3d", "10t", 120)
//	at(tick, fn)        call fn(timer) at that tick
//	after(d, fn)        call fn(timer) d ticks from now (d >= 1)
//	every(d, fn)        call fn(timer) every d ticks from now (d >= 1)
//	timer:cancel()      stop it; timer:active() says whether it will fire again

func (d *Director) timeFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"tick":  d.luaTick,
		"clock": d.luaClock,
		"time":  d.luaTime,
		"ticks": d.luaTicks,
		"at":    d.luaAt,
		"after": d.luaAfter,
		"every": d.luaEvery,
	}
}

func (d *Director) luaTick(L *lua.LState) int {
	L.Push(lua.LNumber(d.w.Tick))
	return 1
}

// clockAt is the exercise clock at a tick (argument 1, default now), in
// seconds since 1970: integer arithmetic from the scenario's start.
func (d *Director) clockAt(L *lua.LState) int64 {
	tick := int64(d.w.Tick)
	if L.Get(1) != lua.LNil {
		tick = checkWhole(L, 1, "tick", 0, durationTicksMax)
	}
	return d.w.Settings.StartUnix + tick*int64(d.w.Settings.TickSeconds)
}

func (d *Director) luaClock(L *lua.LState) int {
	// time.Unix(...).UTC() is calendar arithmetic on integers; no clock
	// of the machine is read.
	L.Push(lua.LString(time.Unix(d.clockAt(L), 0).UTC().Format("2006-01-02T15:04:05Z")))
	return 1
}

func (d *Director) luaTime(L *lua.LState) int {
	L.Push(lua.LNumber(d.clockAt(L)))
	return 1
}

func (d *Director) luaTicks(L *lua.LState) int {
	L.Push(lua.LNumber(d.s.checkTicks(L, 1, "ticks")))
	return 1
}

func (d *Director) luaAt(L *lua.LState) int {
	tick := d.s.checkTicks(L, 1, "at")
	fn := checkLuaFunction(L, 2, "at")
	now := int64(d.w.Tick)
	if tick < 1 || tick < now {
		L.RaiseError("at(%d): the tick must be at least 1 and not past (now %d)", tick, now)
	}
	L.Push(d.addTimer(L, tick, 0, fn))
	return 1
}

func (d *Director) luaAfter(L *lua.LState) int {
	n := d.s.checkTicks(L, 1, "after")
	fn := checkLuaFunction(L, 2, "after")
	if n < 1 {
		L.RaiseError("after: at least 1 tick")
	}
	L.Push(d.addTimer(L, int64(d.w.Tick)+n, 0, fn))
	return 1
}

func (d *Director) luaEvery(L *lua.LState) int {
	n := d.s.checkTicks(L, 1, "every")
	fn := checkLuaFunction(L, 2, "every")
	if n < 1 {
		L.RaiseError("every: at least 1 tick")
	}
	L.Push(d.addTimer(L, int64(d.w.Tick)+n, n, fn))
	return 1
}

func (d *Director) addTimer(L *lua.LState, due, every int64, fn *lua.LFunction) *lua.LTable {
	if len(d.timerByID) >= TimersMax {
		L.RaiseError("more than %d timers pending (TimersMax)", TimersMax)
	}
	d.s.charge(L, 4)
	d.seq++
	h := L.CreateTable(0, 1)
	h.RawSetString("id", lua.LNumber(d.seq))
	L.SetMetatable(h, d.timerMeta)
	t := &timer{id: d.seq, due: due, every: every, fn: fn, team: d.teamFor(L), handle: h}
	heap.Push(&d.timers, t)
	d.timerByID[t.id] = t
	return h
}

// handleID reads the id of a handle (argument 1, the self of a method).
func handleID(L *lua.LState, what string) int64 {
	tb, ok := L.Get(1).(*lua.LTable)
	if !ok {
		L.RaiseError("%s: call it as a method, h:%s()", what, what)
	}
	id, ok := wholeNumber(tb.RawGetString("id"), 1, 1<<53)
	if !ok {
		L.RaiseError("%s: not a handle", what)
	}
	return id
}

func (d *Director) timerMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"cancel": func(L *lua.LState) int {
			id := handleID(L, "cancel")
			t := d.timerByID[id]
			if t != nil {
				t.cancelled = true
				delete(d.timerByID, id)
			}
			L.Push(lua.LBool(t != nil))
			return 1
		},
		"active": func(L *lua.LState) int {
			_, ok := d.timerByID[handleID(L, "active")]
			L.Push(lua.LBool(ok))
			return 1
		},
	}
}
