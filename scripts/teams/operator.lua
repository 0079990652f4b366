-- An operator of critical infrastructure (a grid, a water plant) played
-- by script.
--
--   team("grid-a", require("teams.operator").new{delay = "15m", manual = true, island = true})
--
-- When one of its infrastructures falls (infra.changed under 500‰, or
-- any drop while a dependency is down) it:
--   * runs it by hand if its SCADA tripped it (manual);
--   * repairs physical damage (restore);
--   * when a dependency is lost (an upstream infrastructure or an asset
--     it needs under 500‰): islands it if upstream infrastructure failed
--     (island), and runs it by hand (manual) if an asset it needs failed,
--     if islanding is off, or if the site cannot island (no local
--     generation: the island command is refused);
-- and when a compromise of one of its assets is detected it isolates the
-- asset (contain) and rebuilds it (restore).
--
-- Options (besides those of teams/lib.lua):
--   manual   run a process by hand when SCADA tripped it or a dependency
--            is lost (default true)
--   island   island a site whose upstream infrastructure failed
--            (default true)
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
  -- lost(f): which of the site's dependencies are down (under 500‰):
  -- upstream infrastructure, an asset. What the team cannot see counts
  -- as up.
  local function lost(f)
    local upstream, needed = false, false
    for _, d in ipairs(f.depends_on or {}) do
      if d.infra then
        local ok, up = pcall(infra, d.infra)
        if ok and up.level < 500 then upstream = true end
      elseif d.asset then
        local ok, a = pcall(asset, d.asset)
        if ok and (a.availability < 500 or a.destroyed) then needed = true end
      end
    end
    return upstream, needed
  end
  local function by_hand(id)
    if o.manual ~= false then once("manual " .. id, function() act("manual", id) end) end
  end
  return {
    name = o.name or "operator",
    on_event = function(ev)
      if ev.kind == "infra.changed" and ev.subject and ev.value < 1000 then
        local id = ev.subject
        lib.later(delay, function()
          local ok, f = pcall(infra, id)
          if not ok or f.owner ~= me() or f.level >= 1000 then return end
          if f.tripped and f.level < 500 then by_hand(id) end
          if f.damaged and o.restore ~= false then repair(id) end
          if f.tripped or f.damaged then return end
          local upstream, needed = lost(f)
          if upstream and o.island ~= false and not f.islanded then
            once("island " .. id, function() act("island", id) end)
          end
          if needed or (upstream and o.island == false) then by_hand(id) end
        end)
      elseif ev.kind == "command.rejected" and ev.org == me() and ev.fields and ev.fields.verb == "island" and ev.subject then
        by_hand(ev.subject) -- no local generation to island on: run it by hand
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
