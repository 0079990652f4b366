-- propaganda-network: the story.
--
-- Dawn Media, the media wing of the Ninth Dawn Front, runs a campaign of
-- videos over three weeks on three platforms in three countries, brings
-- removed videos back on new accounts, and raises money through four
-- appeals naming an online payment service (PayLink, Carpathia) and a
-- crypto exchange (CoinEx, Dravia). Triggered injects follow the campaign
-- (a video passing 100,000 views, a platform's trust & safety team
-- writing, a foreign police liaison calling). The agencies, platforms and
-- payment services are scripted in pn/agencies.lua and pn/companies.lua;
-- var("response") chooses the agencies' behaviour (fast or slow).
--
-- Figures (one tick is one hour):
--   a video starts with 1,500-4,000 viewers (the channel's followers) and
--   grows 3.5-5.5% an hour until it saturates at settings.reach_cap;
--   a re-upload starts with a third to a half of that;
--   crowd donations follow a live appeal every 6-12 hours, more when more
--   people saw it; a core of donors abroad sends larger sums every week.

local K = require("pn.world")

local videos = campaign("videos")
local funds = campaign("fundraise")

local N_VIDEOS = var("videos", 14)
local N_APPEALS = var("appeals", 4)
local MAX_REUPLOADS = var("reuploads", 3)

-- Where the group publishes: the video site in Borduria most, the
-- channel service in Dravia least.
local PLATFORM_WEIGHTS = {{"vidshare-b", 45}, {"social-c", 35}, {"chan-d", 20}}

local function pick_platform(avoid)
  local total = 0
  for _, pw in ipairs(PLATFORM_WEIGHTS) do
    if pw[1] ~= avoid then total = total + pw[2] end
  end
  local r = random(1, total)
  for _, pw in ipairs(PLATFORM_WEIGHTS) do
    if pw[1] ~= avoid then
      r = r - pw[2]
      if r <= 0 then return pw[1] end
    end
  end
  return PLATFORM_WEIGHTS[1][1]
end

-- publish one item and note it in the shared knowledge.
local function publish(c, item)
  local ok, why = c:publish{platform = item.platform, id = item.id, reach = item.reach,
    growth = item.growth, offence = item.offence}
  if not ok then
    log("publish " .. item.id .. " on " .. item.platform .. " did not happen: " .. tostring(why))
    return false
  end
  item.campaign = c.id
  item.records = K.newest_record(c.id, item.platform, "account-records")
  K.note_content(item)
  -- what anybody sees on the upload page: players name the records in
  -- their preservation and disclosure requests from this
  emit("script.published", {subject = item.id, public = true, value = item.reach,
    text = item.kind .. " " .. item.id .. " on " .. item.platform .. " (" .. item.offence ..
      "); uploader's account records: " .. tostring(item.records)})
  return true
end

-- The back catalogue (scenario.yaml, content: archive) is known to all.
K.note_content{id = "archive", kind = "archive", platform = "chan-d", campaign = "videos",
  offence = "terror-propaganda", generation = 99, original = "archive"}

-- ---- videos ----

local first_training = true

playbook("videos", function()
  wait(2)
  for i = 1, N_VIDEOS do
    local training = (i % 4 == 3)                     -- every fourth video is a bomb-making tutorial
    local item = {
      id = string.format("v%02d", i),
      kind = "video",
      platform = pick_platform(nil),
      reach = random(1500, 4000),
      growth = random(35, 55),
      offence = training and "terror-training" or "terror-propaganda",
      generation = 0,
    }
    item.original = item.id
    item.start_reach = item.reach
    if publish(videos, item) and training and first_training then
      first_training = false
      after(random(2, 6), function() deliver("bomb-video") end)
    end
    wait(random(18, 48))
  end
end)

-- ---- appeals and donations ----

local donation_seq, core_seq = 0, 0

-- frozen(service): the group's account there is frozen (it notices when
-- transfers bounce).
local function frozen(service)
  for _, p in ipairs(K.by_service[service] or {}) do
    local pay = payment(p.id)
    if pay and pay.frozen then return true end
  end
  return false
end

local function raise(service, id, amount)
  if frozen(service) then
    local other = service == "paylink-c" and "coinex-d" or "paylink-c"
    if frozen(other) then
      return false                                   -- both accounts frozen: the money stops
    end
    service = other
  end
  local ok, why = funds:raise{service = service, id = id, amount = amount}
  if not ok then
    log("raise " .. id .. " did not happen: " .. tostring(why))
    return false
  end
  K.note_payment{id = id, service = service, tick = tick(),
    record = K.newest_record("fundraise", service, "payment-record")}
  return true
end

-- Crowd donations follow an appeal while it is online and for a day after
-- it is removed (people who saw it still pay), for ten days at most.
local function donations(appeal_id)
  local removed_at = nil
  local started = tick()
  while tick() - started < 240 do
    wait(random(6, 12))
    local c = content(appeal_id)
    if c.removed then
      removed_at = removed_at or c.removed
      if tick() - removed_at > 24 then return end
    end
    donation_seq = donation_seq + 1
    local service = (random(1, 100) <= 60) and "paylink-c" or "coinex-d"
    local amount = 40 + math.floor(c.reach / 250) + random(0, 60)
    raise(service, string.format("don-%d", donation_seq), amount)
  end
end

local first_appeal = true

playbook("appeals", function()
  wait(random(40, 64))
  for a = 1, N_APPEALS do
    local item = {
      id = string.format("appeal-%d", a),
      kind = "appeal",
      platform = pick_platform(nil),
      reach = random(1500, 3000),
      growth = random(35, 50),
      offence = "terror-financing",
      generation = 0,
    }
    item.original = item.id
    item.start_reach = item.reach
    if publish(funds, item) then
      if first_appeal then
        first_appeal = false
        after(1, function() deliver("first-appeal") end)
      end
      spawn(donations, item.id)
    end
    wait(random(96, 144))
  end
end)

-- A core of supporters abroad sends larger sums every week, mostly in
-- crypto-currency.
playbook("core-donors", function()
  wait(random(72, 96))
  for week = 1, 5 do
    core_seq = core_seq + 1
    raise("coinex-d", string.format("core-%d", core_seq), random(1500, 3000))
    wait(random(24, 72))
    core_seq = core_seq + 1
    raise("paylink-c", string.format("core-%d", core_seq), random(500, 1200))
    wait(random(96, 120))
  end
end)

-- ---- re-uploads ----

-- A removed item comes back on a new account 4-24 hours later, on
-- another platform half of the time, with a smaller audience to start.
on("content.removed", function(ev)
  local item = K.content[ev.subject]
  if not item or item.generation >= MAX_REUPLOADS then return end
  after(random(4, 24), function()
    local n = (K.originals[item.original] or 0) + 1
    K.originals[item.original] = n
    local platform = item.platform
    if random(1, 2) == 1 then platform = pick_platform(item.platform) end
    local again = {
      id = string.format("%s-r%d", item.original, n),
      kind = item.kind,
      platform = platform,
      reach = math.floor(item.start_reach * random(30, 50) / 100),
      growth = random(35, 50),
      offence = item.offence,
      generation = item.generation + 1,
      original = item.original,
      start_reach = item.start_reach,
    }
    local c = (item.campaign == "fundraise") and funds or videos
    if publish(c, again) and item.kind == "appeal" then
      spawn(donations, again.id)
    end
  end)
end)

-- ---- what a disclosure of payment records shows ----

-- A payment record disclosed to an organisation is the account's history:
-- it learns the payments into the account so far (ids it can trace), and,
-- as the service keeps it informed, the later ones. Scripted teams know
-- this through pn.world; these events tell human players.
local watchers = {}   -- service -> list of organisations holding a record there
on("evidence.obtained", function(ev)
  local e = evidence(ev.subject)
  if not e or e.kind ~= "payment-record" or not ev.org then return end
  local list = watchers[e.holder] or {}
  for _, o in ipairs(list) do
    if o == ev.org then return end
  end
  list[#list + 1] = ev.org
  watchers[e.holder] = list
  local ids = {}
  for _, p in ipairs(K.by_service[e.holder] or {}) do ids[#ids + 1] = p.id end
  emit("script.account_history", {subject = e.holder, visible = {ev.org}, value = #ids,
    text = "the group's account at " .. e.holder .. ": payments " .. table.concat(ids, ", ")})
end)
on("funds.raised", function(ev)
  local p = payment(ev.subject)
  local list = p and watchers[p.service]
  if list then
    emit("script.account_activity", {subject = p.id, visible = list, value = p.amount,
      text = "new payment " .. p.id .. " (" .. p.amount .. ") into the group's account at " .. p.service})
  end
end)

-- first_payment(service): the oldest payment at a service whose record is
-- not lost yet (what an analyst or a liaison can point to).
local function first_payment(service)
  for _, p in ipairs(K.by_service[service] or {}) do
    local e = evidence(p.record)
    if e and not e.lost then return p end
  end
  return nil
end

-- ---- triggered injects ----

-- A video passes 100,000 views (items removed are not looked at again:
-- their audience no longer grows).
local watched = {}   -- ids of items that may still grow, in publication order
on("content.published", function(ev)
  if K.content[ev.subject] then watched[#watched + 1] = ev.subject end
end)
every(1, function(h)
  local keep = {}
  for _, id in ipairs(watched) do
    local c = content(id)
    if c.reach >= 100000 then
      deliver("video-100k")
      emit("script.video_100k", {subject = id, value = c.reach})
      h:cancel()
      return
    end
    if c.removed == nil then keep[#keep + 1] = id end
  end
  watched = keep
end)

-- VidShare's trust & safety team writes to the police after its first
-- refusal of a legal order, or after its first removal under its terms.
local ts_written = false
local function ts_writes()
  if ts_written then return end
  ts_written = true
  after(random(2, 8), function() deliver("ts-writes") end)
end
on("request.answered", function(ev)
  if ev.org ~= "vidshare-b" then return end
  local r = request(ev.subject)
  if r and r.status == "refused" and r.kind == "takedown" then ts_writes() end
end)
on("content.removed", function(ev)
  if ev.org == "vidshare-b" and K.content[ev.subject] then ts_writes() end
end)

-- Carpathia's police call after PayLink's suspicious transaction report
-- (filed by the paylink-c policy with a message to police-c).
on("message", function(ev)
  if ev.org == "paylink-c" and ev.subject == "police-c" then
    after(random(12, 36), function()
      deliver("liaison-call")
      local p = first_payment("paylink-c")
      if p then
        emit("script.liaison_details", {subject = "paylink-c", visible = {"police-a", "fiu-a"},
          text = "the reported account at PayLink: payment " .. p.id .. ", records " .. p.record})
      end
    end)
  end
end)

-- An analytics firm links the appeal's wallet to CoinEx two days after the
-- first crypto donation.
local linked = false
on("funds.raised", function(ev)
  if linked then return end
  local p = payment(ev.subject)
  if p and p.service == "coinex-d" then
    linked = true
    after(random(36, 60), function()
      deliver("exchange-link")
      local q = first_payment("coinex-d")
      if q then
        emit("script.exchange_details", {subject = "coinex-d", visible = {"fiu-a"},
          text = "the wallet's deposits at CoinEx: payment " .. q.id .. ", records " .. q.record})
      end
    end)
  end
end)

-- ---- the teams ----

require("pn.companies")
require("pn.agencies")
