package engine

import (
	"strings"
	"testing"
)

// builder assembles small worlds for the mechanism tests: each test states
// just what its mechanism needs.
type builder struct{ w *World }

func newBuilder() *builder {
	w := &World{Settings: DefaultSettings()}
	w.Settings.DurationTicks = 0
	w.Settings.StartUnix = 1_700_000_000 - 1_700_000_000%86400 + 9*3600 // 09:00 UTC
	w.Vulns = []Vuln{{ID: "smb"}, {ID: "cms"}}
	return &builder{w: w}
}

func (b *builder) jur(id string, crimes ...string) int32 {
	b.w.Jurisdictions = append(b.w.Jurisdictions, Jurisdiction{ID: id, Crimes: crimes, ContactPointTicks: 60, MLATicks: 6000, PoliceTicks: 600, AnswerPermille: 1000})
	return int32(len(b.w.Jurisdictions) - 1)
}

func (b *builder) org(id string, kind OrgKind, jur int32, staff int32) int32 {
	b.w.Orgs = append(b.w.Orgs, Org{ID: id, Kind: kind, Jurisdiction: jur, Staff: staff, ResponseDelayTicks: 10})
	return int32(len(b.w.Orgs) - 1)
}

func (b *builder) hosts(id string, owner, jur, isp int32, n int32, vulnPermille Permille) int32 {
	s := int32(len(b.w.Segments))
	b.w.Segments = append(b.w.Segments, Segment{ID: id, Owner: owner, Jurisdiction: jur, ISP: isp, First: int32(len(b.w.Assets)), Count: n, Prefix: id, PosturePermille: 1000})
	b.w.Assets = GenerateHosts(b.w.Assets, s, owner, HostSpec{Kind: AssetHost, Count: n, Vulns: []VulnShare{{0, vulnPermille}}}, 5)
	return s
}

func (b *builder) asset(id string, kind AssetKind, owner, jur, isp int32, vulns uint64) int32 {
	s := int32(len(b.w.Segments))
	b.w.Segments = append(b.w.Segments, Segment{ID: "seg-" + id, Owner: owner, Jurisdiction: jur, ISP: isp, First: int32(len(b.w.Assets)), Count: 1, PosturePermille: 1000})
	a := NewAsset(kind, s, owner)
	a.Vulns = vulns
	b.w.Assets = append(b.w.Assets, a)
	i := int32(len(b.w.Assets) - 1)
	b.w.AssetNames = append(b.w.AssetNames, NamedAsset{Index: i, ID: id})
	return i
}

func (b *builder) campaign(c Campaign) int32 {
	if c.C2 == 0 && c.ID != "" {
		c.C2 = None
	}
	c.Stopped = None
	c.TaskTarget = None
	b.w.Campaigns = append(b.w.Campaigns, c)
	return int32(len(b.w.Campaigns) - 1)
}

func (b *builder) build(t *testing.T, seed uint64) *World {
	t.Helper()
	if err := b.w.Init(seed); err != nil {
		t.Fatal(err)
	}
	return b.w
}

func run(t *testing.T, w *World, ticks int, cmds map[int32][]Command) []Event {
	t.Helper()
	var all []Event
	for i := 0; i < ticks; i++ {
		ev, err := w.Step(cmds[w.Tick+1])
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ev...)
	}
	return all
}

func metric(t *testing.T, w *World, name string) int64 {
	t.Helper()
	v, err := w.Metric(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func hasEvent(ev []Event, kind, substr string) bool {
	for _, e := range ev {
		if e.Kind == kind && strings.Contains(e.Text, substr) {
			return true
		}
	}
	return false
}

// botnetWorld: country A's hosts, a C2 at a hosting company in B.
func botnetWorld(t *testing.T, seed uint64, n int32, vuln Permille, contacts int32) (*World, int32) {
	b := newBuilder()
	a, bj := b.jur("A", "botnet"), b.jur("B", "botnet")
	isp := b.org("isp-a", OrgISP, a, 5)
	b.org("csirt-a", OrgCSIRT, a, 5)
	host := b.org("hosting-b", OrgHosting, bj, 3)
	b.org("registrar-b", OrgRegistrar, bj, 2)
	for i := 0; i < 4; i++ {
		b.hosts("net"+string(rune('0'+i)), isp, a, isp, n/4, vuln)
	}
	b.w.Links = []Link{{A: 0, B: 1, WeightPermille: 100}, {A: 1, B: 2, WeightPermille: 100}, {A: 2, B: 3, WeightPermille: 100}}
	c2 := b.asset("c2", AssetC2, host, bj, None, 0)
	ci := b.campaign(Campaign{ID: "bot", Kind: CampBotnet, Offence: "botnet", Actor: None, C2: c2, Active: true,
		Exploits: []Exploit{{0, 800}}, ContactsPerTick: contacts, Task: "spam"})
	w := b.build(t, seed)
	w.Assets[0].Controller = ci
	return w, c2
}

func TestBotnetReachesEightInTen(t *testing.T) {
	// One source: eight in ten connected computers controlled by botnets.
	w, _ := botnetWorld(t, 1, 20000, 900, 3)
	run(t, w, 1500, nil)
	if p := metric(t, w, "compromised_permille"); p < 800 {
		t.Fatalf("botnet reached %d‰ of hosts, want ≥ 800‰ with 90%% vulnerable hosts and no defence", p)
	}
	if metric(t, w, "spam") == 0 {
		t.Fatal("bots tasked with spam sent none")
	}
}

func TestBotnetC2Disruption(t *testing.T) {
	cases := []struct {
		name string
		cmd  Command
	}{
		{"takedown by the host", Command{Org: "hosting-b", Verb: "takedown", Target: "c2"}},
		{"sinkhole by the registrar", Command{Org: "registrar-b", Verb: "sinkhole", Target: "c2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := botnetWorld(t, 2, 8000, 600, 1)
			run(t, w, 100, nil)
			before := metric(t, w, "bots")
			ev := run(t, w, 60, map[int32][]Command{101: {tc.cmd}})
			if !hasEvent(ev, EvC2Disrupted, "lost its command") {
				t.Fatal("no disruption event")
			}
			mid := metric(t, w, "bots_ever")
			run(t, w, 300, nil)
			if metric(t, w, "bots_ever") != mid {
				t.Fatal("botnet kept recruiting without its C2")
			}
			if metric(t, w, "bots") > before*3 {
				t.Fatalf("bots grew from %d to %d", before, metric(t, w, "bots"))
			}
		})
	}
	t.Run("sinkhole cleans victims", func(t *testing.T) {
		w, _ := botnetWorld(t, 3, 8000, 600, 1)
		run(t, w, 100, map[int32][]Command{50: {{Org: "registrar-b", Verb: "sinkhole", Target: "c2"}}})
		b0 := metric(t, w, "bots")
		run(t, w, 500, nil)
		if b1 := metric(t, w, "bots"); b1*2 > b0 {
			t.Fatalf("bots %d → %d: notified owners did not clean up", b0, b1)
		}
	})
	t.Run("a registrar abroad cannot sinkhole", func(t *testing.T) {
		b := newBuilder()
		a, bj := b.jur("A"), b.jur("B")
		b.org("registrar-a", OrgRegistrar, a, 2)
		h := b.org("host-b", OrgHosting, bj, 2)
		b.asset("c2", AssetC2, h, bj, None, 0)
		w := b.build(t, 1)
		ev := run(t, w, 2, map[int32][]Command{1: {{Org: "registrar-a", Verb: "sinkhole", Target: "c2"}}})
		if !hasEvent(ev, EvCommandRejected, "another jurisdiction") {
			t.Fatal("sinkhole across the border was not rejected")
		}
	})
}

func TestISPBlockCutsOnlyItsCustomers(t *testing.T) {
	w, _ := botnetWorld(t, 4, 8000, 600, 1)
	ddosTarget := w.Campaigns[0]
	_ = ddosTarget
	run(t, w, 50, map[int32][]Command{10: {{Org: "isp-a", Verb: "deny", Target: "c2"}}})
	if !containsInt32(w.Campaigns[0].BlockedBy, 0) {
		t.Fatal("ISP block not recorded")
	}
	spam := w.Campaigns[0].Spam
	run(t, w, 10, nil)
	if w.Campaigns[0].Spam != spam {
		t.Fatal("bots behind the blocking ISP still take orders")
	}
}

func TestDefacementWaveRestoreAndHarden(t *testing.T) {
	b := newBuilder()
	a := b.jur("A", "hacking")
	gov := b.org("gov", OrgMinistry, a, 20)
	for i := 0; i < 200; i++ {
		id := "site" + itoa(i)
		ai := b.asset(id, AssetWebsite, gov, a, None, 2)
		if i%2 == 0 {
			b.w.Assets[ai].Flags |= FlagBackup
		}
	}
	b.campaign(Campaign{ID: "wave", Kind: CampDefacement, Offence: "hacking", Actor: None, Active: true, Exploits: []Exploit{{1, 1000}}, DefacePerTick: 20})
	w := b.build(t, 1)
	ev := run(t, w, 5, nil)
	n := metric(t, w, "defaced")
	if n < 20 {
		t.Fatalf("%d sites defaced after 5 ticks of a 20-a-tick wave", n)
	}
	pub := false
	for _, e := range ev {
		if e.Kind == EvDefaced && e.Public {
			pub = true
		}
	}
	if !pub {
		t.Fatal("a defacement must be public")
	}
	w.Campaigns[0].Active = false
	var withB, without string
	for _, nm := range w.AssetNames {
		if w.Assets[nm.Index].Flags&FlagDefaced != 0 {
			if w.Assets[nm.Index].Flags&FlagBackup != 0 && withB == "" {
				withB = nm.ID
			} else if w.Assets[nm.Index].Flags&FlagBackup == 0 && without == "" {
				without = nm.ID
			}
		}
	}
	if withB == "" || without == "" {
		t.Skip("wave did not hit both kinds")
	}
	ev = run(t, w, 300, map[int32][]Command{6: {{Org: "gov", Verb: "restore", Target: withB}, {Org: "gov", Verb: "restore", Target: without}}})
	var tB, tN int32
	for _, e := range ev {
		if e.Kind == EvAssetRestored && e.Subject == withB {
			tB = e.Tick
		}
		if e.Kind == EvAssetRestored && e.Subject == without {
			tN = e.Tick
		}
	}
	if tB == 0 || tN == 0 || tN-6 != 4*(tB-6) {
		t.Fatalf("restore with backup done at %d, without at %d: want four times longer without", tB, tN)
	}
	// Hardened sites resist the next wave.
	run(t, w, 200, map[int32][]Command{w.Tick + 1: {{Org: "gov", Verb: "update", Target: withB}}})
	ai, _ := w.AssetIndex(withB)
	if w.Assets[ai].Flags&FlagHardened == 0 || w.Assets[ai].Vulns != 0 {
		t.Fatal("update did not patch and harden")
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	return s
}

func TestDDoSAndScrubbing(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	isp := b.org("isp", OrgISP, a, 3)
	bank := b.org("bank", OrgOperator, a, 3)
	target := b.asset("bank-web", AssetWebsite, bank, a, isp, 0)
	b.w.Assets[target].Capacity = 1000
	ci := b.campaign(Campaign{ID: "flood", Kind: CampDDoS, Actor: None, Active: true, FixedPower: 5000})
	w := b.build(t, 1)
	w.Campaigns[ci].TaskTarget = target
	run(t, w, 3, nil)
	if v := metric(t, w, "asset:bank-web:availability"); v != 200 {
		t.Fatalf("availability %d under 5× capacity, want 200‰", v)
	}
	ev := run(t, w, 20, map[int32][]Command{4: {{Org: "isp", Verb: "deny", Target: "bank-web"}}})
	if v := metric(t, w, "asset:bank-web:availability"); v != 1000 {
		t.Fatalf("availability %d after scrubbing 90%% of 5000 against 1000, want 1000", v)
	}
	// Scrubbing says so with its own kind: a ddos.impact is a change of
	// availability, never the defender's own act (a handler reading
	// ev.value < 500 as "the site is down" must not fire on it).
	scrubbed := 0
	for _, e := range ev {
		if e.Kind == EvDDoSScrubbed && e.Subject == "bank-web" && e.Org == "isp" {
			scrubbed++
		}
		if e.Kind == EvDDoS && e.Org != "" {
			t.Errorf("a ddos.impact from an organisation: %+v", e)
		}
	}
	if scrubbed != 1 {
		t.Errorf("%d ddos.scrubbed events, want 1", scrubbed)
	}
}

func TestIntrusionLateralExfiltrationDetection(t *testing.T) {
	b := newBuilder()
	a, bj := b.jur("A", "hacking"), b.jur("B", "hacking")
	op := b.org("op", OrgOperator, a, 3)
	host := b.org("host-b", OrgHosting, bj, 2)
	b.asset("mail", AssetServer, op, a, None, 1)
	db := b.asset("db", AssetDatabase, op, a, None, 1)
	c2 := b.asset("c2", AssetC2, host, bj, None, 0)
	b.w.Links = []Link{{A: 0, B: 1, WeightPermille: 100}}
	ci := b.campaign(Campaign{ID: "apt", Kind: CampIntrusion, Offence: "hacking", Actor: None, Exploits: []Exploit{{0, 1000}}})
	w := b.build(t, 1)
	w.Campaigns[ci].C2 = c2
	_ = db
	if err := w.Attack(ci, "exfiltrate", "db", "T1041", nil); err == nil {
		t.Fatal("exfiltration without control succeeded")
	}
	if err := w.Attack(ci, "exploit", "mail", "T1190", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Attack(ci, "lateral", "db", "T1021", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Attack(ci, "exfiltrate", "db", "T1041", []Arg{{"amount", "5000"}}); err != nil {
		t.Fatal(err)
	}
	if metric(t, w, "exfiltrated") != UserExfiltrationMax {
		t.Fatal("a user account stole more than its share")
	}
	if err := w.Attack(ci, "destroy", "db", "T1485", nil); err == nil {
		t.Fatal("wiped without privilege")
	}
	if err := w.Attack(ci, "escalate", "db", "T1068", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Attack(ci, "exfiltrate", "db", "T1041", []Arg{{"amount", "5000"}}); err != nil {
		t.Fatal(err)
	}
	if metric(t, w, "exfiltrated") != UserExfiltrationMax+5000 {
		t.Fatal("exfiltrated records not counted")
	}
	found := false
	for _, e := range w.Evidence {
		if e.Kind == "exfil-records" && e.Holder == host {
			found = true
		}
	}
	if !found {
		t.Fatal("exfiltration left no records at the C2's host abroad")
	}
	// Detection: without sensors nothing; with sensors, after a delay.
	run(t, w, 50, nil)
	if w.Assets[db].Flags&FlagDetected != 0 {
		t.Fatal("detected without any sensor")
	}
	w.Orgs[op].SensorPermille = 50
	ev := run(t, w, 500, nil)
	if !hasEvent(ev, EvAssetDetected, "alert on db") {
		t.Fatal("sensor never detected the intrusion")
	}
}

func TestLateralNeedsFoothold(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	op := b.org("op", OrgOperator, a, 3)
	b.asset("x", AssetServer, op, a, None, 1)
	b.asset("y", AssetServer, op, a, None, 1) // not linked to x
	ci := b.campaign(Campaign{ID: "apt", Kind: CampIntrusion, Actor: None, Exploits: []Exploit{{0, 1000}}})
	w := b.build(t, 1)
	if err := w.Attack(ci, "exploit", "x", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Attack(ci, "lateral", "y", "", nil); err == nil || !strings.Contains(err.Error(), "no foothold") {
		t.Fatalf("lateral without a link: %v", err)
	}
}

func gridWorld(t *testing.T) (*World, int32) {
	b := newBuilder()
	a := b.jur("A", "hacking", "sabotage")
	op := b.org("grid-op", OrgOperator, a, 6)
	hosp := b.org("hospital", OrgOperator, a, 2)
	sc := b.asset("scada", AssetSCADA, op, a, None, 1)
	b.w.Assets[sc].Infra = 0
	b.w.Infras = []Infra{
		{ID: "substation", Owner: op, Level: 1000, RestoreTicks: 100, ManualPermille: 600, DownSince: None, RepairUntil: None},
		{ID: "hospital", Owner: hosp, Priority: true, Level: 1000, DependsOn: []Dependency{{Infra: 0, Asset: None, DelayTicks: 10}}, BackupPermille: 700, BackupTicks: 60, IslandPermille: 800, DownSince: None, RepairUntil: None},
		{ID: "water", Owner: hosp, Level: 1000, DependsOn: []Dependency{{Infra: 0, Asset: None, DelayTicks: 30}}, DownSince: None, RepairUntil: None},
	}
	ci := b.campaign(Campaign{ID: "hybrid", Kind: CampIntrusion, Offence: "sabotage", Actor: None, Exploits: []Exploit{{0, 1000}}})
	return b.build(t, 1), ci
}

func TestCyberPhysicalCascade(t *testing.T) {
	w, ci := gridWorld(t)
	if err := w.Attack(ci, "trip", "substation", "T0831", nil); err == nil {
		t.Fatal("tripped without controlling the SCADA")
	}
	w.Attack(ci, "exploit", "scada", "T0866", nil)
	if err := w.Attack(ci, "trip", "substation", "T0831", nil); err != nil {
		t.Fatal(err)
	}
	run(t, w, 1, nil)
	if metric(t, w, "infra:substation") != 0 {
		t.Fatal("substation not down after trip")
	}
	// Cascade with delays: hospital runs on backup after 10 ticks, water drops after 30.
	run(t, w, 12, nil)
	if v := metric(t, w, "infra:hospital"); v != 700 {
		t.Fatalf("hospital at %d‰ 12 ticks after the trip, want 700 (generators)", v)
	}
	if metric(t, w, "infra:water") != 1000 {
		t.Fatal("water failed before its delay")
	}
	run(t, w, 30, nil)
	if metric(t, w, "infra:water") != 0 {
		t.Fatal("water still up after its delay")
	}
	run(t, w, 40, nil)
	if metric(t, w, "infra:hospital") != 0 {
		t.Fatal("hospital generators outlived their fuel")
	}
	// Manual operation brings the substation back partly.
	run(t, w, 40, map[int32][]Command{w.Tick + 1: {{Org: "grid-op", Verb: "manual", Target: "substation"}}})
	if v := metric(t, w, "infra:substation"); v != 600 {
		t.Fatalf("substation in manual at %d‰, want 600", v)
	}
	if v := metric(t, w, "infra:hospital"); v != 600 {
		t.Fatalf("hospital at %d‰ with the substation at 600‰, want 600 (levels pass on in proportion)", v)
	}
}

func TestPhysicalAttackRepairAndIslanding(t *testing.T) {
	w, ci := gridWorld(t)
	w.Attack(ci, "physical", "substation", "", nil)
	run(t, w, 5, map[int32][]Command{1: {{Org: "hospital", Verb: "island", Target: "hospital"}}})
	run(t, w, 30, nil)
	if v := metric(t, w, "infra:hospital"); v != 800 {
		t.Fatalf("islanded hospital at %d‰, want 800 (islanded, protected from upstream)", v)
	}
	start := w.Tick + 1
	run(t, w, 200, map[int32][]Command{start: {{Org: "grid-op", Verb: "restore", Target: "substation"}}})
	if metric(t, w, "infra:substation") != 1000 {
		t.Fatal("substation not repaired after restore + repair time")
	}
}

func legalWorld(t *testing.T, crimesB []string, slow bool) *World {
	b := newBuilder()
	a := b.jur("A", "botnet", "pornography")
	bj := b.jur("B", crimesB...)
	if slow {
		b.w.Jurisdictions[bj].NoDualCriminality = "slow"
	}
	b.org("police-a", OrgPolice, a, 3)
	b.org("prosecutor-a", OrgProsecutor, a, 2)
	h := b.org("host-b", OrgHosting, bj, 2)
	b.w.Orgs[h].Scripted = true
	c2 := b.asset("c2", AssetC2, h, bj, None, 0)
	ci := b.campaign(Campaign{ID: "bot", Kind: CampBotnet, Offence: "botnet", Actor: None, EvidenceRetainTicks: 3000})
	w := b.build(t, 1)
	w.Campaigns[ci].C2 = c2
	w.Attack(ci, "start", "", "", nil)
	return w
}

func TestDualCriminality(t *testing.T) {
	req := func(kind, ch string) map[int32][]Command {
		return map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": kind, "target": "bot-c2-records-1", "channel": ch}}}}
	}
	t.Run("crime in both: preserved via 24/7", func(t *testing.T) {
		w := legalWorld(t, []string{"botnet"}, false)
		ev := run(t, w, 300, req("preserve", "24/7"))
		if !hasEvent(ev, EvRequestAnswered, "done") || w.Evidence[0].Preserved == false {
			t.Fatal("preservation not done")
		}
	})
	t.Run("not a crime there: disclosure refused", func(t *testing.T) {
		w := legalWorld(t, []string{"hacking"}, false)
		w.Orgs[2].Scripted = true
		ev := run(t, w, 9000, req("disclose", "mla"))
		if !hasEvent(ev, EvRequestAnswered, "no dual criminality") {
			t.Fatal("request not refused for lack of dual criminality")
		}
	})
	t.Run("not a crime there: preservation still done", func(t *testing.T) {
		w := legalWorld(t, []string{"hacking"}, false)
		run(t, w, 300, req("preserve", "24/7"))
		if !w.Evidence[0].Preserved {
			t.Fatal("preservation refused for lack of dual criminality (art. 29(3) needs none)")
		}
	})
	t.Run("not a crime there, slow policy: three times longer", func(t *testing.T) {
		fast := legalWorld(t, []string{"botnet"}, false)
		slow := legalWorld(t, []string{"hacking"}, true)
		run(t, fast, 1, req("disclose", "mla"))
		run(t, slow, 1, req("disclose", "mla"))
		run(t, fast, 20, nil)
		run(t, slow, 20, nil)
		df := fast.Requests[0].Due - fast.Requests[0].Sent
		ds := slow.Requests[0].Due - slow.Requests[0].Sent
		if ds < 2*df {
			t.Fatalf("slow %d ticks vs %d: want about three times", ds, df)
		}
	})
}

func TestMLAIsSlowAndEvidenceExpires(t *testing.T) {
	// Reply after six months, by which time the data was no longer useful.
	w := legalWorld(t, []string{"botnet"}, false)
	cmds := map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "disclose", "target": "bot-c2-records-1"}}}}
	ev := run(t, w, 9000, cmds)
	if w.Requests[0].Channel != ChanMLA {
		t.Fatalf("disclosure abroad went via %s, want mla", w.Requests[0].Channel)
	}
	if !w.Evidence[0].Lost || !hasEvent(ev, EvRequestAnswered, "already gone") {
		t.Fatal("evidence arrived although its retention ran out before the MLA reply")
	}
	// Preserve fast via 24/7, then disclose via MLA: admissible.
	w = legalWorld(t, []string{"botnet"}, false)
	cmds = map[int32][]Command{1: {
		{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "preserve", "target": "bot-c2-records-1"}},
		{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "disclose", "target": "bot-c2-records-1"}},
	}, 2: {{Org: "prosecutor-a", Verb: "prosecute", Target: "bot"}}}
	run(t, w, 9000, cmds)
	if w.Evidence[0].Lost || w.Evidence[0].HasCopy(0) != CustodyLawful {
		t.Fatal("preserved evidence not lawfully disclosed")
	}
	if metric(t, w, "case:A") == 0 {
		t.Fatal("case has no strength with lawful evidence")
	}
}

func TestAgreementSpeedsRequests(t *testing.T) {
	plain := legalWorld(t, []string{"botnet"}, false)
	treaty := legalWorld(t, []string{"botnet"}, false)
	treaty.Agreements = []Agreement{{A: 0, B: 1, SpeedPermille: 250}}
	c := map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "disclose", "target": "bot-c2-records-1"}}}}
	run(t, plain, 20, c)
	run(t, treaty, 20, c)
	dp := plain.Requests[0].Due - plain.Requests[0].Sent
	dt := treaty.Requests[0].Due - treaty.Requests[0].Sent
	if dt*2 > dp {
		t.Fatalf("treaty %d ticks vs %d without", dt, dp)
	}
}

func TestHumanAnswersRequest(t *testing.T) {
	w := legalWorld(t, []string{"botnet"}, false)
	w.Orgs[2].Scripted = false
	cmds := map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "takedown", "target": "c2"}}}}
	run(t, w, 2000, cmds)
	if w.Requests[0].Status != ReqPending {
		t.Fatal("a human team's request was decided without it")
	}
	run(t, w, 20, map[int32][]Command{w.Tick + 1: {{Org: "host-b", Verb: "answer", Target: "req-1", Args: map[string]string{"decision": "accept"}}}})
	if w.Requests[0].Status != ReqDone || w.Assets[0].Flags&FlagTakenDown == 0 {
		t.Fatalf("accepted request not carried out: %s", w.Requests[0].Status)
	}
}

func TestTLPResharing(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	b.org("csirt-a", OrgCSIRT, a, 3)
	b.org("csirt-b", OrgCSIRT, a, 3)
	b.org("isp", OrgISP, a, 3)
	b.org("bank", OrgOperator, a, 3)
	b.w.Orgs[1].Clients = []int32{3}
	b.campaign(Campaign{ID: "bot", Kind: CampBotnet, Actor: None})
	w := b.build(t, 1)
	ev := run(t, w, 6, map[int32][]Command{1: {{Org: "csirt-a", Verb: "share", Target: "csirt-b", Args: map[string]string{"tlp": "GREEN", "campaign": "bot"}}}})
	if !hasEvent(ev, EvCommandRejected, "no indicators") {
		t.Fatal("shared indicators of a campaign it never found")
	}
	w.Orgs[0].Indicators = []int32{0} // csirt-a investigated it
	share := func(by, to, tlp, origin string) Command {
		args := map[string]string{"tlp": tlp, "campaign": "bot", "title": "IOCs"}
		if origin != "" {
			args["origin"] = origin
		}
		return Command{Org: by, Verb: "share", Target: to, Args: args}
	}
	cases := []struct {
		tlp     string
		to      string
		allowed bool
	}{
		{"CLEAR", "isp", true}, {"GREEN", "isp", true}, {"AMBER", "bank", true}, {"AMBER", "isp", false},
		{"AMBER+STRICT", "bank", false}, {"RED", "isp", false},
	}
	for i, tc := range cases {
		orig := "rep-" + itoa(len(w.Reports)+1)
		ev := run(t, w, 6, map[int32][]Command{w.Tick + 1: {share("csirt-a", "csirt-b", tc.tlp, "")}})
		if !hasEvent(ev, EvReportShared, "to csirt-b") {
			t.Fatalf("case %d: original share failed", i)
		}
		ev = run(t, w, 6, map[int32][]Command{w.Tick + 1: {share("csirt-b", tc.to, "CLEAR", orig)}})
		refused := hasEvent(ev, EvReshareRefused, "forbids")
		if refused == tc.allowed {
			t.Errorf("TLP:%s re-share to %s: refused=%v, want allowed=%v", tc.tlp, tc.to, refused, tc.allowed)
		}
	}
	if !containsInt32(w.Orgs[1].Indicators, 0) {
		t.Fatal("receiving a report with indicators did not raise detection")
	}
}

func TestIndicatorsRaiseDetection(t *testing.T) {
	count := func(indicators bool) int64 {
		var total int64
		for seed := uint64(1); seed <= 20; seed++ {
			w, _ := botnetWorld(t, seed, 4000, 600, 1)
			w.Orgs[0].SensorPermille = 5
			if indicators {
				w.Orgs[0].Indicators = []int32{0}
			}
			ev := run(t, w, 150, nil)
			for _, e := range ev {
				if e.Kind == EvBotnetAlert {
					total++
				}
			}
		}
		return total
	}
	if a, b := count(false), count(true); b <= a {
		t.Fatalf("alerts with indicators %d, without %d", b, a)
	}
}

func TestPropagandaAndFunds(t *testing.T) {
	b := newBuilder()
	a, bj := b.jur("A", "terror-propaganda", "terror-financing"), b.jur("B", "terror-financing")
	p := b.org("platform-b", OrgPlatform, bj, 2)
	b.w.Orgs[p].Scripted = true
	pay := b.org("pay-b", OrgPayment, bj, 2)
	b.w.Orgs[pay].Scripted = true
	b.org("police-a", OrgPolice, a, 3)
	b.org("fiu-a", OrgFIU, a, 2)
	b.org("ministry-a", OrgMinistry, a, 2)
	ci := b.campaign(Campaign{ID: "prop", Kind: CampPropaganda, Offence: "terror-propaganda", Actor: None, Active: true})
	w := b.build(t, 1)
	if err := w.Attack(ci, "publish", "platform-b", "", []Arg{{"id", "v1"}, {"reach", "1000"}, {"growth", "20"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Attack(ci, "publish", "platform-b", "", []Arg{{"id", "v2"}, {"reach", "1000"}, {"growth", "20"}}); err != nil {
		t.Fatal(err)
	}
	run(t, w, 40, map[int32][]Command{2: {{Org: "ministry-a", Verb: "statement", Args: map[string]string{"campaign": "prop", "text": "counter-narrative"}}}})
	if w.Contents[0].GrowthPermille >= 20 {
		t.Fatal("counter-narrative did not slow growth")
	}
	r0 := metric(t, w, "content:v1:reach")
	if r0 <= 1000 {
		t.Fatal("reach did not grow")
	}
	// Takedown on request: propaganda is not a crime in B, so it is refused there.
	ev := run(t, w, 500, map[int32][]Command{w.Tick + 1: {{Org: "police-a", Verb: "request", Target: "platform-b", Args: map[string]string{"kind": "takedown", "target": "v1"}}}})
	if !hasEvent(ev, EvRequestAnswered, "no dual criminality") {
		t.Fatal("takedown of content that is legal in B was not refused")
	}
	// Funds: raise, disclose records, trace.
	if err := w.Attack(ci, "raise", "pay-b", "", []Arg{{"id", "p1"}, {"amount", "5000"}}); err != nil {
		t.Fatal(err)
	}
	rec := w.Evidence[len(w.Evidence)-1].ID
	ev = run(t, w, 9000, map[int32][]Command{w.Tick + 1: {
		{Org: "fiu-a", Verb: "trace", Target: "p1"},
		{Org: "police-a", Verb: "request", Target: "pay-b", Args: map[string]string{"kind": "preserve", "target": rec, "offence": "terror-financing"}},
		{Org: "fiu-a", Verb: "request", Target: "pay-b", Args: map[string]string{"kind": "disclose", "target": rec, "channel": "mla", "offence": "terror-financing"}},
	}})
	if !hasEvent(ev, EvCommandRejected, "no record") {
		t.Fatal("trace without records was not rejected")
	}
	run(t, w, 100, map[int32][]Command{w.Tick + 1: {{Org: "fiu-a", Verb: "trace", Target: "p1"}}})
	if metric(t, w, "money_traced") != 5000 {
		t.Fatalf("money traced %d after disclosure", metric(t, w, "money_traced"))
	}
}

func TestStaffQueueAndSideEffects(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	op := b.org("op", OrgOperator, a, 1)
	b.asset("web", AssetWebsite, op, a, None, 0)
	b.asset("mail", AssetServer, op, a, None, 0)
	w := b.build(t, 1)
	ev := run(t, w, 40, map[int32][]Command{1: {
		{Org: "op", Verb: "contain", Target: "web"},
		{Org: "op", Verb: "contain", Target: "mail"},
	}})
	if !hasEvent(ev, EvCommandStarted, "waiting 10 ticks for staff") {
		t.Fatal("second action did not wait for the only staff member")
	}
	if metric(t, w, "asset:web:availability") != 0 {
		t.Fatal("isolating a server did not stop its service")
	}
	ev = run(t, w, 2, map[int32][]Command{w.Tick + 1: {{Org: "op", Verb: "restore", Target: "web"}, {Org: "op", Verb: "fly", Target: "web"}, {Org: "nobody", Verb: "scan"}}})
	if !hasEvent(ev, EvCommandRejected, "needs 2 staff") || !hasEvent(ev, EvCommandRejected, "unknown verb") || !hasEvent(ev, EvCommandRejected, "unknown organisation") {
		t.Fatal("bad commands not rejected with reasons")
	}
}

func TestOfficeHours(t *testing.T) {
	w := legalWorld(t, []string{"botnet"}, false)
	w.Settings.StartUnix -= 9 * 3600 // midnight UTC
	w.Jurisdictions[1].PoliceTicks = 10
	run(t, w, 30, map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "takedown", "target": "c2", "channel": "police"}}}})
	r := w.Requests[0]
	local := (w.Settings.StartUnix + int64(r.Due)*60) % 86400 / 3600
	if local < OfficeOpenHour || local >= OfficeCloseHour {
		t.Fatalf("police request due at %02d:00 local, outside office hours", local)
	}
}

func TestAuthorityAndKnowledgeRules(t *testing.T) {
	t.Run("investigating abroad needs an assist request", func(t *testing.T) {
		w := legalWorld(t, []string{"botnet"}, false)
		ev := run(t, w, 3, map[int32][]Command{1: {{Org: "police-a", Verb: "investigate", Target: "c2"}}})
		if !hasEvent(ev, EvCommandRejected, "assist request") {
			t.Fatal("police investigated a server abroad directly")
		}
	})
	t.Run("a site without local generation cannot island", func(t *testing.T) {
		w, _ := gridWorld(t)
		w.Infras[1].IslandPermille = 0
		ev := run(t, w, 2, map[int32][]Command{1: {{Org: "hospital", Verb: "island", Target: "hospital"}}})
		if !hasEvent(ev, EvCommandRejected, "no local generation") {
			t.Fatal("islanded without local generation")
		}
	})
	t.Run("requests to a CSIRT go to its duty desk", func(t *testing.T) {
		b := newBuilder()
		a := b.jur("A")
		b.org("op", OrgOperator, a, 2)
		b.org("csirt", OrgCSIRT, a, 2)
		b.asset("x", AssetServer, 0, a, None, 0)
		w := b.build(t, 1)
		run(t, w, 20, map[int32][]Command{1: {{Org: "op", Verb: "request", Target: "csirt", Args: map[string]string{"kind": "assist", "target": "x"}}}})
		if w.Requests[0].Channel != ChanCSIRT {
			t.Fatalf("channel %s, want csirt", w.Requests[0].Channel)
		}
	})
	t.Run("an objective is not judged before its from tick", func(t *testing.T) {
		w, _ := gridWorld(t)
		w.Objectives = []Objective{{ID: "restored", Metric: "infra:substation", Op: ">=", Value: 1000, Mode: "by", From: 10, Deadline: None, Tick: None}}
		w.rebuildIndex()
		run(t, w, 5, nil)
		if w.Objectives[0].Status != ObjPending {
			t.Fatal("judged before from")
		}
		run(t, w, 10, nil)
		if w.Objectives[0].Status != ObjMet || w.Objectives[0].Tick != 10 {
			t.Fatalf("status %s at %d, want met at 10", w.Objectives[0].Status, w.Objectives[0].Tick)
		}
	})
	t.Run("going onto generators is an event", func(t *testing.T) {
		w, _ := gridWorld(t)
		w.Attack(0, "physical", "substation", "", nil)
		ev := run(t, w, 15, nil)
		if !hasEvent(ev, EvInfraChanged, "hospital now at 700") {
			t.Fatal("no event when the hospital went onto its generators")
		}
	})
}

func TestDDoSEndsWithTheTraffic(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	bank := b.org("bank", OrgOperator, a, 3)
	target := b.asset("bank-web", AssetWebsite, bank, a, None, 0)
	ci := b.campaign(Campaign{ID: "flood", Kind: CampDDoS, Actor: None, Active: true, FixedPower: 5000})
	w := b.build(t, 1)
	w.Campaigns[ci].TaskTarget = target
	ev := run(t, w, 3, nil)
	if metric(t, w, "asset:bank-web:availability") != 200 || !hasEvent(ev, EvDDoS, "under 5000 units") {
		t.Fatal("attack did not bite")
	}
	w.Campaigns[ci].Active = false
	ev = run(t, w, 1, nil)
	if metric(t, w, "asset:bank-web:availability") != 1000 || !hasEvent(ev, EvDDoS, "back at 1000") {
		t.Fatal("availability stuck after the attack stopped")
	}
}

func TestCrossBorderDisclosureOutsideMLAIsIntelligence(t *testing.T) {
	w := legalWorld(t, []string{"botnet"}, false)
	run(t, w, 2000, map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "disclose", "target": "bot-c2-records-1", "channel": "police"}}}})
	if c := w.Evidence[0].HasCopy(0); c != CustodyInformal {
		t.Fatalf("custody %d through a police request abroad, want informal", c)
	}
}

func TestRequestTellsTheReceiverOfMissingDualCriminality(t *testing.T) {
	w := legalWorld(t, []string{"hacking"}, false)
	w.Orgs[2].Scripted = false
	ev := run(t, w, 20, map[int32][]Command{1: {{Org: "police-a", Verb: "request", Target: "host-b", Args: map[string]string{"kind": "disclose", "target": "bot-c2-records-1"}}}})
	for _, e := range ev {
		if e.Kind == EvRequestSent && e.VisibleTo(2) && strings.Contains(e.Text, "no dual criminality") {
			return
		}
	}
	t.Fatal("the human receiver was not told the act is no crime in its country")
}

func TestOwnerLearnsItsServerWasIsolated(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	isp := b.org("isp", OrgISP, a, 2)
	shop := b.org("shop", OrgOperator, a, 2)
	b.asset("shop-web", AssetWebsite, shop, a, isp, 0)
	w := b.build(t, 1)
	ev := run(t, w, 12, map[int32][]Command{1: {{Org: "isp", Verb: "contain", Target: "shop-web"}}})
	for _, e := range ev {
		if e.Kind == EvAssetIsolated && e.VisibleTo(shop) {
			return
		}
	}
	t.Fatal("the owner was not told its server was isolated by its ISP")
}

// A tick's work stays bounded whatever a script or a snapshot sets.
func TestDefacementAttemptsBounded(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	gov := b.org("gov", OrgMinistry, a, 2)
	b.asset("site", AssetWebsite, gov, a, None, 2)
	ci := b.campaign(Campaign{ID: "wave", Kind: CampDefacement, Actor: None, Active: true, Exploits: []Exploit{{1, 0}}})
	w := b.build(t, 1)
	if err := w.Attack(ci, "set", "", "", []Arg{{"deface_per_tick", "1000000000"}}); err == nil {
		t.Fatal("a billion attempts a tick accepted")
	}
	w.Campaigns[ci].DefacePerTick = 1 << 30 // as a doctored snapshot could
	run(t, w, 1, nil)                       // returns: the loop is capped
}

func TestQueueIsBounded(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	b.org("op", OrgOperator, a, 1)
	b.asset("x", AssetServer, 0, a, None, 0)
	w := b.build(t, 1)
	cmds := make([]Command, QueueLenMax+5)
	for i := range cmds {
		cmds[i] = Command{Org: "op", Verb: "scan", Target: "x"}
	}
	ev := run(t, w, 1, map[int32][]Command{1: cmds})
	if !hasEvent(ev, EvCommandRejected, "actions waiting for staff") {
		t.Fatal("the queue grew without bound")
	}
	if n := w.QueueLength(0); n > QueueLenMax {
		t.Fatalf("%d queued", n)
	}
}

func TestC2LossSeenOnlyByThoseWatching(t *testing.T) {
	w, _ := botnetWorld(t, 2, 2000, 600, 1)
	// csirt-a watches the botnet; registrar-b does not; hosting-b hosts
	// the C2 and takes it down, so it sees its takedown (which names its
	// server) but not that botnet c0 lost its C2 (which names a campaign
	// it never identified).
	w.Orgs[1].Indicators = []int32{0}
	ev := run(t, w, 40, map[int32][]Command{1: {{Org: "hosting-b", Verb: "takedown", Target: "c2"}}})
	for _, e := range ev {
		if e.Kind == EvC2Disrupted && strings.Contains(e.Text, "lost its command") {
			if e.Public || !e.VisibleTo(1) || e.VisibleTo(2) || e.VisibleTo(3) {
				t.Fatalf("visibility public=%v %v", e.Public, e.Visible)
			}
			return
		}
	}
	t.Fatal("no disruption event")
}

// detect looks only at named assets a sensor watches or the public sees:
// a blind owner's defaced site is still detected (everyone sees the page),
// its undefaced compromised server is not, and a sensor switched on
// mid-run is used from the next tick.
func TestDetectWatchLists(t *testing.T) {
	b := newBuilder()
	a := b.jur("A", "hacking")
	op := b.org("op", OrgMinistry, a, 3)
	site := b.asset("site", AssetWebsite, op, a, None, 1)
	srv := b.asset("srv", AssetServer, op, a, None, 1)
	ci := b.campaign(Campaign{ID: "crew", Kind: CampIntrusion, Offence: "hacking", Actor: None, Exploits: []Exploit{{Vuln: 0, RatePermille: 1000}}})
	w := b.build(t, 1)
	if err := w.Attack(ci, "exploit", "srv", "T1190", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Attack(ci, "deface", "site", "T1491.002", nil); err != nil {
		t.Fatal(err)
	}
	ev := run(t, w, 5, nil)
	if !hasEvent(ev, EvAssetDetected, "alert on site") {
		t.Fatal("a defaced site of a blind owner was not detected")
	}
	if w.Assets[srv].Flags&FlagDetected != 0 {
		t.Fatal("a blind owner detected a compromise")
	}
	w.Orgs[op].SensorPermille = 1000
	ev = run(t, w, 2, nil)
	if !hasEvent(ev, EvAssetDetected, "alert on srv") {
		t.Fatal("a sensor switched on was not used")
	}
	_ = site
}
