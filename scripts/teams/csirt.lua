-- A national CSIRT played by script.
--
--   team("csirt-a", require("teams.csirt").new{delay = "20m", share_with = {"police-a"}})
--
-- On an alert it can see (a compromise, a botnet in a segment, a
-- defacement, a DDoS), or a tip (an inject, a report, a message) about a
-- campaign holding assets in its country, it investigates the asset after `delay`, shares a
-- report with indicators of the campaign (raising the receivers'
-- detection) with share_with under TLP `tlp`, and asks for the
-- campaign's command and control to be sinkholed by a CSIRT of the C2's
-- jurisdiction (sinkhole), or taken down by its hosting company
-- (takedown). As a receiver it accepts sinkhole and assist requests.
--
-- Options (besides those of teams/lib.lua):
--   share_with  organisations it informs (default none)
--   tlp         label of its reports (default "AMBER")
--   sinkhole    ask a CSIRT of the C2's country to sinkhole it (default true)
--   takedown    ask the C2's host to take it down (default false)

local lib = require("teams.lib")
local M = {}

local ALERTS = lib.set{"asset.detected", "botnet.alert", "website.defaced", "ddos.impact", "asset.compromised"}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("20m"))
  local tlp = o.tlp or "AMBER"
  local handled = {}
  local looked = {}

  -- confirmed: the event gave this CSIRT the campaign's indicators (an
  -- alert, its own investigation's findings, a public defacement). A tip or
  -- a DDoS only starts an investigation: the engine refuses to share
  -- indicators of a campaign one has not found.
  local function handle(cid, subject, confirmed)
    lib.later(delay, function()
      if subject and not looked[subject] then
        local ok = pcall(asset, subject) or pcall(segment, subject)
        if ok then
          looked[subject] = true
          act("investigate", subject)
        end
      end
      if not cid or not confirmed or handled[cid] then return end
      handled[cid] = true
      local c = campaign(cid)
      if o.share_with and #o.share_with > 0 then
        act("share", o.share_with[1], {to = o.share_with, tlp = tlp, campaign = cid, title = "indicators of " .. cid})
      end
      local c2 = c.c2
      if not c2 then return end
      local where = asset(c2).jurisdiction
      if o.sinkhole ~= false then
        local peer = lib.first(orgs{kind = "csirt", jurisdiction = where}, function(x) return x.id ~= me() end)
        if where == lib.my_jurisdiction() then
          act("sinkhole", c2)
        elseif peer then
          act("request", peer.id, {kind = "sinkhole", target = c2})
        end
      end
      if o.takedown then
        local host = asset(c2).owner
        if host ~= me() then act("request", host, {kind = "takedown", target = c2}) end
      end
    end)
  end

  return {
    name = o.name or "csirt",
    on_event = function(ev)
      if ev.kind == "inject.delivered" or ev.kind == "report.shared" or ev.kind == "message" then
        -- A tip: look at the campaigns holding assets in its country.
        local here = lib.my_jurisdiction()
        for _, c in ipairs(campaigns{active = true}) do
          local hit = assets{controller = c.id, jurisdiction = here, limit = 1}[1]
            or assets{controller = c.id, jurisdiction = here, limit = 1, named_only = false}[1]
          if hit then handle(c.id, hit.id, false) end
        end
      elseif ALERTS[ev.kind] then
        local cid = lib.campaign_of(ev)
        if not cid and ev.kind == "botnet.alert" then
          -- an alert on a segment: the botnets holding hosts there
          for _, c in ipairs(campaigns{kind = "botnet", active = true}) do
            if #assets{segment = ev.subject, controller = c.id, named_only = false, limit = 1} > 0 then cid = c.id end
          end
        end
        handle(cid, ev.subject, ev.kind ~= "ddos.impact")
      end
    end,
    on_request = lib.on_request(o, {"sinkhole", "assist", "preserve", "block"}),
  }
end

return M
