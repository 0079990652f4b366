-- A prosecutor's office played by script.
--
--   team("prosecutor-a", require("teams.prosecutor").new{min_strength = 5})
--
-- It directs the national case file: the evidence its jurisdiction's
-- police, prosecutors and financial intelligence unit hold lawfully, and
-- the records they had preserved abroad (teams/lib.lua, case_file). Every
-- `recheck` it opens a case (prosecute) on each campaign of the file
-- whose offence is a crime in its jurisdiction once that evidence weighs
-- at least min_strength. With request_disclosure it asks, through mutual
-- legal assistance, for the disclosure of the records preserved abroad
-- for a campaign whose case is not strong enough yet.
--
-- With open_on_report it opens a case as soon as its country's police
-- hand it the file (the police report on a campaign to it, carrying its
-- indicators, or write to it naming the campaign), before lawful
-- evidence is in: the case then grows as the evidence comes.
--
-- Options (besides those of teams/lib.lua):
--   min_strength        evidence weight to open a case (default 1)
--   request_disclosure  ask for preserved traces abroad (default true)
--   recheck             how often it looks (default "2h")
--   open_on_report      open a case on the police's report or message
--                       about a campaign (default false)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local min_strength = o.min_strength or 1
  local recheck = lib.ticks(o.recheck, ticks("2h"))
  local opened, asked = {}, {}
  local started = false

  local function crime(offence)
    return offence and jurisdiction(lib.my_jurisdiction()):is_crime(offence)
  end

  local function prosecute(cid)
    if opened[cid] then return end
    opened[cid] = true
    act("prosecute", cid)
  end

  local function review()
    local file = lib.case_file()
    for _, cid in ipairs(file.campaigns) do
      if not opened[cid] and crime(file.offence[cid]) and file.weight[cid] >= min_strength then
        prosecute(cid)
      end
    end
    if o.request_disclosure ~= false then
      for _, p in ipairs(file.preserved) do
        if p.campaign and not opened[p.campaign] and crime(p.offence) and not asked[p.id] and lib.abroad(p.holder) then
          asked[p.id] = true
          act("request", p.holder, {kind = "disclose", target = p.id, channel = "mla"})
        end
      end
    end
  end

  -- from_police(ev): a report or message from its country's police.
  local function from_police(ev)
    if not ev.org or ev.org == me() then return false end
    local ok, x = pcall(org, ev.org)
    return ok and x.kind == "police" and x.jurisdiction == lib.my_jurisdiction()
  end

  return {
    name = o.name or "prosecutor",
    on_tick = function()
      if not started then
        started = true
        every(recheck, review)
      end
    end,
    on_event = function(ev)
      if not o.open_on_report or not (ev.kind == "report.shared" or ev.kind == "message") or not from_police(ev) then return end
      -- the campaigns a message names, or the report carried indicators of
      for _, c in ipairs(lib.campaigns_named(ev.text)) do
        if crime(c.offence) then prosecute(c.id) end
      end
      if ev.kind == "report.shared" then
        for _, cid in ipairs(lib.indicators()) do
          if crime(lib.offence(cid)) then prosecute(cid) end
        end
      end
    end,
    on_request = lib.on_request(o, {"preserve", "disclose", "assist"}),
  }
end

return M
