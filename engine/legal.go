package engine

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// HasCopy returns how org holds this evidence (CustodyNone if it does not).
func (e *Evidence) HasCopy(org int32) Custody {
	best := CustodyNone
	if e.Holder == org && !e.Lost {
		best = CustodyInformal
	}
	for i, o := range e.ObtainedBy {
		if o == org && e.ObtainedCustody[i] > best {
			best = e.ObtainedCustody[i]
		}
	}
	return best
}

func (w *World) obtain(ei, org int32, cust Custody) {
	e := &w.Evidence[ei]
	if e.Lost {
		return
	}
	for i, o := range e.ObtainedBy {
		if o == org {
			if cust > e.ObtainedCustody[i] {
				e.ObtainedCustody[i] = cust
				e.ObtainedTick[i] = w.Tick
			}
			return
		}
	}
	e.ObtainedBy = append(e.ObtainedBy, org)
	e.ObtainedCustody = append(e.ObtainedCustody, cust)
	e.ObtainedTick = append(e.ObtainedTick, w.Tick)
	how := map[Custody]string{CustodyInformal: "informally (intelligence only)", CustodyLawful: "lawfully (admissible)"}[cust]
	w.emit(Event{Kind: EvEvidenceObtained, Org: w.orgID(org), Subject: e.ID, Text: fmt.Sprintf("%s obtained %s %s", w.orgID(org), e.ID, how), Visible: vis(org),
		Fields: fields("evidence", e.ID, "kind", e.Kind, "custody", custodyWords[cust], "holder", w.orgID(e.Holder))})
}

func (w *World) preserve(ei, by int32) {
	e := &w.Evidence[ei]
	if e.Preserved || e.Lost {
		return
	}
	e.Preserved = true
	w.Counters.EvidencePreserved++
	w.emit(Event{Kind: EvEvidencePreserved, Org: w.orgID(by), Subject: e.ID, Text: fmt.Sprintf("%s preserved at %s", e.ID, w.orgID(e.Holder)), Visible: vis(by, e.Holder),
		Fields: fields("evidence", e.ID, "kind", e.Kind, "holder", w.orgID(e.Holder), "by", w.orgID(by))})
}

// decayEvidence: what is not preserved is gone after its retention.
func (w *World) decayEvidence() {
	if int64(w.Tick) < w.decayNext {
		return // nothing expires before then: the pass over every item is skipped
	}
	next := int64(math.MaxInt64)
	for w.decayFrom < len(w.Evidence) && (w.Evidence[w.decayFrom].Lost || w.Evidence[w.decayFrom].Preserved) {
		w.decayFrom++
	}
	for i := w.decayFrom; i < len(w.Evidence); i++ {
		e := &w.Evidence[i]
		if e.Lost || e.Preserved {
			continue
		}
		if due := int64(e.Created) + int64(e.RetainTicks); int64(w.Tick) < due {
			next = min(next, due)
			continue
		}
		e.Lost = true
		e.LostTick = w.Tick
		w.Counters.EvidenceLost++
		watch := []int32{e.Holder}
		watch = append(watch, e.ObtainedBy...)
		w.emit(Event{Kind: EvEvidenceLost, Subject: e.ID, Text: fmt.Sprintf("%s at %s is gone (retention over)", e.ID, w.orgID(e.Holder)), Visible: vis(watch...),
			Fields: fields("evidence", e.ID, "kind", e.Kind, "holder", w.orgID(e.Holder))})
	}
	w.decayNext = next
}

// scheduleDecay notes an item's expiry for decayEvidence (items added
// after Init, and every item when the derived tables are rebuilt).
func (w *World) scheduleDecay(e *Evidence) {
	if !e.Lost && !e.Preserved {
		w.decayNext = min(w.decayNext, int64(e.Created)+int64(e.RetainTicks))
	}
}

// caseStrength sums the weight of evidence of the campaign held lawfully by
// the police, prosecutors or financial intelligence unit of the case's
// jurisdiction (what a CSIRT or a company holds is not the case file).
func (w *World) caseStrength(k *Case) int32 {
	j := w.Orgs[k.Prosecutor].Jurisdiction
	var s int32
	for i := range w.Evidence {
		e := &w.Evidence[i]
		if e.Campaign != k.Campaign {
			continue
		}
		for n, o := range e.ObtainedBy {
			k := w.Orgs[o].Kind
			if e.ObtainedCustody[n] == CustodyLawful && w.Orgs[o].Jurisdiction == j && (k == OrgPolice || k == OrgProsecutor || k == OrgFIU) {
				s += e.Weight
				break
			}
		}
	}
	return s
}

// ---- requests ----

func checkRequest(w *World, a *Action) error {
	to, ok := w.OrgIndex(a.Target)
	if !ok {
		return fmt.Errorf("no organisation %q", a.Target)
	}
	if to == a.Org {
		return errors.New("a request to yourself: use the verb directly")
	}
	kind, ok := ParseRequestKind(a.arg("kind"))
	if !ok {
		return fmt.Errorf("kind=%q: want one of preserve, disclose, takedown, sinkhole, block, assist", a.arg("kind"))
	}
	if ch := a.arg("channel"); ch != "" {
		c, ok := ParseChannel(ch)
		if !ok {
			return fmt.Errorf("channel=%q: want direct, 24/7, mla, police or csirt", ch)
		}
		if err := w.channelFits(a.Org, to, c); err != nil {
			return err
		}
	}
	t := a.arg("target")
	if err := w.checkRequestTarget(kind, t); err != nil {
		return fmt.Errorf("target=%q: %w", t, err)
	}
	if kind == ReqPreserve || kind == ReqDisclose {
		ei, _ := w.EvidenceIndex(t)
		if h := w.Evidence[ei].Holder; h != to && !(kind == ReqPreserve && w.relays(to, h)) {
			return fmt.Errorf("%s does not hold %s: ask its holder, or for preservation a CSIRT of the holder's country, which relays it", a.Target, t)
		}
	}
	return nil
}

// relays says whether a CSIRT passes a preservation request on to the
// holder of the evidence: a national CSIRT is the door to the companies
// of its country (docs/mechanics.md §6), which is how a country without a
// 24/7 contact point, or a foreign CSIRT, gets logs kept at once.
func (w *World) relays(csirt, holder int32) bool {
	return w.Orgs[csirt].Kind == OrgCSIRT && w.Orgs[csirt].Jurisdiction == w.Orgs[holder].Jurisdiction
}

// relayPreserve sends a CSIRT's own preservation request, over the direct
// channel, to the holder of the evidence a request asked it to preserve,
// and returns the new request's number.
func (w *World) relayPreserve(r *Request, holder int32) int32 {
	applyRequest(w, &Action{Org: r.To, Verb: "request", Target: w.orgID(holder),
		Args: fields("kind", ReqPreserve.String(), "target", r.Target, "channel", ChanDirect.String(), "offence", r.Offence)})
	return int32(len(w.Requests))
}

// checkRequestTarget says whether a request of this kind can name target:
// evidence to preserve or disclose, an asset or content to take down, an
// asset to sinkhole or assist with, an asset or payment to block.
func (w *World) checkRequestTarget(kind RequestKind, t string) error {
	switch kind {
	case ReqPreserve, ReqDisclose:
		if _, ok := w.EvidenceIndex(t); !ok {
			return errors.New("no such evidence")
		}
	case ReqTakedown:
		if _, ok := w.ContentIndex(t); !ok {
			if _, ok := w.AssetIndex(t); !ok {
				return w.noSuch("asset or content", t)
			}
		}
	case ReqSinkhole, ReqAssist:
		if _, ok := w.AssetIndex(t); !ok {
			return w.noSuch("asset", t)
		}
	case ReqBlock:
		if _, ok := w.PaymentIndex(t); !ok {
			if _, ok := w.AssetIndex(t); !ok {
				return w.noSuch("asset or payment", t)
			}
		}
	}
	return nil
}

// channelFits says whether a channel may carry a request from one
// organisation to another. The CSIRT channel joins CSIRTs' duty desks: a
// company or an agency abroad is asked through its country's formal
// channels (24/7, MLA, police), or through its country's CSIRT, which
// relays at home; the direct channel is for organisations of one country.
// Without this, a foreign CSIRT could ask a hosting company abroad
// directly, around the clock, bypassing the 24/7 network and MLA.
func (w *World) channelFits(from, to int32, c Channel) error {
	fo, tt := &w.Orgs[from], &w.Orgs[to]
	switch {
	case c == ChanCSIRT && tt.Kind != OrgCSIRT:
		return fmt.Errorf("channel=csirt joins CSIRTs' duty desks, and %s is a %s: ask it by 24/7, mla or police, or ask a CSIRT of its country to relay", tt.ID, tt.Kind)
	case c == ChanDirect && fo.Jurisdiction != tt.Jurisdiction:
		return fmt.Errorf("channel=direct is for organisations of one country, and %s is in %s: use 24/7, mla or police, or ask a CSIRT of its country to relay", tt.ID, w.Jurisdictions[tt.Jurisdiction].ID)
	case c == ChanContactPoint:
		// The 24/7 network joins two contact points: a country without one
		// can neither be asked through it nor ask through it.
		for _, j := range []int32{tt.Jurisdiction, fo.Jurisdiction} {
			if !w.Jurisdictions[j].HasContactPoint() {
				return fmt.Errorf("channel=24/7: %s has no 24/7 contact point (contact_point: none): ask %s by mla, or ask a CSIRT of its country to relay", w.Jurisdictions[j].ID, tt.ID)
			}
		}
	}
	return nil
}

func (w *World) defaultChannel(from, to int32, kind RequestKind) Channel {
	fo, tt := &w.Orgs[from], &w.Orgs[to]
	if tt.Kind == OrgCSIRT {
		return ChanCSIRT // CSIRT duty desks answer around the clock
	}
	if fo.Jurisdiction == tt.Jurisdiction {
		return ChanDirect
	}
	switch {
	case kind == ReqPreserve && w.Jurisdictions[fo.Jurisdiction].HasContactPoint() && w.Jurisdictions[tt.Jurisdiction].HasContactPoint():
		return ChanContactPoint
	case kind == ReqPreserve:
		return ChanMLA // no 24/7 contact point on one side: the formal route
	case kind == ReqDisclose:
		return ChanMLA
	}
	return ChanPolice
}

func applyRequest(w *World, a *Action) {
	to, _ := w.OrgIndex(a.Target)
	kind, _ := ParseRequestKind(a.arg("kind"))
	ch, ok := ParseChannel(a.arg("channel"))
	if !ok {
		ch = w.defaultChannel(a.Org, to, kind)
	}
	offence := a.arg("offence")
	if offence == "" {
		offence = w.offenceOf(a.arg("target"))
	}
	r := Request{ID: int32(len(w.Requests) + 1), From: a.Org, To: to, Kind: kind, Channel: ch, Target: a.arg("target"),
		Offence: offence, Sent: w.Tick, Status: ReqPending, Answer: None, Command: a.Command}
	w.route(&r)
	w.Requests = append(w.Requests, r)
	w.Counters.RequestsSent++
	text := fmt.Sprintf("req-%d: %s asks %s to %s %s via %s", r.ID, w.orgID(a.Org), a.Target, kind, r.Target, ch)
	if r.Reason != "" {
		text += "; " + r.Reason // a human receiver weighs the law too
	}
	w.emit(Event{Kind: EvRequestSent, Org: w.orgID(a.Org), Subject: RequestID(r.ID), Command: a.Command,
		Text: text, Visible: vis(a.Org, to), Fields: w.requestFields(&r)})
}

// offenceOf finds the offence a target is evidence of.
func (w *World) offenceOf(target string) string {
	if i, ok := w.EvidenceIndex(target); ok {
		return w.Evidence[i].Offence
	}
	if i, ok := w.ContentIndex(target); ok {
		return w.Contents[i].Offence
	}
	if i, ok := w.PaymentIndex(target); ok && w.Payments[i].Campaign != None {
		return w.Campaigns[w.Payments[i].Campaign].Offence
	}
	if i, ok := w.AssetIndex(target); ok {
		for _, c := range w.Campaigns {
			if c.C2 == i || c.TaskTarget == i {
				return c.Offence
			}
		}
		if c := w.Assets[i].Controller; c != None {
			return w.Campaigns[c].Offence
		}
	}
	return ""
}

// route decides the request's due tick (and whether it will ever be
// answered) from the channel, treaties and dual criminality. The decision
// of a human team comes later with an answer command.
func (w *World) route(r *Request) {
	rj := &w.Jurisdictions[w.Orgs[r.To].Jurisdiction]
	fromJ := w.Orgs[r.From].Jurisdiction
	toJ := w.Orgs[r.To].Jurisdiction
	var base int32
	switch r.Channel {
	case ChanDirect:
		base = w.Orgs[r.To].ResponseDelayTicks
	case ChanContactPoint:
		base = rj.ContactPointTicks
	case ChanMLA:
		base = rj.MLATicks
	case ChanPolice:
		base = rj.PoliceTicks
	case ChanCSIRT:
		base = w.Orgs[r.To].ResponseDelayTicks
	}
	if base <= 0 {
		base = 60
	}
	d := int64(base)
	for _, ag := range w.Agreements {
		if (ag.A == fromJ && ag.B == toJ) || (ag.A == toJ && ag.B == fromJ) {
			d = d * int64(ag.SpeedPermille) / 1000
		}
	}
	rng := &w.rng[streamLegal]
	d = d * int64(750+rng.below(501)) / 1000 // ±25%: offices are not clocks
	// Preservation needs no dual criminality (Budapest Convention art. 29(3)):
	// data are kept while the slower disclosure is decided.
	if fromJ != toJ && r.Kind != ReqPreserve && !w.IsCrime(toJ, r.Offence) {
		if rj.NoDualCriminality == "slow" {
			d *= 3
		} else {
			r.Reason = fmt.Sprintf("%q is not a crime in %s (no dual criminality)", r.Offence, rj.ID)
		}
	}
	if r.Channel == ChanMLA && rj.AnswerPermille > 0 && !rng.chance(rj.AnswerPermille) {
		r.Status = ReqUnanswered // never answered; the sender only sees silence
	}
	if d < 1 {
		d = 1
	}
	if d > 1<<30 {
		d = 1 << 30
	}
	r.Due = w.Tick + int32(d)
	if r.Channel != ChanContactPoint && r.Channel != ChanCSIRT {
		r.Due = w.nextOfficeHour(toJ, r.Due)
	}
}

// Office hours of the receiving jurisdiction (local time). Only the 24/7
// contact points and CSIRT duty desks answer at night.
const (
	OfficeOpenHour  = 8
	OfficeCloseHour = 18
)

// nextOfficeHour moves a tick that falls outside the receiver's office
// hours to the next opening, in the receiver's time zone.
func (w *World) nextOfficeHour(j int32, tick int32) int32 {
	ts := int64(w.Settings.TickSeconds)
	if ts <= 0 || ts >= 3600 {
		return tick // hour-long ticks or coarser: the day is not modelled
	}
	local := w.Settings.StartUnix + int64(tick)*ts + int64(w.Jurisdictions[j].UTCOffsetMinutes)*60
	secOfDay := ((local % 86400) + 86400) % 86400
	hour := secOfDay / 3600
	var wait int64
	switch {
	case hour < OfficeOpenHour:
		wait = OfficeOpenHour*3600 - secOfDay
	case hour >= OfficeCloseHour:
		wait = 86400 - secOfDay + OfficeOpenHour*3600
	default:
		return tick
	}
	n := int64(tick) + (wait+ts-1)/ts
	if n > 1<<30 {
		n = 1 << 30
	}
	return int32(n)
}

func requestByTarget(w *World, a *Action) (*Request, error) {
	n, err := w.ParseRequestID(a.Target)
	if err != nil {
		return nil, fmt.Errorf("target %w", err)
	}
	return &w.Requests[n-1], nil
}

func checkAnswer(w *World, a *Action) error {
	r, err := requestByTarget(w, a)
	if err != nil {
		return err
	}
	if r.To != a.Org {
		return errors.New("the request was not sent to you")
	}
	if r.Status != ReqPending && r.Status != ReqUnanswered {
		return fmt.Errorf("already %s", r.Status)
	}
	if d := a.arg("decision"); d != "accept" && d != "refuse" {
		return fmt.Errorf("decision=%q: want accept or refuse", d)
	}
	return nil
}

func applyAnswer(w *World, a *Action) {
	r, _ := requestByTarget(w, a)
	if a.arg("decision") == "refuse" {
		w.refuse(r, a.arg("reason"))
		return
	}
	r.Status = ReqAccepted
	r.Reason = ""
	if w.Tick >= r.Due {
		w.fulfil(r)
	}
}

// processRequests: requests whose process has run its course are decided
// by scripted receivers' policies and carried out when accepted.
func (w *World) processRequests() {
	for i := range w.Requests {
		r := &w.Requests[i]
		if w.Tick < r.Due {
			continue
		}
		switch r.Status {
		case ReqAccepted:
			w.fulfil(r)
		case ReqPending:
			to := &w.Orgs[r.To]
			if !to.Scripted || r.Held {
				continue // a human team answers with the answer verb, a held one with its Lua policy
			}
			switch {
			case r.Reason != "":
				w.refuse(r, r.Reason)
			case to.Policy == "refuse":
				w.refuse(r, "policy")
			case to.Policy == "slow" && w.Tick < r.Due+(r.Due-r.Sent):
				continue
			default:
				r.Status = ReqAccepted
				w.fulfil(r)
			}
		}
	}
}

func (w *World) refuse(r *Request, why string) {
	r.Status = ReqRefused
	r.Answer = w.Tick
	r.Reason = why
	w.Counters.RequestsRefused++
	w.Counters.RequestsAnswered++
	w.emit(Event{Kind: EvRequestAnswered, Org: w.orgID(r.To), Subject: RequestID(r.ID), Command: r.Command,
		Text: fmt.Sprintf("req-%d refused by %s: %s", r.ID, w.orgID(r.To), why), Visible: vis(r.From, r.To),
		Fields: append(w.requestFields(r), fields("status", r.Status.String(), "reason", why)...)})
}

// receiverMay says whether the receiver of a request could carry it out
// with its own verb: a request lends no authority the receiver lacks.
func (w *World) receiverMay(r *Request) error {
	a := &Action{Org: r.To, Target: r.Target}
	switch r.Kind {
	case ReqTakedown:
		a.Verb = "takedown"
		return checkTakedown(w, a)
	case ReqSinkhole:
		a.Verb = "sinkhole"
		return checkSinkhole(w, a)
	case ReqBlock:
		if _, ok := w.PaymentIndex(r.Target); ok {
			a.Verb = "freeze"
			return checkFreeze(w, a)
		}
		a.Verb = "deny"
		return checkDeny(w, a)
	case ReqAssist:
		a.Verb = "investigate"
		return checkInvestigate(w, a)
	}
	return nil
}

// fulfil carries out an accepted request.
func (w *World) fulfil(r *Request) {
	if err := w.receiverMay(r); err != nil {
		w.refuse(r, "cannot: "+err.Error())
		return
	}
	r.Status = ReqDone
	r.Answer = w.Tick
	w.Counters.RequestsAnswered++
	result := "done"
	switch r.Kind {
	case ReqPreserve:
		ei, _ := w.EvidenceIndex(r.Target)
		switch h := w.Evidence[ei].Holder; {
		case w.Evidence[ei].Lost:
			result = "nothing left to preserve: the evidence was already gone"
		case h != r.To:
			n := w.relayPreserve(r, h)
			r = &w.Requests[r.ID-1] // the relay appended to w.Requests
			result = fmt.Sprintf("relayed to %s as %s", w.orgID(h), RequestID(n))
		default:
			w.preserve(ei, r.To)
		}
	case ReqDisclose:
		ei, _ := w.EvidenceIndex(r.Target)
		if w.Evidence[ei].Lost {
			result = "nothing left to disclose: the evidence was already gone"
		} else {
			// A court accepts what came through the formal route: mutual legal
			// assistance across a border, a direct order at home. Anything
			// else is intelligence.
			cust := CustodyInformal
			sameJ := w.Orgs[r.From].Jurisdiction == w.Orgs[r.To].Jurisdiction
			if r.Channel == ChanMLA || (r.Channel == ChanDirect && sameJ) {
				cust = CustodyLawful
			}
			w.obtain(ei, r.From, cust)
		}
	case ReqTakedown:
		if ci, ok := w.ContentIndex(r.Target); ok {
			w.removeContent(ci, r.To)
		} else if ai, ok := w.AssetIndex(r.Target); ok {
			w.takeDown(ai, r.To)
		}
	case ReqSinkhole:
		ai, _ := w.AssetIndex(r.Target)
		w.sinkhole(ai, r.To)
	case ReqBlock:
		if pi, ok := w.PaymentIndex(r.Target); ok {
			w.freeze(pi, r.To)
		} else if ai, ok := w.AssetIndex(r.Target); ok {
			applyDeny(w, &Action{Org: r.To, Target: r.Target})
			_ = ai
		}
	case ReqAssist:
		applyInvestigate(w, &Action{Org: r.To, Target: r.Target})
		// The investigating team hands what it found to the requester.
		ai, _ := w.AssetIndex(r.Target)
		for ei := range w.Evidence {
			e := &w.Evidence[ei]
			if e.Asset == ai && !e.Lost {
				w.obtain(int32(ei), r.From, CustodyInformal)
			}
		}
		if c := w.Assets[ai].Controller; c != None {
			w.Orgs[r.From].Indicators = insertSorted(w.Orgs[r.From].Indicators, c)
			if w.Assets[ai].Owner != r.From {
				w.learn(r.From, FactCompromised, r.Target, c)
			}
			w.learnC2(r.From, c)
		}
	}
	w.emit(Event{Kind: EvRequestAnswered, Org: w.orgID(r.To), Subject: RequestID(r.ID), Command: r.Command,
		Text: fmt.Sprintf("req-%d (%s %s) answered by %s after %d ticks: %s", r.ID, r.Kind, r.Target, w.orgID(r.To), w.Tick-r.Sent, result), Visible: vis(r.From, r.To),
		Fields: append(w.requestFields(r), fields("status", r.Status.String(), "result", result)...)})
}

// ---- information sharing (TLP 2.0) ----

func checkShare(w *World, a *Action) error {
	if _, ok := ParseTLP(a.arg("tlp")); !ok {
		return fmt.Errorf("tlp=%q: want CLEAR, GREEN, AMBER, AMBER+STRICT or RED", a.arg("tlp"))
	}
	to := w.shareTargets(a)
	if len(to) == 0 {
		return errors.New("to=...: name at least one organisation (comma separated), or target one")
	}
	for _, t := range to {
		if t == None {
			return errors.New("to=...: an organisation there does not exist")
		}
	}
	if c := a.arg("campaign"); c != "" {
		ci, ok := w.CampaignIndex(c)
		if !ok {
			return fmt.Errorf("campaign=%q: no such campaign", c)
		}
		if a.arg("origin") == "" && !w.knows(a.Org, ci) {
			return fmt.Errorf("campaign=%q: you hold no indicators of it yet (investigate a compromised asset, or receive a report)", c)
		}
	}
	if o := a.arg("origin"); o != "" {
		n, err := w.ParseReportID(o)
		if err != nil {
			return fmt.Errorf("origin=%w", err)
		}
		if !w.received(a.Org, n) {
			return fmt.Errorf("origin=%q: you never received that report", o)
		}
	}
	return nil
}

// knows says whether an organisation can describe a campaign: it holds
// its indicators (it detected or investigated it, or received a report),
// or the campaign shows itself in public (published content, defaced pages).
func (w *World) knows(org, c int32) bool {
	if containsInt32(w.Orgs[org].Indicators, c) || w.Campaigns[c].Defaced > 0 {
		return true
	}
	for i := range w.Contents {
		if w.Contents[i].Campaign == c {
			return true
		}
	}
	return false
}

func (w *World) shareTargets(a *Action) []int32 {
	var out []int32
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		if i, ok := w.OrgIndex(s); ok {
			if !containsInt32(out, i) {
				out = append(out, i)
			}
		} else {
			out = append(out, None)
		}
	}
	add(a.Target)
	for _, s := range strings.Split(a.arg("to"), ",") {
		add(s)
	}
	return out
}

func (w *World) received(org, rep int32) bool {
	r := &w.Reports[rep-1]
	return r.Author == org || containsInt32(r.To, org)
}

// mayReshare applies TLP 2.0 to a re-share of an origin report by a recipient.
func (w *World) mayReshare(origin *Report, by, to int32) bool {
	if origin.Author == by {
		return true
	}
	switch origin.TLP {
	case TLPClear, TLPGreen:
		return true
	case TLPAmber:
		// Within the recipient's organisation and its clients.
		return containsInt32(w.Orgs[by].Clients, to)
	}
	return false // AMBER+STRICT and RED stay with their recipients
}

func applyShare(w *World, a *Action) {
	tlp, _ := ParseTLP(a.arg("tlp"))
	to := w.shareTargets(a)
	rep := Report{ID: int32(len(w.Reports) + 1), Author: a.Org, From: a.Org, TLP: tlp, Campaign: None, Origin: None, Title: a.arg("title"), Tick: w.Tick}
	if c, ok := w.CampaignIndex(a.arg("campaign")); ok {
		rep.Campaign = c
	}
	if o := a.arg("origin"); o != "" {
		n, _ := w.ParseReportID(o)
		orig := &w.Reports[n-1]
		rep.Origin, rep.Author, rep.Campaign = n, orig.Author, orig.Campaign
		if tlp < orig.TLP {
			rep.TLP = orig.TLP // a re-share cannot loosen the label
		}
		var ok []int32
		for _, t := range to {
			if w.mayReshare(orig, a.Org, t) {
				ok = append(ok, t)
				continue
			}
			w.Counters.ReshareRefused++
			w.emit(Event{Kind: EvReshareRefused, Org: w.orgID(a.Org), Subject: ReportID(n),
				Text: fmt.Sprintf("TLP:%s forbids %s to pass rep-%d to %s", orig.TLP, w.orgID(a.Org), n, w.orgID(t)), Visible: vis(a.Org),
				Fields: fields("report", ReportID(n), "tlp", orig.TLP.String(), "to", w.orgID(t))})
		}
		to = ok
	}
	if len(to) == 0 {
		return
	}
	sortInt32(to)
	rep.To = to
	w.Reports = append(w.Reports, rep)
	w.Counters.ReportsShared++
	// A report carries what its sender knows of the campaign (its
	// indicators, and the C2 servers it learned) and names what its title
	// names.
	var c2s []string
	if rep.Campaign != None {
		for _, f := range w.Orgs[a.Org].Facts {
			if f.Kind == FactC2 && f.Campaign == rep.Campaign {
				c2s = append(c2s, f.Subject)
			}
		}
	}
	for _, t := range to {
		if rep.Campaign != None {
			w.Orgs[t].Indicators = insertSorted(w.Orgs[t].Indicators, rep.Campaign)
			for _, c2 := range c2s {
				w.learn(t, FactC2, c2, rep.Campaign)
			}
		}
		w.learnNamed(t, rep.Title)
	}
	names := make([]string, len(to))
	for i, t := range to {
		names[i] = w.orgID(t)
	}
	w.emit(Event{Kind: EvReportShared, Org: w.orgID(a.Org), Subject: ReportID(rep.ID),
		Text: fmt.Sprintf("rep-%d TLP:%s %q from %s to %s", rep.ID, rep.TLP, rep.Title, w.orgID(a.Org), strings.Join(names, ", ")), Visible: vis(append([]int32{a.Org}, to...)...), Public: rep.TLP == TLPClear,
		Fields: fields("report", ReportID(rep.ID), "tlp", rep.TLP.String(), "campaign", campaignIDOr(w, rep.Campaign), "to", strings.Join(names, ","), "title", rep.Title)})
}

// requestFields is the payload every request event carries.
func (w *World) requestFields(r *Request) []Arg {
	return fields("request", RequestID(r.ID), "from", w.orgID(r.From), "to", w.orgID(r.To), "kind", r.Kind.String(),
		"target", r.Target, "channel", r.Channel.String(), "offence", r.Offence)
}

// RequestKindNames lists the request kinds.
func RequestKindNames() []string { return append([]string(nil), requestKindNames[:]...) }

// AnswerRequest records a scripted team's decision on request req-n sent to
// it. Like the answer verb of a human team, an acceptance is carried out
// when the legal process completes (the due tick); a refusal is immediate.
func (w *World) AnswerRequest(n int32, accept bool, reason string) error {
	if n < 1 || int(n) > len(w.Requests) {
		return fmt.Errorf("no request req-%d", n)
	}
	r := &w.Requests[n-1]
	if r.Status != ReqPending && r.Status != ReqUnanswered {
		return fmt.Errorf("req-%d is already %s", n, r.Status)
	}
	if !accept {
		if reason == "" {
			reason = "refused"
		}
		w.refuse(r, reason)
		return nil
	}
	r.Status = ReqAccepted
	r.Reason = ""
	if w.Tick >= r.Due {
		w.fulfil(r)
	}
	return nil
}

// HoldRequest marks request req-n, pending and sent to a scripted
// organisation, as one its Lua policy will answer (AnswerRequest) in its
// own time: the built-in policy then leaves it alone at the due tick.
func (w *World) HoldRequest(n int32) error {
	if n < 1 || int(n) > len(w.Requests) {
		return fmt.Errorf("no request req-%d", n)
	}
	r := &w.Requests[n-1]
	if r.Status != ReqPending {
		return fmt.Errorf("req-%d is already %s", n, r.Status)
	}
	r.Held = true
	return nil
}
