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
}

func (e *stopError) Error() string { return e.msg }

type budget struct {
	limits  *Limits
	left    int64 // instructions left in this tick
	toCheck int   // instructions until the next clock and heap check
	stop    *stopError

	// where reports the position of the running script, for the stop.
	where func() position

	// Crash-stop accounting covers only time spent inside Lua: the engine's
	// own work between two calls in a tick does not count.
	depth      int // nesting of enter calls
	enteredAt  time.Time
	wallUsed   time.Duration
	allocAtIn  uint64
	allocUsed  uint64
	allocProbe []metrics.Sample
}

func newBudget(l *Limits, where func() position) *budget {
	b := &budget{
		limits:     l,
		where:      where,
		allocProbe: []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}},
	}
	b.reset()
	return b
}

// reset starts a new tick.
func (b *budget) reset() {
	b.left = b.limits.InstructionsPerTickMax
	b.toCheck = checkEveryInstructions
	b.stop = nil
	b.wallUsed = 0
	b.allocUsed = 0
	if b.depth > 0 {
		b.enteredAt = time.Now()
		b.allocAtIn = b.allocs()
	}
}

// enter and exit bracket every entry from Go into Lua.
func (b *budget) enter() {
	if b.depth == 0 {
		b.enteredAt = time.Now()
		b.allocAtIn = b.allocs()
	}
	b.depth++
}

func (b *budget) exit() {
	b.depth--
	if b.depth == 0 {
		b.wallUsed += time.Since(b.enteredAt)
		b.allocUsed += b.allocs() - b.allocAtIn
	}
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
	if b.left < 0 {
		b.halt("InstructionsPerTickMax", "instruction budget of %d per tick exhausted", b.limits.InstructionsPerTickMax)
		return closedChan
	}
	b.toCheck--
	if b.toCheck <= 0 {
		b.toCheck = checkEveryInstructions
		if b.crashStop() {
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
	if n <= 0 {
		return nil
	}
	b.left -= n
	if b.left < 0 {
		b.halt("InstructionsPerTickMax", "instruction budget of %d per tick exhausted", b.limits.InstructionsPerTickMax)
		return b.stop
	}
	b.toCheck -= int(min(n, checkEveryInstructions))
	if b.toCheck <= 0 {
		b.toCheck = checkEveryInstructions
		if b.crashStop() {
			return b.stop
		}
	}
	return nil
}

// crashStop checks the non-deterministic backstops.
func (b *budget) crashStop() bool {
	if b.depth == 0 {
		return false
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
