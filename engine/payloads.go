package engine

// Payload field types, as EventRef documents them. Every value travels as
// a string (JSON, Lua); these say how to read it.
const (
	tOrg      = "organisation id"
	tAsset    = "asset id"
	tTarget   = "asset or segment id"
	tSegment  = "segment id"
	tCampaign = "campaign id"
	tInfra    = "infrastructure id"
	tEvidence = "evidence id"
	tPayment  = "payment id"
	tContent  = "content id"
	tInt      = "integer"
	tTick     = "tick"
	tTicks    = "ticks"
	tPermille = "‰"
	tText     = "text"
	tOrgs     = "organisation ids, comma separated"
	tAssets   = "asset ids, comma separated"
)

func pf(name, typ, doc string) PayloadField { return PayloadField{Name: name, Type: typ, Doc: doc} }

func opt(name, typ, doc, when string) PayloadField {
	return PayloadField{Name: name, Type: typ, Doc: doc, When: when}
}

// eventPayloads is the payload each engine event kind carries
// (Event.Fields), field by field. The engine's emitters and this table are
// held together by TestEveryEventCarriesItsPayload (tests/), which runs
// every shipped scenario and checks each event's fields against it.
var eventPayloads = map[string][]PayloadField{
	EvCommandAccepted: {pf("verb", "verb", "the command's verb"), pf("ticks", tTicks, "how long it takes once started"),
		pf("staff", tInt, "staff it occupies"), pf("ahead", tInt, "actions waiting before it")},
	EvCommandRejected: {pf("verb", "verb", "the command's verb"), pf("reason", tText, "why it was refused")},
	EvCommandStarted:  {pf("verb", "verb", "the command's verb"), pf("waited", tTicks, "ticks it waited for staff")},
	EvCommandDone: {pf("verb", "verb", "the command's verb"), pf("result", "done | failed", "how it ended"),
		opt("reason", tText, "why it failed", "result is failed")},
	EvAssetCompromised: {pf("asset", tAsset, "the asset taken"), pf("campaign", tCampaign, "the campaign that holds it"),
		pf("how", "exploit | recruited", "an exploit (also lateral movement, a defacement, a native agent) or a botnet's spread")},
	EvAssetDetected: {pf("by", "sensor | investigation | scan", "what found it"),
		opt("asset", tAsset, "the asset the sensor alerted on", "by is sensor"),
		opt("campaign", tCampaign, "the campaign whose signature the alert shows (the organisation now holds its indicators)", "by is sensor"),
		opt("campaign_kind", "botnet | intrusion | defacement | ddos | propaganda | physical", "the kind of that campaign", "by is sensor"),
		opt("target", tTarget, "what was investigated or scanned", "by is investigation or scan"),
		opt("compromised", tInt, "assets found compromised (as Value)", "by is investigation or scan"),
		opt("vulnerable", tInt, "assets found vulnerable", "by is scan"),
		opt("c2s", tAssets, "the C2 servers the compromised hosts call home to", "by is investigation and some were found")},
	EvAssetRestored: {pf("target", tTarget, "the asset or segment"), pf("how", "restore | remediate | update", "the verb that did it"),
		pf("assets", tInt, "assets changed (as Value)")},
	EvAssetIsolated: {pf("target", tTarget, "the asset or segment"), pf("state", "isolated | reconnected", "contained or allowed back"),
		pf("owner", tOrg, "its owner"), pf("assets", tInt, "assets changed (as Value)")},
	EvAssetDestroyed: {pf("asset", tAsset, "the asset wiped"), pf("owner", tOrg, "its owner")},
	EvBotsRecruited: {pf("campaign", tCampaign, "the botnet"), pf("recruited", tInt, "hosts recruited this tick (as Value)"),
		pf("bots", tInt, "bots it holds now")},
	EvBotnetAlert: {pf("segment", tSegment, "the segment with bots"), opt("isp", tOrg, "the segment's ISP", "the segment has one"),
		pf("campaign", tCampaign, "the botnet whose traffic shows (the watchers now hold its indicators)"),
		opt("c2", tAsset, "the C2 the traffic calls (the watchers learn it)", "the botnet has a C2")},
	EvC2Disrupted: {pf("how", "takedown | sinkhole | lost", "taken down, sinkholed, or the botnet lost its last C2"),
		opt("c2", tAsset, "the server", "how is takedown or sinkhole"), opt("by", tOrg, "who did it", "how is takedown or sinkhole"),
		opt("campaign", tCampaign, "the botnet", "how is lost")},
	EvC2Blocked: {pf("c2", tAsset, "the C2 server"), pf("isp", tOrg, "the ISP whose customers no longer reach it")},
	EvC2Moved:   {pf("campaign", tCampaign, "the botnet"), pf("c2", tAsset, "the C2 it obeys now")},
	EvDefaced: {pf("asset", tAsset, "the website"), pf("campaign", tCampaign, "the campaign whose page it shows (public: the page names it)"),
		pf("owner", tOrg, "the website's owner")},
	EvDDoS: {pf("asset", tAsset, "the target"), pf("owner", tOrg, "its owner"), pf("availability", tPermille, "its availability (as Value)"),
		pf("power", tInt, "units of attack traffic aimed at it"), pf("state", "down | back", "below 500‰, or back above")},
	EvDDoSScrubbed: {pf("asset", tAsset, "the target"), pf("owner", tOrg, "its owner"), pf("by", tOrg, "the scrubbing organisation")},
	EvExfiltration: {pf("asset", tAsset, "the asset"), pf("campaign", tCampaign, "the campaign"), pf("records", tInt, "records stolen (as Value)")},
	EvLateral:      {pf("asset", tAsset, "the asset reached"), pf("campaign", tCampaign, "the campaign"), pf("segment", tSegment, "the asset's segment")},
	EvEvidenceCreated: {pf("evidence", tEvidence, "the item"), pf("kind", "evidence kind", "intrusion-logs, c2-records, payment-record…"),
		pf("holder", tOrg, "who holds it"), opt("asset", tAsset, "the asset it is about", "it is about an asset"),
		pf("retain", tTicks, "how long it is kept unless preserved"), pf("until", tTick, "the tick it is lost unless preserved")},
	EvEvidenceLost: {pf("evidence", tEvidence, "the item"), pf("kind", "evidence kind", "its kind"), pf("holder", tOrg, "who held it")},
	EvEvidencePreserved: {pf("evidence", tEvidence, "the item"), pf("kind", "evidence kind", "its kind"), pf("holder", tOrg, "who holds it"),
		pf("by", tOrg, "who preserved it (the holder, or the organisation whose request it answered)")},
	EvEvidenceObtained: {pf("evidence", tEvidence, "the item"), pf("kind", "evidence kind", "its kind"),
		pf("custody", "lawful | informal", "admissible, or intelligence only"), pf("holder", tOrg, "who holds the original")},
	EvRequestSent:     requestPayload,
	EvRequestAnswered: append(append([]PayloadField(nil), requestPayload...), pf("status", "accepted | refused | done | unanswered", "the request's status now"), opt("result", tText, "what was done", "carried out"), opt("reason", tText, "why it was refused", "refused")),
	EvReportShared: {pf("report", "rep-N", "the report"), pf("tlp", "CLEAR | GREEN | AMBER | AMBER+STRICT | RED", "its label"),
		opt("campaign", tCampaign, "the campaign it is about (its receivers now hold its indicators)", "it names one"),
		pf("to", tOrgs, "the receivers"), opt("title", tText, "its title", "it has one")},
	EvReshareRefused: {pf("report", "rep-N", "the report"), pf("tlp", "CLEAR | GREEN | AMBER | AMBER+STRICT | RED", "the original's label"),
		pf("to", tOrg, "the receiver the label forbids")},
	EvContentPublished: {pf("content", tContent, "the item"), pf("platform", tOrg, "where"), pf("offence", "offence", "what the material is"),
		pf("reach", tInt, "its initial reach (as Value)"), opt("records", tEvidence, "the uploader's account records at the platform: what to ask it to preserve", "records were left")},
	EvContentRemoved: {pf("content", tContent, "the item"), pf("platform", tOrg, "where"), pf("by", tOrg, "who removed it (as Org)"),
		pf("reach", tInt, "the reach it had (as Value)")},
	EvFundsRaised: {pf("payment", tPayment, "the payment"), pf("service", tOrg, "the payment service"), pf("amount", tInt, "amount (as Value)"),
		opt("records", tEvidence, "the payment record at the service: what to ask it to disclose", "records were left")},
	EvFundsTraced: {pf("payment", tPayment, "the payment"), pf("how", "trace | freeze", "traced to the campaign, or frozen"),
		pf("amount", tInt, "amount (as Value)"), pf("service", tOrg, "the payment service")},
	EvInfraChanged: {pf("infrastructure", tInfra, "the infrastructure"), pf("cause", "level | trip | restore", "its level moved (cascade, backup, manual, islanding, repair), a SCADA tripped it, or its owner ordered a restore"),
		opt("level", tPermille, "its level now (as Value)", "cause is level"), opt("was", tPermille, "its level before", "cause is level"),
		opt("scada", tAsset, "the SCADA or PLC that gave the commands", "cause is trip"),
		opt("ready", tTick, "the tick repairs are done", "cause is restore")},
	EvPhysicalAttack: {pf("infrastructure", tInfra, "the infrastructure"), pf("owner", tOrg, "its owner")},
	EvInjectDelivered: {pf("inject", "inject id", "the inject"), opt("from", tText, "who it says it is from", "it says"),
		opt("title", tText, "its subject line", "it has one")},
	EvObjectiveChanged: {pf("objective", "objective id", "the objective"), pf("status", "met | failed", "its status now")},
	EvCaseOpened: {pf("campaign", tCampaign, "the campaign prosecuted"), pf("prosecutor", tOrg, "who opened it (as Org)"),
		pf("strength", tInt, "the case's evidence strength when opened (as Value)")},
	EvStatement: {pf("speaker", tOrg, "who spoke (as Org)"), opt("campaign", tCampaign, "the campaign it counters", "campaign= was given")},
	EvMessage: {opt("message", "msg-N", "the message", "a message command"), opt("to", tOrg, "its receiver", "a message command"),
		opt("query", "id", "what was asked about; the text is the answer", "a query command")},
	EvCampaignStarted: {pf("campaign", tCampaign, "the campaign"), pf("kind", "botnet | intrusion | defacement | ddos | propaganda | physical", "its kind")},
	EvLog: {pf("source", "script | attack", "a script's line, or an attack step that did not happen"),
		opt("played_by", "script | people", "who plays the organisation now", "source is script and set_scripted changed it"),
		opt("campaign", tCampaign, "the step's campaign", "source is attack"), opt("action", "attack action", "the step's action", "source is attack"),
		opt("target", "id", "the step's target", "source is attack and it has one"), opt("reason", tText, "why it did not happen", "source is attack")},
	EvControl: {pf("verb", "control verb", "pause, resume, pace, advance, end, script, people or inject"),
		opt("target", "id", "the command's target (an organisation, an inject)", "it has one"),
		opt("played_by", "script | people", "who plays the organisation now", "verb is script or people")},
	EvStoryStopped: {pf("error", tText, "the script's error, with file, line and tick")},
}

// requestPayload is what every request event carries.
var requestPayload = []PayloadField{pf("request", "req-N", "the request"), pf("from", tOrg, "the sender"), pf("to", tOrg, "the receiver"),
	pf("kind", "request kind", "preserve, disclose, takedown…"), opt("target", "id", "what it is about", "it names one"),
	pf("channel", "channel", "how it travels"), opt("offence", "offence", "the offence it invokes", "it names one")}
