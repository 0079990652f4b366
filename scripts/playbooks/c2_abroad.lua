-- Command and control abroad, with fallback servers: when the C2 is taken
-- down, sinkholed or blocked, the botnet moves to the next spare server
-- the scenario declares (assets, usually rented in yet another country),
-- after `delay`. Disrupting the botnet for good takes every server: the
-- lesson of cross-border takedowns.
--
--   require("playbooks.c2_abroad").start{
--     campaign = "bot",
--     spares = {"c2-spare-1", "c2-spare-2"},  -- in the order they are used
--     delay = "2h",                          -- to set a spare up
--     technique = "T1008",                   -- Fallback Channels (default)
--   }
--
-- Returns the playbook handle; it ends when the spares run out.

local M = {}

function M.start(o)
  assert(type(o) == "table" and o.campaign and o.spares, "c2_abroad.start{campaign = ..., spares = {...}}")
  local c = campaign(o.campaign)
  local name = o.name or ("c2 " .. c.id)
  local delay = ticks(o.delay or "2h")
  for _, s in ipairs(o.spares) do asset(s) end -- unknown ids fail now, not in the middle of a run
  return playbook(name, function()
    for i, spare in ipairs(o.spares) do
      wait_until(function() return c.active and c.disrupted end)
      local lost = c.c2
      log(name .. ": lost " .. tostring(lost) .. ", moving to " .. spare .. " in " .. delay .. " ticks")
      wait(delay)
      local ok, why = c:move_c2(spare, o.technique or "T1008")
      if ok then
        log(name .. ": now commanded from " .. spare .. " (" .. asset(spare).jurisdiction .. ")")
      else
        log(name .. ": cannot use " .. spare .. ": " .. why)
      end
    end
    log(name .. ": no spare left")
  end)
end

return M
