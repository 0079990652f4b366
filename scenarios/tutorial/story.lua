-- The tutorial's story: what happens besides the schedule of
-- scenario.yaml. It runs once when a run starts (to register what reacts
-- to what), then the engine calls it every tick. The API is in
-- docs/scripting.md; editors complete it from scripts/types/cyberex.lua.

-- Borduria Hosting is played by a Lua policy from the shared library
-- (scripts/teams/hosting.lua): it answers a request at once, accepts what
-- the law of Borduria lets it do (dual criminality: "hacking" must be a
-- crime there too) and preserves the logs when the legal process is done.
-- Try require("teams.hosting").new{answer_delay = "2d"} for a host that
-- takes two days to decide: the logs are then lost in most runs.
team("hosting-b", require("teams.hosting").new{answer_delay = var("hosting_delay", 0)})

-- When the ministry notices that its site was defaced, it calls the
-- national CSIRT: the inject "ministry-calls" (declared without `at` in
-- scenario.yaml) is delivered at that moment, whenever it comes.
on("asset.detected", function(ev)
  if ev.subject == "ministry-site" and ev.org == "ministry-a" then
    deliver("ministry-calls")
  end
end)

-- The police are played by people (commands.jsonl). With var police =
-- "library" the library's policy plays them (scripts/teams/police.lua):
-- it asks Borduria Hosting to preserve the logs through the 24/7 network,
-- or, where Borduria has no 24/7 contact point, asks Borduria's CSIRT,
-- which relays the request at home (test no-contact-point-police).
if var("police", "people") == "library" then
  team("police-a", require("teams.police").new{delay = "30m", disclose = false})
end
