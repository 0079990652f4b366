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
-- also wait (`wait`), or be a function called with the campaign handle.
-- A failed action is tried again `attempts` times (default 3), `retry`
-- ticks apart (default "10m"). Returns the playbook handle.

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

function M.start(o)
  assert(type(o) == "table" and o.campaign and o.steps, "intrusion.start{campaign = ..., steps = {...}}")
  local c = campaign(o.campaign)
  local name = o.name or ("intrusion " .. c.id)
  return playbook(name, function()
    if o.at then
      local t = ticks(o.at)
      if t > tick() then wait(t - tick()) end
    end
    if not c.active then c:start() end
    for i, s in ipairs(o.steps) do
      if type(s) == "function" then
        s(c)
      elseif s.wait then
        wait(s.wait)
      else
        local attempts = s.attempts or 3
        local ok, why
        for try = 1, attempts do
          ok, why = perform(c, s)
          if ok then break end
          if try < attempts then wait(s.retry or "10m") end
        end
        log(name .. ": step " .. i .. " " .. s.action .. " " .. (s.target or "") .. (ok and " done" or (" failed: " .. why)))
        if not ok and (s.on_fail or o.on_fail or "stop") == "stop" then return end
      end
    end
  end)
end

return M
