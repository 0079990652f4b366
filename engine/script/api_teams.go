package script

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"cyberex/engine"
)

// Scripted teams, commands, injects, objectives, metrics, vars and
// playbooks.

func (d *Director) teamFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"team":          d.luaTeam,
		"act":           d.luaAct,
		"me":            d.luaMe,
		"command":       d.luaCommand,
		"answer":        d.luaAnswer,
		"set_scripted":  d.luaSetScripted,
		"scripted":      d.luaScripted,
		"inject":        d.luaInject,
		"deliver":       d.luaDeliver,
		"set_objective": d.luaSetObjective,
		"set_metric":    d.luaSetMetric,
		"var":           d.luaVar,
		"random":        d.s.luaRandom(),
		"spawn":         d.luaSpawnHandle,
		"playbook":      d.luaPlaybook,
	}
}

// teamHandlers are the functions a policy table may hold.
var teamHandlers = []string{"on_event", "on_request", "on_tick"}

// luaTeam is team(org, policy): the organisation is played by the policy
// while it is scripted. A second call for the same organisation replaces
// its policy.
func (d *Director) luaTeam(L *lua.LState) int {
	org := d.orgArg(L, 1, "team")
	policy := L.CheckTable(2)
	t := &team{org: org}
	var bad string
	for _, e := range sortedEntries(policy) {
		k, v := e.k, e.v
		ks, ok := k.(lua.LString)
		if !ok || !strings.HasPrefix(string(ks), "on_") {
			continue // other fields are the policy's own (settings, helpers)
		}
		fn, isFn := v.(*lua.LFunction)
		if isFn && fn.IsG && (ks == "on_request" || ks == "on_event" || ks == "on_tick") {
			L.RaiseError("team: %s must be a Lua function, not a builtin (wrap it: function(...) return f(...) end)", string(ks))
		}
		switch string(ks) {
		case "on_request":
			t.onRequest = fn
		case "on_event":
			t.onEvent = fn
		case "on_tick":
			t.onTick = fn
		default:
			if bad == "" {
				bad = string(ks)
			}
			continue
		}
		if !isFn && bad == "" {
			bad = string(ks) + " (not a function)"
		}
	}
	if bad != "" {
		L.RaiseError("team %s: unknown handler %q%s", d.w.Orgs[org].ID, bad, suggestion(bad, teamHandlers))
	}
	if n, ok := policy.RawGetString("name").(lua.LString); ok {
		t.name = string(n)
	}
	if old := d.teamOf[org]; old != nil {
		*old = *t
		return 0
	}
	if len(d.teams) >= TeamsMax {
		L.RaiseError("more than %d teams (TeamsMax)", TeamsMax)
	}
	d.teams = append(d.teams, t)
	d.teamOf[org] = t
	return 0
}

// checkVerb raises for a verb the engine does not know.
func checkVerb(L *lua.LState, verb, what string) {
	if _, ok := engine.DefaultVerbSpec(verb); !ok {
		L.RaiseError("%s: unknown verb %q%s", what, verb, suggestion(verb, engine.VerbNames()))
	}
}

// commandArgs reads a table of command arguments: names to strings,
// whole numbers or booleans.
func commandArgs(L *lua.LState, v lua.LValue, what string) map[string]string {
	if v == lua.LNil {
		return nil
	}
	tb, ok := v.(*lua.LTable)
	if !ok {
		L.RaiseError("%s: args: want a table such as {kind = \"preserve\", target = \"logs\"}, got %s", what, describeValue(v))
	}
	out := map[string]string{}
	for _, e := range sortedEntries(tb) {
		k, v := e.k, e.v
		ks, ok := k.(lua.LString)
		if !ok {
			L.RaiseError("%s: args: keys are names, got %s", what, describeValue(k))
		}
		switch v := v.(type) {
		case lua.LString:
			out[string(ks)] = string(v)
		case lua.LBool:
			out[string(ks)] = fmt.Sprint(bool(v))
		case lua.LNumber:
			n, ok := wholeNumber(v, -(1 << 53), 1<<53)
			if !ok {
				L.RaiseError("%s: args.%s: want a whole number, got %s", what, ks, describeValue(v))
			}
			out[string(ks)] = fmt.Sprint(n)
		case *lua.LTable:
			// A list of ids (share's to=): joined with commas.
			var parts []string
			for i := 1; i <= v.Len(); i++ {
				s, ok := v.RawGetInt(i).(lua.LString)
				if !ok {
					L.RaiseError("%s: args.%s: want a list of strings", what, ks)
				}
				parts = append(parts, string(s))
			}
			out[string(ks)] = strings.Join(parts, ",")
		default:
			L.RaiseError("%s: args.%s: want a string, a whole number or true/false, got %s", what, ks, describeValue(v))
		}
	}
	return out
}

// submit queues a command for org and pushes its id, or nil and the
// reason it was rejected.
func (d *Director) submit(L *lua.LState, org int32, verb, target string, args map[string]string, what string) int {
	d.changing(L, what)
	d.s.charge(L, 16)
	w := d.w
	mark := len(w.TickEvents())
	id := w.Submit(engine.Command{Org: w.Orgs[org].ID, Verb: verb, Target: target, Args: args})
	for _, ev := range w.TickEvents()[mark:] {
		if ev.Kind == engine.EvCommandRejected && ev.Command == id {
			L.Push(lua.LNil)
			L.Push(lua.LString(ev.Text))
			return 2
		}
	}
	L.Push(lua.LNumber(id))
	return 1
}

// luaMe is me(): the organisation a team's handler (or a timer or
// playbook it started) acts for, or nil outside teams.
func (d *Director) luaMe(L *lua.LState) int {
	L.Push(d.orgID(d.teamFor(L)))
	return 1
}

// luaAct is act(verb, [target], [args]) inside a team's handler.
func (d *Director) luaAct(L *lua.LState) int {
	org := d.teamFor(L)
	if org == engine.None {
		L.RaiseError("act: only inside a team's handlers (on_request, on_event, on_tick) and the timers and playbooks they start; elsewhere use command{org = ..., verb = ...}")
	}
	verb := checkString(L, 1, "act: the verb")
	checkVerb(L, verb, "act")
	target := ""
	if L.Get(2) != lua.LNil {
		target = checkString(L, 2, "act: the target")
	}
	args := commandArgs(L, L.Get(3), "act")
	if !d.scripted(org) {
		d.changing(L, "act")
		L.Push(lua.LNil)
		L.Push(lua.LString(d.w.Orgs[org].ID + " is played by people now"))
		return 2
	}
	return d.submit(L, org, verb, target, args, "act")
}

// luaCommand is command{org, verb, target, args}: a command for any
// organisation, as a controller would enter it.
func (d *Director) luaCommand(L *lua.LState) int {
	f := L.CheckTable(1)
	checkFields(L, f, "command", "args", "org", "target", "verb")
	org := d.orgIndex(L, fieldString(L, f, "org", "command", ""), "command: org")
	verb := fieldString(L, f, "verb", "command", "")
	checkVerb(L, verb, "command")
	target := fieldString(L, f, "target", "command", "")
	args := commandArgs(L, f.RawGetString("args"), "command")
	return d.submit(L, org, verb, target, args, "command")
}

// luaAnswer is answer(req, "accept"|"refuse", [reason]): the decision of a
// scripted receiver. An acceptance is carried out when the request's
// legal process completes (its due tick).
func (d *Director) luaAnswer(L *lua.LState) int {
	n, ok := d.requestNumber(L, L.Get(1))
	if !ok {
		L.RaiseError("answer: no request %s", describeValue(L.Get(1)))
	}
	decision := checkString(L, 2, "answer: the decision")
	if decision != "accept" && decision != "refuse" {
		L.RaiseError("answer: decision %q: want \"accept\" or \"refuse\"", decision)
	}
	reason := ""
	if L.Get(3) != lua.LNil {
		reason = checkString(L, 3, "answer: the reason")
	}
	d.changing(L, "answer")
	r := &d.w.Requests[n-1]
	if !d.scripted(r.To) {
		L.Push(lua.LFalse)
		L.Push(lua.LString(fmt.Sprintf("req-%d: %s is played by people, who answer it themselves", n, d.w.Orgs[r.To].ID)))
		return 2
	}
	if err := d.w.AnswerRequest(n, decision == "accept", reason); err != nil {
		L.Push(lua.LFalse)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LTrue)
	return 1
}

func (d *Director) luaSetScripted(L *lua.LState) int {
	org := d.orgArg(L, 1, "set_scripted")
	v, ok := L.Get(2).(lua.LBool)
	if !ok {
		L.RaiseError("set_scripted: want true or false, got %s", describeValue(L.Get(2)))
	}
	o := &d.w.Orgs[org]
	if o.Scripted == bool(v) {
		return 0
	}
	o.Scripted = bool(v)
	if !d.loading {
		who := "people"
		if v {
			who = "its policy"
		}
		d.w.Emit(engine.Event{Kind: engine.EvLog, Subject: o.ID, Text: fmt.Sprintf("%s is now played by %s", o.ID, who),
			Fields: []engine.Arg{{Key: "source", Value: "script"}, {Key: "played_by", Value: map[bool]string{true: "script", false: "people"}[o.Scripted]}}})
	}
	return 0
}

func (d *Director) luaScripted(L *lua.LState) int {
	L.Push(lua.LBool(d.scripted(d.orgArg(L, 1, "scripted"))))
	return 1
}

// idRE is the form of ids a script creates (injects), as in scenario.yaml.
var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// luaInject is inject{id, to, from, subject, body, expect}: an ad-hoc
// inject delivered now. It returns its id.
func (d *Director) luaInject(L *lua.LState) int {
	f := L.CheckTable(1)
	checkFields(L, f, "inject", "body", "expect", "from", "id", "subject", "to")
	in := engine.Inject{
		ID:      fieldString(L, f, "id", "inject", ""),
		From:    fieldString(L, f, "from", "inject", ""),
		Subject: fieldString(L, f, "subject", "inject", ""),
		Body:    fieldString(L, f, "body", "inject", ""),
		Expect:  fieldString(L, f, "expect", "inject", ""),
	}
	if in.ID != "" && !idRE.MatchString(in.ID) {
		L.RaiseError("inject: id %q: letters, digits, '-', '_' and '.', starting with a letter or digit", in.ID)
	}
	if strings.HasPrefix(in.ID, "adhoc-") {
		L.RaiseError("inject: ids adhoc-N are the engine's")
	}
	if in.Subject == "" {
		L.RaiseError("inject: subject: every inject needs a subject line")
	}
	to := f.RawGetString("to")
	if to == lua.LNil {
		L.RaiseError("inject: to: name the recipients (an organisation, a list, or \"all\")")
	}
	in.To = d.orgList(L, to, "inject: to")
	d.changing(L, "inject")
	d.s.charge(L, bytesCost(len(in.Subject)+len(in.Body)+len(in.Expect)))
	i, err := d.w.AddInject(in)
	if err != nil {
		L.RaiseError("inject: %v", err)
	}
	L.Push(lua.LString(d.w.Injects[i].ID))
	return 1
}

// luaDeliver is deliver(id): deliver an inject of the scenario now (one
// declared without `at` is delivered only so).
func (d *Director) luaDeliver(L *lua.LState) int {
	id := checkString(L, 1, "deliver")
	i, ok := d.w.InjectIndex(id)
	if !ok {
		ids := make([]string, len(d.w.Injects))
		for k, in := range d.w.Injects {
			ids[k] = in.ID
		}
		L.RaiseError("deliver: no inject %q%s", id, suggestion(id, ids))
	}
	d.changing(L, "deliver")
	if t := d.w.Injects[i].Delivered; t != engine.None {
		L.Push(lua.LFalse)
		L.Push(lua.LString(fmt.Sprintf("inject %s was delivered at tick %d", id, t)))
		return 2
	}
	d.w.DeliverInject(i)
	L.Push(lua.LTrue)
	return 1
}

func (d *Director) luaSetObjective(L *lua.LState) int {
	oi := d.objectiveIndex(L, checkString(L, 1, "set_objective"), "set_objective")
	o := &d.w.Objectives[oi]
	status := checkString(L, 2, "set_objective: the status")
	var st engine.ObjectiveStatus
	switch status {
	case "met":
		st = engine.ObjMet
	case "failed":
		st = engine.ObjFailed
	default:
		L.RaiseError("set_objective: status %q: want \"met\" or \"failed\"", status)
	}
	if !o.Script {
		L.RaiseError("set_objective: objective %s is judged by its metric; declare it with script: true to decide it from Lua", o.ID)
	}
	d.changing(L, "set_objective")
	if o.Status != engine.ObjPending {
		L.Push(lua.LFalse)
		L.Push(lua.LString(fmt.Sprintf("objective %s was already %s at tick %d", o.ID, o.Status, o.Tick)))
		return 2
	}
	d.w.SetObjective(oi, st)
	L.Push(lua.LTrue)
	return 1
}

// ScriptMetricsMax bounds the names set_metric sets in a world: its
// figures are held by the world, outside what the Lua limits count, and
// the white cell's delta lists them all every tick.
const ScriptMetricsMax = 1000

// metricNameRE is the form of a script metric's name after "script.".
var metricNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$`)

// luaSetMetric is set_metric(name, value): the figure script.NAME. It may
// be set while the story loads (an initial value).
func (d *Director) luaSetMetric(L *lua.LState) int {
	name := strings.TrimPrefix(checkString(L, 1, "set_metric: the name"), "script.")
	if !metricNameRE.MatchString(name) {
		L.RaiseError("set_metric: name %q: letters, digits, '-', '_' and '.' (it is stored as script.NAME)", name)
	}
	v := checkWhole(L, 2, "set_metric: the value", -(1 << 53), 1<<53)
	d.s.charge(L, 4)
	// A figure set again (most are set every tick) is found without
	// building its name: "script."+name was an allocation a call.
	if d.w.UpdateMetric("script.", name, v) {
		return 0
	}
	if len(d.w.Custom) >= ScriptMetricsMax {
		L.RaiseError("set_metric: name %q: a story may set at most %d different names (script.NAME), and this would be one more; set the same names again, or add up what they count", name, ScriptMetricsMax)
	}
	d.w.SetMetric("script."+name, v)
	return 0
}

// luaVar is var(name, [default]): a value of the scenario's vars (or a
// test's override); without a default an unknown name is an error.
func (d *Director) luaVar(L *lua.LState) int {
	name := checkString(L, 1, "var")
	if v, ok := d.vars[name]; ok {
		L.Push(v)
		return 1
	}
	if L.GetTop() >= 2 {
		L.Push(L.Get(2))
		return 1
	}
	names := make([]string, 0, len(d.vars))
	// map-order: the names are sorted below.
	for k := range d.vars {
		names = append(names, k)
	}
	sort.Strings(names)
	L.RaiseError("var: no var %q%s; declare it under vars: in scenario.yaml or give a default: var(%q, default)", name, suggestion(name, names), name)
	return 0
}

// ---- playbooks ----

// luaSpawnHandle is spawn(fn, ...) returning a playbook handle.
func (d *Director) luaSpawnHandle(L *lua.LState) int {
	fn := checkLuaFunction(L, 1, "spawn")
	var args []lua.LValue
	for i := 2; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	L.Push(d.startPlaybook(L, "", fn, args))
	return 1
}

// luaPlaybook is playbook(name, fn, ...): spawn with a name (logs, errors).
func (d *Director) luaPlaybook(L *lua.LState) int {
	name := checkString(L, 1, "playbook: the name")
	fn := checkLuaFunction(L, 2, "playbook")
	var args []lua.LValue
	for i := 3; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	L.Push(d.startPlaybook(L, name, fn, args))
	return 1
}

func (d *Director) startPlaybook(L *lua.LState, name string, fn *lua.LFunction, args []lua.LValue) *lua.LTable {
	t := d.s.spawn(L, fn, args)
	t.name = name
	t.team = d.teamFor(L)
	h := L.CreateTable(0, 2)
	h.RawSetString("id", lua.LNumber(t.id))
	if name != "" {
		h.RawSetString("name", lua.LString(name))
	}
	L.SetMetatable(h, d.playbookMeta)
	return h
}

func (d *Director) playbookMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"cancel": func(L *lua.LState) int {
			L.Push(lua.LBool(d.s.cancelTask(handleID(L, "cancel"))))
			return 1
		},
		"alive": func(L *lua.LState) int {
			L.Push(lua.LBool(d.s.taskAlive(handleID(L, "alive"))))
			return 1
		},
	}
}
