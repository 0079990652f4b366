package engine

import (
	"math"
	"testing"
)

// Tests for bugs found in review. Each names what went wrong.

// reviewWorld: jurisdictions A and B; a police, CSIRT, ISP and operator in
// A; a platform, hosting company and payment service in B; a named server
// of the operator behind the ISP, a C2 at the hosting company, and an
// intrusion campaign.
func reviewWorld(t *testing.T) (*World, map[string]int32) {
	b := newBuilder()
	a, bj := b.jur("A", "botnet", "intrusion", "terrorism"), b.jur("B", "botnet", "intrusion", "terrorism")
	ix := map[string]int32{}
	ix["police-a"] = b.org("police-a", OrgPolice, a, 3)
	ix["isp-a"] = b.org("isp-a", OrgISP, a, 3)
	ix["isp-b"] = b.org("isp-b", OrgISP, bj, 3)
	ix["op-a"] = b.org("op-a", OrgOperator, a, 3)
	ix["platform-b"] = b.org("platform-b", OrgPlatform, bj, 3)
	ix["hosting-b"] = b.org("hosting-b", OrgHosting, bj, 3)
	ix["pay-b"] = b.org("pay-b", OrgPayment, bj, 3)
	for _, o := range []string{"police-a", "isp-a", "isp-b", "op-a", "platform-b", "hosting-b", "pay-b"} {
		b.w.Orgs[ix[o]].Scripted = true
	}
	ix["srv"] = b.asset("srv", AssetServer, ix["op-a"], a, ix["isp-a"], 1)
	ix["c2"] = b.asset("c2", AssetC2, ix["hosting-b"], bj, None, 0)
	ix["intr"] = b.campaign(Campaign{ID: "intr", Kind: CampIntrusion, Offence: "intrusion", Actor: None, C2: ix["c2"], Active: true,
		Exploits: []Exploit{{0, 1000}}})
	ix["prop"] = b.campaign(Campaign{ID: "prop", Kind: CampPropaganda, Offence: "terrorism", Actor: None, Active: true})
	return b.build(t, 7), ix
}

func TestReviewRestoreUpdatesBots(t *testing.T) {
	for _, verb := range []string{"restore", "remediate"} {
		t.Run(verb, func(t *testing.T) {
			w, ix := reviewWorld(t)
			w.Step(nil)
			if err := w.Attack(ix["intr"], "exploit", "srv", "", nil); err != nil {
				t.Fatal(err)
			}
			if n := metric(t, w, "campaign:intr:bots"); n != 1 {
				t.Fatalf("bots after exploit %d, want 1", n)
			}
			run(t, w, 600, map[int32][]Command{2: {{Org: "op-a", Verb: verb, Target: "srv"}}})
			if w.Assets[ix["srv"]].Controller != None {
				t.Fatalf("%s left srv compromised", verb)
			}
			if n := metric(t, w, "campaign:intr:bots"); n != 0 {
				t.Errorf("campaign:intr:bots after %s = %d, want 0", verb, n)
			}
		})
	}
}

// A request is carried out by its receiver: it may do only what the
// receiver itself could do with the verb (the platform removes its content,
// the host takes its server down, a registrar of the C2's jurisdiction
// sinkholes it).
func TestReviewRequestNeedsReceiverAuthority(t *testing.T) {
	cases := []struct {
		name, to, kind, target string
		done                   bool
	}{
		{"takedown content at the platform", "platform-b", "takedown", "vid", true},
		{"takedown content at someone else", "isp-a", "takedown", "vid", false},
		{"takedown server at its host", "hosting-b", "takedown", "c2", true},
		{"takedown server at someone else", "isp-b", "takedown", "c2", false},
		{"sinkhole at a foreign ISP", "isp-a", "sinkhole", "c2", false},
		{"sinkhole at the C2's ISP", "isp-b", "sinkhole", "c2", true},
		{"block payment at someone else", "isp-a", "block", "pay", false},
		{"block payment at its service", "pay-b", "block", "pay", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, ix := reviewWorld(t)
			w.Step(nil)
			if err := w.Attack(ix["prop"], "publish", "platform-b", "", []Arg{{"id", "vid"}}); err != nil {
				t.Fatal(err)
			}
			if err := w.Attack(ix["prop"], "raise", "pay-b", "", []Arg{{"id", "pay"}}); err != nil {
				t.Fatal(err)
			}
			from := "police-a"
			if tc.to == "police-a" {
				from = "op-a"
			}
			// The default channel: direct at home, a formal one abroad
			// (channel=direct abroad is refused: TestForeignRequestChannels).
			run(t, w, 6000, map[int32][]Command{2: {{Org: from, Verb: "request", Target: tc.to,
				Args: map[string]string{"kind": tc.kind, "target": tc.target}}}})
			var acted bool
			switch tc.target {
			case "vid":
				acted = metric(t, w, "content:vid:removed") == 1
			case "c2":
				acted = w.Assets[ix["c2"]].Flags&(FlagTakenDown|FlagSinkholed) != 0
			case "pay":
				acted = w.Payments[0].Frozen
			}
			if acted != tc.done {
				t.Errorf("carried out %v, want %v (request %s)", acted, tc.done, w.Requests[0].Status)
			}
		})
	}
}

func TestReviewScrubbingNeedsAuthority(t *testing.T) {
	cases := []struct {
		org  string
		want bool
	}{{"isp-a", true}, {"op-a", true}, {"isp-b", false}}
	for _, tc := range cases {
		t.Run(tc.org, func(t *testing.T) {
			w, ix := reviewWorld(t)
			run(t, w, 30, map[int32][]Command{1: {{Org: tc.org, Verb: "deny", Target: "srv"}}})
			if got := w.Assets[ix["srv"]].Flags&FlagBlocked != 0; got != tc.want {
				t.Errorf("%s scrubbing srv: %v, want %v", tc.org, got, tc.want)
			}
		})
	}
}

func TestReviewRecruitmentOverflow(t *testing.T) {
	// Many bots and many contacts: the probability saturates, it must not wrap.
	w, _ := botnetWorld(t, 3, 40000, 1000, 3)
	ci, _ := w.CampaignIndex("bot")
	for i := int32(0); i < 10000; i++ {
		w.Assets[i].Controller = ci
	}
	if err := w.Attack(ci, "set", "", "", []Arg{{"contacts", "1000000000"}}); err != nil {
		t.Fatal(err)
	}
	run(t, w, 1, nil)
	if n := metric(t, w, "bots"); n < 10000+9000 {
		t.Errorf("bots %d: a huge contact rate recruited almost nothing", n)
	}
}

func TestReviewBigFigures(t *testing.T) {
	t.Run("reach", func(t *testing.T) {
		w, ix := reviewWorld(t)
		w.Settings.ReachCap = math.MaxInt64
		w.Step(nil)
		if err := w.Attack(ix["prop"], "publish", "platform-b", "", []Arg{{"id", "vid"}, {"reach", "9000000000000000000"}, {"growth", "1000"}}); err != nil {
			t.Fatal(err)
		}
		run(t, w, 3, nil)
		if r := metric(t, w, "content:vid:reach"); r < 9000000000000000000 {
			t.Errorf("reach wrapped to %d", r)
		}
	})
	t.Run("reach cap at publish", func(t *testing.T) {
		w, ix := reviewWorld(t)
		w.Step(nil)
		if err := w.Attack(ix["prop"], "publish", "platform-b", "", []Arg{{"id", "vid"}, {"reach", "9000000000000000000"}, {"growth", "0"}}); err != nil {
			t.Fatal(err)
		}
		if r := metric(t, w, "content:vid:reach"); r > w.Settings.ReachCap {
			t.Errorf("reach %d above the cap %d", r, w.Settings.ReachCap)
		}
	})
	t.Run("money", func(t *testing.T) {
		w, ix := reviewWorld(t)
		w.Step(nil)
		sum := int64(0)
		for i := 0; i < 3; i++ {
			if w.Attack(ix["prop"], "raise", "pay-b", "", []Arg{{"amount", "4000000000000000000"}}) == nil {
				sum += 4000000000000000000
			}
		}
		if m := metric(t, w, "money_raised"); m < 0 || (sum > 0 && m != sum) {
			t.Errorf("money_raised %d, raised %d", m, sum)
		}
		w.Counters.MoneyRaised, w.Counters.MoneyTraced = 3_000_000_000_000_000, 1_000_000_000_000_000
		if p := metric(t, w, "money_traced_permille"); p != 333 {
			t.Errorf("money_traced_permille %d, want 333", p)
		}
	})
	t.Run("evidence kept forever", func(t *testing.T) {
		w, ix := reviewWorld(t)
		w.Campaigns[ix["intr"]].EvidenceRetainTicks = math.MaxInt32
		w.Step(nil)
		w.Attack(ix["intr"], "exploit", "srv", "", nil)
		run(t, w, 5, nil)
		if metric(t, w, "evidence_lost") != 0 {
			t.Error("evidence with the longest retention was lost at once")
		}
	})
	t.Run("generators forever", func(t *testing.T) {
		w, ci := gridWorld(t)
		h, _ := w.InfraIndex("hospital")
		w.Infras[h].BackupTicks = math.MaxInt32
		w.Attack(ci, "exploit", "scada", "", nil)
		w.Attack(ci, "trip", "substation", "", nil)
		run(t, w, 100, nil)
		if v := metric(t, w, "infra:hospital"); v != 700 {
			t.Errorf("hospital at %d‰ with endless generators, want 700", v)
		}
	})
}

// A wave tries deface_per_tick sites of its target jurisdictions each tick
// (mechanics §2), not deface_per_tick draws among every website.
func TestReviewDefacementWaveTriesTargetSites(t *testing.T) {
	b := newBuilder()
	a, bj := b.jur("A"), b.jur("B")
	oa, ob := b.org("web-a", OrgOperator, a, 2), b.org("web-b", OrgOperator, bj, 2)
	for i := 0; i < 100; i++ {
		o, j := ob, bj
		if i%10 == 0 {
			o, j = oa, a
		}
		b.asset("site"+itoa(i), AssetWebsite, o, j, None, 2)
	}
	b.campaign(Campaign{ID: "wave", Kind: CampDefacement, Actor: None, Active: true, Targets: []int32{a},
		Exploits: []Exploit{{1, 1000}}, DefacePerTick: 1})
	w := b.build(t, 1)
	run(t, w, 20, nil)
	if n := metric(t, w, "defaced"); n < 6 {
		t.Errorf("%d of 10 target sites defaced after 20 attempts", n)
	}
}

// Hosts cleaned after a sinkhole notification lose what the attacker had
// on them (privilege) and the owner's old alert, as with remediate.
func TestReviewSinkholeCleanupClearsFlags(t *testing.T) {
	w, c2 := botnetWorld(t, 2, 400, 0, 0)
	ci, _ := w.CampaignIndex("bot")
	for i := int32(0); i < 100; i++ {
		w.Assets[i].Controller = ci
		w.Assets[i].Flags |= FlagAdmin | FlagDetected
	}
	w.Assets[c2].Flags |= FlagSinkholed
	run(t, w, 600, nil)
	cleaned, stale := 0, 0
	for i := int32(0); i < 100; i++ {
		if w.Assets[i].Controller == None {
			cleaned++
			if w.Assets[i].Flags&(FlagAdmin|FlagDetected) != 0 {
				stale++
			}
		}
	}
	if cleaned == 0 || stale != 0 {
		t.Errorf("%d cleaned, %d still flagged admin/detected", cleaned, stale)
	}
}

// An objective on content that never appeared is judged at its deadline
// ("not there yet: not holding"), not left pending for ever.
func TestReviewObjectiveOnMissingMetricAtDeadline(t *testing.T) {
	cases := []struct {
		mode string
		want ObjectiveStatus
	}{{"by", ObjFailed}, {"end", ObjFailed}, {"never", ObjMet}}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			b := newBuilder()
			b.jur("A")
			b.w.Objectives = []Objective{{ID: "o", Metric: "content:vid:removed", Op: "==", Value: 1, Mode: tc.mode, Deadline: 10, Tick: None}}
			w := b.build(t, 1)
			run(t, w, 12, nil)
			if s := w.Objectives[0].Status; s != tc.want {
				t.Errorf("%s objective on missing content: %s at tick 12 (deadline 10), want %s", tc.mode, s, tc.want)
			}
		})
	}
}

// A script objective without a deadline has the end of the run as its
// deadline: undecided at the end, it failed.
func TestReviewScriptObjectiveFailsAtTheEnd(t *testing.T) {
	b := newBuilder()
	b.jur("A")
	b.w.Settings.DurationTicks = 5
	b.w.Objectives = []Objective{{ID: "o", Script: true, Deadline: None, Tick: None}}
	w := b.build(t, 1)
	run(t, w, 5, nil)
	w.Finish()
	if s := w.Objectives[0].Status; s != ObjFailed {
		t.Errorf("undecided script objective at the end: %s, want failed", s)
	}
}

// Pointing a DDoS elsewhere ends the attack on the old target.
func TestReviewDDoSRetargetReleasesOldTarget(t *testing.T) {
	w, ix := reviewWorld(t)
	ci := w.Campaigns[ix["intr"]]
	_ = ci
	d := int32(len(w.Campaigns))
	w.Campaigns = append(w.Campaigns, Campaign{ID: "dd", Kind: CampDDoS, Actor: None, Active: true, C2: None, TaskTarget: None, Stopped: None, FixedPower: 10000})
	w.idx.campaign["dd"] = d
	if err := w.Attack(d, "ddos", "srv", "", nil); err != nil {
		t.Fatal(err)
	}
	run(t, w, 3, nil)
	if v := metric(t, w, "asset:srv:availability"); v >= 500 {
		t.Fatalf("srv at %d under attack", v)
	}
	if err := w.Attack(d, "ddos", "c2", "", nil); err != nil {
		t.Fatal(err)
	}
	run(t, w, 3, nil)
	if v := metric(t, w, "asset:srv:availability"); v != 1000 {
		t.Errorf("srv at %d‰ after the attack moved elsewhere, want 1000", v)
	}
}

// Contained (isolated) bots are cut off: they neither recruit their
// neighbours nor take part in the botnet's task (mechanics §10: contain
// "stops spread and its service").
func TestReviewContainedBotsAreCutOff(t *testing.T) {
	w, _ := botnetWorld(t, 4, 400, 900, 3)
	net0, _ := w.SegmentIndex("net0")
	s := w.Segments[net0]
	for i := s.First; i < s.First+s.Count; i++ {
		if i < s.First+20 {
			w.Assets[i].Controller = 0
		}
		w.Assets[i].Flags |= FlagIsolated
	}
	run(t, w, 200, nil)
	if n := metric(t, w, "bots"); n != 20 {
		t.Errorf("contained bots recruited: %d bots, want the 20 contained", n)
	}
	if n := metric(t, w, "spam"); n != 0 {
		t.Errorf("contained bots sent %d spam", n)
	}
}

// "detections" counts compromises found, not examinations: investigating
// the same compromised asset again, or one the sensors already caught,
// finds nothing new.
func TestReviewInvestigateCountsNewDetectionsOnly(t *testing.T) {
	w, ix := reviewWorld(t)
	w.Orgs[ix["op-a"]].SensorPermille = 0
	w.Step(nil)
	w.Attack(ix["intr"], "exploit", "srv", "", nil)
	run(t, w, 200, map[int32][]Command{
		3:  {{Org: "op-a", Verb: "investigate", Target: "srv"}},
		50: {{Org: "police-a", Verb: "investigate", Target: "srv"}},
		90: {{Org: "op-a", Verb: "investigate", Target: "srv"}},
	})
	if n := metric(t, w, "detections"); n != 1 {
		t.Errorf("detections %d after one compromise investigated three times, want 1", n)
	}
}

// A campaign that takes a host from another leaves the other one bot fewer.
func TestReviewTakeoverMovesTheBot(t *testing.T) {
	w, ix := reviewWorld(t)
	b := int32(len(w.Campaigns))
	w.Campaigns = append(w.Campaigns, Campaign{ID: "rival", Kind: CampIntrusion, Actor: None, Active: true, C2: None, TaskTarget: None, Stopped: None, Exploits: []Exploit{{0, 1000}}})
	w.idx.campaign["rival"] = b
	w.Step(nil)
	w.Attack(ix["intr"], "exploit", "srv", "", nil)
	if err := w.Attack(b, "exploit", "srv", "", nil); err != nil {
		t.Fatal(err)
	}
	w.Step(nil)
	if a, r := metric(t, w, "campaign:intr:bots"), metric(t, w, "campaign:rival:bots"); a != 0 || r != 1 {
		t.Errorf("after the takeover: intr %d bots, rival %d; want 0 and 1", a, r)
	}
}

// Work beyond capacity waits in a first-in first-out queue (mechanics
// §11): later small jobs do not overtake a waiting bigger one for ever.
func TestReviewStaffQueueIsFIFO(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	op := b.org("op", OrgOperator, a, 2)
	b.asset("web", AssetWebsite, op, a, None, 0)
	b.asset("mail", AssetServer, op, a, None, 0)
	w := b.build(t, 1)
	w.Assets[0].Flags |= FlagBackup
	cmds := map[int32][]Command{
		1: {{Org: "op", Verb: "scan", Target: "mail"}, {Org: "op", Verb: "restore", Target: "web"}},
	}
	for tick := int32(2); tick < 200; tick += 10 {
		cmds[tick] = []Command{{Org: "op", Verb: "scan", Target: "mail"}}
	}
	ev := run(t, w, 200, cmds)
	if !hasEvent(ev, EvCommandStarted, "op restore web started") {
		t.Error("the restore waiting for two staff never started: later one-staff scans kept overtaking it")
	}
}

// A C2 that is reconnected commands its bots again: the botnet is no
// longer disrupted (as after a move to a fallback server), and a second
// disruption is announced again.
func TestReviewReconnectedC2IsNotDisrupted(t *testing.T) {
	w, _ := botnetWorld(t, 5, 400, 900, 3)
	ev := run(t, w, 60, map[int32][]Command{
		1:  {{Org: "hosting-b", Verb: "contain", Target: "c2"}},
		20: {{Org: "hosting-b", Verb: "allow", Target: "c2"}},
		40: {{Org: "hosting-b", Verb: "contain", Target: "c2"}},
	})
	n := 0
	for _, e := range ev {
		if e.Kind == EvC2Disrupted {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d c2_disrupted events for two disruptions", n)
	}
	run(t, w, 1, map[int32][]Command{w.Tick + 1: {{Org: "hosting-b", Verb: "allow", Target: "c2"}}})
	run(t, w, 10, nil)
	if d := metric(t, w, "campaign:bot:disrupted"); d != 0 {
		t.Errorf("campaign:bot:disrupted %d with its C2 back online", d)
	}
}

// A snapshot is untrusted input: Restore rejects a state Step would
// panic on, or Step copes with it.
func TestReviewRestoreRejectsBadReferences(t *testing.T) {
	cases := []struct {
		name string
		bad  func(w *World)
	}{
		{"tick seconds", func(w *World) { w.Settings.TickSeconds = 0 }},
		{"case prosecutor", func(w *World) { w.Cases = append(w.Cases, Case{Prosecutor: 99, Campaign: 0}) }},
		{"case campaign", func(w *World) { w.Cases = append(w.Cases, Case{Prosecutor: 0, Campaign: 99}) }},
		{"evidence copy", func(w *World) {
			w.Cases = append(w.Cases, Case{Prosecutor: 0, Campaign: w.Evidence[0].Campaign})
			e := &w.Evidence[0]
			e.ObtainedBy, e.ObtainedCustody, e.ObtainedTick = []int32{99}, []Custody{CustodyLawful}, []int32{0}
		}},
		{"evidence copies out of step", func(w *World) {
			w.Cases = append(w.Cases, Case{Prosecutor: 0, Campaign: w.Evidence[0].Campaign})
			e := &w.Evidence[0]
			e.ObtainedBy, e.ObtainedCustody, e.ObtainedTick = []int32{0, 1}, nil, nil
		}},
		{"request target", func(w *World) {
			w.Requests = append(w.Requests, Request{ID: int32(len(w.Requests) + 1), From: 0, To: 1, Kind: ReqDisclose, Target: "nothing", Status: ReqAccepted, Answer: None})
		}},
		{"report recipient", func(w *World) {
			w.Reports = append(w.Reports, Report{ID: int32(len(w.Reports) + 1), Author: 0, From: 0, To: []int32{99}, Campaign: None, Origin: None})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := testWorld(100, 1)
			w.Step(nil)
			if len(w.Evidence) == 0 {
				t.Fatal("test world has no evidence")
			}
			tc.bad(w)
			r, err := Restore(w.Snapshot())
			if err != nil {
				return
			}
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("restored, then Step panicked: %v", p)
				}
			}()
			for i := 0; i < 3; i++ {
				r.Step(nil)
				r.Metrics()
			}
			if len(r.Reports) > 0 {
				r.Step([]Command{{Org: r.Orgs[0].ID, Verb: "share", Target: r.Orgs[1].ID, Args: map[string]string{"tlp": "GREEN", "origin": "rep-1"}}})
			}
		})
	}
}
