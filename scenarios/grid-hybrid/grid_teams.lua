-- The scripted teams of grid-hybrid, played "fast" (coordinated) or
-- "slow" (var "response"). CERT-AR answers requests with the library's
-- CSIRT policy (teams.csirt) and every team uses teams.lib; the rest is
-- written for this scenario because what the teams must do is specific
-- to it (which feeder to island, the order of a clean restoration, whom
-- to tell, under which TLP).
--
--   require("grid_teams").register("fast")
--
-- A team is played by its policy only while its organisation is
-- scripted: hand a team to people with
-- --set organisations.energy-a.scripted=false (or the controller's
-- console) and its policy stops.

local lib = require("teams.lib")
local csirt = require("teams.csirt")

local M = {}

local C = "grid-intrusion"

-- Delays are {low, high} in minutes (ticks), drawn per decision.
M.profiles = {
  fast = {
    react = {5, 15},            -- energy-a: from the blackout to the first orders
    island_now = true,          -- energy-a islands the priority feeders on its own initiative
    island_after_call = {5, 15},-- ... and at once when a priority site calls
    clean_first = true,         -- cleans the control network, then restores SCADA and X
    step = {5, 10},             -- energy-a: between steps of the restoration
    csirt_delay = "30m",        -- CERT-AR: from finding the campaign to sharing with NCSC-NM
    sitrep = {40, 80},          -- CERT-AR: the ministry's situation report
    statement = {30, 60},       -- ministry-a: public statement after the news
    call = {3, 8},              -- hospital-a, water-a: calling the operator and the ministry
    n_call = {60, 150},         -- csirt-n: calling CERT-AR after the news
    n_reshare = {10, 30},       -- csirt-n: passing CERT-AR's report to Nordmark Grid
    n_harden = {20, 60},        -- energy-n: acting on the indicators
    n_detect = {5, 15},         -- energy-n: acting on an alert
  },
  slow = {
    react = {240, 360},         -- the night shift escalates slowly
    island_now = false,
    island_after_call = {360, 600},
    clean_first = false,        -- closes X's breakers before the intruder is out
    step = {60, 120},
    csirt_delay = "2d",         -- waits for clearance to share
    sitrep = {180, 300},
    statement = {180, 300},
    call = {3, 8},
    n_call = {60, 150},
    n_reshare = {600, 1200},
    n_harden = {720, 1440},
    n_detect = {240, 480},
  },
}

local function pick(r) return random(r[1], r[2]) end

local function has(list, v)
  for _, x in ipairs(list) do
    if x == v then return true end
  end
  return false
end

-- tracker(): follows the team's commands. t.track(ev) in on_event;
-- t.wait(id, ...) inside a playbook sleeps until every command given is
-- done (nil ids, i.e. rejected commands, are skipped).
local function tracker()
  local done = {}
  local t = {}
  function t.track(ev)
    if ev.kind == "command.done" and ev.org == me() and ev.command then done[ev.command] = true end
  end
  function t.wait(...)
    local ids = {...}
    wait_until(function()
      for i = 1, #ids do
        if ids[i] and not done[ids[i]] then return false end
      end
      return true
    end)
  end
  return t
end

-- ---------------------------------------------------------------------
-- Arland Energy: the operator.
-- ---------------------------------------------------------------------

function M.energy_a(P)
  local cmds = tracker()
  local started = false
  local islanded = {}

  local function island(feeder)
    if islanded[feeder] then return end
    islanded[feeder] = true
    act("island", feeder)
  end

  local function respond()
    playbook("energy-a: keep the lights on and restore", function()
      wait(pick(P.react))
      act("manual", "substation-x")          -- crews run Northgate by hand (60%)
      act("restore", "substation-y")         -- repair crews to Riverside (12 h of work)
      if P.island_now then
        island("feeder-hospital")            -- CHP plant carries the hospital feeder
        island("feeder-water")               -- ... and the water works feeder
      end
      -- CERT-AR is asked to look at the SCADA server with us
      act("request", "csirt-a", {kind = "assist", target = "a-scada", channel = "csirt"})  -- CERT-AR's duty desk
      if P.clean_first then
        local i1 = act("investigate", "a-ot")
        local i2 = act("investigate", "a-it")
        cmds.wait(i1, i2)
        act("share", "csirt-a", {tlp = "AMBER", campaign = C,
          title = "Arland Energy: intrusion in the control network, substation X tripped, SCADA wiped"})
        -- shut the doors, throw the intruder out of both networks, rebuild
        -- the SCADA server from its backup
        local u1 = act("update", "a-ot")
        local u2 = act("update", "a-it", {vuln = "reused-creds"})
        local r1 = act("remediate", "a-ot")
        local r2 = act("remediate", "a-it")
        local r3 = act("restore", "a-scada")
        cmds.wait(u1, u2, r1, r2, r3)
        wait(pick(P.step))
        act("restore", "substation-x")       -- close the breakers: full output from a clean SCADA
      else
        -- Slow and uncoordinated: close X's breakers first, look later.
        wait(pick(P.step))
        act("restore", "substation-x")
        wait(pick(P.step))
        local i1 = act("investigate", "a-ot")
        cmds.wait(i1)
        local r3 = act("restore", "a-scada")
        cmds.wait(r3)
        wait(pick(P.step))
        local r1 = act("remediate", "a-ot")
        cmds.wait(r1)
        wait(pick(P.step))
        local r2 = act("remediate", "a-it")
        local u1 = act("update", "a-ot")
        cmds.wait(r2, u1)
        act("share", "csirt-a", {tlp = "AMBER", campaign = C, title = "Arland Energy: incident report"})
        wait(pick(P.step))
        act("restore", "substation-x")
      end
    end)
  end

  return {
    name = "energy-a (" .. P.name .. ")",
    on_event = function(ev)
      cmds.track(ev)
      if not started and (ev.kind == "physical.attack"
          or (ev.kind == "infra.changed" and (ev.subject == "substation-x" or ev.subject == "substation-y") and ev.value < 500)) then
        started = true
        respond()
      end
      if ev.kind == "message" and ev.subject == me() and (ev.org == "hospital-a" or ev.org == "water-a") then
        local feeder = ev.org == "hospital-a" and "feeder-hospital" or "feeder-water"
        after(pick(P.island_after_call), function() island(feeder) end)
      end
    end,
    on_request = lib.on_request({}, {"assist", "preserve"}),
  }
end

-- ---------------------------------------------------------------------
-- CERT-AR, the national CSIRT and focal point.
-- ---------------------------------------------------------------------

function M.csirt_a(P)
  -- The library's CSIRT answers requests for assistance (on_request).
  -- Its on_event is not used here: this CSIRT's learning and sharing are
  -- written for the scenario (what it tells NCSC-NM, and when). It learns
  -- only through its own channels: the operator's
  -- report, or the investigation the operator asked it for. It then
  -- writes its own report for NCSC-NM (it may not pass on Arland
  -- Energy's TLP:AMBER report to a CSIRT abroad: TLP forbids it).
  local base = csirt.new{name = "csirt-a", share_with = {}, sinkhole = false}
  local knows, shared = false, false

  local function learned()
    if knows then return end
    knows = true
    after(lib.ticks(P.csirt_delay, 30), function()
      if shared then return end
      shared = true
      act("share", "csirt-n", {tlp = "AMBER", campaign = C,
        title = "CERT-AR analysis: intrusion into an energy operator's SCADA and substation trip (indicators)"})
    end)
  end

  return {
    name = "csirt-a (" .. P.name .. ")",
    on_event = function(ev)
      if ev.kind == "report.shared" then
        if ev.org == me() and ("," .. ev.fields.to .. ","):find(",csirt-n,", 1, true) then shared = true end
        if ev.org ~= me() and has(org(me()).indicators, C) then learned() end
      elseif ev.kind == "asset.detected" and ev.org == me() and lib.campaign_of(ev) == C then
        learned()
      elseif ev.kind == "inject.delivered" and ev.subject == "ministry-sitrep" then
        after(pick(P.sitrep), function()
          act("share", "ministry-a", {tlp = "AMBER",
            title = "CERT-AR situation report: combined cyber and physical attack on Arland Energy"})
        end)
      end
    end,
    on_request = base.on_request,
  }
end

-- ---------------------------------------------------------------------
-- The ministry, the hospital and the water works.
-- ---------------------------------------------------------------------

function M.ministry_a(P)
  local told = false
  return {
    name = "ministry-a (" .. P.name .. ")",
    on_event = function(ev)
      if ev.kind ~= "inject.delivered" then return end
      if ev.subject == "blackout-news" then
        after(pick(P.statement), function()
          act("statement", nil, {text = "Power cut in the north and river districts: hospitals and water are supplied; crews are at work."})
        end)
      elseif (ev.subject == "hospital-generators" or ev.subject == "water-backup") and not told then
        told = true
        act("message", "energy-a", {text = "The hospital and the water works have priority for supply."})
      end
    end,
  }
end

local function priority_site(P, name, inject, text)
  return {
    name = name .. " (" .. P.name .. ")",
    on_event = function(ev)
      if ev.kind == "inject.delivered" and ev.subject == inject then
        after(pick(P.call), function()
          act("message", "energy-a", {text = text})
          act("message", "ministry-a", {text = text})
        end)
      end
    end,
  }
end

function M.hospital_a(P)
  return priority_site(P, "hospital-a", "hospital-generators", "St. Ansgar is on generators: six hours of fuel. We need the feeder back.")
end

function M.water_a(P)
  return priority_site(P, "water-a", "water-backup", "The pumping works are on emergency power for three hours. We need the river feeder back.")
end

-- ---------------------------------------------------------------------
-- Nordmark: NCSC-NM and Nordmark Grid.
-- ---------------------------------------------------------------------

function M.csirt_n(P)
  local called, passed = false, false
  return {
    name = "csirt-n (" .. P.name .. ")",
    on_event = function(ev)
      if ev.kind == "inject.delivered" and ev.subject == "blackout-news" and not called then
        called = true
        after(pick(P.n_call), function()
          act("message", "csirt-a", {text = "NCSC-NM: Nordmark Grid runs the same SCADA product. Is it an attack? Please share indicators."})
        end)
      elseif ev.kind == "report.shared" and ev.org ~= me() and not passed and has(org(me()).indicators, C) then
        -- CERT-AR's report: TLP:AMBER lets us pass it to our constituency
        passed = true
        local rep = ev.subject
        after(pick(P.n_reshare), function()
          act("share", "energy-n", {tlp = "AMBER", origin = rep,
            title = "CERT-AR indicators: SCADA intrusion and substation trip in Arland"})
        end)
      end
    end,
    on_request = lib.on_request({}, {"assist"}),
  }
end

function M.energy_n(P)
  local cmds = tracker()
  local hardened, alerted, dark = false, false, false

  local function harden()
    if hardened then return end
    hardened = true
    act("update", "n-it", {vuln = "lure"})          -- mail gateway rule from the indicators
    act("update", "n-it", {vuln = "reused-creds"})  -- password reset, second factor on the jump server
    act("update", "n-ot")                           -- patch the SCADA's remote access, no RDP from the office
    act("investigate", "n-it")                      -- hunt for the campaign
  end

  return {
    name = "energy-n (" .. P.name .. ")",
    on_event = function(ev)
      cmds.track(ev)
      if ev.kind == "report.shared" and ev.org ~= me() and has(org(me()).indicators, C) then
        after(pick(P.n_harden), harden)
      elseif ev.kind == "asset.detected" and ev.org == me() and ev.subject and not alerted then
        local ok, a = pcall(asset, ev.subject)
        if ok and a.compromised then
          -- the sensor (or a hunt) found the intruder on a host: contain
          -- it, close the way into the control room, rebuild, clean both
          -- networks, then harden
          alerted = true
          playbook("energy-n: intrusion alert", function()
            wait(pick(P.n_detect))
            act("contain", a.id)
            act("update", "n-ot")
            local r = act("restore", a.id)
            act("remediate", "n-it")
            act("remediate", "n-ot")
            harden()
            cmds.wait(r)
            act("allow", a.id)
          end)
        elseif not ok and ev.value > 0 then
          alerted = true                          -- a hunt found compromised hosts in a segment
          after(pick(P.n_detect), function()
            act("update", "n-ot")
            act("remediate", ev.subject)
          end)
        end
      elseif ev.kind == "infra.changed" and ev.subject == "n-substation" and ev.value < 500 and not dark then
        dark = true
        playbook("energy-n: blackout", function()
          wait(pick(P.n_detect))
          act("manual", "n-substation")
          local ids = {act("remediate", "n-ot"), act("remediate", "n-it"), act("restore", "n-scada"), act("update", "n-ot")}
          cmds.wait(ids[1], ids[2], ids[3], ids[4])
          act("restore", "n-substation")
        end)
      end
    end,
    on_request = lib.on_request({}, {"assist", "preserve"}),
  }
end

-- ---------------------------------------------------------------------

local function profile(name, what)
  local P = M.profiles[name]
  if not P then
    error("grid-hybrid: var " .. what .. " = " .. tostring(name) .. ": want fast or slow", 3)
  end
  P.name = name
  return P
end

--- register(response, sharing): every team's policy for the profile
--- "fast" or "slow"; the two CSIRTs (CERT-AR and NCSC-NM, the sharing
--- chain) follow `sharing` when it is given, so that a sweep can separate
--- what the operators do from what the CSIRTs share.
function M.register(response, sharing)
  local P = profile(response, "response")
  local S = P
  if sharing and sharing ~= "" then S = profile(sharing, "sharing") end
  team("energy-a", M.energy_a(P))
  team("csirt-a", M.csirt_a(S))
  team("ministry-a", M.ministry_a(P))
  team("hospital-a", M.hospital_a(P))
  team("water-a", M.water_a(P))
  team("csirt-n", M.csirt_n(S))
  team("energy-n", M.energy_n(P))
end

return M
