-- A ministry (or any organisation that owns public websites and speaks
-- for the government) played by script.
--
--   team("ministry-a", require("teams.ministry").new{delay = "30m", patch = true})
--
-- When one of its websites is defaced it rebuilds it (restore) after
-- `delay` and, with patch, removes the hole the attackers used (update):
-- a site restored but not patched is defaced again by the next wave. When
-- propaganda of a campaign appears, it answers with a public statement
-- (counter_narrative), which slows the campaign's material. It reports
-- incidents to report_to (message).
--
-- Options (besides those of teams/lib.lua):
--   patch              patch a restored site (default true)
--   counter_narrative  a public statement against propaganda (default false)
--   report_to          an organisation told of each defacement (default none)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("30m"))
  local answered = {}
  return {
    name = o.name or "ministry",
    on_event = function(ev)
      if ev.kind == "website.defaced" and ev.subject then
        local ok, a = pcall(asset, ev.subject)
        if not ok or a.owner ~= me() then return end
        if o.report_to then act("message", o.report_to, {text = ev.subject .. " was defaced"}) end
        lib.later(delay, function()
          act("restore", a.id)
          if o.patch ~= false then act("update", a.id) end
        end)
      elseif ev.kind == "content.published" and o.counter_narrative then
        local c = content(ev.subject)
        if c and c.campaign and not answered[c.campaign] then
          answered[c.campaign] = true
          lib.later(delay, function()
            act("statement", me(), {campaign = c.campaign, text = "the facts behind " .. c.campaign .. "'s videos"})
          end)
        end
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist"}),
  }
end

return M
