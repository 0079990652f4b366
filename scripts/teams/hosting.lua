-- A hosting company played by script: where attackers rent their servers.
--
--   team("hosting-b", require("teams.hosting").new{answer_delay = 0})
--
-- As a receiver it preserves logs on request, takes servers down,
-- discloses records and assists, each only where the act is a crime in
-- its own country too (respect_law, the default: dual criminality), and
-- discloses only through a lawful channel (mutual legal assistance or a
-- request from its own country) unless disclose_informally.
--
-- With abuse_desk it also takes down, on its own and after `delay`, a
-- server it runs once it learns that it is a botnet's command and
-- control: a report, a message or an inject names it, or the indicators
-- of a campaign it received (a report that carried them) match the
-- traffic of one of its servers. It checks its server just before: one
-- already taken down or sinkholed is left alone.
--
-- Options (besides those of teams/lib.lua):
--   disclose_informally  disclose to police-to-police or CSIRT requests
--                        too (default false)
--   abuse_desk           take down C2 servers it learns of (default false)

local lib = require("teams.lib")
local M = {}

local TRIGGERS = lib.set{"botnet.c2_disrupted", "report.shared", "message", "inject.delivered"}

function M.new(o)
  o = o or {}
  local delay = lib.ticks(o.delay, ticks("4h"))
  local base = lib.on_request(o, {"preserve", "takedown", "disclose", "assist", "sinkhole", "block"})
  local planned = {}   -- server id -> true while a takedown is planned or done

  -- down(id): its own server is already out of the attackers' hands.
  local function down(id)
    local a = asset(id)
    return a.taken_down or a.sinkholed
  end

  local function take_down(id)
    if planned[id] or down(id) then return end
    planned[id] = true
    lib.later(delay, function()
      if down(id) then return end
      act("takedown", id)
    end)
  end

  return {
    name = o.name or "hosting",
    on_request = function(req)
      if req.kind == "disclose" and not o.disclose_informally and req.channel ~= "mla" and req.channel ~= "direct" then
        return "refuse", "disclosure needs a formal request (mutual legal assistance)"
      end
      return base(req)
    end,
    on_event = function(ev)
      if not o.abuse_desk or not TRIGGERS[ev.kind] or ev.org == me() then return end
      local servers = lib.own_c2s()
      if lib.is_tip(ev) then
        for _, id in ipairs(lib.c2s_named(ev.text)) do
          if lib.whois(id).owner == me() and not lib.has(servers, id) then servers[#servers + 1] = id end
        end
      end
      for _, id in ipairs(servers) do take_down(id) end
    end,
  }
end

return M
