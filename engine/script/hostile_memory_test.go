package script

import (
	"errors"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Hostile stories (issue 9, class 2): memory held by every kind of
// reference counts against the Live* limits, and the stop names the file,
// the line and the tick, the same in every run.

// hostileStop runs a story until it fails (at most ticks) and checks the
// failure: the limit, a file and line of the story, and a tick.
func hostileStop(t *testing.T, src string, limits Limits, ticks int, limit string) *Error {
	t.Helper()
	var first *Error
	for run := 0; run < 2; run++ {
		st, err := tryStory(t, src, storyOpts{limits: limits})
		if err == nil {
			err = st.runErr(ticks)
		}
		if err == nil {
			t.Fatalf("never stopped in %d ticks", ticks)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("want *script.Error, got %T %v", err, err)
		}
		if e.Kind != KindLimit || e.Limit != limit || e.File != scenarioName+"/story.lua" || e.Line == 0 || e.Tick == NoTick {
			t.Fatalf("got %q (kind %v, limit %q, file %q, line %d, tick %d), want %s at a line of story.lua", e, e.Kind, e.Limit, e.File, e.Line, e.Tick, limit)
		}
		if first == nil {
			first = e
		} else if e.Error() != first.Error() {
			t.Fatalf("second run stopped differently:\n%s\n%s", first, e)
		}
	}
	return first
}

func TestHostileMemoryByEveryReference(t *testing.T) {
	small := Limits{LiveTableEntriesMax: 20_000, LiveStringBytesMax: 2 << 20, LiveCoroutinesMax: 50}
	cases := []struct {
		name, src, limit string
	}{
		{"upvalue of a timer", `
			local t = {}
			every(1, function() for i = 1, 3000 do t[#t + 1] = i end end)`, "LiveTableEntriesMax"},
		{"upvalue of a handler", `
			local t = {}
			on("script.grow", function() for i = 1, 3000 do t[#t + 1] = i end end)
			every(1, function() emit("script.grow", {}) end)`, "LiveTableEntriesMax"},
		{"upvalue of a one-shot timer that re-arms itself", `
			local function grow(keep)
				for i = 1, 3000 do keep[#keep + 1] = {} end
				after(1, function() grow(keep) end)
			end
			grow({})`, "LiveTableEntriesMax"},
		{"argument of a timer's closure, nothing global", `
			every(1, (function() local hoard = {} return function() hoard[#hoard + 1] = ("x"):rep(100000) .. #hoard end end)())`, "LiveStringBytesMax"},
		{"metatable of strings", `
			getmetatable("").__hoard = {}
			every(1, function() local h = getmetatable("").__hoard for i = 1, 3000 do h[#h + 1] = i end end)`, "LiveTableEntriesMax"},
		{"suspended coroutine's locals", `
			keep = {}
			every(1, function()
				local co = coroutine.create(function() local t = {} for i = 1, 3000 do t[i] = i end coroutine.yield() end)
				coroutine.resume(co)
				keep[#keep + 1] = co
			end)`, "LiveTableEntriesMax"},
		{"coroutines held by a handler", `
			local cos = {}
			every(1, function() for i = 1, 10 do cos[#cos + 1] = coroutine.create(function() end) end end)`, "LiveCoroutinesMax"},
		{"temporaries of a running loop", `
			every(1, function()
				local t = {}
				for i = 1, 1e9 do t[i] = i end
			end)`, "LiveTableEntriesMax"},
		{"one string held in many places is counted once, distinct ones each", `
			local s = ("y"):rep(1000)
			local keep = {}
			every(1, function() for i = 1, 100 do keep[#keep + 1] = s; keep[#keep + 1] = s .. i end end)`, "LiveStringBytesMax"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hostileStop(t, c.src, small, 200, c.limit)
		})
	}
}

// A table whose keys come and go stays small: gopher-lua kept every
// deleted key in its key order (the fork compacts them).
func TestHostileDeletedKeysDoNotAccumulate(t *testing.T) {
	h := newHarness(t, `
		churn = {}
		local n = 0
		function step()
			for i = 1, 5000 do
				n = n + 1
				churn["k" .. n] = n
				churn[n] = n
				churn["k" .. n] = nil
				churn[n] = nil
			end
		end`, 1, Limits{LiveTableEntriesMax: 20_000, InstructionsPerTickMax: 10_000_000}, nil)
	if err := h.SetTick(0); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("story.lua"); err != nil {
		t.Fatal(err)
	}
	for tick := int64(1); tick <= 20; tick++ {
		if err := h.SetTick(tick); err != nil {
			t.Fatal(err)
		}
		if _, err := h.call(h.ls.GetGlobal("step").(*lua.LFunction), nil); err != nil {
			t.Fatalf("tick %d: %v", tick, err)
		}
	}
	churn := h.ls.GetGlobal("churn").(*lua.LTable)
	if n := churn.Slots(); n > 200 {
		t.Errorf("a table with no live entry holds %d slots after 100,000 keys came and went", n)
	}
}

// A story that holds much and does little walks nothing: the accounting
// follows allocation (issue 14).
func TestAccountingWalksOnlyWhenAllocationCouldCross(t *testing.T) {
	h := newHarness(t, `
		big = {}
		for i = 1, 200000 do big[i] = i end
		function tick() local x = 0 for i = 1, 10 do x = x + i end return x end`, 1,
		Limits{LiveTableEntriesMax: 1 << 20, InstructionsPerTickMax: 10_000_000}, nil)
	if err := h.SetTick(0); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("story.lua"); err != nil {
		t.Fatal(err)
	}
	walks := h.acct.walks
	for tick := int64(1); tick <= 1000; tick++ {
		if err := h.SetTick(tick); err != nil {
			t.Fatal(err)
		}
		if _, err := h.call(h.ls.GetGlobal("tick").(*lua.LFunction), nil); err != nil {
			t.Fatal(err)
		}
	}
	if h.acct.walks != walks {
		t.Errorf("%d walks in 1,000 ticks that allocate nothing", h.acct.walks-walks)
	}
	if fp := h.Footprint(); fp.TableEntries < 200_000 {
		t.Errorf("footprint %+v does not count the big table", fp)
	}
}

// Every limit stop the accounting makes agrees with a walk at every
// instruction check: the bound never lets a crossing through.
func TestAccountingAgreesWithFullWalks(t *testing.T) {
	src := `
		keep = {}
		every(1, function()
			for i = 1, 30 do keep[#keep + 1] = {i, tostring(i)} end
		end)`
	limits := Limits{LiveTableEntriesMax: 3_000}
	bounded := hostileStop(t, src, limits, 200, "LiveTableEntriesMax")
	st, err := tryStory(t, src, storyOpts{limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	st.s.acct.fullWalk = true
	st.s.acct.rearm(st.s.Footprint(), st.s.budget.used())
	full := st.runErr(200)
	if full == nil || full.Error() != bounded.Error() {
		t.Fatalf("walking at every check stopped with %v; the bound stopped with %v", full, bounded)
	}
}

// A story that spends most of its tick budget every tick is stopped by the
// per-run budget, for good, at a file, line and tick.
func TestHostileRunBudget(t *testing.T) {
	e := hostileStop(t, `
		every(1, function()
			for i = 1, 20000 do end
		end)`, Limits{InstructionsPerTickMax: 100_000, InstructionsPerRunMax: 1_000_000}, 200, "InstructionsPerRunMax")
	if e.Tick < 10 || e.Tick > 100 {
		t.Errorf("stopped at tick %d", e.Tick)
	}
}
