package ui

import (
	"fmt"
	"strings"
	"testing"

	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/client/theme"
	"cyberex/engine"
)

// testView is a team's view with n assets of its own in ten segments,
// every state represented, and one item in each list.
func testView(n int) *engine.View {
	v := &engine.View{
		Org: "csirt-a", Tick: 120, Clock: 1772542800, // Tue 03 Mar 2026 13:00 UTC
		Self: &engine.SelfView{SelfCore: engine.SelfCore{ID: "csirt-a", Name: "National CSIRT", Kind: "csirt", Jurisdiction: "A", Staff: 4, Busy: 2, Waiting: 1}},
		Directory: []engine.OrgCard{
			{N: 0, ID: "csirt-a", Name: "National CSIRT", Kind: "csirt", Jurisdiction: "A"},
			{N: 1, ID: "police-a", Name: "Police A", Kind: "police", Jurisdiction: "A"},
			{N: 2, ID: "hosting-b", Name: "Hosting B", Kind: "hosting", Jurisdiction: "B"},
		},
		Jurisdictions: []engine.JurisdictionCard{
			{JurisdictionCore: engine.JurisdictionCore{N: 0, ID: "A", Name: "Country A", UTCOffsetMinutes: 60}},
			{JurisdictionCore: engine.JurisdictionCore{N: 1, ID: "B", Name: "Country B"}},
		},
	}
	per := (n + 9) / 10
	for s := 0; s < 10; s++ {
		v.Segments = append(v.Segments, engine.SegmentView{SegmentCore: engine.SegmentCore{N: int32(s), ID: fmt.Sprintf("lan-%d", s), Owner: "csirt-a", Jurisdiction: "A", Hosts: int32(per), Detected: 3}})
	}
	for i := 0; i < n; i++ {
		a := engine.AssetView{AssetCore: engine.AssetCore{N: int32(i), ID: fmt.Sprintf("h%d-%d", i/per, i%per), Kind: "host", Segment: fmt.Sprintf("lan-%d", i/per),
			Owner: "csirt-a", Jurisdiction: "A", Integrity: 1000, Availability: 1000, Since: -1}}
		switch i % 11 {
		case 1:
			a.Compromised, a.Campaign = true, "bot-1"
		case 2:
			a.Isolated = true
		case 3:
			a.Defaced = true
		case 4:
			a.Availability = 300
		case 5:
			a.Destroyed = true
		}
		v.Assets = append(v.Assets, a)
	}
	v.Assets = append(v.Assets, engine.AssetView{AssetCore: engine.AssetCore{N: int32(n), ID: "c2-b", Kind: "c2", Segment: "dc-b", Owner: "hosting-b", Jurisdiction: "B", Registered: true}})
	v.Injects = []engine.InjectView{{InjectCore: engine.InjectCore{N: 0, ID: "inj-1", From: "ministry", Subject: "Our website shows a foreign flag", Body: "Call from the ministry: the front page was replaced an hour ago.", Delivered: 100}}}
	v.Requests = []engine.RequestView{{N: 1, ID: "req-1", From: "csirt-a", To: "hosting-b", Kind: "preserve", Channel: "24/7", Target: "ev-1", Status: "pending", Sent: 110, Due: 180, TimeLeft: 60}}
	v.Reports = []engine.ReportView{{ReportCore: engine.ReportCore{N: 1, ID: "rep-1", Author: "police-a", From: "police-a", TLP: "AMBER", Title: "Indicators of the defacement wave", Tick: 115}, To: []string{"csirt-a"}}}
	v.Infras = []engine.InfraView{{N: 0, ID: "hospital", Kind: "hospital", Owner: "csirt-a", Operates: true, Level: 640}}
	v.Queue = []engine.ActionView{{ActionCore: engine.ActionCore{N: 7, ID: "cmd-7", Org: "csirt-a", Verb: "investigate", Target: "h0-1", Staff: 1, Ticks: 30, Running: true, Start: 115, Done: 145}}}
	return v
}

func newUI(t testing.TB, n int) *UI {
	m := model.New(locale.English)
	m.Join(model.Welcome{Role: model.RoleTeam, Org: "csirt-a", Title: "test", TickSeconds: 60})
	m.SetStatus(model.Status{Started: true, MillisPerTick: 500})
	m.SetSnapshot(testView(n))
	u := New(m, 1280, 800)
	u.Build()
	return u
}

func TestClickOnTheMapSelectsTheAsset(t *testing.T) {
	u := newUI(t, 600)
	x, y, ok := u.AssetOnScreen("h0-1")
	if !ok {
		t.Fatal("h0-1 is not on the map")
	}
	u.Build()
	u.Update(Input{X: x, Y: y, Click: true})
	if u.M.Sel != (model.Sel{Kind: model.SelAsset, ID: "h0-1"}) {
		t.Fatalf("selection %+v after a click on h0-1", u.M.Sel)
	}
	// Its actions show with their cost, and one click sends one command.
	h, ok := u.ActionHit("contain")
	if !ok {
		t.Fatal("no contain button for an asset of one's own")
	}
	u.Update(Input{X: h.X + 2, Y: h.Y + 2, Click: true})
	out := u.M.Outbox()
	if len(out) != 1 || out[0].Verb != "contain" || out[0].Target != "h0-1" {
		t.Fatalf("outbox %+v, want one contain h0-1", out)
	}
	// The server's refusal shows under the selection.
	u.M.Answer(out[0].Ref, "no staff free", true, true)
	u.Build()
	if !framed(u, "no staff free") {
		t.Error("the refusal is not on the screen")
	}
}

// framed says whether the frame shows text containing s.
func framed(u *UI, s string) bool {
	for _, t := range u.Frame.UI.Texts {
		if strings.Contains(t.S, s) {
			return true
		}
	}
	for _, t := range u.Frame.Map.Texts {
		if strings.Contains(t.S, s) {
			return true
		}
	}
	return false
}

// Every action can be reached and taken from the keyboard alone.
func TestKeyboardReachesEveryAction(t *testing.T) {
	u := newUI(t, 50)
	u.Update(Input{Chars: []rune{'n'}}) // next asset
	if u.M.Sel.Kind != model.SelAsset {
		t.Fatalf("n did not select an asset: %+v", u.M.Sel)
	}
	want := len(u.actions)
	if want == 0 {
		t.Fatal("no actions for the selected asset")
	}
	seen := map[int]bool{}
	for i := 0; i < 200 && len(seen) < want; i++ {
		u.Update(Input{Keys: []Key{KeyTab}})
		if h, ok := u.Focused(); ok && h.Kind == HitAction {
			seen[h.I] = true
		}
	}
	if len(seen) != want {
		t.Fatalf("Tab reached %d of %d actions", len(seen), want)
	}
	// Enter on a focused action sends it.
	for {
		u.Update(Input{Keys: []Key{KeyTab}})
		if h, ok := u.Focused(); ok && h.Kind == HitAction {
			break
		}
	}
	u.Update(Input{Keys: []Key{KeyEnter}})
	if out := u.M.Outbox(); len(out) != 1 {
		t.Fatalf("Enter on an action sent %d messages", len(out))
	}
}

// A form is filled and sent from the keyboard: a request to another
// organisation about an asset that is not one's own.
func TestRequestFormByKeyboard(t *testing.T) {
	u := newUI(t, 20)
	u.M.Select(model.Sel{Kind: model.SelAsset, ID: "c2-b"})
	u.Build()
	h, ok := u.ActionHit("request")
	if !ok {
		t.Fatal("no request action on another organisation's asset")
	}
	u.Update(Input{X: h.X + 1, Y: h.Y + 1, Click: true})
	if u.M.Form == nil {
		t.Fatal("the request form did not open")
	}
	// The form opens with the owner chosen as recipient.
	if got := u.M.Form.Fields[0].Value(); got != "hosting-b" {
		t.Errorf("recipient %q, want the owner hosting-b", got)
	}
	for i := 0; i < 60; i++ {
		if f, ok := u.Focused(); ok && f.Kind == HitTextField {
			break
		}
		u.Update(Input{Keys: []Key{KeyTab}})
	}
	u.Update(Input{Chars: []rune("computer-intrusion")})
	u.Update(Input{Keys: []Key{KeyEnter}})
	out := u.M.Outbox()
	if len(out) != 1 {
		t.Fatalf("sent %d messages", len(out))
	}
	o := out[0]
	if o.Verb != "request" || o.Target != "hosting-b" || o.Args["target"] != "c2-b" || o.Args["kind"] != "takedown" || o.Args["offence"] != "computer-intrusion" {
		t.Fatalf("sent %+v", o)
	}
}

func TestHighContrastHotkey(t *testing.T) {
	u := newUI(t, 10)
	u.Update(Input{Chars: []rune{'h'}})
	if u.M.Theme != &theme.HighContrast {
		t.Fatal("H did not switch to high contrast")
	}
	if u.Frame.UI.Verts[0].R != 0 {
		t.Error("the frame was not redrawn in the high-contrast colours")
	}
	// Typed into a text box, the same letter is text, not a hotkey.
	u.M.Tab = model.TabChat
	u.Build()
	box, _ := u.HitOf(HitChat)
	u.Update(Input{X: box.X + 2, Y: box.Y + 2, Click: true})
	u.Update(Input{Chars: []rune("hello")})
	if u.M.Chat != "hello" || u.M.Theme != &theme.HighContrast {
		t.Fatalf("chat %q, theme %s", u.M.Chat, u.M.Theme.Name)
	}
	u.Update(Input{Keys: []Key{KeyEnter}})
	if out := u.M.Outbox(); len(out) != 1 || out[0].Kind != model.OutChat || out[0].Text != "hello" || out[0].Target == "" {
		t.Fatalf("chat sent %+v", out)
	}
}

func TestInboxUnreadAndTLP(t *testing.T) {
	u := newUI(t, 10)
	if !framed(u, "Inbox (1)") {
		t.Error("the inbox tab does not count the unread inject")
	}
	h, _ := u.HitOf(HitRow)
	u.Update(Input{X: h.X + 5, Y: h.Y + 5, Click: true})
	if !u.M.Read["inj-1"] || framed(u, "Inbox (1)") {
		t.Error("opening the inject did not mark it read")
	}
	if !framed(u, "the front page") {
		t.Error("the inject's body is not shown")
	}
	u.M.Tab = model.TabReports
	u.Build()
	if !framed(u, "TLP:AMBER") {
		t.Error("the report's TLP label is not shown")
	}
}

// Nothing the frame shows overflows the screen.
func TestFrameFitsTheScreen(t *testing.T) {
	for _, size := range [][2]int{{1280, 800}, {1024, 640}, {1920, 1080}} {
		u := newUI(t, 800)
		u.Resize(size[0], size[1])
		for tab := model.Tab(0); tab < model.TabCount; tab++ {
			u.M.Tab = tab
			u.Build()
			for _, tx := range u.Frame.UI.Texts {
				if w := tx.X + float32(len([]rune(tx.S)))*7.2; tx.X < 0 || tx.Y < 0 || tx.X > float32(size[0]) || tx.Y > float32(size[1]) {
					t.Errorf("%dx%d tab %d: text %q at %v,%v (to %v) off screen", size[0], size[1], tab, tx.S, tx.X, tx.Y, w)
				}
			}
		}
	}
}

// A frame's allocations do not grow with the number of assets.
func TestFrameAllocationsIndependentOfAssets(t *testing.T) {
	allocs := func(n int) float64 {
		u := newUI(t, n)
		u.fit()
		return testing.AllocsPerRun(20, u.Build)
	}
	small, big := allocs(500), allocs(5000)
	if big > small+2 {
		t.Fatalf("a frame allocates %.0f times with 500 assets and %.0f with 5000", small, big)
	}
}

// BenchmarkFrame5000 builds one frame's draw lists for 5,000 assets, all
// on screen (the map fitted to the window). Target: < 4 ms on one core.
func BenchmarkFrame5000(b *testing.B) {
	u := newUI(b, 5000)
	u.fit()
	u.Build()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		u.Build()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/frame")
	b.ReportMetric(float64(len(u.Frame.Map.Verts)), "verts")
}

// The white cell writes an ad hoc inject from its console, and hands a
// team to its script; an observer's note goes out as a note.
func TestControllerAndObserver(t *testing.T) {
	m := model.New(locale.English)
	m.Join(model.Welcome{Role: model.RoleController, Title: "test", TickSeconds: 60})
	m.SetStatus(model.Status{Started: true, MillisPerTick: 1000})
	m.SetSnapshot(testView(20))
	u := New(m, 1280, 800)
	u.Build()
	click := func(h Hit) { u.Update(Input{X: h.X + 2, Y: h.Y + 2, Click: true}) }
	h, ok := u.ActionHit("inject")
	if !ok {
		t.Fatal("no inject button in the console")
	}
	click(h)
	if m.Form == nil || m.Form.Op != "inject" {
		t.Fatal("the inject form did not open")
	}
	for _, hh := range u.Hits() {
		if hh.Kind == HitChoice && hh.I == 0 && hh.J == 1 { // the second organisation
			click(hh)
			break
		}
	}
	u.setFocus(hitKey{Kind: HitTextField, I: 2})
	u.Update(Input{Chars: []rune("Call from the regulator")})
	s, _ := u.HitOf(HitSubmit)
	click(s)
	out := m.Outbox()
	if len(out) != 1 || out[0].Kind != model.OutControl || out[0].Verb != "inject" || out[0].Args["to"] != "police-a" || out[0].Args["subject"] != "Call from the regulator" {
		t.Fatalf("inject sent %+v", out)
	}
	// Pace: the faster button halves the milliseconds per tick.
	if p, ok := u.ActionHit("pace"); ok {
		click(p)
		if o := m.Outbox(); len(o) != 1 || o[0].Args["ms_per_tick"] != "2000" {
			t.Fatalf("slower sent %+v", o)
		}
	} else {
		t.Fatal("no pace buttons")
	}
	m.Select(model.Sel{Kind: model.SelOrg, ID: "police-a"})
	u.Build()
	sc, ok := u.ActionHit("script")
	if !ok {
		t.Fatal("no hand-to-script action for a selected organisation")
	}
	click(sc)
	if o := m.Outbox(); len(o) != 1 || o[0].Verb != "script" || o[0].Target != "police-a" {
		t.Fatalf("script sent %+v", o)
	}

	ob := model.New(locale.English)
	ob.Join(model.Welcome{Role: model.RoleObserver, TickSeconds: 60})
	ob.SetSnapshot(testView(5))
	uo := New(ob, 1280, 800)
	uo.Build()
	if len(ob.Actions()) != 0 {
		t.Error("an observer is offered actions")
	}
	box, ok := uo.HitOf(HitNote)
	if !ok {
		t.Fatal("no notes box for the observer")
	}
	uo.Update(Input{X: box.X + 2, Y: box.Y + 2, Click: true})
	uo.Update(Input{Chars: []rune("team B waited for the MLA")})
	uo.Update(Input{Keys: []Key{KeyEnter}})
	if o := ob.Outbox(); len(o) != 1 || o[0].Kind != model.OutNote || o[0].Text != "team B waited for the MLA" {
		t.Fatalf("note sent %+v", o)
	}
}
