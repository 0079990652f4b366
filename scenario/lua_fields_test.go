package scenario_test

import (
	"strings"
	"testing"
)

// Every ev.fields.NAME a handler reads is checked against the payloads of
// the kinds it can receive, at its line, with the closest name.
func TestEventFieldsChecked(t *testing.T) {
	for _, tc := range []struct {
		name, lua string
		want      []string // every error, in order ({lua:N}: line N of lua)
	}{
		{name: "on(kind)", lua: `on("funds.raised", function(ev) log(ev.fields.recods) end)` + "\n",
			want: []string{`tut/story.lua:{lua:1}: ev.fields.recods: no field "recods" in the payload of funds.raised; did you mean "records"?`}},
		{name: "another parameter name", lua: `on("evidence.lost", function(e)
  log(e.fields.holder, e.fields.retain)
end)
`, want: []string{`tut/story.lua:{lua:2}: e.fields.retain: "retain" is in the payload of evidence.created, not of evidence.lost (one of evidence, kind, holder)`}},
		{name: "every kind: only a name no payload has", lua: `on("*", function(ev) log(ev.fields.retain, ev.fields.camapign) end)` + "\n",
			want: []string{"tut/story.lua:{lua:1}: ev.fields.camapign: no event kind's payload has a field \"camapign\"; did you mean \"campaign\"? (`cyberex explain events KIND` lists a kind's payload)"}},
		{name: "narrowed by if", lua: `on("*", function(ev)
  if ev.kind == "request.sent" then
    log(ev.fields.result)
  elseif ev.kind == "request.answered" then
    log(ev.fields.result)
  end
end)
`, want: []string{`tut/story.lua:{lua:3}: ev.fields.result: "result" is in the payload of command.done, request.answered, not of request.sent; did you mean "request"?`}},
		{name: "narrowed by and, or, early return", lua: `team("police-a", {on_event = function(ev)
  local a = ev.kind == "command.rejected" and ev.fields.verb == "island" and ev.fields.reson
  local b = (ev.kind == "request.sent" or ev.kind == "request.answered") and ev.fields.reslt
  local c = ev.kind ~= "content.removed" or ev.fields.reach
  if ev.kind ~= "evidence.created" or not ev.fields then return end
  log(ev.fields.holdr, a, b, c)
end})
`, want: []string{
			`tut/story.lua:{lua:2}: ev.fields.reson: no field "reson" in the payload of command.rejected; did you mean "reason"?`,
			`tut/story.lua:{lua:3}: ev.fields.reslt: no field "reslt" in the payload of request.answered or request.sent; did you mean "result"?`,
			`tut/story.lua:{lua:6}: ev.fields.holdr: no field "holdr" in the payload of evidence.created; did you mean "holder"?`,
		}},
		{name: "a policy's on_event method and a parameter named ev", lua: `local p = {}
function p.on_event(x) log(x.fields.platfrom) end
local function only(ev, id) return ev.fields.subject end
`, want: []string{
			"tut/story.lua:{lua:2}: x.fields.platfrom: no event kind's payload has a field \"platfrom\"; did you mean \"platform\"? (`cyberex explain events KIND` lists a kind's payload)",
			"tut/story.lua:{lua:3}: ev.fields.subject: no event kind's payload has a field \"subject\" (`cyberex explain events KIND` lists a kind's payload)",
		}},
		{name: "custom events carry no payload", lua: `on("script.press", function(ev) log(ev.subject, ev.fields.text) end)` + "\n",
			want: []string{`tut/story.lua:{lua:1}: ev.fields.text: a script.press event carries no payload (emit sets only org, subject, text, value, public and visible): ev.fields is nil`}},
		{name: "good names", lua: `on("asset.detected", function(ev)
  if ev.fields.by == "sensor" then log(ev.fields.asset, ev.fields.campaign_kind) end
  log(ev.fields.c2s)
end)
on("request.answered", function(ev) log(ev.fields.result, ev.fields.status) end)
on("*", function(ev) if ev.kind == "funds.raised" and ev.fields then log(ev.fields.records) end end)
`},
		{name: "what the code rebinds is its own", lua: `on("funds.raised", function(ev)
  local ev = {fields = {mine = 1}}
  log(ev.fields.mine)
end)
on("funds.raised", function(e)
  for _, e in ipairs({}) do log(e.fields.mine) end
  lib.later(0, function(e) log(e.fields.mine) end)
  e = {fields = {}}
  log(e.fields.mine)
end)
local ev = {fields = {mine = 1}}
log(ev.fields.mine)
`},
		{name: "computed keys are not checked", lua: `on("funds.raised", function(ev) local k = "x" log(ev.fields[k]) end)` + "\n"},
		{name: "a contradiction is dead code", lua: `on("funds.raised", function(ev) if ev.kind == "content.removed" then log(ev.fields.reach) end end)` + "\n"},
		{name: "a kind compared that does not exist", lua: `team("police-a", {on_event = function(ev)
  if ev.kind == "website.defacd" then log(ev.fields.campaign) end
  if "funds.raised" ~= ev.kind or ev.kind == "script.press" then return end
  local k = {kind = "anything"}
  log(k.kind == "anything", ev.fields.records)
end})
`, want: []string{`tut/story.lua:{lua:2}: ev.kind == "website.defacd": no event kind "website.defacd"; did you mean "website.defaced"?`}},
		{name: "handlers by name", lua: `local function raised(e) log(e.fields.records, e.fields.reach) end
on("funds.raised", raised)
function removed(e) log(e.fields.reach, e.fields.amount) end
on("content.removed", removed)
on("content.published", removed)
local shared = function(e) log(e.fields.records, e.fields.reach) end
on("funds.raised", shared)
on("*", function(ev) shared(ev) end)
`, want: []string{
			`tut/story.lua:{lua:1}: e.fields.reach: "reach" is in the payload of content.published, content.removed, not of funds.raised (one of payment, service, amount, records)`,
			`tut/story.lua:{lua:3}: e.fields.amount: "amount" is in the payload of funds.raised, funds.traced, not of content.published or content.removed (one of content, platform, offence, reach, records, by)`,
		}},
		{name: "an unknown kind is said once", lua: `on("funds.raisd", function(ev) log(ev.fields.records) end)` + "\n",
			want: []string{`tut/story.lua:{lua:1}: on("funds.raisd"): unknown event kind "funds.raisd"; did you mean "funds.raised"?`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := tutorialFS(t, tc.lua)
			got, want := loadErrors(t, fsys), at(t, fsys, tc.want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
