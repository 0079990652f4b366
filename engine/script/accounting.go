package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// accounting decides when the footprint must be walked. After a walk that
// found the footprint within the limits, the footprint can only grow by
// what is allocated afterwards:
//
//   - slots: the forked gopher-lua counts every table and value-stack slot
//     it allocates (Meter.Slots), and a new coroutine adds its initial
//     value stack (see countCoroutine);
//   - string bytes: strings are counted once per distinct string, and
//     every builtin that builds a string charges the budget at least one
//     instruction per bytesPerInstruction bytes, so the bytes built since
//     the walk are at most bytesPerInstruction × the instructions spent
//     (charges included) since then;
//   - coroutines: at most the coroutines created since then.
//
// So the walk runs again only when "footprint at the last walk + growth
// since" passes a limit, checked on the instruction counter's slow path.
// A story that holds a million entries and does little per tick never
// walks; a story that allocates pays for walks in proportion to what it
// allocates. The decision depends only on instruction counts and the
// script's allocations, so the stop is deterministic, and it happens
// inside the instruction that crossed, with its file, line and tick.
type accounting struct {
	s     *State
	meter *lua.Meter

	usedBefore int64 // instructions spent in the ticks before this one

	last     Footprint // at the last walk
	usedAt   int64     // walk once the instructions spent pass this
	coAt     int       // walk once the coroutines created pass this
	coTotal  int       // coroutines created since the state began
	walks    int       // how many walks (for tests and benchmarks)
	fullWalk bool      // walk at every check (tests of the bound itself)
}

func newAccounting(s *State) *accounting {
	a := &accounting{s: s, meter: &lua.Meter{}}
	a.meter.Work = func(L *lua.LState, n int) { s.charge(L, bytesCost(n)) }
	a.meter.Panic = func(_ *lua.LState, rcv any) { s.goPanic(rcv) }
	// No walk before New's first one.
	a.meter.SlotsAt, a.usedAt, a.coAt = math.MaxInt64, math.MaxInt64, math.MaxInt
	return a
}

// rearm sets the next walk from the footprint fp measured when used
// instructions had been spent.
func (a *accounting) rearm(fp Footprint, used int64) {
	l := &a.s.limits
	a.last = fp
	a.meter.SlotsAt = a.meter.Slots + int64(max(0, l.LiveTableEntriesMax-fp.TableEntries))
	a.usedAt = used + int64(max(0, l.LiveStringBytesMax-fp.StringBytes))/bytesPerInstruction
	a.coAt = a.coTotal + max(0, l.LiveCoroutinesMax-fp.Coroutines)
	if a.fullWalk {
		a.meter.SlotsAt, a.usedAt, a.coAt = a.meter.Slots, used, a.coTotal
	}
}

// due says whether the bound could have crossed a limit.
func (a *accounting) due(used int64) bool {
	return a.meter.Slots > a.meter.SlotsAt || used > a.usedAt || a.coTotal > a.coAt
}

// check walks if the bound says a limit could have been crossed, and
// returns the stop if one was.
func (a *accounting) check(used int64) *stopError {
	if !a.due(used) {
		return nil
	}
	l := &a.s.limits
	a.walks++
	fp := a.s.footprint(4 * l.LiveTableEntriesMax)
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
			return &stopError{limit: c.limit, msg: limitMsg(c.limit, "scripts hold more than %d %s", c.max, c.what), fatal: true}
		}
	}
	a.rearm(fp, used)
	return nil
}
