-- An online platform (social network, video site) played by script.
--
--   team("video-b", require("teams.platform").new{answer_delay = "2h", proactive = true})
--
-- As a receiver it takes content down on request (takedown), preserves
-- and discloses account records; with respect_law (default) it refuses
-- to take down material that is legal where it sits (dual criminality).
-- With proactive, it also removes, after `delay`, material published on
-- it whose offence is a crime in its own jurisdiction (its terms of
-- service), as engaged platforms do.
--
-- Options (besides those of teams/lib.lua):
--   proactive  remove unlawful material it hosts without a request (default false)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("2h"))
  return {
    name = o.name or "platform",
    on_event = function(ev)
      if not o.proactive or ev.kind ~= "content.published" then return end
      local c = content(ev.subject)
      if not c or c.platform ~= me() then return end
      if not jurisdiction(lib.my_jurisdiction()):is_crime(c.offence) then return end
      lib.later(delay, function()
        local now = content(c.id)
        if now and not now.removed then act("delete", c.id) end
      end)
    end,
    on_request = lib.on_request(o, {"takedown", "preserve", "disclose"}),
  }
end

return M
