package script

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// The fork's metered loop handles the commonest opcodes (and the call of a
// Go function) itself instead of through gopher-lua's generic jumpTable
// (third_party/gopher-lua/FORK.md). These tests hold it to the generic
// code: the same results and the same errors, word for word, for the
// operand types and corner cases each fast path has to hand back; and the
// meter counting exactly the instructions the bytecode has.

// fastPathCases: each chunk's results (or its error) must not depend on
// the loop that ran it.
var fastPathCases = []struct{ name, src string }{
	{"arith numbers", `local a, b = 7, 2 return a+b, a-b, a*b, a/b, a%b, -7%2, 7%-2, 5.5%2, 2^10, 1e300*1e10, -1/0, 0%-3`},
	{"arith constants", `local a = 3 return a+1, 1+a, a-0.5, 10/a, a%1, a*-1`},
	{"arith nan", `local n = 0/0 return n ~= n, n == n, n < n, 1 < n, n+1 ~= n+1`},
	{"arith strings coerce", `local s = "10" return s+1, "3"*"4", s%3, s/4, "0x10"+0`},
	{"arith bad string", `local s = "ten" return s+1`},
	{"arith table", `local t = {} return t - 1`},
	{"arith nil", `local x return 1 * x`},
	{"arith bool", `return true % 2`},
	{"arith metamethods", `local mt = {__add = function(a, b) return "add" end, __sub = function() return "sub" end,
		__mul = function() return "mul" end, __div = function() return "div" end, __mod = function() return "mod" end}
		local t = setmetatable({}, mt) return t+1, 1-t, t*t, t/2, t%2`},
	{"arith big results", `local x = 1 for i = 1, 70 do x = x * 3 end return x, x % 7, -x % 7, x / 3`},
	{"compare numbers", `local a, b = 1, 2 return a < b, b < a, a == a, a == b, a < 1, -0 == 0, 1 == 1.0`},
	{"compare mixed", `return 1 == "1", "a" < "b", "b" < "a", nil == false, "x" == "x"`},
	{"compare number string", `return 1 < "2"`},
	{"compare tables", `return {} < {}`},
	{"compare metamethods", `local mt = {__lt = function(a, b) return true end, __eq = function() return true end}
		local a, b = setmetatable({}, mt), setmetatable({}, mt) return a < b, a == b, a ~= b, a == 1`},
	{"test and or", `local n, f, z, e = nil, false, 0, "" return (n and 1), (f or 2), (z and 3), (e and 4), not n, not z, n == nil`},
	{"branches", `local r = {} for i = -2, 2 do if i < 0 then r[#r+1] = "neg" elseif i == 0 then r[#r+1] = "zero" else r[#r+1] = "pos" end end return table.concat(r, ",")`},
	{"gettable", `local t = {10, 20, x = "y", [2.5] = "f"} local k = "x" return t[1], t[2], t[3], t[k], t[2.5], t[0]`},
	{"gettable holes __index", `local t = {1, 2, 3} t[2] = nil setmetatable(t, {__index = function(_, k) return "idx" .. tostring(k) end})
		return t[1], t[2], t[3], t[4], t[0], t[1.5], t[-1], t[0/0], t[1e300], t[2^53]`},
	{"gettable number keys", `local t = {false, "b", 3} t[5] = "hash" local u = {t, {7, 8}} local i, z = 1, -0
		t[4] = "four" return t[1], t[2], t[3], t[4], t[5], t[6], t[i], t[i + 1.0], t[z], u[2][2], u[1][3], #t`},
	{"gettable array shrinks", `local t = {1, 2, 3, 4} for i = 4, 1, -1 do t[i] = nil end t[2] = "x" return t[1], t[2], t[3], #t`},
	{"gettable __index on array miss", `local t = setmetatable({1, nil, 3}, {__index = function(_, k) return "mt" .. tostring(k) end})
		local r = {} for i = 0, 5 do r[#r+1] = tostring(t[i]) end return table.concat(r, ",")`},
	{"gettable nil stored", `local t = {5, 6} t[1] = nil t.x = 1 t.x = nil local k = "x" return t[1], t[2], t[k]`},
	{"gettable long keys", `local k = string.rep("k", 100) local s = string.rep("s", 64) local t = {[k] = 1, [s] = 2}
		return t[k], t[k .. "x"], t[s], t[s .. "y"]`},
	{"gettable index nil", `local x return x[1]`},
	{"gettable index number", `local n = 5 local k = "field" return n[k]`},
	{"gettable __index", `local t = setmetatable({}, {__index = function(_, k) return k .. "!" end}) local u = setmetatable({}, {__index = t})
		local k = "a" return t[k], u[k], u[1]`},
	{"upvalues", `local n = 0 local function inc() n = n + 1 return n end inc() inc() local g = function() return n end return g(), inc(), g()`},
	{"go call results", `local a, b, c = math.floor(2.5) local d = string.byte("abc", 1, 3) local e, f, g, h = string.byte("abc", 1, 3) return a, b, c, d, e, f, g, h`},
	{"go call multret args", `local t = {1, 2, 3} return select("#", unpack(t)), string.format("%d-%d-%d", unpack(t)), select(2, "a", "b", "c")`},
	{"go call no results", `local t = {} table.insert(t, 5) table.insert(t, 1, 4) return t[1], t[2], #t`},
	{"go call error", `return string.rep()`},
	{"go call pcall error", `return pcall(error, "boom"), pcall(error, {}), select("#", pcall(error))`},
	{"call nil", `local f return f(1)`},
	{"call __call", `local t = setmetatable({}, {__call = function(self, a, b) return a + b end}) return t(2, 3)`},
	{"call number", `local n = 1 return n()`},
	{"tail call go", `local function f(x) return math.floor(x) end return f(3.5), f(-3.5)`},
	{"varargs", `local function f(...) return select(2, ...) end local function g(...) return ... end return f(1, 2, 3), g(), (g(4, 5))`},
	{"coroutine yield", `local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) local c = coroutine.yield(b * 2) return c .. "!" end)
		return co(1), co(5), co("end")`},
	{"coroutine status", `local co = coroutine.create(function() coroutine.yield(1) error("inside") end)
		local r = {coroutine.resume(co)} local s = {coroutine.resume(co)} return r[1], r[2], s[1], s[2], coroutine.status(co)`},
	{"stack overflow lua", `local function f(n) return 1 + f(n + 1) end return f(1)`},
	{"stack overflow go", `local function f() return 1 + select(2, pcall(f)) end return f()`},
	{"pcall returns", `local function f(a) if a then error("bad " .. a) end return 1, 2 end return pcall(f), pcall(f, "x")`},
	{"many registers", `local a,b,c,d,e,f,g,h,i,j = 1,2,3,4,5,6,7,8,9,10 local s = a+b+c+d+e+f+g+h+i+j return s, math.max(a,b,c,d,e,f,g,h,i,j)`},
}

// runLoop runs src on a fresh state, through the metered loop or not, and
// describes what it returned or raised.
func runLoop(t *testing.T, src string, metered bool) string {
	t.Helper()
	L := lua.NewState(lua.Options{CallStackSize: 120, RegistrySize: 256, RegistryMaxSize: 1 << 16, RegistryGrowStep: 32})
	defer L.Close()
	// Both loops report long operations' work: the sum is compared too.
	var work int
	L.G.Meter = &lua.Meter{SlotsAt: 1 << 62, Work: func(_ *lua.LState, n int) { work += n }}
	if metered {
		L.G.Meter.Left, L.G.Meter.Check = 1<<40, func(*lua.LState) {}
		L.UseMeter()
	}
	fn, err := L.LoadString(src)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	L.Push(fn)
	if err := L.PCall(0, lua.MultRet, nil); err != nil {
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			return fmt.Sprintf("work=%d error: %s", work, ae.Object.String())
		}
		return fmt.Sprintf("work=%d error: %s", work, err)
	}
	out := []string{fmt.Sprintf("work=%d", work)}
	for i := 1; i <= L.GetTop(); i++ {
		v := L.Get(i)
		out = append(out, fmt.Sprintf("%s:%s", v.Type(), v.String()))
	}
	return strings.Join(out, " ")
}

// Which number keys index a table's array part is the fork's arrayIndex
// (third_party/gopher-lua/utils.go), shared by both loops: these are
// Lua's answers, written out rather than computed by the code under test.
// A number that is not a whole number from 1 up, or that lies past the
// array, must reach __index; one that is must not.
func TestArrayKeysAreLuasArrayKeys(t *testing.T) {
	src := `local t = setmetatable({10, 20, 30}, {__index = function() return "miss" end})
		local keys = {1, 2.0, 3, 4, 0, -0, 1.5, -1, 0/0, 1/0, -1/0, 1e300, 2^53, 2^63, -2^63, 2^31 + 1, 2^32 + 1, 3 + 2^-40}
		local r = {}
		for i, k in ipairs(keys) do r[i] = tostring(t[k]) .. "/" .. tostring(rawget(t, k)) end
		local u = {}
		for _, k in ipairs({67108863, 67108864, 2^53, -2, 1}) do u[k] = k end
		for _, k in ipairs({67108863, 67108864, 2^53, -2, 1, 2}) do r[#r+1] = tostring(u[k]) end
		return table.concat(r, " ")`
	want := "10/10 20/20 30/30 miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil miss/nil " +
		"67108863 67108864 9007199254740992 -2 1 nil"
	for _, metered := range []bool{false, true} {
		if got := runLoop(t, src, metered); got != "work=0 string:"+want {
			t.Errorf("metered=%v:\n got %s\nwant work=0 string:%s", metered, got, want)
		}
	}
}

func TestVMFastPathsMatchGenericLoop(t *testing.T) {
	for _, c := range fastPathCases {
		t.Run(c.name, func(t *testing.T) {
			generic := runLoop(t, c.src, false)
			fast := runLoop(t, c.src, true)
			if fast != generic {
				t.Errorf("metered loop: %s\ngeneric loop: %s", fast, generic)
			}
		})
	}
}

// The meter stops a loop after exactly as many instructions as its
// bytecode has: counted by hand from the listing (FunctionProto.String),
// with the fast paths among them (ADD, JMP, LT, MOVE, LOADK, TEST, the Go
// CALL).
func TestVMFastPathsCountEveryInstruction(t *testing.T) {
	cases := []struct {
		name, src string
		before    int64 // instructions before the loop
		perLoop   int64 // instructions per iteration
	}{
		// GETGLOBAL n; ADD; SETGLOBAL n; JMP
		{"global add", "while true do n = n + 1 end", 0, 4},
		// GETGLOBAL tick; then MOVE f; CALL; JMP
		{"go call", "local f = tick while true do f() end", 1, 3},
		// GETGLOBAL tick; then MOVE f; LOADK 1; CALL; TEST (true: skips
		// the JMP out); JMP back
		{"go call tested", "local f = tick while true do if f(1) then end end", 1, 5},
		// GETGLOBAL tick; LOADK 0; then MOVEN (g = f, and the MOVE of g
		// for the call in the same instruction); CALL; LT (false); JMP back
		// GETGLOBAL tick; NEWTABLE; LOADK 1; SETLIST; then GETTABLE
		// t[1] (the array fast path); TEST (true: skips the JMP out);
		// MOVE f; CALL; JMP back
		{"array read", "local f, t = tick, {1} while true do if t[1] then f() end end", 4, 5},
		{"compare and move", "local f, x = tick, 0 while true do local g = f g() if x < 0 then end end", 2, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, iterations := range []int64{1, 7, 1000} {
				L := lua.NewState(lua.Options{CallStackSize: 120, RegistrySize: 256, RegistryMaxSize: 1 << 16, RegistryGrowStep: 32})
				var ticks int64
				L.SetGlobal("tick", L.NewFunction(func(L *lua.LState) int { ticks++; L.Push(lua.LTrue); return 1 }))
				L.SetGlobal("n", lua.LNumber(0))
				stop := errors.New("out of instructions")
				L.G.Meter = &lua.Meter{SlotsAt: 1 << 62, Check: func(L *lua.LState) {
					if L.G.Meter.Left < 0 {
						L.RaiseError("%v", stop)
					}
				}}
				L.UseMeter()
				fn, err := L.LoadString(c.src)
				if err != nil {
					t.Fatal(err)
				}
				// Left is decremented before each instruction and the
				// (before + perLoop*iterations + 1)th one is refused; the
				// chunk's own closure call is not an instruction.
				L.G.Meter.Left = c.before + c.perLoop*iterations
				L.Push(fn)
				err = L.PCall(0, 0, nil)
				if err == nil || !strings.Contains(err.Error(), stop.Error()) {
					t.Fatalf("err = %v, want the meter's stop", err)
				}
				got := ticks
				if c.name == "global add" {
					got = int64(lua.LVAsNumber(L.GetGlobal("n")))
				}
				if got != iterations {
					t.Errorf("%d instructions ran %d iterations, want %d", c.before+c.perLoop*iterations, got, iterations)
				}
				L.Close()
			}
		})
	}
}

// A Lua function of fixed arity called from Go gets its frame written in
// place (the fork's callR): missing arguments are nil, extra ones dropped,
// the results cut or padded to what the caller asked for, and the caller's
// registers left as they were, for every combination of the three.
func TestCallFromGoFixedArity(t *testing.T) {
	for _, metered := range []bool{false, true} {
		L := lua.NewState(lua.Options{CallStackSize: 120, RegistrySize: 256, RegistryMaxSize: 1 << 16, RegistryGrowStep: 32})
		if metered {
			L.G.Meter = &lua.Meter{SlotsAt: 1 << 62, Left: 1 << 40, Check: func(*lua.LState) {}}
			L.UseMeter()
		}
		if err := L.DoString(`
			function three(a, b, c) local x, y = 1, 2 return tostring(a) .. "," .. tostring(b) .. "," .. tostring(c), x + y, "end" end
			function none() end
			function deep(n) if n == 0 then return "bottom" end return deep(n - 1) end
			function up(a) local u = a return function(b) return u .. b end end`); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			fn   string
			args []lua.LValue
			nret int
			want string
		}{
			{"three", nil, 1, "nil,nil,nil"},
			{"three", []lua.LValue{lua.LNumber(1)}, 3, "1,nil,nil 3 end"},
			{"three", []lua.LValue{lua.LNumber(1), lua.LString("b"), lua.LTrue}, 2, "1,b,true 3"},
			{"three", []lua.LValue{lua.LNumber(1), lua.LNumber(2), lua.LNumber(3), lua.LNumber(4), lua.LNumber(5)}, 5, "1,2,3 3 end nil nil"},
			{"three", []lua.LValue{lua.LFalse}, lua.MultRet, "false,nil,nil 3 end"},
			{"none", []lua.LValue{lua.LNumber(9)}, 2, "nil nil"},
			{"none", nil, lua.MultRet, ""},
			{"deep", []lua.LValue{lua.LNumber(50)}, 1, "bottom"},
		} {
			L.SetTop(0)
			L.Push(lua.LString("below")) // the caller's own register
			L.Push(L.GetGlobal(c.fn))
			for _, a := range c.args {
				L.Push(a)
			}
			L.Call(len(c.args), c.nret)
			var out []string
			for i := 2; i <= L.GetTop(); i++ {
				out = append(out, L.Get(i).String())
			}
			got := strings.Join(out, " ")
			if got != c.want || L.Get(1).String() != "below" {
				t.Errorf("metered=%v %s%v wanting %d: %q (below: %v), want %q", metered, c.fn, c.args, c.nret, got, L.Get(1), c.want)
			}
		}
		// A closure's upvalue, closed when the outer call returned.
		L.SetTop(0)
		L.Push(L.GetGlobal("up"))
		L.Push(lua.LString("x"))
		L.Call(1, 1)
		inner := L.Get(1)
		L.Push(inner)
		L.Push(lua.LString("y"))
		L.Call(1, 1)
		if got := L.Get(-1).String(); got != "xy" {
			t.Errorf("metered=%v closure: %q, want \"xy\"", metered, got)
		}
		L.Close()
	}
}
