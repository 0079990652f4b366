package lua

import (
	"math"
	"unsafe"
)

// cyberex fork: see FORK.md.

// Meter lets the embedder account for memory and work that happen inside a
// single VM instruction, where no instruction counter can see them.
type Meter struct {
	// Slots counts every table slot allocated by a table made through an
	// LState of this Global (array elements, padding nils included, and
	// hash keys), since the meter was set. It only grows.
	Slots int64
	// Work, if set, is told of n bytes a builtin operation scans or hashes
	// (long string comparisons and table keys, error formatting). It may
	// raise a Lua error through L.
	Work func(L *LState, bytes int)
	// Panic, if set, is told of a Go panic (not a Lua error) that a
	// protected call recovered: the state may be corrupt, and a script's
	// pcall must not be able to carry on as if it were an error.
	Panic func(L *LState, recovered interface{})

	// Left and Floor are the embedder's instruction counter, for states
	// that UseMeter: before every instruction the VM decrements Left and,
	// when it is below Floor, calls Check, which raises a Lua error to stop
	// the script or moves Floor. (It replaces a context whose Done is asked
	// before every instruction: an interface call and a select each time.)
	Left, Floor int64
	// SlotsAt: once Slots passes it, the next instruction calls Check.
	SlotsAt int64
	Check   func(L *LState)
}

// addSlots counts n new slots, and asks for a Check once Slots passes
// SlotsAt.
func (m *Meter) addSlots(n int) {
	m.Slots += int64(n)
	if m.Slots > m.SlotsAt {
		m.Floor = math.MaxInt64
	}
}

// ValuesPerInstruction: an instruction that copies a variable number of
// values at once (VARARG, and RETURN, TAILCALL or SETLIST of a multiple
// result) costs one more
// instruction of the meter per this many values (what cyberex's host
// charges for unpack and select).
const ValuesPerInstruction = 8

// copying charges n values that the current instruction is about to copy,
// before it copies them: an instruction repeated in a loop over 65,536
// values does 65,536 times an ordinary instruction's work.
func (ls *LState) copying(n int) {
	if n >= ValuesPerInstruction {
		if m := ls.G.Meter; m != nil && m.Check != nil {
			m.Left -= int64(n / ValuesPerInstruction)
			if m.Left < m.Floor {
				m.Check(ls)
			}
		}
	}
}

// UseMeter makes the state (and the coroutines it creates) count
// instructions with G.Meter's Left and Check; G.Meter.Check must be set.
func (ls *LState) UseMeter() {
	ls.ctx = nil
	ls.mainLoop = mainLoopMetered
}

func (ls *LState) goPanic(rcv interface{}) {
	if m := ls.G.Meter; m != nil && m.Panic != nil {
		m.Panic(ls, rcv)
	}
}

// workThreshold: shorter operands cost about one instruction and are not
// reported.
const workThreshold = 64

// work reports n bytes of work to the meter.
func (ls *LState) work(n int) {
	if n > workThreshold {
		if m := ls.G.Meter; m != nil && m.Work != nil {
			m.Work(ls, n)
		}
	}
}

// workKey reports the hashing of a long string key.
func (ls *LState) workKey(key LValue) {
	if s, ok := key.(LString); ok && len(s) > workThreshold {
		ls.work(len(s))
	}
}

// newTable is newLTable under the meter.
func (ls *LState) newTable(acap, hcap int) *LTable {
	tb := newLTable(acap, hcap)
	tb.meter = ls.G.Meter
	return tb
}

// grew counts n new slots.
func (tb *LTable) grew(n int) {
	if tb.meter != nil {
		tb.meter.addSlots(n)
	}
}

// Slots is the number of slots the table holds: its array part (nils
// inside it included) and its hash keys (deleted keys not yet compacted
// included). It is what the table costs, whatever it holds.
func (tb *LTable) Slots() int {
	return len(tb.array) + len(tb.keys)
}

// compactKeys drops deleted keys from the key order once they are at
// least half of it, keeping the order of the live ones: without it a table
// whose keys come and go grows without bound. It runs only when a new key
// is added, which Lua forbids during a traversal, so next() never sees it.
func (tb *LTable) compactKeys() {
	live := len(tb.strdict) + len(tb.dict)
	if len(tb.keys) < 64 || len(tb.keys) < 2*live {
		return
	}
	keys := make([]LValue, 0, live+live/2+1)
	for _, k := range tb.keys {
		if tb.RawGetH(k) != LNil {
			keys = append(keys, k)
		}
	}
	k2i := make(map[LValue]int, len(keys))
	for i, k := range keys {
		k2i[k] = i
	}
	tb.keys, tb.k2i = keys, k2i
}

// trimArray drops trailing nils of the array part, so that #t does not
// scan them again and again.
func (tb *LTable) trimArray() {
	n := len(tb.array)
	for n > 0 && tb.array[n-1] == LNil {
		n--
	}
	tb.array = tb.array[:n]
}

// StackSlots is the size of the thread's value stack, in slots.
func (ls *LState) StackSlots() int {
	if ls.reg == nil {
		return 0
	}
	return len(ls.reg.array)
}

// VisitRefs calls visit with every key (deleted ones not yet compacted
// included) and value the table holds, in the table's own order.
func (tb *LTable) VisitRefs(visit func(LValue)) {
	for _, v := range tb.array {
		if v != LNil && v != nil {
			visit(v)
		}
	}
	for _, k := range tb.keys {
		visit(k)
		if v := tb.RawGetH(k); v != LNil {
			visit(v)
		}
	}
}

// VisitStack calls visit with every value on the thread's value stack (all
// frames: locals and temporaries) and every function of its call stack:
// what the thread keeps alive.
func (ls *LState) VisitStack(visit func(LValue)) {
	if ls.reg != nil {
		top := ls.reg.Top()
		for i := 0; i < top && i < len(ls.reg.array); i++ {
			if v := ls.reg.array[i]; v != nil {
				visit(v)
			}
		}
	}
	if ls.stack != nil {
		for i := 0; i < ls.stack.Sp(); i++ {
			if fn := ls.stack.At(i).Fn; fn != nil {
				visit(fn)
			}
		}
	}
}

// Pow is the function behind the `^` operator (at run time and when the
// compiler folds constants). math.Pow's result depends on the CPU (fused
// multiply-add on arm64); the embedder sets a deterministic one.
var Pow = math.Pow

// StringKey identifies the bytes of a string value in memory, as a pointer
// identifies a table: two values have the same key exactly when one was
// copied from the other (an assignment, a table store), not when they
// merely hold equal bytes. A footprint walk counts each string once by it.
// It is used for set membership only, never for order.
type StringKey struct {
	data *byte
	n    int
}

// KeyOf returns the identity of s's bytes.
func KeyOf(s LString) StringKey {
	return StringKey{unsafe.StringData(string(s)), len(s)}
}
