-- A police cybercrime unit played by script.
--
--   team("police-a", require("teams.police").new{delay = "30m", preserve_first = true})
--
-- It works from what reaches it: an incident it sees (a public
-- defacement, DDoS or physical attack, an alert on an asset it may see),
-- a tip (an inject, a report, a message) and the names in it, its own
-- investigations' results. After `delay` it
--   1. investigates the assets and segments of its own jurisdiction the
--      incident or the tip is about (lawful evidence);
--   2. opens a case on every campaign it can name: those whose indicators
--      it holds (a report carried them, its investigation found them) and
--      the crew a defaced page shows;
--   3. asks for the records of those campaigns where it knows they lie:
--      the logs of a server it was told of, at its host; the records an
--      organisation it knows to be involved (the owner or ISP of an
--      affected asset or segment, the host of the C2, the author of a
--      report) keeps of the campaign. Abroad it asks the holder to
--      preserve them through the 24/7 network first (preserve_first; a
--      CSIRT of the holder's country, which relays, where the network is
--      missing: relay),
--      then for their disclosure through mutual legal assistance
--      (disclose, after disclose_after); at home it asks for disclosure;
--   4. every `recheck`, asks again where new records may have appeared.
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
--   only            function(ev, id) -> bool: whether it takes up a lead,
--                   id being the subject of an incident or an asset,
--                   segment or C2 a tip names (default: every one); e.g.
--                   one case for a defacement wave rather than one
--                   investigation per site
--   priority        list of ids, asset kinds or event kinds investigated
--                   first when investigations wait (see max_open)
--   max_open        at most this many investigations at once (default no
--                   limit)
--   relay           true (default): where the 24/7 network is missing
--                   (contact_point: none here or in the holder's
--                   country), ask a CSIRT of the holder's country to
--                   preserve, which relays it to the holder at home;
--                   false: ask the holder (the engine's default, MLA)

local lib = require("teams.lib")
local M = {}

local INCIDENTS = lib.set{"website.defaced", "ddos.impact", "asset.detected", "asset.compromised", "botnet.alert",
  "data.exfiltrated", "physical.attack"}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("30m"))
  local preserve_first = o.preserve_first ~= false
  local disclose = o.disclose ~= false
  local disclose_after = lib.ticks(o.disclose_after, ticks("1h"))
  local recheck = lib.ticks(o.recheck, ticks("6h"))
  local investigate = o.investigate ~= false
  local inv = lib.investigations(o)
  local cases = {}                   -- campaign ids it works on
  local places = {}                  -- assets of others it knows of (their logs)
  local involved, inv_order = {}, {} -- organisations that hold records of its cases
  local asked = {}                   -- evidence id -> true
  local started = false
  local news = false                 -- it learned something since it last looked

  -- covered(e): its own investigation collects the item (the logs lie on
  -- an asset it investigates, or in a segment it investigates).
  local function covered(e)
    if not e.asset then return false end
    if inv.looked(e.asset) then return true end
    local place = lib.whois(e.asset)
    return place ~= nil and inv.looked(place.segment)
  end

  -- preserve(e): abroad, through the 24/7 network; where either country
  -- has no contact point, through a CSIRT of the holder's country, which
  -- relays it at home (MLA, the engine's default then, takes months).
  local function preserve(e)
    local there = org(e.holder).jurisdiction
    local network = jurisdiction(there).contact_point and jurisdiction(lib.my_jurisdiction()).contact_point
    local csirt = not network and o.relay ~= false and orgs{kind = "csirt", jurisdiction = there}[1]
    act("request", csirt and csirt.id or e.holder, {kind = "preserve", target = e.id})
  end

  local function ask(e)
    if asked[e.id] or e.holder == me() or lib.holds(e) or covered(e) then return end
    asked[e.id] = true
    if lib.abroad(e.holder) and preserve_first then
      preserve(e)
      if disclose then
        after(disclose_after, function() act("request", e.holder, {kind = "disclose", target = e.id}) end)
      end
    elseif disclose then
      act("request", e.holder, {kind = "disclose", target = e.id})
    end
  end

  local function work()
    for _, e in ipairs(lib.records(inv_order, places, cases)) do ask(e) end
  end

  local function involve(org_id)
    if org_id and org_id ~= me() and not involved[org_id] then
      involved[org_id] = true
      inv_order[#inv_order + 1] = org_id
      news = true
    end
  end

  -- learn_place(id, home): an asset or segment the unit was told of;
  -- one of its own country joins the list `home` to investigate.
  local function learn_place(id, home)
    local place = lib.whois(id)
    if not place then return end
    involve(place.owner)
    involve(place.isp)
    if place.jurisdiction == lib.my_jurisdiction() then home[#home + 1] = place.id end
    if place.what == "asset" and place.owner ~= me() and not places[place.id] then
      places[place.id] = true
      news = true
    end
  end

  local function open_case(cid)
    if cid and not cases[cid] then
      cases[cid] = true
      news = true
    end
  end

  -- take(ev, ids, c2s, campaigns, author): after the delay, what an event
  -- told the unit: places, C2 servers, campaigns, who told it.
  local function take(ev, ids, c2s, campaigns, author)
    lib.later(delay, function()
      involve(author)
      local home = {}
      for _, id in ipairs(ids) do learn_place(id, home) end
      for _, id in ipairs(c2s) do learn_place(id, home) end
      if investigate then inv.add(home, ev) end
      for _, cid in ipairs(campaigns) do open_case(cid) end
      -- the indicators a report or its own investigation gave
      for _, cid in ipairs(lib.indicators()) do open_case(cid) end
      -- where it may find more now; otherwise the next recheck looks
      if news then
        news = false
        work()
      end
    end)
    if not started then
      started = true
      every(recheck, work)
    end
  end

  return {
    name = o.name or "police",
    on_event = function(ev)
      inv.track(ev)
      if lib.own_result(ev) then
        take(ev, {}, lib.result_c2s(ev), lib.found(ev), nil)
      elseif INCIDENTS[ev.kind] then
        if not inv.want(ev, ev.subject) then return end
        local cids = lib.found(ev)
        local d = lib.defacer(ev)
        if d then table.insert(cids, 1, d) end
        take(ev, {ev.subject}, {}, cids, nil)
      elseif lib.is_tip(ev) and ev.org ~= me() then
        local named = lib.named(ev.text)
        local ids, c2s = {}, {}
        for _, place in ipairs(named.places) do
          if inv.want(ev, place.id) then ids[#ids + 1] = place.id end
        end
        for _, id in ipairs(lib.c2s_named(ev.text)) do
          if inv.want(ev, id) then c2s[#c2s + 1] = id end
        end
        local author = nil
        if ev.kind == "report.shared" or ev.kind == "message" then author = ev.org end
        take(ev, ids, c2s, {}, author)
        -- evidence a tip names: ask for it where it lies
        if #named.evidence > 0 then
          lib.later(delay, function()
            for _, id in ipairs(named.evidence) do
              local e = evidence(id)
              if e then ask(e) end
            end
          end)
        end
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist"}),
  }
end

return M
