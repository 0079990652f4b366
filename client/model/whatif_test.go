package model

import (
	"reflect"
	"strings"
	"testing"

	"cyberex/client/locale"
	"cyberex/engine"
)

func TestParseCommands(t *testing.T) {
	got, err := ParseCommands(` 301 police-a request logs-b kind=preserve channel=24/7 ; 305 csirt-a message police-a text="we hold the logs; call us"; 310 control control.pause`)
	if err != nil {
		t.Fatal(err)
	}
	want := []engine.Command{
		{Tick: 301, Org: "police-a", Verb: "request", Target: "logs-b", Args: map[string]string{"kind": "preserve", "channel": "24/7"}},
		{Tick: 305, Org: "csirt-a", Verb: "message", Target: "police-a", Args: map[string]string{"text": "we hold the logs; call us"}},
		{Tick: 310, Org: "control", Verb: "control.pause"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got, err := ParseCommands("  ;  "); err != nil || len(got) != 0 {
		t.Errorf("blank: %v %v", got, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"301 police-a", "want TICK ORG VERB"},
		{"soon police-a scan", `"soon" is not a tick`},
		{"-3 police-a scan", `"-3" is not a tick`},
		{"5 a scan x y", "two targets"},
		{`5 a message b text="open`, "not closed"},
	} {
		if _, err := ParseCommands(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestWhatIfForms(t *testing.T) {
	m := New(locale.English)
	m.Join(Welcome{Role: RoleController, TickSeconds: 60})
	m.SetSnapshot(&engine.View{Tick: 40, Controller: true})
	fill := func(a Action, vals ...string) {
		m.Do(a)
		for i := range vals {
			if m.Form.Fields[i].Kind == FieldChoice {
				for k, o := range m.Form.Fields[i].Options {
					if o == vals[i] {
						m.Form.Fields[i].Chosen = k
					}
				}
				continue
			}
			m.Form.Fields[i].Text = vals[i]
		}
		m.SubmitForm()
	}
	place := Place{Tab: TabWhatIf}
	fill(m.JumpForm(), "12")
	out := m.Outbox()
	if len(out) != 1 || out[0].Kind != OutWhatIf || out[0].Verb != OpJump || out[0].Args["tick"] != "12" {
		t.Fatalf("jump sent %+v", out)
	}
	if n, _ := m.NoticeAt(place); n.Error || n.Text != m.Text.T(locale.KeyAsking) {
		t.Errorf("notice %+v", n)
	}
	fill(m.BranchForm(), "20", "21 police-a investigate web-1", "keep", "", "early")
	out = m.Outbox()
	if len(out) != 1 || out[0].Verb != OpBranch || out[0].Args["keep"] != "true" || out[0].Args["name"] != "early" || len(out[0].Commands) != 1 || out[0].Commands[0].Target != "web-1" {
		t.Fatalf("branch sent %+v", out)
	}
	// What cannot be sent is said where it was typed, and nothing goes.
	fill(m.BranchForm(), "", "")
	fill(m.BranchForm(), "20", "21 police-a")
	if o := m.Outbox(); len(o) != 0 {
		t.Errorf("sent %+v", o)
	}
	if n, _ := m.NoticeAt(place); !n.Error || !strings.Contains(n.Text, "command 1") {
		t.Errorf("notice %+v", n)
	}
}

// TestLookingBack: the past view replaces the shown view while the live
// one follows the deltas; back to live shows the live one at its tick.
func TestLookingBack(t *testing.T) {
	m := New(locale.English)
	m.Join(Welcome{Role: RoleController, TickSeconds: 60})
	live := &engine.View{Tick: 40, Controller: true, Assets: []engine.AssetView{{AssetCore: engine.AssetCore{N: 0, ID: "web-1", Kind: "website", Integrity: 1000, Availability: 1000}}}}
	m.SetSnapshot(live)
	past := &engine.View{Tick: 10, Controller: true}
	m.ShowPast(past, []Figure{{Name: "bots", Value: 3}})
	if m.View != past || m.Past == nil || m.Past.Tick != 10 || m.LiveTick() != 40 {
		t.Fatalf("view at %d, past %+v, live %d", m.View.Tick, m.Past, m.LiveTick())
	}
	if err := m.ApplyDelta(&engine.ViewDelta{From: 40, Tick: 41, Complete: true}); err != nil {
		t.Fatal(err)
	}
	if m.View.Tick != 10 || m.LiveTick() != 41 {
		t.Errorf("shown %d, live %d", m.View.Tick, m.LiveTick())
	}
	// A second jump keeps the live view.
	m.ShowPast(&engine.View{Tick: 20, Controller: true}, nil)
	m.BackToLive()
	if m.Past != nil || m.View.Tick != 41 || len(m.Map.Asset) == 0 {
		t.Errorf("back at %d, past %v, map %d assets", m.View.Tick, m.Past, len(m.Map.Asset))
	}
	m.BackToLive() // nothing to leave
	if m.View.Tick != 41 {
		t.Error("a second back to live moved the view")
	}
}

// TestStepThroughThePast: the step buttons look at ticks around the one
// looked at, never before 0 or after the live tick.
func TestStepThroughThePast(t *testing.T) {
	m := New(locale.English)
	m.Join(Welcome{Role: RoleController, TickSeconds: 60})
	m.SetSnapshot(&engine.View{Tick: 40, Controller: true})
	m.Jump(-10)
	m.ShowPast(&engine.View{Tick: 30, Controller: true}, nil)
	m.Jump(-60)
	m.Jump(+60)
	var got []string
	for _, o := range m.Outbox() {
		if o.Kind != OutWhatIf || o.Verb != OpJump {
			t.Fatalf("sent %+v", o)
		}
		got = append(got, o.Args["tick"])
	}
	if strings.Join(got, " ") != "30 0 40" {
		t.Errorf("jumped to %v, want 30 0 40", got)
	}
}
