-- grid-hybrid: the story.
--
-- 1. EMBER HAND's kill chain against Arland Energy (playbooks.intrusion):
--    spearphishing into the office network, valid accounts on the jump
--    server, remote services into the control room, the SCADA server and
--    a PLC; at T0 the breakers of substation X open while explosives
--    damage substation Y; then the SCADA server is wiped and, while the
--    campaign still holds a controller of X, X is tripped again whenever
--    the operator brings it back (denial of control).
-- 2. Two days later the same chain against Nordmark Grid. It fails only
--    where the defenders' actions make it fail: the lure bounces off a
--    mail gateway rule built from the campaign's indicators, a patched
--    hop cannot be exploited, a foothold found by the sensor (tripled by
--    the indicators) and cleaned cannot be used.
-- 3. Injects triggered by what happens (news of the blackout, the wiped
--    SCADA, the hospital and the water works on generators, the ministry's
--    request for a situation report, the neighbour's call, the lures
--    blocked in Nordmark, the blackout in Nordmark).
-- 4. The script objective sitrep-in-time and the figures script.*.
-- 5. The scripted teams (grid_teams.lua), played fast or slow
--    (var "response").

local intrusion = require("playbooks.intrusion")
local grid_teams = require("grid_teams")

local C = "grid-intrusion"
local T0 = 600        -- Monday 16:00 UTC, 17:00 in Arland: the combined attack
local TN = 2880       -- Wednesday 06:00 UTC: the campaign turns on Nordmark
local SITREP_TICKS = 120

local campaign_x = campaign(C)
local sabotage = campaign("substation-sabotage")

local function has(list, v)
  for _, x in ipairs(list) do
    if x == v then return true end
  end
  return false
end

local function holds(id) return asset(id).controller == C end

-- Figures the tests and the after-action report read (script.NAME).
set_metric("neighbour_warned", 0)       -- 1 once NCSC-NM holds the campaign's indicators
set_metric("a_trips", 0)                -- trips of substation X by the campaign
set_metric("n_compromised", 0)          -- 1 once Nordmark's SCADA server was taken
set_metric("n_tripped", 0)              -- 1 once Nordmark's substation was tripped
set_metric("n_lures_blocked", 0)        -- lures stopped by Nordmark's mail gateway rule

local trips = 0
local function trip_x(technique)
  local ok, why = campaign_x:trip("substation-x", technique)
  if ok then
    trips = trips + 1
    set_metric("a_trips", trips)
  end
  return ok, why
end

-- ---------------------------------------------------------------------
-- 1. Arland
-- ---------------------------------------------------------------------

-- Denial of control: until the campaign moves on, it comes back every 30
-- to 60 minutes. While it holds the PLC (or a SCADA server that still
-- works) it opens X's breakers again when the operator has closed them;
-- when it has lost the control room but still sits in the office
-- network, it tries to get back in.
local function deny_control()
  while tick() < TN - 120 do
    wait(random(30, 60))
    local scada_works = holds("a-scada") and not asset("a-scada").destroyed
    if holds("a-plc-x") or scada_works then
      if not infra("substation-x").tripped then trip_x("T0816") end
    elseif holds("a-hmi") then
      campaign_x:lateral("a-plc-x", "T0843")
    elseif holds("a-jump") or holds("a-ws") then
      campaign_x:lateral("a-hmi", "T0886")
    else
      log("EMBER HAND has lost every foothold in Arland Energy")
      return
    end
  end
end

intrusion.start{
  name = "EMBER HAND in Arland",
  campaign = C,
  at = 30,
  on_fail = "continue",
  steps = {
    {action = "exploit", target = "a-ws", technique = "T1566.001", attempts = 16, retry = "25m"},
    function() wait(random(60, 120)) end,
    {action = "lateral", target = "a-jump", technique = "T1078", attempts = 8, retry = "20m"},
    function() wait(random(60, 120)) end,
    {action = "lateral", target = "a-hmi", technique = "T0886", attempts = 8, retry = "20m"},
    function() wait(random(30, 60)) end,
    {action = "lateral", target = "a-scada", technique = "T0866", attempts = 8, retry = "15m"},
    {action = "escalate", target = "a-scada", technique = "T0890", attempts = 1},
    function() wait(random(15, 30)) end,
    {action = "lateral", target = "a-plc-x", technique = "T0843", attempts = 4, retry = "10m"},
    function()
      if tick() < T0 then wait(T0 - tick()) end
      local ok, why = trip_x("T0831")
      if not ok then log("EMBER HAND could not trip substation-x: " .. why) end
    end,
    function() wait(random(5, 10)) end,
    {action = "destroy", target = "a-scada", technique = "T0809", attempts = 1},
    deny_control,
  },
}

-- The physical attack does not depend on the intrusion: the crew at
-- Riverside has its own timetable.
at(T0, function()
  sabotage:start()
  sabotage:physical("substation-y")
end)

-- ---------------------------------------------------------------------
-- 2. Nordmark
-- ---------------------------------------------------------------------

local n_blocked = 0

-- lateral(target, technique): up to six attempts, twenty minutes apart;
-- false and the last reason when the hop cannot be made.
local function lateral(target, technique)
  local ok, why
  for try = 1, 6 do
    ok, why = campaign_x:lateral(target, technique)
    if ok then return true end
    if try < 6 then wait(20) end
  end
  return false, why
end

playbook("EMBER HAND in Nordmark", function()
  if tick() < TN then wait(TN - tick()) end
  -- Initial access: a lure every half hour for a working day. A mail
  -- gateway rule built from the campaign's indicators (energy-n: update
  -- n-it vuln=lure) makes every later one bounce.
  local inside = false
  for try = 1, 16 do
    if campaign_x:exploit("n-ws", "T1566.001") then
      inside = true
      break
    end
    if not has(asset("n-ws").vulns, "lure") then
      n_blocked = n_blocked + 1
      set_metric("n_lures_blocked", n_blocked)
      if n_blocked == 1 then deliver("n-lure-blocked") end
    end
    wait(30)
  end
  if not inside then
    log("EMBER HAND gives up on Nordmark Grid: no lure got through")
    return
  end
  -- The same path as in Arland, faster: the crew knows the product now.
  -- Each hop fails for good when the defenders patched it or cleaned the
  -- foothold it starts from.
  local chain = {
    {"n-jump", "T1078", 60, 120},
    {"n-hmi", "T0886", 45, 90},
    {"n-scada", "T0866", 20, 40},
  }
  for _, s in ipairs(chain) do
    wait(random(s[3], s[4]))
    local ok, why = lateral(s[1], s[2])
    if not ok then
      log("EMBER HAND stopped in Nordmark before " .. s[1] .. ": " .. why)
      return
    end
  end
  wait(random(15, 30))
  local ok, why = campaign_x:trip("n-substation", "T0831")
  if not ok then
    log("EMBER HAND could not trip n-substation: " .. why)
    return
  end
  wait(random(5, 10))
  if holds("n-scada") then
    campaign_x:escalate("n-scada", "T0890")
    campaign_x:destroy("n-scada", "T0809")
  end
end)

on("asset.compromised", function(ev)
  if ev.subject == "n-scada" then set_metric("n_compromised", 1) end
end)

-- ---------------------------------------------------------------------
-- 3. Injects triggered by events
-- ---------------------------------------------------------------------

local news_tick, asked_tick, sitrep_tick = nil, nil, nil

-- deliver(id) delivers a scenario inject once (later calls return false).

on("physical.attack", function(ev)
  if news_tick then return end
  news_tick = ev.tick + 15
  at(news_tick, function()
    deliver("blackout-news")
    after(60, function()
      asked_tick = tick()
      deliver("ministry-sitrep")
    end)
    -- the neighbour calls when its duty officer has read the news, at the
    -- latest five hours later (csirt-n's own call delivers it earlier)
    after(300, function() deliver("neighbour-calls") end)
  end)
end)

on("message", function(ev)
  if ev.org == "csirt-n" and ev.subject == "csirt-a" then deliver("neighbour-calls") end
end)

on("asset.destroyed", function(ev)
  if ev.subject == "a-scada" then after(3, function() deliver("scada-wiped") end) end
end)

-- A site that switches to its generators stays above 500‰, and the
-- engine announces a level change only across 500‰ (or at 0 and 1000):
-- watch the levels instead of waiting for an event.
local function on_generators(site, inject)
  playbook("watch " .. site, function()
    wait_until(function() return infra(site).level < 1000 end)
    deliver(inject)
  end)
end
on_generators("hospital", "hospital-generators")
on_generators("water-plant", "water-backup")

on("infra.changed", function(ev)
  if ev.subject == "n-substation" and ev.value < 500 and infra("n-substation").tripped then
    set_metric("n_tripped", 1)
    deliver("n-blackout")
  end
end)

-- ---------------------------------------------------------------------
-- 4. Objectives and figures
-- ---------------------------------------------------------------------

on("report.shared", function(ev)
  if asked_tick and not sitrep_tick and ev.org ~= "ministry-a" and has(ev.visible, "ministry-a") then
    sitrep_tick = ev.tick
  end
  if metric("script.neighbour_warned") == 0 and has(org("csirt-n").indicators, C) then
    set_metric("neighbour_warned", 1)
    set_metric("neighbour_warned_tick", ev.tick)
  end
end)

objective("sitrep-in-time", function()
  if not asked_tick then return nil end
  if sitrep_tick and sitrep_tick <= asked_tick + SITREP_TICKS then return "met" end
  if tick() > asked_tick + SITREP_TICKS then return "failed" end
  return nil
end)

-- ---------------------------------------------------------------------
-- 5. The scripted teams
-- ---------------------------------------------------------------------

grid_teams.register(var("response", "fast"), var("sharing", ""))
