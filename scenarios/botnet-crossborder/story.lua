-- botnet-crossborder: the story.
--
-- 1. The crew's playbook (the adversary), from the shared library:
--    - the botnet `bot` recruits in Arland from c2-server at Borduria
--      Hosting (playbooks.botnet), sends spam, and from Tuesday 20:00
--      floods the government portal (T1498);
--    - when its C2 is sinkholed or taken down it moves to the spare server
--      c2-fallback after 6 hours (playbooks.c2_abroad, T1008 Fallback
--      Channels): only Borduria can take both down;
--    - on Tuesday 08:00 the crew defaces the foreign ministry's home page
--      (T1190, then T1491.002), and from noon a defacement wave hits
--      Arland's government websites, 16 hours a day, 3 sites tried per
--      tick (playbooks.defacement_wave).
-- 2. The injects of the MSEL that events trigger (scenario.yaml declares
--    them; README.md has the table).
-- 3. The teams: responses.lua, fast or slow after vars.response.

local botnet = require("playbooks.botnet")
local waves = require("playbooks.defacement_wave")
local c2_abroad = require("playbooks.c2_abroad")

-- ---------------------------------------------------------------- the crew

botnet.start{
  campaign = "bot",
  at = 1,
  phases = {{contacts = 1}},            -- one host tried per bot and tick, all along
  tasks = {
    {kind = "spam"},
    -- Tuesday 20:00 in Arland: the bots flood the government portal, until
    -- they are cut off from their C2 or the traffic is scrubbed.
    {kind = "ddos", target = "portal-a", technique = "T1498", at = "1d12h", bot_power = 3},
  },
}

c2_abroad.start{campaign = "bot", spares = {"c2-fallback"}, delay = "6h", technique = "T1008"}

local deface = campaign("deface")
playbook("the foreign ministry's home page", function()
  wait(ticks("1d") - tick())            -- Tuesday 08:00 in Arland
  deface:start()
  -- The crew tries every tick until it is in, or the hole is patched.
  while not asset("www-mfa").defaced do
    local ok, why = deface:deface("www-mfa", "T1190")
    if not ok and not why:find("tried again", 1, true) then
      log("the crew gives up on www-mfa: " .. why)
      return
    end
    wait(1)
  end
end)
waves.start{campaign = "deface", at = "1d4h", per_tick = 3, wave = "16h", pause = "8h"}

-- ---------------------------------------------------------------- the MSEL

-- The call from Borduria's CSIRT once a thousand Arland hosts talk to the C2.
local bots = campaign("bot")
playbook("MSEL: call from CSIRT B", function()
  wait_until(function() return bots.bots >= 1000 end)
  deliver("call-csirt-b")
end)

-- News once a hundred government websites have been defaced.
playbook("MSEL: news at 100 defacements", function()
  wait_until(function() return metric("websites_hijacked") >= 100 end)
  deliver("news-100")
end)

-- Borduria Hosting warns Arland's police two days before its records go,
-- unless they are preserved by then.
at("5d", function()
  local e = evidence("bot-c2-records-1")
  if e and not e.preserved and not e.lost then deliver("retention-warning") end
end)

on("website.defaced", function(ev)
  if ev.subject == "www-mfa" then deliver("mfa-defaced") end
end)

on("ddos.impact", function(ev)
  if ev.subject == "portal-a" and ev.value < 500 then deliver("portal-down") end
end)

on("botnet.c2_moved", function(ev)
  if ev.subject == "bot" then deliver("c2-moved") end
end)

-- script.botnet_evidence_lost counts the botnet's traces lost before
-- Arland's police or prosecutor held a lawful copy: what the case lost for
-- good (the built-in
-- evidence_lost counts every expiry, the CMS logs the defacers wipe too).
local bot_lost = 0
set_metric("botnet_evidence_lost", 0)
local CASE_KINDS = {police = true, prosecutor = true, fiu = true}  -- whose copies count in a case
local function held_lawfully_in_a(e)
  for _, c in ipairs(e.copies) do
    local o = org(c.org)
    if c.custody == "lawful" and o.jurisdiction == "A" and CASE_KINDS[o.kind] then return true end
  end
  return false
end
on("evidence.lost", function(ev)
  if ev.subject == "bot-c2-records-1" then deliver("records-lost") end
  local e = evidence(ev.subject)
  if e and e.campaign == "bot" and not held_lawfully_in_a(e) then
    bot_lost = bot_lost + 1
    set_metric("botnet_evidence_lost", bot_lost)
  end
end)

on("botnet.c2_disrupted", function(ev)
  if (ev.subject == "c2-server" or ev.subject == "c2-fallback") and asset(ev.subject).sinkholed then
    deliver("sinkhole-data")
  end
end)

-- script.sites_defaced is the number of government websites defaced now:
-- the built-in `defaced`, kept from two counters (defacements minus
-- restorations of defaced sites) when either moves, instead of counting
-- 48,000 assets every tick (an objective reads its metric every tick).
set_metric("sites_defaced", 0)
local function count_defaced()
  set_metric("sites_defaced", metric("websites_hijacked") - metric("websites_restored"))
end
on("website.defaced", count_defaced)
on("asset.restored", count_defaced)

-- ---------------------------------------------------------------- the teams

require("responses").setup(var("response", "fast"))
