---@meta cyberex
-- Annotations of the cyberex scripting API for the Lua language server
-- (LuaLS: VS Code's "Lua" extension, Neovim's lua_ls, Helix...). The
-- .luarc.json at the root of the repository points editors here; they
-- then complete and type-check story.lua, playbooks and team policies.
--
-- This file is never run. engine/script/types_test.go checks that every
-- global the script host registers is annotated here, and nothing else.
-- The reference with examples is docs/scripting.md.

---Ticks, or a duration converted with the scenario's tick length and
---rounded up: "90m", "6h", "3d", "1d12h", "30s", "10t" (ticks).
---@alias cyberex.Ticks integer|string

---@alias cyberex.EventKind
---| "asset.compromised" | "asset.destroyed" | "asset.detected" | "asset.isolated" | "asset.restored"
---| "botnet.alert" | "botnet.c2_blocked" | "botnet.c2_disrupted" | "botnet.c2_moved" | "botnet.recruited"
---| "campaign.started" | "case.opened"
---| "command.accepted" | "command.done" | "command.rejected" | "command.started"
---| "content.published" | "content.removed" | "data.exfiltrated" | "ddos.impact" | "ddos.scrubbed"
---| "evidence.created" | "evidence.lost" | "evidence.obtained" | "evidence.preserved"
---| "funds.raised" | "funds.traced" | "infra.changed" | "inject.delivered" | "intrusion.lateral"
---| "log" | "message" | "objective.changed" | "physical.attack"
---| "report.reshare_refused" | "report.shared" | "request.answered" | "request.sent"
---| "statement.public" | "website.defaced"
---| "*"
---| string # "script.NAME": an event a script emits

---@alias cyberex.RequestKind "preserve"|"disclose"|"takedown"|"sinkhole"|"block"|"assist"
---@alias cyberex.RequestStatus "pending"|"accepted"|"refused"|"done"|"unanswered"
---@alias cyberex.Decision "accept"|"refuse"|"hold"|nil
---@alias cyberex.Verb "allow"|"answer"|"contain"|"delete"|"deny"|"freeze"|"investigate"|"island"|"manual"|"message"|"preserve"|"prosecute"|"query"|"remediate"|"request"|"restore"|"scan"|"share"|"sinkhole"|"statement"|"takedown"|"trace"|"update"

---An event, as handlers receive it. One table per event is shared by its
---handlers: do not change it.
---@class cyberex.Event
---@field tick integer the tick it happened in
---@field kind string e.g. "website.defaced"
---@field org? string the organisation that acted, if any
---@field subject? string id of what it is about (asset, request "req-3", inject, campaign...)
---@field text string a sentence for people
---@field value integer a figure (bots recruited, availability ‰...), 0 if none
---@field command? integer the command it answers
---@field public boolean everyone sees it
---@field visible string[] organisations that see it (besides controllers)

---A timer from at, after or every.
---@class cyberex.Timer
---@field id integer
local Timer = {}
---Stops the timer. True if it was pending.
---@return boolean
function Timer:cancel() end
---Whether it will fire again.
---@return boolean
function Timer:active() end

---An event handler from on.
---@class cyberex.Handler
---@field id integer
---@field kind string
local Handler = {}
---Stops the handler. True if it was registered.
---@return boolean
function Handler:cancel() end
---Whether it is still registered.
---@return boolean
function Handler:active() end

---A playbook (task) from spawn or playbook.
---@class cyberex.Playbook
---@field id integer
---@field name? string
local Playbook = {}
---Stops it: it is never resumed again (itself: at its next wait).
---@return boolean
function Playbook:cancel() end
---Whether it has neither ended nor been cancelled.
---@return boolean
function Playbook:alive() end

---@class cyberex.Asset
---@field id string
---@field kind string host, server, website, dns, router, scada, plc, substation, pipeline, database, c2
---@field segment string
---@field owner string
---@field jurisdiction string
---@field criticality integer
---@field integrity integer ‰
---@field availability integer ‰
---@field capacity integer
---@field compromised boolean
---@field controller? string the campaign in control
---@field since? integer tick it was taken
---@field isolated boolean
---@field backup boolean
---@field defaced boolean
---@field destroyed boolean
---@field sinkholed boolean
---@field taken_down boolean
---@field blocked boolean
---@field detected boolean
---@field hardened boolean
---@field admin boolean the campaign in control holds administrative privilege
---@field vulns string[]
---@field services string[]
---@field controls? string the infrastructure it runs
---@field named boolean declared in scenario.yaml (not a generated host)

---@class cyberex.AssetFilter
---@field kind? string
---@field segment? string
---@field owner? string
---@field jurisdiction? string
---@field controller? string campaign id
---@field compromised? boolean
---@field defaced? boolean
---@field named_only? boolean default true: generated hosts can be millions
---@field limit? integer default 1000, at most 100000

---@class cyberex.Link
---@field segment string
---@field weight integer ‰

---@class cyberex.Segment
---@field id string
---@field owner string
---@field jurisdiction string
---@field isp? string
---@field posture integer ‰
---@field prefix? string generated hosts are PREFIX-0, PREFIX-1...
---@field hosts integer assets in it
---@field compromised integer
---@field defaced integer
---@field isolated integer
---@field links cyberex.Link[]

---@class cyberex.SegmentFilter
---@field owner? string
---@field jurisdiction? string
---@field isp? string
---@field limit? integer default 1000

---@class cyberex.Org
---@field id string
---@field name string
---@field kind string csirt, police, prosecutor, operator, platform, isp, registrar, ministry, hosting, payment, fiu, adversary, other
---@field jurisdiction string
---@field staff integer
---@field busy integer staff at work now
---@field queue integer actions waiting for staff
---@field sensor integer ‰ per tick
---@field scripted boolean
---@field policy string built-in policy: cooperative, slow, refuse
---@field response_delay integer ticks
---@field clients string[]
---@field indicators string[] campaigns it has indicators of
---@field team boolean it has a Lua policy (team)

---@class cyberex.OrgFilter
---@field kind? string
---@field jurisdiction? string
---@field scripted? boolean

---@class cyberex.Jurisdiction
---@field id string
---@field name string
---@field crimes string[]
---@field utc_offset integer minutes
---@field contact_point integer|false ticks, or false: no 24/7 contact point (contact_point: none)
---@field mla integer ticks
---@field police integer ticks
---@field no_dual_criminality string refuse or slow
---@field answer_rate integer ‰
local Jurisdiction = {}
---Whether an offence is a crime there.
---@param offence string
---@return boolean
function Jurisdiction:is_crime(offence) end

---@class cyberex.Copy
---@field org string
---@field custody "informal"|"lawful"
---@field tick integer

---@class cyberex.Evidence
---@field id string
---@field kind string
---@field holder string
---@field asset? string
---@field campaign? string
---@field offence string
---@field weight integer
---@field created integer
---@field expires integer tick it is lost unless preserved
---@field preserved boolean
---@field lost boolean
---@field lost_tick? integer
---@field copies cyberex.Copy[]

---@class cyberex.EvidenceFilter
---@field holder? string
---@field campaign? string
---@field kind? string
---@field lost? boolean
---@field preserved? boolean
---@field limit? integer default 1000

---@class cyberex.Request
---@field id string "req-3"
---@field n integer 3
---@field from string
---@field to string
---@field kind cyberex.RequestKind
---@field channel string direct, 24/7, mla, police, csirt
---@field target string
---@field offence string
---@field sent integer
---@field due integer tick its legal process completes
---@field status cyberex.RequestStatus
---@field answered? integer
---@field reason? string
---@field command? integer
---@field dual_criminality boolean the act is a crime where it is received (or it stays in one country)

---@class cyberex.RequestFilter
---@field to? string
---@field from? string
---@field status? cyberex.RequestStatus
---@field kind? cyberex.RequestKind
---@field limit? integer default 1000

---@class cyberex.ScanResult
---@field hosts integer assets in the segment
---@field vulnerable integer reachable assets the campaign could exploit
---@field held integer assets it controls there

---@class cyberex.SpreadOptions
---@field contacts? integer hosts each bot tries per tick
---@field deface_per_tick? integer
---@field bot_power? integer
---@field fixed_power? integer

---@class cyberex.PublishOptions
---@field platform string platform organisation
---@field id? string default CAMPAIGN-content-N
---@field reach? integer default 100
---@field growth? integer ‰ per tick, default 20
---@field offence? string default the campaign's

---@class cyberex.RaiseOptions
---@field service string payment service organisation
---@field id? string
---@field amount? integer default 1000

---A campaign handle: fields are read live; methods act (World.Attack) and
---return true, or false and the reason.
---@class cyberex.Campaign
---@field id string
---@field kind string botnet, intrusion, defacement, ddos, propaganda, physical
---@field actor? string
---@field offence string
---@field technique string
---@field active boolean
---@field started? integer
---@field c2? string
---@field bots integer
---@field bots_ever integer
---@field spam integer
---@field exfiltrated integer
---@field defaced integer
---@field disrupted boolean its C2 is taken down, sinkholed or blocked
---@field stopped? integer tick it lost its C2
---@field current_task "ddos"|"spam"|"proxy"|"none"
---@field task_target? string
---@field contacts integer
---@field deface_per_tick integer
---@field bot_power integer
---@field fixed_power integer
---@field evidence_retention integer ticks
---@field targets string[] jurisdictions
local Campaign = {}
---Activates the campaign.
---@return boolean ok
---@return string? reason
function Campaign:start() end
---Ends the campaign.
---@return boolean ok
---@return string? reason
function Campaign:stop() end
---Counts what it could exploit in a segment (changes nothing).
---@param segment string
---@param technique string ATT&CK, e.g. "T1046"
---@return cyberex.ScanResult
function Campaign:scan(segment, technique) end
---Initial access to an asset through one of the campaign's vulnerabilities.
---@param asset string
---@param technique string e.g. "T1190"
---@return boolean ok
---@return string? reason
function Campaign:exploit(asset, technique) end
---Moves to an asset in or next to a segment where it holds a foothold.
---@param asset string
---@param technique string e.g. "T1021.002"
---@return boolean ok
---@return string? reason
function Campaign:lateral(asset, technique) end
---Changes the campaign's figures (the YAML's set).
---@param opts cyberex.SpreadOptions
---@return boolean ok
---@return string? reason
function Campaign:spread(opts) end
---Sets the bots' task; a ddos task may name its target and technique.
---@param kind "ddos"|"spam"|"proxy"|"none"
---@param target? string
---@param technique? string
---@return boolean ok
---@return string? reason
function Campaign:task(kind, target, technique) end
---Points the bots (and rented power) at an asset.
---@param target string
---@param technique string e.g. "T1498"
---@return boolean ok
---@return string? reason
function Campaign:ddos(target, technique) end
---Defaces a website (controlled, or exploitable).
---@param asset string
---@param technique string e.g. "T1190"
---@return boolean ok
---@return string? reason
function Campaign:deface(asset, technique) end
---Steals data from a controlled asset.
---@param asset string
---@param amount integer records
---@param technique string e.g. "T1041"
---@return boolean ok
---@return string? reason
function Campaign:exfiltrate(asset, amount, technique) end
---Gains administrative privilege on a controlled asset (needed to wipe it,
---and to steal more than 100 records at once).
---@param asset string
---@param technique string e.g. "T1068"
---@return boolean ok
---@return string? reason
function Campaign:escalate(asset, technique) end
---Wipes a controlled asset (needs privilege: escalate first).
---@param asset string
---@param technique string e.g. "T1485"
---@return boolean ok
---@return string? reason
function Campaign:destroy(asset, technique) end
---Stops an infrastructure's process through a controlled SCADA/PLC.
---@param infra string
---@param technique string e.g. "T0831"
---@return boolean ok
---@return string? reason
function Campaign:trip(infra, technique) end
---Damages an infrastructure physically.
---@param infra string
---@param technique? string
---@return boolean ok
---@return string? reason
function Campaign:physical(infra, technique) end
---Moves the command and control to another asset (a fallback server).
---@param asset string
---@param technique string e.g. "T1008"
---@return boolean ok
---@return string? reason
function Campaign:move_c2(asset, technique) end
---Publishes content on a platform; returns true and the content id.
---@param opts cyberex.PublishOptions
---@return boolean ok
---@return string id_or_reason
function Campaign:publish(opts) end
---Raises funds through a payment service; returns true and the payment id.
---@param opts cyberex.RaiseOptions
---@return boolean ok
---@return string id_or_reason
function Campaign:raise(opts) end

---@class cyberex.CampaignFilter
---@field kind? string
---@field active? boolean
---@field actor? string

---@class cyberex.Dependency
---@field infra? string
---@field asset? string
---@field delay integer ticks

---@class cyberex.Infra
---@field id string
---@field kind string
---@field owner string
---@field priority boolean
---@field level integer ‰
---@field damaged boolean
---@field tripped boolean
---@field manual boolean
---@field islanded boolean
---@field down_since? integer
---@field repair_until? integer
---@field depends_on cyberex.Dependency[]

---@class cyberex.Content
---@field id string
---@field platform string
---@field campaign? string
---@field offence string
---@field reach integer
---@field growth integer ‰ per tick
---@field published integer
---@field removed? integer

---@class cyberex.Payment
---@field id string
---@field service string
---@field campaign? string
---@field amount integer
---@field tick integer
---@field traced boolean
---@field frozen boolean

---@class cyberex.PaymentFilter
---@field campaign? string
---@field service? string
---@field traced? boolean
---@field frozen? boolean
---@field limit? integer

---@class cyberex.Objective
---@field id string
---@field description string
---@field status "pending"|"met"|"failed"
---@field tick? integer tick it was decided
---@field script boolean judged by Lua
---@field metric? string
---@field op? string
---@field value? integer
---@field mode string
---@field deadline? integer

---@class cyberex.InjectOptions
---@field id? string default adhoc-N
---@field to string|string[] "all", an organisation or a list
---@field from? string
---@field subject string
---@field body? string
---@field expect? string

---@class cyberex.CommandOptions
---@field org string
---@field verb cyberex.Verb
---@field target? string
---@field args? table<string, string|integer|boolean|string[]>

---@class cyberex.EmitOptions
---@field org? string
---@field subject? string
---@field text? string
---@field value? integer
---@field public? boolean
---@field visible? string|string[] organisations that see it ("all": all but adversaries)

---A scripted team's policy: team(org, policy). Handlers run only while
---the organisation is scripted; inside them act() acts for it.
---@class cyberex.TeamPolicy
---@field name? string
---@field on_request? fun(req: cyberex.Request): cyberex.Decision, string?
---@field on_event? fun(ev: cyberex.Event)
---@field on_tick? fun()

-- ---- time ----

---The current tick (0 while the story loads).
---@return integer
function tick() end

---The exercise clock at a tick (default now), "2026-03-02T08:00:00Z".
---@param at_tick? integer
---@return string
function clock(at_tick) end

---The exercise clock at a tick (default now), in seconds since 1970.
---@param at_tick? integer
---@return integer
function time(at_tick) end

---Ticks in a duration: ticks("6h").
---@param d cyberex.Ticks
---@return integer
function ticks(d) end

---Calls fn at a tick (at least 1, not past).
---@param at_tick cyberex.Ticks
---@param fn fun(t: cyberex.Timer)
---@return cyberex.Timer
function at(at_tick, fn) end

---Calls fn d ticks from now (d at least 1).
---@param d cyberex.Ticks
---@param fn fun(t: cyberex.Timer)
---@return cyberex.Timer
function after(d, fn) end

---Calls fn every d ticks from now, until cancelled.
---@param d cyberex.Ticks
---@param fn fun(t: cyberex.Timer)
---@return cyberex.Timer
function every(d, fn) end

-- ---- events ----

---Calls fn for every event of a kind ("*": every event), after the
---engine's mechanisms each tick.
---@param kind cyberex.EventKind
---@param fn fun(ev: cyberex.Event)
---@return cyberex.Handler
function on(kind, fn) end

---Emits a custom event, kind "script.NAME" (handlers and tests see it).
---@param kind string
---@param opts? cyberex.EmitOptions
function emit(kind, opts) end

---A line to the run's log: an event "log" only controllers see. print does the same.
---@param ... any
function log(...) end

-- ---- playbooks ----

---Starts fn(...) as a playbook: a coroutine that may wait between its steps.
---@param fn async fun(...)
---@param ... any
---@return cyberex.Playbook
function spawn(fn, ...) end

---spawn with a name.
---@param name string
---@param fn async fun(...)
---@param ... any
---@return cyberex.Playbook
function playbook(name, fn, ...) end

---Inside a playbook: sleeps n ticks (default 1).
---@async
---@param n? cyberex.Ticks
function wait(n) end

---Inside a playbook: sleeps until cond() is truthy (checked once a tick,
---from the next tick) and returns its value; nil once timeout ticks passed.
---@async
---@generic T
---@param cond fun(): T
---@param timeout? cyberex.Ticks
---@return T|nil
function wait_until(cond, timeout) end

-- ---- world queries ----

---@param id string a named asset or a generated host (PREFIX-N)
---@return cyberex.Asset
function asset(id) end

---Assets matching a filter, in the world's order, at most limit (1000).
---@param filter? cyberex.AssetFilter
---@return cyberex.Asset[]
function assets(filter) end

---@param id string
---@return cyberex.Segment
function segment(id) end

---@param filter? cyberex.SegmentFilter
---@return cyberex.Segment[]
function segments(filter) end

---@param id string
---@return cyberex.Org
function org(id) end

---@param filter? cyberex.OrgFilter
---@return cyberex.Org[]
function orgs(filter) end

---@param id string
---@return cyberex.Jurisdiction
function jurisdiction(id) end

---An evidence item, or nil if there is none of that id (yet).
---@param id string
---@return cyberex.Evidence?
function evidence(id) end

---@param filter? cyberex.EvidenceFilter
---@return cyberex.Evidence[]
function evidence_list(filter) end

---A request: 3, "req-3" or a request table; nil if not sent (yet).
---@param n integer|string|cyberex.Request
---@return cyberex.Request?
function request(n) end

---@param filter? cyberex.RequestFilter
---@return cyberex.Request[]
function requests(filter) end

---The handle of a campaign.
---@param id string
---@return cyberex.Campaign
function campaign(id) end

---@param filter? cyberex.CampaignFilter
---@return cyberex.Campaign[]
function campaigns(filter) end

---@param id string
---@return cyberex.Infra
function infra(id) end

---@param id string
---@return cyberex.Content?
function content(id) end

---@param id string
---@return cyberex.Payment?
function payment(id) end

---@param filter? cyberex.PaymentFilter
---@return cyberex.Payment[]
function payments(filter) end

---A metric by its full name ("bots", "infra:grid", "script.NAME"); nil
---and the reason when it has no value yet.
---@param name string
---@return integer?
---@return string? reason
function metric(name) end

---objective(id): its state; objective(id, check): registers the check of a
---`script: true` objective, called every tick while it is pending.
---@param id string
---@param check? fun(id: string): "met"|"failed"|nil
---@return cyberex.Objective?
function objective(id, check) end

-- ---- changing the world ----

---Decides a `script: true` objective.
---@param id string
---@param status "met"|"failed"
---@return boolean ok
---@return string? reason
function set_objective(id, status) end

---Sets the figure script.NAME (a whole number).
---@param name string
---@param value integer
function set_metric(name, value) end

---Delivers an ad-hoc inject now; returns its id.
---@param opts cyberex.InjectOptions
---@return string
function inject(opts) end

---Delivers an inject of scenario.yaml now (one without `at` is delivered only so).
---@param id string
---@return boolean ok
---@return string? reason
function deliver(id) end

---Queues a command for any organisation; its id, or nil and why it was rejected.
---@param opts cyberex.CommandOptions
---@return integer?
---@return string? reason
function command(opts) end

-- ---- scripted teams ----

---Plays an organisation by a policy while it is scripted.
---@param org_id string
---@param policy cyberex.TeamPolicy
function team(org_id, policy) end

---Inside a team's handler (and the timers and playbooks it starts): a
---command for that team; its id, or nil and why not.
---@param verb cyberex.Verb
---@param target? string
---@param args? table<string, string|integer|boolean|string[]>
---@return integer?
---@return string? reason
function act(verb, target, args) end

---The organisation the running team handler acts for, or nil.
---@return string?
function me() end

---Answers a request sent to a scripted organisation.
---@param req integer|string|cyberex.Request
---@param decision "accept"|"refuse"
---@param reason? string
---@return boolean ok
---@return string? reason
function answer(req, decision, reason) end

---Switches an organisation between people and its policy.
---@param org_id string
---@param on boolean
function set_scripted(org_id, on) end

---Whether an organisation is played by its policy now.
---@param org_id string
---@return boolean
function scripted(org_id) end

-- ---- random, vars ----

---The world's seeded generator (as math.random): random() in [0, 1),
---random(n) in [1, n], random(m, n) in [m, n].
---@param m? integer
---@param n? integer
---@return number
function random(m, n) end

---A value of the scenario's vars (a test's or --set vars.NAME override wins).
---@param name string
---@param default? any
---@return any
function var(name, default) end
