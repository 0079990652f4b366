-- Helpers shared by the scripted team policies of scripts/teams/.
--
-- A policy module returns {new = function(opts) ... end}; new returns the
-- table given to team(org, policy). Every policy takes these options:
--
--   delay            ticks or a duration before the team acts on what it
--                    learns ("30m"; default: the policy's)
--   answer_delay     before it answers a request (default 0: at once; the
--                    request is still carried out at its due tick)
--   respect_law      refuse requests for acts that are no crime here (no
--                    dual criminality); default true
--   refuse_permille  chance (‰) to refuse a request it would accept
--   accept           list of request kinds it accepts (default: the
--                    policy's); others are refused
--   name             shown in logs
--
-- so that the same scenario can be run with a "fast, coordinated" and a
-- "slow" response and the outcomes compared (cyberex test / sweep).

local lib = {}

--- ticks(v, default): ticks of a number or duration option.
function lib.ticks(v, default)
  if v == nil then return default end
  return ticks(v)
end

--- set(list): {item = true, ...}
function lib.set(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

--- later(delay, fn): fn() now when delay is 0, else after delay ticks.
function lib.later(delay, fn)
  if delay <= 0 then return fn() end
  after(delay, fn)
end

--- on_request(o, kinds): an on_request handler that accepts the request
--- kinds in o.accept (or kinds, the policy's default), refuses the others
--- and, with o.respect_law, the requests without dual criminality (except
--- preservation, which needs none).
function lib.on_request(o, kinds)
  local accepts = lib.set(o.accept or kinds)
  local respect = o.respect_law ~= false
  local refuse = o.refuse_permille or 0
  local wait_for = lib.ticks(o.answer_delay, 0)
  return function(req)
    -- Preservation needs no dual criminality (Budapest Convention art. 29(3)).
    if respect and not req.dual_criminality and req.kind ~= "preserve" then
      return "refuse", "not a crime here: no dual criminality for " .. req.offence
    end
    if not accepts[req.kind] then
      return "refuse", "we do not " .. req.kind .. " on request"
    end
    if refuse > 0 and random(1000) <= refuse then
      return "refuse", "declined"
    end
    if wait_for <= 0 then return "accept" end
    after(wait_for, function() answer(req.id, "accept") end)
    return "hold"
  end
end

--- campaign_of(ev): the campaign behind an event about an asset, if any.
function lib.campaign_of(ev)
  if not ev.subject then return nil end
  local ok, a = pcall(asset, ev.subject)
  if ok and a and a.controller then return a.controller end
  return nil
end

--- my_jurisdiction(): the jurisdiction of the team's organisation.
function lib.my_jurisdiction()
  return org(me()).jurisdiction
end

--- holder_abroad(e): whether an evidence item's holder is in another
--- jurisdiction than the team's.
function lib.abroad(org_id)
  return org(org_id).jurisdiction ~= lib.my_jurisdiction()
end

--- first(list, pred): the first element for which pred holds.
function lib.first(list, pred)
  for _, v in ipairs(list) do
    if pred(v) then return v end
  end
  return nil
end

return lib
