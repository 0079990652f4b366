-- A financial intelligence unit played by script: follows the money
-- raised for a campaign.
--
--   team("fiu-a", require("teams.fiu").new{delay = "1h"})
--
-- Every `recheck` it asks payment services for the disclosure of the
-- payment records campaigns left with them, traces the payments whose
-- records it holds, and asks the services to freeze (block) payments it
-- traced (freeze).
--
-- Options (besides those of teams/lib.lua):
--   freeze   ask for traced payments to be frozen (default true)
--   recheck  how often it looks (default "1h")

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local recheck = lib.ticks(o.recheck, ticks("1h"))
  local asked, traced, frozen = {}, {}, {}
  local started = false

  local function holds(e)
    for _, c in ipairs(e.copies) do
      if c.org == me() then return true end
    end
    return false
  end

  local function review()
    for _, e in ipairs(evidence_list{kind = "payment-record", lost = false}) do
      if not asked[e.id] and not holds(e) then
        asked[e.id] = true
        act("request", e.holder, {kind = "disclose", target = e.id})
      end
      if holds(e) and e.campaign then
        for _, p in ipairs(payments{campaign = e.campaign, service = e.holder}) do
          if not p.traced and not traced[p.id] then
            traced[p.id] = true
            act("trace", p.id)
          elseif p.traced and o.freeze ~= false and not p.frozen and not frozen[p.id] then
            frozen[p.id] = true
            act("request", p.service, {kind = "block", target = p.id})
          end
        end
      end
    end
  end

  return {
    name = o.name or "fiu",
    on_tick = function()
      if not started then
        started = true
        lib.later(lib.ticks(o.delay, 0), function() every(recheck, review) end)
      end
    end,
    on_request = lib.on_request(o, {"disclose", "assist"}),
  }
end

return M
