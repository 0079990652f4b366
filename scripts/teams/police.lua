-- A police cybercrime unit played by script.
--
--   team("police-a", require("teams.police").new{delay = "30m", preserve_first = true})
--
-- When an incident reaches it (a public defacement, DDoS or physical
-- attack, an alert on an asset it may see, an inject or a report that
-- names a campaign), after `delay` it
--   1. investigates the affected asset when it lies in its own
--      jurisdiction (lawful evidence),
--   2. for every trace of the campaign held abroad: asks the holder to
--      preserve it through the 24/7 network (preserve_first), then
--      asks for its disclosure through mutual legal assistance
--      (disclose, after disclose_after);
--   3. every `recheck`, looks again for new traces of the campaigns it
--      works on.
-- As a receiver it accepts preservation, disclosure and assistance.
--
-- Options (besides those of teams/lib.lua):
--   preserve_first  true (default): preserve abroad before asking for
--                   disclosure; false: ask for disclosure only (the lesson
--                   of slow MLA: the logs are gone when the answer comes)
--   disclose        true (default): ask for disclosure of traces abroad
--   disclose_after  between the preservation and the disclosure request
--                   (default "1h")
--   recheck         how often it looks for new traces (default "6h")
--   investigate     true (default): investigate affected assets at home

local lib = require("teams.lib")
local M = {}

local INCIDENTS = lib.set{"website.defaced", "ddos.impact", "asset.detected", "asset.compromised", "botnet.alert", "data.exfiltrated"}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("30m"))
  local preserve_first = o.preserve_first ~= false
  local disclose = o.disclose ~= false
  local disclose_after = lib.ticks(o.disclose_after, ticks("1h"))
  local recheck = lib.ticks(o.recheck, ticks("6h"))
  local investigate = o.investigate ~= false
  local cases = {}      -- campaign id -> true, in the order they came
  local order = {}
  local asked = {}      -- evidence id -> true
  local looked = {}     -- asset id -> true
  local started = false

  local function work(cid)
    for _, e in ipairs(evidence_list{campaign = cid, lost = false}) do
      if not asked[e.id] and e.holder ~= me() then
        asked[e.id] = true
        local abroad = lib.abroad(e.holder)
        if abroad and preserve_first and not e.preserved then
          act("request", e.holder, {kind = "preserve", target = e.id})
          if disclose then
            after(disclose_after, function() act("request", e.holder, {kind = "disclose", target = e.id}) end)
          end
        elseif disclose then
          act("request", e.holder, {kind = "disclose", target = e.id})
        end
      end
    end
  end

  local function open_case(cid, subject)
    lib.later(delay, function()
      if investigate and subject and not looked[subject] then
        local ok, a = pcall(asset, subject)
        if ok and a.jurisdiction == lib.my_jurisdiction() then
          looked[subject] = true
          act("investigate", subject)
        end
      end
      if cid and not cases[cid] then
        cases[cid] = true
        order[#order + 1] = cid
        work(cid)
      end
    end)
    if not started then
      started = true
      every(recheck, function() for _, c in ipairs(order) do work(c) end end)
    end
  end

  return {
    name = o.name or "police",
    on_event = function(ev)
      if INCIDENTS[ev.kind] then
        open_case(lib.campaign_of(ev), ev.subject)
      elseif ev.kind == "inject.delivered" or ev.kind == "report.shared" then
        -- A tip names no campaign the policy can read: look at every
        -- campaign that has left traces so far.
        for _, c in ipairs(campaigns{}) do
          if #evidence_list{campaign = c.id, limit = 1} > 0 then open_case(c.id, nil) end
        end
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist"}),
  }
end

return M
