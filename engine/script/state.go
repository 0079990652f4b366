package script

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Options configure a State. Program and Rand are required.
type Options struct {
	Program *Program          // from Compile; shared, read-only
	Limits  Limits            // zero fields take DefaultLimits
	Rand    Rand              // math.random's source: the run's script stream
	Log     func(line string) // print's sink; nil discards
	// TickSeconds is the exercise time of one tick: with it, wait and the
	// director's time functions accept durations such as "90m". Zero
	// accepts whole ticks only.
	TickSeconds int32
}

// State is one sandboxed Lua state: one run of one scenario. It is not safe
// for concurrent use; run many States for many runs.
type State struct {
	prog   *Program
	limits Limits
	rand   Rand
	log    func(string)
	// tickSeconds converts durations to ticks (0: ticks only).
	tickSeconds int32

	ls     *lua.LState
	budget *budget
	acct   *accounting
	// walkHint sizes the next footprint walk's sets (see footprint).
	walkHint walkHint
	// hostRoots visits what the host keeps for the scripts outside the Lua
	// state (the director's handlers, timers, team policies...), so that
	// the footprint counts it.
	hostRoots func(visit func(lua.LValue))
	concat    *lua.LFunction // the bounded `..`, see rewrite.go
	orig      originals
	ids       identities
	sched     scheduler

	taskThreads map[*lua.LState]bool // coroutines that are tasks, never resumed from Lua

	tick      int64
	coCreated int // coroutines created this tick
	coDepth   int // resumes in progress, nested
	logLines  int // print lines this tick

	modules        map[string]lua.LValue // require's cache
	loadingModules map[string]bool

	failed *Error // set once the state cannot go on; every call returns it
	closed bool
}

// New instantiates a Program into a fresh sandboxed state. It is cheap
// (see BenchmarkNew): run one per seed.
func New(opts Options) (*State, error) {
	if opts.Program == nil {
		return nil, errors.New("script: Options.Program is required")
	}
	if opts.Rand == nil {
		return nil, errors.New("script: Options.Rand is required")
	}
	limits := opts.Limits.withDefaults()
	if err := limits.validate(); err != nil {
		return nil, err
	}
	s := &State{
		prog:           opts.Program,
		limits:         limits,
		rand:           opts.Rand,
		log:            opts.Log,
		tickSeconds:    opts.TickSeconds,
		tick:           NoTick,
		modules:        map[string]lua.LValue{},
		loadingModules: map[string]bool{},
		taskThreads:    map[*lua.LState]bool{},
	}
	if s.log == nil {
		s.log = func(string) {}
	}
	s.ls = lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    limits.CallStackDepthMax,
		RegistrySize:     registrySlotsInitial,
		RegistryMaxSize:  limits.RegistrySlotsMax,
		RegistryGrowStep: registryGrowStep,
		// Not MinimizeStackMemory: in v1.1.2 its auto-growing call stack
		// never reports itself full, so overflow is a Go panic instead of
		// "stack overflow", and a pcall that catches it leaves the state
		// corrupt (nil dereferences, lost frames). The fixed stack costs
		// CallStackDepthMax × 80 bytes per coroutine, which
		// LiveCoroutinesMax and CoroutinesPerTickMax bound.
		MinimizeStackMemory: false,
	})
	s.acct = newAccounting(s)
	s.ls.G.Meter = s.acct.meter
	s.budget = newBudget(&s.limits, s.position, s.acct)
	s.acct.meter.Check = s.budget.check
	s.ls.UseMeter()
	s.concat = s.ls.NewFunction(s.luaConcat)
	if err := s.ls.GPCall(func(L *lua.LState) int {
		s.openSandbox()
		return 0
	}, lua.LNil); err != nil {
		s.ls.Close()
		return nil, fmt.Errorf("script: opening the sandbox: %w", err)
	}
	s.ls.SetTop(0)
	// What the state holds before any script (the sandbox's tables, the
	// main thread's value stack) was not all allocated under the meter.
	sandboxFootprint.once.Do(func() { sandboxFootprint.fp = s.Footprint() })
	s.acct.rearm(sandboxFootprint.fp, 0)
	return s, nil
}

// sandboxFootprint is what a fresh sandbox holds before any script runs.
// The same code builds every sandbox, whatever the program, limits or
// seed, so it is walked once per process rather than in every New (the
// walk was a fifth of New; TestSandboxFootprintIsEveryStates checks that
// each fresh state's own walk agrees).
var sandboxFootprint struct {
	once sync.Once
	fp   Footprint
}

// Close releases the state; later calls return an error.
func (s *State) Close() {
	if !s.closed {
		s.closed = true
		s.ls.Close()
	}
}

// Tick is the current tick (NoTick before the first SetTick).
func (s *State) Tick() int64 { return s.tick }

// SetTick starts a tick: the instruction budget, the crash stops and the
// per-tick counters start over, and errors from now on carry this tick.
// (What scripts hold is accounted as they allocate: see accounting.go.)
func (s *State) SetTick(tick int64) error {
	if s.closed {
		return errClosed
	}
	if tick < s.tick {
		return fmt.Errorf("script: SetTick(%d) after tick %d: ticks only advance", tick, s.tick)
	}
	s.tick = tick
	s.budget.reset()
	s.coCreated = 0
	s.logLines = 0
	if s.failed != nil {
		return s.failed
	}
	return nil
}

// Run runs a file of the scenario (path inside the scenario's folder, e.g.
// "story.lua", or else of the library) as a chunk, within the current
// tick's budget.
func (s *State) Run(file string) error {
	c := s.prog.lookup(file)
	if c == nil {
		return fmt.Errorf("script: no %s in the scenario or the script library", file)
	}
	_, err := s.call(s.ls.NewFunction(func(L *lua.LState) int {
		fn := s.instantiate(L, c)
		L.Push(fn)
		L.Call(0, 0)
		return 0
	}), nil)
	return err
}

var errClosed = errors.New("script: state is closed")

// usable is the error any entry into Lua returns before it starts.
func (s *State) usable() error {
	switch {
	case s.closed:
		return errClosed
	case s.failed != nil:
		return s.failed
	case s.budget.stop != nil:
		return s.stopError()
	}
	return nil
}

// call runs fn(args...) on the main thread in protected mode: the single
// path by which Go enters Lua. It returns fn's results or an *Error.
func (s *State) call(fn *lua.LFunction, args []lua.LValue) ([]lua.LValue, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	L := s.ls
	s.budget.enter()
	defer s.budget.exit()
	base := L.GetTop()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		L.SetTop(base)
		return nil, s.fromLua(err)
	}
	out := make([]lua.LValue, L.GetTop()-base)
	for i := range out {
		out[i] = L.Get(base + 1 + i)
	}
	L.SetTop(base)
	return out, nil
}

// protect runs fn, Go code that calls Lua functions (with L.Call), in
// protected mode on the main thread, under the same guards as call: the
// director's way in for a whole tick, one protected entry for all of its
// phases. A Lua error or a panic inside fn comes back as an *Error.
func (s *State) protect(fn func()) error {
	if err := s.usable(); err != nil {
		return err
	}
	L := s.ls
	s.budget.enter()
	var err error
	if lerr := L.Protect(fn); lerr != nil {
		err = s.fromLua(lerr)
	}
	s.budget.exit() // not deferred: Protect recovers every panic
	return err
}

// goPanic stops the state for good after a Go panic that gopher-lua
// recovered inside a protected call: its stacks may be corrupt, so no
// script may carry on (a pcall would otherwise return false and continue).
// The panic is deterministic (same script, same panic), and so is the stop.
func (s *State) goPanic(rcv any) {
	if s.budget.stop != nil && s.budget.stop.fatal {
		return
	}
	s.budget.halt(&stopError{
		msg:   fmt.Sprintf("internal error in the Lua host: %s (the run cannot go on; please report it with the scenario)", truncateMsg(fmt.Sprint(rcv), 200)),
		pos:   s.safePosition(),
		fatal: true,
	})
}

// safePosition is position, unless the state is too broken to say.
func (s *State) safePosition() (p position) {
	defer func() {
		if recover() != nil {
			p = position{}
		}
	}()
	return s.position()
}

// stopError is the error of the budget's stop in this tick.
func (s *State) stopError() *Error {
	st := s.budget.stop
	e := &Error{File: st.pos.file, Line: st.pos.line, Tick: s.tick, Msg: st.msg, Kind: KindLimit, Limit: st.limit}
	if st.limit == "" {
		e.Kind = KindRuntime
	}
	if st.fatal {
		// Memory a script holds cannot be taken back, and a state a Go
		// panic went through cannot be trusted: the state fails for good.
		s.failed = e
	}
	return e
}

// fromLua converts an error out of gopher-lua into an *Error.
func (s *State) fromLua(err error) *Error {
	if s.budget.stop != nil {
		return s.stopError()
	}
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		return &Error{Tick: s.tick, Msg: err.Error(), Kind: KindRuntime}
	}
	pos := tracebackPosition(ae.StackTrace, s.prog.isChunk)
	e := newRuntimeError(scrubAddresses(errorValueString(ae.Object)), pos, s.tick, s.prog.isChunk)
	// What reaches a journal or a terminal is cut (the script's own value
	// is untouched): a script may raise a MiB-long message.
	e.Msg = truncateMsg(e.Msg, errorMsgBytesMax)
	return e
}

// tracebackLineRE matches a Lua frame of gopher-lua's traceback.
var tracebackLineRE = regexp.MustCompile(`(?m)^\t([^:\n]+):(\d+): in `)

// tracebackPosition is the innermost script frame of a traceback: where an
// error without a position in its message (error({}), error(msg, 0)) was
// raised.
func tracebackPosition(trace string, isChunk func(string) bool) position {
	for _, m := range tracebackLineRE.FindAllStringSubmatch(trace, -1) {
		if isChunk(m[1]) {
			line, _ := strconv.Atoi(m[2])
			return position{file: m[1], line: line}
		}
	}
	return position{}
}

// position is where the running script is: its innermost Lua frame.
func (s *State) position() position {
	th := s.ls
	if cur := s.ls.G.CurrentThread; cur != nil {
		th = cur
	}
	for level := 0; level <= s.limits.CallStackDepthMax+1; level++ {
		dbg, ok := th.GetStack(level)
		if !ok {
			break
		}
		if _, err := th.GetInfo("Sl", dbg, lua.LNil); err != nil {
			break
		}
		if dbg.What != "G" && s.prog.isChunk(dbg.Source) {
			return position{file: dbg.Source, line: dbg.CurrentLine}
		}
	}
	return position{}
}
