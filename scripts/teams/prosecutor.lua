-- A prosecutor's office played by script.
--
--   team("prosecutor-a", require("teams.prosecutor").new{min_strength = 5})
--
-- Every `recheck` it looks at each campaign whose offence is a crime in
-- its jurisdiction and opens a case (prosecute) once the evidence held
-- lawfully by its country's organisations weighs at least min_strength.
-- With request_disclosure it also asks, through mutual legal assistance,
-- for the disclosure of preserved traces held abroad.
--
-- Options (besides those of teams/lib.lua):
--   min_strength        evidence weight to open a case (default 1)
--   request_disclosure  ask for preserved traces abroad (default true)
--   recheck             how often it looks (default "2h")

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local min_strength = o.min_strength or 1
  local recheck = lib.ticks(o.recheck, ticks("2h"))
  local opened, asked = {}, {}
  local started = false

  local function lawful_weight(cid, jur)
    local w = 0
    for _, e in ipairs(evidence_list{campaign = cid}) do
      for _, c in ipairs(e.copies) do
        if c.custody == "lawful" and org(c.org).jurisdiction == jur then
          w = w + e.weight
          break
        end
      end
    end
    return w
  end

  local function review()
    local jur = lib.my_jurisdiction()
    local here = jurisdiction(jur)
    for _, c in ipairs(campaigns{}) do
      if not opened[c.id] and here:is_crime(c.offence) then
        if lawful_weight(c.id, jur) >= min_strength then
          opened[c.id] = true
          act("prosecute", c.id)
        elseif o.request_disclosure ~= false then
          for _, e in ipairs(evidence_list{campaign = c.id, preserved = true, lost = false}) do
            if not asked[e.id] and lib.abroad(e.holder) then
              asked[e.id] = true
              act("request", e.holder, {kind = "disclose", target = e.id, channel = "mla"})
            end
          end
        end
      end
    end
  end

  return {
    name = o.name or "prosecutor",
    on_tick = function()
      if not started then
        started = true
        every(recheck, review)
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist"}),
  }
end

return M
