package script

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// NoTick is the Tick of an error raised outside any tick: at compile time,
// or while a scenario sets up before the first SetTick.
const NoTick int64 = -1

// Kind sorts errors by what a planner does about them.
type Kind int

const (
	// KindSyntax: the source does not compile; fix the file.
	KindSyntax Kind = iota + 1
	// KindRuntime: the script raised an error (its own or a builtin's).
	KindRuntime
	// KindLimit: a limit in Limits stopped the script; Error.Limit names it.
	KindLimit
)

func (k Kind) String() string {
	switch k {
	case KindSyntax:
		return "syntax"
	case KindRuntime:
		return "runtime"
	case KindLimit:
		return "limit"
	}
	return "unknown"
}

// Error is every error a script causes. It names the place a planner opens
// in an editor, and the tick a CI engineer replays to.
type Error struct {
	File  string // chunk name, e.g. "scenarios/botnet/story.lua"; "" if unknown
	Line  int    // 1-based; 0 if unknown
	Col   int    // 1-based column of a syntax error; 0 if unknown
	Tick  int64  // NoTick outside a tick
	Msg   string // without the "file:line:" prefix
	Kind  Kind
	Limit string // for KindLimit: the Limits field, e.g. "InstructionsPerTickMax"
}

// Error formats as "scenarios/x/story.lua:12: tick 40: attempt to call nil".
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
			if e.Col > 0 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(e.Col))
			}
		}
		b.WriteString(": ")
	}
	if e.Tick != NoTick {
		b.WriteString("tick ")
		b.WriteString(strconv.FormatInt(e.Tick, 10))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// limitSuffix marks a Lua error message raised by a limit, so that the
// error keeps its kind even after a script caught and re-raised it.
const limitSuffix = " (limit Limits.%s)"

var limitSuffixRE = regexp.MustCompile(` \(limit Limits\.([A-Za-z]+)\)$`)

// limitMsg is the message of a Lua error raised because limit was reached.
func limitMsg(limit, format string, args ...any) string {
	return fmt.Sprintf(format, args...) + fmt.Sprintf(limitSuffix, limit)
}

// positionRE splits gopher-lua's "chunk:line: message" prefix.
var positionRE = regexp.MustCompile(`(?s)^([^:\n]+):(\d+): (.*)$`)

// splitPosition returns the file and line a Lua message starts with, if the
// file is one of ours (isChunk), and the rest of the message.
func splitPosition(msg string, isChunk func(string) bool) (file string, line int, rest string) {
	m := positionRE.FindStringSubmatch(msg)
	if m == nil || !isChunk(m[1]) {
		return "", 0, msg
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return "", 0, msg
	}
	return m[1], n, m[3]
}

// newRuntimeError builds the Error for a Lua error value. pos is where the
// error was raised if known (the innermost Lua frame); the message's own
// prefix wins because error(msg, level) points it at the caller on purpose.
func newRuntimeError(msg string, pos position, tick int64, isChunk func(string) bool) *Error {
	e := &Error{File: pos.file, Line: pos.line, Tick: tick, Msg: msg, Kind: KindRuntime}
	if file, line, rest := splitPosition(msg, isChunk); file != "" {
		e.File, e.Line, e.Msg = file, line, rest
	}
	if m := limitSuffixRE.FindStringSubmatch(e.Msg); m != nil {
		e.Kind, e.Limit = KindLimit, m[1]
		return e
	}
	// gopher-lua's own stops, raised as plain messages.
	for _, o := range []struct{ suffix, limit string }{
		{"stack overflow", "CallStackDepthMax"},         // pushCallFrame
		{"lua callstack overflow", "CallStackDepthMax"}, // the auto-growing call stack
		{"registry overflow", "RegistrySlotsMax"},
	} {
		if strings.HasSuffix(e.Msg, o.suffix) {
			e.Kind, e.Limit = KindLimit, o.limit
			e.Msg += fmt.Sprintf(limitSuffix, o.limit)
			break
		}
	}
	return e
}

// errorMsgBytesMax bounds the message of an *Error.
const errorMsgBytesMax = 4 << 10

// truncateMsg cuts msg to at most n bytes, at a UTF-8 boundary, and says
// how long it was.
func truncateMsg(msg string, n int) string {
	if len(msg) <= n {
		return msg
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + fmt.Sprintf("… (%d bytes)", len(msg))
}

// errorValueString renders a non-string error value without calling any
// metamethod: the budget may be spent, and the value may be hostile.
func errorValueString(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return formatNumber(v)
	case *lua.LNilType:
		return "error raised without a message (error() or error(nil))"
	}
	return "(error object is a " + v.Type().String() + " value)"
}

// syntaxError converts gopher-lua's parse and compile errors.
func syntaxError(file string, err error) *Error {
	e := &Error{File: file, Tick: NoTick, Kind: KindSyntax, Msg: err.Error()}
	var pe *parse.Error
	var ce *lua.CompileError
	switch {
	case errors.As(err, &pe):
		e.Line = pe.Pos.Line
		e.Col = pe.Pos.Column
		e.Msg = strings.TrimSpace(pe.Message)
		if pe.Token != "" {
			e.Msg += " near '" + pe.Token + "'"
		}
		if e.Line <= 0 {
			e.Line, e.Col = 0, 0
			e.Msg += " at end of file"
		}
	case errors.As(err, &ce):
		e.Line = ce.Line
		e.Msg = ce.Message
	}
	return e
}

// NamesTick says the message already names its tick ("story.lua:12: tick
// 40: ..."), so that engine.World.Step does not prefix it again.
func (e *Error) NamesTick() bool { return e.Tick != NoTick }
