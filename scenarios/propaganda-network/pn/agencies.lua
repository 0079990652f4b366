-- pn.agencies: the public agencies of Arland (police, prosecutor, FIU,
-- ministry) and Carpathia (police, prosecutor) as scripted teams, in two
-- styles chosen by var("response"):
--
-- fast, coordinated: the police's internet referral unit flags each upload
--   to the platform's trust & safety team within hours, shares the hashes
--   of the group's material with every platform, sends a legal order where
--   the material is a crime in the platform's country, asks Carpathia's
--   police for a domestic removal order for material in Carpathia, and
--   preserves the uploader's records through the 24/7 network before asking
--   for them by mutual legal assistance; the prosecutors open cases the day
--   they are told; the FIU asks the payment services for the account records
--   at once (informally, as intelligence, and formally for court), traces
--   every payment it can and asks for a freeze; the ministry answers with a
--   counter-narrative within hours and repeats it.
--
-- slow, formal: the police look at the group's output a few times a week
--   and send formal takedown orders only (refused where the material is no
--   crime), flag material only after the platform tells them to, never
--   preserve and ask for disclosure late; prosecutors decide at a weekly
--   meeting; the FIU waits for the liaison's call and sends mutual legal
--   assistance requests only; the ministry speaks once after parliament
--   asks, then every two weeks.
--
-- Every team only acts on what it has seen: public uploads, injects,
-- messages, reports and answers to its own requests (on_event gets the
-- events visible to the team). With var("agencies") = "scripted" (the
-- default) the story marks these teams scripted itself, so `cyberex run`
-- plays every role; "people" leaves them to human teams. Tests mark them
-- with `scripted: all`.

local K = require("pn.world")

-- A record held by another that a team only knows of has no `lost` to read
-- (whether it is still kept is the holder's to say, in the answer to a
-- request): rawget(e, "lost") is nil then, true only for what it holds.

local FAST = var("response", "fast") == "fast"

if var("agencies", "scripted") == "scripted" then
  for _, id in ipairs({"police-a", "prosecutor-a", "fiu-a", "ministry-a", "police-c", "prosecutor-c"}) do
    set_scripted(id, true)
  end
end

local function crime_at(org_id, offence)
  return jurisdiction(org(org_id).jurisdiction):is_crime(offence)
end

-- try(verb, target, args): act, and log a rejection (a bug in a policy).
local function try(verb, target, args)
  local id, why = act(verb, target, args)
  if not id then log(verb .. " " .. tostring(target) .. " rejected: " .. tostring(why)) end
  return id
end

local function inject_event(ev, id)
  return ev.kind == "inject.delivered" and ev.subject == id
end

-- ---------------------------------------------------------------- police-a

local police_a = {name = "police-a " .. (FAST and "fast" or "slow")}
do
  local handled, shared = {}, {}
  local ts_known = false

  local function share_once(camp)
    if shared[camp] then return end
    shared[camp] = true
    -- hashes of the material to every platform (GREEN: they may pass it on)
    try("share", "vidshare-b", {to = {"social-c", "chan-d"}, tlp = "GREEN", campaign = camp,
      title = "hashes and account names of " .. camp .. " material (Dawn Media)"})
    -- the case file to the prosecutor and the FIU (AMBER: need to know)
    try("share", "prosecutor-a", {to = {"fiu-a"}, tlp = "AMBER", campaign = camp,
      title = "Dawn Media " .. camp .. ": uploads, accounts, platforms"})
  end

  -- the fast referral of one upload
  local function refer(item)
    local p = item.platform
    if K.is_live(item.id) then
      try("message", p, {text = "flag " .. item.id})
      if p == "social-c" then
        try("message", "police-c", {text = "order " .. item.id})
      elseif crime_at(p, item.offence) then
        try("request", p, {kind = "takedown", target = item.id, offence = item.offence})
      end
    end
    share_once(item.campaign)
    -- the uploader's records, through the 24/7 network, where the law
    -- there allows it (not glorification in Borduria, not appeals in Dravia)
    if item.records and crime_at(p, item.offence) then
      try("request", p, {kind = "preserve", target = item.records, offence = item.offence})
    end
  end

  -- the slow, formal handling of one upload
  local function order(item)
    if K.is_live(item.id) then
      try("request", item.platform, {kind = "takedown", target = item.id, offence = item.offence})
      if ts_known and item.platform == "vidshare-b" then
        try("message", item.platform, {text = "flag " .. item.id})
      end
    end
    -- a week later, disclosure of the uploader's records for the file,
    -- without preservation (the records may be gone by the answer)
    if item.records and item.platform == "social-c" then
      after(random(120, 200), function()
        try("request", item.platform, {kind = "disclose", target = item.records, offence = item.offence})
      end)
    end
  end

  local function see(item)
    if handled[item.id] then return end
    handled[item.id] = true
    if FAST then
      after(random(1, 4), function() refer(item) end)
    else
      after(random(24, 72), function() order(item) end)
    end
  end

  police_a.on_event = function(ev)
    if ev.kind == "content.published" then
      local item = K.content[ev.subject]
      if item then see(item) end
    elseif inject_event(ev, "ts-writes") then
      ts_known = true
      if not FAST then
        -- the unit now flags what is still online at VidShare, after a
        -- day or two to get trusted-flagger status
        after(random(24, 48), function()
          for _, id in ipairs(K.order) do
            local c = K.content[id]
            if c.platform == "vidshare-b" and K.is_live(id) then
              try("message", "vidshare-b", {text = "flag " .. id})
            end
          end
        end)
      end
    elseif ev.kind == "request.answered" and FAST then
      -- a preservation done: ask for the records formally (MLA), for court
      local r = request(ev.subject)
      if r and r.from == "police-a" and r.kind == "preserve" and r.status == "done" then
        local e = evidence(r.target)
        if e and not rawget(e, "lost") then
          try("request", r.to, {kind = "disclose", target = r.target, offence = r.offence})
        end
      end
    end
  end

  police_a.on_tick = function()
    if tick() == 1 then
      -- the back catalogue on Kanal is known from the start
      see(K.content.archive)
    end
  end
end
team("police-a", police_a)

-- ------------------------------------------------------------ prosecutors

local function prosecutor(me, first_review)
  local known, opened = {}, {}
  local p = {name = me .. " " .. (FAST and "fast" or "slow")}
  local function open(camp)
    if opened[camp] then return end
    opened[camp] = true
    try("prosecute", camp)
  end
  local function learn(camp)
    if known[camp] then return end
    known[camp] = true
    if FAST then after(random(4, 12), function() open(camp) end) end
  end
  p.on_event = function(ev)
    if ev.kind == "report.shared" then
      -- the report's campaign, from the title ("Dawn Media CAMPAIGN: ...")
      for _, c in ipairs({"videos", "fundraise"}) do
        if string.find(ev.fields.title or "", "Dawn Media " .. c, 1, true) then learn(c) end
      end
    elseif inject_event(ev, "first-video") or inject_event(ev, "video-100k") or inject_event(ev, "bomb-video") then
      learn("videos")
    end
  end
  if not FAST then
    -- the weekly case meeting
    p.on_tick = function()
      local t = tick()
      if t >= first_review and (t - first_review) % 168 == 0 then
        for _, c in ipairs({"videos", "fundraise"}) do
          if known[c] then open(c) end
        end
      end
    end
  end
  return p
end

-- ---------------------------------------------------------------- fiu-a

local fiu_a = {name = "fiu-a " .. (FAST and "fast" or "slow")}
do
  local known = {}        -- service -> true once the FIU knows the group uses it
  local asked = {}        -- service -> tick of the last disclosure request
  local copy = {}         -- service -> true once the FIU holds a record of the account
  local tracing = {}      -- payment id -> true once a trace is under way
  local blocked = {}      -- service -> true once a freeze was asked
  local preserved = {}    -- record -> true once preservation was asked
  local formal = {}       -- service -> formal disclosures asked
  local reported = false

  local function first_record(s)
    for _, p in ipairs(K.by_service[s] or {}) do
      local e = evidence(p.record)
      if e and not rawget(e, "lost") then return p end
    end
    return nil
  end

  local function trace_all(s)
    for _, p in ipairs(K.by_service[s] or {}) do
      local pay = payment(p.id)
      if pay and not pay.traced and not tracing[p.id] then
        tracing[p.id] = true
        try("trace", p.id)
      end
    end
  end

  local function fast_round()
    for _, s in ipairs(K.services) do
      if known[s] then
        local p = first_record(s)
        if p and not copy[s] and (not asked[s] or tick() - asked[s] > 72) then
          asked[s] = tick()
          -- intelligence at once: straight to the service's compliance desk
          try("request", s, {kind = "disclose", target = p.record, channel = "police"})
        end
        -- for court: preserve every record, and ask for three formally
        for _, q in ipairs(K.by_service[s] or {}) do
          if not preserved[q.record] then
            local e = evidence(q.record)
            if e and not rawget(e, "lost") then
              preserved[q.record] = true
              try("request", s, {kind = "preserve", target = q.record})
              if (formal[s] or 0) < 3 and crime_at(s, "terror-financing") then
                formal[s] = (formal[s] or 0) + 1
                try("request", s, {kind = "disclose", target = q.record})
              end
            end
          end
        end
        if copy[s] then
          trace_all(s)
          local list = K.by_service[s] or {}
          if not blocked[s] and #list > 0 then
            blocked[s] = true
            -- freeze the account: name its newest payment
            try("request", s, {kind = "block", target = list[#list].id, channel = "police"})
          end
        end
      end
    end
  end

  local function slow_request(s)
    local p = first_record(s)
    if not p then
      after(72, function() slow_request(s) end)
      return
    end
    asked[s] = tick()
    try("request", s, {kind = "disclose", target = p.record})   -- MLA, the formal route
  end

  fiu_a.on_event = function(ev)
    if inject_event(ev, "first-appeal") then
      if FAST then
        known["paylink-c"], known["coinex-d"] = true, true
      end
    elseif inject_event(ev, "liaison-call") then
      known["paylink-c"] = true
      if not FAST then after(random(48, 120), function() slow_request("paylink-c") end) end
    elseif inject_event(ev, "exchange-link") then
      known["coinex-d"] = true
      if not FAST then after(random(48, 120), function() slow_request("coinex-d") end) end
    elseif ev.kind == "evidence.obtained" and ev.org == "fiu-a" then
      local e = evidence(ev.subject)
      if e and e.kind == "payment-record" then
        local first = not copy[e.holder]
        copy[e.holder] = true
        if not reported then
          reported = true
          try("share", "prosecutor-a", {to = {"police-a"}, tlp = "AMBER", campaign = "fundraise",
            title = "Dawn Media fundraise: payment records and traces"})
        end
        if not FAST and first then
          after(random(24, 72), function() trace_all(e.holder) end)
        end
      end
    elseif ev.kind == "request.answered" and not FAST then
      -- an answer that came back empty: ask again with a newer record, a week later
      local r = request(ev.subject)
      if r and r.from == "fiu-a" and r.kind == "disclose" and not copy[r.to] then
        local s = r.to
        if r.status == "done" then
          after(168, function() if not copy[s] then slow_request(s) end end)
        end
      end
    end
  end

  fiu_a.on_tick = function()
    local t = tick()
    if FAST and t % 6 == 0 then fast_round() end
    if not FAST and t % 168 == 0 then
      for _, s in ipairs(K.services) do
        if copy[s] then trace_all(s) end
      end
    end
  end
end
team("fiu-a", fiu_a)

-- ------------------------------------------------------------ ministry-a

local ministry_a = {name = "ministry-a " .. (FAST and "fast" or "slow")}
do
  local started = false
  local turn = 0
  local function live(camp)
    for _, id in ipairs(K.order) do
      local c = K.content[id]
      if c.campaign == camp and K.is_live(id) then return true end
    end
    return false
  end
  local function speak()
    -- alternate: the videos, then the appeals when they are online
    turn = turn + 1
    local camp = "videos"
    if turn % 2 == 0 and live("fundraise") then camp = "fundraise" end
    if not live(camp) then camp = live("videos") and "videos" or (live("fundraise") and "fundraise" or nil) end
    if camp then
      try("statement", nil, {campaign = camp,
        text = "Arland's government answers Dawn Media: survivors and former members speak"})
    end
  end
  local function start(first_delay, period)
    if started then return end
    started = true
    after(first_delay, function()
      speak()
      every(period, speak)
    end)
  end
  ministry_a.on_event = function(ev)
    if FAST then
      if inject_event(ev, "first-video") then start(random(6, 12), 72) end
      if inject_event(ev, "video-100k") then after(random(3, 6), speak) end
    else
      if inject_event(ev, "mp-question") then start(random(48, 96), 336) end
    end
  end
end
team("ministry-a", ministry_a)

-- ------------------------------------------------------------- police-c

local police_c = {name = "police-c " .. (FAST and "fast" or "slow")}
do
  local reported = {}
  local function report(camp)
    if reported[camp] then return end
    reported[camp] = true
    try("share", "prosecutor-c", {tlp = "AMBER", campaign = camp,
      title = "Dawn Media " .. camp .. ": Carpathian inquiry"})
  end
  local function str_inquiry()
    local list = K.by_service["paylink-c"] or {}
    for _, p in ipairs(list) do
      local e = evidence(p.record)
      if e and not rawget(e, "lost") then
        try("request", "paylink-c", {kind = "preserve", target = p.record})
        try("request", "paylink-c", {kind = "disclose", target = p.record})
        break
      end
    end
    if FAST and #list > 0 then
      -- freeze the account: name its newest payment
      try("request", "paylink-c", {kind = "block", target = list[#list].id})
    end
    report("fundraise")
  end
  police_c.on_event = function(ev)
    if ev.kind == "message" and ev.subject == "police-c" then
      if ev.org == "paylink-c" then
        -- the suspicious transaction report
        if FAST then
          after(random(2, 8), str_inquiry)
        else
          after(random(72, 168), str_inquiry)
        end
      elseif ev.org == "police-a" then
        local id = string.match(ev.text or "", "^order (%S+)")
        local item = id and K.content[id]
        if item and item.platform == "social-c" then
          -- a domestic removal order (executed within the hour), and the
          -- uploader's records for the Carpathian case
          if K.is_live(id) then try("request", "social-c", {kind = "takedown", target = id, offence = item.offence}) end
          if item.records then
            try("request", "social-c", {kind = "preserve", target = item.records})
            try("request", "social-c", {kind = "disclose", target = item.records})
          end
          report(item.campaign)
        end
      end
    end
  end
end
team("police-c", police_c)

team("prosecutor-a", prosecutor("prosecutor-a", 150))
team("prosecutor-c", prosecutor("prosecutor-c", 200))
