package script

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"cyberex/engine"
)

// World queries. Each returns a fresh table (changing it changes nothing)
// built from the state now. Things fixed by the scenario (organisations,
// jurisdictions, segments, assets, infrastructure, campaigns, objectives)
// raise an error for an unknown id, naming the closest one; things that
// appear during a run (evidence, requests, content, payments) give nil.
// Lists come in the world's order and are bounded (AssetsLimitDefault).

// Bounds of list queries.
const (
	// AssetsLimitDefault is how many assets assets{} returns at most
	// unless its limit says otherwise; generated hosts can be millions.
	AssetsLimitDefault = 1000
	// ListLimitMax bounds the limit of any list query.
	ListLimitMax = 100_000
	// assetsPerInstruction: a query that walks assets in Go charges the
	// instruction budget one instruction per this many assets.
	assetsPerInstruction = 16
)

func (d *Director) worldFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"asset":         d.luaAsset,
		"assets":        d.luaAssets,
		"segment":       d.luaSegment,
		"segments":      d.luaSegments,
		"org":           d.luaOrg,
		"orgs":          d.luaOrgs,
		"jurisdiction":  d.luaJurisdiction,
		"evidence":      d.luaEvidence,
		"evidence_list": d.luaEvidenceList,
		"request":       d.luaRequest,
		"requests":      d.luaRequests,
		"infra":         d.luaInfra,
		"content":       d.luaContent,
		"payment":       d.luaPayment,
		"payments":      d.luaPayments,
		"metric":        d.luaMetric,
		"objective":     d.luaObjective,
	}
}

// ---- ids ----

func (d *Director) orgIDs() []string {
	out := make([]string, len(d.w.Orgs))
	for i := range d.w.Orgs {
		out[i] = d.w.Orgs[i].ID
	}
	return out
}

// orgIndex resolves an organisation id or raises.
func (d *Director) orgIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.OrgIndex(id)
	if !ok {
		L.RaiseError("%s: no organisation %q%s", what, id, suggestion(id, d.orgIDs()))
	}
	return i
}

// orgArg reads argument n as an organisation id.
func (d *Director) orgArg(L *lua.LState, n int, what string) int32 {
	return d.orgIndex(L, checkString(L, n, what), what)
}

// orgList reads "all" (every organisation but adversaries), one id, or a
// list of ids; sorted, without repeats.
func (d *Director) orgList(L *lua.LState, v lua.LValue, what string) []int32 {
	var out []int32
	switch v := v.(type) {
	case lua.LString:
		if v == "all" {
			for i := range d.w.Orgs {
				if d.w.Orgs[i].Kind != engine.OrgAdversary {
					out = append(out, int32(i))
				}
			}
			return out
		}
		return []int32{d.orgIndex(L, string(v), what)}
	case *lua.LTable:
		n := v.Len()
		for k := 1; k <= n; k++ {
			s, ok := v.RawGetInt(k).(lua.LString)
			if !ok {
				L.RaiseError("%s: want organisation ids, got %s", what, describeValue(v.RawGetInt(k)))
			}
			out = insertOrg(out, d.orgIndex(L, string(s), what))
		}
		return out
	}
	L.RaiseError("%s: want \"all\", an organisation id or a list of them, got %s", what, describeValue(v))
	return nil
}

func insertOrg(s []int32, v int32) []int32 {
	i := 0
	for i < len(s) && s[i] < v {
		i++
	}
	if i < len(s) && s[i] == v {
		return s
	}
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// idsOf lists the ids of a table of the world, for "did you mean".
func idsOf[T any](xs []T, id func(*T) string) []string {
	out := make([]string, len(xs))
	for i := range xs {
		out[i] = id(&xs[i])
	}
	return out
}

func (d *Director) namedAssetIDs() []string {
	return idsOf(d.w.AssetNames, func(n *engine.NamedAsset) string { return n.ID })
}

func (d *Director) assetIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.AssetIndex(id)
	if !ok {
		if c := d.w.CanonicalAssetID(id); c != "" {
			L.RaiseError("%s: no asset %q: ids are written without sign or leading zeros (did you mean %q?)", what, id, c)
		}
		L.RaiseError("%s: no asset %q%s", what, id, suggestion(id, d.namedAssetIDs()))
	}
	return i
}

func (d *Director) segmentIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.SegmentIndex(id)
	if !ok {
		var ids []string
		if len(d.w.Segments) <= 10_000 {
			for _, s := range d.w.Segments {
				ids = append(ids, s.ID)
			}
		}
		L.RaiseError("%s: no segment %q%s", what, id, suggestion(id, ids))
	}
	return i
}

func (d *Director) jurIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.JurisdictionIndex(id)
	if !ok {
		L.RaiseError("%s: no jurisdiction %q%s", what, id, suggestion(id, idsOf(d.w.Jurisdictions, func(x *engine.Jurisdiction) string { return x.ID })))
	}
	return i
}

func (d *Director) campaignIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.CampaignIndex(id)
	if !ok {
		L.RaiseError("%s: no campaign %q%s", what, id, suggestion(id, idsOf(d.w.Campaigns, func(x *engine.Campaign) string { return x.ID })))
	}
	return i
}

func (d *Director) infraIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.InfraIndex(id)
	if !ok {
		L.RaiseError("%s: no infrastructure %q%s", what, id, suggestion(id, idsOf(d.w.Infras, func(x *engine.Infra) string { return x.ID })))
	}
	return i
}

func (d *Director) objectiveIndex(L *lua.LState, id, what string) int32 {
	i, ok := d.w.ObjectiveIndex(id)
	if !ok {
		L.RaiseError("%s: no objective %q%s", what, id, suggestion(id, idsOf(d.w.Objectives, func(x *engine.Objective) string { return x.ID })))
	}
	return i
}

func (d *Director) orgID(i int32) lua.LValue {
	if i < 0 || int(i) >= len(d.w.Orgs) {
		return lua.LNil
	}
	return lua.LString(d.w.Orgs[i].ID)
}

func (d *Director) campaignID(i int32) lua.LValue {
	if i < 0 || int(i) >= len(d.w.Campaigns) {
		return lua.LNil
	}
	return lua.LString(d.w.Campaigns[i].ID)
}

func (d *Director) assetID(i int32) lua.LValue {
	if i < 0 || int(i) >= len(d.w.Assets) {
		return lua.LNil
	}
	return lua.LString(d.w.AssetID(i))
}

func tickOrNil(t int32) lua.LValue {
	if t == engine.None {
		return lua.LNil
	}
	return lua.LNumber(t)
}

func stringList(L *lua.LState, ss []string) *lua.LTable {
	tb := L.CreateTable(len(ss), 0)
	for _, s := range ss {
		tb.Append(lua.LString(s))
	}
	return tb
}

// optTable reads argument n as an options table (absent: empty).
func optTable(L *lua.LState, n int, what string) *lua.LTable {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return L.CreateTable(0, 0)
	case *lua.LTable:
		return v
	default:
		L.RaiseError("%s: want a table of options, got %s", what, describeValue(v))
	}
	return nil
}

// ---- assets ----

func (d *Director) assetTable(L *lua.LState, i int32) *lua.LTable {
	w := d.w
	a := &w.Assets[i]
	seg := &w.Segments[a.Segment]
	tb := L.CreateTable(0, 24)
	tb.RawSetString("id", lua.LString(w.AssetID(i)))
	tb.RawSetString("kind", lua.LString(a.Kind.String()))
	tb.RawSetString("segment", lua.LString(seg.ID))
	tb.RawSetString("owner", d.orgID(a.Owner))
	tb.RawSetString("jurisdiction", lua.LString(w.Jurisdictions[seg.Jurisdiction].ID))
	tb.RawSetString("criticality", lua.LNumber(a.Criticality))
	tb.RawSetString("integrity", lua.LNumber(a.Integrity))
	tb.RawSetString("availability", lua.LNumber(a.Availability))
	tb.RawSetString("capacity", lua.LNumber(a.Capacity))
	tb.RawSetString("compromised", lua.LBool(a.Controller != engine.None))
	tb.RawSetString("controller", d.campaignID(a.Controller))
	if a.Controller != engine.None {
		tb.RawSetString("since", tickOrNil(a.Since))
	}
	flags := []struct {
		name string
		bit  uint16
	}{
		{"isolated", engine.FlagIsolated}, {"backup", engine.FlagBackup}, {"defaced", engine.FlagDefaced},
		{"destroyed", engine.FlagDestroyed}, {"sinkholed", engine.FlagSinkholed}, {"taken_down", engine.FlagTakenDown},
		{"blocked", engine.FlagBlocked}, {"detected", engine.FlagDetected}, {"hardened", engine.FlagHardened},
		{"admin", engine.FlagAdmin},
	}
	for _, f := range flags {
		tb.RawSetString(f.name, lua.LBool(a.Flags&f.bit != 0))
	}
	vulns := L.CreateTable(0, 0)
	for k, v := range w.Vulns {
		if a.Vulns&(1<<uint(k)) != 0 {
			vulns.Append(lua.LString(v.ID))
		}
	}
	tb.RawSetString("vulns", vulns)
	svcs := L.CreateTable(0, 0)
	for k, s := range w.Services {
		if a.Services&(1<<uint(k)) != 0 {
			svcs.Append(lua.LString(s))
		}
	}
	tb.RawSetString("services", svcs)
	if a.Infra != engine.None {
		tb.RawSetString("controls", lua.LString(w.Infras[a.Infra].ID))
	}
	tb.RawSetString("named", lua.LBool(d.isNamed(i)))
	return tb
}

// isNamed says whether an asset has a planner's id (binary search).
func (d *Director) isNamed(i int32) bool {
	ns := d.w.AssetNames
	lo, hi := 0, len(ns)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ns[m].Index < i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(ns) && ns[lo].Index == i
}

func (d *Director) luaAsset(L *lua.LState) int {
	i := d.assetIndex(L, checkString(L, 1, "asset"), "asset")
	d.s.charge(L, 8)
	if org := d.viewer(L); org != engine.None {
		L.Push(d.viewAssetTable(L, org, i))
		return 1
	}
	L.Push(d.assetTable(L, i))
	return 1
}

// luaAssets lists assets matching a filter: {kind, segment, owner,
// jurisdiction, compromised, controller, named_only (default true), limit
// (default AssetsLimitDefault)}.
func (d *Director) luaAssets(L *lua.LState) int {
	const where = "assets"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "compromised", "controller", "defaced", "jurisdiction", "kind", "limit", "named_only", "owner", "segment")
	w := d.w
	kind := int(-1)
	if k := fieldString(L, f, "kind", where, ""); k != "" {
		ak, ok := engine.ParseAssetKind(k)
		if !ok {
			L.RaiseError("assets: kind %q%s", k, suggestion(k, engine.AssetKindNames()))
		}
		kind = int(ak)
	}
	seg, owner, jur, ctl := engine.None, engine.None, engine.None, engine.None
	if s := fieldString(L, f, "segment", where, ""); s != "" {
		seg = d.segmentIndex(L, s, where)
	}
	if s := fieldString(L, f, "owner", where, ""); s != "" {
		owner = d.orgIndex(L, s, where)
	}
	if s := fieldString(L, f, "jurisdiction", where, ""); s != "" {
		jur = d.jurIndex(L, s, where)
	}
	if s := fieldString(L, f, "controller", where, ""); s != "" {
		ctl = d.campaignIndex(L, s, where)
	}
	comp := f.RawGetString("compromised")
	wantComp := fieldBool(L, f, "compromised", where, false)
	def := f.RawGetString("defaced")
	wantDef := fieldBool(L, f, "defaced", where, false)
	namedOnly := fieldBool(L, f, "named_only", where, true)
	limit := fieldWhole(L, f, "limit", where, 1, ListLimitMax, AssetsLimitDefault)
	viewer := d.viewer(L)
	if viewer != engine.None {
		// A team lists its own assets, as it observes them.
		if owner != engine.None && owner != viewer {
			d.hidden(L, where, viewer, "owner = %q: it lists its own assets only (asset(id) tells another's registration)", w.Orgs[owner].ID)
		}
		if ctl != engine.None {
			if _, ok := w.CampaignAs(viewer, ctl); !ok {
				d.hidden(L, where, viewer, "controller = %q: it holds no indicators of that campaign", w.Campaigns[ctl].ID)
			}
		}
		owner = viewer
	}
	table := func(i int32) *lua.LTable {
		if viewer != engine.None {
			return d.viewAssetTable(L, viewer, i)
		}
		return d.assetTable(L, i)
	}

	match := func(i int32) bool {
		a := &w.Assets[i]
		controller := a.Controller
		if viewer != engine.None {
			controller = w.ObservedController(viewer, i)
		}
		switch {
		case kind >= 0 && int(a.Kind) != kind,
			seg != engine.None && a.Segment != seg,
			owner != engine.None && a.Owner != owner,
			jur != engine.None && w.Segments[a.Segment].Jurisdiction != jur,
			ctl != engine.None && controller != ctl,
			comp != lua.LNil && (viewer == engine.None && a.Controller != engine.None || viewer != engine.None && w.ObservedCompromised(viewer, i)) != wantComp,
			def != lua.LNil && (a.Flags&engine.FlagDefaced != 0) != wantDef:
			return false
		}
		return true
	}
	out := L.CreateTable(0, 0)
	n := int64(0)
	if namedOnly {
		d.s.charge(L, int64(len(w.AssetNames))/assetsPerInstruction+1)
		for _, na := range w.AssetNames {
			if n >= limit {
				break
			}
			if match(na.Index) {
				d.s.charge(L, 8)
				out.Append(table(na.Index))
				n++
			}
		}
	} else {
		lo, hi := int32(0), int32(len(w.Assets))
		if seg != engine.None {
			lo, hi = w.Segments[seg].First, w.Segments[seg].First+w.Segments[seg].Count
		}
		scanned := int64(0)
		for i := lo; i < hi && n < limit; i++ {
			scanned++
			if match(i) {
				d.s.charge(L, 8)
				out.Append(table(i))
				n++
			}
		}
		d.s.charge(L, scanned/assetsPerInstruction+1)
	}
	L.Push(out)
	return 1
}

// ---- segments ----

func (d *Director) segmentTable(L *lua.LState, si int32) *lua.LTable {
	w := d.w
	s := &w.Segments[si]
	var comp, defaced, isolated int64
	for i := s.First; i < s.First+s.Count; i++ {
		a := &w.Assets[i]
		if a.Controller != engine.None {
			comp++
		}
		if a.Flags&engine.FlagDefaced != 0 {
			defaced++
		}
		if a.Flags&engine.FlagIsolated != 0 {
			isolated++
		}
	}
	d.s.charge(L, int64(s.Count)/assetsPerInstruction+8)
	tb := L.CreateTable(0, 11)
	tb.RawSetString("id", lua.LString(s.ID))
	tb.RawSetString("owner", d.orgID(s.Owner))
	tb.RawSetString("jurisdiction", lua.LString(w.Jurisdictions[s.Jurisdiction].ID))
	tb.RawSetString("isp", d.orgID(s.ISP))
	tb.RawSetString("posture", lua.LNumber(s.PosturePermille))
	if s.Prefix != "" {
		tb.RawSetString("prefix", lua.LString(s.Prefix))
	}
	tb.RawSetString("hosts", lua.LNumber(s.Count))
	tb.RawSetString("compromised", lua.LNumber(comp))
	tb.RawSetString("defaced", lua.LNumber(defaced))
	tb.RawSetString("isolated", lua.LNumber(isolated))
	links := L.CreateTable(0, 0)
	for _, l := range w.Links {
		other := engine.None
		switch si {
		case l.A:
			other = l.B
		case l.B:
			other = l.A
		}
		if other != engine.None {
			lt := L.CreateTable(0, 2)
			lt.RawSetString("segment", lua.LString(w.Segments[other].ID))
			lt.RawSetString("weight", lua.LNumber(l.WeightPermille))
			links.Append(lt)
		}
	}
	d.s.charge(L, int64(len(w.Links))/assetsPerInstruction)
	tb.RawSetString("links", links)
	return tb
}

func (d *Director) luaSegment(L *lua.LState) int {
	si := d.segmentIndex(L, checkString(L, 1, "segment"), "segment")
	if org := d.viewer(L); org != engine.None {
		L.Push(d.viewSegmentTable(L, org, si))
		return 1
	}
	L.Push(d.segmentTable(L, si))
	return 1
}

// luaSegments lists segments: {owner, jurisdiction, isp, limit}.
func (d *Director) luaSegments(L *lua.LState) int {
	const where = "segments"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "isp", "jurisdiction", "limit", "owner")
	owner, jur, isp := engine.None, engine.None, engine.None
	if s := fieldString(L, f, "owner", where, ""); s != "" {
		owner = d.orgIndex(L, s, where)
	}
	if s := fieldString(L, f, "jurisdiction", where, ""); s != "" {
		jur = d.jurIndex(L, s, where)
	}
	if s := fieldString(L, f, "isp", where, ""); s != "" {
		isp = d.orgIndex(L, s, where)
	}
	limit := fieldWhole(L, f, "limit", where, 1, ListLimitMax, AssetsLimitDefault)
	out := L.CreateTable(0, 0)
	n := int64(0)
	for si := range d.w.Segments {
		s := &d.w.Segments[si]
		if n >= limit {
			break
		}
		d.s.charge(L, 1)
		if (owner != engine.None && s.Owner != owner) || (jur != engine.None && s.Jurisdiction != jur) || (isp != engine.None && s.ISP != isp) {
			continue
		}
		if viewer := d.viewer(L); viewer != engine.None {
			out.Append(d.viewSegmentTable(L, viewer, int32(si)))
		} else {
			out.Append(d.segmentTable(L, int32(si)))
		}
		n++
	}
	L.Push(out)
	return 1
}

// ---- organisations and jurisdictions ----

func (d *Director) orgTable(L *lua.LState, oi int32) *lua.LTable {
	w := d.w
	o := &w.Orgs[oi]
	tb := L.CreateTable(0, 16)
	tb.RawSetString("id", lua.LString(o.ID))
	tb.RawSetString("name", lua.LString(o.Name))
	tb.RawSetString("kind", lua.LString(o.Kind.String()))
	tb.RawSetString("jurisdiction", lua.LString(w.Jurisdictions[o.Jurisdiction].ID))
	tb.RawSetString("staff", lua.LNumber(o.Staff))
	tb.RawSetString("busy", lua.LNumber(o.StaffBusy))
	tb.RawSetString("queue", lua.LNumber(w.QueueLength(oi)))
	tb.RawSetString("sensor", lua.LNumber(o.SensorPermille))
	tb.RawSetString("scripted", lua.LBool(o.Scripted))
	tb.RawSetString("policy", lua.LString(o.Policy))
	tb.RawSetString("response_delay", lua.LNumber(o.ResponseDelayTicks))
	clients := L.CreateTable(len(o.Clients), 0)
	for _, c := range o.Clients {
		clients.Append(d.orgID(c))
	}
	tb.RawSetString("clients", clients)
	ind := L.CreateTable(len(o.Indicators), 0)
	for _, c := range o.Indicators {
		ind.Append(d.campaignID(c))
	}
	tb.RawSetString("indicators", ind)
	_, has := d.teamOf[oi]
	tb.RawSetString("team", lua.LBool(has))
	return tb
}

func (d *Director) luaOrg(L *lua.LState) int {
	d.s.charge(L, 8)
	oi := d.orgArg(L, 1, "org")
	if viewer := d.viewer(L); viewer != engine.None {
		L.Push(d.viewOrgTable(L, viewer, oi))
		return 1
	}
	L.Push(d.orgTable(L, oi))
	return 1
}

// luaOrgs lists organisations: {kind, jurisdiction, scripted}.
func (d *Director) luaOrgs(L *lua.LState) int {
	const where = "orgs"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "jurisdiction", "kind", "scripted")
	kind := -1
	if k := fieldString(L, f, "kind", where, ""); k != "" {
		ok, valid := engine.ParseOrgKind(k)
		if !valid {
			L.RaiseError("orgs: kind %q%s", k, suggestion(k, engine.OrgKindNames()))
		}
		kind = int(ok)
	}
	jur := engine.None
	if s := fieldString(L, f, "jurisdiction", where, ""); s != "" {
		jur = d.jurIndex(L, s, where)
	}
	sv := f.RawGetString("scripted")
	wantScripted := fieldBool(L, f, "scripted", where, false)
	viewer := d.viewer(L)
	if viewer != engine.None && sv != lua.LNil {
		d.hidden(L, where, viewer, "scripted = ...: who plays another organisation is not something it knows")
	}
	out := L.CreateTable(0, 0)
	for oi := range d.w.Orgs {
		o := &d.w.Orgs[oi]
		if (kind >= 0 && int(o.Kind) != kind) || (jur != engine.None && o.Jurisdiction != jur) || (sv != lua.LNil && o.Scripted != wantScripted) {
			continue
		}
		d.s.charge(L, 8)
		if viewer != engine.None {
			out.Append(d.viewOrgTable(L, viewer, int32(oi)))
		} else {
			out.Append(d.orgTable(L, int32(oi)))
		}
	}
	L.Push(out)
	return 1
}

func (d *Director) luaJurisdiction(L *lua.LState) int {
	ji := d.jurIndex(L, checkString(L, 1, "jurisdiction"), "jurisdiction")
	j := &d.w.Jurisdictions[ji]
	d.s.charge(L, 8)
	tb := L.CreateTable(0, 11)
	tb.RawSetString("id", lua.LString(j.ID))
	tb.RawSetString("name", lua.LString(j.Name))
	tb.RawSetString("crimes", stringList(L, j.Crimes))
	tb.RawSetString("utc_offset", lua.LNumber(j.UTCOffsetMinutes))
	if j.HasContactPoint() {
		tb.RawSetString("contact_point", lua.LNumber(j.ContactPointTicks))
	} else {
		tb.RawSetString("contact_point", lua.LFalse) // contact_point: none
	}
	tb.RawSetString("mla", lua.LNumber(j.MLATicks))
	tb.RawSetString("police", lua.LNumber(j.PoliceTicks))
	tb.RawSetString("no_dual_criminality", lua.LString(j.NoDualCriminality))
	tb.RawSetString("answer_rate", lua.LNumber(j.AnswerPermille))
	L.SetMetatable(tb, d.jurMeta)
	L.Push(tb)
	return 1
}

func (d *Director) jurisdictionMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		// j:is_crime(offence)
		"is_crime": func(L *lua.LState) int {
			tb := L.CheckTable(1)
			id, _ := tb.RawGetString("id").(lua.LString)
			ji := d.jurIndex(L, string(id), "is_crime")
			L.Push(lua.LBool(d.w.IsCrime(ji, checkString(L, 2, "is_crime: the offence"))))
			return 1
		},
	}
}

// ---- evidence ----

var custodyNames = map[engine.Custody]string{engine.CustodyNone: "none", engine.CustodyInformal: "informal", engine.CustodyLawful: "lawful"}

func (d *Director) evidenceTable(L *lua.LState, ei int32) *lua.LTable {
	e := &d.w.Evidence[ei]
	tb := L.CreateTable(0, 14)
	tb.RawSetString("id", lua.LString(e.ID))
	tb.RawSetString("kind", lua.LString(e.Kind))
	tb.RawSetString("holder", d.orgID(e.Holder))
	tb.RawSetString("asset", d.assetID(e.Asset))
	tb.RawSetString("campaign", d.campaignID(e.Campaign))
	tb.RawSetString("offence", lua.LString(e.Offence))
	tb.RawSetString("weight", lua.LNumber(e.Weight))
	tb.RawSetString("created", lua.LNumber(e.Created))
	tb.RawSetString("expires", lua.LNumber(int64(e.Created)+int64(e.RetainTicks)))
	tb.RawSetString("preserved", lua.LBool(e.Preserved))
	tb.RawSetString("lost", lua.LBool(e.Lost))
	tb.RawSetString("lost_tick", tickOrNil(e.LostTick))
	copies := L.CreateTable(len(e.ObtainedBy), 0)
	for k, o := range e.ObtainedBy {
		c := L.CreateTable(0, 3)
		c.RawSetString("org", d.orgID(o))
		c.RawSetString("custody", lua.LString(custodyNames[e.ObtainedCustody[k]]))
		c.RawSetString("tick", lua.LNumber(e.ObtainedTick[k]))
		copies.Append(c)
	}
	tb.RawSetString("copies", copies)
	return tb
}

func (d *Director) luaEvidence(L *lua.LState) int {
	id := checkString(L, 1, "evidence")
	d.s.charge(L, 8)
	if i, ok := d.w.EvidenceIndex(id); ok {
		if viewer := d.viewer(L); viewer != engine.None {
			L.Push(d.viewEvidenceTable(L, viewer, i)) // nil: not something it knows of
		} else {
			L.Push(d.evidenceTable(L, i))
		}
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

// luaEvidenceList lists evidence: {holder, campaign, kind, lost, preserved, limit}.
func (d *Director) luaEvidenceList(L *lua.LState) int {
	const where = "evidence_list"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "campaign", "holder", "kind", "limit", "lost", "preserved")
	holder, camp := engine.None, engine.None
	if s := fieldString(L, f, "holder", where, ""); s != "" {
		holder = d.orgIndex(L, s, where)
	}
	if s := fieldString(L, f, "campaign", where, ""); s != "" {
		camp = d.campaignIndex(L, s, where)
	}
	kind := fieldString(L, f, "kind", where, "")
	lv, pv := f.RawGetString("lost"), f.RawGetString("preserved")
	lost, pres := fieldBool(L, f, "lost", where, false), fieldBool(L, f, "preserved", where, false)
	limit := fieldWhole(L, f, "limit", where, 1, ListLimitMax, AssetsLimitDefault)
	viewer := d.viewer(L)
	out := L.CreateTable(0, 0)
	n := int64(0)
	for ei := range d.w.Evidence {
		if n >= limit {
			break
		}
		e := &d.w.Evidence[ei]
		d.s.charge(L, 1)
		if (holder != engine.None && e.Holder != holder) || (kind != "" && e.Kind != kind) {
			continue
		}
		if viewer == engine.None {
			if (camp != engine.None && e.Campaign != camp) || (lv != lua.LNil && e.Lost != lost) || (pv != lua.LNil && e.Preserved != pres) {
				continue
			}
			d.s.charge(L, 8)
			out.Append(d.evidenceTable(L, int32(ei)))
			n++
			continue
		}
		// A team lists what it may see, filtered on what it sees: an item
		// it only knows of has no lost or preserved to filter on.
		v, ok := d.w.EvidenceAs(viewer, int32(ei))
		if !ok || camp != engine.None && v.Campaign != d.w.Campaigns[camp].ID {
			continue
		}
		if (lv != lua.LNil || pv != lua.LNil) && v.Custody == engine.CustodyKnown ||
			lv != lua.LNil && v.Lost != lost || pv != lua.LNil && v.Preserved != pres {
			continue
		}
		d.s.charge(L, 8)
		out.Append(d.viewEvidenceTable(L, viewer, int32(ei)))
		n++
	}
	L.Push(out)
	return 1
}

// ---- requests ----

// requestNumber reads a request as 3, "req-3" or a request table.
func (d *Director) requestNumber(L *lua.LState, v lua.LValue) (int32, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		n, ok := wholeNumber(v, 1, 1<<31-1)
		return int32(n), ok && int(n) <= len(d.w.Requests)
	case lua.LString:
		n, err := d.w.ParseRequestID(string(v)) // canonical ids only: "req-01" is no request
		return n, err == nil
	case *lua.LTable:
		return d.requestNumber(L, v.RawGetString("n"))
	}
	return 0, false
}

func (d *Director) requestTable(L *lua.LState, r *engine.Request) *lua.LTable {
	w := d.w
	tb := L.CreateTable(0, 16)
	tb.RawSetString("id", lua.LString(fmt.Sprintf("req-%d", r.ID)))
	tb.RawSetString("n", lua.LNumber(r.ID))
	tb.RawSetString("from", d.orgID(r.From))
	tb.RawSetString("to", d.orgID(r.To))
	tb.RawSetString("kind", lua.LString(r.Kind.String()))
	tb.RawSetString("channel", lua.LString(r.Channel.String()))
	tb.RawSetString("target", lua.LString(r.Target))
	tb.RawSetString("offence", lua.LString(r.Offence))
	tb.RawSetString("sent", lua.LNumber(r.Sent))
	tb.RawSetString("due", lua.LNumber(r.Due))
	tb.RawSetString("status", lua.LString(r.Status.String()))
	if viewer := d.viewer(L); viewer != engine.None {
		v, _ := w.RequestAs(viewer, r.ID)
		tb.RawSetString("status", lua.LString(v.Status)) // an unanswered request is pending to its sender
	}
	tb.RawSetString("answered", tickOrNil(r.Answer))
	if r.Reason != "" {
		tb.RawSetString("reason", lua.LString(r.Reason))
	}
	if r.Command != 0 {
		tb.RawSetString("command", lua.LNumber(r.Command))
	}
	fromJ, toJ := w.Orgs[r.From].Jurisdiction, w.Orgs[r.To].Jurisdiction
	tb.RawSetString("dual_criminality", lua.LBool(fromJ == toJ || w.IsCrime(toJ, r.Offence)))
	return tb
}

func (d *Director) luaRequest(L *lua.LState) int {
	d.s.charge(L, 8)
	n, ok := d.requestNumber(L, L.Get(1))
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	if viewer := d.viewer(L); viewer != engine.None {
		if _, sees := d.w.RequestAs(viewer, n); !sees {
			L.Push(lua.LNil) // between others: not something it knows of
			return 1
		}
	}
	L.Push(d.requestTable(L, &d.w.Requests[n-1]))
	return 1
}

// luaRequests lists requests: {to, from, status, kind, limit}.
func (d *Director) luaRequests(L *lua.LState) int {
	const where = "requests"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "from", "kind", "limit", "status", "to")
	to, from := engine.None, engine.None
	if s := fieldString(L, f, "to", where, ""); s != "" {
		to = d.orgIndex(L, s, where)
	}
	if s := fieldString(L, f, "from", where, ""); s != "" {
		from = d.orgIndex(L, s, where)
	}
	status := fieldString(L, f, "status", where, "")
	if status != "" {
		known := []string{"pending", "accepted", "refused", "done", "unanswered"}
		ok := false
		for _, k := range known {
			ok = ok || k == status
		}
		if !ok {
			L.RaiseError("requests: status %q%s", status, suggestion(status, known))
		}
	}
	kind := fieldString(L, f, "kind", where, "")
	if kind != "" {
		if _, ok := engine.ParseRequestKind(kind); !ok {
			L.RaiseError("requests: kind %q%s", kind, suggestion(kind, engine.RequestKindNames()))
		}
	}
	limit := fieldWhole(L, f, "limit", where, 1, ListLimitMax, AssetsLimitDefault)
	out := L.CreateTable(0, 0)
	n := int64(0)
	for i := range d.w.Requests {
		if n >= limit {
			break
		}
		r := &d.w.Requests[i]
		d.s.charge(L, 1)
		st := r.Status.String()
		if viewer := d.viewer(L); viewer != engine.None {
			v, sees := d.w.RequestAs(viewer, r.ID)
			if !sees {
				continue
			}
			st = v.Status
		}
		if (to != engine.None && r.To != to) || (from != engine.None && r.From != from) ||
			(status != "" && st != status) || (kind != "" && r.Kind.String() != kind) {
			continue
		}
		d.s.charge(L, 8)
		out.Append(d.requestTable(L, r))
		n++
	}
	L.Push(out)
	return 1
}

// ---- infrastructure, content, payments ----

func (d *Director) luaInfra(L *lua.LState) int {
	w := d.w
	fi := d.infraIndex(L, checkString(L, 1, "infra"), "infra")
	f := &w.Infras[fi]
	if viewer := d.viewer(L); viewer != engine.None && !w.SeesInfra(viewer, fi) {
		d.hidden(L, "infra", viewer, "%s is %s's, and none of its own depends on it", f.ID, w.Orgs[f.Owner].ID)
	}
	d.s.charge(L, 8)
	tb := L.CreateTable(0, 14)
	tb.RawSetString("id", lua.LString(f.ID))
	tb.RawSetString("kind", lua.LString(f.Kind))
	tb.RawSetString("owner", d.orgID(f.Owner))
	tb.RawSetString("priority", lua.LBool(f.Priority))
	tb.RawSetString("level", lua.LNumber(f.Level))
	tb.RawSetString("damaged", lua.LBool(f.Damaged))
	tb.RawSetString("tripped", lua.LBool(f.Tripped))
	tb.RawSetString("manual", lua.LBool(f.Manual))
	tb.RawSetString("islanded", lua.LBool(f.Islanded))
	tb.RawSetString("down_since", tickOrNil(f.DownSince))
	tb.RawSetString("repair_until", tickOrNil(f.RepairUntil))
	deps := L.CreateTable(len(f.DependsOn), 0)
	for _, dep := range f.DependsOn {
		dt := L.CreateTable(0, 2)
		if dep.Infra != engine.None {
			dt.RawSetString("infra", lua.LString(w.Infras[dep.Infra].ID))
		} else {
			dt.RawSetString("asset", d.assetID(dep.Asset))
		}
		dt.RawSetString("delay", lua.LNumber(dep.DelayTicks))
		deps.Append(dt)
	}
	tb.RawSetString("depends_on", deps)
	L.Push(tb)
	return 1
}

func (d *Director) luaContent(L *lua.LState) int {
	id := checkString(L, 1, "content")
	d.s.charge(L, 8)
	i, ok := d.w.ContentIndex(id)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	c := &d.w.Contents[i]
	tb := L.CreateTable(0, 8)
	tb.RawSetString("id", lua.LString(c.ID))
	tb.RawSetString("platform", d.orgID(c.Platform))
	tb.RawSetString("campaign", d.campaignID(c.Campaign))
	tb.RawSetString("offence", lua.LString(c.Offence))
	tb.RawSetString("reach", lua.LNumber(c.Reach))
	tb.RawSetString("growth", lua.LNumber(c.GrowthPermille))
	tb.RawSetString("published", lua.LNumber(c.Published))
	tb.RawSetString("removed", tickOrNil(c.Removed))
	L.Push(tb)
	return 1
}

func (d *Director) luaPayment(L *lua.LState) int {
	id := checkString(L, 1, "payment")
	d.s.charge(L, 8)
	i, ok := d.w.PaymentIndex(id)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	if viewer := d.viewer(L); viewer != engine.None {
		if _, sees := d.w.PaymentAs(viewer, i); !sees {
			L.Push(lua.LNil) // not something it knows of
			return 1
		}
	}
	L.Push(d.paymentTable(L, i))
	return 1
}

// luaPayments lists payments: {campaign, service, traced, frozen, limit}.
func (d *Director) luaPayments(L *lua.LState) int {
	const where = "payments"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "campaign", "frozen", "limit", "service", "traced")
	camp, svc := engine.None, engine.None
	if s := fieldString(L, f, "campaign", where, ""); s != "" {
		camp = d.campaignIndex(L, s, where)
	}
	if s := fieldString(L, f, "service", where, ""); s != "" {
		svc = d.orgIndex(L, s, where)
	}
	tv, fv := f.RawGetString("traced"), f.RawGetString("frozen")
	traced, frozen := fieldBool(L, f, "traced", where, false), fieldBool(L, f, "frozen", where, false)
	limit := fieldWhole(L, f, "limit", where, 1, ListLimitMax, AssetsLimitDefault)
	out := L.CreateTable(0, 0)
	n := int64(0)
	for i := range d.w.Payments {
		if n >= limit {
			break
		}
		p := &d.w.Payments[i]
		d.s.charge(L, 1)
		if viewer := d.viewer(L); viewer != engine.None {
			if _, sees := d.w.PaymentAs(viewer, int32(i)); !sees {
				continue
			}
		}
		if (camp != engine.None && p.Campaign != camp) || (svc != engine.None && p.Service != svc) ||
			(tv != lua.LNil && p.Traced != traced) || (fv != lua.LNil && p.Frozen != frozen) {
			continue
		}
		d.s.charge(L, 8)
		out.Append(d.paymentTable(L, int32(i)))
		n++
	}
	L.Push(out)
	return 1
}

func (d *Director) paymentTable(L *lua.LState, i int32) *lua.LTable {
	p := &d.w.Payments[i]
	tb := L.CreateTable(0, 7)
	tb.RawSetString("id", lua.LString(p.ID))
	tb.RawSetString("service", d.orgID(p.Service))
	tb.RawSetString("campaign", d.campaignID(p.Campaign))
	if viewer := d.viewer(L); viewer != engine.None {
		if v, _ := d.w.PaymentAs(viewer, i); v.Campaign == "" {
			tb.RawSetString("campaign", lua.LNil) // not a campaign it holds indicators of
		}
	}
	tb.RawSetString("amount", lua.LNumber(p.Amount))
	tb.RawSetString("tick", lua.LNumber(p.Tick))
	tb.RawSetString("traced", lua.LBool(p.Traced))
	tb.RawSetString("frozen", lua.LBool(p.Frozen))
	return tb
}

// ---- metrics and objectives ----

// luaMetric reads a metric by its full name ("bots", "infra:grid",
// "script.calls"): an integer, or nil and the reason when the metric has
// no value yet (a script metric never set, content not published). A name
// that can never be read is an error.
func (d *Director) luaMetric(L *lua.LState) int {
	name := checkString(L, 1, "metric")
	d.storyOnly(L, "metric", "metrics are the white cell's measure of the whole exercise")
	d.s.charge(L, 16)
	v, err := d.w.Metric(name)
	if err == nil {
		L.Push(lua.LNumber(v))
		return 1
	}
	if cerr := d.w.CheckMetricName(name); cerr != nil {
		L.RaiseError("metric: %v%s (script metrics are named script.NAME)", cerr, suggestion(name, engine.MetricNames()))
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(err.Error()))
	return 2
}

// luaObjective is objective(id): the objective's state, or
// objective(id, fn): register the check of a script objective.
func (d *Director) luaObjective(L *lua.LState) int {
	oi := d.objectiveIndex(L, checkString(L, 1, "objective"), "objective")
	d.storyOnly(L, "objective", "objectives are the white cell's")
	o := &d.w.Objectives[oi]
	if L.GetTop() >= 2 {
		fn := checkLuaFunction(L, 2, "objective")
		if !o.Script {
			L.RaiseError("objective %s is judged by its metric (%s %s %d); declare it with script: true for a Lua check", o.ID, o.Metric, o.Op, o.Value)
		}
		for _, c := range d.checks {
			if c.obj == oi {
				c.fn = fn // a later registration replaces the check
				return 0
			}
		}
		d.checks = append(d.checks, &objCheck{obj: oi, fn: fn})
		return 0
	}
	d.s.charge(L, 8)
	tb := L.CreateTable(0, 10)
	tb.RawSetString("id", lua.LString(o.ID))
	tb.RawSetString("description", lua.LString(o.Description))
	tb.RawSetString("status", lua.LString(o.Status.String()))
	tb.RawSetString("tick", tickOrNil(o.Tick))
	tb.RawSetString("script", lua.LBool(o.Script))
	if !o.Script {
		tb.RawSetString("metric", lua.LString(o.Metric))
		tb.RawSetString("op", lua.LString(o.Op))
		tb.RawSetString("value", lua.LNumber(o.Value))
	}
	tb.RawSetString("mode", lua.LString(o.Mode))
	tb.RawSetString("deadline", tickOrNil(o.Deadline))
	L.Push(tb)
	return 1
}
