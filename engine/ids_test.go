package engine

import (
	"strings"
	"testing"
)

// TestCanonicalIDs: one spelling per thing. Other spellings of a host,
// request or report id are rejected with the canonical one as a
// suggestion, and events name the canonical id.
func TestCanonicalIDs(t *testing.T) {
	w := testWorld(2000, 1)
	if _, ok := w.AssetIndex("h0-7"); !ok {
		t.Fatal("h0-7 unknown")
	}
	for _, id := range []string{"h0-007", "h0-+7", "h0-07", "h0- 7", "h0-7.0", "h0--7", "h0-0x7"} {
		if _, ok := w.AssetIndex(id); ok {
			t.Errorf("%q is taken for an asset", id)
		}
	}
	if got := w.CanonicalAssetID("h0-007"); got != "h0-7" {
		t.Errorf("canonical of h0-007 = %q", got)
	}
	if got := w.CanonicalAssetID("h0-+7"); got != "h0-7" {
		t.Errorf("canonical of h0-+7 = %q", got)
	}
	if _, ok := w.AssetIndex("h0-0"); !ok {
		t.Error("h0-0 unknown: zero is written 0")
	}
	mustStep(t, w)
	evs, err := w.Step([]Command{
		{Org: "isp-a", Verb: "contain", Target: "h0-007"},
		{Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "assist", "target": "h0-+7"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rej := eventsOf(evs, EvCommandRejected)
	if len(rej) != 2 || !strings.Contains(rej[0].Text, `did you mean "h0-7"?`) || !strings.Contains(rej[1].Text, `did you mean "h0-7"?`) {
		t.Fatalf("rejections %+v", rej)
	}
	// A request, then other spellings of its id.
	evs, _ = w.Step([]Command{{Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "preserve", "target": "bot-c2-records-1"}}})
	for i := 0; i < 20 && len(w.Requests) == 0; i++ {
		evs, _ = w.Step(nil)
	}
	if len(w.Requests) != 1 {
		t.Fatal("no request")
	}
	for _, e := range evs {
		if e.Kind == EvRequestSent && e.Subject != "req-1" {
			t.Errorf("request.sent names %q", e.Subject)
		}
	}
	for _, id := range []string{"req-01", "req-+1", "req-001"} {
		if _, err := w.ParseRequestID(id); err == nil || !strings.Contains(err.Error(), "write req-1") {
			t.Errorf("%s: %v", id, err)
		}
	}
	if n, err := w.ParseRequestID("req-1"); err != nil || n != 1 {
		t.Errorf("req-1: %d %v", n, err)
	}
	evs, _ = w.Step([]Command{{Org: "hosting-b", Verb: "answer", Target: "req-01", Args: map[string]string{"decision": "accept"}}})
	if rej := eventsOf(evs, EvCommandRejected); len(rej) != 1 || !strings.Contains(rej[0].Text, "write req-1") {
		t.Errorf("answer req-01: %+v", rej)
	}
	if _, err := w.ParseReportID("rep-1"); err == nil {
		t.Error("rep-1 before any report")
	}
	if _, err := w.ParseReportID("1"); err == nil {
		t.Error(`"1" taken for a report id`)
	}
}

// TestTypedEventPayloads: request and command events carry their payload
// as named fields with canonical ids, not only in their text.
func TestTypedEventPayloads(t *testing.T) {
	w := testWorld(2000, 1)
	var all []Event
	for tick := int32(1); tick <= 250; tick++ {
		var cmds []Command
		if tick == 2 {
			cmds = []Command{{Org: "police-a", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "preserve", "target": "bot-c2-records-1"}},
				{Org: "police-a", Verb: "scan", Target: "c2"}}
		}
		evs, err := w.Step(cmds)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, evs...)
	}
	want := map[string]map[string]string{
		EvCommandAccepted: {"verb": "request", "staff": "1"},
		EvCommandRejected: {"verb": "scan", "reason": "not an asset of this organisation, its segments or its customers: ask its owner with a request"},
		EvRequestSent:     {"request": "req-1", "from": "police-a", "to": "hosting-b", "kind": "preserve", "target": "bot-c2-records-1", "channel": "24/7"},
		EvRequestAnswered: {"request": "req-1", "status": "done", "result": "done"},
		EvCommandDone:     {"verb": "request", "result": "done"},
	}
	for kind, fs := range want {
		evs := eventsOf(all, kind)
		if len(evs) == 0 {
			t.Errorf("no %s event", kind)
			continue
		}
		for k, v := range fs {
			if got := evs[0].Field(k); got != v {
				t.Errorf("%s: field %s = %q, want %q (fields %v)", kind, k, got, v, evs[0].Fields)
			}
		}
	}
}
