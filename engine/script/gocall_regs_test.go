package script

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// A Go call leaves no value in the registers above the caller's top: the
// memory accounting walks a stack up to its top only (LState.VisitStack),
// so a table left above it would be memory no walk counts. The fork clears
// those registers with loops of its own (callGFunction, registry.truncate)
// rather than SetTop's memclr; here the table a script made is collected
// while the script still runs, which it cannot be while a register holds
// it.
func TestGoCallLeavesNoValueAboveTop(t *testing.T) {
	cases := []struct{ name, src string }{
		// mark's argument (R1) is cleared by callGFunction when mark
		// returns; probe's call (R0, no argument) does not reach R1.
		{"the callee's arguments", `mark({}) probe()`},
		// b (R2) holds the table after the block; f's call (R1, no
		// argument) lowers the top below it.
		{"the caller's dead registers", `local f = probe do local a, b = nil, mark({}) end f()`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			L := lua.NewState(lua.Options{CallStackSize: 120, RegistrySize: 256, RegistryMaxSize: 1 << 16, RegistryGrowStep: 32})
			defer L.Close()
			L.G.Meter = &lua.Meter{SlotsAt: 1 << 62, Left: 1 << 40, Check: func(*lua.LState) {}}
			L.UseMeter()
			var freed atomic.Bool
			L.SetGlobal("mark", L.NewFunction(func(L *lua.LState) int {
				runtime.SetFinalizer(L.CheckTable(1), func(*lua.LTable) { freed.Store(true) })
				L.Push(L.Get(1))
				return 1
			}))
			collected := false
			L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
				for i := 0; i < 200 && !freed.Load(); i++ {
					runtime.GC()
					time.Sleep(time.Millisecond)
				}
				collected = freed.Load()
				return 0
			}))
			if err := L.DoString(c.src); err != nil {
				t.Fatal(err)
			}
			if !collected {
				t.Error("the table was still held when probe ran: a register above the top keeps it")
			}
		})
	}
}
