-- A hosting company played by script: where attackers rent their servers.
--
--   team("hosting-b", require("teams.hosting").new{answer_delay = 0})
--
-- As a receiver it preserves logs on request, takes servers down,
-- discloses records and assists, each only where the act is a crime in
-- its own country too (respect_law, the default: dual criminality), and
-- discloses only through a lawful channel (mutual legal assistance or a
-- request from its own country) unless disclose_informally. It takes
-- down, on its own, a server it hosts once it learns that it is a botnet's
-- command and control (abuse_desk, after `delay`).
--
-- Options (besides those of teams/lib.lua):
--   disclose_informally  disclose to police-to-police or CSIRT requests
--                        too (default false)
--   abuse_desk           take down C2 servers it learns of (default false)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("4h"))
  local base = lib.on_request(o, {"preserve", "takedown", "disclose", "assist", "sinkhole", "block"})
  return {
    name = o.name or "hosting",
    on_request = function(req)
      if req.kind == "disclose" and not o.disclose_informally and req.channel ~= "mla" and req.channel ~= "direct" then
        return "refuse", "disclosure needs a formal request (mutual legal assistance)"
      end
      return base(req)
    end,
    on_event = function(ev)
      if not o.abuse_desk or ev.kind ~= "botnet.c2_disrupted" and ev.kind ~= "report.shared" then return end
      for _, c in ipairs(campaigns{active = true}) do
        if c.c2 then
          local a = asset(c.c2)
          if a.owner == me() and not a.taken_down then
            lib.later(delay, function() act("takedown", c.c2) end)
          end
        end
      end
    end,
  }
end

return M
