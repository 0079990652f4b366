package script

import (
	"fmt"
	"math"
	"runtime/metrics"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// The forked gopher-lua counts instructions with the state's Meter (vm.go's
// mainLoopMetered): before every instruction it decrements Meter.Left, the
// instructions left in this tick, and when Left is below Meter.Floor it
// calls the budget's check. That makes the stop deterministic; every
// checkEveryInstructions the check also looks at the clock and the heap,
// which are not deterministic and only there so that the process survives.
// The Floor is the next value of Left at which something is due (see
// setFloor), and goes to MaxInt64 when the meter's slots pass SlotsAt
// (memory must be accounted) or once the budget has stopped (every later
// instruction raises the stop again, so a script's pcall cannot go on).

// checkEveryInstructions is how many instructions pass between two reads of
// the clock and the heap: ~1024 × 15 ns ≈ 15 µs of Lua for ~0.3 µs of
// checking.
const checkEveryInstructions = 1024

// bytesPerInstruction converts bytes touched by a builtin into instructions
// charged to the budget: copying 64 bytes costs about what one VM
// instruction does.
const bytesPerInstruction = 64

// position is a place in a script.
type position struct {
	file string
	line int
}

// stopError is why a budget stopped: a deterministic limit or a crash stop.
type stopError struct {
	limit string
	msg   string
	pos   position
	fatal bool // the state cannot go on, even in a later tick
}

func (e *stopError) Error() string { return e.msg }

type budget struct {
	limits *Limits
	stop   *stopError

	// m.Left is the instructions left in this tick. Below m.Floor, check
	// and charge take the slow path: the budget is spent, the crash stops
	// are due (crashAt), or memory must be accounted (acct).
	m       *lua.Meter
	crashAt int64
	acct    *accounting

	// where reports the position of the running script, for the stop.
	where func() position

	// Crash-stop accounting covers only time spent inside Lua: the engine's
	// own work between two calls in a tick does not count. It starts at
	// the tick's first check (after checkEveryInstructions instructions or
	// their worth of builtin work), and from then on covers every entry
	// from its start: what runs before is bounded by the deterministic
	// budget, and reading the clock and the heap statistics on every entry
	// was a fifth of a short tick (a story acting once per tick).
	depth      int  // nesting of enter calls
	long       bool // this tick has reached its first check
	measuring  bool // enteredAt and allocAtIn hold for the current entry
	enteredAt  time.Time
	wallUsed   time.Duration
	allocAtIn  uint64
	allocUsed  uint64
	allocProbe []metrics.Sample
	measures   int // entries measured since the state began (for tests)
}

func newBudget(l *Limits, where func() position, acct *accounting) *budget {
	b := &budget{
		limits:     l,
		where:      where,
		acct:       acct,
		m:          acct.meter,
		allocProbe: []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}},
	}
	b.m.Left = l.InstructionsPerTickMax // nothing spent yet
	b.reset()
	return b
}

// used is the instructions spent since the state began.
func (b *budget) used() int64 { return b.acct.usedBefore + b.limits.InstructionsPerTickMax - b.m.Left }

// reset starts a new tick.
func (b *budget) reset() {
	if b.m.Left < 0 {
		b.m.Left = 0
	}
	b.acct.usedBefore += b.limits.InstructionsPerTickMax - b.m.Left
	b.m.Left = b.limits.InstructionsPerTickMax
	b.crashAt = b.m.Left - checkEveryInstructions
	b.stop = nil
	b.setFloor()
	b.wallUsed = 0
	b.allocUsed = 0
	b.long = false
	b.measuring = false // an entry under way starts again at the next check
}

// enter and exit bracket every entry from Go into Lua.
func (b *budget) enter() {
	if b.depth == 0 && b.long {
		b.measure()
	}
	b.depth++
}

func (b *budget) exit() {
	b.depth--
	if b.depth == 0 && b.measuring {
		b.wallUsed += time.Since(b.enteredAt)
		b.allocUsed += b.allocs() - b.allocAtIn
		b.measuring = false
	}
}

// measure starts the crash-stop accounting of the current entry.
func (b *budget) measure() {
	b.measures++
	b.measuring = true
	b.enteredAt = time.Now()
	b.allocAtIn = b.allocs()
}

func (b *budget) allocs() uint64 {
	if b.limits.HeapAllocBytesPerTickMax <= 0 {
		return 0
	}
	metrics.Read(b.allocProbe)
	if b.allocProbe[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return b.allocProbe[0].Value.Uint64()
}

// check is the meter's Check: the slow path of the instruction counter.
func (b *budget) check(L *lua.LState) {
	if b.stop != nil || b.slow() {
		L.RaiseError("%s", b.stop.msg)
	}
}

// charge takes n instructions' worth of builtin work. It returns the stop
// if the budget ran out; the caller raises it as a Lua error.
func (b *budget) charge(n int64) *stopError {
	if b.stop != nil {
		return b.stop
	}
	if n > 0 {
		b.m.Left -= n
	}
	if b.m.Left < b.m.Floor {
		if b.slow() {
			return b.stop
		}
	}
	return nil
}

// slow checks, in this order, the budget, the crash stops and the memory
// limits, and reports whether the script must stop.
func (b *budget) slow() bool {
	if b.m.Left < 0 {
		b.limit("InstructionsPerTickMax", "instruction budget of %d per tick exhausted", b.limits.InstructionsPerTickMax)
		return true
	}
	if b.used() > b.limits.InstructionsPerRunMax {
		b.limit("InstructionsPerRunMax", "instruction budget of %d per run exhausted", b.limits.InstructionsPerRunMax)
		b.stop.fatal = true
		return true
	}
	if b.m.Left < b.crashAt {
		b.crashAt = b.m.Left - checkEveryInstructions
		if b.crashStop() {
			return true
		}
	}
	if b.m.Slots > b.m.SlotsAt || b.used() > b.acct.usedAt {
		if stop := b.acct.check(b.used()); stop != nil {
			stop.pos = b.where()
			b.halt(stop)
			return true
		}
	}
	b.setFloor()
	return false
}

// account runs the memory check now (after a coroutine is created, which
// the slow path's condition does not watch) and returns the stop, if any.
func (b *budget) account() *stopError {
	if b.stop != nil {
		return b.stop
	}
	if stop := b.acct.check(b.used()); stop != nil {
		stop.pos = b.where()
		b.halt(stop)
		return b.stop
	}
	b.setFloor()
	return nil
}

// setFloor sets m.Floor to the largest value of m.Left at which a check
// is due: every instruction checks while stopped, or while slots
// allocated outside an instruction (by the host, between two ticks) are
// past SlotsAt and not yet accounted.
func (b *budget) setFloor() {
	if b.stop != nil || b.m.Slots > b.m.SlotsAt {
		b.m.Floor = math.MaxInt64
		return
	}
	at := max(0, b.crashAt)
	// used() > usedAt  ⇔  left < usedBefore + max − usedAt
	if acctAt := b.acct.usedBefore + b.limits.InstructionsPerTickMax - b.acct.usedAt; acctAt > at {
		at = acctAt
	}
	if runAt := b.acct.usedBefore + b.limits.InstructionsPerTickMax - b.limits.InstructionsPerRunMax; runAt > at {
		at = runAt
	}
	b.m.Floor = at
}

// crashStop checks the non-deterministic backstops.
func (b *budget) crashStop() bool {
	if b.depth == 0 {
		return false
	}
	b.long = true
	if !b.measuring {
		b.measure()
	}
	if max := b.limits.WallTimePerTickMax; max > 0 {
		if used := b.wallUsed + time.Since(b.enteredAt); used > max {
			b.limit("WallTimePerTickMax", "Lua ran for %v in one tick (crash stop, not deterministic)", used.Round(time.Millisecond))
			return true
		}
	}
	if max := b.limits.HeapAllocBytesPerTickMax; max > 0 {
		if used := b.allocUsed + (b.allocs() - b.allocAtIn); used > uint64(max) {
			b.limit("HeapAllocBytesPerTickMax", "Lua allocated %d MiB in one tick (crash stop, not deterministic)", used>>20)
			return true
		}
	}
	return false
}

// limit stops the budget at a limit, here.
func (b *budget) limit(limit, format string, args ...any) {
	b.halt(&stopError{
		limit: limit,
		msg:   fmt.Sprintf(format, args...) + fmt.Sprintf(limitSuffix, limit),
		pos:   b.where(),
	})
}

// halt stops the budget: every instruction from now on raises the stop.
func (b *budget) halt(stop *stopError) {
	b.stop = stop
	b.m.Floor = math.MaxInt64
}

// bytesCost converts n bytes into instructions.
func bytesCost(n int) int64 { return int64(n/bytesPerInstruction) + 1 }
