-- A botnet campaign told top to bottom: recruitment in phases, then
-- tasks (DDoS, spam, proxying), commanded from a C2 hosted abroad (the
-- campaign's c2 in scenario.yaml; see playbooks/c2_abroad.lua for
-- fallback servers).
--
--   local botnet = require("playbooks.botnet")
--   botnet.start{
--     campaign = "bot",
--     at = "2h",                                  -- when it starts (default: now)
--     phases = {                                  -- recruitment, in order
--       {contacts = 1, duration = "12h"},         -- slow and quiet
--       {contacts = 4, duration = "2d"},          -- then aggressive
--       {contacts = 2},                           -- the last phase lasts
--     },
--     tasks = {                                   -- in order, after `when`
--       {kind = "spam", when_bots = 2000},
--       {kind = "ddos", target = "gov-portal", technique = "T1498.001",
--        when_bots = 5000, bot_power = 3, duration = "6h"},
--       {kind = "none"},
--     },
--   }
--
-- A phase sets contacts (hosts each bot tries per tick) and optionally
-- bot_power and fixed_power, then waits `duration` (none: the last phase).
-- A task waits until the botnet has when_bots bots (for at most `timeout`,
-- then it goes ahead anyway) or until tick `at`, then sets the bots' task;
-- with `duration` it is stopped (task none) after that long. Phases and
-- tasks run side by side. Returns the playbook handles {recruit=, tasks=}.

local M = {}

local function wait_start(o)
  if o.at then
    local t = ticks(o.at)
    if t > tick() then wait(t - tick()) end
  end
end

function M.start(o)
  assert(type(o) == "table" and o.campaign, "botnet.start{campaign = ...}")
  local c = campaign(o.campaign)
  local name = o.name or ("botnet " .. c.id)
  local handles = {}
  handles.recruit = playbook(name .. " recruitment", function()
    wait_start(o)
    local ok, why = c:start()
    if not ok then log(name .. ": cannot start: " .. why) return end
    for i, ph in ipairs(o.phases or {{contacts = 1}}) do
      local ok2, why2 = c:spread{contacts = ph.contacts, bot_power = ph.bot_power, fixed_power = ph.fixed_power}
      if not ok2 then log(name .. ": phase " .. i .. ": " .. why2) end
      log(name .. ": phase " .. i .. ", " .. c.bots .. " bots")
      if not ph.duration then return end
      wait(ph.duration)
    end
  end)
  if o.tasks then
    handles.tasks = playbook(name .. " tasks", function()
      wait_start(o)
      for _, t in ipairs(o.tasks) do
        if t.when_bots then
          wait_until(function() return c.bots >= t.when_bots end, t.timeout)
        end
        if t.at then
          local at = ticks(t.at)
          if at > tick() then wait(at - tick()) end
        end
        if t.bot_power or t.fixed_power then c:spread{bot_power = t.bot_power, fixed_power = t.fixed_power} end
        local ok, why
        if t.kind == "ddos" then
          ok, why = c:task("ddos", t.target, t.technique or "T1498")
        else
          ok, why = c:task(t.kind)
        end
        log(name .. ": task " .. t.kind .. (t.target and (" on " .. t.target) or "") .. " with " .. c.bots .. " bots" .. (ok and "" or (": " .. why)))
        if t.duration then
          wait(t.duration)
          c:task("none")
        end
      end
    end)
  end
  return handles
end

return M
