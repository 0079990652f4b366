// Package script is the sandboxed Lua host of the engine: scenario stories,
// playbooks and scripted teams run here, and nowhere else imports gopher-lua.
//
// Why a sandbox and not plain gopher-lua: scenario scripts are untrusted
// input (a planner's typo or a hostile file) and must never stop the
// process, read the machine, or make a run unreproducible. gopher-lua has
// none of that built in: its standard libraries reach files, the clock and
// Go's global random generator; it has no instruction counter and no memory
// cap; its SetMx exits the whole process; several builtins do unbounded work
// inside a single VM instruction; yielding across a Go call corrupts its
// state; and tables, functions and coroutines print their memory addresses.
// So this package opens an allow-list of libraries, replaces every builtin
// whose output or cost depends on its input size with a bounded version, and
// drives gopher-lua's per-instruction context check as a deterministic
// instruction budget. Every limit lives in [Limits]; deterministic limits
// stop the same script at the same instruction on every machine, and two
// crash stops (wall clock, heap growth) exist only so that the process
// survives what the deterministic limits cannot see.
//
// Why compile once: a batch sweep or a CI run instantiates the same scenario
// for thousands of seeds, so [Compile] parses every file once into a
// [Program] that any number of states (one per run, any goroutine) share.
//
// Why a scheduler: playbooks read as straight-line stories ("wait 40 ticks,
// then deface the site") and that is a coroutine; the scheduler resumes them
// in creation order so that runs replay exactly.
//
// On top of the sandbox, a [Director] (director.go) is the story of one
// world: it implements engine.Director, registers the scripting API
// (api_time.go, api_events.go, api_world.go, api_attack.go, api_teams.go:
// timers, event handlers, playbooks, world queries, campaign actions,
// injects, objectives, scripted teams) and runs it every tick. The API is
// documented for planners in docs/scripting.md and annotated for editors
// in scripts/types/cyberex.lua. Package host links the director into the
// scenario loader.
package script
