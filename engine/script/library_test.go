package script

import (
	"io/fs"
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
		{"police preserve abroad, then ask for disclosure", `
team("police-a", require("teams.police").new{delay = 5, disclose_after = 10})
set_scripted("police-a", true)
team("hosting-b", require("teams.hosting").new{})
at(2, function() campaign("deface"):deface("ministry-site", "T1190") end)`, 400,
			func(t *testing.T, st *story) {
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
		{"csirt shares and asks for a sinkhole, isp cleans and blocks", `
team("csirt-a", require("teams.csirt").new{delay = 2, share_with = {"police-a"}})
team("isp-a", require("teams.isp").new{delay = 2})
set_scripted("csirt-a", true)
at(1, function()
  local bot = campaign("bot")
  bot:start() bot:spread{contacts = 3}
  for i = 0, 40 do bot:exploit("home-" .. i, "T1190") end
  campaign("intr"):exploit("mail-a", "T1190")
end)
at(3, function() deliver("alert") end)`, 400,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "reports_shared") == 0 {
					t.Error("no report shared")
				}
				if metric(t, st.w, "hosts_cleaned") == 0 {
					t.Errorf("isp cleaned nothing")
				}
				ci, _ := st.w.CampaignIndex("bot")
				if len(st.w.Campaigns[ci].BlockedBy) == 0 {
					t.Error("isp blocked no C2")
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
				if metric(t, st.w, "content_removed") != 0 || len(eventsOfAll(st, engine.EvStatement)) == 0 {
					t.Errorf("removed %d", metric(t, st.w, "content_removed"))
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
at(4, function() inject{to = "police-a", subject = "a tip"} end)`, 300,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "evidence_lawful") == 0 || metric(t, st.w, "cases_opened") != 1 {
					t.Errorf("lawful evidence %d, cases %d", metric(t, st.w, "evidence_lawful"), metric(t, st.w, "cases_opened"))
				}
			}},
		{"fiu traces the money", `
team("police-a", require("teams.fiu").new{recheck = 5})
set_scripted("police-a", true)
team("pay-a", require("teams.hosting").new{})
set_scripted("pay-a", true)
at(1, function() campaign("prop"):raise{service = "pay-a", id = "gift", amount = 900} end)`, 600,
			func(t *testing.T, st *story) {
				if metric(t, st.w, "money_traced") != 900 || metric(t, st.w, "money_frozen") != 900 {
					t.Errorf("traced %d frozen %d", metric(t, st.w, "money_traced"), metric(t, st.w, "money_frozen"))
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
			st := newStory(t, c.src, storyOpts{})
			st.run(t, c.ticks)
			c.check(t, st)
		})
	}
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
