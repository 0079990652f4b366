package script

import (
	"errors"
	"strings"
	"testing"

	"cyberex/engine"
)

// Each case is a story.lua run for some ticks over testdata/world; its
// log (log and print lines, tab-separated values) must be want exactly.
type apiCase struct {
	name  string
	src   string
	ticks int
	want  string
}

func runAPICases(t *testing.T, cases []apiCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStory(t, c.src, storyOpts{})
			st.run(t, c.ticks)
			if got := st.output(); got != strings.TrimSpace(c.want) {
				t.Errorf("got\n%s\nwant\n%s", got, strings.TrimSpace(c.want))
			}
		})
	}
}

func TestAPITime(t *testing.T) {
	runAPICases(t, []apiCase{
		{"clock and time", `
log(tick(), clock(), time(), clock(60), time(1440) - time())
at(2, function() log(tick(), clock()) end)`, 2, `
0	2026-03-02T08:00:00Z	1772438400	2026-03-02T09:00:00Z	86400
2	2026-03-02T08:02:00Z`},
		{"durations", `log(ticks(90), ticks("90m"), ticks("6h"), ticks("3d"), ticks("1d12h"), ticks("10t"), ticks("30s"), ticks("2 hours"))`, 0,
			`90	90	360	4320	2160	10	1	120`},
		{"timers in order", `
at(3, function() log("at 3 first") end)
after(3, function() log("after 3") end)
at(3, function() log("at 3 second") end)
every(2, function(h) log("every", tick()) if tick() == 6 then log("cancel", h:cancel(), h:active()) end end)
local x = at(4, function() log("never") end)
log("cancel x", x:cancel(), x:cancel(), x:active())`, 8, `
cancel x	true	false	false
every	2
at 3 first
after 3
at 3 second
every	4
every	6
cancel	true	false`},
		{"a timer added for now runs now", `
at(2, function() log("a", tick()) at(2, function() log("b", tick()) end) after(1, function() log("c", tick()) end) end)`, 4, `
a	2
b	2
c	3`},
	})
}

func TestAPIEvents(t *testing.T) {
	runAPICases(t, []apiCase{
		{"handlers in creation order, * included, one event table", `
local seen
on("*", function(ev) if ev.kind == "website.defaced" then log("any", ev.subject) seen = ev end end)
on("website.defaced", function(ev) log("specific", ev.subject, ev.tick, ev.public, ev == seen, #ev.visible) end)
at(1, function() campaign("deface"):deface("ministry-site", "T1190") end)`, 1, `
any	ministry-site
specific	ministry-site	1	true	true	0`},
		{"events of handlers' actions, in rounds", `
on("website.defaced", function(ev) log("defaced") deliver("alert") end)
on("inject.delivered", function(ev) log("delivered", ev.subject, ev.visible[1]) emit("script.told", {subject = ev.subject, text = "told", visible = {"police-a"}}) end)
on("script.told", function(ev) log("told", ev.subject, ev.text, ev.visible[1], ev.tick) end)
at(1, function() campaign("deface"):deface("ministry-site", "T1190") end)`, 1, `
defaced
delivered	alert	csirt-a
told	alert	told	police-a	1`},
		{"cancel a handler", `
local h = on("log", function(ev) print("never") end)
log(h.kind, h:active(), h:cancel(), h:active(), h:cancel())
at(1, function() log("x") end)`, 1, `
log	true	true	false	false
x`},
		{"objective judgments arrive next tick", `
on("objective.changed", function(ev) log("objective", ev.subject, ev.tick, tick()) end)
at(1, function() campaign("deface"):deface("ministry-site", "T1190") command{org = "ministry-a", verb = "restore", target = "ministry-site"} end)`, 70, `
objective	site-back	62	63`},
		{"log events", `
on("log", function(ev) if ev.text == "hello" then print("seen", ev.subject, #ev.visible, ev.public) end end)
at(1, function() log("hello") end)`, 1, `
hello
seen	scenarios/test/story.lua:3	0	false`},
	})
}

func TestAPIQueries(t *testing.T) {
	runAPICases(t, []apiCase{
		{"asset", `
local a = asset("ministry-site")
log(a.id, a.kind, a.segment, a.owner, a.jurisdiction, a.compromised, a.controller, a.backup, a.vulns[1], a.services[1], a.named, a.availability)
local h = asset("home-7")
log(h.id, h.named, h.segment, h.owner)
log(asset("scada-1").controls)`, 0, `
ministry-site	website	gov-dmz	ministry-a	A	false	nil	true	cms-rce	web	true	1000
home-7	false	home-a	isp-a
substation`},
		{"assets", `
local n = 0 for _, a in ipairs(assets{}) do n = n + 1 end
log("named", n)
log(#assets{segment = "home-a", named_only = false}, #assets{segment = "home-a", named_only = false, limit = 5})
log(#assets{kind = "website"}, assets{kind = "website"}[1].id, #assets{owner = "hosting-b"}, #assets{jurisdiction = "B"})
at(1, function() campaign("deface"):deface("ministry-site", "T1190") log(#assets{compromised = true}, #assets{defaced = true}, #assets{controller = "deface"}) end)`, 1, `
named	5
200	5
1	ministry-site	2	2
1	1	1`},
		{"segment", `
local s = segment("home-a")
log(s.id, s.owner, s.isp, s.jurisdiction, s.hosts, s.compromised, s.prefix, s.links[1].segment, s.links[1].weight, s.posture)
log(#segments{}, #segments{jurisdiction = "B"}, segments{owner = "grid-a"}[1].id)`, 0, `
home-a	isp-a	isp-a	A	200	0	home	gov-dmz	200	1000
4	1	ot-a`},
		{"organisations and jurisdictions", `
local o = org("hosting-b")
log(o.id, o.kind, o.jurisdiction, o.scripted, o.staff, o.busy, o.queue, o.response_delay, o.policy, o.team)
log(#orgs{}, #orgs{kind = "police"}, #orgs{jurisdiction = "B"}, #orgs{scripted = true})
local j = jurisdiction("B")
log(j.id, j.name, #j.crimes, j.crimes[1], j.utc_offset, j.contact_point, j.mla, j:is_crime("hacking"), j:is_crime("terror-propaganda"))`, 0, `
hosting-b	hosting	B	true	1	0	0	30	cooperative	false
11	1	4	3
B	Borduria	1	hacking	180	120	43200	true	false`},
		{"evidence, requests, content, payments", `
local e = evidence("crew-logs")
log(e.id, e.holder, e.asset, e.campaign, e.offence, e.weight, e.expires, e.preserved, e.lost, #e.copies)
log(evidence("nope"), #evidence_list{}, #evidence_list{holder = "hosting-b", lost = false})
log(request(1), request("req-1"), content("x"), payment("y"))
at(1, function()
  command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}}
end)
at(17, function()
  local r = request("req-1")
  log(r.id, r.n, r.from, r.to, r.kind, r.channel, r.target, r.offence, r.sent, r.status, r.dual_criminality)
  log(#requests{}, #requests{to = "hosting-b"}, #requests{status = "done"}, #requests{kind = "disclose"})
  local ok, id = campaign("prop"):publish{platform = "platform-b", reach = 50, growth = 10}
  log(ok, id, content(id).reach, content(id).platform, content(id).offence)
  log(campaign("prop"):raise{service = "pay-b", id = "gift", amount = 700}, payment("gift").amount, payment("gift").service)
end)`, 17, `
crew-logs	hosting-b	crew-server	deface	hacking	5	4320	false	false	0
nil	1	1
nil	nil	nil	nil
req-1	1	police-a	hosting-b	preserve	24/7	crew-logs	hacking	17	pending	true
1	1	0	0
true	prop-content-1	50	platform-b	terror-propaganda
true	700	pay-b`},
		{"infrastructure, metrics, objectives", `
local f = infra("hospital")
log(f.id, f.kind, f.owner, f.priority, f.level, f.depends_on[1].infra, f.depends_on[1].delay, f.down_since)
log(metric("bots"), metric("infra:hospital"), metric("script.calls"), metric("content:nope:reach"))
set_metric("calls", 3) set_metric("script.more", -2)
log(metric("script.calls"), metric("script.more"))
local o = objective("site-back")
log(o.id, o.status, o.metric, o.op, o.value, o.mode, o.deadline, o.tick, objective("story-done").script)`, 0, `
hospital	hospital	grid-a	true	1000	substation	5	nil
0	1000	nil	nil	unknown metric "content:nope:reach"
3	-2
site-back	pending	websites_restored	>=	1	by	nil	nil	true`},
		{"vars", `log(var("waves"), var("mode"), var("ratio"), var("loud"), var("missing", 7), var("missing2", nil))`, 0,
			`3	fast	0.25	true	7	nil`},
		{"random is the world's", `log(random(1, 6), random(10), math.random(5) <= 5, random() < 1)`, 0, `5	3	true	true`},
	})
}

func TestAPIAttacks(t *testing.T) {
	runAPICases(t, []apiCase{
		{"campaign handle", `
local c = campaign("bot")
log(tostring(c), c.id, c.kind, c.actor, c.offence, c.active, c.c2, c.bots, c.current_task, c.disrupted, c.targets[1], c.started, c == campaign("bot"))
log(#campaigns{}, #campaigns{kind = "botnet"}, #campaigns{active = true})
local s = c:scan("home-a", "T1046")
log(s.hosts, s.vulnerable, s.held)`, 0, `
campaign bot	bot	botnet	crew	hacking	false	crew-server	0	none	false	A	nil	true
4	1	0
200	110	0`},
		{"actions return true or false and a reason", `
at(1, function()
  local c, i = campaign("bot"), campaign("intr")
  log(c:start(), c.active, c.started)
  log(c:spread{contacts = 2, bot_power = 5})
  log(c.contacts, c.bot_power)
  log(c:task("spam"), c.current_task)
  log(c:task("ddos", "ministry-site", "T1498"), c.current_task, c.task_target)
  log(i:exploit("mail-a", "T1190"), asset("mail-a").controller)
  log(i:lateral("scada-1", "T1021.002"))
  log(i:exploit("scada-1", "T1190"), asset("scada-1").controller)
  log(i:trip("substation", "T0831"), infra("substation").tripped)
  log(i:exfiltrate("mail-a", 250, "T1041"), i.exfiltrated)
  log(i:destroy("ministry-site", "T1485"))
  log(i:destroy("mail-a", "T1485"))
  log(i:escalate("mail-a", "T1068"), asset("mail-a").admin)
  log(i:exfiltrate("mail-a", 250, "T1041"), i.exfiltrated)
  log(i:destroy("mail-a", "T1485"), asset("mail-a").destroyed)
  log(i:physical("hospital"), infra("hospital").damaged)
  log(c:exploit("ministry-site", "T1190"))
  log(c:move_c2("spare-server", "T1008"), c.c2, c:move_c2("spare-server", "T1008"))
  log(c:stop(), c.active)
end)`, 1, `
true	true	1
true
2	5
true	spam
true	ddos	ministry-site
true	intr
false	lateral: no foothold in or next to segment ot-a
true	intr
true	true
true	100
false	destroy: the campaign does not control ministry-site
false	destroy: no administrative privilege on mail-a (escalate first)
true	true
true	350
true	true
true	true
false	exploit: ministry-site has none of the campaign's vulnerabilities
true	spare-server	false	c2: spare-server already is the campaign's command and control
true	false`},
		{"a failed exploit says so", `
at(1, function()
  local c = campaign("bot")
  local results = {}
  for i = 0, 30 do
    local ok, why = c:exploit("home-" .. i, "T1190")
    if not ok and why:find("failed") then results.failed = (results.failed or 0) + 1 end
    if ok then results.ok = (results.ok or 0) + 1 end
  end
  log(results.ok > 0, results.failed > 0, results.ok + results.failed <= 31)
end)`, 1, `true	true	true`},
	})
}

func TestAPIInjectsObjectivesTeams(t *testing.T) {
	runAPICases(t, []apiCase{
		{"injects", `
on("inject.delivered", function(ev) log(ev.subject, ev.text, table.concat(ev.visible, ",")) end)
at(1, function()
  log(deliver("alert"), deliver("alert"))
  log(inject{id = "call", to = {"police-a", "csirt-a"}, from = "CSIRT-B", subject = "A call", body = "b", expect = "e"})
  log(inject{to = "all", subject = "To all"})
  log(inject{to = "ministry-a", subject = "One"})
end)`, 1, `
true	false	inject alert was delivered at tick 1
call
adhoc-4
adhoc-5
alert	ministry-a: Our site was defaced	csirt-a
call	CSIRT-B: A call	csirt-a,police-a
adhoc-4	To all	csirt-a,police-a,ministry-a,grid-a,isp-a,hosting-b,platform-b,pay-b,prosecutor-a,pay-a
adhoc-5	One	ministry-a`},
		{"script objectives", `
local calls = 0
objective("story-done", function(id) calls = calls + 1 if tick() == 3 then return "met" end end)
on("objective.changed", function(ev) log(ev.subject, ev.value, ev.tick, calls) end)
at(5, function() log(objective("story-done").status, objective("story-done").tick, calls, set_objective("story-done", "failed")) end)`, 5, `
story-done	1	3	3
met	3	3	false	objective story-done was already met at tick 3`},
		{"set_objective", `at(2, function() log(set_objective("story-done", "failed"), objective("story-done").status) end)`, 2, `true	failed`},
		{"a team answers requests sent to it, by its policy", `
team("hosting-b", {
  on_request = function(req) log("request", req.id, req.kind, req.target, req.dual_criminality, tick()) return "refuse", "no warrant" end,
  on_event = function(ev) if ev.kind ~= "evidence.created" then log("hosting sees", ev.kind, ev.subject) end end,
})
at(1, function() command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}} end)
at(2, function() campaign("deface"):deface("ministry-site", "T1190") end)
at(20, function() log(request(1).status, request(1).reason) end)`, 20, `
hosting sees	website.defaced	ministry-site
hosting sees	request.sent	req-1
request	req-1	preserve	crew-logs	true	17
hosting sees	request.answered	req-1
refused	no warrant`},
		{"teams act, only while scripted, and see only their events", `
team("isp-a", {
  name = "isp",
  on_event = function(ev) log("isp sees", ev.kind, ev.subject) end,
  on_tick = function() if tick() == 2 then log("act", act("scan", "home-a")) log(act("scan", "scada-1")) after(2, function() log("later", tick(), act("contain", "home-a")) end) end end,
})
at(1, function() campaign("intr"):exploit("mail-a", "T1190") end)
at(3, function() set_scripted("isp-a", false) log(scripted("isp-a")) end)
at(5, function() set_scripted("isp-a", true) end)`, 6, `
act	1
nil	isp-a scan scada-1 rejected: not an asset of this organisation, its segments or its customers: ask its owner with a request
isp sees	command.accepted	home-a
isp sees	command.rejected	scada-1
false`},
		{"answer", `
at(1, function() command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}} end)
at(18, function() log(answer("req-1", "accept")) log(answer(1, "refuse")) log(request(1).status) end)
at(300, function() log(request(1).status) end)`, 300, `
true
false	req-1 is already accepted
accepted
done`},
	})
}

// Mistakes in scripts are errors naming the file, the line and the tick.
func TestAPIErrors(t *testing.T) {
	cases := []struct {
		name, src string
		ticks     int
		want      string
	}{
		{"unknown technique", "at(2, function()\n  campaign('bot'):exploit('mail-a', 'T1190.9')\nend)", 2,
			`scenarios/test/story.lua:2: tick 2: exploit: unknown or deprecated ATT&CK technique "T1190.9"`},
		{"a name is no technique", "at(1, function()\n  campaign('bot'):exploit('mail-a', 'Exploit Public-Facing Application')\nend)", 1,
			`T1190 (Exploit Public-Facing Application)?`},
		{"unknown technique after a valid one", "at(2, function()\n  campaign('bot'):exploit('mail-a', 'T1190')\n  campaign('bot'):exploit('mail-a', 'T1190.9')\nend)", 2,
			`scenarios/test/story.lua:3: tick 2: exploit: unknown or deprecated ATT&CK technique "T1190.9"`},
		{"missing technique after a valid one", "at(1, function()\n  campaign('bot'):exploit('mail-a', 'T1190')\n  campaign('bot'):exploit('mail-a', '')\nend)", 1, `story.lua:3: tick 1: exploit: empty ATT&CK technique ID`},
		{"missing technique", "at(1, function()\n  campaign('bot'):exploit('mail-a')\nend)", 1, `exploit: want a MITRE ATT&CK technique ID such as "T1190" (argument 3), got nil`},
		// A method remembers the last technique it found valid: what
		// differs from it, in value or in type, is checked again.
		{"a number after a valid technique", "at(1, function()\n  local c = campaign('bot')\n  c:exploit('mail-a', 'T1190')\n  c:exploit('mail-a', 1190)\nend)", 1,
			`story.lua:4: tick 1: exploit: want a MITRE ATT&CK technique ID such as "T1190" (argument 3), got 1190`},
		{"an unknown technique after the same valid one twice", "at(1, function()\n  local c = campaign('bot')\n  c:exploit('mail-a', 'T1190')\n  c:exploit('mail-a', 'T1190')\n  c:lateral('mail-a', 'T1021')\n  c:exploit('mail-a', 'T1021.9')\nend)", 1,
			`story.lua:6: tick 1: exploit: unknown or deprecated ATT&CK technique "T1021.9"`},
		{"unknown campaign", "campaign('bott')", 0, `scenarios/test/story.lua:1: tick 0: campaign: no campaign "bott"; did you mean "bot"?`},
		{"unknown asset", "at(1, function() campaign('bot'):exploit('mail-b', 'T1190') end)", 1, `exploit: no asset "mail-b"; did you mean "mail-a"?`},
		{"unknown event kind", "on('website.defacd', print)", 0, `unknown event kind "website.defacd"; did you mean "website.defaced"?`},
		{"fractional amount", "at(1, function() campaign('intr'):exfiltrate('mail-a', 2.5, 'T1041') end)", 1,
			`exfiltrate: the amount: want a whole number from 0 to 1099511627776, got 2.5`},
		{"negative growth", "at(1, function() campaign('prop'):publish{platform = 'platform-b', growth = -1} end)", 1,
			`publish: growth: want a whole number from 0 to 1000, got -1`},
		{"typo in options", "at(1, function() campaign('prop'):publish{platfrom = 'platform-b'} end)", 1,
			`publish: unknown field "platfrom"; did you mean "platform"?`},
		{"change at load", "campaign('bot'):start()", 0,
			`scenarios/test/story.lua:1: tick 0: campaign:start: the story is loading (tick 0) and cannot change the world yet; do it from at(1, fn), a playbook (spawn) or a handler`},
		{"act outside a team", "at(1, function() act('scan', 'home-a') end)", 1, `act: only inside a team's handlers`},
		{"unknown verb", "at(1, function() command{org = 'csirt-a', verb = 'scna'} end)", 1, `command: unknown verb "scna"; did you mean "scan"?`},
		{"unknown var", "var('mdoe')", 0, `var: no var "mdoe"; did you mean "mode"?`},
		{"past tick", "at(3, function() at(2, function() end) end)", 3, `at(2): the tick must be at least 1 and not past (now 3)`},
		{"bad duration", "after('1.5h', print)", 0, `after: "1.5h": use whole numbers`},
		{"objective not scripted", "objective('site-back', function() end)", 0, `objective site-back is judged by its metric`},
		{"bad check result", "objective('story-done', function() return 'done' end)", 1,
			`the check of objective story-done returned "done": want "met", "failed" or nil`},
		{"unknown team handler", "team('isp-a', {on_requst = print})", 0, `team isp-a: unknown handler "on_requst"; did you mean "on_request"?`},
		{"handler error", "on('website.defaced', function(ev)\n  local x = nil\n  x.y = 1\nend)\nat(4, function() campaign('deface'):deface('ministry-site', 'T1190') end)", 4,
			`scenarios/test/story.lua:3: tick 4: attempt to index a non-table object(nil) with key 'y'`},
		{"playbook error", "spawn(function()\n  wait('5m')\n  error('the plan failed')\nend)", 10, `scenarios/test/story.lua:3: tick 6: the plan failed`},
		{"unknown metric", "metric('botz')", 0, `metric: unknown metric "botz"; did you mean "bots"?`},
		{"custom kinds only", "at(1, function() emit('website.defaced') end)", 1, `emit("website.defaced"): scripts emit kinds named script.NAME`},
		{"handles are read-only", "campaign('bot').bots = 5", 0, `a campaign handle is read-only`},
		{"methods are read-only", "campaign('bot').start = print", 0, `a campaign handle is read-only`},
		{"unknown handle field", "log(campaign('bot').botz)", 0, `a campaign has no field "botz"; did you mean "bots"?`},
		{"method without self", "at(1, function() campaign('bot').start() end)", 1, `start: call it as a method of a campaign: c:start(...)`},
		{"method on a table", "at(1, function() campaign('bot').start({id = 'bot'}) end)", 1, `start: call it as a method of a campaign`},
		{"method on a forged handle", "local fake = setmetatable({id = 'bot'}, getmetatable(campaign('bot')))\nat(1, function() fake:start() end)", 1,
			`start: call it as a method of a campaign`},
		{"event storm", "on('script.ping', function() emit('script.ping') end)\nat(1, function() emit('script.ping') end)", 1,
			`event handlers kept acting on each other's events for 16 rounds in one tick (EventRoundsMax)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := tryStory(t, c.src, storyOpts{})
			if err == nil {
				err = st.runErr(c.ticks)
			}
			if err == nil {
				t.Fatalf("no error; want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("got  %v\nwant %s", err, c.want)
			}
			var se *Error
			if !errors.As(err, &se) || se.File == "" || se.Line == 0 {
				t.Errorf("want an *Error with file and line, got %T %+v", err, err)
			}
		})
	}
}

// A failed script fails the director for good; what it did before the
// error stays done, and Step says where and when.
func TestDirectorFailureKeepsTheWorld(t *testing.T) {
	st := newStory(t, `
at(3, function()
  campaign("deface"):deface("ministry-site", "T1190")
  inject{id = "before", to = "csirt-a", subject = "before the error"}
  error("boom")
end)`, storyOpts{})
	st.run(t, 2)
	_, err := st.w.Step(nil)
	if err == nil || err.Error() != "scenarios/test/story.lua:5: tick 3: boom" {
		t.Fatalf("step: %v", err)
	}
	if st.Err() == nil {
		t.Error("the director does not remember its failure")
	}
	if _, err2 := st.w.Step(nil); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("the next step: %v", err2)
	}
	ai, _ := st.w.AssetIndex("ministry-site")
	if st.w.Assets[ai].Flags&engine.FlagDefaced == 0 {
		t.Error("the defacement before the error was undone")
	}
	if _, ok := st.w.InjectIndex("before"); !ok {
		t.Error("the inject before the error was undone")
	}
}

func TestDirectorLoadErrors(t *testing.T) {
	_, err := tryStory(t, "local x = 1\nx()", storyOpts{})
	if err == nil || err.Error() != "scenarios/test/story.lua:2: tick 0: attempt to call a non-function object" {
		t.Errorf("got %v", err)
	}
	w := newTestWorld(t, 1)
	w.Step(nil)
	if _, err := NewDirector(w, DirectorOptions{}); err == nil || !strings.Contains(err.Error(), "tick 0") {
		t.Errorf("a world past tick 0: %v", err)
	}
}
