-- pn.world: what the parties of the exercise can know about the group's
-- material, filled in by the story as it becomes public.
--
-- A published video or appeal is public: anybody who watches it sees the
-- platform, the uploading account and (for an appeal) the payment account
-- it names. The engine identifies the uploading account's records as an
-- evidence item (videos-account-records-N) created by the publication; the
-- story notes which item belongs to which upload here, so that a scripted
-- team that has seen the upload (its content.published event) can name
-- the records in a preservation request, as a human player would after
-- reading the upload page. Payments are listed too, but teams only use
-- that list for a service once they hold a record of the account there
-- (see pn.agencies, fiu-a): the list stands for the account history a
-- disclosure contains.

local K = {
  content = {},      -- id -> {id, platform, campaign, offence, kind, records, original, generation}
  order = {},        -- content ids in publication order
  payments = {},     -- list of {id, service, record, tick}
  by_service = {},   -- service -> list of payment entries
  originals = {},    -- original id -> number of uploads so far (for re-upload ids)
}

-- The platforms, with the jurisdiction each sits in (read from the world
-- in story.lua; kept here for the teams).
K.platforms = {"vidshare-b", "social-c", "chan-d"}
K.services = {"paylink-c", "coinex-d"}

function K.note_content(entry)
  K.content[entry.id] = entry
  K.order[#K.order + 1] = entry.id
end

function K.note_payment(entry)
  K.payments[#K.payments + 1] = entry
  local l = K.by_service[entry.service]
  if not l then
    l = {}
    K.by_service[entry.service] = l
  end
  l[#l + 1] = entry
end

-- is_live(id): the content is online now.
function K.is_live(id)
  local c = content(id)
  return c ~= nil and c.removed == nil
end

-- The newest evidence item of a kind a campaign left with a holder (the
-- records of the upload or payment that just happened).
function K.newest_record(camp, holder, kind)
  local l = evidence_list{campaign = camp, holder = holder, kind = kind}
  local e = l[#l]
  return e and e.id or nil
end

return K
