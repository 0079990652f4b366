package script

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// luaPrint sends a line to the log sink instead of stdout. Lines per tick
// and bytes per line are capped so a chatty loop cannot flood the journal.
func (s *State) luaPrint(L *lua.LState) int {
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(s.tostring(L, L.Get(i)))
		if b.Len() > s.limits.LogLineBytesMax {
			break
		}
	}
	line := b.String()
	s.charge(L, bytesCost(len(line)))
	if len(line) > s.limits.LogLineBytesMax {
		line = line[:s.limits.LogLineBytesMax] + "…"
	}
	s.logLines++
	switch {
	case s.logLines < s.limits.LogLinesPerTickMax:
		s.log(line)
	case s.logLines == s.limits.LogLinesPerTickMax:
		s.log(line)
		s.log(fmt.Sprintf("print: %d lines this tick; dropping the rest of the tick (Limits.LogLinesPerTickMax)", s.limits.LogLinesPerTickMax))
	}
	return 0
}

// luaAssert is assert; gopher-lua's uses the message as a format string.
// As in Lua 5.1 the message gets no position (the *Error still has one).
func luaAssert(L *lua.LState) int {
	if !L.ToBool(1) {
		L.Error(lua.LString(L.OptString(2, "assertion failed!")), 0)
	}
	return L.GetTop()
}

// Some of gopher-lua's own error messages print a value with its address
// ("attempt to index a non-table object(nil) with key 'table: 0xc000…'").
// Every door through which an error message reaches a script (pcall,
// xpcall's handler, coroutine.resume) or the caller (*Error) scrubs the
// address, so that caught errors replay too.
const scrubBytesMax = 4 << 10

var addressRE = regexp.MustCompile(`\b(table|function|thread|userdata|channel): 0x[0-9a-f]+`)

// gopher-lua's own messages are short (their string arguments are cut to
// 200 bytes); a longer message is the script's own value, which tostring
// already printed without addresses, so it is not scanned (for free) again.
func scrubAddresses(msg string) string {
	if len(msg) > scrubBytesMax || !strings.Contains(msg, ": 0x") {
		return msg
	}
	return addressRE.ReplaceAllString(msg, "$1")
}

// scrubFailure scrubs the message of a (false, message, ...) result of n
// values on top of L's stack, and returns n.
func scrubFailure(L *lua.LState, n int) int {
	top := L.GetTop()
	if n >= 2 && L.Get(top-n+1) == lua.LFalse {
		if msg, ok := L.Get(top - n + 2).(lua.LString); ok {
			L.Replace(top-n+2, lua.LString(scrubAddresses(string(msg))))
		}
	}
	return n
}

// errorCost is what an error caught by pcall, xpcall or coroutine.resume
// charges: gopher-lua raises through a Go panic and builds a traceback,
// which costs about as much as a thousand instructions, so a loop of
// caught errors would otherwise run for seconds on one tick's budget.
const errorCost = 1000

// caught scrubs a (false, message, ...) result and charges the error.
func (s *State) caught(L *lua.LState, n int) int {
	if top := L.GetTop(); n >= 1 && L.Get(top-n+1) == lua.LFalse {
		s.charge(L, errorCost)
	}
	return scrubFailure(L, n)
}

func (s *State) luaPcall(L *lua.LState) int {
	return s.caught(L, s.orig.pcall(L))
}

func (s *State) luaXpcall(L *lua.LState) int {
	handler := L.CheckFunction(2)
	L.Replace(2, L.NewFunction(func(L *lua.LState) int {
		if msg, ok := L.Get(1).(lua.LString); ok {
			L.Replace(1, lua.LString(scrubAddresses(string(msg))))
		}
		L.Insert(handler, 1)
		L.Call(L.GetTop()-1, 1)
		return 1
	}))
	return s.caught(L, s.orig.xpcall(L))
}

// luaError is error(v [, level]) with Lua's levels: gopher-lua's points
// level 2 at the function that called error, not at its caller.
//
// Prefixing the position copies the message, so the copy is paid for and
// kept within StringBytesMax (the message is cut, not the position).
func (s *State) luaError(L *lua.LState) int {
	v := L.Get(1)
	level := optInt(L, 2, 1)
	if msg, ok := v.(lua.LString); ok && level > 0 {
		if dbg, ok := L.GetStack(int(level)); ok {
			if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.What != "G" && dbg.CurrentLine > 0 {
				prefix := fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
				s.charge(L, bytesCost(len(prefix)+len(msg)))
				body := string(msg)
				if room := s.limits.StringBytesMax - len(prefix) - 32; len(body) > room {
					body = truncateMsg(body, max(room, 0))
				}
				v = lua.LString(prefix + body)
			}
		}
	}
	L.Error(v, 0)
	return 0
}

// luaTostring is tostring without memory addresses.
func (s *State) luaTostring(L *lua.LState) int {
	L.Push(lua.LString(s.tostring(L, L.CheckAny(1))))
	return 1
}

// tostring honours __tostring and names tables, functions, coroutines and
// userdata by a per-state sequence number ("table: #3") instead of an
// address, so that output replays.
func (s *State) tostring(L *lua.LState, v lua.LValue) string {
	if mt := L.GetMetaField(v, "__tostring"); mt != lua.LNil {
		L.Push(mt)
		L.Push(v)
		L.Call(1, 1)
		r := L.Get(-1)
		L.Pop(1)
		switch r := r.(type) {
		case lua.LString:
			return string(r)
		case lua.LNumber:
			return formatNumber(r)
		}
		L.RaiseError("'__tostring' must return a string")
	}
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return formatNumber(v)
	case *lua.LTable:
		return "table: #" + strconv.FormatUint(s.ids.table(v), 10)
	case *lua.LFunction:
		if v.IsG {
			return "function: builtin #" + strconv.FormatUint(s.ids.function(v), 10)
		}
		return "function: #" + strconv.FormatUint(s.ids.function(v), 10)
	case *lua.LState:
		return "thread: #" + strconv.FormatUint(s.ids.thread(v), 10)
	case *lua.LUserData:
		return "userdata: #" + strconv.FormatUint(s.ids.userdata(v), 10)
	}
	return v.String()
}

// formatNumber is gopher-lua's number format with one fix: it prints
// integers through int64 only when they fit, because int64(2^63) is
// 2^63-1 on arm64 and -2^63 on amd64.
func formatNumber(n lua.LNumber) string {
	f := float64(n)
	if f >= -(1<<63) && f < 1<<63 && f == math.Trunc(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	return fmt.Sprint(f)
}
