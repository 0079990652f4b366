package engine

import (
	"strings"
	"testing"
)

// Which channel a request to a foreign organisation may use: the CSIRT
// channel joins CSIRTs only, the direct channel one country only; a
// company abroad is asked by 24/7, MLA or police, or through a CSIRT of
// its country (which relays at home).
func TestForeignRequestChannels(t *testing.T) {
	world := func() *World {
		b := newBuilder()
		a := b.jur("A", "botnet")
		bj := b.jur("B", "botnet")
		b.org("csirt-a", OrgCSIRT, a, 3)
		b.org("csirt-b", OrgCSIRT, bj, 3)
		h := b.org("host-b", OrgHosting, bj, 2)
		b.w.Orgs[h].Scripted = true
		b.org("isp-a", OrgISP, a, 2)
		c2 := b.asset("c2", AssetC2, h, bj, None, 0)
		ci := b.campaign(Campaign{ID: "bot", Kind: CampBotnet, Offence: "botnet", Actor: None, EvidenceRetainTicks: 3000})
		w := b.build(t, 1)
		w.Campaigns[ci].C2 = c2
		w.Attack(ci, "start", "", "", nil)
		return w
	}
	for _, tc := range []struct {
		from, to, kind, target, channel string
		reject                          string // "" when accepted
	}{
		{"csirt-a", "host-b", "takedown", "c2", "csirt", "channel=csirt joins CSIRTs' duty desks, and host-b is a hosting"},
		{"csirt-a", "host-b", "preserve", "bot-c2-records-1", "direct", "channel=direct is for organisations of one country, and host-b is in B"},
		{"csirt-a", "host-b", "preserve", "bot-c2-records-1", "24/7", ""},
		{"csirt-a", "host-b", "takedown", "c2", "", ""}, // default: police
		{"csirt-a", "csirt-b", "assist", "c2", "csirt", ""},
		{"csirt-a", "isp-a", "block", "c2", "direct", ""},
		{"csirt-a", "isp-a", "block", "c2", "csirt", "channel=csirt joins CSIRTs' duty desks, and isp-a is a isp"},
	} {
		w := world()
		args := map[string]string{"kind": tc.kind, "target": tc.target}
		if tc.channel != "" {
			args["channel"] = tc.channel
		}
		ev := run(t, w, 2, map[int32][]Command{1: {{Org: tc.from, Verb: "request", Target: tc.to, Args: args}}})
		var got string
		for _, e := range ev {
			if e.Kind == EvCommandRejected {
				got = e.Text
			}
		}
		switch {
		case tc.reject == "" && got != "":
			t.Errorf("%s → %s %s via %q refused: %s", tc.from, tc.to, tc.kind, tc.channel, got)
		case tc.reject != "" && !strings.Contains(got, tc.reject):
			t.Errorf("%s → %s %s via %q: got %q, want a refusal with %q", tc.from, tc.to, tc.kind, tc.channel, got, tc.reject)
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

// An asset dependency counts as down when the asset's availability is
// under 500‰ (isolated, taken down, destroyed, or a DDoS that halves its
// service); the dependant falls after the dependency's delay.
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
		down  bool
	}{{1000, false}, {500, false}, {499, true}, {0, true}} {
		w.Assets[scada].Availability = tc.avail
		run(t, w, 7, nil)
		if got := w.Infras[0].Level < 1000; got != tc.down {
			t.Errorf("availability %d‰: plant down %v, want %v", tc.avail, got, tc.down)
		}
		w.Assets[scada].Availability = 1000
		run(t, w, 2, nil)
	}
}
