package engine

import "fmt"

// testWorld builds a world in Go for the engine's own tests and benchmarks:
// two jurisdictions, a botnet with its C2 abroad, a defacement wave, a
// DDoS, a grid with a hospital, evidence and a propaganda campaign.
func testWorld(hosts int, seed uint64) *World {
	w := &World{Settings: DefaultSettings()}
	w.Settings.DurationTicks = 0
	w.Jurisdictions = []Jurisdiction{
		{ID: "A", Crimes: []string{"botnet", "hacking", "terror-propaganda"}, ContactPointTicks: 60, MLATicks: 2000, PoliceTicks: 300, AnswerPermille: 900},
		{ID: "B", Crimes: []string{"botnet", "hacking"}, ContactPointTicks: 120, MLATicks: 4000, PoliceTicks: 600, AnswerPermille: 800},
	}
	w.Orgs = []Org{
		{ID: "csirt-a", Kind: OrgCSIRT, Jurisdiction: 0, Staff: 4, SensorPermille: 20, ResponseDelayTicks: 30},
		{ID: "police-a", Kind: OrgPolice, Jurisdiction: 0, Staff: 3, ResponseDelayTicks: 30},
		{ID: "isp-a", Kind: OrgISP, Jurisdiction: 0, Staff: 5, SensorPermille: 5, ResponseDelayTicks: 30, Scripted: true},
		{ID: "hosting-b", Kind: OrgHosting, Jurisdiction: 1, Staff: 2, ResponseDelayTicks: 60, Scripted: true},
		{ID: "grid", Kind: OrgOperator, Jurisdiction: 0, Staff: 4, SensorPermille: 10, ResponseDelayTicks: 10},
		{ID: "platform-b", Kind: OrgPlatform, Jurisdiction: 1, Staff: 2, ResponseDelayTicks: 100, Scripted: true},
		{ID: "gang", Kind: OrgAdversary, Jurisdiction: 1, Staff: 1},
	}
	w.Vulns = []Vuln{{ID: "smb"}, {ID: "cms"}, {ID: "weak-pass"}}
	w.Services = []string{"web", "dns"}
	w.Assets = make([]Asset, 0, hosts+3) // sized once: growing by append costs more than generating
	segSize := int32(2000)
	nseg := (int32(hosts) + segSize - 1) / segSize
	if nseg < 1 {
		nseg = 1
	}
	left := int32(hosts)
	for s := int32(0); s < nseg; s++ {
		n := min(segSize, left)
		left -= n
		w.Segments = append(w.Segments, Segment{ID: fmt.Sprintf("seg%d", s), Owner: 2, Jurisdiction: 0, ISP: 2,
			First: int32(len(w.Assets)), Count: n, Prefix: fmt.Sprintf("h%d", s), PosturePermille: 1000})
		w.Assets = GenerateHosts(w.Assets, s, 2, HostSpec{Kind: AssetHost, Count: n,
			Vulns: []VulnShare{{0, 300}, {2, 200}}, BackupPermille: 100}, 7)
		if s > 0 {
			w.Links = append(w.Links, Link{A: s - 1, B: s, WeightPermille: 50})
		}
	}
	// Named assets in their own segments.
	add := func(seg Segment, id string, a Asset) int32 {
		si := int32(len(w.Segments))
		seg.First, seg.Count = int32(len(w.Assets)), 1
		w.Segments = append(w.Segments, seg)
		a.Segment = si
		w.Assets = append(w.Assets, a)
		w.AssetNames = append(w.AssetNames, NamedAsset{Index: int32(len(w.Assets) - 1), ID: id})
		return int32(len(w.Assets) - 1)
	}
	c2 := add(Segment{ID: "dc-b", Owner: 3, Jurisdiction: 1, ISP: None, PosturePermille: 1000}, "c2", NewAsset(AssetC2, 0, 3))
	web := NewAsset(AssetWebsite, 0, 0)
	web.Vulns = 2
	web.Flags |= FlagBackup
	site := add(Segment{ID: "gov-web", Owner: 0, Jurisdiction: 0, ISP: 2, PosturePermille: 1000}, "gov-site", web)
	scada := NewAsset(AssetSCADA, 0, 4)
	scada.Vulns = 4
	scada.Infra = 0
	add(Segment{ID: "ot", Owner: 4, Jurisdiction: 0, ISP: None, PosturePermille: 1000}, "scada-1", scada)
	w.Infras = []Infra{
		{ID: "substation", Kind: "substation", Owner: 4, Level: 1000, RestoreTicks: 120, DownSince: None, RepairUntil: None, ManualPermille: 600},
		{ID: "hospital", Kind: "hospital", Owner: 4, Priority: true, Level: 1000, DependsOn: []Dependency{{Infra: 0, Asset: None, DelayTicks: 5}},
			BackupPermille: 700, BackupTicks: 240, DownSince: None, RepairUntil: None},
	}
	w.Campaigns = []Campaign{
		{ID: "bot", Kind: CampBotnet, Actor: 6, Offence: "botnet", C2: c2, Exploits: []Exploit{{0, 600}, {2, 300}},
			ContactsPerTick: 2, Task: "ddos", TaskTarget: site, BotPower: 1, Stopped: None, EvidenceRetainTicks: 3000},
		{ID: "deface", Kind: CampDefacement, Actor: 6, Offence: "hacking", C2: None, TaskTarget: None, Exploits: []Exploit{{1, 500}}, DefacePerTick: 1, Stopped: None},
		{ID: "apt", Kind: CampIntrusion, Actor: 6, Offence: "hacking", C2: c2, TaskTarget: None, Exploits: []Exploit{{2, 1000}}, Stopped: None},
		{ID: "prop", Kind: CampPropaganda, Actor: 6, Offence: "terror-propaganda", C2: None, TaskTarget: None, Stopped: None},
	}
	// Seed the botnet with a few bots.
	for i := 0; i < len(w.Assets) && i < hosts; i += max(1, hosts/20) {
		if w.Assets[i].Vulns != 0 {
			w.Assets[i].Controller = 0
			w.Assets[i].Since = 0
		}
	}
	w.Steps = []AttackStep{
		{Tick: 1, Campaign: 0, Action: "start"},
		{Tick: 1, Campaign: 1, Action: "start"},
		{Tick: 5, Campaign: 2, Action: "exploit", Target: "scada-1", Technique: "T0866"},
		{Tick: 6, Campaign: 2, Action: "trip", Target: "substation", Technique: "T0816"},
		{Tick: 8, Campaign: 3, Action: "publish", Target: "platform-b", Args: []Arg{{"id", "video-1"}, {"reach", "500"}, {"growth", "10"}}},
		{Tick: 9, Campaign: 3, Action: "raise", Target: "platform-b"},
	}
	w.Objectives = []Objective{
		{ID: "keep-hospital", Metric: "infra:hospital", Op: ">=", Value: 500, Mode: "always", Deadline: None, Tick: None},
		{ID: "bots-low", Metric: "bots", Op: "<", Value: int64(hosts / 2), Mode: "end", Deadline: None, Tick: None},
	}
	w.Injects = []Inject{{ID: "news", Tick: 3, To: []int32{0, 1}, Subject: "Websites defaced", Delivered: None}}
	if err := w.Init(seed); err != nil {
		panic(err)
	}
	return w
}
