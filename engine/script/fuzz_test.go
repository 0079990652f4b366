package script

import (
	"testing"
	"time"
)

// FuzzCompile feeds arbitrary source to the compiler and, when it compiles,
// runs it under tight limits: neither may panic or hang, and every failure
// must be an *Error.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"",
		"print('hi')",
		"local t = {} for i = 1, 10 do t[i] = i .. 'x' end return #t",
		"while true do end",
		"local s = 'x' while true do s = s .. s end",
		"return " + "{{{{{{{{{{}}}}}}}}}}",
		"a = function(...) return ... end; a(1, 2, 3)",
		"goto x; ::x::",
		"local a <const> = 1",
		"return ('a'):rep(100):gsub('(a-)(a*)', '%2%1')",
		"spawn(function() wait(1) end)",
		"x = 0x10 + 1e5 - 3 % 2 ^ 2 .. 'a' == 'b' and not nil or #{}",
		"local co = coroutine.wrap(function() coroutine.yield(1) end) co() co()",
		"string.format('%5.2f %q %s %d', 1, 'x', {}, 3)",
		"--[==[ long comment ]==] return [[long string]]",
		"t = setmetatable({}, {__index = function(t, k) return k end}) return t.x",
	} {
		f.Add(seed)
	}
	limits := Limits{
		InstructionsPerTickMax: 20_000,
		StringBytesMax:         1 << 16,
		WallTimePerTickMax:     2 * time.Second,
		SourceBytesMax:         1 << 16,
	}
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		defer func() {
			// A hang guard (the budget must stop every script), far above
			// what an input takes, so a busy machine does not trip it.
			if d := time.Since(start); d > 30*time.Second {
				t.Fatalf("took %v", d)
			}
		}()
		prog, err := Compile(Sources{Scenario: files(map[string]string{"story.lua": src}), ScenarioName: "fuzz"}, limits)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("compile error %T %v", err, err)
			}
			return
		}
		st, err := New(Options{Program: prog, Limits: limits, Rand: newRand(1)})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for tick := int64(0); tick < 3; tick++ {
			if err := st.SetTick(tick); err != nil {
				return
			}
			if tick == 0 {
				if err := st.Run("story.lua"); err != nil {
					if _, ok := err.(*Error); !ok {
						t.Fatalf("run error %T %v", err, err)
					}
				}
			}
			if err := st.RunTasks(); err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("tasks error %T %v", err, err)
				}
			}
		}
	})
}
