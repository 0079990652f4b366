package script

import (
	"math"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestPushedNumbersKeepTheirValue: the fork boxes the whole numbers 0 to
// 8,191 once and makes their interfaces from an address; every number
// pushed, preboxed or not, reads back as itself (a negative zero keeps its
// sign), and a preboxed one compares equal to the same number boxed anew.
func TestPushedNumbersKeepTheirValue(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	nums := []float64{0, 1, 2, 127, 128, 129, 1000, 4095, 8191, 8192, 8193, 1e6, -1, -8191, 0.5, 8191.5, 1e300, math.Inf(1), math.Inf(-1), math.Copysign(0, -1),
		// around PushNumber's test of the bits (below 8,192's, a whole number)
		1e-300, 5e-324, -1e-300, -0.5, 8191.999999, math.Nextafter(8192, 0), math.NaN(), math.Float64frombits(0x7ff8000000000001), -math.NaN()}
	for i := 0; i < 8192; i += 97 {
		nums = append(nums, float64(i))
	}
	for _, n := range nums {
		L.PushNumber(lua.LNumber(n))
		got, ok := L.Get(-1).(lua.LNumber)
		L.Pop(1)
		if !ok || math.Float64bits(float64(got)) != math.Float64bits(n) {
			t.Fatalf("PushNumber(%v) read back %v (%v)", n, got, ok)
		}
		if var1, var2 := lua.LValue(lua.LNumber(n)), lua.LValue(got); !math.IsNaN(n) && var1 != var2 {
			t.Fatalf("PushNumber(%v) is not == to LNumber(%v)", n, n)
		}
	}
	// Numbers made by the VM's arithmetic take the same path.
	if err := L.DoString(`local s = 0 for i = 1, 8200 do s = s + 1 end assert(s == 8200) local t = {} t[8191] = "x" assert(t[8190 + 1] == "x") assert(4096 * 2 - 1 == 8191)`); err != nil {
		t.Fatal(err)
	}
}

// TestMathBuiltinsMakeNoGarbage: the math builtins push their results
// through the number cache (the fork), so a whole result allocates
// nothing, and every result is still right (a negative zero included).
func TestMathBuiltinsMakeNoGarbage(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`
		assert(math.abs(-3) == 3 and math.max(1, 7, 3) == 7 and math.min(4, 2) == 2)
		assert(math.fmod(7, 3) == 1 and math.sqrt(16) == 4 and math.pow(2, 10) == 1024)
		assert(1 / math.abs(-0) > 0 and 1 / math.max(-0) < 0 and math.abs(-2.5) == 2.5)
		function f() local s = 0 for i = 1, 90 do s = math.max(s, math.abs(i), math.min(i, 50), math.sqrt(i * i)) end return s end`); err != nil {
		t.Fatal(err)
	}
	fn := L.GetGlobal("f")
	allocs := testing.AllocsPerRun(20, func() {
		L.Push(fn)
		L.Call(0, 1)
		L.Pop(1)
	})
	if allocs > 0 {
		t.Fatalf("a loop of math.max, abs, min and sqrt over whole numbers allocated %.0f times a run", allocs)
	}
}
