-- An operator of critical infrastructure (a grid, a water plant) played
-- by script.
--
--   team("grid-a", require("teams.operator").new{delay = "15m", manual = true, island = true})
--
-- When one of its infrastructures falls (infra.changed below 500‰) it
-- runs it by hand if its SCADA was tripped (manual), islands it from the
-- grid if what it depends on failed (island), and repairs physical damage
-- (restore). When a compromise of one of its assets is detected it
-- isolates the asset (contain) and rebuilds it (restore).
--
-- Options (besides those of teams/lib.lua):
--   manual   run tripped processes by hand (default true)
--   island   island a site whose upstream failed (default true)
--   restore  repair damage and rebuild compromised assets (default true)
--   contain  isolate compromised assets first (default true)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("15m"))
  local done = {}
  local function once(key, fn) if not done[key] then done[key] = true fn() end end
  -- A repair is started once per damage: a second restore would start the
  -- repair time over.
  local function repair(id)
    local f = infra(id)
    if not f.damaged then
      done["repair " .. id] = nil
    elseif not f.repair_until and not done["repair " .. id] then
      done["repair " .. id] = true
      act("restore", id)
    end
  end
  return {
    name = o.name or "operator",
    on_event = function(ev)
      if ev.kind == "infra.changed" and ev.subject and ev.value < 500 then
        local id = ev.subject
        lib.later(delay, function()
          local f = infra(id)
          if f.owner ~= me() then return end
          if f.tripped and o.manual ~= false then once("manual " .. id, function() act("manual", id) end) end
          if f.damaged and o.restore ~= false then repair(id) end
          if not f.tripped and not f.damaged and o.island ~= false then once("island " .. id, function() act("island", id) end) end
        end)
      elseif ev.kind == "physical.attack" and ev.subject and o.restore ~= false then
        local id = ev.subject
        lib.later(delay, function()
          if infra(id).owner == me() then repair(id) end
        end)
      elseif ev.kind == "asset.detected" and ev.org == me() and ev.subject then
        local ok, a = pcall(asset, ev.subject)
        if not ok or a.owner ~= me() or not a.compromised then return end
        lib.later(delay, function()
          if o.contain ~= false then act("contain", a.id) end
          if o.restore ~= false then act("restore", a.id) end
        end)
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist", "block"}),
  }
end

return M
