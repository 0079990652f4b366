-- Website defacement waves: "more than 200 government websites attacked
-- on a daily basis" [CN-2010] is a wave of N sites per tick for a while,
-- a pause, and again.
--
--   local waves = require("playbooks.defacement_wave")
--   waves.start{
--     campaign = "deface-gov",
--     per_tick = 1,            -- websites tried per tick during a wave
--     wave = "200m",           -- how long a wave lasts
--     pause = "1240m",         -- between waves (200 tries a day at 1-minute ticks)
--     waves = 3,               -- how many (default: until the run ends)
--     at = "1h",               -- when the first wave starts (default now)
--   }
--
-- The engine picks the sites at random among the websites of the
-- campaign's target jurisdictions, and a site falls with the campaign's
-- exploit rate; a restored but unpatched site falls again in a later
-- wave. With `sites` (a list of asset ids) the playbook defaces those
-- sites itself, one per tick in turn, with `technique` (default T1190),
-- retrying the ones that resist.
-- Returns the playbook handle.

local M = {}

function M.start(o)
  assert(type(o) == "table" and o.campaign, "defacement_wave.start{campaign = ...}")
  local c = campaign(o.campaign)
  local name = o.name or ("defacement waves " .. c.id)
  local per_tick = o.per_tick or 1
  local wave = ticks(o.wave or "200m")
  local pause = ticks(o.pause or "1240m")
  return playbook(name, function()
    if o.at then
      local t = ticks(o.at)
      if t > tick() then wait(t - tick()) end
    end
    c:start()
    local n = 0
    while not o.waves or n < o.waves do
      n = n + 1
      log(name .. ": wave " .. n .. " begins (" .. c.defaced .. " defaced so far)")
      if o.sites then
        local pending = {}
        for _, s in ipairs(o.sites) do pending[#pending + 1] = s end
        for _ = 1, wave do
          if #pending == 0 then break end
          local site = table.remove(pending, 1)
          local ok = c:deface(site, o.technique or "T1190")
          if not ok then pending[#pending + 1] = site end
          wait(1)
        end
      else
        c:spread{deface_per_tick = per_tick}
        wait(wave)
        c:spread{deface_per_tick = 0}
      end
      log(name .. ": wave " .. n .. " over (" .. c.defaced .. " defaced so far)")
      if o.waves and n >= o.waves then break end
      wait(pause)
    end
  end)
end

return M
