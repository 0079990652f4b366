-- A financial intelligence unit played by script: follows the money
-- raised for a campaign.
--
--   team("fiu-a", require("teams.fiu").new{delay = "1h", channel = "police"})
--
-- It works on the payment records it can know of, never on the others:
-- those a payment event it sees names (funds.raised is seen by the
-- service), those a report, a message, an inject or a scenario's event
-- to it names (a suspicious transaction report naming a payment or a
-- record, the police's file), and those disclosed to it. From the first
-- one, after `delay`, and then every `recheck`, it
--   1. asks the payment service for the disclosure of each record it
--      knows of but does not hold (through `channel`; default: the
--      engine's, i.e. mutual legal assistance abroad, direct at home),
--      after asking for its preservation first when preserve_first;
--   2. for each record it holds (the account's history at that service),
--      traces the payments into the account;
--   3. asks the service to freeze (block) each payment it traced
--      (freeze).
--
-- Options (besides those of teams/lib.lua):
--   freeze          ask for traced payments to be frozen (default true)
--   recheck         how often it looks (default "1h")
--   channel         channel of its disclosure and block requests: "mla",
--                   "police", "direct"... (default: the engine's)
--   preserve_first  ask for preservation before disclosure (default false)

local lib = require("teams.lib")
local M = {}

function M.new(o)
  o = o or {}
  local recheck = lib.ticks(o.recheck, ticks("1h"))
  local delay = lib.ticks(o.delay, 0)
  local known, order = {}, {}    -- record ids it knows of, in order
  local asked, traced, frozen = {}, {}, {}
  local started = false

  local function learn(id)
    if id and not known[id] then
      known[id] = true
      order[#order + 1] = id
    end
  end

  local function request(to, kind, target)
    local args = {kind = kind, target = target}
    if o.channel and kind ~= "preserve" then args.channel = o.channel end
    act("request", to, args)
  end

  local function review()
    for _, id in ipairs(order) do
      local e = evidence(id)
      if e and lib.holds(e) then
        for _, p in ipairs(lib.account_history(e)) do
          if not traced[p.id] then
            traced[p.id] = true
            act("trace", p.id)
          end
        end
      elseif e and not asked[id] then
        asked[id] = true
        if o.preserve_first then request(e.holder, "preserve", id) end
        request(e.holder, "disclose", id)
      end
    end
  end

  local function start()
    if started then return end
    started = true
    lib.later(delay, function()
      review()
      every(recheck, review)
    end)
  end

  return {
    name = o.name or "fiu",
    on_event = function(ev)
      if ev.kind == "funds.raised" and ev.fields then
        learn(ev.fields.records)
      elseif ev.kind == "funds.traced" and ev.org == me() and ev.subject then
        -- its own trace is done: ask the service to freeze the payment
        local p = payment(ev.subject)
        if p and o.freeze ~= false and not frozen[p.id] and p.service ~= me() then
          frozen[p.id] = true
          request(p.service, "block", p.id)
        end
        return
      elseif ev.kind == "evidence.obtained" and ev.org == me() then
        learn(ev.subject)
      elseif lib.is_tip(ev) and ev.org ~= me() then
        local named = lib.named(ev.text)
        for _, id in ipairs(named.evidence) do
          local e = evidence(id)
          if e and e.kind == "payment-record" then learn(id) end
        end
        for _, pid in ipairs(named.payments) do
          local e = lib.record_of_payment(pid)
          if e then learn(e.id) end
        end
      else
        return
      end
      if #order > 0 then start() end
    end,
    on_request = lib.on_request(o, {"disclose", "assist"}),
  }
end

return M
