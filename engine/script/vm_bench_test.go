package script

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Focused benchmarks of the fork's metered VM (third_party/gopher-lua),
// without the script host around it: what the host pays to enter a Lua
// function, and what a script pays per call of a Go function.

func meteredState(b *testing.B) *lua.LState {
	L := lua.NewState(lua.Options{CallStackSize: 120, RegistrySize: 256, RegistryMaxSize: 1 << 16, RegistryGrowStep: 32})
	L.G.Meter = &lua.Meter{Left: 1 << 62, SlotsAt: 1 << 62, Check: func(*lua.LState) {}}
	L.UseMeter()
	b.Cleanup(L.Close)
	return L
}

// BenchmarkVMEnterLua: the host calls a small Lua function (L.Call), as
// the script host does once a tick for each due timer.
func BenchmarkVMEnterLua(b *testing.B) {
	L := meteredState(b)
	// No number is boxed (so no garbage and no write barriers).
	if err := L.DoString(`local t = {1} function tick() local v = t[1] if v > 0 then end end`); err != nil {
		b.Fatal(err)
	}
	fn := L.GetGlobal("tick")
	b.ReportAllocs()
	for b.Loop() {
		L.Push(fn)
		L.Call(0, 0)
	}
}

// BenchmarkVMGoCalls: a Lua loop calling a Go function with two arguments
// and one result, the shape of a campaign method call; ns/op is per call
// (7 instructions around it; loop counters stay below 8,192, the VM's
// preboxed numbers, so nothing is allocated).
func BenchmarkVMGoCalls(b *testing.B) {
	const calls = 10_000 // 100 × 100
	L := meteredState(b)
	L.SetGlobal("f", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.Get(2))
		return 1
	}))
	if err := L.DoString(`function loop() local f, s = f, 0 for j = 1, 100 do for i = 1, 100 do if f(s, 3) then s = 1 end end end end`); err != nil {
		b.Fatal(err)
	}
	fn := L.GetGlobal("loop")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += calls {
		L.Push(fn)
		L.Call(0, 0)
	}
}
