-- Helpers shared by the scripted team policies of scripts/teams/.
--
-- A policy module returns {new = function(opts) ... end}; new returns the
-- table given to team(org, policy). Every policy takes these options:
--
--   delay            ticks or a duration before the team acts on what it
--                    learns ("30m"; default: the policy's)
--   answer_delay     before it answers a request (default 0: at once; the
--                    request is still carried out at its due tick)
--   respect_law      refuse requests for acts that are no crime here (no
--                    dual criminality); default true
--   refuse_permille  chance (‰) to refuse a request it would accept
--   accept           list of request kinds it accepts (default: the
--                    policy's); others are refused
--   name             shown in logs
--
-- so that the same scenario can be run with a "fast, coordinated" and a
-- "slow" response and the outcomes compared (cyberex test / sweep).
--
-- Fog of war. A scripted team plays one organisation and knows only what
-- that organisation knows (DESIGN.md). Inside a team's handlers the query
-- API answers from the organisation's view, decided by the engine
-- (engine/view.go, docs/architecture.md "The seam"):
--
--   * its own organisation (org(me()), with what it learned), and its own
--     assets as it observes them (a compromise it has not detected looks
--     clean), the segments it owns or serves, the infrastructure it runs or
--     depends on;
--   * what reached it: the events on_event receives, the requests to and
--     from it, the evidence it holds, holds a copy of or knows of, the
--     campaigns whose indicators it holds and the C2 servers it learned;
--   * public facts: published content, defaced pages, the directory of
--     organisations and jurisdictions (laws, channels), and the
--     registration of an asset or segment (id, kind, owner, jurisdiction,
--     segment, ISP: what WHOIS and an IP lookup tell), see whois().
--
-- Reading anything else there (another's host state, a campaign's bots,
-- others' staff) is an error that names the function.

local asset, assets, segment, campaign, evidence, evidence_list = asset, assets, segment, campaign, evidence, evidence_list
local payment, payments, requests, org, orgs = payment, payments, requests, org, orgs

local lib = {}

--- ticks(v, default): ticks of a number or duration option.
function lib.ticks(v, default)
  if v == nil then return default end
  return ticks(v)
end

--- set(list): {item = true, ...}
function lib.set(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

--- has(list, v): whether v is in the list.
function lib.has(list, v)
  for _, x in ipairs(list or {}) do
    if x == v then return true end
  end
  return false
end

--- later(delay, fn): fn() now when delay is 0, else after delay ticks.
function lib.later(delay, fn)
  if delay <= 0 then return fn() end
  after(delay, fn)
end

--- on_request(o, kinds): an on_request handler that accepts the request
--- kinds in o.accept (or kinds, the policy's default), refuses the others
--- and, with o.respect_law, the requests without dual criminality (except
--- preservation, which needs none).
function lib.on_request(o, kinds)
  local accepts = lib.set(o.accept or kinds)
  local respect = o.respect_law ~= false
  local refuse = o.refuse_permille or 0
  local wait_for = lib.ticks(o.answer_delay, 0)
  return function(req)
    -- Preservation needs no dual criminality (Budapest Convention art. 29(3)).
    if respect and not req.dual_criminality and req.kind ~= "preserve" then
      return "refuse", "not a crime here: no dual criminality for " .. req.offence
    end
    if not accepts[req.kind] then
      return "refuse", "we do not " .. req.kind .. " on request"
    end
    if refuse > 0 and random(1000) <= refuse then
      return "refuse", "declined"
    end
    if wait_for <= 0 then return "accept" end
    after(wait_for, function() answer(req.id, "accept") end)
    return "hold"
  end
end

--- my_jurisdiction(): the jurisdiction of the team's organisation.
function lib.my_jurisdiction()
  return org(me()).jurisdiction
end

--- abroad(org_id): whether an organisation is in another jurisdiction
--- than the team's.
function lib.abroad(org_id)
  return org(org_id).jurisdiction ~= lib.my_jurisdiction()
end

--- first(list, pred): the first element for which pred holds.
function lib.first(list, pred)
  for _, v in ipairs(list) do
    if pred(v) then return v end
  end
  return nil
end

-- ---------------------------------------------------------------------
-- What the organisation knows
-- ---------------------------------------------------------------------

--- indicators(): the campaigns whose indicators the team's organisation
--- holds (it detected or investigated them, or received a report that
--- carried them): the only campaigns it can name.
function lib.indicators()
  return org(me()).indicators
end

--- knows(cid): whether the team holds indicators of campaign cid.
function lib.knows(cid)
  return lib.has(org(me()).indicators, cid)
end

-- What an id names is declared and never changes during a run (owners,
-- jurisdictions, ISPs included): whois answers are cached (per world: a
-- module is loaded once per story). false: names nothing.
local registry = {}

--- whois(id): the public registration of an asset or a segment, or nil
--- when id names neither: {id, what = "asset"|"segment", kind, owner,
--- jurisdiction, segment, isp}. Nothing about its state. The table is
--- shared: do not change it.
function lib.whois(id)
  if type(id) ~= "string" or id == "" then return nil end
  local r = registry[id]
  if r ~= nil then return r or nil end
  r = false
  local ok, a = pcall(asset, id)
  if ok then
    r = {id = a.id, what = "asset", kind = a.kind, owner = a.owner, jurisdiction = a.jurisdiction,
      segment = a.segment, isp = segment(a.segment).isp}
  else
    local oks, s = pcall(segment, id)
    if oks then
      r = {id = s.id, what = "segment", kind = "segment", owner = s.owner, jurisdiction = s.jurisdiction,
        segment = s.id, isp = s.isp}
    end
  end
  registry[id] = r
  return r or nil
end

--- mine(id): whether the asset or segment is the team's own (it owns it,
--- or, for a segment or an asset in one, it is the segment's ISP).
function lib.mine(id)
  local w = lib.whois(id)
  return w ~= nil and (w.owner == me() or w.isp == me())
end

--- tokens(text): the words of a text that may be ids (letters, digits,
--- "-", "_", "."), in order, without duplicates.
function lib.tokens(text)
  local out, seen = {}, {}
  if type(text) ~= "string" then return out end
  for w in text:gmatch("[%w_%-%.]+") do
    w = w:gsub("[%.%-]+$", "")
    if #w >= 2 and not seen[w] then
      seen[w] = true
      out[#out + 1] = w
    end
  end
  return out
end

--- named(text): what a text names that the team can act on: assets and
--- segments (whois tables), evidence ids and payment ids, in order.
--- Reports, messages, injects and investigation results name them.
function lib.named(text)
  local got = {places = {}, evidence = {}, payments = {}}
  for _, w in ipairs(lib.tokens(text)) do
    local place = lib.whois(w)
    if place then
      got.places[#got.places + 1] = place
    elseif evidence(w) then
      got.evidence[#got.evidence + 1] = w
    elseif payment(w) then
      got.payments[#got.payments + 1] = w
    end
  end
  return got
end

--- c2s_named(text): command-and-control servers a text names: those it
--- says hosts "call home to" (an investigation's words, quoted in a report
--- or a message), and servers of kind c2 named in a report, a message or
--- an inject. For the team's own results read the payload: result_c2s(ev).
function lib.c2s_named(text)
  local out, seen = {}, {}
  if type(text) ~= "string" then return out end
  local home = text:match("call home to (.+)$")
  if home then
    for id in home:gmatch("[^,%s]+") do
      if lib.whois(id) and not seen[id] then
        seen[id] = true
        out[#out + 1] = id
      end
    end
  end
  for _, place in ipairs(lib.named(text).places) do
    if place.what == "asset" and place.kind == "c2" and not seen[place.id] then
      seen[place.id] = true
      out[#out + 1] = place.id
    end
  end
  return out
end

--- is_tip(ev): an event that tells the team something in words: an
--- inject, a report or a message it received, a scenario's own event.
function lib.is_tip(ev)
  return ev.kind == "inject.delivered" or ev.kind == "report.shared" or ev.kind == "message"
    or (type(ev.kind) == "string" and ev.kind:sub(1, 7) == "script.")
end

--- own_result(ev): an alert of the team's own sensors or the result of
--- its own investigation or scan (asset.detected for its organisation).
function lib.own_result(ev)
  return ev.kind == "asset.detected" and ev.org == me()
end

--- defacer(ev): the campaign a defaced page shows (public: anyone who
--- opens it reads the crew's name; ev.fields.campaign), or nil.
function lib.defacer(ev)
  if ev.kind ~= "website.defaced" or not ev.fields then return nil end
  return ev.fields.campaign
end

--- learned(kind, subject): the campaign of a fact the team learned
--- (kind "c2", "compromised" or "named"), false when the fact ties to no
--- campaign, nil when it never learned it.
function lib.learned(kind, subject)
  for _, f in ipairs(org(me()).learned) do
    if f.kind == kind and f.subject == subject then return f.campaign or false end
  end
  return nil
end

--- compromised_by(id): the campaign the team knows holds an asset: its
--- own as it observes it, another's as its investigation found it.
function lib.compromised_by(id)
  local a = asset(id)
  if not a.registered then return a.controller end
  return lib.learned("compromised", id) or nil
end

--- found(ev): the campaigns an alert or an investigation of the team
--- attributes: for its own alert or investigation result on an asset,
--- the campaign it found holding it; on a segment, the campaigns whose
--- traffic alerted there or whose hosts it found there. Only campaigns
--- among its indicators: the engine gives the organisation a campaign's
--- indicators exactly when its alert or investigation finds it.
function lib.found(ev)
  if not (lib.own_result(ev) or ev.kind == "botnet.alert") or not ev.subject then return {} end
  local known = lib.indicators()
  if #known == 0 then return {} end
  local place = lib.whois(ev.subject)
  if not place then return {} end
  local out = {}
  if place.what == "asset" then
    local c = lib.compromised_by(place.id)
    if c and lib.has(known, c) then out[1] = c end
    return out
  end
  local s = segment(place.id)
  local alerts = rawget(s, "alerts") or {}
  for _, c in ipairs(known) do
    local there = lib.has(alerts, c)
    if not there and rawget(s, "alerts") then
      there = #assets{segment = place.id, controller = c, named_only = false, limit = 1} > 0
    end
    if not there then
      for _, f in ipairs(org(me()).learned) do
        if f.kind == "compromised" and f.campaign == c then
          local w = lib.whois(f.subject)
          if w and w.segment == place.id then there = true break end
        end
      end
    end
    if there then out[#out + 1] = c end
  end
  return out
end

--- campaign_of(ev): the campaign behind an event, as the team may know
--- it: the one a defaced page names, or the first its own alert or
--- investigation found (see found). nil otherwise.
function lib.campaign_of(ev)
  return lib.defacer(ev) or lib.found(ev)[1]
end

--- offence(cid): the offence a campaign the team knows commits (what its
--- indicators describe), or nil for a campaign it does not know.
function lib.offence(cid)
  if not lib.knows(cid) then return nil end
  return campaign(cid).offence
end

--- campaigns_named(text): the campaigns a text (a message from someone
--- who knows them) names, with their offence: {{id, offence}}.
function lib.campaigns_named(text)
  local out = {}
  for _, w in ipairs(lib.tokens(text)) do
    local ok, c = pcall(campaign, w)
    if ok then out[#out + 1] = {id = c.id, offence = c.offence} end
  end
  return out
end

--- result_c2s(ev): the command-and-control servers the team's own alert,
--- investigation or scan (asset.detected) shows: those the compromised
--- hosts call home to (ev.fields.c2s), then what it looked at when that is
--- a C2 server itself.
function lib.result_c2s(ev)
  local out, seen = {}, {}
  local function add(id)
    if not seen[id] then
      seen[id] = true
      out[#out + 1] = id
    end
  end
  if ev.fields and ev.fields.c2s then
    for id in ev.fields.c2s:gmatch("[^,]+") do
      if lib.whois(id) then add(id) end
    end
  end
  local place = lib.whois(ev.subject)
  if place and place.what == "asset" and place.kind == "c2" then add(place.id) end
  return out
end

--- alert_c2s(ev): the command-and-control servers a botnet alert the team
--- sees shows: the hosts in the segment call them (the traffic shows the
--- C2; engine/spread.go gives the watchers the indicators for it).
function lib.alert_c2s(ev)
  local out = {}
  if ev.kind ~= "botnet.alert" then return out end
  for _, c in ipairs(lib.found(ev)) do
    local c2 = campaign(c).c2  -- the latest it learned
    if c2 and not lib.has(out, c2) then out[#out + 1] = c2 end
  end
  return out
end

--- own_c2s(): the team's own servers that are the command and control of
--- a campaign whose indicators it holds (a hosting company matches the
--- indicators against the traffic of the servers it runs).
function lib.own_c2s()
  local out = {}
  for _, c in ipairs(lib.indicators()) do
    for _, c2 in ipairs(campaign(c).c2s) do
      if asset(c2).owner == me() and not lib.has(out, c2) then out[#out + 1] = c2 end
    end
  end
  return out
end

--- nameable(cid): whether the team can name a campaign in a request:
--- it holds its indicators, or the campaign shows itself in public (a
--- defaced page names it). The engine's rule for what a report may carry.
function lib.nameable(cid)
  if lib.knows(cid) then return true end
  local ok, c = pcall(campaign, cid)  -- a team knows a campaign that shows itself in public
  return ok and c.defaced > 0
end

--- records(holders, places, cids): the records the team can ask for at
--- the organisations it knows to be involved (holders, a list: the owner
--- or ISP of an affected asset, the host of a C2, the author of a
--- report): those about an asset it knows (places, a set of asset ids:
--- "the logs of server X"), and those of a campaign it can name (cids, a
--- set; see nameable: "everything you hold on campaign C"), that the
--- holder still keeps (one can only be handed what is left). In the
--- holders' order, then the world's.
function lib.records(holders, places, cids)
  local out, name = {}, {}
  for _, h in ipairs(holders) do
    if h ~= me() then
      -- what it knows of (it cannot tell whether the holder still keeps
      -- it: the answer to its request will)
      for _, e in ipairs(evidence_list{holder = h, limit = 100000}) do
        local c = e.campaign
        if c and cids[c] and name[c] == nil then name[c] = lib.nameable(c) end
        if not rawget(e, "lost") and ((e.asset and places[e.asset]) or (c and cids[c] and name[c])) then out[#out + 1] = e end
      end
    end
  end
  return out
end

--- holds(e): whether the team holds a copy of an evidence item (table
--- or id), and its custody ("lawful" or "informal").
function lib.holds(e)
  if type(e) == "string" then e = evidence(e) end
  if not e then return false end
  if e.custody == "lawful" or e.custody == "informal" then return true, e.custody end
  return false
end

--- record_of_payment(pid): the payment record the service keeps for the
--- account that received a payment the team was told of, or nil.
function lib.record_of_payment(pid)
  local p = payment(pid)
  if not p then return nil end
  local best = nil
  for _, e in ipairs(evidence_list{holder = p.service, kind = "payment-record", limit = 100000}) do
    if e.campaign == p.campaign and (rawget(e, "created") or p.tick) <= p.tick then best = e end
  end
  return best
end

--- account_history(e): the payments into the account an evidence item
--- (a payment record the team holds a copy of) documents: a disclosed
--- record is the account's history at that service, and the service
--- keeps the holder of a court order informed of later payments. Empty
--- unless the team holds the record.
function lib.account_history(e)
  if type(e) == "string" then e = evidence(e) end
  if not e or e.kind ~= "payment-record" or not lib.holds(e) then return {} end
  -- the payments it may see at the service are those of the accounts
  -- whose records it holds (the campaign shows only with its indicators)
  return payments{campaign = e.campaign, service = e.holder, limit = 100000}
end

local LAW = {police = true, prosecutor = true, fiu = true}

--- national_le(): the police, prosecutors and financial intelligence
--- units of the team's jurisdiction (the directory), in the world's order.
function lib.national_le()
  local here, out = lib.my_jurisdiction(), {}
  for _, o in ipairs(orgs{jurisdiction = here}) do
    if LAW[o.kind] then out[#out + 1] = o.id end
  end
  return out
end

--- case_file(): the national case file a prosecutor directs: the evidence
--- its jurisdiction's police, prosecutors and FIU hold lawfully (what a
--- case counts), by campaign: {campaigns = {ids in order}, weight =
--- {cid = n}, offence = {cid = offence}}, and the records they had
--- preserved and not yet asked to see (preserved = {{id, holder,
--- campaign, offence}}), for a disclosure request.
function lib.case_file()
  local le = lib.set(lib.national_le())
  local file = {campaigns = {}, weight = {}, offence = {}, preserved = {}}
  for _, e in ipairs(evidence_list{limit = 100000}) do
    if e.campaign and e.custody ~= "known" then
      for _, c in ipairs(e.copies) do
        if c.custody == "lawful" and le[c.org] then
          if not file.weight[e.campaign] then
            file.campaigns[#file.campaigns + 1] = e.campaign
            file.weight[e.campaign] = 0
            file.offence[e.campaign] = e.offence
          end
          file.weight[e.campaign] = file.weight[e.campaign] + e.weight
          break
        end
      end
    end
  end
  local seen = {}
  local le_list = lib.national_le()
  for _, x in ipairs(le_list) do
    -- a disclosure already asked for (and not refused) is on its way
    for _, r in ipairs(requests{from = x, kind = "disclose", limit = 100000}) do
      if r.status ~= "refused" and r.status ~= "unanswered" then seen[r.target] = true end
    end
  end
  for _, x in ipairs(le_list) do
    for _, r in ipairs(requests{from = x, kind = "preserve", status = "done", limit = 100000}) do
      local e = evidence(r.target)  -- preserved abroad: known of, not held
      if e and not rawget(e, "lost") and not seen[e.id] and e.campaign then
        seen[e.id] = true
        file.preserved[#file.preserved + 1] = {id = e.id, holder = e.holder, campaign = e.campaign,
          offence = rawget(e, "offence") or lib.offence(e.campaign)}
      end
    end
  end
  return file
end

-- ---------------------------------------------------------------------
-- Investigations: which incidents a team looks into, and how many at once
-- ---------------------------------------------------------------------

--- investigations(o): the investigations of a team (CSIRT, police) with
--- the options
---   only      function(ev, id) -> bool: whether to take up the lead id
---             (an incident's subject, an id a tip names) (default all)
---   priority  list of asset or segment ids, asset kinds or event kinds:
---             leads matching an earlier entry are investigated first
---             when they wait (default: in the order they came)
---   max_open  at most this many investigations at once; the others wait
---             (default no limit)
--- inv.want(ev, id) says whether only() lets a lead through; inv.add(ids,
--- ev) investigates each id (one or a list, taken up together) once, now
--- or when a slot frees; inv.track(ev) in on_event frees slots;
--- inv.looked(id) says whether id was taken up.
function lib.investigations(o)
  local only, prio, max_open = o.only, o.priority or {}, o.max_open
  local looked, open, nopen, queue, seq = {}, {}, 0, {}, 0
  local inv = {}

  local function rank(id, ev)
    local place = lib.whois(id)
    for i, p in ipairs(prio) do
      if p == id or (place and p == place.kind) or (ev and p == ev.kind) then return i end
    end
    return #prio + 1
  end

  local function pump()
    while #queue > 0 and (not max_open or nopen < max_open) do
      local best = 1
      for i = 2, #queue do
        local q, b = queue[i], queue[best]
        if q.rank < b.rank or (q.rank == b.rank and q.seq < b.seq) then best = i end
      end
      local lead = table.remove(queue, best)
      local cmd = act("investigate", lead.id)
      if cmd then
        open[cmd] = true
        nopen = nopen + 1
      end
    end
  end

  function inv.want(ev, id)
    return only == nil or only(ev, id) and true or false
  end

  function inv.looked(id) return looked[id] == true end

  function inv.add(ids, ev)
    if type(ids) ~= "table" then ids = {ids} end
    for _, id in ipairs(ids) do
      if not looked[id] then
        looked[id] = true
        seq = seq + 1
        queue[#queue + 1] = {id = id, rank = rank(id, ev), seq = seq}
      end
    end
    pump()
  end

  function inv.track(ev)
    if (ev.kind == "command.done" or ev.kind == "command.rejected") and ev.org == me() and ev.command and open[ev.command] then
      open[ev.command] = nil
      nopen = nopen - 1
      pump()
    end
  end

  return inv
end

return lib
