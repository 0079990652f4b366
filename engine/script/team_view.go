package script

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"cyberex/engine"
)

// Fog of war in the team API. Inside a team's handlers (team(org, ...),
// and the timers and playbooks they start) the query functions answer
// from that organisation's view, decided in Go by the engine (World.View
// and its one-item forms AssetAs, SegmentAs, EvidenceAs, RequestAs,
// PaymentAs, CampaignAs): its own assets as observed (a compromise it has
// not detected looks clean), the registration of others' (what WHOIS
// tells), the campaigns whose indicators it holds with the C2 servers it
// learned, the evidence, requests and payments it may see. Reading
// another organisation's internals there is an error that names the
// function; the story (the white cell) still sees everything.

// viewer is the organisation a query answers for: the team whose handler
// runs, or engine.None for the story.
func (d *Director) viewer(L *lua.LState) int32 { return d.teamFor(L) }

// hidden raises the error of a team's handler reading what its
// organisation cannot know.
func (d *Director) hidden(L *lua.LState, fn string, org int32, format string, args ...any) {
	L.RaiseError("%s: %s's handlers see what %s knows: %s", fn, d.w.Orgs[org].ID, d.w.Orgs[org].ID, fmt.Sprintf(format, args...))
}

// partial makes tb raise when one of the internal fields it lacks is
// read: "asset: police-a's handlers see what police-a knows: c2-server is
// hosting-b's, its taken_down is not". Other absent fields read nil.
func (d *Director) partial(L *lua.LState, tb *lua.LTable, fn string, org int32, what string, internal []string) {
	mt := L.CreateTable(0, 1)
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		if k, ok := L.Get(2).(lua.LString); ok {
			for _, f := range internal {
				if string(k) == f {
					d.hidden(L, fn, org, "%s, not its %s", what, f)
				}
			}
		}
		L.Push(lua.LNil)
		return 1
	}))
	L.SetMetatable(tb, mt)
}

// assetInternals are the fields of an asset only its owner observes.
var assetInternals = []string{"integrity", "availability", "capacity", "compromised", "controller", "since", "isolated",
	"backup", "destroyed", "sinkholed", "taken_down", "blocked", "detected", "hardened", "admin", "vulns", "services",
	"controls", "criticality"}

// viewAssetTable is an asset as org sees it.
func (d *Director) viewAssetTable(L *lua.LState, org, i int32) *lua.LTable {
	v, _ := d.w.AssetAs(org, i)
	tb := L.CreateTable(0, 24)
	tb.RawSetString("id", lua.LString(v.ID))
	tb.RawSetString("kind", lua.LString(v.Kind))
	tb.RawSetString("segment", lua.LString(v.Segment))
	tb.RawSetString("owner", lua.LString(v.Owner))
	tb.RawSetString("jurisdiction", lua.LString(v.Jurisdiction))
	tb.RawSetString("named", lua.LBool(d.isNamed(i)))
	tb.RawSetString("defaced", lua.LBool(v.Defaced))
	if v.Registered {
		tb.RawSetString("registered", lua.LTrue)
		d.partial(L, tb, "asset", org, fmt.Sprintf("%s is %s's", v.ID, v.Owner), assetInternals)
		return tb
	}
	tb.RawSetString("criticality", lua.LNumber(v.Criticality))
	tb.RawSetString("integrity", lua.LNumber(v.Integrity))
	tb.RawSetString("availability", lua.LNumber(v.Availability))
	tb.RawSetString("capacity", lua.LNumber(v.Capacity))
	tb.RawSetString("compromised", lua.LBool(v.Compromised))
	tb.RawSetString("detected", lua.LBool(v.Compromised))
	if v.Campaign != "" {
		tb.RawSetString("controller", lua.LString(v.Campaign))
	}
	if v.Compromised {
		tb.RawSetString("since", tickOrNil(v.Since))
	}
	for _, f := range []struct {
		name string
		on   bool
	}{{"isolated", v.Isolated}, {"backup", v.Backup}, {"destroyed", v.Destroyed}, {"sinkholed", v.Sinkholed},
		{"taken_down", v.TakenDown}, {"blocked", v.Blocked}, {"hardened", v.Hardened}, {"admin", false}} {
		tb.RawSetString(f.name, lua.LBool(f.on))
	}
	tb.RawSetString("vulns", stringList(L, v.Vulns))
	tb.RawSetString("services", stringList(L, v.Services))
	if v.Controls != "" {
		tb.RawSetString("controls", lua.LString(v.Controls))
	}
	return tb
}

// segmentInternals are the counts only the owner and ISP observe.
var segmentInternals = []string{"compromised", "detected", "defaced", "isolated", "alerts", "links", "posture"}

func (d *Director) viewSegmentTable(L *lua.LState, org, si int32) *lua.LTable {
	v, full := d.w.SegmentAs(org, si)
	d.s.charge(L, int64(v.Hosts)/assetsPerInstruction+8)
	tb := L.CreateTable(0, 11)
	tb.RawSetString("id", lua.LString(v.ID))
	tb.RawSetString("owner", lua.LString(v.Owner))
	tb.RawSetString("jurisdiction", lua.LString(v.Jurisdiction))
	if v.ISP != "" {
		tb.RawSetString("isp", lua.LString(v.ISP))
	}
	if v.Prefix != "" {
		tb.RawSetString("prefix", lua.LString(v.Prefix))
	}
	tb.RawSetString("hosts", lua.LNumber(v.Hosts))
	if !full {
		d.partial(L, tb, "segment", org, fmt.Sprintf("%s is %s's", v.ID, v.Owner), segmentInternals)
		return tb
	}
	tb.RawSetString("compromised", lua.LNumber(v.Detected)) // as observed: the hosts known to be compromised
	tb.RawSetString("detected", lua.LNumber(v.Detected))
	tb.RawSetString("isolated", lua.LNumber(v.Isolated))
	tb.RawSetString("alerts", stringList(L, v.Alerts))
	return tb
}

// orgInternals are an organisation's own state.
var orgInternals = []string{"staff", "busy", "queue", "sensor", "scripted", "policy", "response_delay", "indicators", "team", "learned"}

// viewOrgTable: the team's own organisation in full (with what it
// learned), another as the directory lists it.
func (d *Director) viewOrgTable(L *lua.LState, viewer, oi int32) *lua.LTable {
	if viewer == oi {
		tb := d.orgTable(L, oi)
		learned := L.CreateTable(len(d.w.Orgs[oi].Facts), 0)
		for _, f := range d.w.Orgs[oi].Facts {
			ft := L.CreateTable(0, 4)
			ft.RawSetString("kind", lua.LString(f.Kind))
			ft.RawSetString("subject", lua.LString(f.Subject))
			ft.RawSetString("campaign", d.campaignID(f.Campaign))
			ft.RawSetString("tick", lua.LNumber(f.Tick))
			learned.Append(ft)
		}
		tb.RawSetString("learned", learned)
		return tb
	}
	o := &d.w.Orgs[oi]
	tb := L.CreateTable(0, 5)
	tb.RawSetString("id", lua.LString(o.ID))
	tb.RawSetString("name", lua.LString(o.Name))
	tb.RawSetString("kind", lua.LString(o.Kind.String()))
	tb.RawSetString("jurisdiction", lua.LString(d.w.Jurisdictions[o.Jurisdiction].ID))
	clients := L.CreateTable(len(o.Clients), 0)
	for _, c := range o.Clients {
		clients.Append(d.orgID(c))
	}
	tb.RawSetString("clients", clients) // whom it passes TLP:AMBER to: the sharing rules are public
	d.partial(L, tb, "org", viewer, o.ID+" is another organisation", orgInternals)
	return tb
}

// evidenceInternals are what only a holder (or a copy) tells.
var evidenceInternals = []string{"offence", "weight", "created", "expires", "preserved", "lost", "lost_tick", "copies"}

// viewEvidenceTable is evidence item ei as org sees it, or nil.
func (d *Director) viewEvidenceTable(L *lua.LState, org, ei int32) lua.LValue {
	v, ok := d.w.EvidenceAs(org, ei)
	if !ok {
		return lua.LNil
	}
	tb := L.CreateTable(0, 14)
	tb.RawSetString("id", lua.LString(v.ID))
	tb.RawSetString("kind", lua.LString(v.Kind))
	tb.RawSetString("holder", lua.LString(v.Holder))
	tb.RawSetString("custody", lua.LString(v.Custody))
	if v.Asset != "" {
		tb.RawSetString("asset", lua.LString(v.Asset))
	}
	if v.Campaign != "" {
		tb.RawSetString("campaign", lua.LString(v.Campaign))
	}
	if v.Custody == engine.CustodyKnown {
		d.partial(L, tb, "evidence", org, fmt.Sprintf("%s is held by %s", v.ID, v.Holder), evidenceInternals)
		return tb
	}
	e := &d.w.Evidence[ei]
	tb.RawSetString("offence", lua.LString(v.Offence))
	tb.RawSetString("weight", lua.LNumber(v.Weight))
	tb.RawSetString("created", lua.LNumber(v.Created))
	tb.RawSetString("expires", lua.LNumber(v.Expires))
	tb.RawSetString("preserved", lua.LBool(v.Preserved))
	tb.RawSetString("lost", lua.LBool(v.Lost))
	if v.Lost {
		tb.RawSetString("lost_tick", lua.LNumber(e.LostTick))
	}
	copies := L.CreateTable(len(v.Copies), 0)
	for _, c := range v.Copies {
		ct := L.CreateTable(0, 3)
		ct.RawSetString("org", lua.LString(c.Org))
		ct.RawSetString("custody", lua.LString(c.Custody))
		ct.RawSetString("tick", lua.LNumber(c.Tick))
		copies.Append(ct)
	}
	tb.RawSetString("copies", copies)
	return tb
}

// campaignInternals are what only the crew (and the white cell) knows.
var campaignInternals = []string{"active", "actor", "bot_power", "bots", "bots_ever", "contacts", "current_task",
	"deface_per_tick", "disrupted", "evidence_retention", "exfiltrated", "fixed_power", "spam", "started", "stopped",
	"targets", "task_target", "technique"}

// viewCampaignTable is campaign ci as org knows it: its indicators
// (id, kind, offence), how many pages show it (public), and the C2
// servers it learned (c2: the latest; c2s: all, in the order learned).
func (d *Director) viewCampaignTable(L *lua.LState, org, ci int32, fn string) *lua.LTable {
	kc, ok := d.w.CampaignAs(org, ci)
	if !ok {
		d.hidden(L, fn, org, "it holds no indicators of campaign %q (it learns a campaign by detecting or investigating it, or from a report)", d.w.Campaigns[ci].ID)
	}
	tb := L.CreateTable(0, 6)
	tb.RawSetString("id", lua.LString(kc.ID))
	tb.RawSetString("kind", lua.LString(kc.Kind))
	tb.RawSetString("offence", lua.LString(kc.Offence))
	tb.RawSetString("defaced", lua.LNumber(kc.Defaced))
	tb.RawSetString("c2s", stringList(L, kc.C2s))
	if n := len(kc.C2s); n > 0 {
		tb.RawSetString("c2", lua.LString(kc.C2s[n-1]))
	}
	d.partial(L, tb, fn, org, "what its indicators tell of "+kc.ID, campaignInternals)
	return tb
}

// storyOnly raises for a query the white cell alone may make.
func (d *Director) storyOnly(L *lua.LState, fn, why string) {
	if org := d.viewer(L); org != engine.None {
		d.hidden(L, fn, org, "%s", why)
	}
}
