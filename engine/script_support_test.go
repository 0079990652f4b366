package engine

import "testing"

// What the scripting bridge relies on: a fallback C2 (attack action c2),
// reconnaissance (Scan), held requests, and in-tick commands.
func TestC2FallbackScanAndHeldRequests(t *testing.T) {
	w := testWorld(2000, 1)
	bot, _ := w.CampaignIndex("bot")
	c2, _ := w.AssetIndex("c2")
	w.Step(nil)
	if err := w.Attack(bot, "c2", "c2", "T1008", nil); err == nil {
		t.Error("moving to the current C2 succeeded")
	}
	w.Assets[c2].Flags |= FlagTakenDown
	w.Step(nil)
	if v, _ := w.Metric("campaign:bot:disrupted"); v != 1 {
		t.Fatal("not disrupted by the takedown")
	}
	if err := w.Attack(bot, "c2", "gov-site", "T1008", nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := w.Metric("campaign:bot:disrupted"); v != 0 || w.AssetID(w.Campaigns[bot].C2) != "gov-site" {
		t.Errorf("after the move: disrupted %d, c2 %s", v, w.AssetID(w.Campaigns[bot].C2))
	}
	if len(eventsOf(w.TickEvents(), EvC2Moved)) != 1 {
		t.Error("no c2_moved event")
	}

	seg, _ := w.SegmentIndex(w.Segments[0].ID)
	r, err := w.Scan(bot, seg)
	if err != nil || r.Hosts != int64(w.Segments[0].Count) || r.Vulnerable == 0 || r.Vulnerable+r.Held > r.Hosts {
		t.Errorf("scan %+v %v", r, err)
	}
	h := w.HashHex()
	w.Scan(bot, seg)
	if w.HashHex() != h {
		t.Error("a scan changed the world")
	}

	// A held request is left to its Lua policy at the due tick.
	id := w.Submit(Command{Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "assist", "target": "c2"}})
	if a := w.Actions[len(w.Actions)-1]; a.Command != id || a.Queued != w.Tick+1 {
		t.Errorf("an in-tick command queues from the next tick: %+v", a)
	}
	for len(w.Requests) == 0 {
		w.Step(nil)
	}
	if err := w.HoldRequest(1); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		w.Step(nil)
	}
	if w.Requests[0].Status != ReqPending {
		t.Errorf("the built-in policy answered a held request: %s", w.Requests[0].Status)
	}
	if err := w.AnswerRequest(1, true, ""); err != nil || (w.Requests[0].Status != ReqDone && w.Requests[0].Status != ReqAccepted) {
		t.Errorf("answer: %v %s", err, w.Requests[0].Status)
	}
	if err := w.HoldRequest(1); err == nil {
		t.Error("held a request already answered")
	}
}

func eventsOf(evs []Event, kind string) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}
