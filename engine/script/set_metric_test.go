package script

import (
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

)

// set_metric's results and refusals, pinned: the figure it sets (with or
// without the script. prefix, first and again), and each error's words.
func TestSetMetric(t *testing.T) {
	runAPICases(t, []apiCase{{"set, set again, prefixed", `
set_metric("b", 1) set_metric("a", 2) set_metric("script.b", 3) set_metric("c", 4) set_metric("a", -5)
set_metric("script.script.x", 6) set_metric("z.9_-", 9007199254740992) set_metric("b", -9007199254740992)
log(metric("script.a"), metric("script.b"), metric("script.c"), metric("script.script.x"), metric("script.z.9_-"))`, 0, `
-5	-9007199254740992	4	6	9007199254740992`}})
	for _, c := range []struct{ src, want string }{
		{`set_metric()`, `set_metric: the name: want a string, got nil`},
		{`set_metric("", 1)`, `set_metric: the name: want a string, got ""`},
		{`set_metric(7, 1)`, `set_metric: the name: want a string, got 7`},
		{`set_metric("script.", 1)`, `set_metric: name "": letters, digits, '-', '_' and '.' (it is stored as script.NAME)`},
		{`set_metric("a b", 1)`, `set_metric: name "a b": letters, digits, '-', '_' and '.' (it is stored as script.NAME)`},
		{`set_metric("_a", 1)`, `set_metric: name "_a": letters`},
		{`set_metric("` + strings.Repeat("x", 121) + `", 1)`, `set_metric: name "` + strings.Repeat("x", 121) + `": letters`},
		{`set_metric("a", 1) set_metric("a", 1.5)`, `set_metric: the value: want a whole number from -9007199254740992 to 9007199254740992, got 1.5`},
		{`set_metric("a", 1) set_metric("a", 9007199254740994)`, `set_metric: the value: want a whole number from -9007199254740992 to 9007199254740992, got`},
		{`set_metric("a", 1) set_metric("a")`, `set_metric: the value: want a whole number from -9007199254740992 to 9007199254740992, got nil`},
		{`set_metric("a", 1) set_metric("script.a", "2")`, `set_metric: the value: want a whole number from -9007199254740992 to 9007199254740992, got "2"`},
	} {
		_, err := tryStory(t, c.src, storyOpts{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %s", c.src, err, c.want)
		}
	}
}

// A story that publishes a figure every tick sets the same names again
// and again: once a name is set, setting it again allocates nothing
// (it once built "script."+name on every call).
func TestSetMetricAgainAllocatesNothing(t *testing.T) {
	st := newStory(t, `set_metric("figure", 0) set_metric("script.other", 0) set_metric("last", 0)`, storyOpts{})
	L := st.State().ls
	fn := L.GetGlobal("set_metric")
	for _, name := range []string{"figure", "script.other", "last", "script.figure"} {
		key := lua.LValue(lua.LString(name))
		calls := func() {
			for i := 0; i < 100; i++ {
				L.Push(fn)
				L.Push(key)
				L.PushNumber(lua.LNumber(i)) // a preboxed number: no allocation
				L.Call(2, 0)
			}
		}
		// Warm up: the budget's first check of the heap (after 1,024
		// instructions' worth) makes the runtime set up its metrics once.
		for i := 0; i < 10; i++ {
			if err := st.State().protect(calls); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		allocs := testing.AllocsPerRun(20, func() {
			if e := st.State().protect(calls); e != nil {
				err = e
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if allocs > 0 {
			t.Errorf("100 calls of set_metric(%q, i) allocated %.0f times", name, allocs)
		}
		if v, err := st.w.Metric("script." + strings.TrimPrefix(name, "script.")); err != nil || v != 99 {
			t.Errorf("%s = %d, %v after the calls; want 99", name, v, err)
		}
	}
}

// The figures a story sets live in the world, outside what the Lua limits
// count, and every one is listed in the white cell's delta each tick: a
// story may set at most ScriptMetricsMax names. A name already set can be
// set again at the bound; a new one past it stops the story, at the same
// call on every run. (Without the bound, a story making 20,000 names a
// tick had a million after 50 ticks, each new one a copy of the sorted
// list, until the wall-clock crash stop.)
func TestSetMetricNamesBounded(t *testing.T) {
	src := `for i = 1, ` + fmt.Sprint(ScriptMetricsMax) + ` do set_metric("m" .. i, i) end
set_metric("m1", -1) set_metric("script.m2", -2)
log(metric("script.m1"), metric("script.m2"), metric("script.m` + fmt.Sprint(ScriptMetricsMax) + `"))
at(1, function()
  set_metric("m3", -3)
  log(metric("script.m3"))
  set_metric("one-more", 1)
end)`
	st := newStory(t, src, storyOpts{})
	err := st.runErr(3)
	want := fmt.Sprintf(`story.lua:7: tick 1: set_metric: name "one-more": a story may set at most %d different names (script.NAME), and this would be one more; set the same names again, or add up what they count`, ScriptMetricsMax)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if got, want := st.output(), fmt.Sprintf("-1\t-2\t%d\n-3", ScriptMetricsMax); got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	if len(st.w.Custom) != ScriptMetricsMax {
		t.Errorf("%d script metrics", len(st.w.Custom))
	}
}
