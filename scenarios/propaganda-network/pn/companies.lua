-- pn.companies: the platforms' trust & safety teams and the payment
-- services' compliance teams. They behave the same whatever the agencies
-- do (var "response" does not change them); a human may play any of them
-- instead (scripted: false).
--
-- Legal orders (takedown, preserve, disclose, block requests) are left to
-- the law: these policies have no on_request for them, so the engine's
-- built-in cooperative policy answers at the due tick and refuses what is
-- no crime in the company's country (dual criminality). What the law does
-- not require, the companies may still do under their own terms:
--
--   * a platform removes material that breaches its terms of service when
--     a trusted flagger (police) flags it directly: `message PLATFORM
--     text="flag CONTENT-ID"`; the review takes hours (days at Kanal);
--   * a platform that received indicators for a campaign (a report shared
--     with campaign=ID) matches the hashes of that campaign's material:
--     what is online and every new upload is removed within hours;
--   * PayLink files a suspicious transaction report with Carpathia's
--     police after the first donation to the group's account;
--   * CoinEx, in a country that does not criminalise terror financing,
--     answers an FIU or police that writes to it directly (any channel but
--     MLA) under its own compliance terms: preservation, disclosure (as
--     intelligence: the channel is informal) and freezing;
--   * a payment service that accepted a block (freeze) request freezes the
--     whole account: the campaign's payments of the last week (older money
--     has been cashed out already: FREEZE_WINDOW) and every later one.

local K = require("pn.world")

-- What a freeze still catches: money paid in during the last week; older
-- payments have left the account.
local FREEZE_WINDOW = 168

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

-- platform(me, cfg): cfg.flag_review = {min, max} hours to review a flag
-- (nil: flags are ignored); cfg.hash_match = {min, max} hours to remove
-- material matching shared indicators (nil: no hash matching).
local function platform(me, cfg)
  local scheduled = {}
  local function remove_later(id, span)
    if scheduled[id] then return end
    scheduled[id] = true
    after(random(span[1], span[2]), function()
      if K.is_live(id) then act("delete", id) end
    end)
  end
  local function sweep(camp)
    for _, id in ipairs(K.order) do
      local c = K.content[id]
      if c.platform == me and c.campaign == camp and K.is_live(id) then
        remove_later(id, cfg.hash_match)
      end
    end
  end
  return {
    name = me .. " trust & safety",
    on_event = function(ev)
      if ev.kind == "message" and ev.subject == me and ev.org ~= me then
        if not cfg.flag_review then return end
        local id = string.match(ev.text or "", "^flag (%S+)")
        local c = id and content(id)
        if c and c.platform == me and c.removed == nil then
          remove_later(id, cfg.flag_review)
        end
      elseif ev.kind == "content.published" and cfg.hash_match then
        local c = K.content[ev.subject]
        if c and c.platform == me and contains(org(me).indicators, c.campaign) then
          remove_later(ev.subject, cfg.hash_match)
        end
      elseif ev.kind == "report.shared" and cfg.hash_match then
        -- a report with a campaign gives this platform its indicators
        for _, camp in ipairs(org(me).indicators) do sweep(camp) end
      end
    end,
  }
end

team("vidshare-b", platform("vidshare-b", {flag_review = {3, 8}, hash_match = {1, 3}}))
team("social-c", platform("social-c", {flag_review = {1, 4}, hash_match = {1, 2}}))
team("chan-d", platform("chan-d", {flag_review = {24, 48}}))   -- a small team far away; no hash sharing

-- payment(me, cfg): cfg.str = organisation that receives suspicious
-- transaction reports (nil: none); cfg.voluntary = answers FIUs and police
-- writing directly even without dual criminality.
local function payment_service(me, cfg)
  local account_frozen, str_filed = false, false
  local function freeze_all()
    for _, p in ipairs(K.by_service[me] or {}) do
      local pay = payment(p.id)
      if pay and not pay.frozen and pay.tick >= tick() - FREEZE_WINDOW then act("freeze", p.id) end
    end
  end
  return {
    name = me .. " compliance",
    on_event = function(ev)
      if ev.kind == "funds.raised" then
        local p = payment(ev.subject)
        if not p or p.service ~= me then return end
        if account_frozen then act("freeze", ev.subject) end
        if cfg.str and not str_filed then
          str_filed = true
          after(random(12, 24), function()
            act("message", cfg.str, {text = "suspicious transaction report: the account named in the Dawn Media appeal"})
          end)
        end
      elseif ev.kind == "request.answered" and not account_frozen then
        local r = request(ev.subject)
        if r and r.to == me and r.kind == "block" and r.status == "done" then
          account_frozen = true
          freeze_all()
        end
      end
    end,
    on_request = function(req)
      if cfg.voluntary and not req.dual_criminality and req.channel ~= "mla" then
        local k = org(req.from).kind
        if (k == "fiu" or k == "police") and (req.kind == "disclose" or req.kind == "block" or req.kind == "preserve") then
          return "accept", "voluntary, under the exchange's compliance terms"
        end
      end
      return nil   -- the law decides (built-in policy at the due tick)
    end,
  }
end

team("paylink-c", payment_service("paylink-c", {str = "police-c"}))
team("coinex-d", payment_service("coinex-d", {voluntary = true}))
