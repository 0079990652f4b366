package script

import (
	"fmt"
	"time"
)

// Limits bounds what one script state may consume. Each field names its
// unit last. A zero field takes its value from DefaultLimits, so callers set
// only what they change.
//
// Every limit but the last two is deterministic: the same scripts, seed and
// commands stop at the same instruction on every machine, so a limit error is
// a reproducible scenario bug. WallTimePerTickMax and
// HeapAllocBytesPerTickMax are crash stops that keep the process alive when
// the deterministic limits cannot see the cost (a single builtin that runs
// long, memory that a single instruction allocates); they depend on the
// machine and on other goroutines, so they are set far above what any sane
// script needs, and a negative value turns them off (for a debugger).
type Limits struct {
	// InstructionsPerTickMax is the budget of VM instructions for all Lua
	// that runs in one tick (every Run, call and task resume between two
	// SetTick calls). Builtins whose work grows with their input charge it
	// to the same budget, so "instructions" is a unit of work: 1 per 64
	// bytes a string builtin builds or scans, 1 per 4 pattern-matcher
	// steps, n·log n for table.sort, 1 per 8 elements table.insert/remove
	// shift, 64 per coroutine created.
	InstructionsPerTickMax int64
	// InstructionsPerRunMax is the same budget over the whole run (every
	// tick of one State): a story that spends its tick budget every tick
	// would otherwise run for hours. Past it the state fails for good.
	InstructionsPerRunMax int64
	// CallStackDepthMax bounds Lua call frames per coroutine, so deep
	// recursion is a Lua error ("stack overflow"), never a Go stack
	// overflow. Each coroutine allocates it up front (80 bytes a frame).
	CallStackDepthMax int
	// RegistrySlotsMax bounds the value stack of one coroutine (locals,
	// temporaries, varargs, unpack results), in slots of 16 bytes.
	RegistrySlotsMax int
	// CoroutineDepthMax bounds coroutines resumed inside one another; each
	// level is a Go stack level in gopher-lua. CallStackDepthMax ×
	// CoroutineDepthMax is capped so that the Go stack (about 2 KiB per
	// Lua call made through a Go function such as pcall) stays far below
	// Go's 1 GiB maximum.
	CoroutineDepthMax int
	// CoroutinesPerTickMax bounds coroutines created in one tick.
	CoroutinesPerTickMax int
	// TasksMax bounds live tasks (spawned playbooks).
	TasksMax int
	// StringBytesMax bounds the length of any string a script builds
	// (concatenation, string.rep, string.format, gsub, table.concat).
	StringBytesMax int
	// LogLinesPerTickMax bounds print lines per tick; further lines in the
	// tick are dropped after one notice.
	LogLinesPerTickMax int
	// LogLineBytesMax cuts longer print lines.
	LogLineBytesMax int
	// SourceBytesMax refuses longer .lua files at compile time.
	SourceBytesMax int
	// SyntaxDepthMax bounds the nesting of blocks and expressions in a
	// source file; the compiler recurses on it.
	SyntaxDepthMax int
	// LiveTableEntriesMax bounds the table slots reachable from the
	// script by any path (globals, modules, coroutine stacks, closures,
	// metatables, handlers and timers the host keeps): array slots, nils
	// inside the array included, hash keys, and the value stacks of
	// coroutines. Checked as the script allocates (accounting.go).
	LiveTableEntriesMax int
	// LiveStringBytesMax bounds the bytes of the distinct strings reachable
	// from the script by any path.
	LiveStringBytesMax int
	// LiveCoroutinesMax bounds the coroutines reachable from the script.
	LiveCoroutinesMax int

	// WallTimePerTickMax is a crash stop on the time spent in Lua in one
	// tick. Not deterministic.
	WallTimePerTickMax time.Duration
	// HeapAllocBytesPerTickMax is a crash stop on the bytes the process
	// allocates while Lua runs in one tick (runtime/metrics
	// /gc/heap/allocs:bytes, which other goroutines also move). Not
	// deterministic.
	HeapAllocBytesPerTickMax int64
}

// DefaultLimits are safe for scenario stories and playbooks: a tick of Lua
// stays within a few tens of milliseconds and a few hundred MiB at worst,
// a whole run within seconds of Lua. The crash stops are set far above
// what the deterministic limits allow on a busy machine (a loaded host ran
// a million instructions in 2 s, which the old 2 s wall-clock stop turned
// into a result that depended on the machine).
func DefaultLimits() Limits {
	return Limits{
		InstructionsPerTickMax:   1_000_000,
		InstructionsPerRunMax:    200_000_000,
		CallStackDepthMax:        200,
		RegistrySlotsMax:         1 << 16,
		CoroutineDepthMax:        32,
		CoroutinesPerTickMax:     1_000,
		TasksMax:                 1_000,
		StringBytesMax:           1 << 20,
		LogLinesPerTickMax:       1_000,
		LogLineBytesMax:          4 << 10,
		SourceBytesMax:           1 << 20,
		SyntaxDepthMax:           200,
		LiveTableEntriesMax:      1 << 20,
		LiveStringBytesMax:       64 << 20,
		LiveCoroutinesMax:        2_000,
		WallTimePerTickMax:       10 * time.Second,
		HeapAllocBytesPerTickMax: 1 << 30,
	}
}

// Ceilings keep a limit from being set so high that it no longer protects
// the process (or overflows an int on the way).
const (
	stringBytesCeiling     = 1 << 30
	callStackDepthCeiling  = 10_000
	coroutineDepthCeiling  = 1_000
	registrySlotsFloor     = 1 << 10
	registrySlotsCeiling   = 1 << 24
	syntaxDepthCeiling     = 10_000
	instructionsPerTickMin = 1_000
	nestedCallsCeiling     = 100_000 // CallStackDepthMax × CoroutineDepthMax
	liveCeiling            = 1 << 40
)

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	fill := func(v *int, dv int) {
		if *v == 0 {
			*v = dv
		}
	}
	if l.InstructionsPerTickMax == 0 {
		l.InstructionsPerTickMax = d.InstructionsPerTickMax
	}
	if l.InstructionsPerRunMax == 0 {
		l.InstructionsPerRunMax = d.InstructionsPerRunMax
	}
	fill(&l.CallStackDepthMax, d.CallStackDepthMax)
	fill(&l.RegistrySlotsMax, d.RegistrySlotsMax)
	fill(&l.CoroutineDepthMax, d.CoroutineDepthMax)
	fill(&l.CoroutinesPerTickMax, d.CoroutinesPerTickMax)
	fill(&l.TasksMax, d.TasksMax)
	fill(&l.StringBytesMax, d.StringBytesMax)
	fill(&l.LogLinesPerTickMax, d.LogLinesPerTickMax)
	fill(&l.LogLineBytesMax, d.LogLineBytesMax)
	fill(&l.SourceBytesMax, d.SourceBytesMax)
	fill(&l.SyntaxDepthMax, d.SyntaxDepthMax)
	fill(&l.LiveTableEntriesMax, d.LiveTableEntriesMax)
	fill(&l.LiveStringBytesMax, d.LiveStringBytesMax)
	fill(&l.LiveCoroutinesMax, d.LiveCoroutinesMax)
	if l.WallTimePerTickMax == 0 {
		l.WallTimePerTickMax = d.WallTimePerTickMax
	}
	if l.HeapAllocBytesPerTickMax == 0 {
		l.HeapAllocBytesPerTickMax = d.HeapAllocBytesPerTickMax
	}
	return l
}

// validate reports the first field that is out of range, after defaults.
func (l Limits) validate() error {
	type check struct {
		name   string
		v      int64
		lo, hi int64
	}
	const big = 1 << 62
	checks := []check{
		{"InstructionsPerTickMax", l.InstructionsPerTickMax, instructionsPerTickMin, big},
		{"InstructionsPerRunMax", l.InstructionsPerRunMax, instructionsPerTickMin, big},
		{"CallStackDepthMax", int64(l.CallStackDepthMax), 8, callStackDepthCeiling},
		{"RegistrySlotsMax", int64(l.RegistrySlotsMax), registrySlotsFloor, registrySlotsCeiling},
		{"CoroutineDepthMax", int64(l.CoroutineDepthMax), 1, coroutineDepthCeiling},
		{"CoroutinesPerTickMax", int64(l.CoroutinesPerTickMax), 1, big},
		{"TasksMax", int64(l.TasksMax), 1, big},
		{"StringBytesMax", int64(l.StringBytesMax), 256, stringBytesCeiling},
		{"LogLinesPerTickMax", int64(l.LogLinesPerTickMax), 1, big},
		{"LogLineBytesMax", int64(l.LogLineBytesMax), 16, stringBytesCeiling},
		{"SourceBytesMax", int64(l.SourceBytesMax), 1, stringBytesCeiling},
		{"SyntaxDepthMax", int64(l.SyntaxDepthMax), 8, syntaxDepthCeiling},
		{"LiveTableEntriesMax", int64(l.LiveTableEntriesMax), 1, liveCeiling},
		{"LiveStringBytesMax", int64(l.LiveStringBytesMax), 1, liveCeiling},
		{"LiveCoroutinesMax", int64(l.LiveCoroutinesMax), 1, liveCeiling},
	}
	for _, c := range checks {
		if lo, hi, ok := LimitBounds(c.name); ok && (c.lo != lo || c.hi != hi) {
			panic("script: LimitBounds and validate disagree on " + c.name)
		}
		if c.v < c.lo || c.v > c.hi {
			return fmt.Errorf("script: Limits.%s = %d, want %d..%d", c.name, c.v, c.lo, c.hi)
		}
	}
	if n := l.CallStackDepthMax * l.CoroutineDepthMax; n > nestedCallsCeiling {
		return fmt.Errorf("script: Limits.CallStackDepthMax × CoroutineDepthMax = %d, want at most %d", n, nestedCallsCeiling)
	}
	return nil
}

// LimitBounds returns the range a Limits field (by Go name) accepts, so a
// scenario loader can check settings.script_limits where they are written.
func LimitBounds(field string) (lo, hi int64, ok bool) {
	const big = 1 << 62
	switch field {
	case "InstructionsPerTickMax", "InstructionsPerRunMax":
		return instructionsPerTickMin, big, true
	case "CallStackDepthMax":
		return 8, callStackDepthCeiling, true
	case "CoroutinesPerTickMax", "TasksMax", "LogLinesPerTickMax":
		return 1, big, true
	case "StringBytesMax":
		return 256, stringBytesCeiling, true
	case "LiveTableEntriesMax", "LiveStringBytesMax":
		return 1, liveCeiling, true
	}
	return 0, 0, false
}

// CheckLimits reports whether New would accept these limits (zero fields
// take their defaults), with the message New would give.
func CheckLimits(l Limits) error { return l.withDefaults().validate() }
