-- Online propaganda and fund-raising: "almost 300 videos" released on
-- social networks, money raised through online payment systems
-- [CN-2014].
--
--   require("playbooks.propaganda").start{
--     campaign = "prop",
--     platforms = {"video-b", "social-c"},   -- used in turn
--     series = {count = 10, every = "1d", reach = 500, growth = 30, prefix = "video"},
--     repost = "6h",                          -- a removed item comes back elsewhere after this
--     funds = {service = "pay-b", amount = 2000, every = "2d", count = 5},
--   }
--
-- series publishes count items (ids PREFIX-1, PREFIX-2...) `every` apart,
-- each starting with `reach` viewers and growing `growth`‰ a tick, for
-- the offence `offence` (default: the campaign's). An item may differ
-- from the series: series.items[n] = {id=, platform=, reach=, growth=,
-- offence=} overrides the series' values for the n-th item (a
-- bomb-making tutorial among propaganda videos:
-- items = {[3] = {offence = "terror-training"}}), and series.offence may
-- be a function(n) returning the n-th item's offence.
-- With repost, an item taken down is published again on the next
-- platform (id PREFIX-N-rK) after that long, for the same offence.
-- funds raises `amount` through the payment service `count` times,
-- `every` apart.
-- Returns the playbook handles {series=, funds=}.

local M = {}

function M.start(o)
  assert(type(o) == "table" and o.campaign and o.platforms, "propaganda.start{campaign = ..., platforms = {...}}")
  local c = campaign(o.campaign)
  local name = o.name or ("propaganda " .. c.id)
  local handles = {}
  local s = o.series or {count = 1}
  local prefix = s.prefix or c.id
  local items = s.items or {}
  local mine = {}      -- content id -> {k = platform index, item = the item's values}
  local reposts = {}   -- content id -> times reposted

  -- item(n): the n-th item's values, the series' unless items[n] says otherwise.
  local function item(n)
    local it = items[n] or {}
    local off = it.offence or s.offence
    if type(off) == "function" then off = off(n) end
    return {id = it.id, platform = it.platform, reach = it.reach or s.reach or 100,
      growth = it.growth or s.growth or 20, offence = off}
  end

  local function publish(id, k, it)
    local platform = it.platform or o.platforms[(k - 1) % #o.platforms + 1]
    local ok, got = c:publish{platform = platform, id = id, reach = it.reach, growth = it.growth, offence = it.offence}
    if ok then
      mine[got] = {k = k, item = it}
    else
      log(name .. ": " .. got)
    end
  end

  handles.series = playbook(name .. " series", function()
    c:start()
    for n = 1, s.count or 1 do
      local it = item(n)
      publish(it.id or (prefix .. "-" .. n), n, it)
      if n < (s.count or 1) then wait(s.every or "1d") end
    end
  end)

  if o.repost then
    on("content.removed", function(ev)
      local m = mine[ev.subject]
      if not m then return end
      mine[ev.subject] = nil
      local base = ev.subject:gsub("%-r%d+$", "")
      local r = (reposts[base] or 0) + 1
      reposts[base] = r
      -- the repost goes to the next platform in turn, for the same offence
      local again = {reach = m.item.reach, growth = m.item.growth, offence = m.item.offence}
      after(o.repost, function() publish(base .. "-r" .. r, m.k + 1, again) end)
    end)
  end

  if o.funds then
    local f = o.funds
    handles.funds = playbook(name .. " funds", function()
      for n = 1, f.count or 1 do
        local ok, why = c:raise{service = f.service, amount = f.amount or 1000, id = (f.prefix or (c.id .. "-gift")) .. "-" .. n}
        if not ok then log(name .. ": " .. why) end
        if n < (f.count or 1) then wait(f.every or "1d") end
      end
    end)
  end
  return handles
end

return M
