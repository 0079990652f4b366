package engine

import "slices"

// Building a view: one pass per section over what the organisation can
// know. The assets, the only section that can be large (an ISP-sized
// owner holds ten thousand hosts), go through assetObs so that UpdateView
// compares small records and builds AssetViews only for what changed.

// assetObs is an asset's observed state, as compact as the asset itself.
type assetObs struct {
	idx          int32
	flags        uint16
	registered   bool
	knownCamp    bool
	integrity    int16
	availability int16
	controller   int32 // None unless the viewer knows the compromise
	since        int32
	vulns        uint64
	services     uint32
	capacity     int32
}

// viewerFlags are the flags an owner sees; FlagAdmin (what privilege the
// intruder holds) shows only to the controller.
const viewerFlags = FlagIsolated | FlagBackup | FlagDefaced | FlagDestroyed | FlagSinkholed | FlagTakenDown | FlagBlocked | FlagHardened

// observe is asset i as org sees it (None: the controller, true state).
func (w *World) observe(org, i int32, registered bool) assetObs {
	a := &w.Assets[i]
	o := assetObs{idx: i, controller: None, since: None, integrity: 1000}
	if registered {
		// What the public sees of another's asset: its registration, and
		// a defaced page.
		o.registered = true
		o.flags = a.Flags & FlagDefaced
		o.availability = 1000
		return o
	}
	o.availability, o.capacity, o.vulns, o.services = a.Availability, a.Capacity, a.Vulns, a.Services
	if org == None {
		o.flags, o.integrity, o.controller, o.since, o.knownCamp = a.Flags, a.Integrity, a.Controller, a.Since, a.Controller != None
		return o
	}
	o.flags = a.Flags & viewerFlags
	known := a.Controller != None && a.Flags&FlagDetected != 0
	if known || a.Flags&(FlagDefaced|FlagDestroyed) != 0 {
		o.integrity = a.Integrity // the damage shows once it is seen
	}
	if known {
		o.controller, o.since = a.Controller, a.Since
		o.knownCamp = containsSorted(w.Orgs[org].Indicators, a.Controller)
	}
	return o
}

func (w *World) assetView(o *assetObs) AssetView {
	a := &w.Assets[o.idx]
	seg := &w.Segments[a.Segment]
	v := AssetView{AssetCore: AssetCore{N: o.idx, ID: w.AssetID(o.idx), Kind: a.Kind.String(), Segment: seg.ID, Owner: w.orgID(a.Owner),
		Jurisdiction: w.Jurisdictions[seg.Jurisdiction].ID, Registered: o.registered, Criticality: int32(a.Criticality),
		Integrity: int32(o.integrity), Availability: int32(o.availability), Capacity: o.capacity,
		Compromised: o.controller != None, Since: o.since,
		Isolated: o.flags&FlagIsolated != 0, Backup: o.flags&FlagBackup != 0, Defaced: o.flags&FlagDefaced != 0,
		Destroyed: o.flags&FlagDestroyed != 0, Sinkholed: o.flags&FlagSinkholed != 0, TakenDown: o.flags&FlagTakenDown != 0,
		Blocked: o.flags&FlagBlocked != 0, Hardened: o.flags&FlagHardened != 0, Admin: o.flags&FlagAdmin != 0}}
	if o.controller != None && o.knownCamp {
		v.Campaign = w.Campaigns[o.controller].ID
	}
	if o.registered {
		v.Criticality = 0
		return v
	}
	for k := range w.Vulns {
		if o.vulns&(1<<uint(k)) != 0 {
			v.Vulns = append(v.Vulns, w.Vulns[k].ID)
		}
	}
	for k := range w.Services {
		if o.services&(1<<uint(k)) != 0 {
			v.Services = append(v.Services, w.Services[k])
		}
	}
	if a.Infra != None {
		v.Controls = w.Infras[a.Infra].ID
	}
	return v
}

// ownedAssets lists the assets of each organisation, in index order. Who
// owns an asset never changes during a run, so it is built once.
func (x *index) ownedAssets(w *World, org int32) []int32 {
	if x.owned == nil {
		x.owned = make([][]int32, len(w.Orgs))
		for i := range w.Assets {
			o := w.Assets[i].Owner
			x.owned[o] = append(x.owned[o], int32(i))
		}
	}
	return x.owned[org]
}

// viewAssets is the observed state of the assets org sees: its own, and
// the registration of those it learned of (a fact names them), in index
// order. The controller sees the named assets.
func (w *World) viewAssets(org int32, out []assetObs) []assetObs {
	out = out[:0]
	if org == None {
		for _, n := range w.AssetNames {
			out = append(out, w.observe(None, n.Index, false))
		}
		return out
	}
	own := w.idx.ownedAssets(w, org)
	var learned []int32
	for _, f := range w.Orgs[org].Facts {
		if i, ok := w.AssetIndex(f.Subject); ok && w.Assets[i].Owner != org && !slices.Contains(learned, i) {
			learned = append(learned, i)
		}
	}
	slices.Sort(learned)
	// Merge the two sorted lists.
	k := 0
	for _, i := range own {
		for k < len(learned) && learned[k] < i {
			out = append(out, w.observe(org, learned[k], true))
			k++
		}
		out = append(out, w.observe(org, i, false))
	}
	for ; k < len(learned); k++ {
		out = append(out, w.observe(org, learned[k], true))
	}
	return out
}

func (w *World) buildView(org int32) *View {
	v := &View{orgIdx: org, facts: w.learnedCount(org), built: true}
	w.fillView(v)
	n := len(w.AssetNames)
	if org != None {
		n = len(w.idx.ownedAssets(w, org)) + len(w.Orgs[org].Facts)
	}
	v.assetObs = w.viewAssets(org, make([]assetObs, 0, n))
	v.Assets = make([]AssetView, len(v.assetObs))
	for i := range v.assetObs {
		v.Assets[i] = w.assetView(&v.assetObs[i])
	}
	return v
}

// fillView sets every section but Assets.
func (w *World) fillView(v *View) {
	org := v.orgIdx
	ctl := org == None
	v.Controller = ctl
	v.Org = w.orgID(org)
	v.Tick, v.Clock, v.Ended = w.Tick, w.Clock(), w.Ended
	v.Self = nil
	if !ctl {
		o := &w.Orgs[org]
		s := &SelfView{SelfCore: SelfCore{ID: o.ID, Name: o.Name, Kind: o.Kind.String(), Jurisdiction: w.Jurisdictions[o.Jurisdiction].ID,
			Staff: o.Staff, Busy: o.StaffBusy, Waiting: int32(w.QueueLength(org)), Scripted: o.Scripted}, Clients: []string{}}
		for _, c := range o.Clients {
			s.Clients = append(s.Clients, w.orgID(c))
		}
		v.Self = s
	}
	v.Directory = reuse(v.Directory)
	for i := range w.Orgs {
		o := &w.Orgs[i]
		v.Directory = append(v.Directory, OrgCard{N: int32(i), ID: o.ID, Name: o.Name, Kind: o.Kind.String(), Jurisdiction: w.Jurisdictions[o.Jurisdiction].ID})
	}
	v.Jurisdictions = reuse(v.Jurisdictions)
	for i := range w.Jurisdictions {
		j := &w.Jurisdictions[i]
		v.Jurisdictions = append(v.Jurisdictions, JurisdictionCard{Crimes: j.Crimes, JurisdictionCore: JurisdictionCore{N: int32(i), ID: j.ID, Name: j.Name,
			UTCOffsetMinutes: j.UTCOffsetMinutes, ContactPointTicks: j.ContactPointTicks, MLATicks: j.MLATicks, PoliceTicks: j.PoliceTicks}})
	}
	v.Queue = w.viewQueue(org, reuse(v.Queue))
	v.Segments = w.viewSegments(org, reuse(v.Segments), None)
	v.Infras = w.viewInfras(org, reuse(v.Infras))
	v.Evidence = w.viewEvidence(org, reuse(v.Evidence))
	v.Requests = reuse(v.Requests)
	var peers []int32
	if !ctl {
		peers = w.caseFilePeers(org)
	}
	for i := range w.Requests {
		r := &w.Requests[i]
		if ctl || r.From == org || r.To == org || slices.Contains(peers, r.From) {
			v.Requests = append(v.Requests, w.requestView(r, ctl))
		}
	}
	v.Reports = reuse(v.Reports)
	for i := range w.Reports {
		r := &w.Reports[i]
		if ctl || r.Author == org || r.From == org || containsInt32(r.To, org) {
			rv := ReportView{To: make([]string, len(r.To)), ReportCore: ReportCore{N: r.ID, ID: ReportID(r.ID), Author: w.orgID(r.Author), From: w.orgID(r.From), TLP: r.TLP.String(),
				Title: r.Title, Tick: r.Tick}}
			if r.Campaign != None {
				rv.Campaign = w.Campaigns[r.Campaign].ID
			}
			if r.Origin != None {
				rv.Origin = ReportID(r.Origin)
			}
			for k, t := range r.To {
				rv.To[k] = w.orgID(t)
			}
			v.Reports = append(v.Reports, rv)
		}
	}
	v.Indicators = reuse(v.Indicators)
	if !ctl {
		for _, c := range w.Orgs[org].Indicators {
			cp := &w.Campaigns[c]
			v.Indicators = append(v.Indicators, IndicatorView{N: c, Campaign: cp.ID, Kind: cp.Kind.String(), Offence: cp.Offence})
		}
	}
	v.Learned = reuse(v.Learned)
	if !ctl {
		for k, f := range w.Orgs[org].Facts {
			fv := FactView{N: int32(k), ID: f.Kind + ":" + f.Subject, Kind: f.Kind, Subject: f.Subject, Tick: f.Tick}
			if f.Campaign != None {
				fv.Campaign = w.Campaigns[f.Campaign].ID
			}
			v.Learned = append(v.Learned, fv)
		}
	}
	v.Cases = reuse(v.Cases)
	for k, c := range w.Cases {
		if ctl || c.Prosecutor == org {
			v.Cases = append(v.Cases, CaseView{N: int32(k), ID: w.orgID(c.Prosecutor) + ":" + w.Campaigns[c.Campaign].ID,
				Prosecutor: w.orgID(c.Prosecutor), Campaign: w.Campaigns[c.Campaign].ID, Opened: c.Opened, Strength: c.Strength})
		}
	}
	v.Injects = reuse(v.Injects)
	for k := range w.Injects {
		in := &w.Injects[k]
		if in.Delivered == None && !ctl || !ctl && !containsInt32(in.To, org) {
			continue
		}
		iv := InjectView{InjectCore: InjectCore{N: int32(k), ID: in.ID, From: in.From, Subject: in.Subject, Body: in.Body, Delivered: in.Delivered}}
		if ctl {
			iv.Expect = in.Expect
			for _, t := range in.To {
				iv.To = append(iv.To, w.orgID(t))
			}
		}
		v.Injects = append(v.Injects, iv)
	}
	v.Messages = reuse(v.Messages)
	for k := range w.Messages {
		m := &w.Messages[k]
		if !ctl && m.From != org && len(m.To) > 0 && !containsInt32(m.To, org) {
			continue
		}
		mv := MessageView{MessageCore: MessageCore{N: m.ID, ID: MessageID(m.ID), Kind: m.Kind, From: w.orgID(m.From), Subject: m.Subject, Text: m.Text, Tick: m.Tick}}
		for _, t := range m.To {
			mv.To = append(mv.To, w.orgID(t))
		}
		v.Messages = append(v.Messages, mv)
	}
	v.Contents = reuse(v.Contents)
	for k := range w.Contents {
		c := &w.Contents[k]
		cv := ContentView{N: int32(k), ID: c.ID, Platform: w.orgID(c.Platform), Offence: c.Offence, Reach: c.Reach, Published: c.Published, Removed: c.Removed}
		if c.Campaign != None {
			cv.Campaign = w.Campaigns[c.Campaign].ID // the material shows who publishes it
		}
		v.Contents = append(v.Contents, cv)
	}
	v.Payments = reuse(v.Payments)
	for k := range w.Payments {
		p := &w.Payments[k]
		if !ctl && p.Service != org && !w.holdsRecordOf(org, int32(k)) {
			continue
		}
		pv := PaymentView{N: int32(k), ID: p.ID, Service: w.orgID(p.Service), Amount: p.Amount, Tick: p.Tick, Traced: p.Traced, Frozen: p.Frozen}
		if p.Campaign != None && (ctl || containsSorted(w.Orgs[org].Indicators, p.Campaign)) {
			pv.Campaign = w.Campaigns[p.Campaign].ID
		}
		v.Payments = append(v.Payments, pv)
	}
	v.Campaigns = reuse(v.Campaigns)
	for k := range w.Campaigns {
		c := &w.Campaigns[k]
		if !ctl && c.Actor != org {
			continue
		}
		cv := CampaignView{N: int32(k), ID: c.ID, Kind: c.Kind.String(), Actor: w.orgID(c.Actor), Offence: c.Offence, Active: c.Active,
			Bots: c.Bots, Defaced: c.Defaced, Stopped: c.Stopped, Task: c.Task, Exfiltrated: c.Exfiltrated}
		if c.C2 != None {
			cv.C2 = w.AssetID(c.C2)
		}
		v.Campaigns = append(v.Campaigns, cv)
	}
	v.Objectives = reuse(v.Objectives)
	if ctl {
		for k := range w.Objectives {
			o := &w.Objectives[k]
			v.Objectives = append(v.Objectives, ObjectiveView{N: int32(k), ID: o.ID, Description: o.Description, Status: o.Status.String(), Tick: o.Tick, Deadline: o.Deadline})
		}
	}
}

func (w *World) requestView(r *Request, ctl bool) RequestView {
	rv := RequestView{N: r.ID, ID: RequestID(r.ID), From: w.orgID(r.From), To: w.orgID(r.To), Kind: r.Kind.String(), Channel: r.Channel.String(),
		Target: r.Target, Offence: r.Offence, Sent: r.Sent, Due: r.Due, Status: r.Status.String(), Answered: r.Answer, Reason: r.Reason, Command: r.Command}
	if r.Status == ReqUnanswered && !ctl {
		rv.Status = ReqPending.String() // the sender only sees silence
	}
	if (r.Status == ReqPending || r.Status == ReqAccepted || r.Status == ReqUnanswered) && r.Due > w.Tick {
		rv.TimeLeft = r.Due - w.Tick
	}
	return rv
}

// viewQueue lists org's actions in the order accepted, with what each
// waiting one waits behind.
func (w *World) viewQueue(org int32, out []ActionView) []ActionView {
	ahead := map[int32]int32{}
	last := map[int32]int64{}
	for i := range w.Actions {
		a := &w.Actions[i]
		if org != None && a.Org != org {
			continue
		}
		av := ActionView{Args: a.Args, ActionCore: ActionCore{N: a.Command, ID: CommandID(a.Command), Org: w.orgID(a.Org), Verb: a.Verb, Target: a.Target,
			Staff: a.Staff, Ticks: a.Ticks, Queued: a.Queued, Running: a.Start != None, Start: a.Start, Done: None}}
		if a.Start != None {
			av.Done = a.Done
		} else {
			av.Ahead, av.Behind = ahead[a.Org], last[a.Org]
			ahead[a.Org]++
			last[a.Org] = a.Command
		}
		out = append(out, av)
	}
	return out
}

// viewSegments lists the segments org owns or serves (only, when not
// None, segment only).
func (w *World) viewSegments(org int32, out []SegmentView, only int32) []SegmentView {
	for si := range w.Segments {
		s := &w.Segments[si]
		if org != None && s.Owner != org && s.ISP != org || only != None && int32(si) != only {
			continue
		}
		sv := SegmentView{SegmentCore: SegmentCore{N: int32(si), ID: s.ID, Owner: w.orgID(s.Owner), ISP: w.orgID(s.ISP), Jurisdiction: w.Jurisdictions[s.Jurisdiction].ID,
			Prefix: s.Prefix, Hosts: s.Count}}
		for i := s.First; i < s.First+s.Count; i++ {
			a := &w.Assets[i]
			if a.Flags&FlagIsolated != 0 {
				sv.Isolated++
			}
			if a.Controller != None {
				if a.Flags&FlagDetected != 0 {
					sv.Detected++
				}
				if org == None {
					sv.Compromised++
				}
			}
		}
		for ci := range w.Campaigns {
			if containsSorted(w.Campaigns[ci].Alerted, int32(si)) && (org == None || containsSorted(w.Orgs[org].Indicators, int32(ci))) {
				sv.Alerts = append(sv.Alerts, w.Campaigns[ci].ID)
			}
		}
		out = append(out, sv)
	}
	return out
}

// viewInfras: what org operates, what that depends on (all the way up),
// and what its assets serve.
func (w *World) viewInfras(org int32, out []InfraView) []InfraView {
	seen := make([]bool, len(w.Infras))
	var stack []int32
	for fi := range w.Infras {
		if org == None || w.Infras[fi].Owner == org {
			seen[fi] = true
			stack = append(stack, int32(fi))
		}
	}
	if org != None {
		for _, i := range w.idx.ownedAssets(w, org) {
			if f := w.Assets[i].Infra; f != None && !seen[f] {
				seen[f] = true
				stack = append(stack, f)
			}
		}
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range w.Infras[f].DependsOn {
			if d.Infra != None && !seen[d.Infra] {
				seen[d.Infra] = true
				stack = append(stack, d.Infra)
			}
		}
	}
	for fi := range w.Infras {
		if !seen[fi] {
			continue
		}
		f := &w.Infras[fi]
		out = append(out, InfraView{N: int32(fi), ID: f.ID, Kind: f.Kind, Owner: w.orgID(f.Owner), Operates: org == None || f.Owner == org,
			Priority: f.Priority, Level: f.Level, Manual: f.Manual, Islanded: f.Islanded, Damaged: f.Damaged, Tripped: f.Tripped,
			DownSince: f.DownSince, RepairUntil: f.RepairUntil})
	}
	return out
}

var custodyWords = [...]string{CustodyNone: "", CustodyInformal: "informal", CustodyLawful: "lawful"}

// Custody words of an EvidenceView beyond the copies' own.
const (
	CustodyHolder   = "holder"    // the viewer holds the original
	CustodyCaseFile = "case-file" // a police, prosecutor or FIU of its jurisdiction holds it lawfully
	CustodyKnown    = "known"     // the viewer knows it exists: id, kind, holder, asset and campaign only
)

// knowledge is what one organisation knows, gathered once per view.
type knowledge struct {
	org      int32
	subjects map[string]bool // ids its facts name
	peers    []int32         // the law enforcement of its jurisdiction sharing its case file
}

func (w *World) knowledgeOf(org int32) *knowledge {
	k := &knowledge{org: org, subjects: map[string]bool{}}
	if org == None {
		return k
	}
	for _, f := range w.Orgs[org].Facts {
		k.subjects[f.Subject] = true
	}
	k.peers = w.caseFilePeers(org)
	return k
}

// caseFilePeers: the police, prosecutors and financial intelligence unit
// of a jurisdiction keep one case file (what caseStrength counts), so each
// sees what the others hold lawfully and the requests they sent.
func (w *World) caseFilePeers(org int32) []int32 {
	if !isLawEnforcement(w.Orgs[org].Kind) {
		return nil
	}
	var out []int32
	for i := range w.Orgs {
		if int32(i) != org && isLawEnforcement(w.Orgs[i].Kind) && w.Orgs[i].Jurisdiction == w.Orgs[org].Jurisdiction {
			out = append(out, int32(i))
		}
	}
	return out
}

// behindKnownPayment: e is a record its holder (a payment service) keeps
// of the account behind a payment the viewer was told of.
func (w *World) behindKnownPayment(k *knowledge, e *Evidence) bool {
	if e.Campaign == None {
		return false
	}
	for _, f := range w.Orgs[k.org].Facts {
		if f.Kind != FactNamed {
			continue
		}
		if p, ok := w.PaymentIndex(f.Subject); ok && w.Payments[p].Service == e.Holder && w.Payments[p].Campaign == e.Campaign {
			return true
		}
	}
	return false
}

// fileKnows: org, or a peer of its case file, holds campaign c's
// indicators (the file names the campaign its evidence is of).
func (w *World) fileKnows(k *knowledge, c int32) bool {
	if containsSorted(w.Orgs[k.org].Indicators, c) {
		return true
	}
	for _, p := range k.peers {
		if containsSorted(w.Orgs[p].Indicators, c) {
			return true
		}
	}
	return false
}

func isLawEnforcement(k OrgKind) bool { return k == OrgPolice || k == OrgProsecutor || k == OrgFIU }

// knowsAsset: the viewer owns the asset or learned of it.
func (w *World) knowsAsset(k *knowledge, i int32) bool {
	return i != None && (w.Assets[i].Owner == k.org || k.subjects[w.AssetID(i)])
}

// evidenceAs is evidence item ei as org sees it, and whether it sees it.
// It sees what it holds or holds a copy of, what its case file holds
// lawfully, and knows of (CustodyKnown) the items a fact names, those
// about an asset it knows, and those of a campaign whose indicators it
// holds: what it can name in a request ("the logs of server X",
// "everything you hold on campaign C").
func (w *World) evidenceAs(k *knowledge, ei int32) (EvidenceView, bool) {
	e := &w.Evidence[ei]
	org := k.org
	custody := ""
	switch {
	case org == None:
	case e.Holder == org:
		custody = CustodyHolder
	default:
		custody = custodyWords[e.HasCopy(org)]
		if custody == "" {
			for _, p := range k.peers {
				if e.HasCopy(p) == CustodyLawful {
					custody = CustodyCaseFile
					break
				}
			}
		}
		if custody == "" {
			if !k.subjects[e.ID] && !w.knowsAsset(k, e.Asset) && (e.Campaign == None || !containsSorted(w.Orgs[org].Indicators, e.Campaign)) &&
				!w.behindKnownPayment(k, e) {
				return EvidenceView{}, false
			}
			custody = CustodyKnown
		}
	}
	ev := EvidenceView{EvidenceCore: EvidenceCore{N: ei, ID: e.ID, Kind: e.Kind, Holder: w.orgID(e.Holder), Custody: custody}}
	if e.Campaign != None && (org == None || w.fileKnows(k, e.Campaign)) {
		ev.Campaign = w.Campaigns[e.Campaign].ID
	}
	if custody == CustodyKnown {
		if w.knowsAsset(k, e.Asset) {
			ev.Asset = w.AssetID(e.Asset)
		}
		return ev, true
	}
	ev.Asset = w.AssetID(e.Asset)
	ev.Offence, ev.Weight, ev.Created, ev.Preserved, ev.Lost = e.Offence, e.Weight, e.Created, e.Preserved, e.Lost
	ev.Expires = int32(min(int64(e.Created)+int64(e.RetainTicks), 1<<31-1))
	for j, o := range e.ObtainedBy {
		// The holder knows whom it handed copies to; a case file, its own.
		if org == None || e.Holder == org || o == org || slices.Contains(k.peers, o) && e.ObtainedCustody[j] == CustodyLawful {
			ev.Copies = append(ev.Copies, Copy{Org: w.orgID(o), Custody: custodyWords[e.ObtainedCustody[j]], Tick: e.ObtainedTick[j]})
		}
	}
	return ev, true
}

func (w *World) viewEvidence(org int32, out []EvidenceView) []EvidenceView {
	k := w.knowledgeOf(org)
	for ei := range w.Evidence {
		if ev, ok := w.evidenceAs(k, int32(ei)); ok {
			out = append(out, ev)
		}
	}
	return out
}

// EvidenceAs is evidence item ei as organisation org sees it (None: the
// controller, everything), and whether it sees it at all.
func (w *World) EvidenceAs(org, ei int32) (EvidenceView, bool) {
	if ei < 0 || int(ei) >= len(w.Evidence) {
		return EvidenceView{}, false
	}
	return w.evidenceAs(w.knowledgeOf(org), ei)
}

// reuse empties a section for refilling; a section is never nil, so that
// its JSON is [] and a client finds a list in every view.
func reuse[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s[:0]
}
