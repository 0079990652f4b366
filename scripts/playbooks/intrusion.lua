-- An intrusion told as its kill chain: each step an ATT&CK-tagged action,
-- with waits between them and retries when an attempt fails.
--
--   require("playbooks.intrusion").start{
--     campaign = "apt",
--     at = "1h",
--     steps = {
--       {action = "exploit", target = "vpn-gw", technique = "T1190", attempts = 5, retry = "30m"},
--       {wait = "6h"},
--       {action = "lateral", target = "scada-1", technique = "T1021.001"},
--       {action = "escalate", target = "hist-db", technique = "T1068"},
--       {action = "exfiltrate", target = "hist-db", amount = 5000, technique = "T1041"},
--       {wait = "2d"},
--       {action = "trip", target = "substation-north", technique = "T0831"},
--       {action = "physical", target = "substation-north"},
--       function(c) log("the crew goes quiet", c.id) end,
--     },
--     on_fail = "stop",   -- or "continue" with the next step
--   }
--
-- Actions: exploit, lateral, escalate, deface, destroy, exfiltrate (amount), ddos,
-- trip, physical (technique optional), move_c2, start, stop. A step may
-- also wait (`wait`), be a function called with the campaign handle, or
-- hold steps of its own (`steps = {...}`, run in turn). A failed action
-- is tried again `attempts` times (default 3), `retry` ticks apart
-- (default "10m"). Returns the playbook handle.
--
-- Conditions (functions called with the campaign handle when the step's
-- turn comes):
--   when = fn     run the step only if fn(c) is true; else run its
--                 `else_` steps (a list) if any, and go on
--   until_ = fn   repeat the step until fn(c) is true (checked before
--                 each round), `every` apart (default 1 tick), for at most
--                 `timeout` (then go on); a step with only until_ waits
--                 until fn(c) is true
-- e.g. branch on what the crew holds, and keep the pressure on:
--   {when = function(c) return asset("hmi").controller == c.id end,
--    steps = {{action = "lateral", target = "plc-1", technique = "T0843"}},
--    else_ = {{action = "lateral", target = "hmi", technique = "T0886"}}},
--   {action = "trip", target = "substation", technique = "T0816", attempts = 1,
--    until_ = function() return tick() > ticks("3d") end, every = "45m"},

local M = {}

local ASSET_ACTIONS = {exploit = true, lateral = true, escalate = true, deface = true, destroy = true, ddos = true, move_c2 = true}
local INFRA_ACTIONS = {trip = true, physical = true}

local function perform(c, s)
  local a = s.action
  if a == "start" then return c:start() end
  if a == "stop" then return c:stop() end
  if a == "exfiltrate" then return c:exfiltrate(s.target, s.amount or 100, s.technique) end
  if ASSET_ACTIONS[a] then return c[a](c, s.target, s.technique) end
  if INFRA_ACTIONS[a] then return c[a](c, s.target, s.technique) end
  error("intrusion: unknown action " .. tostring(a), 3)
end

-- check(steps, where): every step is a function or a table with an
-- action, a wait, steps or a condition; mistakes fail at start, not in
-- the middle of a run.
local function check(steps, where)
  assert(type(steps) == "table", where .. ": steps must be a list")
  for i, s in ipairs(steps) do
    local at = where .. " step " .. i
    if type(s) ~= "function" then
      assert(type(s) == "table", at .. ": want a table or a function")
      assert(s.action or s.wait or s.steps or s.until_, at .. ": want action, wait, steps or until_")
      assert(s.when == nil or type(s.when) == "function", at .. ": when must be a function")
      assert(s.until_ == nil or type(s.until_) == "function", at .. ": until_ must be a function")
      if s.steps then check(s.steps, at) end
      if s.else_ then check(s.else_, at .. " else_") end
    end
  end
end

function M.start(o)
  assert(type(o) == "table" and o.campaign and o.steps, "intrusion.start{campaign = ..., steps = {...}}")
  local c = campaign(o.campaign)
  local name = o.name or ("intrusion " .. c.id)
  check(o.steps, "intrusion")

  -- run(steps, label): the steps in turn; false when the chain stops.
  local run

  -- once(s, label): the step itself, once (an action with its attempts).
  local function once(s, label)
    if type(s) == "function" then
      s(c)
    elseif s.steps then
      return run(s.steps, label .. ".")
    elseif s.action then
      local attempts = s.attempts or 3
      local ok, why
      for try = 1, attempts do
        ok, why = perform(c, s)
        if ok then break end
        if try < attempts then wait(s.retry or "10m") end
      end
      log(name .. ": step " .. label .. " " .. s.action .. " " .. (s.target or "") .. (ok and " done" or (" failed: " .. why)))
      if not ok and (s.on_fail or o.on_fail or "stop") == "stop" then return false end
    elseif s.wait then
      wait(s.wait)
    end
    return true
  end

  -- step(s, label): the step with its conditions.
  local function step(s, label)
    if type(s) == "function" then return once(s, label) end
    if s.when and not s.when(c) then
      log(name .. ": step " .. label .. " skipped (its condition does not hold)")
      if s.else_ then return run(s.else_, label .. " else ") end
      return true
    end
    if not s.until_ then return once(s, label) end
    if not (s.action or s.steps) then
      -- a wait until the condition holds (at most `timeout`, or `wait`)
      wait_until(function() return s.until_(c) end, s.timeout or s.wait)
      return true
    end
    local deadline = s.timeout and (tick() + ticks(s.timeout)) or nil
    while not s.until_(c) do
      if deadline and tick() >= deadline then break end
      if not once(s, label) then return false end
      wait(s.every or 1)
    end
    return true
  end

  run = function(steps, prefix)
    for i, s in ipairs(steps) do
      if not step(s, prefix .. i) then return false end
    end
    return true
  end

  return playbook(name, function()
    if o.at then
      local t = ticks(o.at)
      if t > tick() then wait(t - tick()) end
    end
    if not c.active then c:start() end
    run(o.steps, "")
  end)
end

return M
