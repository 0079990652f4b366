-- A ministry (or any organisation that owns public websites and speaks
-- for the government) played by script.
--
--   team("ministry-a", require("teams.ministry").new{delay = "30m", patch = true})
--
-- When one of its websites is defaced it rebuilds it (restore) after
-- `delay` and, with patch, removes the hole the attackers used (update):
-- a site restored but not patched is defaced again by the next wave. When
-- propaganda of a campaign appears (published material is public), it
-- answers with a public statement (counter_narrative), which slows the
-- campaign's material; with `every` it speaks again that often while
-- material of the campaign it has seen is still online. It reports
-- incidents to report_to (message).
--
-- Options (besides those of teams/lib.lua):
--   patch              patch a restored site (default true)
--   counter_narrative  a public statement against propaganda (default false)
--   every              repeat the statement this often while the
--                      campaign's material is online (default: once)
--   report_to          an organisation told of each defacement (default none)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("30m"))
  local period = o.every and lib.ticks(o.every) or nil
  local seen = {}      -- campaign id -> list of its content ids seen published
  local speaking = {}  -- campaign id -> true while statements are planned

  local function live(cid)
    for _, id in ipairs(seen[cid] or {}) do
      local c = content(id)
      if c and not c.removed then return true end
    end
    return false
  end

  local function statement(cid)
    act("statement", me(), {campaign = cid, text = "the facts behind " .. cid .. "'s videos"})
  end

  local function answer_campaign(cid)
    if speaking[cid] then return end
    speaking[cid] = true
    lib.later(delay, function()
      statement(cid)
      if not period then return end
      every(period, function(t)
        if live(cid) then
          statement(cid)
        else
          -- nothing of it online: stop; new material starts it again
          t:cancel()
          speaking[cid] = nil
        end
      end)
    end)
  end

  return {
    name = o.name or "ministry",
    on_event = function(ev)
      if ev.kind == "website.defaced" and ev.subject then
        local place = lib.whois(ev.subject)
        if not place or place.owner ~= me() then return end
        if o.report_to then act("message", o.report_to, {text = ev.subject .. " was defaced"}) end
        lib.later(delay, function()
          act("restore", place.id)
          if o.patch ~= false then act("update", place.id) end
        end)
      elseif ev.kind == "content.published" and o.counter_narrative then
        local c = content(ev.subject)
        if c and c.campaign then
          local l = seen[c.campaign] or {}
          l[#l + 1] = c.id
          seen[c.campaign] = l
          answer_campaign(c.campaign)
        end
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist"}),
  }
end

return M
