package scenario

import (
	"slices"
	"sort"

	"cyberex/engine"
)

// Defaults of the format (also in docs/scenario-format.md).
const (
	defaultStaff            = 1
	defaultContactPointSecs = 2 * 3600
	defaultMLASecs          = 60 * 86400
	defaultPoliceSecs       = 2 * 86400
	defaultResponseSecs     = 3600
	defaultRestoreSecs      = 2 * 3600
	defaultRetentionSecs    = 7 * 86400
	defaultLinkWeight       = 100
	defaultCapacity         = 1000
	defaultReach            = 100
	defaultGrowth           = 20
	defaultGenerationSeed   = 1
)

// prepare readies a checker to build from an already checked File.
func (c *checker) prepare(f *File) {
	c.f = f
	c.settings(f)
	c.declareAll(f)
}

// secs converts a default given in seconds to ticks (rounding up).
func (c *checker) secs(s int64) int32 {
	return int32((s + int64(c.tick) - 1) / int64(c.tick))
}

func (c *checker) dur(d *Duration, defSecs int64) int32 {
	if d == nil {
		return c.secs(defSecs)
	}
	return d.Ticks
}

// contactPoint is a jurisdiction's 24/7 delay in ticks, or engine.None
// when it has no contact point.
func (c *checker) contactPoint(cp *ContactPoint) int32 {
	if cp != nil && cp.None {
		return engine.None
	}
	return c.dur(contactPointDelay(cp), defaultContactPointSecs)
}

// contactPointDelay is the delay written, or nil (none, or not written).
func contactPointDelay(cp *ContactPoint) *Duration {
	if cp == nil || cp.None {
		return nil
	}
	return &cp.Delay
}

func durOr(d *Duration, def int32) int32 {
	if d == nil {
		return def
	}
	return d.Ticks
}

func fracOr(x *Fraction, def int32) int32 {
	if x == nil {
		return def
	}
	return int32(*x)
}

func factorOr(x *Factor, def int32) int32 {
	if x == nil {
		return def
	}
	return int32(*x)
}

func int32Or(x *int32, def int32) int32 {
	if x == nil {
		return def
	}
	return *x
}

// serviceMask is the bit set of the named services.
func (c *checker) serviceMask(ids []string) uint32 {
	var m uint32
	for _, id := range ids {
		if i := c.svc.at(id); i >= 0 && i < 32 {
			m |= 1 << uint(i)
		}
	}
	return m
}

// agent builds a native adversary from its checked spec.
func (c *checker) agent(x *AgentSpec, assetAt func(string) int32) *engine.Agent {
	strategy, _ := engine.ParseAgentStrategy(x.Strategy)
	a := &engine.Agent{Strategy: strategy, Scans: int32Or(x.Scans, 1)}
	cost := func(x *ActionCost) (ticks, cost int32) {
		return durOr(x.Time, 1), int32Or(x.Cost, 1)
	}
	for _, e := range x.Entry {
		a.Entry = append(a.Entry, engine.AgentEntry{Segment: c.seg.at(e.Segment), Services: c.serviceMask(e.Services), Any: len(e.Services) == 0})
	}
	for _, e := range x.Exploits {
		t, k := cost(&e.ActionCost)
		a.Exploits = append(a.Exploits, engine.AgentExploit{Vuln: c.vuln.at(e.Vuln), Service: c.svc.at(e.Service),
			RatePermille: fracOr(e.Rate, int32(engine.PermilleMax)), Root: e.Root, Ticks: t, Cost: k})
	}
	for _, e := range x.Escalations {
		t, k := cost(&e.ActionCost)
		a.Escalations = append(a.Escalations, engine.AgentEscalation{Vuln: c.vuln.at(e.Vuln), RatePermille: fracOr(e.Rate, int32(engine.PermilleMax)), Ticks: t, Cost: k})
	}
	if x.Scan != nil {
		a.ScanTicks, a.ScanCost = cost(x.Scan)
	} else {
		a.ScanTicks, a.ScanCost = 1, 1
	}
	if x.Exfiltrate != nil {
		a.ExfilAmount = x.Exfiltrate.Amount
		a.ExfilTicks, a.ExfilCost = cost(&x.Exfiltrate.ActionCost)
	}
	for _, g := range x.Goals {
		a.Goals = append(a.Goals, assetAt(g))
	}
	slices.Sort(a.Goals)
	a.Goals = slices.Compact(a.Goals)
	return a
}

// idx looks up an id known to be valid ("" gives None).
func (t *table) at(id string) int32 {
	if id == "" {
		return engine.None
	}
	if i, ok := t.idx[id]; ok {
		return i
	}
	return engine.None
}

// hostSpec converts generation settings.
func (c *checker) hostSpec(h *HostsSpec, count int64) engine.HostSpec {
	hs := engine.HostSpec{Kind: engine.AssetHost, Count: int32(count), Capacity: int32Or(h.Capacity, defaultCapacity),
		BackupPermille: fracOr(h.Backup, 0)}
	if h.Kind != "" {
		hs.Kind, _ = engine.ParseAssetKind(h.Kind)
	}
	if h.Criticality != nil {
		hs.Criticality = uint8(*h.Criticality)
	}
	for _, s := range h.Services {
		hs.Services |= 1 << uint(c.svc.at(s))
	}
	// By vulnerability index, so that the order of the YAML keys cannot
	// change the hosts drawn.
	for _, v := range sortedKeys(h.Vulns) {
		hs.Vulns = append(hs.Vulns, engine.VulnShare{Vuln: c.vuln.at(v), Permille: int32(h.Vulns[v])})
	}
	sort.Slice(hs.Vulns, func(i, j int) bool { return hs.Vulns[i].Vuln < hs.Vulns[j].Vuln })
	return hs
}

// build makes a world from a checked File: the template at Load (full),
// the small world that checks metrics (not full), or a fresh copy for a
// run (reuse holds the template's assets).
func (c *checker) build(f *File) *engine.World {
	if c.jur == nil {
		c.prepare(f)
	}
	s := &f.Settings
	w := &engine.World{Settings: engine.DefaultSettings()}
	w.Settings.TickSeconds = c.tick
	w.Settings.DurationTicks = s.Duration.Ticks
	w.Settings.StartUnix = DefaultStart.Unix()
	if s.Start != nil {
		w.Settings.StartUnix = s.Start.Unix
	}
	w.Settings.EndWhenDecided = s.EndWhenDecided
	if s.ReachCap != nil {
		w.Settings.ReachCap = *s.ReachCap
	}
	for _, v := range sortedKeys(s.Verbs) {
		def, _ := engine.DefaultVerbSpec(v)
		o := s.Verbs[v]
		def.Ticks = durOr(o.Ticks, def.Ticks)
		def.Staff = int32Or(o.Staff, def.Staff)
		w.Settings.Verbs = append(w.Settings.Verbs, def)
	}

	for _, j := range f.Jurisdictions {
		crimes := slices.Clone(j.Crimes)
		sort.Strings(crimes)
		crimes = slices.Compact(crimes)
		ndc := j.NoDualCriminality
		if ndc == "" {
			ndc = "refuse"
		}
		w.Jurisdictions = append(w.Jurisdictions, engine.Jurisdiction{ID: j.ID, Name: j.Name, Crimes: crimes,
			UTCOffsetMinutes: int32(j.UTCOffset), ContactPointTicks: c.contactPoint(j.Channels.ContactPoint),
			MLATicks: c.dur(j.Channels.MLA, defaultMLASecs), PoliceTicks: c.dur(j.Channels.Police, defaultPoliceSecs),
			NoDualCriminality: ndc, AnswerPermille: fracOr(j.AnswerRate, 1000)})
	}
	for _, a := range f.Agreements {
		w.Agreements = append(w.Agreements, engine.Agreement{A: c.jur.at(a.Between[0]), B: c.jur.at(a.Between[1]), SpeedPermille: factorOr(a.Speed, 1000)})
	}
	for _, o := range f.Organisations {
		kind, _ := engine.ParseOrgKind(o.Kind)
		org := engine.Org{ID: o.ID, Name: o.Name, Kind: kind, Jurisdiction: c.jur.at(o.Jurisdiction), Staff: int32Or(o.Staff, defaultStaff),
			SensorPermille: fracOr(o.Sensor, 0), Scripted: o.Scripted, Policy: o.Policy, ResponseDelayTicks: c.dur(o.ResponseDelay, defaultResponseSecs)}
		if org.Policy == "" {
			org.Policy = "cooperative"
		}
		for _, cl := range o.Clients {
			org.Clients = append(org.Clients, c.org.at(cl))
		}
		slices.Sort(org.Clients)
		org.Clients = slices.Compact(org.Clients)
		w.Orgs = append(w.Orgs, org)
	}
	for _, v := range f.Vulnerabilities {
		w.Vulns = append(w.Vulns, engine.Vuln{ID: v.ID, PatchTicks: durOr(v.PatchTime, 0)})
	}
	w.Services = slices.Clone(f.Services)

	// Segments: named ones, then generated ones; each segment's assets are
	// its generated hosts followed by the named assets placed in it.
	plans := slices.Clone(c.segs)
	for i := range f.Segments {
		sp := &plans[i]
		sg := &f.Segments[i]
		sp.owner = c.org.at(sg.Owner)
		sp.jur = c.jur.at(sg.Jurisdiction)
		if sp.jur == engine.None {
			sp.jur = w.Orgs[sp.owner].Jurisdiction
		}
		sp.isp = c.org.at(sg.ISP)
		sp.posture = factorOr(sg.Posture, 1000)
		if sg.Generate != nil {
			sp.hosts = c.hostSpec(&sg.Generate.HostsSpec, sg.Generate.Count)
		}
	}
	k := len(f.Segments)
	for gi := range f.Generate {
		g := &f.Generate[gi]
		for n := int32(0); n < g.Segments; n++ {
			sp := &plans[k]
			k++
			sp.owner = c.org.at(g.Owner)
			sp.jur = c.jur.at(g.Jurisdiction)
			if sp.jur == engine.None {
				sp.jur = w.Orgs[sp.owner].Jurisdiction
			}
			sp.isp = c.org.at(g.ISP)
			sp.posture = factorOr(g.Posture, 1000)
			sp.hosts = c.hostSpec(&g.HostsSpec, g.HostsPerSegment)
		}
	}
	for i, a := range f.Assets {
		si := c.seg.at(a.Segment)
		plans[si].named = append(plans[si].named, i)
	}
	var first int32
	assetIdx := make(map[string]int32, len(f.Assets))
	for i := range plans {
		sp := &plans[i]
		gen := sp.gen
		if !c.full && gen > 1 {
			gen = 1
		}
		sp.gen = gen
		sp.first = first
		sp.count = int32(gen) + int32(len(sp.named))
		for k, ai := range sp.named {
			assetIdx[f.Assets[ai].ID] = first + int32(gen) + int32(k)
		}
		first += sp.count
		w.Segments = append(w.Segments, engine.Segment{ID: sp.id, Owner: sp.owner, Jurisdiction: sp.jur, ISP: sp.isp,
			First: sp.first, Count: sp.count, Prefix: sp.prefix, PosturePermille: sp.posture})
	}
	// assetAt resolves a named or generated asset id to its index.
	assetAt := func(id string) int32 {
		if id == "" {
			return engine.None
		}
		if i, ok := assetIdx[id]; ok {
			return i
		}
		for dash := len(id) - 1; dash > 0; dash-- {
			if id[dash] == '-' {
				if g, ok := c.prefixes[id[:dash]]; ok {
					n := 0
					for _, ch := range id[dash+1:] {
						n = n*10 + int(ch-'0')
					}
					if !c.full && n > 0 {
						n = 0 // the small world keeps host 0 only
					}
					return plans[g.seg].first + int32(n)
				}
				break
			}
		}
		return engine.None
	}

	seed := uint64(defaultGenerationSeed)
	if s.GenerationSeed != nil {
		seed = *s.GenerationSeed
	}
	if c.reuse != nil {
		w.Assets = slices.Clone(c.reuse)
	} else {
		w.Assets = make([]engine.Asset, 0, first)
		for i := range plans {
			sp := &plans[i]
			if sp.gen > 0 {
				hs := sp.hosts
				hs.Count = int32(sp.gen)
				w.Assets = engine.GenerateHosts(w.Assets, int32(i), sp.owner, hs, seed)
			}
			for _, ai := range sp.named {
				w.Assets = append(w.Assets, c.namedAsset(&f.Assets[ai], int32(i), sp.owner))
			}
		}
	}
	for _, sp := range plans {
		for k, ai := range sp.named {
			w.AssetNames = append(w.AssetNames, engine.NamedAsset{Index: sp.first + int32(sp.gen) + int32(k), ID: f.Assets[ai].ID})
		}
	}
	sort.Slice(w.AssetNames, func(i, j int) bool { return w.AssetNames[i].Index < w.AssetNames[j].Index })

	for i := range f.Links {
		l := &f.Links[i]
		link := engine.Link{A: c.seg.at(l.Between[0]), B: c.seg.at(l.Between[1]), WeightPermille: fracOr(l.Weight, defaultLinkWeight)}
		if l.Firewall != nil {
			link.Filtered = true
			link.AllowAB, link.AllowBA = c.serviceMask(l.Firewall.Forward), c.serviceMask(l.Firewall.Back)
		}
		w.Links = append(w.Links, link)
	}
	k = len(f.Segments)
	for gi := range f.Generate {
		g := &f.Generate[gi]
		firstSeg, lastSeg := int32(k), int32(k)+g.Segments-1
		k += int(g.Segments)
		wt := int32(g.LinkWeight)
		if wt == 0 {
			continue
		}
		switch g.Topology {
		case "", "chain", "ring":
			for s := firstSeg + 1; s <= lastSeg; s++ {
				w.Links = append(w.Links, engine.Link{A: s - 1, B: s, WeightPermille: wt})
			}
			if g.Topology == "ring" && lastSeg-firstSeg >= 2 {
				w.Links = append(w.Links, engine.Link{A: lastSeg, B: firstSeg, WeightPermille: wt})
			}
		}
		for _, l := range g.LinkTo {
			w.Links = append(w.Links, engine.Link{A: firstSeg, B: c.seg.at(l), WeightPermille: wt})
		}
	}

	for _, x := range f.Infrastructure {
		fr := engine.Infra{ID: x.ID, Kind: x.Kind, Owner: c.org.at(x.Owner), Priority: x.Priority, Level: engine.PermilleMax,
			ManualPermille: fracOr(x.Manual, 0), IslandPermille: fracOr(x.Island, 800), RestoreTicks: c.dur(x.Restore, defaultRestoreSecs), DownSince: engine.None, RepairUntil: engine.None}
		if x.Backup != nil {
			fr.BackupPermille = int32(x.Backup.Level)
			fr.BackupTicks = durOr(x.Backup.Duration, 0)
		}
		for _, d := range x.DependsOn {
			fr.DependsOn = append(fr.DependsOn, engine.Dependency{Infra: c.infra.at(d.Infra), Asset: assetAt(d.Asset), DelayTicks: durOr(d.Delay, 0)})
		}
		w.Infras = append(w.Infras, fr)
	}

	for ci, x := range f.Campaigns {
		kind, _ := engine.ParseCampaignKind(x.Kind)
		cp := engine.Campaign{ID: x.ID, Kind: kind, Actor: c.org.at(x.Actor), Offence: x.Offence, Technique: x.Technique,
			Active: x.Active, C2: assetAt(x.C2), ContactsPerTick: x.Contacts, Task: x.Task, TaskTarget: assetAt(x.TaskTarget),
			BotPower: x.BotPower, FixedPower: x.FixedPower, DefacePerTick: x.DefacePerTick, Stopped: engine.None}
		if cp.Task == "none" {
			cp.Task = ""
		}
		cp.EvidenceRetainTicks = c.dur(x.EvidenceRetention, defaultRetentionSecs)
		for _, v := range sortedKeys(x.Exploits) {
			cp.Exploits = append(cp.Exploits, engine.Exploit{Vuln: c.vuln.at(v), RatePermille: int32(x.Exploits[v])})
		}
		sort.Slice(cp.Exploits, func(i, j int) bool { return cp.Exploits[i].Vuln < cp.Exploits[j].Vuln })
		for _, t := range x.Targets {
			cp.Targets = append(cp.Targets, c.jur.at(t))
		}
		slices.Sort(cp.Targets)
		cp.Targets = slices.Compact(cp.Targets)
		if x.Agent != nil {
			cp.Agent = c.agent(x.Agent, assetAt)
		}
		w.Campaigns = append(w.Campaigns, cp)
		for _, st := range x.Steps {
			step := engine.AttackStep{Tick: st.At.Ticks, Campaign: int32(ci), Action: st.Action, Target: st.Target, Technique: st.Technique}
			for _, k := range sortedKeys(st.Args) {
				step.Args = append(step.Args, engine.Arg{Key: k, Value: st.Args[k]})
			}
			w.Steps = append(w.Steps, step)
		}
	}
	// Hosts infected before the start (only in the template: copies have them).
	if c.reuse == nil && c.full {
		for ci := range f.Campaigns {
			if n := f.Campaigns[ci].InitialBots; n > 0 {
				seedBots(w, plans, int32(ci), n)
			}
		}
	}
	for ci := range w.Campaigns {
		var n int64
		for i := range w.Assets {
			if a := &w.Assets[i]; a.Controller == int32(ci) && a.Flags&engine.FlagDefaced == 0 {
				n++
			}
		}
		w.Campaigns[ci].Bots, w.Campaigns[ci].BotsEver = n, n
	}

	for _, e := range f.Evidence {
		ev := engine.Evidence{ID: e.ID, Kind: e.Kind, Holder: c.org.at(e.Holder), Asset: assetAt(e.Asset), Campaign: c.camp.at(e.Campaign),
			Offence: e.Offence, Weight: int32Or(e.Weight, 1), RetainTicks: c.dur(e.Retention, defaultRetentionSecs), Preserved: e.Preserved, LostTick: engine.None}
		if ev.Kind == "" {
			ev.Kind = "logs"
		}
		if ev.Offence == "" && ev.Campaign != engine.None {
			ev.Offence = w.Campaigns[ev.Campaign].Offence
		}
		w.Evidence = append(w.Evidence, ev)
	}
	for _, x := range f.Content {
		ct := engine.Content{ID: x.ID, Platform: c.org.at(x.Platform), Campaign: c.camp.at(x.Campaign), Offence: x.Offence,
			Reach: defaultReach, GrowthPermille: fracOr(x.Growth, defaultGrowth), Removed: engine.None}
		if x.Reach != nil {
			ct.Reach = *x.Reach
		}
		if ct.Offence == "" && ct.Campaign != engine.None {
			ct.Offence = w.Campaigns[ct.Campaign].Offence
		}
		w.Contents = append(w.Contents, ct)
	}
	for _, x := range f.Payments {
		w.Payments = append(w.Payments, engine.Payment{ID: x.ID, Service: c.org.at(x.Service), Campaign: c.camp.at(x.Campaign), Amount: x.Amount})
		w.Counters.MoneyRaised += x.Amount
	}
	for _, x := range f.Injects {
		in := engine.Inject{ID: x.ID, Tick: durOr(x.At, engine.None), From: x.From, Subject: x.Subject, Body: x.Body, Expect: x.Expect, Delivered: engine.None}
		in.To = c.recipients(f, &x.To)
		w.Injects = append(w.Injects, in)
	}
	for _, o := range f.Objectives {
		mode := o.Mode
		if mode == "" {
			mode = "by"
		}
		w.Objectives = append(w.Objectives, engine.Objective{ID: o.ID, Description: o.Description, Metric: o.Metric, Op: o.Op, Value: o.Value,
			Mode: mode, Deadline: durOr(o.Deadline, engine.None), From: durOr(o.From, 0), Script: o.Script, Tick: engine.None})
	}
	return w
}

// recipients resolves an OrgSet; all means every organisation that is not
// an adversary.
func (c *checker) recipients(f *File, s *OrgSet) []int32 {
	var out []int32
	if s.All {
		for i, o := range f.Organisations {
			if o.Kind != engine.OrgAdversary.String() {
				out = append(out, int32(i))
			}
		}
		return out
	}
	for _, id := range s.Orgs {
		out = append(out, c.org.at(id))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *checker) namedAsset(a *AssetSpec, seg, segOwner int32) engine.Asset {
	kind := engine.AssetHost
	if a.Kind != "" {
		kind, _ = engine.ParseAssetKind(a.Kind)
	}
	owner := segOwner
	if a.Owner != "" {
		owner = c.org.at(a.Owner)
	}
	as := engine.NewAsset(kind, seg, owner)
	for _, v := range a.Vulns {
		as.Vulns |= 1 << uint(c.vuln.at(v))
	}
	for _, s := range a.Services {
		as.Services |= 1 << uint(c.svc.at(s))
	}
	if a.Criticality != nil {
		as.Criticality = uint8(*a.Criticality)
	}
	if a.Backup {
		as.Flags |= engine.FlagBackup
	}
	as.Capacity = int32Or(a.Capacity, defaultCapacity)
	as.Infra = c.infra.at(a.Controls)
	if cp := c.camp.at(a.CompromisedBy); cp != engine.None {
		as.Controller, as.Since, as.Integrity = cp, 0, 700
	}
	return as
}

// seedBots infects n generated hosts the campaign could have recruited
// (carrying one of its exploits' vulnerabilities, in its target
// jurisdictions), spread evenly over them: deterministic, no draw.
func seedBots(w *engine.World, plans []segPlan, ci int32, n int64) {
	cp := &w.Campaigns[ci]
	var mask uint64
	for _, x := range cp.Exploits {
		mask |= 1 << uint(x.Vuln)
	}
	if len(cp.Exploits) == 0 {
		mask = ^uint64(0)
	}
	eligible := func(si int, i int32) bool {
		a := &w.Assets[i]
		return a.Controller == engine.None && a.Vulns&mask != 0
	}
	targeted := func(si int) bool {
		return len(cp.Targets) == 0 || slices.Contains(cp.Targets, w.Segments[si].Jurisdiction)
	}
	var total int64
	for si, sp := range plans {
		if !targeted(si) {
			continue
		}
		for i := sp.first; i < sp.first+int32(sp.gen); i++ {
			if eligible(si, i) {
				total++
			}
		}
	}
	if n > total {
		n = total
	}
	if n == 0 {
		return
	}
	var k int64
	for si, sp := range plans {
		if !targeted(si) {
			continue
		}
		for i := sp.first; i < sp.first+int32(sp.gen); i++ {
			if !eligible(si, i) {
				continue
			}
			// Pick the k-th eligible host when the even spread crosses it.
			if (k*n)/total != ((k+1)*n)/total {
				a := &w.Assets[i]
				a.Controller, a.Since, a.Integrity = ci, 0, 800
			}
			k++
		}
	}
}
