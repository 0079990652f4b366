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
	nums := []float64{0, 1, 2, 127, 128, 129, 1000, 4095, 8191, 8192, 8193, 1e6, -1, -8191, 0.5, 8191.5, 1e300, math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}
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
