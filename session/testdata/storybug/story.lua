-- Counts the ticks it ran in a metric, and fails at tick 12.
local n = 0
every(1, function()
  n = n + 1
  set_metric("story_ticks", n)
  if n == 12 then
    local site = nil
    return site.name -- the bug: index a nil value
  end
end)
