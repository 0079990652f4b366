package engine

import "slices"

// One item as one organisation sees it: what the Lua team API answers
// with inside a team's handlers (a whole View per query would cost the
// organisation's every asset). Each follows the rules of the View's
// section; org None is the controller (true state).

// AssetAs is asset i as org sees it: observed in full when it owns it,
// else its public registration (Registered: id, kind, owner, segment,
// jurisdiction, and a defaced page). Known says whether org owns it or
// learned of it (a fact names it).
func (w *World) AssetAs(org, i int32) (v AssetView, known bool) {
	if org == None || w.Assets[i].Owner == org {
		o := w.observe(org, i, false)
		return w.assetView(&o), true
	}
	o := w.observe(org, i, true)
	return w.assetView(&o), w.KnowsAboutAsset(org, i)
}

// KnowsAboutAsset: org owns asset i or learned of it.
func (w *World) KnowsAboutAsset(org, i int32) bool {
	if org == None || w.Assets[i].Owner == org {
		return true
	}
	id := w.AssetID(i)
	for _, f := range w.Orgs[org].Facts {
		if f.Subject == id {
			return true
		}
	}
	return false
}

// SegmentAs is segment si as org sees it, and whether org owns or serves
// it (otherwise only its registration is meant to be read: id, owner, ISP,
// jurisdiction, prefix and size).
func (w *World) SegmentAs(org, si int32) (SegmentView, bool) {
	s := &w.Segments[si]
	if org == None || s.Owner == org || s.ISP == org {
		return w.viewSegments(org, nil, si)[0], true
	}
	return SegmentView{SegmentCore: SegmentCore{N: si, ID: s.ID, Owner: w.orgID(s.Owner), ISP: w.orgID(s.ISP),
		Jurisdiction: w.Jurisdictions[s.Jurisdiction].ID, Prefix: s.Prefix, Hosts: s.Count}}, false
}

// RequestAs is request n (req-n) as org sees it, and whether it sees it:
// it sent or received it, or a peer of its case file sent it.
func (w *World) RequestAs(org, n int32) (RequestView, bool) {
	if n < 1 || int(n) > len(w.Requests) {
		return RequestView{}, false
	}
	r := &w.Requests[n-1]
	if org != None && r.From != org && r.To != org && !slices.Contains(w.caseFilePeers(org), r.From) {
		return RequestView{}, false
	}
	return w.requestView(r, org == None), true
}

// PaymentAs is payment p as org sees it, and whether it sees it: it
// services it or holds the record of its account.
func (w *World) PaymentAs(org, p int32) (PaymentView, bool) {
	pay := &w.Payments[p]
	if org != None && pay.Service != org && !w.holdsRecordOf(org, p) && !w.KnowsFact(org, FactNamed, pay.ID) {
		return PaymentView{}, false // a payment a report or a message named (a suspicious transaction report) shows
	}
	pv := PaymentView{N: p, ID: pay.ID, Service: w.orgID(pay.Service), Amount: pay.Amount, Tick: pay.Tick, Traced: pay.Traced, Frozen: pay.Frozen}
	if pay.Campaign != None && (org == None || containsSorted(w.Orgs[org].Indicators, pay.Campaign)) {
		pv.Campaign = w.Campaigns[pay.Campaign].ID
	}
	return pv, true
}

// KnownCampaign is what org knows of campaign c, and whether it knows it
// at all: it holds its indicators, runs it, or the campaign shows itself
// in public (defaced pages name it, published material carries it). C2s
// are the command-and-control servers it learned of, in the order learned.
type KnownCampaign struct {
	ID      string
	Kind    string
	Offence string
	Defaced int64 // public: pages showing it
	C2s     []string
}

// CampaignAs is campaign c as org knows it.
func (w *World) CampaignAs(org, c int32) (KnownCampaign, bool) {
	cp := &w.Campaigns[c]
	kc := KnownCampaign{ID: cp.ID, Kind: cp.Kind.String(), Offence: cp.Offence, Defaced: cp.Defaced}
	if org == None || cp.Actor == org {
		if cp.C2 != None {
			kc.C2s = []string{w.AssetID(cp.C2)}
		}
		return kc, true
	}
	if !w.knows(org, c) && !w.KnowsFact(org, FactNamed, cp.ID) {
		return KnownCampaign{}, false // a campaign named to it: its name, kind and offence
	}
	for _, f := range w.Orgs[org].Facts {
		if f.Kind == FactC2 && f.Campaign == c {
			kc.C2s = append(kc.C2s, f.Subject)
		}
	}
	return kc, true
}

// ObservedCompromised: org owns asset i and knows it is compromised (it
// detected it); what a team's filters see.
func (w *World) ObservedCompromised(org, i int32) bool {
	return w.observe(org, i, w.Assets[i].Owner != org && org != None).controller != None
}

// ObservedController is the campaign org knows holds its asset i, or None.
func (w *World) ObservedController(org, i int32) int32 {
	o := w.observe(org, i, w.Assets[i].Owner != org && org != None)
	if !o.knownCamp {
		return None
	}
	return o.controller
}

// SeesInfra: org operates infrastructure fi or depends on it (the
// infrastructure section of its view).
func (w *World) SeesInfra(org, fi int32) bool {
	for _, f := range w.viewInfras(org, nil) {
		if f.N == fi {
			return true
		}
	}
	return false
}
