package script

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// A table's array part holds the integer keys 1..n that were added in
// order, up to gopher-lua's MaxArrayIndex (2^26): the forked gopher-lua
// grows it one appended slot at a time (upstream padded it with nils up to
// any integer key in one instruction, so the sandbox had capped it at
// 2^18), so its size is bounded by LiveTableEntriesMax like any other
// slot. The variable is process-wide; this is the only package that
// imports gopher-lua, and it leaves it at its default.
const arrayIndexMax = 1 << 26

func init() {
	lua.MaxArrayIndex = arrayIndexMax
	lua.CompatVarArg = false
	lua.Pow = dmPow // the `^` operator, deterministic (dmath.go)
}

// math1 and math2 make a Lua function of a function of numbers.
func math1(f func(float64) float64) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(lua.LNumber(f(float64(L.CheckNumber(1)))))
		return 1
	}
}

func math2(f func(float64, float64) float64) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(lua.LNumber(f(float64(L.CheckNumber(1)), float64(L.CheckNumber(2)))))
		return 1
	}
}

// Registry sizing: a coroutine starts with a small value stack (it is
// allocated per coroutine) and grows in large steps (each growth copies).
const (
	registrySlotsInitial = 256
	registryGrowStep     = 1024
)

// originals are gopher-lua builtins that wrappers delegate to.
type originals struct {
	pcall, xpcall         lua.LGFunction
	create, resume, yield lua.LGFunction
}

// library is one table of the allow-list: what to keep from gopher-lua's
// version and what to put in its place. Everything else is dropped.
type library struct {
	name    string // "" for the globals
	open    lua.LGFunction
	keep    []string
	replace map[string]lua.LGFunction
}

// libraries is the allow-list. Dropped from gopher-lua's versions, and why:
//
//	dofile loadfile load loadstring  load code from files or strings (bytecode)
//	require module                   replaced by require; module needs package
//	getfenv setfenv                  reach and swap other functions' globals
//	newproxy _printregs              undocumented; _printregs writes to stdout
//	collectgarbage                   its answers depend on the Go heap
//	string.dump string.gfind         no bytecode; gfind is a Lua 5.0 alias
//	_GOPHER_LUA_VERSION              nothing to see
//
// and the libraries package, io, os, debug and channel are never opened.
func (s *State) libraries() []library {
	return []library{
		{
			name: "",
			open: lua.OpenBase,
			keep: []string{"getmetatable", "ipairs", "next", "pairs",
				"rawequal", "rawget", "rawset", "setmetatable", "type"},
			replace: map[string]lua.LGFunction{
				"assert":     luaAssert,
				"error":      s.luaError,
				"pcall":      s.luaPcall,
				"xpcall":     s.luaXpcall,
				"print":      s.luaPrint,
				"tostring":   s.luaTostring,
				"require":    s.luaRequire,
				"spawn":      s.luaSpawn,
				"wait":       s.luaWait,
				"wait_until": s.luaWaitUntil,
			},
		},
		{
			name: "table",
			open: lua.OpenTable,
			keep: []string{"getn", "maxn"},
			replace: map[string]lua.LGFunction{
				"concat": s.luaTableConcat,
			},
		},
		{
			name: "string",
			open: lua.OpenString,
			keep: []string{"len"},
			replace: map[string]lua.LGFunction{
				"find":    s.luaFind,
				"format":  s.luaFormat,
				"gmatch":  s.luaGmatch,
				"gsub":    s.luaGsub,
				"lower":   s.luaLower,
				"match":   s.luaMatch,
				"rep":     s.luaRep,
				"reverse": s.luaReverse,
				"upper":   s.luaUpper,
			},
		},
		{
			name: "math",
			open: lua.OpenMath,
			keep: []string{"abs", "ceil", "deg", "floor", "fmod", "frexp", "huge", "max", "min", "mod",
				"modf", "pi", "rad", "sqrt"},
			replace: map[string]lua.LGFunction{
				"random":     s.luaRandom(),
				"randomseed": luaRandomseed,
				// Transcendental functions: bit-identical on every CPU (dmath.go).
				"acos":  math1(dmAcos),
				"asin":  math1(dmAsin),
				"atan":  math1(dmAtan),
				"atan2": math2(dmAtan2),
				"cos":   math1(dmCos),
				"cosh":  math1(dmCosh),
				"exp":   math1(dmExp),
				"log":   math1(dmLog),
				"log10": math1(dmLog10),
				"pow":   math2(dmPow),
				"sin":   math1(dmSin),
				"sinh":  math1(dmSinh),
				"tan":   math1(dmTan),
				"tanh":  math1(dmTanh),
			},
		},
		{
			name: "coroutine",
			open: lua.OpenCoroutine,
			keep: []string{"running", "status"},
			replace: map[string]lua.LGFunction{
				"create": s.luaCoCreate,
				"resume": s.luaCoResume,
				"wrap":   s.luaCoWrap,
				"yield":  s.luaCoYield,
			},
		},
	}
}

// openSandbox opens the allow-list into s.ls and replaces the globals table,
// the registry and the string metatable with fresh ones built in sorted key
// order: gopher-lua fills library tables from Go maps, so their pairs()
// order would change from run to run.
func (s *State) openSandbox() {
	L := s.ls
	guarded := s.guarded()
	globals := L.NewTable()
	globalValues := map[string]lua.LValue{
		"_G":       globals,
		"_VERSION": lua.LString(lua.LuaVersion),
	}
	for _, lib := range s.libraries() {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
		from := L.G.Global
		if lib.name != "" {
			from = L.G.Global.RawGetString(lib.name).(*lua.LTable)
		}
		switch lib.name {
		case "":
			s.orig.pcall = builtin(from, "pcall")
			s.orig.xpcall = builtin(from, "xpcall")
		case "coroutine":
			s.orig.create = builtin(from, "create")
			s.orig.resume = builtin(from, "resume")
			s.orig.yield = builtin(from, "yield")
		}
		values := functions(L, lib.replace)
		for _, name := range lib.keep {
			v := from.RawGetString(name)
			if v == lua.LNil {
				panic("script: gopher-lua has no " + lib.name + "." + name)
			}
			values[name] = v
		}
		// map-order: each wrapper goes into a map, set into the table in sorted order (setSorted).
		for name, guard := range guarded[lib.name] {
			inner := builtin(from, name)
			values[name] = L.NewFunction(func(L *lua.LState) int {
				guard(L)
				return inner(L)
			})
		}
		if lib.name == "" {
			// map-order: a map copied into a map: no order survives.
			for name, v := range values {
				globalValues[name] = v
			}
			continue
		}
		tb := L.NewTable()
		setSorted(tb, values)
		globalValues[lib.name] = tb
	}
	setSorted(globals, globalValues)

	// Reading a name the sandbox removed says so, instead of the puzzling
	// "attempt to index a non-table object(nil)" a planner would get.
	globalsMeta := L.NewTable()
	globalsMeta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		if k, ok := L.Get(2).(lua.LString); ok && removedGlobals[string(k)] {
			L.RaiseError("%s is not available in scenario scripts: the sandbox has no files, clock, process, debug or code loading; scripts reach the world through the cyberex API (docs/scripting.md)", string(k))
		}
		return 0
	}))
	L.SetMetatable(globals, globalsMeta)

	stringMeta := L.NewTable()
	stringMeta.RawSetString("__index", globals.RawGetString("string"))
	L.SetMetatable(lua.LString(""), stringMeta)

	L.G.Global = globals
	L.Env = globals
	L.G.Registry = L.NewTable()
}

// removedGlobals are the standard names the sandbox leaves out on purpose.
var removedGlobals = map[string]bool{
	"os": true, "io": true, "debug": true, "package": true, "channel": true,
	"dofile": true, "loadfile": true, "load": true, "loadstring": true, "module": true,
	"getfenv": true, "setfenv": true, "newproxy": true, "collectgarbage": true, "_printregs": true,
}

// builtin is a Go function of a gopher-lua library table.
func builtin(lib *lua.LTable, name string) lua.LGFunction {
	fn, ok := lib.RawGetString(name).(*lua.LFunction)
	if !ok || !fn.IsG {
		panic("script: gopher-lua has no builtin " + name)
	}
	return fn.GFunction
}

// setFuncsSorted is lua.SetFuncs in sorted name order, so that pairs() over
// an API table is the same in every run. Every API table is registered
// through it.
func setFuncsSorted(L *lua.LState, tb *lua.LTable, funcs map[string]lua.LGFunction) {
	setSorted(tb, functions(L, funcs))
}

func functions(L *lua.LState, funcs map[string]lua.LGFunction) map[string]lua.LValue {
	values := make(map[string]lua.LValue, len(funcs))
	// map-order: each function goes into a map, set into tables in sorted order (setSorted).
	for name, fn := range funcs {
		values[name] = L.NewFunction(fn)
	}
	return values
}

// setSorted adds values in sorted key order, after what tb already holds.
func setSorted(tb *lua.LTable, values map[string]lua.LValue) {
	names := make([]string, 0, len(values))
	// map-order: the names are sorted below.
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tb.RawSetString(name, values[name])
	}
}
