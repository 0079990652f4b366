-- A national CSIRT played by script.
--
--   team("csirt-a", require("teams.csirt").new{delay = "20m", share_with = {"police-a"}})
--
-- It acts on what reaches it, after `delay`:
--   * an alert it can see (a compromise, a botnet in a segment, a
--     defacement, a DDoS): it investigates the asset or segment;
--   * a tip (an inject, a report, a message): it investigates the assets
--     and segments of its country the text names;
--   * what it finds itself (its own alert or investigation, a defaced
--     page, which names the crew): it shares a report with indicators of
--     that campaign (raising the receivers' detection) with share_with
--     under TLP `tlp`;
--   * a command-and-control server it learns of (its investigation finds
--     the hosts calling it; a report, a message or an inject names it):
--     it sinkholes it when it is in its own country, else asks a CSIRT of
--     the server's country to (sinkhole), and/or asks the server's host
--     to take it down (takedown). Once per server.
-- It never looks at what a campaign holds: a tip that names nothing
-- (the radio news) starts nothing. As a receiver it accepts sinkhole,
-- assist, preservation and block requests; a preservation request for
-- evidence held by another organisation of its country is relayed to
-- the holder when accepted (the engine sends the CSIRT's own request,
-- docs/mechanics.md §6), so a foreign police can have logs kept through
-- it when the 24/7 network is slow or missing.
--
-- Options (besides those of teams/lib.lua):
--   share_with  organisations it informs (default none)
--   tlp         label of its reports (default "AMBER")
--   sinkhole    have the C2s it learns of sinkholed (default true)
--   takedown    ask the C2's host to take it down (default false)
--   only        function(ev, id) -> bool: whether it takes up a lead, id
--               being the subject of an incident or an asset, segment or
--               C2 a tip names (default: every one); e.g. one case for a
--               defacement wave instead of an investigation per site:
--               only = function(ev, id) return ev.kind ~= "website.defaced" or id == "www-mfa" end
--   priority    list of ids, asset kinds or event kinds investigated first
--               when investigations wait (see max_open)
--   max_open    at most this many investigations at once (default no limit)

local lib = require("teams.lib")
local M = {}

local ALERTS = lib.set{"asset.detected", "botnet.alert", "website.defaced", "ddos.impact", "asset.compromised"}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("20m"))
  local tlp = o.tlp or "AMBER"
  local inv = lib.investigations(o)
  local shared = {}    -- campaign id -> true
  local asked = {}     -- C2 id -> true

  -- look(ids, ev): investigate the assets and segments of its own country.
  local function look(ids, ev)
    local here, list = lib.my_jurisdiction(), {}
    for _, id in ipairs(ids) do
      local place = lib.whois(id)
      if place and place.jurisdiction == here then list[#list + 1] = id end
    end
    inv.add(list, ev)
  end

  -- confirmed(cid): the CSIRT found the campaign itself; a report can
  -- carry the indicators of a campaign its author holds.
  local function confirmed(cid)
    if shared[cid] then return end
    shared[cid] = true
    if o.share_with and #o.share_with > 0 then
      act("share", o.share_with[1], {to = o.share_with, tlp = tlp, campaign = cid, title = "indicators of " .. cid})
    end
  end

  -- c2(id): have a command-and-control server disrupted.
  local function c2(id)
    if asked[id] then return end
    asked[id] = true
    local place = lib.whois(id)
    if not place then return end
    if o.sinkhole ~= false then
      if place.jurisdiction == lib.my_jurisdiction() then
        act("sinkhole", id)
      else
        local peer = lib.first(orgs{kind = "csirt", jurisdiction = place.jurisdiction}, function(x) return x.id ~= me() end)
        if peer then act("request", peer.id, {kind = "sinkhole", target = id}) end
      end
    end
    if o.takedown and place.owner and place.owner ~= me() then
      act("request", place.owner, {kind = "takedown", target = id})
    end
  end

  -- What an event tells, read now (the world moves on during the delay),
  -- acted on after the delay.
  local function handle(ev)
    local leads, found, c2s = {}, {}, {}
    if lib.own_result(ev) then
      -- its own alert or investigation: what it found, the C2 it names
      found = lib.found(ev)
      c2s = lib.result_c2s(ev)
      if ev.subject and not inv.looked(ev.subject) and inv.want(ev, ev.subject) then leads[1] = ev.subject end
    elseif ALERTS[ev.kind] then
      if not inv.want(ev, ev.subject) then return end
      leads[1] = ev.subject
      local d = lib.defacer(ev)
      if d then found = {d} end
      for _, c in ipairs(lib.found(ev)) do found[#found + 1] = c end
      c2s = lib.alert_c2s(ev)
    elseif lib.is_tip(ev) then
      if ev.org == me() then return end
      for _, place in ipairs(lib.named(ev.text).places) do
        if inv.want(ev, place.id) then leads[#leads + 1] = place.id end
      end
      for _, id in ipairs(lib.c2s_named(ev.text)) do
        if inv.want(ev, id) then c2s[#c2s + 1] = id end
      end
    else
      return
    end
    if #leads == 0 and #found == 0 and #c2s == 0 then return end
    lib.later(delay, function()
      look(leads, ev)
      for _, cid in ipairs(found) do confirmed(cid) end
      for _, id in ipairs(c2s) do c2(id) end
    end)
  end

  return {
    name = o.name or "csirt",
    on_event = function(ev)
      inv.track(ev)
      handle(ev)
    end,
    on_request = lib.on_request(o, {"sinkhole", "assist", "preserve", "block"}),
  }
end

return M
