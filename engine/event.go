package engine

import "strconv"

// Event kinds. Scripts subscribe to them with on(kind, fn); the server
// forwards each to the organisations in Visible (fog of war).
const (
	EvCommandAccepted   = "command.accepted"
	EvCommandRejected   = "command.rejected"
	EvCommandStarted    = "command.started"
	EvCommandDone       = "command.done"
	EvAssetCompromised  = "asset.compromised"
	EvAssetDetected     = "asset.detected"
	EvAssetRestored     = "asset.restored"
	EvAssetIsolated     = "asset.isolated"
	EvAssetDestroyed    = "asset.destroyed"
	EvBotsRecruited     = "botnet.recruited"
	EvBotnetAlert       = "botnet.alert"
	EvC2Disrupted       = "botnet.c2_disrupted"
	EvC2Blocked         = "botnet.c2_blocked"
	EvC2Moved           = "botnet.c2_moved"
	EvDefaced           = "website.defaced"
	EvDDoS              = "ddos.impact"
	EvDDoSScrubbed      = "ddos.scrubbed"
	EvExfiltration      = "data.exfiltrated"
	EvLateral           = "intrusion.lateral"
	EvEvidenceCreated   = "evidence.created"
	EvEvidenceLost      = "evidence.lost"
	EvEvidencePreserved = "evidence.preserved"
	EvEvidenceObtained  = "evidence.obtained"
	EvRequestSent       = "request.sent"
	EvRequestAnswered   = "request.answered"
	EvReportShared      = "report.shared"
	EvReshareRefused    = "report.reshare_refused"
	EvContentPublished  = "content.published"
	EvContentRemoved    = "content.removed"
	EvFundsRaised       = "funds.raised"
	EvFundsTraced       = "funds.traced"
	EvInfraChanged      = "infra.changed"
	EvPhysicalAttack    = "physical.attack"
	EvInjectDelivered   = "inject.delivered"
	EvObjectiveChanged  = "objective.changed"
	EvCaseOpened        = "case.opened"
	EvStatement         = "statement.public"
	EvMessage           = "message"
	EvCampaignStarted   = "campaign.started"
	EvLog               = "log"
	// EvControl answers a controller's command (ControlOrg).
	EvControl = "control"
	// EvStoryStopped tells the controller that the story of a live
	// exercise failed and stopped (StopStory): its text is the script's
	// error, with file, line and tick.
	EvStoryStopped = "story.stopped"
)

// Event is something that happened in a tick. Visible lists the
// organisations that learn of it; controllers and evaluators see all.
type Event struct {
	Tick    int32   `json:"tick"`
	Kind    string  `json:"kind"`
	Org     string  `json:"org,omitempty"`     // who acted, if anyone
	Subject string  `json:"subject,omitempty"` // id of what it is about
	Text    string  `json:"text"`
	Value   int64   `json:"value,omitempty"`
	Command int64   `json:"command,omitempty"` // command id it answers
	Visible []int32 `json:"visible,omitempty"`
	Public  bool    `json:"public,omitempty"`
	// Fields are the kind's payload beyond Org, Subject and Value, named
	// as EventDocs lists them (ids canonical), so that a client or a
	// policy reads "the request's target" without parsing Text.
	Fields []Arg `json:"fields,omitempty"`
}

// Field returns the payload field k ("" when absent).
func (e *Event) Field(k string) string {
	for _, f := range e.Fields {
		if f.Key == k {
			return f.Value
		}
	}
	return ""
}

// fields builds a payload from key, value pairs. A pair with no value is
// left out: the kind's reference says when a field may be absent.
func fields(kv ...string) []Arg {
	out := make([]Arg, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, Arg{Key: kv[i], Value: kv[i+1]})
		}
	}
	return out
}

// VisibleTo says whether an organisation sees the event.
func (e *Event) VisibleTo(org int32) bool {
	if e.Public {
		return true
	}
	for _, v := range e.Visible {
		if v == org {
			return true
		}
	}
	return false
}

func (w *World) emit(e Event) {
	e.Tick = w.Tick
	w.events = append(w.events, e)
	if e.Public && e.Kind != EvStatement {
		w.recordNews(&w.events[len(w.events)-1])
	}
}

// Emit lets the scripting bridge add an event (a log line, a custom event).
func (w *World) Emit(e Event) { w.emit(e) }

func (w *World) orgID(i int32) string {
	if i < 0 || int(i) >= len(w.Orgs) {
		return ""
	}
	return w.Orgs[i].ID
}

func vis(orgs ...int32) []int32 {
	out := make([]int32, 0, len(orgs))
	for _, o := range orgs {
		if o == None {
			continue
		}
		dup := false
		for _, x := range out {
			if x == o {
				dup = true
			}
		}
		if !dup {
			out = append(out, o)
		}
	}
	return out
}

// EventKinds lists every event kind the engine emits, sorted, so loaders
// and scripts can check a kind named in a scenario.
var EventKinds = []string{
	EvAssetCompromised,
	EvAssetDestroyed,
	EvAssetDetected,
	EvAssetIsolated,
	EvAssetRestored,
	EvBotnetAlert,
	EvC2Blocked,
	EvC2Disrupted,
	EvC2Moved,
	EvBotsRecruited,
	EvCampaignStarted,
	EvCaseOpened,
	EvCommandAccepted,
	EvCommandDone,
	EvCommandRejected,
	EvCommandStarted,
	EvContentPublished,
	EvContentRemoved,
	EvControl,
	EvExfiltration,
	EvDDoS,
	EvDDoSScrubbed,
	EvEvidenceCreated,
	EvEvidenceLost,
	EvEvidenceObtained,
	EvEvidencePreserved,
	EvFundsRaised,
	EvFundsTraced,
	EvInfraChanged,
	EvInjectDelivered,
	EvLateral,
	EvLog,
	EvMessage,
	EvObjectiveChanged,
	EvPhysicalAttack,
	EvReshareRefused,
	EvReportShared,
	EvRequestAnswered,
	EvRequestSent,
	EvStatement,
	EvStoryStopped,
	EvDefaced,
}

// History bounds: the events of the last HistoryTicks ticks are kept, at
// most HistoryEventsMax of them (older ticks go first). A day of one-minute
// ticks covers a team that reconnects after a night.
const (
	HistoryTicks     = 1440
	HistoryEventsMax = 200_000
)

// history is the events of the last ticks, oldest first. It is derived
// from the run (each Step adds its events) and is not part of the state:
// a restored world starts with none, and a session rebuilds it by
// replaying its journal.
type history struct {
	// buf[start:] are the held ticks, oldest first; buf[:start] were
	// dropped (cleared) and are reused: when the array is full and at
	// least half of it is dropped, the held ticks move down to its front
	// instead of growing a new array. Each move copies the held ticks and
	// comes after at least as many ticks were added, so a tick costs O(1)
	// and, once the array is twice the history, allocates nothing (a
	// reallocation every few hundred ticks was most of the garbage of a
	// small world's run, and its collector's cost).
	buf   []histTick
	start int
	n     int // events held
}

type histTick struct {
	tick   int32
	events []Event
}

// held is the ticks the history holds, oldest first.
func (h *history) held() []histTick { return h.buf[h.start:] }

func (h *history) add(tick int32, evs []Event) {
	if len(h.buf) == cap(h.buf) && h.start > 0 && h.start >= len(h.buf)/2 {
		m := copy(h.buf, h.buf[h.start:])
		clear(h.buf[m:])
		h.buf, h.start = h.buf[:m], 0
	}
	h.buf = append(h.buf, histTick{tick: tick, events: evs})
	h.n += len(evs)
	drop := h.start
	for drop < len(h.buf)-1 && (tick-h.buf[drop].tick >= HistoryTicks || h.n > HistoryEventsMax) {
		h.n -= len(h.buf[drop].events)
		drop++
	}
	clear(h.buf[h.start:drop])
	h.start = drop
}

// EventsSince returns the events of the ticks after tick that org saw
// (every event for None, the controller), in order, and whether the
// history reaches back that far (false: the oldest are gone; a client then
// takes a whole View instead of catching up). The events are shared with
// the history: do not change them.
func (w *World) EventsSince(org int32, tick int32) ([]Event, bool) {
	held := w.hist.held()
	complete := tick >= w.Tick || len(held) > 0 && held[0].tick <= tick+1
	var out []Event
	for _, t := range held {
		if t.tick <= tick {
			continue
		}
		for i := range t.events {
			if org == None || t.events[i].VisibleTo(org) {
				out = append(out, t.events[i])
			}
		}
	}
	return out, complete
}

func itoa32(v int32) string { return strconv.Itoa(int(v)) }

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }

// assetIDOr is an asset's id, or "" for None.
func assetIDOr(w *World, a int32) string {
	if a < 0 || int(a) >= len(w.Assets) {
		return ""
	}
	return w.AssetID(a)
}

// campaignIDOr is a campaign's id, or "" for None.
func campaignIDOr(w *World, c int32) string {
	if c < 0 || int(c) >= len(w.Campaigns) {
		return ""
	}
	return w.Campaigns[c].ID
}
