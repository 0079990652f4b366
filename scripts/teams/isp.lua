-- An internet service provider played by script.
--
--   team("isp-a", require("teams.isp").new{delay = "1h", remediate = true, block_c2 = true})
--
-- On a botnet alert in a segment it serves, after `delay`, it cleans the
-- infected hosts (remediate) and patches the segment (patch), once per
-- alert: a network cleaned but not patched is recruited again. It blocks
-- for its customers (block_c2) every command-and-control server it
-- learns of: the one a botnet alert's traffic shows, one its own
-- investigation finds the hosts calling, one a report, a message or an
-- inject names; never one it has not found. When a customer's asset is
-- under DDoS it turns on scrubbing (scrub). As a receiver it accepts
-- block, sinkhole (of a C2 in its jurisdiction) and preservation
-- requests.
--
-- Options (besides those of teams/lib.lua):
--   remediate  clean infected segments it serves (default true)
--   patch      patch a segment it cleans (update; default true)
--   block_c2   block the C2s it learns of for its customers (default true)
--   scrub      scrub DDoS traffic aimed at its customers (default true)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("1h"))
  local blocked, cleaning, scrubbing = {}, {}, {}

  local function block(ids)
    if o.block_c2 == false or #ids == 0 then return end
    lib.later(delay, function()
      for _, id in ipairs(ids) do
        if not blocked[id] then
          blocked[id] = true
          act("deny", id)
        end
      end
    end)
  end

  return {
    name = o.name or "isp",
    on_event = function(ev)
      if ev.kind == "botnet.alert" and lib.mine(ev.subject) then
        local seg = ev.subject
        if o.remediate ~= false and not cleaning[seg] then
          cleaning[seg] = true
          lib.later(delay, function()
            act("remediate", seg)
            if o.patch ~= false then act("update", seg) end
            cleaning[seg] = nil  -- a later alert (another botnet) is cleaned again
          end)
        end
        block(lib.alert_c2s(ev))
      elseif lib.own_result(ev) then
        block(lib.result_c2s(ev))
      elseif lib.is_tip(ev) and ev.org ~= me() then
        block(lib.c2s_named(ev.text))
      elseif ev.kind == "ddos.impact" and o.scrub ~= false and ev.subject and not scrubbing[ev.subject] and lib.mine(ev.subject) then
        scrubbing[ev.subject] = true
        lib.later(delay, function() act("deny", ev.subject) end)
      end
    end,
    on_request = lib.on_request(o, {"block", "sinkhole", "preserve", "disclose", "assist"}),
  }
end

return M
