package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"cyberex/client/locale"
	"cyberex/client/theme"
	"cyberex/engine"
	_ "cyberex/engine/script/host"
	"cyberex/scenario"
)

// The model follows a real exercise: every organisation's view of
// the tutorial, fed its deltas tick by tick, stays equal to the
// view the engine builds, and the map's states updated in place equal
// the states of a map built afresh.
func TestFollowsTheEngine(t *testing.T) {
	ticks := 1440
	if testing.Short() {
		ticks = 300
	}
	dir := filepath.Join("..", "..", "scenarios", "tutorial")
	s, err := scenario.Load(dir, scenario.Options{Library: os.DirFS(filepath.Join("..", "..", "scripts"))})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.NewWorld(1)
	if err != nil {
		t.Fatal(err)
	}
	type follower struct {
		m    *Model
		last *engine.View
	}
	var fs []follower
	for i := range w.Orgs {
		v := w.View(int32(i))
		m := New(locale.English)
		m.Join(Welcome{Role: RoleTeam, Org: v.Org, TickSeconds: w.Settings.TickSeconds})
		m.SetSnapshot(clone(t, v))
		fs = append(fs, follower{m, v})
	}
	for tick := 0; tick < ticks && !w.Ended; tick++ {
		if _, err := w.Step(nil); err != nil {
			t.Fatal(err)
		}
		for i := range fs {
			f := &fs[i]
			cur := w.View(int32(i))
			d := engine.Diff(f.last, cur)
			if err := f.m.ApplyDelta(clone(t, d)); err != nil {
				t.Fatalf("tick %d %s: %v", w.Tick, cur.Org, err)
			}
			f.last = cur
			if tick%40 == 0 || tick == ticks-1 {
				if a, b := asJSON(t, f.m.View), asJSON(t, cur); a != b {
					t.Fatalf("tick %d %s: the model's view differs from the engine's", w.Tick, cur.Org)
				}
				var fresh MapData
				fresh.Rebuild(f.m.View)
				if fmt.Sprint(fresh.State) != fmt.Sprint(f.m.Map.State) || fmt.Sprint(fresh.Asset) != fmt.Sprint(f.m.Map.Asset) {
					t.Fatalf("tick %d %s: the map updated in place differs from one built afresh", w.Tick, cur.Org)
				}
			}
		}
	}
}

// clone sends a value through JSON, as the wire does.
func clone[T any](t *testing.T, v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func asJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStateOf(t *testing.T) {
	a := func(f func(*engine.AssetCore)) *engine.AssetView {
		v := &engine.AssetView{AssetCore: engine.AssetCore{Integrity: 1000, Availability: 1000}}
		f(&v.AssetCore)
		return v
	}
	for _, c := range []struct {
		name string
		a    *engine.AssetView
		want theme.State
	}{
		{"clean", a(func(*engine.AssetCore) {}), theme.StateClean},
		{"ddos", a(func(x *engine.AssetCore) { x.Availability = 200 }), theme.StateDegraded},
		{"compromised", a(func(x *engine.AssetCore) { x.Compromised = true }), theme.StateCompromised},
		{"contained", a(func(x *engine.AssetCore) { x.Compromised, x.Isolated = true, true }), theme.StateIsolated},
		{"defaced", a(func(x *engine.AssetCore) { x.Defaced = true }), theme.StateDefaced},
		{"destroyed wins", a(func(x *engine.AssetCore) { x.Destroyed, x.Isolated, x.Defaced = true, true, true }), theme.StateDestroyed},
		{"sinkholed", a(func(x *engine.AssetCore) { x.Sinkholed = true }), theme.StateSinkholed},
		{"taken down", a(func(x *engine.AssetCore) { x.TakenDown = true }), theme.StateDown},
		{"foreign", a(func(x *engine.AssetCore) { x.Registered = true }), theme.StateForeign},
		{"foreign defaced: public", a(func(x *engine.AssetCore) { x.Registered, x.Defaced = true, true }), theme.StateDefaced},
	} {
		if got := StateOf(c.a); got != c.want {
			t.Errorf("%s: state %d, want %d", c.name, got, c.want)
		}
	}
}

// Answers land where the action was taken; an acknowledgement waits for
// the verdict; an answer to a ref never sent is ignored.
func TestAnswersLandWhereSent(t *testing.T) {
	m := New(locale.English)
	m.Join(Welcome{Role: RoleTeam, Org: "a"})
	m.SetSnapshot(&engine.View{Org: "a", Assets: []engine.AssetView{{AssetCore: engine.AssetCore{ID: "web-1", Segment: "s", Integrity: 1000, Availability: 1000}}}})
	m.Select(Sel{Kind: SelAsset, ID: "web-1"})
	m.Do(m.act("contain", "web-1", nil))
	out := m.Outbox()
	if len(out) != 1 || len(m.Outbox()) != 0 {
		t.Fatalf("outbox %+v", out)
	}
	place := Place{Sel: Sel{Kind: SelAsset, ID: "web-1"}}
	m.Answer(out[0].Ref, "applies at tick 3", false, false)
	if n, ok := m.NoticeAt(place); !ok || n.Error {
		t.Fatalf("ack notice %+v %v", n, ok)
	}
	m.Answer(out[0].Ref, "no staff free", true, true)
	if n, _ := m.NoticeAt(place); !n.Error || n.Text != "no staff free" {
		t.Fatalf("verdict notice %+v", n)
	}
	m.Answer(out[0].Ref, "late duplicate", false, true)
	m.Answer(999, "not ours", false, true)
	if n, _ := m.NoticeAt(place); n.Text != "no staff free" || len(m.Notices) != 1 {
		t.Fatalf("a closed or unknown ref changed the notices: %+v", m.Notices)
	}
	// A chat goes out as chat and its answer shows in the chat panel.
	m.ChatTo, m.Chat = "b", "  hello  "
	m.SendChat()
	out = m.Outbox()
	if len(out) != 1 || out[0].Kind != OutChat || out[0].Text != "hello" || out[0].Target != "b" {
		t.Fatalf("chat %+v", out)
	}
	m.Chat = "   "
	m.SendChat()
	if len(m.Outbox()) != 0 {
		t.Error("an empty chat line was sent")
	}
}

// A selection the view no longer holds is dropped rather than shown stale.
func TestStaleSelectionDropped(t *testing.T) {
	m := New(locale.English)
	v := &engine.View{Org: "a", Tick: 1, Injects: []engine.InjectView{{InjectCore: engine.InjectCore{ID: "i1"}}}}
	m.SetSnapshot(v)
	m.Select(Sel{Kind: SelInject, ID: "i1"})
	if !m.Read["i1"] {
		t.Error("opening an inject did not mark it read")
	}
	if err := m.ApplyDelta(&engine.ViewDelta{Org: "a", From: 1, Tick: 2, Injects: &engine.Changes[engine.InjectView]{Remove: []string{"i1"}}}); err != nil {
		t.Fatal(err)
	}
	if m.Sel.Kind != SelNone {
		t.Errorf("selection %+v kept after its item went", m.Sel)
	}
	if err := m.ApplyDelta(&engine.ViewDelta{Org: "a", From: 7, Tick: 8}); err == nil {
		t.Error("a delta from another tick was applied")
	}
}

// bigView is a team's view of n assets in ten segments.
func bigView(n int) *engine.View {
	v := &engine.View{Org: "a", Tick: 1}
	for s := 0; s < 10; s++ {
		v.Segments = append(v.Segments, engine.SegmentView{SegmentCore: engine.SegmentCore{N: int32(s), ID: fmt.Sprintf("s%d", s), Owner: "a", Hosts: int32(n / 10)}})
	}
	for i := 0; i < n; i++ {
		v.Assets = append(v.Assets, engine.AssetView{AssetCore: engine.AssetCore{N: int32(i), ID: fmt.Sprintf("s%d-%d", i*10/n, i), Segment: fmt.Sprintf("s%d", i*10/n), Owner: "a", Integrity: 1000, Availability: 1000}})
	}
	return v
}

// BenchmarkApplyDelta5000 applies one tick's delta (100 of 5,000 assets
// changed, their segments' counts too) to a team's model: engine's Apply
// plus the map's update. Target: < 1 ms.
func BenchmarkApplyDelta5000(b *testing.B) {
	v := bigView(5000)
	m := New(locale.English)
	m.Join(Welcome{Role: RoleTeam, Org: "a"})
	m.SetSnapshot(v)
	ups := make([][]engine.AssetView, 2)
	segs := make([][]engine.SegmentView, 2)
	for k := range ups {
		for i := 0; i < 100; i++ {
			a := v.Assets[i*50]
			a.Compromised = k == 0
			ups[k] = append(ups[k], a)
		}
		for _, s := range v.Segments {
			s.Detected = int32(10 * (1 - k))
			segs[k] = append(segs[k], s)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		d := &engine.ViewDelta{Org: "a", From: m.View.Tick, Tick: m.View.Tick + 1,
			Assets: &engine.Changes[engine.AssetView]{Upsert: ups[i%2]}, Segments: &engine.Changes[engine.SegmentView]{Upsert: segs[i%2]}}
		if err := m.ApplyDelta(d); err != nil {
			b.Fatal(err)
		}
	}
	var fresh MapData
	fresh.Rebuild(m.View)
	if fmt.Sprint(fresh.State) != fmt.Sprint(m.Map.State) {
		b.Fatal("the map updated in place differs from one built afresh")
	}
}
