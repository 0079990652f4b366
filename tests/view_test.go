package tests

// Fog of war and reconnection, over every mission scenario and every
// organisation, tick by tick:
//
//   - no view and no delta carries a field the organisation has not
//     learned (checkLearned: the rules of engine/view.go restated from the
//     state, one by one);
//   - changing the true state of another organisation (its staff, its
//     knowledge, its assets, its evidence, its requests, a campaign it does
//     not run) does not change the view;
//   - a client that holds the view at tick t and applies the delta the
//     world gives when it comes back at t+k holds the view at t+k, and the
//     delta's events are the events of those ticks it saw.
//
// The full view and the mutation are checked every tick at the start and
// every fullEvery ticks after (a view of Arland Telecom's 36,000 hosts is
// 10 MB of JSON); the deltas are checked every tick.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
)

var missionScenarios = []string{"tutorial", "botnet-crossborder", "grid-hybrid", "propaganda-network"}

func loadMission(t testing.TB, name string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Load(filepath.Join("..", "scenarios", name), scenario.Options{Library: os.DirFS(filepath.Join("..", "scripts"))})
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return s
}

func TestFogOfWarEveryScenarioEveryRole(t *testing.T) {
	for _, name := range missionScenarios {
		t.Run(name, func(t *testing.T) {
			s := loadMission(t, name)
			fullEvery, upTo := int32(16), int32(0)
			if testing.Short() {
				fullEvery, upTo = 97, 400
			}
			var views, lagging []*engine.View
			var clients []*engine.View
			var fails int
			fail := func(format string, args ...any) {
				fails++
				if fails <= 10 {
					t.Errorf(format, args...)
				}
			}
			_, err := headless.Run(s, headless.RunOptions{Seed: 1, Ticks: upTo, AfterStep: func(w *engine.World) {
				if views == nil {
					for o := range w.Orgs {
						views = append(views, w.View(int32(o)))
						lagging = append(lagging, w.View(int32(o)))
						var c engine.View
						mustDecode(t, mustEncode(t, w.View(int32(o))), &c)
						clients = append(clients, &c)
					}
					return
				}
				full := w.Tick <= 3 || w.Tick%fullEvery == 0
				for o := range w.Orgs {
					org := int32(o)
					d := w.UpdateView(views[o])
					for _, p := range checkDelta(w, org, d) {
						fail("tick %d %s: delta: %s", w.Tick, w.Orgs[o].ID, p)
					}
					if !full {
						continue
					}
					v := w.View(org)
					for _, p := range checkLearned(w, org, v) {
						fail("tick %d %s: view: %s", w.Tick, w.Orgs[o].ID, p)
					}
					before := mustEncode(t, v)
					if !bytes.Equal(mustEncode(t, views[o]), before) {
						fail("tick %d %s: the view brought forward by deltas differs from a fresh one", w.Tick, w.Orgs[o].ID)
					}
					undo := mutateOthers(w, org, v)
					after := mustEncode(t, w.View(org))
					undo()
					if !bytes.Equal(before, after) {
						fail("tick %d %s: the view changed when another organisation's true state did:\n%s", w.Tick, w.Orgs[o].ID, firstDiff(before, after))
					}
					// The client that was away since its last full check
					// comes back: one delta over the missed ticks.
					from := lagging[o].Tick
					cd := w.UpdateView(lagging[o])
					var wire engine.ViewDelta
					mustDecode(t, mustEncode(t, cd), &wire)
					if err := clients[o].Apply(&wire); err != nil {
						fail("tick %d %s: apply: %v", w.Tick, w.Orgs[o].ID, err)
						continue
					}
					if got := mustEncode(t, clients[o]); !bytes.Equal(got, before) {
						fail("tick %d %s: view at %d + delta differs from the view at %d:\n%s", w.Tick, w.Orgs[o].ID, from, w.Tick, firstDiff(got, before))
					}
					want, complete := w.EventsSince(org, from)
					if !complete || len(wire.Events) != len(want) {
						fail("tick %d %s: %d events since tick %d in the delta, want %d (complete %v)", w.Tick, w.Orgs[o].ID, len(wire.Events), from, len(want), complete)
					}
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func mustEncode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDecode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// firstDiff shows where two encodings part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return fmt.Sprintf("...%s\n   vs\n...%s", a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
}

// knows restates what an organisation has learned, from the state.
type knows struct {
	w   *engine.World
	org int32
}

func (k knows) indicator(c string) bool {
	i, ok := k.w.CampaignIndex(c)
	return ok && slices.Contains(k.w.Orgs[k.org].Indicators, i)
}

func (k knows) fact(kind, subject string) bool { return k.w.KnowsFact(k.org, kind, subject) }

func (k knows) named(id string) bool {
	return k.fact(engine.FactNamed, id) || k.fact(engine.FactC2, id) || k.fact(engine.FactCompromised, id)
}

func (k knows) me() string { return k.w.Orgs[k.org].ID }

// checkLearned lists the fields of a view the organisation has not learned.
func checkLearned(w *engine.World, org int32, v *engine.View) []string {
	return checkSections(knows{w, org}, v.Queue, v.Assets, v.Segments, v.Evidence, v.Requests, v.Reports, v.Indicators,
		v.Learned, v.Cases, v.Injects, v.Messages, v.Payments, v.Campaigns, v.Objectives)
}

// checkDelta applies the same rules to what a delta carries.
func checkDelta(w *engine.World, org int32, d *engine.ViewDelta) []string {
	var p []string
	k := knows{w, org}
	for _, e := range d.Events {
		if !e.VisibleTo(org) {
			p = append(p, fmt.Sprintf("event %s %q is not visible to it", e.Kind, e.Text))
		}
	}
	return append(p, checkSections(k, ups(d.Queue), ups(d.Assets), ups(d.Segments), ups(d.Evidence), ups(d.Requests),
		ups(d.Reports), ups(d.Indicators), ups(d.Learned), ups(d.Cases), ups(d.Injects), ups(d.Messages),
		ups(d.Payments), ups(d.Campaigns), ups(d.Objectives))...)
}

func ups[T any](c *engine.Changes[T]) []T {
	if c == nil {
		return nil
	}
	return c.Upsert
}

func checkSections(k knows, queue []engine.ActionView, assets []engine.AssetView, segs []engine.SegmentView, ev []engine.EvidenceView,
	reqs []engine.RequestView, reps []engine.ReportView, inds []engine.IndicatorView, facts []engine.FactView, cases []engine.CaseView,
	injects []engine.InjectView, msgs []engine.MessageView, pays []engine.PaymentView, camps []engine.CampaignView, objs []engine.ObjectiveView) []string {
	w, me := k.w, k.me()
	var p []string
	bad := func(f string, args ...any) { p = append(p, fmt.Sprintf(f, args...)) }
	for _, a := range queue {
		if a.Org != me {
			bad("queue: %s's action %s", a.Org, a.ID)
		}
	}
	for _, a := range assets {
		i, ok := w.AssetIndex(a.ID)
		if !ok {
			bad("asset %s does not exist", a.ID)
			continue
		}
		as := &w.Assets[i]
		if a.Registered {
			if w.Orgs[as.Owner].ID == me || !k.named(a.ID) {
				bad("asset %s: registered, but not learned of", a.ID)
			}
			if a.Compromised || a.Campaign != "" || a.Integrity != 1000 || a.Isolated || a.Sinkholed || a.TakenDown || a.Blocked || a.Hardened || a.Admin || len(a.Vulns) > 0 {
				bad("asset %s: another's asset shows its state: %+v", a.ID, a)
			}
			continue
		}
		if w.Orgs[as.Owner].ID != me {
			bad("asset %s of %s in full", a.ID, w.Orgs[as.Owner].ID)
		}
		if a.Compromised && as.Flags&engine.FlagDetected == 0 {
			bad("asset %s: an undetected compromise shows", a.ID)
		}
		if !a.Compromised && (a.Integrity != 1000 && as.Flags&(engine.FlagDefaced|engine.FlagDestroyed) == 0) {
			bad("asset %s: integrity %d shows an undetected compromise", a.ID, a.Integrity)
		}
		if a.Campaign != "" && !k.indicator(a.Campaign) {
			bad("asset %s: campaign %s without its indicators", a.ID, a.Campaign)
		}
		if a.Admin {
			bad("asset %s: the intruder's privilege shows", a.ID)
		}
	}
	for _, s := range segs {
		if s.Owner != me && s.ISP != me {
			bad("segment %s of %s", s.ID, s.Owner)
		}
		if s.Compromised != 0 {
			bad("segment %s: the true count of compromised hosts", s.ID)
		}
		for _, c := range s.Alerts {
			if !k.indicator(c) {
				bad("segment %s: alert of %s without its indicators", s.ID, c)
			}
		}
	}
	o, _ := w.OrgIndex(me)
	peers := casePeers(w, o)
	for _, e := range ev {
		i, _ := w.EvidenceIndex(e.ID)
		x := &w.Evidence[i]
		lawfulPeer := false
		for _, p := range peers {
			lawfulPeer = lawfulPeer || x.HasCopy(p) == engine.CustodyLawful
		}
		switch {
		case x.Holder == o:
		case x.HasCopy(o) != engine.CustodyNone, lawfulPeer:
			for _, c := range e.Copies {
				co, _ := w.OrgIndex(c.Org)
				if co != o && !(slices.Contains(peers, co) && c.Custody == "lawful") {
					bad("evidence %s: the copy of %s", e.ID, c.Org)
				}
			}
		case k.named(e.ID) || x.Asset != engine.None && knowsAsset(k, x.Asset) || x.Campaign != engine.None && slices.Contains(w.Orgs[o].Indicators, x.Campaign) ||
			behindNamedPayment(k, x):
			if e.Custody != engine.CustodyKnown || e.Weight != 0 || e.Lost || e.Preserved || len(e.Copies) > 0 {
				bad("evidence %s: only known of, shows %+v", e.ID, e)
			}
			if e.Asset != "" && !knowsAsset(k, x.Asset) {
				bad("evidence %s: shows asset %s it does not know", e.ID, e.Asset)
			}
		default:
			bad("evidence %s: neither held, copied, in its case file nor known of", e.ID)
		}
		fileKnows := k.indicator(e.Campaign)
		for _, p := range peers {
			c, _ := w.CampaignIndex(e.Campaign)
			fileKnows = fileKnows || slices.Contains(w.Orgs[p].Indicators, c)
		}
		if e.Campaign != "" && !fileKnows {
			bad("evidence %s: campaign %s without its indicators (its own or its case file's)", e.ID, e.Campaign)
		}
	}
	for _, r := range reqs {
		from, _ := w.OrgIndex(r.From)
		if r.From != me && r.To != me && !slices.Contains(peers, from) {
			bad("request %s between %s and %s", r.ID, r.From, r.To)
		}
		if r.Status == "unanswered" {
			bad("request %s: shows it will never be answered", r.ID)
		}
	}
	for _, r := range reps {
		if r.Author != me && r.From != me && !slices.Contains(r.To, me) {
			bad("report %s not shared with it", r.ID)
		}
	}
	for _, c := range inds {
		if !k.indicator(c.Campaign) {
			bad("indicator %s it does not hold", c.Campaign)
		}
	}
	for _, f := range facts {
		if !k.fact(f.Kind, f.Subject) {
			bad("fact %s it did not learn", f.ID)
		}
	}
	for _, c := range cases {
		if c.Prosecutor != me {
			bad("case %s of another", c.ID)
		}
	}
	for _, in := range injects {
		i, _ := w.InjectIndex(in.ID)
		if x := &w.Injects[i]; !slices.Contains(x.To, o) || x.Delivered == engine.None || in.Expect != "" {
			bad("inject %s not delivered to it, or with what evaluators expect", in.ID)
		}
	}
	for _, m := range msgs {
		if len(m.To) > 0 && m.From != me && !slices.Contains(m.To, me) {
			bad("message %s between others", m.ID)
		}
	}
	for _, py := range pays {
		i, _ := w.PaymentIndex(py.ID)
		if py.Service != me && !holdsRecord(w, me, i) && !k.fact(engine.FactNamed, py.ID) {
			bad("payment %s it neither services nor holds the record of", py.ID)
		}
		if py.Campaign != "" && !k.indicator(py.Campaign) {
			bad("payment %s: campaign without its indicators", py.ID)
		}
	}
	for _, c := range camps {
		if c.Actor != me {
			bad("campaign %s of %s", c.ID, c.Actor)
		}
	}
	if len(objs) > 0 {
		bad("objectives in a team's view")
	}
	return p
}

func holdsRecord(w *engine.World, me string, p int32) bool {
	o, _ := w.OrgIndex(me)
	pay := &w.Payments[p]
	for i := range w.Evidence {
		e := &w.Evidence[i]
		if e.Kind == "payment-record" && e.Holder == pay.Service && e.Campaign == pay.Campaign && e.HasCopy(o) != engine.CustodyNone {
			return true
		}
	}
	return false
}

// mutateOthers changes the true state of the organisations other than org
// where org's view does not reach, and returns what puts it back.
func mutateOthers(w *engine.World, org int32, v *engine.View) (undo func()) {
	var undos []func()
	shown := map[string]bool{}
	for _, a := range v.Assets {
		shown[a.ID] = !a.Registered
	}
	for o := range w.Orgs {
		if int32(o) == org {
			continue
		}
		x := &w.Orgs[o]
		busy, ind, facts := x.StaffBusy, x.Indicators, x.Facts
		x.StaffBusy++
		if !slices.Contains(casePeers(w, org), int32(o)) { // its case file names what its peers know
			x.Indicators = append(slices.Clone(x.Indicators), int32(len(w.Campaigns)-1))
		}
		x.Facts = append(slices.Clone(x.Facts), engine.Fact{Kind: engine.FactNamed, Subject: "secret", Campaign: engine.None})
		undos = append(undos, func() { x.StaffBusy, x.Indicators, x.Facts = busy, ind, facts })
	}
	for i := range w.Assets {
		a := &w.Assets[i]
		seg := &w.Segments[a.Segment]
		if a.Owner == org || seg.Owner == org || seg.ISP == org {
			continue // its own, or counted in a segment it serves
		}
		if full, listed := shown[w.AssetID(int32(i))]; listed && full {
			continue
		}
		old := *a
		a.Controller, a.Since, a.Integrity = 0, 1, 10
		a.Flags ^= engine.FlagDetected | engine.FlagAdmin | engine.FlagIsolated | engine.FlagSinkholed | engine.FlagHardened
		a.Vulns ^= 1
		undos = append(undos, func() { *a = old })
	}
	peers := casePeers(w, org)
	for i := range w.Evidence {
		e := &w.Evidence[i]
		if e.Holder == org || e.HasCopy(org) != engine.CustodyNone {
			continue
		}
		inFile := false
		for _, p := range peers {
			inFile = inFile || e.HasCopy(p) == engine.CustodyLawful
		}
		if inFile {
			continue // its case file
		}
		weight, pres := e.Weight, e.Preserved
		e.Weight += 7
		e.Preserved = !e.Preserved
		undos = append(undos, func() { e.Weight, e.Preserved = weight, pres })
	}
	for i := range w.Requests {
		r := &w.Requests[i]
		if r.From == org || r.To == org || slices.Contains(peers, r.From) {
			continue
		}
		st, due := r.Status, r.Due
		r.Status, r.Due = engine.ReqRefused, r.Due+99
		undos = append(undos, func() { r.Status, r.Due = st, due })
	}
	for i := range w.Campaigns {
		c := &w.Campaigns[i]
		if c.Actor == org {
			continue
		}
		bots, c2, active := c.Bots, c.C2, c.Active
		c.Bots, c.Active = c.Bots+1000, !c.Active
		if c.C2 != engine.None {
			c.C2 = engine.None
		}
		undos = append(undos, func() { c.Bots, c.C2, c.Active = bots, c2, active })
	}
	return func() {
		for i := len(undos) - 1; i >= 0; i-- {
			undos[i]()
		}
	}
}

// casePeers: the police, prosecutors and FIU of org's jurisdiction when
// org is one of them (they keep one case file).
func casePeers(w *engine.World, o int32) []int32 {
	le := func(k engine.OrgKind) bool {
		return k == engine.OrgPolice || k == engine.OrgProsecutor || k == engine.OrgFIU
	}
	if !le(w.Orgs[o].Kind) {
		return nil
	}
	var out []int32
	for i := range w.Orgs {
		if int32(i) != o && le(w.Orgs[i].Kind) && w.Orgs[i].Jurisdiction == w.Orgs[o].Jurisdiction {
			out = append(out, int32(i))
		}
	}
	return out
}

func knowsAsset(k knows, i int32) bool {
	return k.w.Assets[i].Owner == k.org || k.named(k.w.AssetID(i))
}

// behindNamedPayment: e is the record a payment service keeps of the
// account behind a payment named to the organisation.
func behindNamedPayment(k knows, e *engine.Evidence) bool {
	for i := range k.w.Payments {
		p := &k.w.Payments[i]
		if e.Campaign != engine.None && p.Service == e.Holder && p.Campaign == e.Campaign && k.fact(engine.FactNamed, p.ID) {
			return true
		}
	}
	return false
}
