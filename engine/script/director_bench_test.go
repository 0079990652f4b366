package script

import (
	"testing"
)

// benchStoryHandlers registers 1,000 handlers over ten custom event
// kinds, emits one event of each kind every tick (so 1,000 handler calls
// a tick) and keeps 100 playbooks waiting one tick at a time.
const benchStoryHandlers = `
local count = 0
for i = 1, 1000 do
  on("script.k" .. (i % 10), function(ev) count = count + ev.value end)
end
every(1, function()
  for k = 0, 9 do emit("script.k" .. k, {value = 1}) end
end)
for i = 1, 100 do
  spawn(function() while true do wait(1) end end)
end
`

// BenchmarkTickHandlersAndPlaybooks is the cost of one tick of the story
// above: ns/op is a whole Step of the small test world (the engine's own
// mechanisms cost a few µs of it, see BenchmarkTickEngineOnly).
func BenchmarkTickHandlersAndPlaybooks(b *testing.B) {
	st := newStory(b, benchStoryHandlers, storyOpts{limits: Limits{InstructionsPerTickMax: 100_000_000, InstructionsPerRunMax: 1 << 50}})
	st.run(b, 2)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if st.w.Ended {
			b.StopTimer()
			st = newStory(b, benchStoryHandlers, storyOpts{limits: Limits{InstructionsPerTickMax: 100_000_000, InstructionsPerRunMax: 1 << 50}})
			st.run(b, 2)
			b.StartTimer()
		}
		if _, err := st.w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/handler-call")
}

// BenchmarkTickEngineOnly is a Step of the same world without a story.
func BenchmarkTickEngineOnly(b *testing.B) {
	w := newTestWorld(b, 1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if w.Ended {
			w = newTestWorld(b, 1)
		}
		if _, err := w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTickIdleStory: a story that registered a few handlers and
// timers but has nothing to do this tick: the director's fixed cost.
func BenchmarkTickIdleStory(b *testing.B) {
	st := newStory(b, `local function f() end on("website.defaced", f) at(100000, f) team("isp-a", {on_event = f})`, storyOpts{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if st.w.Ended {
			b.StopTimer()
			st = newStory(b, `local function f() end on("website.defaced", f) at(100000, f) team("isp-a", {on_event = f})`, storyOpts{})
			b.StartTimer()
		}
		if _, err := st.w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTickEveryEmpty: a story whose timer calls an empty Lua function
// every tick: the fixed cost of entering Lua once a tick (the protected
// call, the phases, the timer), beside BenchmarkTickEngineOnly.
func BenchmarkTickEveryEmpty(b *testing.B) {
	const story = `every(1, function() end)`
	st := newStory(b, story, storyOpts{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if st.w.Ended {
			b.StopTimer()
			st = newStory(b, story, storyOpts{})
			b.StartTimer()
		}
		if _, err := st.w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStoryCampaignMethods calls three campaign methods a tick on an asset
// the campaign holds once its first exploit succeeds: c:exploit (a held
// asset: nothing to roll), c:escalate and c:lateral, as a scripted
// adversary's playbook does; BenchmarkTickEveryEmpty is the tick around
// them.
const benchStoryCampaignMethods = `
local c = campaign("deface")
local exploit, escalate, lateral = c.exploit, c.escalate, c.lateral
every(1, function()
  if exploit(c, "ministry-site", "T1190") then
    escalate(c, "ministry-site", "T1068")
    lateral(c, "ministry-site", "T1021")
  end
end)`

func BenchmarkTickCampaignMethods(b *testing.B) {
	st := newStory(b, benchStoryCampaignMethods, storyOpts{})
	st.run(b, 50)
	if a, ok := st.w.AssetIndex("ministry-site"); !ok || st.w.Assets[a].Controller < 0 {
		b.Fatal("the campaign never took ministry-site")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if st.w.Ended {
			b.StopTimer()
			st = newStory(b, benchStoryCampaignMethods, storyOpts{})
			st.run(b, 50)
			b.StartTimer()
		}
		if _, err := st.w.Step(nil); err != nil {
			b.Fatal(err)
		}
	}
}
