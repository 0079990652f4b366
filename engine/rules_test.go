package engine

import (
	"strings"
	"testing"
)

// requestWorld is two countries, A and B (a botnet is a crime in both),
// with host-b, a scripted hosting company of B that runs the C2 of a
// started botnet (its C2 records are bot-c2-records-1), and the
// organisations given ("csirt-a": a CSIRT of A, by the id's kind word and
// country letter); the countries in noContactPoint have none.
func requestWorld(t *testing.T, orgs []string, noContactPoint ...string) *World {
	t.Helper()
	kinds := map[string]OrgKind{"csirt": OrgCSIRT, "police": OrgPolice, "isp": OrgISP}
	b := newBuilder()
	jur := map[string]int32{"a": b.jur("A", "botnet"), "b": b.jur("B", "botnet")}
	for _, id := range orgs {
		kind, country, _ := strings.Cut(id, "-")
		o := b.org(id, kinds[kind], jur[country], 3)
		b.w.Orgs[o].Scripted = country == "b"
	}
	h := b.org("host-b", OrgHosting, jur["b"], 2)
	b.w.Orgs[h].Scripted = true
	for _, n := range noContactPoint {
		if j, ok := jur[strings.ToLower(n)]; ok {
			b.w.Jurisdictions[j].ContactPointTicks = None
		}
	}
	c2 := b.asset("c2", AssetC2, h, jur["b"], None, 0)
	ci := b.campaign(Campaign{ID: "bot", Kind: CampBotnet, Offence: "botnet", Actor: None, EvidenceRetainTicks: 3000})
	w := b.build(t, 1)
	w.Campaigns[ci].C2 = c2
	w.Attack(ci, "start", "", "", nil)
	return w
}

// requestOutcome submits a request at tick 1 and runs the given ticks: it
// returns the refusal's text, or the channel the request went by, and
// the events.
func requestOutcome(t *testing.T, w *World, ticks int, from, to string, args map[string]string) (string, []Event) {
	t.Helper()
	ev := run(t, w, ticks, map[int32][]Command{1: {{Org: from, Verb: "request", Target: to, Args: args}}})
	for _, e := range ev {
		switch e.Kind {
		case EvCommandRejected:
			return e.Text, ev
		case EvRequestSent:
			return e.Field("channel"), ev
		}
	}
	return "", ev
}

// Which channel a request to a foreign organisation may use: the CSIRT
// channel joins CSIRTs only, the direct channel one country only; a
// company abroad is asked by 24/7, MLA or police, or through a CSIRT of
// its country (which relays at home).
func TestForeignRequestChannels(t *testing.T) {
	for _, tc := range []struct {
		from, to, kind, target, channel string
		want                            string // the refusal, or the channel taken
	}{
		{"csirt-a", "host-b", "takedown", "c2", "csirt", "channel=csirt joins CSIRTs' duty desks, and host-b is a hosting"},
		{"csirt-a", "host-b", "preserve", "bot-c2-records-1", "direct", "channel=direct is for organisations of one country, and host-b is in B"},
		{"csirt-a", "host-b", "preserve", "bot-c2-records-1", "24/7", "24/7"},
		{"csirt-a", "host-b", "takedown", "c2", "", "police"},
		{"csirt-a", "csirt-b", "assist", "c2", "csirt", "csirt"},
		{"csirt-a", "isp-a", "block", "c2", "direct", "direct"},
		{"csirt-a", "isp-a", "block", "c2", "csirt", "channel=csirt joins CSIRTs' duty desks, and isp-a is a isp"},
	} {
		w := requestWorld(t, []string{"csirt-a", "csirt-b", "isp-a"})
		args := map[string]string{"kind": tc.kind, "target": tc.target}
		if tc.channel != "" {
			args["channel"] = tc.channel
		}
		// a channel's name is the whole answer, a refusal's reason a part
		if got, _ := requestOutcome(t, w, 20, tc.from, tc.to, args); got != tc.want && !(strings.Contains(tc.want, " ") && strings.Contains(got, tc.want)) {
			t.Errorf("%s → %s %s via %q: got %q, want %q", tc.from, tc.to, tc.kind, tc.channel, got, tc.want)
		}
	}
}

// A country without a 24/7 contact point (contact_point: none) can be
// neither asked nor ask through the network: a preservation request that
// would go 24/7 goes by MLA by default, and an explicit 24/7 is refused
// with the reason; a CSIRT of the country remains the informal route.
func TestNoContactPoint(t *testing.T) {
	for _, tc := range []struct {
		none, to, channel string
		want              string // the channel taken, or the refusal
	}{
		{"", "host-b", "", "24/7"},
		{"B", "host-b", "", "mla"},
		{"A", "host-b", "", "mla"},
		{"B", "host-b", "24/7", "channel=24/7: B has no 24/7 contact point (contact_point: none): ask host-b by mla"},
		{"A", "host-b", "24/7", "channel=24/7: A has no 24/7 contact point"},
		{"B", "host-b", "mla", "mla"},
		{"B", "csirt-b", "", "csirt"},
	} {
		w := requestWorld(t, []string{"police-a", "csirt-b"}, tc.none)
		args := map[string]string{"kind": "preserve", "target": "bot-c2-records-1"}
		if tc.channel != "" {
			args["channel"] = tc.channel
		}
		if got, _ := requestOutcome(t, w, 20, "police-a", tc.to, args); !strings.Contains(got, tc.want) {
			t.Errorf("no contact point in %q, %s via %q: got %q, want %q", tc.none, tc.to, tc.channel, got, tc.want)
		}
	}
}

// A CSIRT asked to preserve evidence held by an organisation of its
// country relays the request to the holder (over the direct channel); a
// CSIRT of another country cannot, and a disclosure is not relayed.
func TestCSIRTRelaysPreservation(t *testing.T) {
	orgs := []string{"police-a", "csirt-a", "csirt-b"}
	w := requestWorld(t, orgs, "B") // the informal route is the one left
	_, ev := requestOutcome(t, w, 200, "police-a", "csirt-b", map[string]string{"kind": "preserve", "target": "bot-c2-records-1"})
	var answers []string
	for _, e := range ev {
		if e.Kind == EvRequestAnswered || e.Kind == EvCommandRejected {
			answers = append(answers, e.Text)
		}
	}
	if len(w.Requests) != 2 {
		t.Fatalf("%d requests, want the police's and the CSIRT's relay; answers %q", len(w.Requests), answers)
	}
	relay := w.Requests[1]
	if w.orgID(relay.From) != "csirt-b" || w.orgID(relay.To) != "host-b" || relay.Channel != ChanDirect || relay.Kind != ReqPreserve || relay.Offence != "botnet" {
		t.Errorf("relay %+v: want csirt-b asking host-b to preserve over direct", relay)
	}
	if len(answers) != 2 || !strings.Contains(answers[0], "req-1 (preserve bot-c2-records-1) answered by csirt-b") || !strings.Contains(answers[0], "relayed to host-b as req-2") {
		t.Errorf("answers %q: want req-1 relayed to host-b as req-2, then req-2 done", answers)
	}
	ei, _ := w.EvidenceIndex("bot-c2-records-1")
	if !w.Evidence[ei].Preserved {
		t.Error("the relayed preservation did not preserve the records")
	}
	for _, tc := range []struct{ to, kind, want string }{
		{"csirt-a", "preserve", "csirt-a does not hold bot-c2-records-1: ask its holder, or for preservation a CSIRT of the holder's country"},
		{"csirt-b", "disclose", "csirt-b does not hold bot-c2-records-1"},
	} {
		got, _ := requestOutcome(t, requestWorld(t, orgs, "B"), 20, "police-a", tc.to, map[string]string{"kind": tc.kind, "target": "bot-c2-records-1"})
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s to %s: got %q, want a refusal with %q", tc.kind, tc.to, got, tc.want)
		}
	}
}

// Investigating a defaced site gives the campaign's indicators, as a
// compromise does: a defacement takes control of the site first.
func TestInvestigatingDefacedSiteGivesIndicators(t *testing.T) {
	b := newBuilder()
	a := b.jur("A", "hacking")
	gov := b.org("gov", OrgMinistry, a, 2)
	b.org("csirt-a", OrgCSIRT, a, 2)
	b.asset("site", AssetWebsite, gov, a, None, 1)
	ci := b.campaign(Campaign{ID: "wave", Kind: CampDefacement, Offence: "hacking", Actor: None, Active: true, Exploits: []Exploit{{0, 1000}}})
	w := b.build(t, 1)
	if err := w.Attack(ci, "deface", "site", "T1190", nil); err != nil {
		t.Fatal(err)
	}
	run(t, w, 40, map[int32][]Command{w.Tick + 1: {{Org: "csirt-a", Verb: "investigate", Target: "site"}}})
	csirt, _ := w.OrgIndex("csirt-a")
	if !w.knows(csirt, ci) {
		t.Error("investigating the defaced site gave no indicators of the campaign")
	}
}

// What a dependency supplies passes on in proportion (an asset's
// availability, an infrastructure's level); under 500‰ it is down and
// supplies nothing. The dependant feels it after the dependency's delay.
func TestAssetDependencyDown(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	op := b.org("op", OrgOperator, a, 3)
	scada := b.asset("scada", AssetSCADA, op, a, None, 0)
	b.w.Infras = append(b.w.Infras, Infra{ID: "plant", Owner: op, Level: 1000, DownSince: None, RepairUntil: None,
		DependsOn: []Dependency{{Asset: scada, Infra: None, DelayTicks: 5}}})
	w := b.build(t, 1)
	for _, tc := range []struct {
		avail int16
		level int32
	}{{1000, 1000}, {700, 700}, {500, 500}, {499, 0}, {0, 0}} {
		w.Assets[scada].Availability = tc.avail
		run(t, w, 4, nil)
		if w.Infras[0].Level != 1000 {
			t.Errorf("availability %d‰: plant at %d‰ before the dependency's delay, want 1000", tc.avail, w.Infras[0].Level)
		}
		run(t, w, 3, nil)
		if got := w.Infras[0].Level; got != tc.level {
			t.Errorf("availability %d‰: plant at %d‰, want %d", tc.avail, got, tc.level)
		}
		w.Assets[scada].Availability = 1000
		run(t, w, 2, nil)
	}
}

// Levels pass on in proportion along a chain of infrastructure, one tick
// per hop; a backup tops the supply up while it lasts, manual operation
// for as long as the crews run it; an islanded site ignores upstream.
func TestDependencyLevelsPassOnInProportion(t *testing.T) {
	type setup struct {
		backup, backupTicks, manual int32
		islanded                    bool
	}
	for _, tc := range []struct {
		name     string
		s        setup
		upstream int32 // the substation's level
		want     []int32
		at       []int32 // ticks after the change
	}{
		{"in proportion", setup{}, 700, []int32{1000, 700, 700}, []int32{1, 3, 50}},
		{"down under half", setup{}, 499, []int32{0}, []int32{3}},
		{"backup tops up, then runs out", setup{backup: 900, backupTicks: 20}, 700, []int32{900, 700}, []int32{5, 30}},
		{"a smaller backup changes nothing", setup{backup: 600, backupTicks: 20}, 700, []int32{700}, []int32{5}},
		{"manual operation", setup{manual: 800}, 300, []int32{800, 800}, []int32{5, 60}},
		{"islanded ignores upstream", setup{islanded: true}, 300, []int32{800}, []int32{5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder()
			a := b.jur("A")
			op := b.org("op", OrgOperator, a, 3)
			b.w.Infras = append(b.w.Infras,
				Infra{ID: "substation", Owner: op, Level: 1000, DownSince: None, RepairUntil: None},
				Infra{ID: "feeder", Owner: op, Level: 1000, DownSince: None, RepairUntil: None,
					DependsOn: []Dependency{{Asset: None, Infra: 0, DelayTicks: 0}}},
				Infra{ID: "hospital", Owner: op, Level: 1000, DownSince: None, RepairUntil: None, IslandPermille: 800,
					BackupPermille: tc.s.backup, BackupTicks: tc.s.backupTicks, ManualPermille: tc.s.manual,
					Manual: tc.s.manual > 0, Islanded: tc.s.islanded,
					DependsOn: []Dependency{{Asset: None, Infra: 1, DelayTicks: 0}}})
			w := b.build(t, 1)
			run(t, w, 2, nil)
			// The substation's own state sets its level: a tripped process
			// run by hand at the level under test.
			w.Infras[0].Tripped, w.Infras[0].Manual, w.Infras[0].ManualPermille = true, true, tc.upstream
			start := w.Tick
			for k, at := range tc.at {
				run(t, w, int(start+at-w.Tick), nil)
				if got := w.Infras[2].Level; got != tc.want[k] {
					t.Errorf("%d ticks after the substation went to %d‰: hospital at %d‰, want %d", at, tc.upstream, got, tc.want[k])
				}
			}
		})
	}
}
