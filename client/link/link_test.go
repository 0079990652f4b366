package link

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/engine"
	"cyberex/wire"
)

// What the model sends becomes the wire's messages, and each encodes.
func TestEncode(t *testing.T) {
	cases := []struct {
		out  model.Out
		want string
	}{
		{model.Out{Ref: 1, Kind: model.OutCommand, Verb: "contain", Target: "web-1"}, `{"type":"command","data":{"ref":1,"verb":"contain","target":"web-1"}}`},
		{model.Out{Ref: 2, Kind: model.OutControl, Verb: "pace", Args: map[string]string{"ms_per_tick": "250"}}, `{"type":"control","data":{"ref":2,"action":"pace","ms_per_tick":250}}`},
		{model.Out{Ref: 3, Kind: model.OutControl, Verb: "advance", Args: map[string]string{"ticks": "60"}}, `{"type":"control","data":{"ref":3,"action":"advance","ticks":60}}`},
		{model.Out{Ref: 4, Kind: model.OutControl, Verb: "script", Target: "police-a"}, `{"type":"control","data":{"ref":4,"action":"script","org":"police-a"}}`},
		{model.Out{Ref: 5, Kind: model.OutControl, Verb: "inject", Args: map[string]string{"to": "a, b", "subject": "Call", "body": "x"}},
			`{"type":"control","data":{"ref":5,"action":"inject","inject":{"to":["a","b"],"subject":"Call","body":"x"}}}`},
		{model.Out{Ref: 6, Kind: model.OutChat, Target: "b", Text: "hi"}, `{"type":"chat","data":{"ref":6,"to":"b","text":"hi"}}`},
		{model.Out{Ref: 7, Kind: model.OutNote, Text: "good call"}, `{"type":"note","data":{"ref":7,"text":"good call"}}`},
		{model.Out{Ref: 8, Kind: model.OutWhatIf, Verb: model.OpJump, Args: map[string]string{"tick": "12"}}, `{"type":"whatif","data":{"ref":8,"action":"jump","tick":12}}`},
		{model.Out{Ref: 9, Kind: model.OutWhatIf, Verb: model.OpBranch, Args: map[string]string{"tick": "20", "until": "30", "keep": "true", "name": "early"},
			Commands: []engine.Command{{Tick: 21, Org: "police-a", Verb: "request", Target: "logs-b", Args: map[string]string{"kind": "preserve"}}}},
			`{"type":"whatif","data":{"ref":9,"action":"branch","tick":20,"until":30,"keep":true,"name":"early","commands":[{"tick":21,"org":"police-a","verb":"request","target":"logs-b","args":{"kind":"preserve"}}]}}`},
	}
	for _, c := range cases {
		b, err := wire.Encode(Encode(c.out))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.out, b, c.want)
		}
		// The server's strict decoder takes it.
		if _, err := wire.DecodeClient(b); err != nil {
			t.Errorf("%s: the server would refuse it: %v", b, err)
		}
	}
}

// A fake server over a real websocket: the link says hello with the code,
// the model gets the welcome and the view, a command goes out, its
// verdict comes back where it was sent; a wrong code is final.
func TestLinkOverAWebsocket(t *testing.T) {
	got := make(chan wire.Message, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		send := func(m wire.Message) {
			b, _ := wire.Encode(m)
			c.Write(ctx, websocket.MessageText, b)
		}
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			m, err := wire.DecodeClient(b)
			if err != nil {
				t.Errorf("client sent %s: %v", b, err)
				return
			}
			got <- m
			switch x := m.(type) {
			case *wire.Hello:
				if x.Code != "good" {
					send(wire.Error{Code: wire.ErrCode, Message: "no such code"})
					return
				}
				send(wire.Welcome{Protocol: wire.Protocol, Role: wire.RoleTeam, Org: "a", Title: "t", TickSeconds: 60,
					Verbs: []engine.VerbSpec{{Verb: "contain", Ticks: 7, Staff: 3}}, Status: wire.Status{State: wire.StateRunning, MillisPerTick: 500}})
				send(wire.View{View: &engine.View{Org: "a", Tick: 4}})
			case *wire.Command:
				send(wire.Ack{Ref: x.Ref, ID: 1, Tick: 5})
				send(wire.Result{Ref: x.Ref, ID: 1, Tick: 5, Accepted: false, Text: "no staff free"})
			}
		}
	}))
	defer srv.Close()
	ws := "ws" + strings.TrimPrefix(srv.URL, "http")

	m := model.New(locale.English)
	l := Dial(ws, "good")
	defer l.Close()
	pump := func(ok func() bool) {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			l.Pump(m)
			if ok() {
				return
			}
		}
		t.Fatal("timed out")
	}
	pump(func() bool { return m.View != nil })
	if h := (<-got).(*wire.Hello); h.Code != "good" || h.Protocol != wire.Protocol {
		t.Fatalf("hello %+v", h)
	}
	if tk, st := m.Cost("contain"); tk != 7 || st != 3 || m.Conn != model.Connected || m.Status.MillisPerTick != 500 {
		t.Fatalf("welcome not applied: cost %d/%d conn %d status %+v", tk, st, m.Conn, m.Status)
	}
	m.Do(model.Action{Verb: "contain", Target: "web-1"})
	for _, o := range m.Outbox() {
		l.Send(o)
	}
	pump(func() bool { n, ok := m.NoticeAt(model.Place{}); return ok && n.Error })
	if n, _ := m.NoticeAt(model.Place{}); n.Text != "no staff free" {
		t.Errorf("verdict %q", n.Text)
	}

	bad := model.New(locale.English)
	lb := Dial(ws, "bad")
	defer lb.Close()
	for end := time.Now().Add(10 * time.Second); bad.JoinError == "" && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		lb.Pump(bad)
	}
	if bad.JoinError != "no such code" {
		t.Fatalf("a wrong code gave %q", bad.JoinError)
	}
	if bad.Conn != model.Disconnected {
		t.Errorf("connection state %d after a refused code, want disconnected", bad.Conn)
	}
}

// TestApplyWhatIf: a past answer shows the world then, a branch's answer
// puts its objectives beside the exercise's and keeps only the figures
// that differ.
func TestApplyWhatIf(t *testing.T) {
	m := model.New(locale.English)
	m.Join(model.Welcome{Role: model.RoleController, TickSeconds: 60})
	m.SetSnapshot(&engine.View{Tick: 50, Controller: true})
	Apply(m, &wire.Past{Tick: 10, View: &engine.View{Tick: 10, Controller: true}, Metrics: []engine.Metric{{Name: "bots", Value: 4}}})
	if m.Past == nil || m.View.Tick != 10 || m.LiveTick() != 50 || m.Past.Figures[0].Value != 4 {
		t.Fatalf("past %+v at %d", m.Past, m.View.Tick)
	}
	obj := func(status string, tick int32) []engine.ObjectiveView {
		return []engine.ObjectiveView{{ID: "logs-preserved", Status: status, Tick: tick}, {ID: "site-restored", Status: "pending", Tick: -1}}
	}
	Apply(m, &wire.Branched{Name: "early", At: 20, Until: 50, Commands: 1, Checked: 21,
		Run:    wire.Outcome{Tick: 50, Objectives: obj("failed", 40), Metrics: []engine.Metric{{Name: "evidence_lost", Value: 1}, {Name: "tick", Value: 50}}},
		Branch: wire.Outcome{Tick: 50, Objectives: obj("met", 30), Metrics: []engine.Metric{{Name: "evidence_lost", Value: 0}, {Name: "tick", Value: 50}}}})
	if len(m.Branches) != 1 {
		t.Fatal("no branch")
	}
	b := m.Branches[0]
	want := []model.Compared{{Name: "logs-preserved", Run: "failed @40", Branch: "met @30", RunOK: -1, BrOK: 1}, {Name: "site-restored", Run: "pending", Branch: "pending"}}
	if fmt.Sprint(b.Objectives) != fmt.Sprint(want) {
		t.Errorf("objectives %+v", b.Objectives)
	}
	if len(b.Figures) != 1 || b.Figures[0] != (model.Compared{Name: "evidence_lost", Run: "1", Branch: "0"}) {
		t.Errorf("figures %+v", b.Figures)
	}
}
