package script

import "testing"

// TestTeamHandlersSeeTheView: inside a team's handlers (and the timers
// they start) the query API answers from the organisation's view: its own
// assets as observed (an undetected compromise looks clean), the
// registration of others', only the campaigns it knows; reading another
// organisation's internals is an error naming the function. The story
// still sees everything.
func TestTeamHandlersSeeTheView(t *testing.T) {
	runAPICases(t, []apiCase{
		{"own assets as observed; the story sees the truth", `
set_scripted("ministry-a", true)
team("ministry-a", {on_tick = function()
  if tick() == 2 then
    local a = asset("mail-a")
    log("team", a.compromised, a.integrity, a.controller)
    log("team", #assets{compromised = true, named_only = true})
  end
end})
at(1, function() campaign("intr"):exploit("mail-a", "T1190") end)
at(2, function() local a = asset("mail-a") log("story", a.compromised, a.integrity, a.controller) end)`, 2, `
story	true	700	intr
team	false	1000	nil
team	0`},
		{"another's asset: its registration, and an error for its state", `
set_scripted("police-a", true)
team("police-a", {on_tick = function()
  if tick() == 1 then
    local a = asset("crew-server")
    log(a.id, a.owner, a.kind, a.jurisdiction, a.registered)
    log(pcall(function() return a.sinkholed end))
  end
end})`, 1, `
crew-server	hosting-b	c2	B	true
false	scenarios/test/story.lua:7: asset: police-a's handlers see what police-a knows: crew-server is hosting-b's, not its sinkholed`},
		{"campaigns: only those it knows, and only what its indicators tell", `
set_scripted("csirt-a", true)
team("csirt-a", {on_tick = function()
  if tick() == 1 then log(pcall(campaign, "bot")) log(#campaigns{}) end
end})
at(1, function() log("story", campaign("bot").c2) end)`, 1, `
story	crew-server
false	scenarios/test/story.lua:4: campaign: csirt-a's handlers see what csirt-a knows: it holds no indicators of campaign "bot" (it learns a campaign by detecting or investigating it, or from a report)
0`},
		{"others' organisations, evidence, requests, metrics", `
team("isp-a", {on_tick = function()
  if tick() == 20 then
    local o = org("hosting-b")
    log(o.id, o.kind, o.jurisdiction)
    log(pcall(function() return o.staff end))
    log(evidence("crew-logs"), #requests{}, request(1))
    log(pcall(metric, "bots"))
    log(pcall(assets, {owner = "hosting-b"}))
    log(org(me()).staff)
  end
end})
at(1, function() command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}} end)
at(20, function() log("story", evidence("crew-logs").holder, request(1).from) end)`, 20, `
story	hosting-b	police-a
hosting-b	hosting	B
false	scenarios/test/story.lua:6: org: isp-a's handlers see what isp-a knows: hosting-b is another organisation, not its staff
nil	0	nil
false	scenarios/test/story.lua:8: metric: isp-a's handlers see what isp-a knows: metrics are the white cell's measure of the whole exercise
false	scenarios/test/story.lua:9: assets: isp-a's handlers see what isp-a knows: owner = "hosting-b": it lists its own assets only (asset(id) tells another's registration)
3`},
	})
}

// TestTeamEventTables: a team's on_event gets the event without visible
// (reading it is an error that says where the receivers are), in a table
// of its own (what one team writes into it the next does not read); the
// story's handlers still get visible; a team's handler cannot register an
// on() handler, which would run as the story.
func TestTeamEventTables(t *testing.T) {
	runAPICases(t, []apiCase{
		{"visible is the story's; each team its own table", `
set_scripted("csirt-a", true)
set_scripted("police-a", true)
team("csirt-a", {on_event = function(ev)
  if ev.kind == "report.shared" then
    log("csirt-a", pcall(function() return ev.visible end))
    log("csirt-a", rawget(ev, "visible"), ev.fields.to, ev.fields.report)
    ev.note = "planted"
    ev.fields.to = "everyone"
  end
end})
team("police-a", {on_event = function(ev)
  if ev.kind == "report.shared" then log("police-a", ev.note, ev.fields.to) end
end})
on("report.shared", function(ev) log("story", table.concat(ev.visible, ",")) end)
at(1, function() command{org = "csirt-a", verb = "share", target = "police-a", args = {tlp = "AMBER", title = "x"}} end)`, 30, `
story	csirt-a,police-a
csirt-a	false	scenarios/test/story.lua:6: on_event: csirt-a's handlers see what csirt-a knows: who else saw an event is not its to know, ev.visible is the story's (a report's receivers: ev.fields.to)
csirt-a	nil	police-a	rep-1
police-a	nil	police-a`},
		{"on() from a team's handler", `
set_scripted("csirt-a", true)
team("csirt-a", {on_tick = function()
  if tick() == 1 then log(pcall(on, "*", function(ev) end)) end
end})`, 1, `
false	scenarios/test/story.lua:4: on: csirt-a's handlers see what csirt-a knows: on() handlers are the story's (they see every event); a team reacts in its on_event`},
	})
}
