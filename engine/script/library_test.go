package script

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"cyberex/engine"
)

// The shared library (scripts/) against the test world: every module
// loads, and does what its header says.

func TestLibraryModulesLoad(t *testing.T) {
	var mods []string
	fs.WalkDir(repoLibrary(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lua") && !strings.HasPrefix(p, "types/") {
			mods = append(mods, strings.ReplaceAll(strings.TrimSuffix(p, ".lua"), "/", "."))
		}
		return nil
	})
	if len(mods) < 15 {
		t.Fatalf("only %d modules: %v", len(mods), mods)
	}
	var src strings.Builder
	for _, m := range mods {
		src.WriteString("assert(type(require(\"" + m + "\")) == \"table\")\n")
	}
	newStory(t, src.String(), storyOpts{})
}

func metric(t *testing.T, w *engine.World, name string) int64 {
	t.Helper()
	v, err := w.Metric(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLibraryPlaybooks(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		ticks int
		check func(t *testing.T, st *story)
	}{
		{"botnet phases and tasks", `
require("playbooks.botnet").start{campaign = "bot", at = 2,
  phases = {{contacts = 1, duration = 30}, {contacts = 4}},
  tasks = {{kind = "spam", when_bots = 5}, {kind = "ddos", target = "ministry-site", technique = "T1498", when_bots = 40, bot_power = 50, duration = 20}, {kind = "none"}}}
at(3, function() campaign("bot"):exploit("home-1", "T1190") campaign("bot"):exploit("home-3", "T1190") campaign("bot"):exploit("home-5", "T1190") end)`, 300,
			func(t *testing.T, st *story) {
				if b := metric(t, st.w, "bots"); b < 40 {
					t.Errorf("%d bots", b)
				}
				if metric(t, st.w, "spam") == 0 {
					t.Error("no spam")
				}
				if !strings.Contains(st.output(), "task ddos on ministry-site") || !strings.Contains(st.output(), "phase 2") {
					t.Errorf("log:\n%s", st.output())
				}
			}},
		{"defacement waves", `
require("playbooks.defacement_wave").start{campaign = "deface", per_tick = 1, wave = 10, pause = 50, waves = 2}
on("website.defaced", function() command{org = "ministry-a", verb = "restore", target = "ministry-site"} end)`, 200,
			func(t *testing.T, st *story) {
				if n := metric(t, st.w, "websites_hijacked"); n != 2 {
					t.Errorf("%d defacements, want one per wave:\n%s", n, st.output())
				}
			}},
		{"defacement of listed sites", `
require("playbooks.defacement_wave").start{campaign = "deface", sites = {"ministry-site"}, wave = 5, waves = 1}`, 10,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "defaced") != 1 {
					t.Error("not defaced")
				}
			}},
		{"fallback C2", `
local bot = campaign("bot")
require("playbooks.c2_abroad").start{campaign = "bot", spares = {"spare-server"}, delay = 10}
at(1, function() bot:start() end)
at(5, function() command{org = "hosting-b", verb = "takedown", target = "crew-server"} end)`, 80,
			func(t *testing.T, st *story) {
				ci, _ := st.w.CampaignIndex("bot")
				c := st.w.Campaigns[ci]
				if st.w.AssetID(c.C2) != "spare-server" || metric(t, st.w, "campaign:bot:disrupted") != 0 {
					t.Errorf("c2 %s, disrupted %d\n%s", st.w.AssetID(c.C2), metric(t, st.w, "campaign:bot:disrupted"), st.output())
				}
			}},
		{"intrusion kill chain", `
require("playbooks.intrusion").start{campaign = "intr", at = 2, steps = {
  {action = "exploit", target = "mail-a", technique = "T1190"},
  {wait = "10m"},
  {action = "escalate", target = "mail-a", technique = "T1068"},
  {action = "exfiltrate", target = "mail-a", amount = 300, technique = "T1041"},
  {action = "exploit", target = "scada-1", technique = "T1190", attempts = 2, retry = 1},
  {action = "trip", target = "substation", technique = "T0831"},
  function(c) log("done", c.exfiltrated) end,
}}`, 40,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "exfiltrated") != 300 || metric(t, st.w, "infra:substation") != 0 || !strings.Contains(st.output(), "done\t300") {
					t.Errorf("exfiltrated %d, substation %d\n%s", metric(t, st.w, "exfiltrated"), metric(t, st.w, "infra:substation"), st.output())
				}
			}},
		{"intrusion stops at a failed step", `
require("playbooks.intrusion").start{campaign = "intr", steps = {
  {action = "lateral", target = "scada-1", technique = "T1021.002", attempts = 2, retry = 1},
  {action = "trip", target = "substation", technique = "T0831"},
}}`, 10,
			func(t *testing.T, st *story) {
				if !strings.Contains(st.output(), "step 1 lateral scada-1 failed: lateral: no foothold") || strings.Contains(st.output(), "step 2") {
					t.Errorf("log:\n%s", st.output())
				}
			}},
		{"propaganda series, reposts and funds", `
require("playbooks.propaganda").start{campaign = "prop", platforms = {"platform-b"},
  series = {count = 3, every = 10, reach = 100, growth = 10, prefix = "video"}, repost = 5,
  funds = {service = "pay-b", amount = 500, every = 10, count = 2}}
at(15, function() command{org = "platform-b", verb = "delete", target = "video-1"} end)`, 60,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "money_raised") != 1000 || metric(t, st.w, "content_live") != 3 || metric(t, st.w, "content_removed") != 1 {
					t.Errorf("raised %d, live %d, removed %d\n%s", metric(t, st.w, "money_raised"), metric(t, st.w, "content_live"), metric(t, st.w, "content_removed"), st.output())
				}
				if _, ok := st.w.ContentIndex("video-1-r1"); !ok {
					t.Error("no repost")
				}
			}},
		{"propaganda items with their own offence, kept by reposts", `
require("playbooks.propaganda").start{campaign = "prop", platforms = {"platform-b"}, repost = 2,
  series = {count = 3, every = 2, prefix = "v", items = {[2] = {offence = "hacking", reach = 50}},
    offence = function(n) return n == 3 and "defacement" or nil end}}
at(4, function() command{org = "platform-b", verb = "delete", target = "v-2"} end)
at(40, function()
  for _, id in ipairs({"v-1", "v-2", "v-3", "v-2-r1"}) do
    local c = content(id)
    log("item", id, c and c.offence or "none", c and c.reach or 0)
  end
end)`, 41,
			func(t *testing.T, st *story) {
				out := st.output()
				for _, want := range []string{"item\tv-1\tterror-propaganda", "item\tv-2\thacking", "item\tv-3\tdefacement", "item\tv-2-r1\thacking"} {
					if !strings.Contains(out, want) {
						t.Errorf("no %q in\n%s", want, out)
					}
				}
			}},
		{"intrusion branches on conditions", `
local held = function(id) return function(c) return asset(id).controller == c.id end end
require("playbooks.intrusion").start{campaign = "intr", on_fail = "continue", steps = {
  {action = "exploit", target = "mail-a", technique = "T1190"},
  {when = held("scada-1"), action = "trip", target = "substation", technique = "T0831"},
  {when = held("scada-1"),
   steps = {{action = "trip", target = "substation", technique = "T0831"}},
   else_ = {{action = "lateral", target = "scada-1", technique = "T1021.002", attempts = 1},
            function(c) log("took the else branch") end}},
  {until_ = held("scada-1"), timeout = 5},
  {action = "exfiltrate", target = "mail-a", amount = 10, technique = "T1041", attempts = 1,
   until_ = function(c) return c.exfiltrated >= 30 end, every = 2},
  function(c) log("exfiltrated", c.exfiltrated) end,
}}`, 40,
			func(t *testing.T, st *story) {
				out := st.output()
				if !strings.Contains(out, "step 2 skipped") || !strings.Contains(out, "took the else branch") || !strings.Contains(out, "exfiltrated\t30") {
					t.Errorf("log:\n%s", out)
				}
				if strings.Contains(out, "trip substation done") {
					t.Errorf("tripped without holding the SCADA:\n%s", out)
				}
			}},
		{"intrusion refuses a malformed step at start", `
local ok, err = pcall(function()
  require("playbooks.intrusion").start{campaign = "intr", steps = {{target = "mail-a"}}}
end)
log("start", ok, err)`, 1,
			func(t *testing.T, st *story) {
				if !strings.Contains(st.output(), "want action, wait, steps or until_") {
					t.Errorf("log:\n%s", st.output())
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStory(t, c.src, storyOpts{})
			st.run(t, c.ticks)
			c.check(t, st)
		})
	}
}

func TestLibraryTeams(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		ticks int
		check func(t *testing.T, st *story)
	}{
		{"hosting preserves on request, refuses informal disclosure", `
team("hosting-b", require("teams.hosting").new{})
at(1, function()
  command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}}
  command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "disclose", target = "crew-logs", channel = "police"}}
end)`, 300,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "evidence:crew-logs:preserved") != 1 || st.w.Requests[1].Status != engine.ReqRefused {
					t.Errorf("preserved %d, disclose %s", metric(t, st.w, "evidence:crew-logs:preserved"), st.w.Requests[1].Status)
				}
			}},
		{"a slow hosting company holds and answers late", `
team("hosting-b", require("teams.hosting").new{answer_delay = "3d"})
at(1, function() command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}} end)`, 4400,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "evidence:crew-logs:lost") != 1 {
					t.Error("the slow answer came in time")
				}
			}},
		{"hosting's abuse desk takes down a C2 it is told of", `
team("hosting-b", require("teams.hosting").new{abuse_desk = true, delay = 5})
at(1, function() campaign("bot"):start() end)
at(2, function() command{org = "police-a", verb = "message", target = "hosting-b", args = {text = "crew-server is a botnet's C2"}} end)`, 100,
			func(t *testing.T, st *story) {
				if got := accepted(st, "hosting-b", "takedown"); len(got) != 1 || !takenDown(st, "crew-server") {
					t.Errorf("takedowns %v\n%s", got, st.output())
				}
			}},
		{"hosting's abuse desk matches indicators against its servers", `
team("hosting-b", require("teams.hosting").new{abuse_desk = true, delay = 5})
at(1, function() local b = campaign("bot") b:start() b:exploit("home-1", "T1190") end)
at(2, function() command{org = "csirt-a", verb = "investigate", target = "home-1"} end)
at(40, function() command{org = "csirt-a", verb = "share", target = "hosting-b", args = {tlp = "AMBER", campaign = "bot", title = "a botnet"}} end)`, 200,
			func(t *testing.T, st *story) {
				if got := accepted(st, "hosting-b", "takedown"); len(got) != 1 || !takenDown(st, "crew-server") {
					t.Errorf("takedowns %v\n%s", got, st.output())
				}
			}},
		{"hosting's abuse desk leaves a server already down, and one nobody named", `
team("hosting-b", require("teams.hosting").new{abuse_desk = true, delay = 5})
at(1, function() campaign("bot"):start() end)
at(2, function() command{org = "hosting-b", verb = "takedown", target = "crew-server"} end)
at(50, function()
  command{org = "police-a", verb = "message", target = "hosting-b", args = {text = "crew-server is a botnet's C2"}}
  command{org = "police-a", verb = "message", target = "hosting-b", args = {text = "something is wrong somewhere"}}
end)`, 200,
			func(t *testing.T, st *story) {
				if got := accepted(st, "hosting-b", "takedown"); len(got) != 1 {
					t.Errorf("takedowns %v, want the first only\n%s", got, st.output())
				}
			}},
		{"police preserve abroad, then ask for disclosure", `
team("police-a", require("teams.police").new{delay = 5, disclose_after = 10})
set_scripted("police-a", true)
team("hosting-b", require("teams.hosting").new{})
at(2, function() campaign("deface"):deface("ministry-site", "T1190") end)`, 400,
			func(t *testing.T, st *story) {
				// The defaced page names the crew; investigating the site finds
				// the server it calls home to, whose logs lie at hosting-b.
				var kinds []string
				for _, r := range st.w.Requests {
					kinds = append(kinds, r.Kind.String()+":"+r.Target)
				}
				if metric(t, st.w, "evidence:crew-logs:preserved") != 1 || !strings.Contains(strings.Join(kinds, " "), "disclose:crew-logs") {
					t.Errorf("requests %v, preserved %d", kinds, metric(t, st.w, "evidence:crew-logs:preserved"))
				}
			}},
		{"police without preservation lose the logs", `
team("police-a", require("teams.police").new{delay = 5, preserve_first = false})
set_scripted("police-a", true)
at(2, function() campaign("deface"):deface("ministry-site", "T1190") end)`, 4400,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "evidence:crew-logs:lost") != 1 {
					t.Error("the logs survived")
				}
			}},
		{"police ask only for what they can name", `
team("police-a", require("teams.police").new{delay = 2})
set_scripted("police-a", true)
at(1, function() campaign("intr"):exploit("mail-a", "T1190") campaign("bot"):start() end)
at(3, function() inject{to = "police-a", from = "radio", subject = "Evening news: hackers are everywhere"} end)`, 300,
			func(t *testing.T, st *story) {
				if len(st.w.Requests) != 0 || len(accepted(st, "police-a", "")) != 0 {
					t.Errorf("requests %d, commands %v", len(st.w.Requests), accepted(st, "police-a", ""))
				}
			}},
		{"police take leads one at a time, by priority, as filtered", `
team("police-a", require("teams.police").new{delay = 1, max_open = 1, priority = {"scada"},
  only = function(ev, id) return id ~= "mail-a" end})
set_scripted("police-a", true)
at(2, function() inject{to = "police-a", subject = "mail-a, ministry-site and scada-1 behave oddly"} end)`, 200,
			func(t *testing.T, st *story) {
				got := accepted(st, "police-a", "investigate")
				if len(got) != 2 || !strings.Contains(got[0], "scada-1") || !strings.Contains(got[1], "ministry-site") {
					t.Fatalf("investigations %v", got)
				}
				if t0, t1 := acceptedTick(t, got[0]), acceptedTick(t, got[1]); t1-t0 < 30 {
					t.Errorf("the second investigation started at %d, before the first (from %d) was done", t1, t0)
				}
			}},
		{"csirt ignores news that names nothing", `
team("csirt-a", require("teams.csirt").new{delay = 2, share_with = {"police-a"}, takedown = true})
set_scripted("csirt-a", true)
at(1, function()
  local bot = campaign("bot")
  bot:start() bot:spread{contacts = 3}
  for i = 0, 40 do bot:exploit("home-" .. i, "T1190") end
  campaign("intr"):exploit("mail-a", "T1190")
end)
at(3, function() inject{to = "csirt-a", from = "radio", subject = "Evening news: hackers are everywhere"} end)`, 300,
			func(t *testing.T, st *story) {
				if got := accepted(st, "csirt-a", ""); len(got) != 0 || len(st.w.Requests) != 0 {
					t.Errorf("commands %v, requests %d", got, len(st.w.Requests))
				}
			}},
		{"csirt investigates what it is told, shares what it finds, has the C2 taken down", `
team("csirt-a", require("teams.csirt").new{delay = 2, share_with = {"police-a"}, takedown = true})
team("hosting-b", require("teams.hosting").new{})
set_scripted("csirt-a", true)
at(1, function() campaign("intr"):exploit("mail-a", "T1190") end)
at(3, function() inject{to = "csirt-a", from = "ministry-a", subject = "mail-a sends mail at night"} end)`, 1800,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "reports_shared") != 1 || !takenDown(st, "crew-server") {
					t.Errorf("reports %d, crew-server taken down %v\n%s", metric(t, st.w, "reports_shared"), takenDown(st, "crew-server"), st.output())
				}
				pi, _ := st.w.OrgIndex("police-a")
				ci, _ := st.w.CampaignIndex("intr")
				if !containsInt32(st.w.Orgs[pi].Indicators, ci) {
					t.Error("the report gave police-a no indicators of intr")
				}
			}},
		{"isp cleans, patches and blocks the C2 the alert shows, not another", `
team("isp-a", require("teams.isp").new{delay = 2})
at(1, function()
  local intr = campaign("intr")
  intr:exploit("mail-a", "T1190") intr:move_c2("spare-server", "T1008")
  local bot = campaign("bot")
  bot:start() bot:spread{contacts = 3}
  for i = 0, 40 do bot:exploit("home-" .. i, "T1190") end
end)`, 600,
			func(t *testing.T, st *story) {
				bi, _ := st.w.CampaignIndex("bot")
				ii, _ := st.w.CampaignIndex("intr")
				if len(st.w.Campaigns[bi].BlockedBy) == 0 || len(st.w.Campaigns[ii].BlockedBy) != 0 {
					t.Errorf("bot blocked by %v, intr by %v", st.w.Campaigns[bi].BlockedBy, st.w.Campaigns[ii].BlockedBy)
				}
				if metric(t, st.w, "hosts_cleaned") == 0 || len(accepted(st, "isp-a", "update home-a")) != 1 {
					t.Errorf("cleaned %d, updates %v", metric(t, st.w, "hosts_cleaned"), accepted(st, "isp-a", "update"))
				}
			}},
		{"isp blocks a C2 a message names", `
team("isp-a", require("teams.isp").new{delay = 2})
at(1, function() local intr = campaign("intr") intr:exploit("mail-a", "T1190") intr:move_c2("spare-server", "T1008") end)
at(5, function() command{org = "csirt-a", verb = "message", target = "isp-a", args = {text = "the hosts of mail-a call home to spare-server"}} end)
at(6, function() command{org = "csirt-a", verb = "message", target = "isp-a", args = {text = "mail-a and home-a look odd"}} end)`, 100,
			func(t *testing.T, st *story) {
				// spare-server is a plain server by kind: the message says what it is.
				if got := accepted(st, "isp-a", "deny"); len(got) != 1 || !strings.Contains(got[0], "spare-server") {
					t.Errorf("denies %v", got)
				}
				ii, _ := st.w.CampaignIndex("intr")
				if len(st.w.Campaigns[ii].BlockedBy) == 0 {
					t.Error("intr not blocked")
				}
			}},
		{"platform removes unlawful content, ministry answers", `
team("platform-b", require("teams.platform").new{proactive = true, delay = 10})
team("ministry-a", require("teams.ministry").new{counter_narrative = true, delay = 5})
set_scripted("ministry-a", true)
on("statement.public", function(ev) log("event statement.public") end)
at(1, function() campaign("prop"):publish{platform = "platform-b", id = "v1"} end)`, 60,
			func(t *testing.T, st *story) {
				// terror-propaganda is no crime in B: the platform keeps it; the ministry speaks.
				if metric(t, st.w, "content_removed") != 0 || len(eventsOfAll(st, engine.EvStatement)) != 1 {
					t.Errorf("removed %d, statements %d", metric(t, st.w, "content_removed"), len(eventsOfAll(st, engine.EvStatement)))
				}
			}},
		{"ministry speaks again while the material is online", `
team("ministry-a", require("teams.ministry").new{counter_narrative = true, delay = 2, every = 40})
set_scripted("ministry-a", true)
on("statement.public", function(ev) log("event statement.public") end)
at(1, function() campaign("prop"):publish{platform = "platform-b", id = "v1"} end)
at(60, function() command{org = "platform-b", verb = "delete", target = "v1"} end)`, 400,
			func(t *testing.T, st *story) {
				// at 3 and 43; at 83 v1 is gone (removed at 71)
				if n := len(eventsOfAll(st, engine.EvStatement)); n != 2 {
					t.Errorf("%d statements, want 2\n%s", n, st.output())
				}
			}},
		{"ministry restores and patches", `
team("ministry-a", require("teams.ministry").new{delay = 5})
set_scripted("ministry-a", true)
at(2, function() campaign("deface"):deface("ministry-site", "T1190") end)`, 200,
			func(t *testing.T, st *story) {
				ai, _ := st.w.AssetIndex("ministry-site")
				if metric(t, st.w, "websites_restored") != 1 || st.w.Assets[ai].Vulns != 0 {
					t.Errorf("restored %d", metric(t, st.w, "websites_restored"))
				}
			}},
		{"operator runs by hand and restores", `
team("grid-a", require("teams.operator").new{delay = 2})
set_scripted("grid-a", true)
at(2, function() local i = campaign("intr") i:exploit("scada-1", "T1190") i:trip("substation", "T0831") end)
at(100, function() campaign("intr"):physical("hospital") end)`, 600,
			func(t *testing.T, st *story) {
				fi, _ := st.w.InfraIndex("substation")
				hi, _ := st.w.InfraIndex("hospital")
				if !st.w.Infras[fi].Manual || st.w.Infras[hi].Damaged {
					t.Errorf("substation %+v hospital %+v", st.w.Infras[fi], st.w.Infras[hi])
				}
			}},
		{"prosecutor opens a case on lawful evidence", `
team("police-a", require("teams.police").new{delay = 1})
set_scripted("police-a", true)
set_scripted("prosecutor-a", true)
team("prosecutor-a", require("teams.prosecutor").new{min_strength = 1, recheck = 10})
team("ministry-a", require("teams.ministry").new{})
set_scripted("ministry-a", true)
at(2, function() campaign("intr"):exploit("mail-a", "T1190") end)
at(4, function() inject{to = "police-a", subject = "a tip: mail-a sends mail at night"} end)`, 300,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "evidence_lawful") == 0 || metric(t, st.w, "cases_opened") != 1 {
					t.Errorf("lawful evidence %d, cases %d", metric(t, st.w, "evidence_lawful"), metric(t, st.w, "cases_opened"))
				}
			}},
		{"prosecutor opens a case on the police's file when asked to", `
set_scripted("prosecutor-a", true)
team("prosecutor-a", require("teams.prosecutor").new{min_strength = 100, recheck = 10, open_on_report = true})
at(2, function()
  command{org = "ministry-a", verb = "message", target = "prosecutor-a", args = {text = "deface defaced us"}}
end)
at(50, function()
  command{org = "police-a", verb = "message", target = "prosecutor-a", args = {text = "our file on intr: mail-a"}}
end)`, 300,
			func(t *testing.T, st *story) {
				// the ministry is not the police: no case on deface; the police's file opens one on intr
				got := accepted(st, "prosecutor-a", "prosecute")
				if len(got) != 1 || !strings.Contains(got[0], "intr") || metric(t, st.w, "cases_opened") != 1 {
					t.Errorf("prosecutions %v", got)
				}
			}},
		{"prosecutor waits for lawful evidence by default", `
set_scripted("prosecutor-a", true)
team("prosecutor-a", require("teams.prosecutor").new{min_strength = 1, recheck = 10})
at(1, function() campaign("intr"):exploit("mail-a", "T1190") end)
at(50, function() command{org = "police-a", verb = "message", target = "prosecutor-a", args = {text = "our file on intr"}} end)`, 300,
			func(t *testing.T, st *story) {
				if n := metric(t, st.w, "cases_opened"); n != 0 {
					t.Errorf("%d cases without lawful evidence", n)
				}
			}},
		{"fiu traces the money it is told of", `
team("police-a", require("teams.fiu").new{recheck = 5})
set_scripted("police-a", true)
team("pay-a", require("teams.hosting").new{})
set_scripted("pay-a", true)
at(1, function() campaign("prop"):raise{service = "pay-a", id = "gift", amount = 900} end)
at(3, function() command{org = "pay-a", verb = "message", target = "police-a", args = {text = "suspicious transaction report: payment gift"}} end)`, 600,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "money_traced") != 900 || metric(t, st.w, "money_frozen") != 900 {
					t.Errorf("traced %d frozen %d", metric(t, st.w, "money_traced"), metric(t, st.w, "money_frozen"))
				}
			}},
		{"fiu asks for no record it does not know of, and through its channel", `
team("police-a", require("teams.fiu").new{recheck = 5, channel = "police"})
set_scripted("police-a", true)
team("pay-b", require("teams.hosting").new{})
set_scripted("pay-b", true)
at(1, function()
  campaign("prop"):raise{service = "pay-b", id = "gift-1", amount = 100}
  campaign("prop"):raise{service = "pay-b", id = "gift-2", amount = 200}
end)
at(100, function()
  local rec = evidence_list{holder = "pay-b", kind = "payment-record"}[2].id
  command{org = "pay-b", verb = "message", target = "police-a", args = {text = "records " .. rec .. " of the account"}}
end)`, 300,
			func(t *testing.T, st *story) {
				if len(st.w.Requests) != 1 || st.w.Requests[0].Sent < 100 {
					t.Fatalf("%d requests", len(st.w.Requests))
				}
				if r := st.w.Requests[0]; r.Channel.String() != "police" || r.Status != engine.ReqRefused {
					t.Errorf("request %+v", r)
				}
			}},
		{"the same scenario, fast and slow teams", `
local speed = var("speed", "fast")
local d = speed == "fast" and 0 or "4d"
team("hosting-b", require("teams.hosting").new{answer_delay = d})
at(1, function() command{org = "police-a", verb = "request", target = "hosting-b", args = {kind = "preserve", target = "crew-logs"}} end)`, 4400,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "evidence:crew-logs:preserved") != 1 {
					t.Error("the fast team did not preserve")
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStory(t, acceptedLog+c.src, storyOpts{})
			st.run(t, c.ticks)
			c.check(t, st)
		})
	}
}

// acceptedLog logs every accepted command: "accepted ORG VERB TARGET TICK".
const acceptedLog = `on("command.accepted", function(ev)
  log("accepted", ev.org, (ev.text:match("^%S+ (%S+)")), ev.subject or "", ev.tick)
end)
`

// accepted lists the commands of an organisation the story logged
// (acceptedLog) whose "VERB TARGET" starts with what ("" for all).
func accepted(st *story, org, what string) []string {
	var out []string
	for _, l := range *st.log {
		f := strings.Split(l, "\t")
		if len(f) == 5 && f[0] == "accepted" && f[1] == org && strings.HasPrefix(f[2]+" "+f[3], what) {
			out = append(out, f[2]+" "+f[3]+" "+f[4])
		}
	}
	return out
}

// acceptedTick is the tick of an accepted() line.
func acceptedTick(t *testing.T, line string) int {
	t.Helper()
	f := strings.Fields(line)
	n, err := strconv.Atoi(f[len(f)-1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func takenDown(st *story, id string) bool {
	i, ok := st.w.AssetIndex(id)
	return ok && st.w.Assets[i].Flags&engine.FlagTakenDown != 0
}

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// eventsOfAll collects events of a kind over a run: the story records
// them through a handler installed here.
func eventsOfAll(st *story, kind string) []string {
	var out []string
	for _, l := range *st.log {
		if strings.HasPrefix(l, "event "+kind) {
			out = append(out, l)
		}
	}
	return out
}

// fogAudit wraps the query functions a scripted team's handlers may call
// so that reading what the team's organisation could not know logs a
// "FOG" line: a campaign's state, another organisation's internals (its
// assets' and segments' state, its evidence's fate, its payments, its
// requests), the list queries over the whole world. The library's own
// helpers (teams/lib.lua) keep the references they took when it loaded:
// they are the reviewed place where attribution and record look-ups read
// more, each for a stated reason; the audit is installed after it, so it
// checks what the policy modules do themselves.
const fogAudit = `
local lib = require("teams.lib")
local R = {asset = asset, assets = assets, segment = segment, segments = segments, campaign = campaign,
  campaigns = campaigns, evidence = evidence, evidence_list = evidence_list, payment = payment,
  payments = payments, request = request, requests = requests, infra = infra, org = org}
local function violation(what)
  log("FOG", me(), what, tick())
end
local function set(l) local s = {} for _, v in ipairs(l) do s[v] = true end return s end
local function guarded(real, name, public)
  return setmetatable({}, {__index = function(_, k)
    if not public[k] then violation(name .. "." .. k) end
    return real[k]
  end})
end
local PUBLIC = {
  asset = set{"id", "kind", "segment", "owner", "jurisdiction", "named", "defaced"},
  segment = set{"id", "owner", "jurisdiction", "isp", "prefix", "links"},
  evidence = set{"id", "kind", "holder", "asset", "campaign", "offence", "weight", "created", "copies", "custody"},
  payment = set{"id", "service", "amount", "tick"},
  infra = set{"id", "kind", "owner", "priority"},
  org = set{"id", "name", "kind", "jurisdiction", "clients"},
}
asset = function(id)
  local a = R.asset(id)
  if not me() or a.owner == me() or R.segment(a.segment).isp == me() then return a end
  return guarded(a, "asset(" .. id .. ")", PUBLIC.asset)
end
segment = function(id)
  local s = R.segment(id)
  if not me() or s.owner == me() or s.isp == me() then return s end
  return guarded(s, "segment(" .. id .. ")", PUBLIC.segment)
end
evidence = function(id)
  local e = R.evidence(id)
  if not e or not me() or e.holder == me() then return e end
  return guarded(e, "evidence(" .. id .. ")", PUBLIC.evidence)
end
payment = function(id)
  local p = R.payment(id)
  if not p or not me() or p.service == me() then return p end
  return guarded(p, "payment(" .. id .. ")", PUBLIC.payment)
end
infra = function(id)
  local f = R.infra(id)
  if not me() or f.owner == me() then return f end
  return guarded(f, "infra(" .. id .. ")", PUBLIC.infra)
end
org = function(id)
  local o = R.org(id)
  if not me() or o.id == me() then return o end
  return guarded(o, "org(" .. id .. ")", PUBLIC.org)
end
request = function(n)
  local r = R.request(n)
  if r and me() and r.from ~= me() and r.to ~= me() then violation("request(" .. r.id .. ")") end
  return r
end
for _, name in ipairs({"assets", "segments", "campaign", "campaigns", "evidence_list", "payments", "requests"}) do
  local f = R[name]
  _G[name] = function(...)
    if me() then violation(name .. "()") end
    return f(...)
  end
end
`

// TestLibraryTeamsKeepToTheFogOfWar runs every library policy through
// busy stories with the audit on: none may read what its organisation
// could not know.
func TestLibraryTeamsKeepToTheFogOfWar(t *testing.T) {
	attacks := `
at(1, function()
  local bot = campaign("bot")
  bot:start() bot:spread{contacts = 3}
  for i = 0, 40 do bot:exploit("home-" .. i, "T1190") end
  local intr = campaign("intr")
  intr:exploit("mail-a", "T1190")
  intr:exploit("scada-1", "T1190")
  campaign("prop"):publish{platform = "platform-b", id = "v1"}
  campaign("prop"):raise{service = "pay-a", id = "gift-1", amount = 500}
  campaign("prop"):raise{service = "pay-b", id = "gift-2", amount = 700}
end)
at(5, function() campaign("deface"):deface("ministry-site", "T1190") end)
at(20, function() campaign("intr"):trip("substation", "T0831") end)
at(30, function()
  inject{to = "all", from = "radio", subject = "Evening news: hackers everywhere"}
  inject{to = {"csirt-a", "police-a"}, from = "ministry-a", subject = "mail-a and scada-1 behave oddly"}
end)
at(40, function() campaign("intr"):physical("hospital") end)
at(60, function()
  command{org = "pay-a", verb = "message", target = "police-a", args = {text = "suspicious transaction report: gift-1"}}
  command{org = "ministry-a", verb = "message", target = "hosting-b", args = {text = "our hosts call home to crew-server"}}
  command{org = "ministry-a", verb = "message", target = "isp-a", args = {text = "our hosts call home to crew-server"}}
end)
at(300, function() campaign("intr"):move_c2("spare-server", "T1008") end)
`
	stories := map[string]string{
		"responders": `
team("csirt-a", require("teams.csirt").new{delay = 2, share_with = {"police-a", "isp-a", "hosting-b"}, takedown = true, max_open = 2})
team("police-a", require("teams.police").new{delay = 3, disclose_after = 5, recheck = 50})
team("prosecutor-a", require("teams.prosecutor").new{min_strength = 1, recheck = 20, open_on_report = true})
team("ministry-a", require("teams.ministry").new{delay = 2, counter_narrative = true, every = 100, report_to = "police-a"})
team("grid-a", require("teams.operator").new{delay = 2})
team("isp-a", require("teams.isp").new{delay = 2})
team("hosting-b", require("teams.hosting").new{abuse_desk = true, delay = 5})
team("platform-b", require("teams.platform").new{proactive = true, delay = 5})
for _, o in ipairs({"csirt-a", "police-a", "prosecutor-a", "ministry-a", "grid-a", "isp-a", "hosting-b", "platform-b"}) do set_scripted(o, true) end
at(200, function() command{org = "police-a", verb = "message", target = "prosecutor-a", args = {text = "file on intr"}} end)
`,
		"money": `
team("police-a", require("teams.fiu").new{recheck = 10, preserve_first = true})
team("prosecutor-a", require("teams.fiu").new{recheck = 10, channel = "mla"})
team("pay-a", require("teams.hosting").new{})
team("pay-b", require("teams.hosting").new{abuse_desk = true})
for _, o in ipairs({"police-a", "prosecutor-a", "pay-a", "pay-b"}) do set_scripted(o, true) end
at(70, function() command{org = "police-a", verb = "message", target = "prosecutor-a", args = {text = "records prop-payment-record-2 at pay-b"}} end)
`,
	}
	stories["a cheat"] = `
team("csirt-a", {on_event = function(ev)
  if ev.kind == "inject.delivered" then
    log("cheat", pcall(campaigns, {active = true}))
    log("cheat", pcall(function() return asset("mail-a").controller end))
  end
end})
set_scripted("csirt-a", true)
`
	for _, name := range []string{"responders", "money", "a cheat"} {
		t.Run(name, func(t *testing.T) {
			st := newStory(t, fogAudit+stories[name]+attacks+acceptedLog, storyOpts{})
			st.run(t, 1500)
			var fog []string
			for _, l := range *st.log {
				if strings.HasPrefix(l, "FOG") {
					fog = append(fog, l)
				}
			}
			if name == "a cheat" {
				// the audit itself sees a policy that cheats, and the
				// engine refuses it: an error naming the function
				if len(fog) < 2 || !strings.Contains(fog[0], "campaigns()") || !strings.Contains(fog[1], "asset(mail-a).controller") {
					t.Errorf("the audit saw %v", fog)
				}
				out := st.output()
				if !strings.Contains(out, "cheat\tfalse\t") || !strings.Contains(out, "campaigns: csirt-a's handlers see what csirt-a knows") ||
					!strings.Contains(out, "asset: csirt-a's handlers see what csirt-a knows: mail-a is ministry-a's, not its controller") {
					t.Errorf("the engine let the cheat read:\n%s", out)
				}
				return
			}
			if len(fog) > 0 {
				t.Errorf("%d reads of what the team cannot know, the first: %v", len(fog), fog[:min(len(fog), 10)])
			}
			acted := 0
			for _, l := range *st.log {
				if strings.HasPrefix(l, "accepted\t") {
					acted++
				}
			}
			if acted < 5 {
				t.Errorf("the teams hardly acted (%d commands): the audit saw little\n%s", acted, st.output())
			}
		})
	}
}

// teams.operator runs a process by hand when a dependency is lost, not
// only after a SCADA trip: when islanding is off, or when the site has no
// local generation to island on (the island command is refused), and it
// islands a site that can when its upstream failed.
func TestOperatorGoesManualWhenDependencyLost(t *testing.T) {
	for _, tc := range []struct {
		name         string
		opts         string
		island       engine.Permille // the hospital's island level (0: cannot island)
		manual       bool            // the hospital run by hand at the end
		islanded     bool
		hospitalLeft engine.Permille
	}{
		{"islands when it can", `{delay = 2}`, 800, false, true, 800},
		{"by hand when islanding is off", `{delay = 2, island = false}`, 800, true, false, 600},
		{"by hand when it cannot island", `{delay = 2}`, 0, true, false, 600},
		{"nothing when manual and island are off", `{delay = 2, island = false, manual = false}`, 800, false, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStory(t, acceptedLog+`
team("grid-a", require("teams.operator").new`+tc.opts+`)
set_scripted("grid-a", true)
at(2, function() local i = campaign("intr") i:exploit("scada-1", "T1190") i:trip("substation", "T0831") end)`, storyOpts{})
			hi, _ := st.w.InfraIndex("hospital")
			h := &st.w.Infras[hi]
			h.IslandPermille, h.ManualPermille = tc.island, 600
			st.run(t, 300)
			fi, _ := st.w.InfraIndex("substation")
			if tc.manual != h.Manual || tc.islanded != h.Islanded || h.Level != tc.hospitalLeft {
				t.Errorf("hospital manual %v islanded %v at %d‰, want %v %v %d‰ (substation %+v)\n%s",
					h.Manual, h.Islanded, h.Level, tc.manual, tc.islanded, tc.hospitalLeft, st.w.Infras[fi], st.output())
			}
			if got := accepted(st, "grid-a", "manual substation"); (len(got) == 1) == (tc.opts == `{delay = 2, island = false, manual = false}`) {
				t.Errorf("manual substation accepted %v: the tripped substation is run by hand unless manual = false", got)
			}
		})
	}
}
