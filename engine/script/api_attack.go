package script

import (
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"cyberex/engine"
	"cyberex/engine/attack"
)

// Attacker actions, through a campaign handle:
//
//	local c = campaign("bot")
//	c.bots, c.active, c.c2 ...           live fields, read when accessed
//	c:start()  c:stop()
//	c:exploit("web-1", "T1190")           true, or false and the reason
//
// Every action is World.Attack, the engine's own path for the YAML's
// scheduled steps; it returns true, or false and the reason it did not
// happen (an exploit that was tried and failed included): nothing fails
// silently. A mistake in the call (an unknown id, a technique that is not
// in MITRE ATT&CK, a number that is not whole or out of range) is an error.

// campaignFuncs are the globals.
func (d *Director) campaignFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"campaign":  d.luaCampaign,
		"campaigns": d.luaCampaigns,
	}
}

// campaignHandle is the (cached) handle of campaign ci: a table holding
// its id, whose metatable's __index is a table of the methods, whose own
// __index reads the campaign's live fields. A method call (c:exploit(...)
// every tick of a scripted adversary) is then two table lookups, not a
// call of a Go __index function.
func (d *Director) campaignHandle(L *lua.LState, ci int32) *lua.LTable {
	for len(d.campaignHandles) < len(d.w.Campaigns) {
		d.campaignHandles = append(d.campaignHandles, nil)
	}
	if h := d.campaignHandles[ci]; h != nil {
		return h
	}
	fields := L.CreateTable(0, 1)
	fields.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		k, ok := L.Get(2).(lua.LString)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(d.campaignField(L, ci, string(k)))
		return 1
	}))
	methods := L.CreateTable(0, len(d.campaignMethods))
	setSorted(methods, d.campaignMethods)
	L.SetMetatable(methods, fields)
	meta := L.CreateTable(0, 3)
	meta.RawSetString("__index", methods)
	meta.RawSetString("__newindex", d.campaignMeta.RawGetString("__newindex"))
	meta.RawSetString("__tostring", d.campaignMeta.RawGetString("__tostring"))
	h := L.CreateTable(0, 1)
	h.RawSetString("id", lua.LString(d.w.Campaigns[ci].ID))
	L.SetMetatable(h, meta)
	d.campaignHandles[ci] = h
	if d.handleCampaign == nil {
		d.handleCampaign = map[*lua.LTable]int32{}
	}
	d.handleCampaign[h] = ci
	return h
}

func (d *Director) luaCampaign(L *lua.LState) int {
	ci := d.campaignIndex(L, checkString(L, 1, "campaign"), "campaign")
	if org := d.viewer(L); org != engine.None && d.w.Campaigns[ci].Actor != org {
		L.Push(d.viewCampaignTable(L, org, ci, "campaign"))
		return 1
	}
	L.Push(d.campaignHandle(L, ci))
	return 1
}

// luaCampaigns lists campaign handles: {kind, active, actor}.
func (d *Director) luaCampaigns(L *lua.LState) int {
	const where = "campaigns"
	f := optTable(L, 1, where)
	checkFields(L, f, where, "active", "actor", "kind")
	kind := -1
	if k := fieldString(L, f, "kind", where, ""); k != "" {
		ck, ok := engine.ParseCampaignKind(k)
		if !ok {
			L.RaiseError("campaigns: kind %q%s", k, suggestion(k, engine.CampaignKindNames()))
		}
		kind = int(ck)
	}
	actor := engine.None
	if s := fieldString(L, f, "actor", where, ""); s != "" {
		actor = d.orgIndex(L, s, where)
	}
	av := f.RawGetString("active")
	active := fieldBool(L, f, "active", where, false)
	out := L.CreateTable(0, 0)
	viewer := d.viewer(L)
	if viewer != engine.None && (av != lua.LNil || actor != engine.None && actor != viewer) {
		d.hidden(L, where, viewer, "active and actor are what the crew knows of its campaigns")
	}
	for ci := range d.w.Campaigns {
		c := &d.w.Campaigns[ci]
		if (kind >= 0 && int(c.Kind) != kind) || (actor != engine.None && c.Actor != actor) || (av != lua.LNil && c.Active != active) {
			continue
		}
		if viewer != engine.None && c.Actor != viewer {
			if _, knows := d.w.CampaignAs(viewer, int32(ci)); knows {
				out.Append(d.viewCampaignTable(L, viewer, int32(ci), where))
			}
			continue
		}
		out.Append(d.campaignHandle(L, int32(ci)))
	}
	L.Push(out)
	return 1
}

// selfCampaign is the campaign of a method's self.
func (d *Director) selfCampaign(L *lua.LState, method string) int32 {
	if tb, ok := L.Arg(1).(*lua.LTable); ok {
		// A story has a few campaigns: comparing a few pointers is cheaper
		// than hashing one, and this runs on every method call.
		if len(d.campaignHandles) <= 16 {
			for ci, h := range d.campaignHandles {
				if h == tb {
					return int32(ci)
				}
			}
		} else if ci, ok := d.handleCampaign[tb]; ok {
			return ci
		}
	}
	L.RaiseError("%s: call it as a method of a campaign: c:%s(...)", method, method)
	return engine.None
}

// campaignFields are the fields a handle reads live.
var campaignFields = []string{"active", "actor", "bot_power", "bots", "bots_ever", "c2", "contacts", "current_task",
	"deface_per_tick", "defaced", "disrupted", "evidence_retention", "exfiltrated", "fixed_power", "id", "kind",
	"offence", "spam", "started", "stopped", "targets", "task_target", "technique"}

func (d *Director) campaignField(L *lua.LState, ci int32, k string) lua.LValue {
	w := d.w
	c := &w.Campaigns[ci]
	switch k {
	case "id":
		return lua.LString(c.ID)
	case "kind":
		return lua.LString(c.Kind.String())
	case "actor":
		return d.orgID(c.Actor)
	case "offence":
		return lua.LString(c.Offence)
	case "technique":
		return lua.LString(c.Technique)
	case "active":
		return lua.LBool(c.Active)
	case "started":
		if !c.Active && c.Start == 0 {
			return lua.LNil
		}
		return lua.LNumber(c.Start)
	case "c2":
		return d.assetID(c.C2)
	case "bots":
		return lua.LNumber(c.Bots)
	case "bots_ever":
		return lua.LNumber(c.BotsEver)
	case "spam":
		return lua.LNumber(c.Spam)
	case "exfiltrated":
		return lua.LNumber(c.Exfiltrated)
	case "defaced":
		return lua.LNumber(c.Defaced)
	case "disrupted":
		v, _ := w.Metric("campaign:" + c.ID + ":disrupted")
		return lua.LBool(v != 0)
	case "stopped":
		return tickOrNil(c.Stopped)
	case "current_task":
		if c.Task == "" {
			return lua.LString("none")
		}
		return lua.LString(c.Task)
	case "task_target":
		return d.assetID(c.TaskTarget)
	case "contacts":
		return lua.LNumber(c.ContactsPerTick)
	case "deface_per_tick":
		return lua.LNumber(c.DefacePerTick)
	case "bot_power":
		return lua.LNumber(c.BotPower)
	case "fixed_power":
		return lua.LNumber(c.FixedPower)
	case "evidence_retention":
		return lua.LNumber(c.EvidenceRetainTicks)
	case "targets":
		tb := L.CreateTable(len(c.Targets), 0)
		for _, j := range c.Targets {
			tb.Append(lua.LString(w.Jurisdictions[j].ID))
		}
		return tb
	}
	L.RaiseError("a campaign has no field %q%s", k, suggestion(k, append(append([]string(nil), campaignFields...), sortedMethodNames(d.campaignMethods)...)))
	return lua.LNil
}

func sortedMethodNames(m map[string]lua.LValue) []string {
	out := make([]string, 0, len(m))
	// map-order: the names are sorted below.
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// technique reads and checks the ATT&CK technique of an action at
// argument n; "" when optional and absent.
//
// The ATT&CK table is not consulted again for the last few techniques
// found valid: a playbook names the same few techniques tick after tick
// (an adversary alternating exploit, lateral and escalate, three).
func (d *Director) technique(L *lua.LState, n int, action string, required bool) string {
	v := L.Arg(n)
	if v == lua.LNil && !required {
		return ""
	}
	s, ok := v.(lua.LString)
	if !ok {
		L.RaiseError("%s: want a MITRE ATT&CK technique ID such as \"T1190\" (argument %d), got %s", action, n, describeValue(v))
	}
	for _, t := range d.validTechs {
		// The last characters differ first ("T1190", "T1021", "T1068"):
		// compared before the whole string, which is a call.
		if n := len(t); n == len(s) && n > 0 && t[n-1] == s[n-1] && t == string(s) {
			return t
		}
	}
	if err := attack.Validate(string(s)); err != nil {
		L.RaiseError("%s: %v", action, err)
	}
	copy(d.validTechs[1:], d.validTechs[:len(d.validTechs)-1])
	// A copy: the script's string may be a slice of a larger one, which
	// the director would keep alive outside the memory accounting.
	d.validTechs[0] = strings.Clone(string(s))
	return d.validTechs[0]
}

// act performs a campaign action and pushes true, or false and the reason.
func (d *Director) act(L *lua.LState, ci int32, action, target, tech string, args []engine.Arg) bool {
	if d.loading {
		d.changing(L, "campaign:"+action)
	}
	d.s.charge(L, 16)
	return refused(L, d.w.Attack(ci, action, target, tech, args))
}

// actOn performs a campaign action on an asset the caller has found (ai,
// by its id target): the engine does not look it up a second time.
func (d *Director) actOn(L *lua.LState, ci int32, action string, ai int32, target string, args []engine.Arg) bool {
	if d.loading {
		d.changing(L, "campaign:"+action)
	}
	d.s.charge(L, 16)
	return refused(L, d.w.AttackAsset(ci, action, ai, target, args))
}

// refused pushes false and the reason when the engine refused an action;
// it says whether the action was done.
func refused(L *lua.LState, err error) bool {
	if err != nil {
		L.Push(lua.LFalse)
		L.Push(lua.LString(err.Error()))
		return false
	}
	return true
}

func pushOK(L *lua.LState) int {
	L.Push(lua.LTrue)
	return 1
}

func (d *Director) campaignMethodFuncs() map[string]lua.LGFunction {
	simple := func(action string) lua.LGFunction {
		return func(L *lua.LState) int {
			ci := d.selfCampaign(L, action)
			if !d.act(L, ci, action, "", "", nil) {
				return 2
			}
			return pushOK(L)
		}
	}
	// The argument names are joined once, not on every call.
	onAsset := func(action string) lua.LGFunction {
		what := action + ": the asset"
		check := takenCheckOf(action)
		// tech is the last technique this method was given and found
		// valid (technique returns the director's copy): a playbook names
		// the same one every time, and a valid technique stays valid, so
		// it is not checked again.
		var tech string
		return func(L *lua.LState) int {
			ci := d.selfCampaign(L, action)
			target := checkString(L, 2, what)
			ai := d.assetIndex(L, target, action)
			if s, ok := L.Arg(3).(lua.LString); !ok || tech == "" || string(s) != tech {
				tech = d.technique(L, 3, action, true)
			}
			if !d.actOn(L, ci, action, ai, target, nil) {
				return 2
			}
			return d.checkTaken(L, ci, ai, check, action, target)
		}
	}
	// aimAt points the campaign at an asset it need not control (a DDoS
	// target, a new C2): method is the Lua name, action the engine's.
	aimAt := func(method, action string) lua.LGFunction {
		what := method + ": the asset"
		return func(L *lua.LState) int {
			ci := d.selfCampaign(L, method)
			target := checkString(L, 2, what)
			ai := d.assetIndex(L, target, method)
			d.technique(L, 3, method, true)
			if !d.actOn(L, ci, action, ai, target, nil) {
				return 2
			}
			return pushOK(L)
		}
	}
	onInfra := func(action string, techRequired bool) lua.LGFunction {
		what := action + ": the infrastructure"
		return func(L *lua.LState) int {
			ci := d.selfCampaign(L, action)
			target := checkString(L, 2, what)
			d.infraIndex(L, target, action)
			tech := d.technique(L, 3, action, techRequired)
			if !d.act(L, ci, action, target, tech, nil) {
				return 2
			}
			return pushOK(L)
		}
	}
	return map[string]lua.LGFunction{
		"start":    simple("start"),
		"stop":     simple("stop"),
		"exploit":  onAsset("exploit"),
		"lateral":  onAsset("lateral"),
		"deface":   onAsset("deface"),
		"destroy":  onAsset("destroy"),
		"escalate": onAsset("escalate"),
		"trip":     onInfra("trip", true),
		"physical": onInfra("physical", false),
		"ddos":     aimAt("ddos", "ddos"),
		"move_c2":  aimAt("move_c2", "c2"),
		"exfiltrate": func(L *lua.LState) int {
			ci := d.selfCampaign(L, "exfiltrate")
			target := checkString(L, 2, "exfiltrate: the asset")
			ai := d.assetIndex(L, target, "exfiltrate")
			amount := checkWhole(L, 3, "exfiltrate: the amount", 0, 1<<40)
			d.technique(L, 4, "exfiltrate", true)
			if !d.actOn(L, ci, "exfiltrate", ai, target, []engine.Arg{{Key: "amount", Value: strconv.FormatInt(amount, 10)}}) {
				return 2
			}
			return pushOK(L)
		},
		"scan": func(L *lua.LState) int {
			ci := d.selfCampaign(L, "scan")
			si := d.segmentIndex(L, checkString(L, 2, "scan: the segment"), "scan")
			d.technique(L, 3, "scan", true)
			r, err := d.w.Scan(ci, si)
			if err != nil {
				L.RaiseError("scan: %v", err)
			}
			d.s.charge(L, r.Hosts/assetsPerInstruction+1)
			tb := L.CreateTable(0, 3)
			tb.RawSetString("hosts", lua.LNumber(r.Hosts))
			tb.RawSetString("vulnerable", lua.LNumber(r.Vulnerable))
			tb.RawSetString("held", lua.LNumber(r.Held))
			L.Push(tb)
			return 1
		},
		"spread": func(L *lua.LState) int {
			ci := d.selfCampaign(L, "spread")
			f := L.CheckTable(2)
			checkFields(L, f, "spread", "bot_power", "contacts", "deface_per_tick", "fixed_power")
			var args []engine.Arg
			for _, k := range []string{"bot_power", "contacts", "deface_per_tick", "fixed_power"} {
				if f.RawGetString(k) != lua.LNil {
					n := fieldWhole(L, f, k, "spread", 0, 1<<30, 0)
					args = append(args, engine.Arg{Key: k, Value: strconv.FormatInt(n, 10)})
				}
			}
			if !d.act(L, ci, "set", "", "", args) {
				return 2
			}
			return pushOK(L)
		},
		"task": func(L *lua.LState) int {
			ci := d.selfCampaign(L, "task")
			kind := checkString(L, 2, "task: the task")
			switch kind {
			case "ddos", "spam", "proxy", "none":
			default:
				L.RaiseError("task %q%s", kind, suggestion(kind, []string{"ddos", "spam", "proxy", "none"}))
			}
			if L.Get(3) != lua.LNil {
				if kind != "ddos" {
					L.RaiseError("task(%q, ...): only a ddos task takes a target", kind)
				}
				target := checkString(L, 3, "task: the target asset")
				ai := d.assetIndex(L, target, "task")
				d.technique(L, 4, "task", true)
				if !d.actOn(L, ci, "ddos", ai, target, nil) {
					return 2
				}
				return pushOK(L)
			}
			if !d.act(L, ci, "task", kind, "", nil) {
				return 2
			}
			return pushOK(L)
		},
		"publish": func(L *lua.LState) int {
			ci := d.selfCampaign(L, "publish")
			f := L.CheckTable(2)
			checkFields(L, f, "publish", "growth", "id", "offence", "platform", "reach")
			platform := fieldString(L, f, "platform", "publish", "")
			if platform == "" {
				L.RaiseError("publish: platform: name the platform organisation")
			}
			d.orgIndex(L, platform, "publish: platform")
			args := []engine.Arg{}
			if id := fieldString(L, f, "id", "publish", ""); id != "" {
				args = append(args, engine.Arg{Key: "id", Value: id})
			}
			if off := fieldString(L, f, "offence", "publish", ""); off != "" {
				args = append(args, engine.Arg{Key: "offence", Value: off})
			}
			args = append(args,
				engine.Arg{Key: "reach", Value: strconv.FormatInt(fieldWhole(L, f, "reach", "publish", 0, 1<<40, 100), 10)},
				engine.Arg{Key: "growth", Value: strconv.FormatInt(fieldWhole(L, f, "growth", "publish", 0, 1000, 20), 10)})
			n := len(d.w.Contents)
			if !d.act(L, ci, "publish", platform, "", args) {
				return 2
			}
			L.Push(lua.LTrue)
			L.Push(lua.LString(d.w.Contents[n].ID))
			return 2
		},
		"raise": func(L *lua.LState) int {
			ci := d.selfCampaign(L, "raise")
			f := L.CheckTable(2)
			checkFields(L, f, "raise", "amount", "id", "service")
			service := fieldString(L, f, "service", "raise", "")
			if service == "" {
				L.RaiseError("raise: service: name the payment service organisation")
			}
			d.orgIndex(L, service, "raise: service")
			args := []engine.Arg{{Key: "amount", Value: strconv.FormatInt(fieldWhole(L, f, "amount", "raise", 0, 1<<40, 1000), 10)}}
			if id := fieldString(L, f, "id", "raise", ""); id != "" {
				args = append(args, engine.Arg{Key: "id", Value: id})
			}
			n := len(d.w.Payments)
			if !d.act(L, ci, "raise", service, "", args) {
				return 2
			}
			L.Push(lua.LTrue)
			L.Push(lua.LString(d.w.Payments[n].ID))
			return 2
		},
	}
}

// takenCheck is what checkTaken looks at after an action: decided once per
// method from its name, not by comparing strings on every call.
type takenCheck uint8

const (
	checkNothing    takenCheck = iota
	checkController            // exploit, lateral: the campaign controls the asset
	checkDefaced               // deface: the asset is defaced
)

func takenCheckOf(action string) takenCheck {
	switch action {
	case "exploit", "lateral":
		return checkController
	case "deface":
		return checkDefaced
	}
	return checkNothing
}

// checkTaken turns the engine's silent "tried and failed" of exploit,
// lateral and deface into false and a reason.
func (d *Director) checkTaken(L *lua.LState, ci, ai int32, check takenCheck, action, target string) int {
	switch check {
	case checkController:
		if d.w.Assets[ai].Controller != ci {
			L.Push(lua.LFalse)
			L.Push(lua.LString(action + ": the attempt on " + target + " failed (it may succeed if tried again)"))
			return 2
		}
	case checkDefaced:
		if d.w.Assets[ai].Flags&engine.FlagDefaced == 0 {
			L.Push(lua.LFalse)
			L.Push(lua.LString("deface: the attempt on " + target + " failed (it may succeed if tried again)"))
			return 2
		}
	}
	return pushOK(L)
}
