// Package host links the Lua host into the scenario loader: importing it
// (a blank import is enough) sets scenario.NewDirector, so that worlds of
// scenarios with Lua scripts get their story. cli and headless import it;
// a program that builds worlds from scenarios with scripts must too.
//
// Why a package of its own: scenario imports engine, and the script host
// imports engine; the host must not import scenario from engine/script
// (the script package stays usable without the loader), so the glue that
// needs both lives here.
//
// Each scenario's Lua is compiled once, on the first world built from
// it, and the Program is shared by every later world (many seeds, many
// goroutines): see Program.
package host

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"weak"

	"cyberex/engine"
	"cyberex/engine/script"
	"cyberex/scenario"
	"cyberex/scripts"
)

func init() {
	scenario.NewDirector = NewDirector
	scenario.InspectScripts = Inspect
	scenario.ScriptLimitBounds = func(name string) (lo, hi int64, ok bool) {
		for _, f := range limitFields {
			if f.yaml == name {
				return script.LimitBounds(f.field)
			}
		}
		return 0, 0, false
	}
}

// LibraryName prefixes the shared library's files in errors.
const LibraryName = "scripts"

// NewDirector makes the story of a new world of s (scenario.DirectorFactory).
func NewDirector(s *scenario.Scenario, w *engine.World) (engine.Director, error) {
	prog, err := Program(s)
	if err != nil {
		return nil, err
	}
	limits, err := Limits(s.Spec.Settings.ScriptLimits)
	if err != nil {
		return nil, err
	}
	d, err := script.NewDirector(w, script.DirectorOptions{Program: prog, Limits: limits, Scripts: s.Scripts, Vars: s.Vars})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Inspect compiles the scenario's Lua (the Program later worlds reuse)
// and lists the literal names its folder's files spell in API calls
// (scenario.InspectScripts). Compile errors come back as scenario.Errors,
// each at its file:line:col.
func Inspect(s *scenario.Scenario) (scenario.LuaRefs, error) {
	if _, err := Program(s); err != nil {
		return scenario.LuaRefs{}, asScenarioErrors(err)
	}
	refs := script.Inspect(s.Files, filepath.ToSlash(s.Dir))
	out := scenario.LuaRefs{Dynamic: refs.Dynamic, Refs: make([]scenario.LuaRef, len(refs.Refs))}
	for i, r := range refs.Refs {
		out.Refs[i] = scenario.LuaRef{Kind: r.Kind, ID: r.ID, File: r.File, Line: r.Line}
	}
	return out, nil
}

// asScenarioErrors turns the compiler's errors (one, or joined) into the
// loader's, so that validate prints them like every other problem.
func asScenarioErrors(err error) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out scenario.Errors
	for _, e := range list {
		var se *script.Error
		if errors.As(e, &se) {
			out = append(out, scenario.Error{File: se.File, Line: se.Line, Col: se.Col, Msg: se.Msg})
			continue
		}
		out = append(out, scenario.Error{Msg: e.Error()})
	}
	return &out
}

// compiled is one scenario's Program, made once.
type compiled struct {
	once sync.Once
	prog *script.Program
	err  error
}

// programs caches by scenario without keeping a scenario alive: the key
// is a weak pointer, and the entry goes when the scenario is collected.
var programs sync.Map // weak.Pointer[scenario.Scenario] → *compiled

// Program compiles the Lua of a scenario (its folder's files and the
// library) once and returns the same Program for every call with the same
// *Scenario. A scenario loaded again (other --set overrides) is compiled
// again. The library is the scenario's (scenario.Options.Library), or the
// one built into the program (package scripts) when it has none.
func Program(s *scenario.Scenario) (*script.Program, error) {
	key := weak.Make(s)
	v, loaded := programs.LoadOrStore(key, &compiled{})
	c := v.(*compiled)
	if !loaded {
		runtime.AddCleanup(s, func(k weak.Pointer[scenario.Scenario]) { programs.Delete(k) }, key)
	}
	c.once.Do(func() {
		limits, err := Limits(s.Spec.Settings.ScriptLimits)
		if err != nil {
			c.err = err
			return
		}
		lib := s.Library
		if lib == nil {
			lib = scripts.FS
		}
		c.prog, c.err = script.Compile(script.Sources{
			ScenarioFiles: s.Files,
			ScenarioName:  filepath.ToSlash(s.Dir),
			Library:       lib,
			LibraryName:   LibraryName,
		}, limits)
	})
	return c.prog, c.err
}

// limitFields maps settings.script_limits (scenario.ScriptLimits, by YAML
// name) to script.Limits fields.
var limitFields = []struct{ yaml, field string }{
	{"instructions_per_tick", "InstructionsPerTickMax"},
	{"instructions_per_run", "InstructionsPerRunMax"},
	{"call_depth", "CallStackDepthMax"},
	{"coroutines_per_tick", "CoroutinesPerTickMax"},
	{"tasks", "TasksMax"},
	{"string_bytes", "StringBytesMax"},
	{"log_lines_per_tick", "LogLinesPerTickMax"},
	{"live_table_entries", "LiveTableEntriesMax"},
	{"live_string_bytes", "LiveStringBytesMax"},
}

// Limits converts settings.script_limits into the host's Limits: absent
// or 0 keeps the default. A value the host refuses is an error naming the
// setting.
func Limits(sl scenario.ScriptLimits) (script.Limits, error) {
	var l script.Limits
	src := reflect.ValueOf(sl)
	dst := reflect.ValueOf(&l).Elem()
	for _, f := range limitFields {
		sv := fieldByYAML(src, f.yaml)
		if !sv.IsValid() || sv.IsNil() {
			continue
		}
		n := sv.Elem().Int()
		dv := dst.FieldByName(f.field)
		if dv.Kind() == reflect.Int64 {
			dv.SetInt(n)
		} else {
			if n > int64(^uint(0)>>1) {
				return l, fmt.Errorf("settings.script_limits.%s: %d is too large", f.yaml, n)
			}
			dv.SetInt(n)
		}
		one := script.Limits{}
		reflect.ValueOf(&one).Elem().FieldByName(f.field).Set(dv)
		if err := script.CheckLimits(one); err != nil {
			return l, fmt.Errorf("settings.script_limits.%s: %v", f.yaml, err)
		}
	}
	if err := script.CheckLimits(l); err != nil {
		return l, fmt.Errorf("settings.script_limits: %v", err)
	}
	return l, nil
}

// fieldByYAML finds the field of a struct value by its yaml tag.
func fieldByYAML(v reflect.Value, name string) reflect.Value {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("yaml") == name {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}
