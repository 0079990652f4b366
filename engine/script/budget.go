package script

import (
	"fmt"
	"runtime/metrics"
	"time"
)

// gopher-lua has no instruction hook, but once a context is set its VM loop
// asks ctx.Done() before every instruction (mainLoopWithContext in vm.go,
// v1.1.2) and raises ctx.Err() when the channel is closed. budget is that
// context: Done counts, which makes the stop deterministic, and every
// checkEveryInstructions it also looks at the clock and the heap, which are
// not deterministic and only there so that the process survives.
//
// budget breaks two promises of context.Context on purpose: Done returns nil
// until the budget is spent (so the VM's select falls through cheaply) and
// counts its callers. It is never handed to anything but gopher-lua states
// of one script State, and the coroutine library is replaced so that
// gopher-lua never wraps it in context.WithCancel.

// checkEveryInstructions is how many instructions pass between two reads of
// the clock and the heap: ~1024 × 15 ns ≈ 15 µs of Lua for ~0.3 µs of
// checking.
const checkEveryInstructions = 1024

// bytesPerInstruction converts bytes touched by a builtin into instructions
// charged to the budget: copying 64 bytes costs about what one VM
// instruction does.
const bytesPerInstruction = 64

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

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
	left   int64 // instructions left in this tick
	stop   *stopError

	// Below slowAt (a value of left), or when the meter's slots pass
	// slotsAt, Done and charge take the slow path: the budget is spent, the
	// crash stops are due (crashAt), or memory must be accounted (acct).
	slowAt  int64
	crashAt int64
	slots   *int64 // the forked gopher-lua's count of slots allocated
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
}

func newBudget(l *Limits, where func() position, acct *accounting) *budget {
	b := &budget{
		limits:     l,
		where:      where,
		acct:       acct,
		slots:      &acct.meter.Slots,
		allocProbe: []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}},
	}
	b.left = l.InstructionsPerTickMax // nothing spent yet
	b.reset()
	return b
}

// used is the instructions spent since the state began.
func (b *budget) used() int64 { return b.acct.usedBefore + b.limits.InstructionsPerTickMax - b.left }

// reset starts a new tick.
func (b *budget) reset() {
	if b.left < 0 {
		b.left = 0
	}
	b.acct.usedBefore += b.limits.InstructionsPerTickMax - b.left
	b.left = b.limits.InstructionsPerTickMax
	b.crashAt = b.left - checkEveryInstructions
	b.stop = nil
	b.setSlowAt()
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

// Deadline implements context.Context; the budget has no fixed deadline.
func (b *budget) Deadline() (time.Time, bool) { return time.Time{}, false }

// Value implements context.Context.
func (b *budget) Value(any) any { return nil }

// Err implements context.Context: the stop, once there is one.
func (b *budget) Err() error {
	if b.stop == nil {
		return nil
	}
	return b.stop
}

// Done implements context.Context and is the per-instruction counter.
func (b *budget) Done() <-chan struct{} {
	if b.stop != nil {
		return closedChan
	}
	b.left--
	if b.left < b.slowAt || *b.slots > b.acct.slotsAt {
		if b.slow() {
			return closedChan
		}
	}
	return nil
}

// charge takes n instructions' worth of builtin work. It returns the stop
// if the budget ran out; the caller raises it as a Lua error.
func (b *budget) charge(n int64) *stopError {
	if b.stop != nil {
		return b.stop
	}
	if n > 0 {
		b.left -= n
	}
	if b.left < b.slowAt || *b.slots > b.acct.slotsAt {
		if b.slow() {
			return b.stop
		}
	}
	return nil
}

// slow checks, in this order, the budget, the crash stops and the memory
// limits, and reports whether the script must stop.
func (b *budget) slow() bool {
	if b.left < 0 {
		b.halt("InstructionsPerTickMax", "instruction budget of %d per tick exhausted", b.limits.InstructionsPerTickMax)
		return true
	}
	if b.used() > b.limits.InstructionsPerRunMax {
		b.halt("InstructionsPerRunMax", "instruction budget of %d per run exhausted", b.limits.InstructionsPerRunMax)
		b.stop.fatal = true
		return true
	}
	if b.left < b.crashAt {
		b.crashAt = b.left - checkEveryInstructions
		if b.crashStop() {
			return true
		}
	}
	if *b.slots > b.acct.slotsAt || b.used() > b.acct.usedAt {
		if stop := b.acct.check(b.used()); stop != nil {
			b.stop = stop
			b.stop.pos = b.where()
			return true
		}
	}
	b.setSlowAt()
	return false
}

// account runs the memory check now (after a coroutine is created, which
// the slow path's condition does not watch) and returns the stop, if any.
func (b *budget) account() *stopError {
	if b.stop != nil {
		return b.stop
	}
	if stop := b.acct.check(b.used()); stop != nil {
		b.stop = stop
		b.stop.pos = b.where()
		return b.stop
	}
	b.setSlowAt()
	return nil
}

// setSlowAt is the largest value of left at which a check is due.
func (b *budget) setSlowAt() {
	at := max(0, b.crashAt)
	// used() > usedAt  ⇔  left < usedBefore + max − usedAt
	if acctAt := b.acct.usedBefore + b.limits.InstructionsPerTickMax - b.acct.usedAt; acctAt > at {
		at = acctAt
	}
	if runAt := b.acct.usedBefore + b.limits.InstructionsPerTickMax - b.limits.InstructionsPerRunMax; runAt > at {
		at = runAt
	}
	b.slowAt = at
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
			b.halt("WallTimePerTickMax", "Lua ran for %v in one tick (crash stop, not deterministic)", used.Round(time.Millisecond))
			return true
		}
	}
	if max := b.limits.HeapAllocBytesPerTickMax; max > 0 {
		if used := b.allocUsed + (b.allocs() - b.allocAtIn); used > uint64(max) {
			b.halt("HeapAllocBytesPerTickMax", "Lua allocated %d MiB in one tick (crash stop, not deterministic)", used>>20)
			return true
		}
	}
	return false
}

func (b *budget) halt(limit, format string, args ...any) {
	b.stop = &stopError{
		limit: limit,
		msg:   fmt.Sprintf(format, args...) + fmt.Sprintf(limitSuffix, limit),
		pos:   b.where(),
	}
}

// bytesCost converts n bytes into instructions.
func bytesCost(n int) int64 { return int64(n/bytesPerInstruction) + 1 }
