package engine

import (
	"errors"
	"fmt"
	"strings"
)

// Target resolution helpers: each returns a planner-readable error.

func (w *World) assetTarget(a *Action) (int32, error) {
	i, ok := w.AssetIndex(a.Target)
	if !ok {
		return 0, w.noAsset(a.Target)
	}
	return i, nil
}

func (w *World) assetOrSegment(a *Action) (asset, seg int32, err error) {
	if i, ok := w.AssetIndex(a.Target); ok {
		return i, None, nil
	}
	if s, ok := w.SegmentIndex(a.Target); ok {
		return None, s, nil
	}
	if c := w.CanonicalAssetID(a.Target); c != "" {
		return None, None, w.noAsset(a.Target)
	}
	return None, None, fmt.Errorf("no asset or segment %q", a.Target)
}

// mayActOn says whether an org has authority over an asset: it owns it,
// owns its segment, or is the segment's upstream provider.
func (w *World) mayActOn(org, asset int32) bool {
	as := &w.Assets[asset]
	s := &w.Segments[as.Segment]
	return as.Owner == org || s.Owner == org || s.ISP == org
}

func (w *World) mayActOnSegment(org, seg int32) bool {
	s := &w.Segments[seg]
	return s.Owner == org || s.ISP == org
}

var errNotYours = errors.New("not an asset of this organisation, its segments or its customers: ask its owner with a request")

func ownedTarget(w *World, a *Action) error {
	asset, seg, err := w.assetOrSegment(a)
	if err != nil {
		return err
	}
	if asset != None && !w.mayActOn(a.Org, asset) {
		return errNotYours
	}
	if seg != None && !w.mayActOnSegment(a.Org, seg) {
		return errNotYours
	}
	return nil
}

func anyTarget(w *World, a *Action) error {
	_, _, err := w.assetOrSegment(a)
	return err
}

func noCheck(*World, *Action) error { return nil }

func kindIs(w *World, a *Action, kinds ...OrgKind) error {
	k := w.Orgs[a.Org].Kind
	for _, x := range kinds {
		if k == x {
			return nil
		}
	}
	names := make([]string, len(kinds))
	for i, x := range kinds {
		names[i] = x.String()
	}
	return fmt.Errorf("only a %s may %s (this is a %s)", strings.Join(names, " or "), a.Verb, k)
}

// forAssets runs f over the target asset, or every asset of the target segment.
func (w *World) forAssets(a *Action, f func(i int32)) {
	asset, seg, _ := w.assetOrSegment(a)
	if asset != None {
		f(asset)
		return
	}
	s := &w.Segments[seg]
	for i := s.First; i < s.First+s.Count; i++ {
		f(i)
	}
}

func init() {
	verbs = map[string]*verb{
		"investigate": {ticks: 30, staff: 1, doc: "examine an asset or segment: finds compromise and collects the evidence on it",
			check: checkInvestigate, apply: applyInvestigate},
		"scan": {ticks: 20, staff: 1, doc: "count the vulnerable and compromised hosts of an asset or segment you watch",
			check: ownedTarget, apply: applyScan},
		"query": {ticks: 1, staff: 0, doc: "ask the state of a request (target req-N) or an asset",
			check: noCheck, apply: applyQuery},
		"contain": {ticks: 10, staff: 1, doc: "isolate an asset or segment: stops spread and intrusion, and its service",
			check: ownedTarget, apply: func(w *World, a *Action) { w.setIsolated(a, true) }},
		"allow": {ticks: 5, staff: 1, doc: "reconnect an isolated asset or segment",
			check: ownedTarget, apply: func(w *World, a *Action) { w.setIsolated(a, false) }},
		"deny": {ticks: 15, staff: 1, doc: "block traffic upstream: to a C2 (bots behind you lose it) or scrub a DDoS aimed at a customer",
			check: checkDeny, apply: applyDeny},
		"restore": {ticks: 60, staff: 2, doc: "rebuild an asset (four times longer without backup) or repair an infrastructure",
			check: checkRestore, apply: applyRestore},
		"remediate": {ticks: 120, staff: 2, doc: "clean the compromised hosts of an asset or segment",
			check: ownedTarget, apply: applyRemediate},
		"update": {ticks: 60, staff: 1, doc: "patch (args: vuln=ID, default all) and harden an asset or segment",
			check: checkUpdate, apply: applyUpdate},
		"delete": {ticks: 10, staff: 1, doc: "remove content hosted on your platform",
			check: checkContentOwned, apply: applyRemoveContent},
		"preserve": {ticks: 10, staff: 1, doc: "preserve evidence you hold so it is not lost",
			check: checkPreserve, apply: applyPreserve},
		"request": {ticks: 15, staff: 1, doc: "ask another organisation to act (args: kind=preserve|disclose|takedown|sinkhole|block|assist, target=ID, channel=direct|24/7|mla|police|csirt, offence=...)",
			check: checkRequest, apply: applyRequest},
		"answer": {ticks: 5, staff: 1, doc: "answer a request you received (target req-N, args: decision=accept|refuse, reason=...)",
			check: checkAnswer, apply: applyAnswer},
		"share": {ticks: 5, staff: 1, doc: "share a report (args: to=org,org tlp=CLEAR|GREEN|AMBER|AMBER+STRICT|RED campaign=ID origin=report id, title=...)",
			check: checkShare, apply: applyShare},
		"takedown": {ticks: 30, staff: 1, doc: "take down a server you host or content on your platform",
			check: checkTakedown, apply: applyTakedown},
		"sinkhole": {ticks: 30, staff: 1, doc: "redirect a C2's domain to a sinkhole (registrar or ISP of its jurisdiction)",
			check: checkSinkhole, apply: applySinkhole},
		"message": {ticks: 1, staff: 0, doc: "send a message (args: text=...) to an organisation",
			check: checkMessage, apply: applyMessage},
		"statement": {ticks: 30, staff: 1, doc: "make a public statement (args: text=..., campaign=ID): a counter-narrative slows propaganda",
			check: noCheck, apply: applyStatement},
		"manual": {ticks: 30, staff: 2, doc: "run an infrastructure's process by hand, bypassing its SCADA",
			check: checkInfraOwned, apply: func(w *World, a *Action) { i, _ := w.InfraIndex(a.Target); w.Infras[i].Manual = true }},
		"island": {ticks: 20, staff: 1, doc: "island an infrastructure from the wider grid so upstream failures do not reach it",
			check: checkIsland, apply: func(w *World, a *Action) { i, _ := w.InfraIndex(a.Target); w.Infras[i].Islanded = true }},
		"trace": {ticks: 60, staff: 1, doc: "follow a payment whose records you hold",
			check: checkTrace, apply: applyTrace},
		"freeze": {ticks: 30, staff: 1, doc: "freeze a payment held by your payment service",
			check: checkFreeze, apply: applyFreeze},
		"prosecute": {ticks: 60, staff: 1, doc: "open a case against a campaign where its offence is a crime",
			check: checkProsecute, apply: applyProsecute},
	}
}

// checkInvestigate: an organisation may examine what it owns or serves;
// the police, prosecutors and the CSIRT of a jurisdiction may examine
// anything in it. Across a border it takes an assist request.
func checkInvestigate(w *World, a *Action) error {
	asset, seg, err := w.assetOrSegment(a)
	if err != nil {
		return err
	}
	if ownedTarget(w, a) == nil {
		return nil
	}
	if asset != None {
		seg = w.Assets[asset].Segment
	}
	o := &w.Orgs[a.Org]
	switch o.Kind {
	case OrgPolice, OrgProsecutor, OrgCSIRT:
		if w.Segments[seg].Jurisdiction == o.Jurisdiction {
			return nil
		}
		return fmt.Errorf("%s is in %s: ask its authorities with an assist request", a.Target, w.Jurisdictions[w.Segments[seg].Jurisdiction].ID)
	}
	return errNotYours
}

func applyInvestigate(w *World, a *Action) {
	asset, seg, _ := w.assetOrSegment(a)
	org := w.Orgs[a.Org]
	found, fresh := int64(0), int64(0)
	var c2s []string
	w.forAssets(a, func(i int32) {
		as := &w.Assets[i]
		if as.Controller != None {
			if found < factsPerInvestigation && as.Owner != a.Org {
				w.learn(a.Org, FactCompromised, w.AssetID(i), as.Controller)
			}
			w.learnC2(a.Org, as.Controller)
			found++
			if as.Flags&FlagDetected == 0 {
				fresh++ // counted once, however often it is examined
			}
			as.Flags |= FlagDetected
			// What the examination finds are the campaign's indicators.
			w.Orgs[a.Org].Indicators = insertSorted(w.Orgs[a.Org].Indicators, as.Controller)
			if c := w.Campaigns[as.Controller].C2; c != None {
				id := w.AssetID(c)
				if len(c2s) == 0 || c2s[len(c2s)-1] != id {
					c2s = append(c2s, id)
				}
			}
		}
	})
	// Own logs on the asset: lawful when police of the same jurisdiction
	// collect them, intelligence otherwise.
	for ei := range w.Evidence {
		e := &w.Evidence[ei]
		if e.Lost || e.Asset == None {
			continue
		}
		if (asset != None && e.Asset == asset) || (seg != None && w.Assets[e.Asset].Segment == seg) {
			cust := CustodyInformal
			if (org.Kind == OrgPolice || org.Kind == OrgProsecutor) && w.Segments[w.Assets[e.Asset].Segment].Jurisdiction == org.Jurisdiction {
				cust = CustodyLawful
			}
			w.obtain(int32(ei), a.Org, cust)
		}
	}
	text := fmt.Sprintf("%s investigated %s: %d compromised", org.ID, a.Target, found)
	if len(c2s) > 0 {
		text += "; they call home to " + strings.Join(uniqueSorted(c2s), ", ")
	}
	w.Counters.Detections += fresh
	w.emit(Event{Kind: EvAssetDetected, Org: org.ID, Subject: a.Target, Text: text, Value: found, Visible: vis(a.Org),
		Fields: fields("by", "investigation", "target", a.Target, "compromised", itoa64(found), "c2s", strings.Join(uniqueSorted(c2s), ","))})
}

// factsPerInvestigation bounds the compromised hosts of others one
// investigation of a segment remembers one by one (the count is in its
// result): a segment of a thousand bots is one lead, not a thousand facts.
const factsPerInvestigation = 16

func uniqueSorted(s []string) []string {
	out := append([]string(nil), s...)
	sortStrings(out)
	k := 0
	for i, v := range out {
		if i == 0 || v != out[k-1] {
			out[k] = v
			k++
		}
	}
	return out[:k]
}

func applyScan(w *World, a *Action) {
	vuln, bad := int64(0), int64(0)
	w.forAssets(a, func(i int32) {
		as := &w.Assets[i]
		if as.Vulns != 0 {
			vuln++
		}
		if as.Controller != None {
			bad++
		}
	})
	w.emit(Event{Kind: EvAssetDetected, Org: w.orgID(a.Org), Subject: a.Target, Value: bad,
		Text: fmt.Sprintf("scan of %s: %d vulnerable, %d compromised", a.Target, vuln, bad), Visible: vis(a.Org),
		Fields: fields("by", "scan", "target", a.Target, "vulnerable", itoa64(vuln), "compromised", itoa64(bad))})
}

func applyQuery(w *World, a *Action) {
	text := ""
	if strings.HasPrefix(a.Target, "req-") {
		n, err := w.ParseRequestID(a.Target)
		if err != nil {
			text = err.Error()
		} else {
			// The answer is the organisation's view of it: an unanswered
			// request is pending to its sender, an undetected compromise
			// does not show.
			r := &w.Requests[n-1]
			if r.From == a.Org || r.To == a.Org {
				text = fmt.Sprintf("%s (%s %s to %s via %s): %s", a.Target, r.Kind, r.Target, w.orgID(r.To), r.Channel, w.requestView(r, false).Status)
			}
		}
	} else if i, ok := w.AssetIndex(a.Target); ok && w.mayActOn(a.Org, i) {
		o := w.observe(a.Org, i, false)
		text = fmt.Sprintf("%s: integrity %d, availability %d, compromised %v", a.Target, o.integrity, o.availability, o.controller != None)
	} else if c := w.CanonicalAssetID(a.Target); c != "" {
		text = w.noAsset(a.Target).Error()
	}
	if text == "" {
		text = fmt.Sprintf("nothing you may see about %q", a.Target)
	}
	w.emit(Event{Kind: EvMessage, Org: w.orgID(a.Org), Subject: a.Target, Text: text, Visible: vis(a.Org),
		Fields: fields("query", a.Target)})
}

func (w *World) setIsolated(a *Action, on bool) {
	w.touched()
	n := int64(0)
	w.forAssets(a, func(i int32) {
		as := &w.Assets[i]
		if on {
			as.Flags |= FlagIsolated
			as.Availability = 0
		} else {
			as.Flags &^= FlagIsolated
			w.refreshAvailability(i)
		}
		n++
	})
	word := "isolated"
	if !on {
		word = "reconnected"
	}
	// The owner learns that its service went down (or came back), whoever
	// pulled the plug: an ISP cutting off a customer's segment tells it.
	owner := None
	if asset, seg, _ := w.assetOrSegment(a); asset != None {
		owner = w.Assets[asset].Owner
	} else if seg != None {
		owner = w.Segments[seg].Owner
	}
	w.emit(Event{Kind: EvAssetIsolated, Org: w.orgID(a.Org), Subject: a.Target, Value: n,
		Text: fmt.Sprintf("%s %s %s (%d assets); its services are %s", w.orgID(a.Org), word, a.Target, n, map[bool]string{true: "down", false: "back"}[on]), Visible: vis(a.Org, owner),
		Fields: fields("target", a.Target, "state", word, "owner", w.orgID(owner), "assets", itoa64(n))})
}

func (w *World) refreshAvailability(i int32) {
	as := &w.Assets[i]
	switch {
	case as.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown) != 0:
		as.Availability = 0
	default:
		as.Availability = 1000
	}
}

func checkDeny(w *World, a *Action) error {
	if err := kindIs(w, a, OrgISP, OrgHosting, OrgOperator); err != nil {
		return err
	}
	i, err := w.assetTarget(a)
	if err != nil {
		return err
	}
	// Any ISP may cut its own customers off a C2; scrubbing sits in front
	// of the target: its owner or the ISP of its segment.
	if w.Assets[i].Kind != AssetC2 && !w.isC2(i) && !w.mayActOn(a.Org, i) {
		return errNotYours
	}
	return nil
}

func applyDeny(w *World, a *Action) {
	i, _ := w.assetTarget(a)
	as := &w.Assets[i]
	if as.Kind == AssetC2 || w.isC2(i) {
		// Bots behind this ISP lose their C2; elsewhere it still works.
		for ci := range w.Campaigns {
			c := &w.Campaigns[ci]
			if c.C2 == i {
				c.addBlocker(a.Org)
			}
		}
		// Only this ISP's customers lose the C2: a partial block, not a
		// disruption of the botnet (botnet.c2_disrupted).
		w.emit(Event{Kind: EvC2Blocked, Org: w.orgID(a.Org), Subject: a.Target,
			Text: fmt.Sprintf("%s blocks traffic to %s for its customers", w.orgID(a.Org), a.Target), Visible: vis(a.Org),
			Fields: fields("c2", w.AssetID(i), "isp", w.orgID(a.Org))})
		return
	}
	as.Flags |= FlagBlocked // scrubbing in front of the target
	w.emit(Event{Kind: EvDDoSScrubbed, Org: w.orgID(a.Org), Subject: a.Target,
		Text: fmt.Sprintf("%s scrubs traffic to %s", w.orgID(a.Org), a.Target), Visible: vis(a.Org, as.Owner),
		Fields: fields("asset", w.AssetID(i), "owner", w.orgID(as.Owner), "by", w.orgID(a.Org))})
}

func (w *World) isC2(i int32) bool {
	for _, c := range w.Campaigns {
		if c.C2 == i {
			return true
		}
	}
	return false
}

func (c *Campaign) addBlocker(org int32) {
	for _, b := range c.BlockedBy {
		if b == org {
			return
		}
	}
	c.BlockedBy = append(c.BlockedBy, org)
	sortInt32(c.BlockedBy)
}

func checkRestore(w *World, a *Action) error {
	if i, ok := w.InfraIndex(a.Target); ok {
		if w.Infras[i].Owner != a.Org {
			return errNotYours
		}
		return nil
	}
	return ownedTarget(w, a)
}

func applyRestore(w *World, a *Action) {
	if i, ok := w.InfraIndex(a.Target); ok {
		f := &w.Infras[i]
		if f.Damaged {
			f.RepairUntil = w.Tick + f.RestoreTicks
		}
		f.Tripped = false
		w.emit(Event{Kind: EvInfraChanged, Org: w.orgID(a.Org), Subject: f.ID,
			Text: fmt.Sprintf("%s restores %s (repairs done by tick %d)", w.orgID(a.Org), f.ID, max32(w.Tick, f.RepairUntil)), Visible: vis(a.Org),
			Fields: fields("infrastructure", f.ID, "cause", "restore", "ready", itoa32(max32(w.Tick, f.RepairUntil)))})
		return
	}
	n := int64(0)
	w.forAssets(a, func(i int32) {
		as := &w.Assets[i]
		if as.Controller == None && as.Flags&(FlagDefaced|FlagDestroyed) == 0 && as.Integrity == 1000 {
			return
		}
		if as.Flags&FlagDefaced != 0 {
			w.Counters.WebsitesRestored++
		} else if as.Controller != None && w.Campaigns[as.Controller].Bots > 0 {
			w.Campaigns[as.Controller].Bots-- // as remediate: a defaced site was no bot already
		}
		as.Controller, as.Since = None, None
		as.Flags &^= FlagDefaced | FlagDestroyed | FlagDetected | FlagAdmin
		w.touched()
		as.Integrity = 1000
		w.refreshAvailability(i)
		n++
	})
	w.emit(Event{Kind: EvAssetRestored, Org: w.orgID(a.Org), Subject: a.Target, Value: n,
		Text: fmt.Sprintf("%s restored %s (%d assets)", w.orgID(a.Org), a.Target, n), Visible: vis(a.Org),
		Fields: fields("target", a.Target, "how", "restore", "assets", itoa64(n))})
}

func applyRemediate(w *World, a *Action) {
	n := int64(0)
	w.forAssets(a, func(i int32) {
		as := &w.Assets[i]
		if as.Controller != None && as.Flags&FlagDefaced == 0 {
			w.Campaigns[as.Controller].Bots--
			as.Controller, as.Since = None, None
			as.Flags &^= FlagDetected | FlagAdmin
			w.touched()
			n++
		}
	})
	w.Counters.HostsCleaned += n
	w.emit(Event{Kind: EvAssetRestored, Org: w.orgID(a.Org), Subject: a.Target, Value: n,
		Text: fmt.Sprintf("%s cleaned %d hosts in %s", w.orgID(a.Org), n, a.Target), Visible: vis(a.Org),
		Fields: fields("target", a.Target, "how", "remediate", "assets", itoa64(n))})
}

func checkUpdate(w *World, a *Action) error {
	if err := ownedTarget(w, a); err != nil {
		return err
	}
	if v := a.arg("vuln"); v != "" && v != "all" {
		if _, ok := w.VulnIndex(v); !ok {
			return fmt.Errorf("no vulnerability %q", v)
		}
	}
	return nil
}

func applyUpdate(w *World, a *Action) {
	mask := ^uint64(0)
	if v := a.arg("vuln"); v != "" && v != "all" {
		vi, _ := w.VulnIndex(v)
		mask = 1 << uint(vi)
	}
	n := int64(0)
	w.forAssets(a, func(i int32) {
		as := &w.Assets[i]
		if as.Vulns&mask != 0 {
			n++
		}
		as.Vulns &^= mask
		w.touched()
		as.Flags |= FlagHardened
	})
	w.emit(Event{Kind: EvAssetRestored, Org: w.orgID(a.Org), Subject: a.Target, Value: n,
		Text: fmt.Sprintf("%s patched %d assets in %s", w.orgID(a.Org), n, a.Target), Visible: vis(a.Org),
		Fields: fields("target", a.Target, "how", "update", "assets", itoa64(n))})
}

func checkContentOwned(w *World, a *Action) error {
	i, ok := w.ContentIndex(a.Target)
	if !ok {
		return fmt.Errorf("no content %q", a.Target)
	}
	if w.Contents[i].Platform != a.Org {
		return errors.New("the content is on another platform: send it a takedown request")
	}
	if w.Contents[i].Removed != None {
		return errors.New("already removed")
	}
	return nil
}

func applyRemoveContent(w *World, a *Action) {
	i, _ := w.ContentIndex(a.Target)
	w.removeContent(i, a.Org)
}

func (w *World) removeContent(i, by int32) {
	c := &w.Contents[i]
	if c.Removed != None {
		return
	}
	c.Removed = w.Tick
	w.Counters.ContentRemoved++
	w.emit(Event{Kind: EvContentRemoved, Org: w.orgID(by), Subject: c.ID, Value: c.Reach,
		Text: fmt.Sprintf("%s removed %s after it reached %d people", w.orgID(c.Platform), c.ID, c.Reach), Public: true,
		Fields: fields("content", c.ID, "platform", w.orgID(c.Platform), "by", w.orgID(by), "reach", itoa64(c.Reach))})
}

func checkPreserve(w *World, a *Action) error {
	i, ok := w.EvidenceIndex(a.Target)
	if !ok {
		return fmt.Errorf("no evidence %q", a.Target)
	}
	e := &w.Evidence[i]
	if e.Holder != a.Org {
		return errors.New("you do not hold it: ask its holder with a preserve request")
	}
	if e.Lost {
		return errors.New("already lost")
	}
	return nil
}

func applyPreserve(w *World, a *Action) {
	i, _ := w.EvidenceIndex(a.Target)
	w.preserve(i, a.Org)
}

func checkTakedown(w *World, a *Action) error {
	if i, ok := w.ContentIndex(a.Target); ok {
		if w.Contents[i].Platform != a.Org {
			return errors.New("the content is on another platform: send it a takedown request")
		}
		return nil
	}
	i, err := w.assetTarget(a)
	if err != nil {
		return err
	}
	if !w.mayActOn(a.Org, i) {
		return errNotYours
	}
	return nil
}

func applyTakedown(w *World, a *Action) {
	if i, ok := w.ContentIndex(a.Target); ok {
		w.removeContent(i, a.Org)
		return
	}
	i, _ := w.assetTarget(a)
	w.takeDown(i, a.Org)
}

func (w *World) takeDown(i, by int32) {
	as := &w.Assets[i]
	as.Flags |= FlagTakenDown
	w.touched()
	as.Availability = 0
	w.emit(Event{Kind: EvC2Disrupted, Org: w.orgID(by), Subject: w.AssetID(i),
		Text: fmt.Sprintf("%s took %s down", w.orgID(by), w.AssetID(i)), Visible: vis(by, as.Owner),
		Fields: fields("how", "takedown", "c2", w.AssetID(i), "by", w.orgID(by))})
}

func checkSinkhole(w *World, a *Action) error {
	if err := kindIs(w, a, OrgRegistrar, OrgISP, OrgHosting, OrgCSIRT); err != nil {
		return err
	}
	i, err := w.assetTarget(a)
	if err != nil {
		return err
	}
	if w.Segments[w.Assets[i].Segment].Jurisdiction != w.Orgs[a.Org].Jurisdiction {
		return errors.New("the domain is registered in another jurisdiction: request it there")
	}
	return nil
}

func applySinkhole(w *World, a *Action) {
	i, _ := w.assetTarget(a)
	w.sinkhole(i, a.Org)
}

func (w *World) sinkhole(i, by int32) {
	w.Assets[i].Flags |= FlagSinkholed
	w.emit(Event{Kind: EvC2Disrupted, Org: w.orgID(by), Subject: w.AssetID(i),
		Text: fmt.Sprintf("%s sinkholed %s: infected hosts now report to the sinkhole", w.orgID(by), w.AssetID(i)), Visible: vis(by),
		Fields: fields("how", "sinkhole", "c2", w.AssetID(i), "by", w.orgID(by))})
}

func checkMessage(w *World, a *Action) error {
	if _, ok := w.OrgIndex(a.Target); !ok {
		return fmt.Errorf("no organisation %q", a.Target)
	}
	return nil
}

func applyMessage(w *World, a *Action) {
	to, _ := w.OrgIndex(a.Target)
	w.record(MsgMessage, a.Org, []int32{to}, "", a.arg("text"))
	w.learnNamed(to, a.arg("text"))
	w.emit(Event{Kind: EvMessage, Org: w.orgID(a.Org), Subject: a.Target, Text: a.arg("text"), Visible: vis(a.Org, to),
		Fields: fields("message", MessageID(int32(len(w.Messages))), "to", a.Target)})
}

func applyStatement(w *World, a *Action) {
	if c, ok := w.CampaignIndex(a.arg("campaign")); ok {
		// A counter-narrative cuts the growth of the campaign's content.
		for i := range w.Contents {
			ct := &w.Contents[i]
			if ct.Campaign == c && ct.Removed == None {
				ct.GrowthPermille = ct.GrowthPermille * 7 / 10
			}
		}
	}
	w.record(MsgStatement, a.Org, nil, a.arg("campaign"), a.arg("text"))
	w.emit(Event{Kind: EvStatement, Org: w.orgID(a.Org), Subject: a.arg("campaign"), Text: a.arg("text"), Public: true,
		Fields: fields("speaker", w.orgID(a.Org), "campaign", a.arg("campaign"))})
}

func checkInfraOwned(w *World, a *Action) error {
	i, ok := w.InfraIndex(a.Target)
	if !ok {
		return fmt.Errorf("no infrastructure %q", a.Target)
	}
	if w.Infras[i].Owner != a.Org {
		return errNotYours
	}
	return nil
}

func checkIsland(w *World, a *Action) error {
	if err := checkInfraOwned(w, a); err != nil {
		return err
	}
	i, _ := w.InfraIndex(a.Target)
	if w.Infras[i].IslandPermille <= 0 {
		return fmt.Errorf("%s has no local generation to run islanded", a.Target)
	}
	return nil
}

func checkTrace(w *World, a *Action) error {
	if err := kindIs(w, a, OrgFIU, OrgPolice, OrgProsecutor); err != nil {
		return err
	}
	p, ok := w.PaymentIndex(a.Target)
	if !ok {
		return fmt.Errorf("no payment %q", a.Target)
	}
	if !w.holdsRecordOf(a.Org, p) {
		return errors.New("you hold no record of this payment: request its disclosure from the payment service")
	}
	return nil
}

// holdsRecordOf: the org has obtained a payment record left at the
// payment's service for the payment's campaign.
func (w *World) holdsRecordOf(org, p int32) bool {
	pay := &w.Payments[p]
	for i := range w.Evidence {
		e := &w.Evidence[i]
		if e.Kind == "payment-record" && e.Holder == pay.Service && e.Campaign == pay.Campaign && e.HasCopy(org) != CustodyNone {
			return true
		}
	}
	return false
}

func applyTrace(w *World, a *Action) {
	p, _ := w.PaymentIndex(a.Target)
	pay := &w.Payments[p]
	if pay.Traced {
		return
	}
	pay.Traced = true
	w.Counters.MoneyTraced = addSat(w.Counters.MoneyTraced, pay.Amount)
	w.emit(Event{Kind: EvFundsTraced, Org: w.orgID(a.Org), Subject: pay.ID, Value: pay.Amount,
		Text: fmt.Sprintf("%s traced %s: %d to the campaign", w.orgID(a.Org), pay.ID, pay.Amount), Visible: vis(a.Org),
		Fields: fields("payment", pay.ID, "how", "trace", "amount", itoa64(pay.Amount), "service", w.orgID(pay.Service))})
}

func checkFreeze(w *World, a *Action) error {
	p, ok := w.PaymentIndex(a.Target)
	if !ok {
		return fmt.Errorf("no payment %q", a.Target)
	}
	if w.Payments[p].Service != a.Org {
		return errors.New("the payment is held by another service: request a block there")
	}
	return nil
}

func applyFreeze(w *World, a *Action) {
	p, _ := w.PaymentIndex(a.Target)
	w.freeze(p, a.Org)
}

func (w *World) freeze(p, by int32) {
	pay := &w.Payments[p]
	if pay.Frozen {
		return
	}
	pay.Frozen = true
	w.Counters.MoneyFrozen = addSat(w.Counters.MoneyFrozen, pay.Amount)
	w.emit(Event{Kind: EvFundsTraced, Org: w.orgID(by), Subject: pay.ID, Value: pay.Amount,
		Text: fmt.Sprintf("%s froze %s (%d)", w.orgID(by), pay.ID, pay.Amount), Visible: vis(by),
		Fields: fields("payment", pay.ID, "how", "freeze", "amount", itoa64(pay.Amount), "service", w.orgID(pay.Service))})
}

func checkProsecute(w *World, a *Action) error {
	if err := kindIs(w, a, OrgProsecutor); err != nil {
		return err
	}
	c, ok := w.CampaignIndex(a.Target)
	if !ok {
		return fmt.Errorf("no campaign %q", a.Target)
	}
	j := w.Orgs[a.Org].Jurisdiction
	if !w.IsCrime(j, w.Campaigns[c].Offence) {
		return fmt.Errorf("%q is not a crime in %s", w.Campaigns[c].Offence, w.Jurisdictions[j].ID)
	}
	for _, k := range w.Cases {
		if k.Prosecutor == a.Org && k.Campaign == c {
			return errors.New("case already open")
		}
	}
	return nil
}

func applyProsecute(w *World, a *Action) {
	c, _ := w.CampaignIndex(a.Target)
	w.Cases = append(w.Cases, Case{Prosecutor: a.Org, Campaign: c, Opened: w.Tick})
	k := &w.Cases[len(w.Cases)-1]
	k.Strength = w.caseStrength(k)
	w.emit(Event{Kind: EvCaseOpened, Org: w.orgID(a.Org), Subject: a.Target, Value: int64(k.Strength),
		Text: fmt.Sprintf("%s opened a case against %s (evidence strength %d)", w.orgID(a.Org), a.Target, k.Strength), Visible: vis(a.Org),
		Fields: fields("campaign", w.Campaigns[c].ID, "prosecutor", w.orgID(a.Org), "strength", itoa32(int32(k.Strength)))})
}

func max32(a, b int32) int32 {
	if a > b {
		return a
	}
	return b
}
