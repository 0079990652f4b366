-- botnet-crossborder: the scripted teams.
--
-- Every organisation can be played by script; a team runs its policy only
-- while it is scripted (a human who takes the role replaces it). Two
-- responses, chosen with vars.response:
--
--   fast  coordinated: Arland Telecom examines the first alert and tells
--         the CSIRT what it found;
--         the CSIRT shares indicators with Borduria's CSIRT (TLP from
--         vars.tlp, AMBER by default) and asks it to sinkhole the C2;
--         Borduria's CSIRT passes the report to its client, the hosting
--         company, and watches for new C2 servers of the botnet; the
--         police ask for preservation through the 24/7 network first,
--         then for disclosure through MLA; the ISP blocks the C2, cleans
--         and patches its networks; the web service restores defaced
--         sites and patches the CMS everywhere; the prosecutor opens the
--         case as soon as local evidence allows.
--   slow  late and alone: nobody shares (so the CSIRT, told nothing it
--         can act on, never learns where the C2 is); the police, days later,
--         first frame their request as "defacement" (no crime in
--         Borduria: refused), and ask for disclosure through MLA only,
--         without preservation; the ISP acts after two days and cleans
--         without patching; the web service restores sites a day later
--         without patching them.
--
-- The policies are the library's (scripts/teams/*.lua) with options, plus
-- thin wrappers for what this scenario needs (see each function). Like the
-- library, a wrapper sees what its organisation knows (its view): the C2
-- servers it learned, its own networks' alerts, not the botnet itself.

local lib = require("teams.lib")
local M = {}

local PRESETS = {
  fast = {
    isp_a = {delay = "1h", remediate = false, block_c2 = true, scrub = true, tell_csirt = true, sweep = true, sweep_by = "2d"},
    csirt_a = {delay = "2h", share_with = {"csirt-b", "isp-a", "police-a"}, sinkhole = true, takedown = false},
    police_a = {delay = "1h", preserve_first = true, disclose = true, disclose_after = "2h", recheck = "6h"},
    prosecutor_a = {min_strength = 5, recheck = "6h", request_disclosure = false},
    gov_web_a = {delay = "1h", patch = true, patch_everywhere = true},
    csirt_b = {watch = true, delay = "6h", reshare = true},
    hosting_b = {abuse_desk = true, delay = "4h"},
    police_b = {},
  },
  slow = {
    isp_a = {delay = "2d", remediate = true, patch = false, block_c2 = true, scrub = true},
    csirt_a = {delay = "2d", share_with = {}, sinkhole = false, takedown = true},
    police_a = {delay = "3d", preserve_first = false, disclose = true, recheck = "1d",
                wrong_offence = "defacement", retry_after = "2d"},
    prosecutor_a = {min_strength = 1, recheck = "1d", request_disclosure = false},
    gov_web_a = {delay = "1d", patch = false},
    csirt_b = {watch = false},
    hosting_b = {abuse_desk = false},
    police_b = {},
  },
}

-- Government website clusters, patched at once by a fast web service.
local GOV_SEGMENTS = {"gov-core", "gov-1", "gov-2", "gov-3", "gov-4", "gov-5", "gov-6"}

-- keep_event(ev) drops defacement alerts except the foreign ministry's:
-- one case for the wave, not one investigation per site (the library's
-- CSIRT and police look into every incident they see, which would bury
-- their queues under a wave of hundreds).
local function keep_event(ev)
  return ev.kind ~= "website.defaced" or ev.subject == "www-mfa"
end

-- holds(c): whether the team holds indicators of campaign c (it examined
-- a compromised asset of it, or received a report carrying them): only
-- then may a report of it carry them.
local function holds(c)
  for _, x in ipairs(org(me()).indicators) do
    if x == c then return true end
  end
  return false
end

-- Arland Telecom: the library's ISP (blocks the C2 for its customers,
-- scrubs DDoS, and with remediate cleans every network that alerts).
-- With tell_csirt it examines the first network that alerts and tells
-- the CSIRT what it found (TLP:AMBER). With sweep it cleans and patches
-- every network of its own where the botnet showed (an alert on its
-- traffic, or hosts it found) once the sinkhole's list of infected
-- addresses arrives (cleaning before the C2 is down only feeds the botnet
-- again), or on `sweep_by` at the latest.
local function isp_a(p)
  local base = require("teams.isp").new(p)
  local delay = lib.ticks(p.delay, ticks("1h"))
  local examined, told, swept = false, false, false
  local function sweep()
    if swept then return end
    swept = true
    for _, s in ipairs(segments{isp = me()}) do
      if lib.has(s.alerts, "bot") or s.detected > 0 then
        act("remediate", s.id)
        act("update", s.id)
      end
    end
  end
  local started = false
  return {
    name = "isp-a (" .. p.name .. ")",
    on_request = base.on_request,
    on_tick = function()
      if p.sweep and not started then
        started = true
        at(p.sweep_by, sweep)
      end
    end,
    on_event = function(ev)
      if ev.kind == "botnet.alert" and p.tell_csirt and not examined then
        examined = true
        lib.later(delay, function() act("investigate", ev.subject) end)
      elseif ev.kind == "asset.detected" and ev.org == me() and p.tell_csirt and not told and holds("bot") then
        told = true
        act("share", "csirt-a", {tlp = "AMBER", campaign = "bot", title = "botnet in our broadband networks: " .. ev.text})
      elseif ev.kind == "inject.delivered" and ev.subject == "sinkhole-data" and p.sweep then
        lib.later(delay, sweep)
      end
      base.on_event(ev)
    end,
  }
end

-- Arland's CSIRT: the library's CSIRT (examines what it is told about,
-- asks Borduria's CSIRT to sinkhole the C2, or the host to take it down),
-- one case for the defacement wave. It shares a campaign's indicators with
-- share_with once its examination has found them (a report can carry only
-- indicators its author holds), so the library is given no share_with.
local function csirt_a(p)
  local share_with = p.share_with or {}
  local lib_opts = {}
  for k, v in pairs(p) do lib_opts[k] = v end
  lib_opts.share_with = {}
  local base = require("teams.csirt").new(lib_opts)
  local shared = {}
  return {
    name = "csirt-a (" .. p.name .. ")",
    on_request = base.on_request,
    on_event = function(ev)
      if keep_event(ev) then base.on_event(ev) end
      if ev.kind == "asset.detected" and ev.org == me() and #share_with > 0 then
        for _, c in ipairs({"bot", "deface"}) do
          if not shared[c] and holds(c) then
            shared[c] = true
            local title = c == "bot" and "botnet in Arland, C2 at Borduria Hosting: " .. ev.text
              or "defacement wave on Arland government sites: " .. ev.text
            local rest = {}
            for i = 2, #share_with do rest[#rest + 1] = share_with[i] end
            act("share", share_with[1], {to = rest, tlp = p.tlp or "AMBER", campaign = c, title = title})
          end
        end
      end
    end,
  }
end

-- Arland's police: the library's police, one case for the defacement
-- wave; the slow police first ask for the takedown of the C2 framed as
-- "defacement" (wrong_offence), which Borduria refuses, and ask again
-- with the right offence retry_after later, for the C2 servers they know
-- of (the one the tip named, those a report carried) unless the takedown
-- was done meanwhile.
local function police_a(p)
  local base = require("teams.police").new(p)
  local delay = lib.ticks(p.delay, ticks("30m"))
  local tipped, down = false, {}
  local function tip()
    if tipped or not p.wrong_offence then return end
    tipped = true
    after(delay, function()
      act("request", "hosting-b", {kind = "takedown", target = "c2-server", offence = p.wrong_offence})
      after(p.retry_after, function()
        local c2s = {"c2-server"}
        if lib.knows("bot") then c2s = campaign("bot").c2s end
        for _, c2 in ipairs(c2s) do
          if not down[c2] and asset(c2).owner == "hosting-b" then
            act("request", "hosting-b", {kind = "takedown", target = c2})
          end
        end
      end)
    end)
  end
  return {
    name = "police-a (" .. p.name .. ")",
    on_request = base.on_request,
    on_event = function(ev)
      if not keep_event(ev) then return end
      base.on_event(ev)
      if ev.kind == "inject.delivered" or ev.kind == "report.shared" then tip() end
      -- a takedown answered done: that server is down
      if ev.kind == "request.answered" and ev.fields.kind == "takedown" and ev.fields.result == "done" then
        local r = request(ev.subject)
        if r then down[r.target] = true end
      end
    end,
  }
end

-- The government web service: the library's ministry (restore, and patch
-- when p.patch), which with patch_everywhere also pushes the CMS patch to
-- every cluster at the first defacement.
local function gov_web_a(p)
  local base = require("teams.ministry").new(p)
  local delay = lib.ticks(p.delay, ticks("30m"))
  local pushed = false
  return {
    name = "gov-web-a (" .. p.name .. ")",
    on_request = base.on_request,
    on_event = function(ev)
      base.on_event(ev)
      if ev.kind == "website.defaced" and p.patch_everywhere and not pushed then
        pushed = true
        lib.later(delay, function()
          for _, s in ipairs(GOV_SEGMENTS) do act("update", s, {vuln = "cms-rce"}) end
        end)
      end
    end,
  }
end

-- Borduria's CSIRT: answers requests for assistance, preservation and
-- blocking; sinkholes a C2 on request only once a peer has shared
-- indicators of the botnet with it (it holds the request until then: no
-- indicators, no sinkhole). With `reshare` it passes the reports it
-- receives to its client, the hosting company (TLP permitting); with
-- `watch`, once it has indicators, it sinkholes, after `delay`, every C2
-- of the botnet it learns of in Borduria (the report's, the one the host's
-- abuse desk names when the crew moves): the value of sharing.
local function csirt_b(p)
  local delay = lib.ticks(p.delay, ticks("6h"))
  local base = lib.on_request({}, {"sinkhole", "assist", "preserve", "block"})
  local indicators, reshared, done, held, requested = false, {}, {}, {}, {}
  return {
    name = "csirt-b (" .. p.name .. ")",
    on_request = function(req)
      if req.kind == "sinkhole" then
        requested[req.target] = true  -- the request will do it: no second sinkhole
        if not indicators then
          held[#held + 1] = req.id
          return "hold"
        end
      end
      return base(req)
    end,
    on_event = function(ev)
      if ev.kind ~= "report.shared" or ev.org == me() then return end
      indicators = true
      for _, id in ipairs(held) do answer(id, "accept") end
      held = {}
      if p.reshare and not reshared[ev.subject] then
        reshared[ev.subject] = true
        act("share", "hosting-b", {origin = ev.subject, tlp = "AMBER",
          title = "botnet C2 in your data centre (from our Arland peers)"})
      end
    end,
    on_tick = function()
      if not (p.watch and indicators and lib.knows("bot")) then return end
      local here = org(me()).jurisdiction
      local c2s = campaign("bot").c2s
      -- servers of kind c2 a tip named (the abuse desk's "c2-fallback ...")
      for _, f in ipairs(org(me()).learned) do
        local w = f.kind == "named" and lib.whois(f.subject)
        if w and w.what == "asset" and w.kind == "c2" and not lib.has(c2s, w.id) then c2s[#c2s + 1] = w.id end
      end
      for _, c2 in ipairs(c2s) do
        if not done[c2] and not requested[c2] and asset(c2).jurisdiction == here then
          done[c2] = true
          after(delay, function()
            if not requested[c2] then act("sinkhole", c2) end
          end)
        end
      end
    end,
  }
end

-- Borduria's police: answer requests, start nothing on their own.
local function police_b(p)
  return {name = "police-b (" .. p.name .. ")", on_request = lib.on_request({}, {"preserve", "disclose", "assist"})}
end

-- knob(name): a var that overrides one part of the preset: true, false,
-- or "preset" (the default: follow vars.response).
local function knob(name)
  local v = var(name, "preset")
  if v == "preset" then return nil end
  if v == true or v == "true" then return true end
  if v == false or v == "false" then return false end
  error("vars." .. name .. " = " .. tostring(v) .. ": want preset, true or false")
end

function M.setup(response)
  local preset = PRESETS[response]
  if not preset then
    error("vars.response = " .. tostring(response) .. ": want fast or slow")
  end
  local function opts(key)
    local o = {name = response}
    for k, v in pairs(preset[key]) do o[k] = v end
    return o
  end
  local isp, csirt, police, gov = opts("isp_a"), opts("csirt_a"), opts("police_a"), opts("gov_web_a")
  -- vars.preserve: police-a asks for preservation (24/7) before disclosure (MLA).
  local preserve = knob("preserve")
  if preserve ~= nil then police.preserve_first = preserve end
  -- vars.share: csirt-a shares its indicators with csirt-b (and asks it
  -- to sinkhole the C2); false keeps its reports at home.
  local share = knob("share")
  if share == true then
    csirt.share_with, csirt.sinkhole = {"csirt-b", "isp-a", "police-a"}, true
  elseif share == false then
    csirt.share_with = {"isp-a", "police-a"}
  end
  -- vars.tlp: the label of csirt-a's reports.
  csirt.tlp = var("tlp", "AMBER")
  -- vars.patch: the web service patches the CMS, not only restores.
  local patch = knob("patch")
  if patch ~= nil then gov.patch, gov.patch_everywhere = patch, patch end
  team("isp-a", isp_a(isp))
  team("csirt-a", csirt_a(csirt))
  team("police-a", police_a(police))
  team("prosecutor-a", require("teams.prosecutor").new(opts("prosecutor_a")))
  team("gov-web-a", gov_web_a(gov))
  team("csirt-b", csirt_b(opts("csirt_b")))
  team("police-b", police_b(opts("police_b")))
  team("hosting-b", require("teams.hosting").new(opts("hosting_b")))
  log("botnet-crossborder: scripted teams play the " .. response .. " response")
end

return M
