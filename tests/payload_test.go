package tests

// Every event the engine emits carries the payload its kind documents
// (engine.EventRefs, docs/reference.md): each field named there and only
// those, every field that is always present present, each value of its
// documented type (an id that names a thing of the world, an integer, one
// of the listed words). Run over every mission scenario, with the
// commands they ship.

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
)

func TestEveryEventCarriesItsPayload(t *testing.T) {
	refs := map[string]engine.EventRef{}
	for _, r := range engine.EventRefs() {
		refs[r.Kind] = r
	}
	seen := map[string]int{}
	for _, name := range missionScenarios {
		t.Run(name, func(t *testing.T) {
			s := loadMission(t, name)
			var cmds []engine.Command
			if f := filepath.Join("..", "scenarios", name, "commands.jsonl"); fileExists(f) {
				cs, err := journal.ReadCommandsFile(f)
				if err != nil {
					t.Fatal(err)
				}
				cmds = cs.List
			}
			const upTo = 0 // to the end: about two seconds for all four
			var world *engine.World
			var pending []engine.Event
			fails := 0
			check := func(w *engine.World, evs []engine.Event) {
				for i := range evs {
					e := &evs[i]
					if strings.HasPrefix(e.Kind, "script.") {
						continue // the scenario's own kinds: its scripts say what they carry
					}
					seen[e.Kind]++
					for _, p := range append(payloadProblems(w, refs, e), payloadLeaks(w, e)...) {
						if fails++; fails <= 20 {
							t.Errorf("tick %d %s %s: %s (fields %v)", e.Tick, e.Kind, e.Subject, p, e.Fields)
						}
					}
				}
			}
			_, err := headless.Run(s, headless.RunOptions{Seed: 1, Ticks: upTo, Commands: cmds,
				OnEvents: func(evs []engine.Event) {
					if world == nil {
						pending = append(pending, evs...)
						return
					}
					check(world, evs)
				},
				AfterStep: func(w *engine.World) {
					if world == nil {
						world = w
						check(w, pending)
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	var kinds []string
	for k, n := range seen {
		kinds = append(kinds, k+"="+strconv.Itoa(n))
	}
	sort.Strings(kinds)
	t.Logf("%d kinds checked: %s", len(seen), strings.Join(kinds, " "))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// payloadProblems lists what is wrong with an event's fields against its
// kind's reference.
func payloadProblems(w *engine.World, refs map[string]engine.EventRef, e *engine.Event) []string {
	r, ok := refs[e.Kind]
	if !ok {
		return []string{"a kind the reference does not list"}
	}
	var out []string
	doc := map[string]engine.PayloadField{}
	for _, f := range r.Fields {
		doc[f.Name] = f
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		d, ok := doc[f.Key]
		switch {
		case !ok:
			out = append(out, "field "+f.Key+" is not documented")
			continue
		case got[f.Key]:
			out = append(out, "field "+f.Key+" twice")
		case f.Value == "":
			out = append(out, "field "+f.Key+" is empty (leave it out)")
		}
		got[f.Key] = true
		if p := typeProblem(w, d.Type, f.Value); p != "" {
			out = append(out, "field "+f.Key+": "+p)
		}
	}
	for _, f := range r.Fields {
		if f.When == "" && !got[f.Name] {
			out = append(out, "field "+f.Name+" is missing")
		}
	}
	return out
}

// payloadLeaks lists the organisations an event shows a campaign they
// cannot name. The engine's rules (engine/legal.go knows, view_build.go
// fileKnows), restated: its actor; those who hold its indicators by the
// end of the tick (the event's own detection or report gives them), or
// whose case file does (police, prosecutor and FIU of one jurisdiction);
// everyone once it shows itself in public (a defaced page, published
// content).
func payloadLeaks(w *engine.World, e *engine.Event) []string {
	id := e.Field("campaign")
	if id == "" || e.Public {
		return nil
	}
	c, ok := w.CampaignIndex(id)
	if !ok || w.Campaigns[c].Defaced > 0 || slices.ContainsFunc(w.Contents, func(x engine.Content) bool { return x.Campaign == c }) {
		return nil
	}
	law := func(o int32) bool {
		k := w.Orgs[o].Kind
		return k == engine.OrgPolice || k == engine.OrgProsecutor || k == engine.OrgFIU
	}
	holds := func(o int32) bool {
		if slices.Contains(w.Orgs[o].Indicators, c) {
			return true
		}
		for p := range w.Orgs {
			if law(o) && law(int32(p)) && w.Orgs[p].Jurisdiction == w.Orgs[o].Jurisdiction && slices.Contains(w.Orgs[p].Indicators, c) {
				return true
			}
		}
		return false
	}
	var out []string
	for _, o := range e.Visible {
		if o != w.Campaigns[c].Actor && !holds(o) {
			out = append(out, w.Orgs[o].ID+" is shown campaign "+id+" it cannot name")
		}
	}
	return out
}

// typeProblem checks one value against its documented type.
func typeProblem(w *engine.World, typ, v string) string {
	is := func(ok bool) string {
		if ok {
			return ""
		}
		return strconv.Quote(v) + " is not a " + typ
	}
	each := func(ok func(string) bool) string {
		for _, p := range strings.Split(v, ",") {
			if !ok(p) {
				return strconv.Quote(p) + " is not one of " + typ
			}
		}
		return ""
	}
	// The id types whose values one of the world's indexes resolves.
	lookups := map[string]func(string) (int32, bool){"segment id": w.SegmentIndex, "campaign id": w.CampaignIndex,
		"infrastructure id": w.InfraIndex, "evidence id": w.EvidenceIndex, "payment id": w.PaymentIndex,
		"content id": w.ContentIndex, "inject id": w.InjectIndex, "objective id": w.ObjectiveIndex}
	if find, ok := lookups[typ]; ok {
		_, found := find(v)
		return is(found)
	}
	org := func(s string) bool { _, ok := w.OrgIndex(s); return ok || s == engine.ControlOrg }
	asset := func(s string) bool { _, ok := w.AssetIndex(s); return ok }
	switch typ {
	case "organisation id":
		return is(org(v))
	case "organisation ids, comma separated":
		return each(org)
	case "asset id":
		return is(asset(v))
	case "asset ids, comma separated":
		return each(asset)
	case "asset or segment id":
		_, seg := w.SegmentIndex(v)
		return is(asset(v) || seg)
	case "integer", "tick", "ticks", "‰":
		_, err := strconv.ParseInt(v, 10, 64)
		return is(err == nil)
	case "req-N":
		return is(strings.HasPrefix(v, "req-"))
	case "rep-N":
		return is(strings.HasPrefix(v, "rep-"))
	case "msg-N":
		return is(strings.HasPrefix(v, "msg-"))
	}
	if words := strings.Split(typ, " | "); len(words) > 1 {
		for _, x := range words {
			if x == v || x == "…" {
				return ""
			}
		}
		return strconv.Quote(v) + " is none of " + typ
	}
	return "" // free text, or an id the reference names in words
}

// TestPayloadCheckCatchesEachFault: the check above fails an event for
// each way a payload can be wrong.
func TestPayloadCheckCatchesEachFault(t *testing.T) {
	s := loadMission(t, "tutorial")
	var world *engine.World
	if _, err := headless.Run(s, headless.RunOptions{Seed: 1, Ticks: 1, AfterStep: func(w *engine.World) { world = w }}); err != nil {
		t.Fatal(err)
	}
	refs := map[string]engine.EventRef{}
	for _, r := range engine.EventRefs() {
		refs[r.Kind] = r
	}
	org := world.Orgs[0].ID
	good := []engine.Arg{{Key: "evidence", Value: "x"}, {Key: "kind", Value: "logs"}, {Key: "holder", Value: org}}
	for _, c := range []struct {
		name string
		ev   engine.Event
		want string
	}{
		{"unknown kind", engine.Event{Kind: "asset.vanished"}, "does not list"},
		{"undocumented field", engine.Event{Kind: engine.EvEvidenceLost, Fields: append(good[1:3:3], engine.Arg{Key: "evidence", Value: "x"}, engine.Arg{Key: "secret", Value: "1"})}, "secret is not documented"},
		{"missing field", engine.Event{Kind: engine.EvEvidenceLost, Fields: good[1:]}, "evidence is missing"},
		{"twice", engine.Event{Kind: engine.EvEvidenceLost, Fields: append(good[:3:3], good[2])}, "holder twice"},
		{"empty", engine.Event{Kind: engine.EvEvidenceLost, Fields: append(good[:2:2], engine.Arg{Key: "holder"})}, "holder is empty"},
		{"an id the world does not know", engine.Event{Kind: engine.EvEvidenceLost, Fields: good}, `"x" is not a evidence id`},
		{"not an org", engine.Event{Kind: engine.EvEvidenceLost, Fields: append(good[:2:2], engine.Arg{Key: "holder", Value: "nobody"})}, "not a organisation id"},
		{"not an integer", engine.Event{Kind: engine.EvCommandStarted, Fields: []engine.Arg{{Key: "verb", Value: "scan"}, {Key: "waited", Value: "3x"}}}, "not a ticks"},
		{"not a listed word", engine.Event{Kind: engine.EvFundsTraced, Fields: []engine.Arg{{Key: "payment", Value: "p"}, {Key: "how", Value: "seize"}, {Key: "amount", Value: "1"}, {Key: "service", Value: org}}}, "none of trace | freeze"},
		{"one bad id in a list", engine.Event{Kind: engine.EvReportShared, Fields: []engine.Arg{{Key: "report", Value: "rep-1"}, {Key: "tlp", Value: "RED"}, {Key: "to", Value: org + ",nobody"}}}, `"nobody" is not one of`},
	} {
		ps := payloadProblems(world, refs, &c.ev)
		if !strings.Contains(strings.Join(ps, "; "), c.want) {
			t.Errorf("%s: problems %q, want one saying %q", c.name, ps, c.want)
		}
	}
	police, _ := world.OrgIndex("police-a")
	leak := engine.Event{Kind: engine.EvCaseOpened, Visible: []int32{police}, Fields: []engine.Arg{{Key: "campaign", Value: "deface-ministry"}}}
	if ps := payloadLeaks(world, &leak); len(ps) != 1 || !strings.Contains(ps[0], "police-a is shown campaign deface-ministry") {
		t.Errorf("a campaign shown to police-a before anyone knows it: %q", ps)
	}
	leak.Public = true
	if ps := payloadLeaks(world, &leak); len(ps) != 0 {
		t.Errorf("a public event: %q", ps)
	}
}

// TestPayloadOfKindsTheScenariosMiss drives the tutorial's world to the
// kinds no shipped scenario's seed-1 run emits (a containment, scrubbing,
// a refused re-share, a controller's command, an exfiltration), checks
// their payloads as above, and floods a target no one scrubs (no shipped
// run takes one under 500‰). With the scenarios' runs that leaves only
// story.stopped (a live exercise's) unchecked here.
func TestPayloadOfKindsTheScenariosMiss(t *testing.T) {
	refs := map[string]engine.EventRef{}
	for _, r := range engine.EventRefs() {
		refs[r.Kind] = r
	}
	w, err := loadMission(t, "tutorial").NewWorld(1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	check := func(evs []engine.Event) {
		for i := range evs {
			seen[evs[i].Kind] = true
			for _, p := range payloadProblems(w, refs, &evs[i]) {
				t.Errorf("tick %d %s %s: %s (fields %v)", evs[i].Tick, evs[i].Kind, evs[i].Subject, p, evs[i].Fields)
			}
		}
	}
	crew, _ := w.CampaignIndex("deface-ministry")
	for tick := int32(1); tick <= 40; tick++ {
		var cmds []engine.Command
		switch tick {
		case 1:
			cmds = []engine.Command{
				{Org: engine.ControlOrg, Verb: engine.ControlPause},
				{Org: "ministry-a", Verb: "contain", Target: "office-a-3"},
				{Org: "isp-a", Verb: "deny", Target: "ministry-site"},
				{Org: "csirt-a", Verb: "share", Target: "police-a", Args: map[string]string{"tlp": "RED", "title": "only for you"}},
			}
		case 10:
			cmds = []engine.Command{{Org: "police-a", Verb: "share", Target: "ministry-a", Args: map[string]string{"tlp": "RED", "origin": "rep-1"}}}
		}
		evs, err := w.Step(cmds)
		if err != nil {
			t.Fatal(err)
		}
		check(evs)
		if tick == 2 {
			for _, step := range []struct{ action, target string }{{"start", ""}, {"exploit", "ministry-site"}, {"escalate", "ministry-site"}, {"exfiltrate", "ministry-site"}} {
				before := len(w.TickEvents())
				if err := w.Attack(crew, step.action, step.target, "T1190", nil); err != nil {
					t.Fatalf("%s %s: %v", step.action, step.target, err)
				}
				check(w.TickEvents()[before:])
			}
		}
	}
	// A flood no one scrubs: botnet-crossborder's botnet, without the
	// story and the teams that answer it, at a fixed 20,000 units against
	// portal-a's capacity of 4,000.
	w, err = loadMission(t, "botnet-crossborder").NewWorld(1)
	if err != nil {
		t.Fatal(err)
	}
	bot, _ := w.CampaignIndex("bot")
	for tick := int32(1); tick <= 200 && !seen[engine.EvDDoS]; tick++ {
		evs, err := w.Step(nil)
		if err != nil {
			t.Fatal(err)
		}
		check(evs)
		var err2 error
		switch tick {
		case 1:
			if err2 = w.Attack(bot, "start", "", "", nil); err2 == nil {
				err2 = w.Attack(bot, "set", "", "", []engine.Arg{{Key: "contacts", Value: "1"}, {Key: "fixed_power", Value: "20000"}})
			}
		case 20:
			err2 = w.Attack(bot, "ddos", "portal-a", "T1498", nil)
		}
		if err2 != nil {
			t.Fatalf("tick %d: %v", tick, err2)
		}
	}
	for _, k := range []string{engine.EvControl, engine.EvAssetIsolated, engine.EvDDoSScrubbed, engine.EvReshareRefused, engine.EvExfiltration, engine.EvDDoS} {
		if !seen[k] {
			t.Errorf("no %s event", k)
		}
	}
}
