package lua

import (
	"fmt"
	"runtime"
	"strings"
)

// Protect runs fn, Go code that calls into Lua (Call, CallByParam), in
// protected mode, as PCall runs a function: a Lua error or a Go panic
// raised inside it unwinds to here, comes back as an *ApiError, and the
// call stack and registers are restored to where they were. (cyberex fork:
// the host enters Lua once a tick for every phase of the tick; PCall of a
// Go function would push a function frame and run the VM loop only to call
// it.)
func (ls *LState) Protect(fn func()) error {
	return ls.protect(ls.reg.Top(), fn)
}

// protect runs fn in protected mode; on an error the registers are cut
// back to base. It is PCall without an error handler (which calls it) and
// Protect.
func (ls *LState) protect(base int, fn func()) (err error) {
	sp := ls.stack.Sp()
	oldpanic := ls.Panic
	ls.Panic = panicWithoutTraceback
	returned := false
	defer func() {
		ls.Panic = oldpanic
		ls.hasErrorFunc = false
		if returned {
			// fn returned: nothing to recover (recover() is a runtime
			// call, paid on every tick otherwise).
			ls.stack.SetSp(sp)
			if sp == 0 {
				ls.currentFrame = nil
			}
			return
		}
		if rcv := recover(); rcv != nil {
			aerr := ls.apiError(rcv)
			if len(aerr.StackTrace) == 0 {
				aerr.StackTrace = ls.stackTrace(0)
			}
			err = aerr
			ls.stack.SetSp(sp)
			ls.currentFrame = ls.stack.Last()
			ls.reg.SetTop(base)
		}
		ls.stack.SetSp(sp)
		if sp == 0 {
			ls.currentFrame = nil
		}
	}()
	fn()
	returned = true
	return nil
}

// apiError is what a protected call returns for a value it recovered: a
// Lua error as raised, or a Go panic (which stops the host for good, see
// goPanic) as an ApiErrorPanic.
func (ls *LState) apiError(rcv any) *ApiError {
	if aerr, ok := rcv.(*ApiError); ok {
		return aerr
	}
	ls.goPanic(rcv)
	aerr := newApiErrorS(ApiErrorPanic, fmt.Sprint(rcv))
	if ls.Options.IncludeGoStackTrace {
		buf := make([]byte, 4096)
		runtime.Stack(buf, false)
		aerr.StackTrace = strings.Trim(string(buf), "\000") + "\n" + ls.stackTrace(0)
	}
	return aerr
}
