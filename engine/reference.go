package engine

import "sort"

// The reference a scenario designer reads (`cyberex explain`, and
// docs/reference.md generated from it) comes from these tables, beside the
// verbs, metrics and event kinds they describe: reference_test.go fails
// when a verb, metric, event kind, channel or kind has no entry, or an
// entry names one that does not exist. Costs (ticks, staff) are read from
// the verbs themselves, never written twice.

// VerbRef documents one command verb.
type VerbRef struct {
	Name    string   `json:"name"`
	OpenC2  string   `json:"openc2,omitempty"` // the OpenC2 action it follows, if any
	Doc     string   `json:"doc"`              // one line
	Who     string   `json:"who"`              // who may give it
	Target  string   `json:"target"`           // what it names
	Args    string   `json:"args,omitempty"`
	Effects string   `json:"effects"` // what it does when it completes
	Emits   []string `json:"emits"`   // event kinds
	Ticks   int32    `json:"ticks"`   // default duration (settings.verbs overrides)
	Staff   int32    `json:"staff"`   // default staff held while it runs
}

// verbRefs holds what only words can say about a verb; verbs holds its
// cost and its rules.
var verbRefs = map[string]VerbRef{
	"investigate": {OpenC2: "investigate",
		Who:     "the owner of the asset or segment, its ISP; the police, prosecutors and CSIRT of the jurisdiction it sits in (across a border: an assist request)",
		Target:  "an asset or a segment",
		Effects: "finds the compromised assets and the C2 they call (marks them detected); gives the investigator the indicators of every campaign that compromised or defaced them; collects the evidence on the target (lawful custody for police and prosecutors of the asset's jurisdiction, informal otherwise)",
		Emits:   []string{EvAssetDetected, EvEvidenceObtained}},
	"scan": {OpenC2: "scan",
		Who: "the owner of the asset or segment, or its ISP", Target: "an asset or a segment",
		Effects: "counts the vulnerable and the compromised hosts (value: compromised); changes nothing",
		Emits:   []string{EvAssetDetected}},
	"query": {OpenC2: "query",
		Who: "anyone (the answer says only what the organisation may see)", Target: "a request (req-N) it sent or received, or an asset it may act on",
		Effects: "a message with the state of the request or the asset", Emits: []string{EvMessage}},
	"contain": {OpenC2: "contain",
		Who: "the owner of the asset or segment, or its ISP", Target: "an asset or a segment",
		Effects: "isolates it: stops spread, lateral movement and C2 traffic through it, and its service (availability 0) until allowed again",
		Emits:   []string{EvAssetIsolated}},
	"allow": {OpenC2: "allow",
		Who: "the owner of the asset or segment, or its ISP", Target: "an asset or a segment",
		Effects: "reconnects it (availability back unless destroyed or taken down)", Emits: []string{EvAssetIsolated}},
	"deny": {OpenC2: "deny",
		Who:     "an ISP, hosting company or operator: any of them for a C2; for scrubbing, the owner of the target or its segment's ISP",
		Target:  "a C2 server, or an asset under DDoS",
		Effects: "a C2: bots behind this organisation lose it (the botnet runs on elsewhere); another asset: scrubbing filters 90% of DDoS power aimed at it",
		Emits:   []string{EvC2Blocked, EvDDoSScrubbed}},
	"restore": {OpenC2: "restore",
		Who: "the owner of the asset or segment, or its ISP; the owner of an infrastructure", Target: "an asset, a segment or an infrastructure",
		Effects: "rebuilds the asset (clean, integrity and availability back; four times longer without a backup), or repairs a damaged infrastructure (its restore time) and clears a trip",
		Emits:   []string{EvAssetRestored, EvInfraChanged}},
	"remediate": {OpenC2: "remediate",
		Who: "the owner of the asset or segment, or its ISP", Target: "an asset or a segment",
		Effects: "cleans every compromised host in it (bots leave their botnet); a defaced site needs restore",
		Emits:   []string{EvAssetRestored}},
	"update": {OpenC2: "update",
		Who: "the owner of the asset or segment, or its ISP", Target: "an asset or a segment", Args: "vuln=ID (default: all)",
		Effects: "removes the vulnerability (or all) and hardens every asset in it (compromised at a quarter of the rate)",
		Emits:   []string{EvAssetRestored}},
	"delete": {OpenC2: "delete",
		Who: "the platform hosting the content", Target: "a content item",
		Effects: "removes the content; its reach stops growing", Emits: []string{EvContentRemoved}},
	"preserve": {
		Who: "the holder of the evidence", Target: "an evidence item",
		Effects: "the item is kept past its retention", Emits: []string{EvEvidencePreserved}},
	"request": {
		Who: "anyone, to another organisation", Target: "the receiving organisation",
		Args:    "kind=preserve|disclose|takedown|sinkhole|block|assist, target=ID, channel=direct|24/7|mla|police|csirt (default: see explain channels), offence=... (default: the campaign's)",
		Effects: "a request with a due tick from the channel's delay, treaties, dual criminality and office hours; decided by the receiver (a human team with answer, a scripted one by its policy) and carried out at the due tick only if the receiver could do it itself",
		Emits:   []string{EvRequestSent, EvRequestAnswered}},
	"answer": {
		Who: "the receiver of a request played by people", Target: "req-N", Args: "decision=accept|refuse, reason=...",
		Effects: "decides the request; an acceptance is carried out at its due tick (the legal process still takes its time)",
		Emits:   []string{EvRequestAnswered}},
	"share": {
		Who: "anyone; a re-share (origin=rep-N) only as the report's TLP label allows", Target: "an organisation (or to=a,b)",
		Args:    "tlp=CLEAR|GREEN|AMBER|AMBER+STRICT|RED, to=org,org, campaign=ID (only with its indicators), origin=rep-N, title=...",
		Effects: "a report; with campaign=, every receiver gets the campaign's indicators (its sensors detect it three times as often)",
		Emits:   []string{EvReportShared, EvReshareRefused}},
	"takedown": {
		Who: "the hosting company (owner) of the server, or the platform of the content", Target: "a server or a content item",
		Effects: "the server is gone (for its legitimate users too): a C2 taken down disrupts its botnet; content is removed",
		Emits:   []string{EvC2Disrupted, EvContentRemoved}},
	"sinkhole": {
		Who: "a registrar, ISP, hosting company or CSIRT of the jurisdiction the C2 sits in", Target: "a C2 server",
		Effects: "the botnet loses its C2; the sinkhole sees every bot: owners clean up 5‰ of the bots a tick",
		Emits:   []string{EvC2Disrupted}},
	"message": {
		Who: "anyone", Target: "an organisation", Args: "text=...",
		Effects: "the text reaches the organisation", Emits: []string{EvMessage}},
	"statement": {
		Who: "anyone", Target: "(none)", Args: "text=..., campaign=ID",
		Effects: "a public statement; with campaign=, a counter-narrative: the growth of the campaign's live content is cut by 30%",
		Emits:   []string{EvStatement}},
	"manual": {
		Who: "the owner of the infrastructure", Target: "an infrastructure",
		Effects: "runs it by hand at its manual level: a SCADA trip, or a lost SCADA/PLC dependency, no longer takes it down",
		Emits:   []string{EvInfraChanged}},
	"island": {
		Who: "the owner of an infrastructure with local generation (island level above 0)", Target: "an infrastructure",
		Effects: "cuts it from upstream infrastructure: their failures no longer reach it; it runs at its island level",
		Emits:   []string{EvInfraChanged}},
	"trace": {
		Who: "a financial intelligence unit, police or prosecutor holding a record of the payment", Target: "a payment",
		Effects: "the payment is traced (money_traced)", Emits: []string{EvFundsTraced}},
	"freeze": {
		Who: "the payment service holding the payment", Target: "a payment",
		Effects: "the payment is frozen (money_frozen)", Emits: []string{EvFundsTraced}},
	"prosecute": {
		Who: "a prosecutor, where the campaign's offence is a crime", Target: "a campaign",
		Effects: "opens a case; its strength is the weight of the campaign's evidence held lawfully by the jurisdiction's police, prosecutors and FIU",
		Emits:   []string{EvCaseOpened}},
}

// VerbRefs lists every verb's reference, sorted by name, with its
// default cost.
func VerbRefs() []VerbRef {
	out := make([]VerbRef, 0, len(verbs))
	for _, n := range VerbNames() {
		r := verbRefs[n]
		r.Name = n
		r.Doc = verbs[n].doc
		r.Ticks, r.Staff = verbs[n].ticks, verbs[n].staff
		out = append(out, r)
	}
	return out
}

// MetricRef documents one metric.
type MetricRef struct {
	Name string `json:"name"` // a name, or a pattern such as infra:ID
	Doc  string `json:"doc"`
	Unit string `json:"unit"`
}

// metricUnits gives the unit of each built-in metric and pattern.
var metricUnits = map[string]string{
	"tick": "ticks", "bots": "hosts", "bots_ever": "hosts", "compromised": "assets",
	"compromised_permille": "‰ of all assets", "defaced": "websites", "websites_hijacked": "websites",
	"websites_restored": "websites", "hosts_cleaned": "hosts", "spam": "messages", "exfiltrated": "records",
	"c2_disrupted": "campaigns", "evidence_lost": "items", "evidence_preserved": "items", "evidence_lawful": "items",
	"requests_sent": "requests", "requests_answered": "requests", "requests_refused": "requests",
	"reports_shared": "reports", "reshare_refused": "re-shares", "reach": "people", "content_live": "items",
	"content_removed": "items", "money_raised": "money units", "money_traced": "money units",
	"money_frozen": "money units", "money_traced_permille": "‰ of funds raised", "cases_opened": "cases",
	"case_strength": "evidence weight", "priority_min": "‰ of full service", "priority_down_ticks": "ticks × sites",
	"infra_mean": "‰ of full service", "detections": "detections", "physical_attacks": "attacks",
	"commands_done": "commands", "commands_rejected": "commands", "injects_delivered": "injects",
	"queued_actions": "actions",
	"infra:ID":       "‰ of full service", "asset:ID:availability": "‰ (integrity ‰; compromised 0/1)",
	"campaign:ID:bots":  "hosts (disrupted 0/1; exfiltrated records; defaced websites; spam messages)",
	"campaign:ID:goals": "goal assets (actions, successes: actions; cost: cost units)",
	"case:JURISDICTION": "evidence weight", "evidence:ID:lawful": "0/1", "content:ID:reach": "people (removed 0/1)",
	"request:N:answered": "0/1", "objective:ID": "0 pending, 1 met, 2 failed",
}

// MetricRefs lists every built-in metric, sorted, then the parametrised
// forms, then script metrics (script.NAME).
func MetricRefs() []MetricRef {
	var out []MetricRef
	for _, n := range MetricNames() {
		out = append(out, MetricRef{Name: n, Doc: MetricDoc(n), Unit: metricUnits[n]})
	}
	out = append(out, MetricRef{Name: "script.NAME", Doc: "a figure the scenario's scripts set with set_metric(NAME, value); no value until first set", Unit: "as the script says"})
	return out
}

// EventRef documents one event kind. Every event carries the fields of
// Event (EventFields); Subject and Value say what those mean for this
// kind.
type EventRef struct {
	Kind    string `json:"kind"`
	Doc     string `json:"doc"`
	Seen    string `json:"seen"`            // who sees it (Visible, Public); controllers see every event
	Org     string `json:"org,omitempty"`   // what Org is, if set
	Subject string `json:"subject"`         // what Subject names
	Value   string `json:"value,omitempty"` // what Value means, if used
	// Fields is the kind's payload (Event.Fields), in the order events
	// carry it.
	Fields []PayloadField `json:"fields,omitempty"`
}

// PayloadField documents one field of a kind's payload. Values are
// strings on the wire and in Lua; Type says how to read them.
type PayloadField struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Doc  string `json:"doc"`
	// When says when the field is present; empty: always.
	When string `json:"when,omitempty"`
}

// EventField documents one field every event carries.
type EventField struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Doc  string `json:"doc"`
}

// EventFields are the fields of Event, as scripts (ev.tick, ev.kind...) and
// journals see them; EventRef says what org, subject and value hold for a
// kind.
var EventFields = []EventField{
	{"tick", "integer", "the tick it happened"},
	{"kind", "string", "the event kind"},
	{"org", "string", "the organisation that acted, if any"},
	{"subject", "string", "the id of what it is about"},
	{"text", "string", "one line for people"},
	{"value", "integer", "a figure, by kind"},
	{"command", "integer", "the id of the command it answers, if any"},
	{"visible", "list of organisation ids", "who sees it (besides controllers); the story's handlers get it, a team's handlers (team(org, …)) do not"},
	{"public", "boolean", "everyone sees it"},
	{"fields", "list of {k, v} (in Lua: a table of strings)", "the kind's payload, named below; ids are canonical"},
}

var eventRefs = map[string]EventRef{
	EvCommandAccepted:   {Doc: "a command was checked and queued; the text says when it should start (queued behind N actions, about T ticks)", Seen: "the commanding organisation", Org: "the commanding organisation", Subject: "the command's target", Value: "ticks it should wait for staff (0: starts now; -1: more than 256 actions ahead, too many to say)"},
	EvCommandRejected:   {Doc: "a command was refused at once; the text says why", Seen: "the commanding organisation", Org: "the commanding organisation", Subject: "the command's target"},
	EvCommandStarted:    {Doc: "a queued command started after waiting for staff", Seen: "the commanding organisation", Org: "the commanding organisation", Subject: "the command's target", Value: "ticks it waited"},
	EvCommandDone:       {Doc: "a command completed (or failed on its second check: the world moved on)", Seen: "the commanding organisation", Org: "the commanding organisation", Subject: "the command's target"},
	EvAssetCompromised:  {Doc: "a campaign took control of an asset (exploit, lateral movement, recruitment)", Seen: "the campaign's actor only: defenders learn of it by detection (asset.detected, botnet.alert)", Subject: "the asset"},
	EvAssetDetected:     {Doc: "an organisation found compromise: its sensor, an investigation or a scan", Seen: "the organisation that found it", Org: "that organisation", Subject: "the asset or segment", Value: "assets found compromised"},
	EvAssetRestored:     {Doc: "assets were rebuilt, cleaned or patched (restore, remediate, update)", Seen: "the acting organisation", Org: "the acting organisation", Subject: "the asset or segment", Value: "assets changed"},
	EvAssetIsolated:     {Doc: "an asset or segment was isolated (contain) or reconnected (allow)", Seen: "the acting organisation and the owner", Org: "the acting organisation", Subject: "the asset or segment", Value: "assets changed"},
	EvAssetDestroyed:    {Doc: "an asset was wiped by a campaign", Seen: "the asset's owner", Subject: "the asset"},
	EvBotsRecruited:     {Doc: "a botnet recruited hosts this tick", Seen: "the campaign's actor", Subject: "the campaign", Value: "hosts recruited this tick"},
	EvBotnetAlert:       {Doc: "a segment's owner noticed bots in it (at least 10, with its sensor's probability), once per segment and campaign", Seen: "the segment's owner and its ISP", Org: "the owner", Subject: "the segment", Value: "bots in it"},
	EvC2Disrupted:       {Doc: "a C2 was taken down or sinkholed, or a botnet lost its last C2", Seen: "the acting organisation and the server's owner; for the botnet, its actor and whoever holds the campaign's indicators", Org: "the acting organisation, if any", Subject: "the C2 server, or the campaign"},
	EvC2Blocked:         {Doc: "an ISP blocked a C2 for its customers (the botnet runs on elsewhere)", Seen: "the ISP", Org: "the ISP", Subject: "the C2 server"},
	EvC2Moved:           {Doc: "a botnet fell back to another C2", Seen: "the campaign's actor", Subject: "the campaign"},
	EvDefaced:           {Doc: "a website shows the campaign's page", Seen: "everyone (public)", Subject: "the website"},
	EvDDoS:              {Doc: "a DDoS changed a target's availability", Seen: "the target's owner; everyone when availability falls under 500‰", Subject: "the target", Value: "its availability, ‰"},
	EvDDoSScrubbed:      {Doc: "scrubbing was turned on in front of a target (deny on a non-C2 asset): 90% of DDoS power aimed at it is filtered", Seen: "the scrubbing organisation and the target's owner", Org: "the scrubbing organisation", Subject: "the target"},
	EvExfiltration:      {Doc: "records were stolen", Seen: "the campaign's actor", Subject: "the asset", Value: "records"},
	EvLateral:           {Doc: "an intrusion moved to another asset", Seen: "the campaign's actor", Subject: "the asset reached"},
	EvEvidenceCreated:   {Doc: "an attack left evidence (logs, C2 records, payment records)", Seen: "the holder", Subject: "the evidence item"},
	EvEvidenceLost:      {Doc: "evidence passed its retention unpreserved", Seen: "the holder and everyone who obtained a copy", Subject: "the evidence item"},
	EvEvidencePreserved: {Doc: "evidence was preserved (by its holder, or on a request)", Seen: "the preserving organisation and the holder", Org: "who preserved it", Subject: "the evidence item"},
	EvEvidenceObtained:  {Doc: "an organisation obtained a copy of evidence (investigation, disclosure, assist)", Seen: "the organisation", Org: "the organisation", Subject: "the evidence item"},
	EvRequestSent:       {Doc: "a request was sent", Seen: "the sender and the receiver", Org: "the sender", Subject: "req-N"},
	EvRequestAnswered:   {Doc: "a request was decided or carried out (accepted, refused, done)", Seen: "the sender and the receiver", Org: "the receiver", Subject: "req-N"},
	EvReportShared:      {Doc: "a report was shared", Seen: "the author and the receivers (everyone for TLP:CLEAR)", Org: "the author", Subject: "rep-N"},
	EvReshareRefused:    {Doc: "a re-share was refused by the report's TLP label", Seen: "the organisation that tried", Org: "that organisation", Subject: "rep-N"},
	EvContentPublished:  {Doc: "propaganda was published on a platform; the text names the uploader's account records", Seen: "everyone (public)", Subject: "the content item", Value: "its initial reach"},
	EvContentRemoved:    {Doc: "content was removed", Seen: "everyone (public)", Org: "who removed it", Subject: "the content item", Value: "the reach it had"},
	EvFundsRaised:       {Doc: "money was raised through a payment service; the text names the payment record", Seen: "the service and the campaign's actor", Subject: "the payment", Value: "amount"},
	EvFundsTraced:       {Doc: "a payment was traced (trace) or frozen (freeze)", Seen: "the acting organisation", Org: "the acting organisation", Subject: "the payment", Value: "amount"},
	EvInfraChanged:      {Doc: "an infrastructure's level changed (a cascade, backup power, a trip, a repair, manual operation, islanding)", Seen: "its owner", Org: "the acting organisation, if any", Subject: "the infrastructure", Value: "its level, ‰"},
	EvPhysicalAttack:    {Doc: "a physical attack damaged an infrastructure (level 0 until repaired)", Seen: "everyone (public)", Subject: "the infrastructure"},
	EvInjectDelivered:   {Doc: "an inject (a message of the exercise) was delivered", Seen: "its receivers", Subject: "the inject"},
	EvObjectiveChanged:  {Doc: "an objective was met or failed", Seen: "controllers and evaluators", Subject: "the objective", Value: "1 met, 2 failed"},
	EvCaseOpened:        {Doc: "a prosecutor opened a case", Seen: "the prosecutor", Org: "the prosecutor", Subject: "the campaign", Value: "the case's strength"},
	EvStatement:         {Doc: "a public statement (a counter-narrative with campaign=)", Seen: "everyone (public)", Org: "the speaker", Subject: "the campaign, if any"},
	EvMessage:           {Doc: "a message between organisations, or the answer to a query", Seen: "the sender and the receiver", Org: "the sender", Subject: "the receiver (or the queried id)"},
	EvCampaignStarted:   {Doc: "a campaign started", Seen: "the campaign's actor", Subject: "the campaign"},
	EvLog:               {Doc: "a line the scenario's scripts logged (log, print), or an attack step's note", Seen: "controllers", Subject: "file:line of the script, or the campaign"},
	EvControl:           {Doc: "the answer to a controller's command (pause, resume, pace, inject, set_scripted...)", Seen: "controllers", Org: "control", Subject: "the command's target"},
	EvStoryStopped:      {Doc: "the story of a live exercise stopped on a script error; the exercise goes on without it", Seen: "controllers", Org: "control"},
}

// EventRefs lists every event kind's reference, sorted by kind.
func EventRefs() []EventRef {
	out := make([]EventRef, 0, len(EventKinds))
	for _, k := range EventKinds {
		r := eventRefs[k]
		r.Kind = k
		r.Fields = eventPayloads[k]
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// ChannelRef documents one channel a request travels by.
type ChannelRef struct {
	Name    string `json:"name"`
	Doc     string `json:"doc"`
	Delay   string `json:"delay"`   // where its delay comes from
	Hours   string `json:"hours"`   // when it answers
	Default string `json:"default"` // when it is the default channel
	Custody string `json:"custody"` // what a disclosure by it is worth in court
}

var channelRefs = map[Channel]ChannelRef{
	ChanDirect: {Doc: "an organisation asks another of its own country directly; only within one country",
		Delay: "the receiver's response_delay", Hours: "office hours (08:00–18:00 of the receiver)",
		Default: "to an organisation of the sender's jurisdiction (not a CSIRT)", Custody: "lawful (same country)"},
	ChanContactPoint: {Doc: "the 24/7 network of contact points (Budapest Convention art. 35) for fast preservation abroad; it joins two contact points, so a request to or from a jurisdiction with contact_point: none is refused (use mla)",
		Delay: "the receiving jurisdiction's channels.contact_point", Hours: "around the clock",
		Default: "a preservation request abroad (by mla when either jurisdiction has no contact point)", Custody: "informal (it preserves; disclosure needs MLA)"},
	ChanMLA: {Doc: "mutual legal assistance between states: formal, slow, sometimes never answered (answer_rate)",
		Delay: "the receiving jurisdiction's channels.mla", Hours: "office hours",
		Default: "a disclosure request abroad; a preservation request abroad when either jurisdiction has no 24/7 contact point", Custody: "lawful"},
	ChanPolice: {Doc: "police-to-police cooperation (Interpol-style): intelligence, not court evidence",
		Delay: "the receiving jurisdiction's channels.police", Hours: "office hours",
		Default: "takedown, sinkhole, block or assist requests abroad (not to a CSIRT)", Custody: "informal"},
	ChanCSIRT: {Doc: "CSIRT duty desks: technical cooperation between CSIRTs; only to a CSIRT (a company abroad is asked through its country's 24/7, MLA or police channel, or through its country's CSIRT)",
		Delay: "the receiver's response_delay", Hours: "around the clock",
		Default: "any request to a CSIRT", Custody: "informal"},
}

// ChannelRefs lists the channels in their declaration order.
func ChannelRefs() []ChannelRef {
	out := make([]ChannelRef, 0, len(channelNames))
	for i, n := range channelNames {
		r := channelRefs[Channel(i)]
		r.Name = n
		out = append(out, r)
	}
	return out
}

// KindRef documents one value of a kind: an organisation kind, an asset
// kind, a campaign kind, a request kind.
type KindRef struct {
	Of   string `json:"of"` // organisation, asset, campaign, request
	Name string `json:"name"`
	Doc  string `json:"doc"`
}

var kindRefs = map[string]map[string]string{
	"organisation": {
		"csirt":      "a national or sector CSIRT: investigates in its jurisdiction, shares indicators, sinkholes C2s of its country; answers requests around the clock",
		"police":     "police: investigates in its jurisdiction (lawful custody), asks abroad for preservation and disclosure, traces payments",
		"prosecutor": "a prosecutor: investigates in its jurisdiction, opens cases (prosecute) where the offence is a crime",
		"operator":   "an infrastructure operator (energy, water, health): owns SCADA and infrastructure; manual, island, restore; may scrub",
		"platform":   "an online platform: deletes or takes down content it hosts",
		"isp":        "an Internet service provider: acts on its customers' segments (contain, remediate, update), blocks C2s for its customers, scrubs DDoS, sinkholes C2s of its country",
		"registrar":  "a domain registrar: sinkholes C2 domains of its country",
		"ministry":   "a ministry or agency: owns websites and assets like any owner",
		"hosting":    "a hosting company: takes down servers it hosts, blocks, sinkholes in its country; holds C2 and exfiltration records",
		"payment":    "a payment service: freezes payments it holds; holds payment records",
		"fiu":        "a financial intelligence unit: traces payments whose records it holds; its lawful evidence counts in cases",
		"adversary":  "an attacker: acts through campaigns, not commands; never receives injects sent to all",
		"other":      "any other body: owns assets, sends and answers requests",
	},
	"asset": {
		"host": "a computer; generated hosts are hosts", "server": "a server", "website": "a website: defacement target",
		"dns": "a name server", "router": "a router", "scada": "a SCADA server: controls an infrastructure (trip)",
		"plc": "a programmable logic controller: controls an infrastructure (trip)", "substation": "a substation (as an asset)",
		"pipeline": "a pipeline (as an asset)", "database": "a database: exfiltration target", "c2": "a command-and-control server",
	},
	"campaign": {
		"botnet":     "recruits hosts over segments from a C2; tasks: ddos, spam, proxy",
		"intrusion":  "exploit, lateral movement, escalation, exfiltration, destruction, trips of controlled SCADA",
		"defacement": "defaces websites of its target jurisdictions, deface_per_tick a tick",
		"ddos":       "attack power from bots and rented capacity against a target's availability",
		"propaganda": "publishes content on platforms and raises funds through payment services",
		"physical":   "physical attacks on infrastructure",
	},
	"request": {
		"preserve": "keep an evidence item past its retention (no dual criminality needed)",
		"disclose": "hand over a copy of an evidence item (custody by channel)",
		"takedown": "take down a server or content the receiver hosts",
		"sinkhole": "sinkhole a C2 of the receiver's jurisdiction",
		"block":    "block a C2 for the receiver's customers, or freeze a payment it holds",
		"assist":   "investigate an asset in the receiver's jurisdiction and share what it finds (informal custody)",
	},
}

// KindLists are the valid values of each kind, from the engine's own
// lists (the order scenario-format.md gives).
func KindLists() map[string][]string {
	return map[string][]string{
		"organisation": OrgKindNames(),
		"asset":        AssetKindNames(),
		"campaign":     append([]string(nil), campaignKindNames[:]...),
		"request":      append([]string(nil), requestKindNames[:]...),
	}
}

// KindRefs lists every kind, grouped (organisation, asset, campaign,
// request), each group in the engine's order.
func KindRefs() []KindRef {
	var out []KindRef
	lists := KindLists()
	for _, of := range []string{"organisation", "asset", "campaign", "request"} {
		for _, n := range lists[of] {
			out = append(out, KindRef{Of: of, Name: n, Doc: kindRefs[of][n]})
		}
	}
	return out
}

// verbsEmitting lists the verbs whose reference names an event kind.
func VerbsEmitting(kind string) []string {
	var out []string
	for _, n := range VerbNames() {
		for _, k := range verbRefs[n].Emits {
			if k == kind {
				out = append(out, n)
			}
		}
	}
	return out
}

// referenceProblems lists entries missing from, or stale in, the tables
// above (reference_test.go).
func referenceProblems() []string {
	var out []string
	for _, n := range VerbNames() {
		r, ok := verbRefs[n]
		if !ok || r.Who == "" || r.Target == "" || r.Effects == "" || len(r.Emits) == 0 {
			out = append(out, "verb "+n+": no reference (who, target, effects, emits)")
		}
		for _, k := range r.Emits {
			if _, ok := eventRefs[k]; !ok {
				out = append(out, "verb "+n+": emits unknown kind "+k)
			}
		}
	}
	var stale []string
	// map-order: stale is sorted before it is returned.
	for n := range verbRefs {
		if _, ok := verbs[n]; !ok {
			stale = append(stale, "verbRefs: no verb "+n)
		}
	}
	for _, k := range EventKinds {
		if r, ok := eventRefs[k]; !ok || r.Doc == "" || r.Seen == "" {
			out = append(out, "event "+k+": no reference (doc, seen)")
		}
	}
	// map-order: stale is sorted before it is returned.
	for k := range eventRefs {
		found := false
		for _, x := range EventKinds {
			found = found || x == k
		}
		if !found {
			stale = append(stale, "eventRefs: no event kind "+k)
		}
	}
	for _, n := range MetricNames() {
		if metricUnits[n] == "" {
			out = append(out, "metric "+n+": no unit")
		}
	}
	// map-order: stale is sorted before it is returned.
	for n := range metricUnits {
		if MetricDoc(n) == "" {
			stale = append(stale, "metricUnits: no metric "+n)
		}
	}
	for i := range channelNames {
		if channelRefs[Channel(i)].Doc == "" {
			out = append(out, "channel "+channelNames[i]+": no reference")
		}
	}
	// map-order: what this loop finds goes to stale, sorted before it is returned.
	for of, names := range KindLists() {
		for _, n := range names {
			if kindRefs[of][n] == "" {
				stale = append(stale, of+" kind "+n+": no reference")
			}
		}
		if len(kindRefs[of]) != len(names) {
			stale = append(stale, of+" kinds: the reference names kinds the engine does not have")
		}
	}
	sort.Strings(stale)
	return append(out, stale...)
}

// ExplainTopics are the topics of `cyberex explain`.
var ExplainTopics = []string{"verbs", "metrics", "events", "channels", "kinds"}
