-- An internet service provider played by script.
--
--   team("isp-a", require("teams.isp").new{delay = "1h", remediate = true, block_c2 = true})
--
-- On a botnet alert in a segment it serves it cleans the infected hosts
-- (remediate) and blocks the botnets' command and control for its
-- customers (block_c2); when a customer's asset is under DDoS it turns on
-- scrubbing (scrub). As a receiver it accepts block, sinkhole (of a C2 in
-- its jurisdiction) and preservation requests.
--
-- Options (besides those of teams/lib.lua):
--   remediate  clean infected segments it serves (default true)
--   block_c2   block the C2 of botnets seen in its network (default true)
--   scrub      scrub DDoS traffic aimed at its customers (default true)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("1h"))
  local blocked, cleaning, scrubbing = {}, {}, {}
  return {
    name = o.name or "isp",
    on_event = function(ev)
      if ev.kind == "botnet.alert" then
        local seg = ev.subject
        lib.later(delay, function()
          if o.remediate ~= false and not cleaning[seg] then
            cleaning[seg] = true
            act("remediate", seg)
            after("2h", function() cleaning[seg] = nil end)
          end
          if o.block_c2 ~= false then
            for _, c in ipairs(campaigns{kind = "botnet", active = true}) do
              if c.c2 and not blocked[c.c2] then
                blocked[c.c2] = true
                act("deny", c.c2)
              end
            end
          end
        end)
      elseif ev.kind == "ddos.impact" and o.scrub ~= false and ev.subject and not scrubbing[ev.subject] then
        scrubbing[ev.subject] = true
        lib.later(delay, function() act("deny", ev.subject) end)
      end
    end,
    on_request = lib.on_request(o, {"block", "sinkhole", "preserve", "disclose", "assist"}),
  }
end

return M
