package script

import (
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// require(name) loads a module from the compiled Program only: no search
// path, no files, no C loaders. "playbooks.botnet" is playbooks/botnet.lua
// in the scenario's folder, else in the shared library. The name grammar
// leaves no way to spell "..", an absolute path or a separator.

var moduleNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)

const moduleNameBytesMax = 200

// modulePath maps a module name to its file inside a tree.
func modulePath(name string) (string, bool) {
	if len(name) > moduleNameBytesMax || !moduleNameRE.MatchString(name) {
		return "", false
	}
	return strings.ReplaceAll(name, ".", "/") + ".lua", true
}

func (s *State) luaRequire(L *lua.LState) int {
	name := L.CheckString(1)
	L.Push(s.require(L, name))
	return 1
}

// require runs a module once per state and caches what it returns (true
// when it returns nothing), as Lua's require does.
func (s *State) require(L *lua.LState, name string) lua.LValue {
	if v, ok := s.modules[name]; ok {
		return v
	}
	if s.loadingModules[name] {
		L.RaiseError("require %q: circular require (the module is still loading)", name)
	}
	rel, ok := modulePath(name)
	if !ok {
		L.RaiseError("require %q: a module name is dot-separated words of letters, digits, '_' and '-'", name)
	}
	c := s.prog.lookup(rel)
	if c == nil {
		L.RaiseError("require %q: no %s in the scenario or the script library", name, rel)
	}
	s.loadingModules[name] = true
	defer delete(s.loadingModules, name) // also when an error propagates: a later require retries
	L.Push(s.instantiate(L, c))
	L.Push(lua.LString(name))
	L.Call(1, 1)
	v := L.Get(-1)
	L.Pop(1)
	if v == lua.LNil {
		v = lua.LTrue
	}
	s.modules[name] = v
	return v
}

// instantiate turns a compiled chunk into the function a script runs:
// calling the wrapper hands it the bounded concatenation (see rewrite.go).
func (s *State) instantiate(L *lua.LState, c *chunk) *lua.LFunction {
	L.Push(L.NewFunctionFromProto(c.proto))
	L.Push(s.concat)
	L.Call(1, 1)
	fn := L.Get(-1)
	L.Pop(1)
	return fn.(*lua.LFunction)
}
