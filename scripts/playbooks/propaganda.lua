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
-- each starting with `reach` viewers and growing `growth`‰ a tick.
-- With repost, an item taken down is published again on the next
-- platform (id PREFIX-N-rK) after that long. funds raises `amount`
-- through the payment service `count` times, `every` apart.
-- Returns the playbook handles {series=, funds=}.

local M = {}

function M.start(o)
  assert(type(o) == "table" and o.campaign and o.platforms, "propaganda.start{campaign = ..., platforms = {...}}")
  local c = campaign(o.campaign)
  local name = o.name or ("propaganda " .. c.id)
  local handles = {}
  local s = o.series or {count = 1}
  local prefix = s.prefix or c.id
  local mine = {}      -- content id -> platform index
  local reposts = {}   -- content id -> times reposted

  local function publish(id, k)
    local platform = o.platforms[(k - 1) % #o.platforms + 1]
    local ok, got = c:publish{platform = platform, id = id, reach = s.reach or 100, growth = s.growth or 20}
    if ok then
      mine[got] = k
    else
      log(name .. ": " .. got)
    end
  end

  handles.series = playbook(name .. " series", function()
    c:start()
    for n = 1, s.count or 1 do
      publish(prefix .. "-" .. n, n)
      if n < (s.count or 1) then wait(s.every or "1d") end
    end
  end)

  if o.repost then
    on("content.removed", function(ev)
      local k = mine[ev.subject]
      if not k then return end
      mine[ev.subject] = nil
      local base = ev.subject:gsub("%-r%d+$", "")
      local r = (reposts[base] or 0) + 1
      reposts[base] = r
      after(o.repost, function() publish(base .. "-r" .. r, k + 1) end)
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
