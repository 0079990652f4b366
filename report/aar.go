package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"cyberex/engine"
	"cyberex/scenario"
)

// Rating is an HSEEP performance rating.
type Rating string

// The four ratings of HSEEP, from best to worst, and none (the run stopped
// before the objective was judged).
const (
	RatingP    Rating = "P" // performed without challenges
	RatingS    Rating = "S" // performed with some challenges
	RatingM    Rating = "M" // performed with major challenges
	RatingU    Rating = "U" // unable to be performed
	RatingNone Rating = ""
)

// Meaning is the HSEEP wording of a rating.
func (r Rating) Meaning() string {
	switch r {
	case RatingP:
		return "performed without challenges"
	case RatingS:
		return "performed with some challenges"
	case RatingM:
		return "performed with major challenges"
	case RatingU:
		return "unable to be performed"
	}
	return "not rated (the run stopped before it was judged)"
}

func (r Rating) rank() int { return strings.Index("PSMU", string(r)) }

// AAR is the after-action report of one run: what the HTML shows.
type AAR struct {
	Run          *Run
	Title        string
	Description  string
	Objectives   []RatedObjective
	Capabilities []RatedCapability
	Strengths    []Finding
	Improvements []Finding
	Timings      []OrgTiming
	Expect       Expectations
	Notes        []Note
	// Branches are other runs compared with this one (what-if branches).
	Branches []*Run
	// Outcomes are distributions over seeds (sweeps, test runs), Shares
	// the objectives met in them.
	Outcomes []OutcomeGroup
	Shares   *OutcomeShares
}

// RatedObjective is an objective with its rating, why, and the events that
// show it.
type RatedObjective struct {
	Objective
	Rating   Rating
	Why      string
	ExpectBy int32 // the scenario's expected tick (its tests' "by"), -1 none
	Events   []engine.Event
	Injects  []string // injects planned to exercise it (MSEL objectives)
}

// RatedCapability is a capability, the objectives that test it and its
// rating: the worst of theirs.
type RatedCapability struct {
	Name       string
	Objectives []string
	Rating     Rating
}

// Finding is a strength or an area for improvement.
type Finding struct {
	Capability string
	Text       string
	Org        string // the organisation concerned, when one is
	Tick       int32  // when it showed, -1 none
}

// OrgTiming is how long an organisation took to detect, contain and
// notify, from the first attack event.
type OrgTiming struct {
	Org                     string
	Detect, Contain, Notify int32 // tick, -1 never
}

// Expectations are the times the scenario's tests expect, -1 where none.
type Expectations struct {
	Detect, Contain, Notify int32
}

// Build turns a collected run into an after-action report. s gives the
// scenario's expectations (its tests) and MSEL; notes are the evaluators'.
func Build(r *Run, s *scenario.Scenario, notes []Note) *AAR {
	a := &AAR{Run: r, Title: r.Scenario, Notes: notes}
	var spec *scenario.File
	if s != nil {
		spec = s.Spec
	}
	if spec != nil {
		a.Description = strings.TrimSpace(spec.Description)
	}
	objExpect := map[string]int32{}
	kindExpect := map[string]int32{}
	if s != nil {
		for _, t := range s.Tests {
			for _, e := range t.Expect {
				if e.By == nil {
					continue
				}
				if e.Objective != "" && (e.Status == "" || e.Status == "met") {
					objExpect[e.Objective] = minTick(objExpect, e.Objective, e.By.Ticks)
				}
				if e.Event != "" && (e.Happened == nil || *e.Happened) {
					kindExpect[e.Event] = minTick(kindExpect, e.Event, e.By.Ticks)
				}
			}
		}
	}
	injectsFor := map[string][]string{}
	if spec != nil {
		for _, in := range spec.Injects {
			for _, o := range in.Objectives {
				injectsFor[o] = append(injectsFor[o], in.ID)
			}
		}
	}
	for _, o := range r.Objectives {
		ro := RatedObjective{Objective: o, ExpectBy: -1, Injects: injectsFor[o.ID]}
		if t, ok := objExpect[o.ID]; ok {
			ro.ExpectBy = t
		}
		ro.Rating, ro.Why = rate(o, ro.ExpectBy, r)
		ro.Events = relatedEvents(r, o, injectsFor[o.ID])
		a.Objectives = append(a.Objectives, ro)
	}
	a.Capabilities = capabilities(a.Objectives)
	a.Expect = Expectations{
		Detect:  firstOf(kindExpect, engine.EvAssetDetected, engine.EvBotnetAlert),
		Contain: firstOf(kindExpect, engine.EvC2Disrupted, engine.EvC2Blocked, engine.EvAssetIsolated, engine.EvContentRemoved),
		Notify:  firstOf(kindExpect, engine.EvReportShared, engine.EvRequestSent),
	}
	a.Timings = timings(r)
	a.findings()
	return a
}

func minTick(m map[string]int32, k string, t int32) int32 {
	if v, ok := m[k]; ok && v < t {
		return v
	}
	return t
}

func firstOf(m map[string]int32, kinds ...string) int32 {
	best := int32(-1)
	for _, k := range kinds {
		if t, ok := m[k]; ok && (best < 0 || t < best) {
			best = t
		}
	}
	return best
}

// rate derives an objective's rating (docs/report.md#ratings):
//
//	met, by the time the scenario's tests expect (or none expected)  P
//	met, later than expected                                         S
//	failed, but its condition held at some time (late, or part of it) M
//	failed, and its condition never held (or held under half the time
//	for an always objective, or held half the time or more for a never
//	objective), or a script objective failed                           U
func rate(o Objective, expectBy int32, r *Run) (Rating, string) {
	switch o.Status {
	case "met":
		if expectBy >= 0 && o.Tick > expectBy {
			return RatingS, fmt.Sprintf("met at %s, later than the scenario expects (by %s)", r.When(o.Tick), r.When(expectBy))
		}
		if expectBy >= 0 {
			return RatingP, fmt.Sprintf("met at %s, within the expected %s", r.When(o.Tick), r.When(expectBy))
		}
		return RatingP, fmt.Sprintf("met at %s", r.When(o.Tick))
	case "failed":
		if o.Script || o.Metric == "" {
			return RatingU, fmt.Sprintf("failed at %s (judged by the scenario's script)", r.When(o.Tick))
		}
		share := int32(0)
		if o.JudgedTicks > 0 {
			share = o.HeldTicks * 100 / o.JudgedTicks
		}
		switch o.Mode {
		case "always":
			if share >= 50 {
				return RatingM, fmt.Sprintf("failed at %s; the condition held %d%% of the time judged", r.When(o.Tick), share)
			}
			return RatingU, fmt.Sprintf("failed at %s; the condition held only %d%% of the time judged", r.When(o.Tick), share)
		case "never":
			if share < 50 {
				return RatingM, fmt.Sprintf("failed at %s; what it forbids held %d%% of the time judged", r.When(o.Tick), share)
			}
			return RatingU, fmt.Sprintf("failed at %s; what it forbids held %d%% of the time judged", r.When(o.Tick), share)
		}
		if o.FirstHeld >= 0 {
			return RatingM, fmt.Sprintf("failed at %s; the condition (%s %s %d) held first at %s", r.When(o.Tick), o.Metric, o.Op, o.Value, r.When(o.FirstHeld))
		}
		return RatingU, fmt.Sprintf("failed at %s; the condition (%s %s %d) never held (%d at the end)", r.When(o.Tick), o.Metric, o.Op, o.Value, o.Final)
	}
	return RatingNone, "pending: the run stopped before it was judged"
}

// capabilities groups the objectives by the capabilities they declare; a
// capability's rating is the worst of its objectives' (it is performed
// without challenges only if everything that tests it was).
func capabilities(objs []RatedObjective) []RatedCapability {
	var out []RatedCapability
	at := map[string]int{}
	for _, o := range objs {
		caps := o.Capabilities
		if len(caps) == 0 {
			caps = []string{"(no capability declared)"}
		}
		for _, c := range caps {
			i, ok := at[c]
			if !ok {
				i = len(out)
				at[c] = i
				out = append(out, RatedCapability{Name: c})
			}
			rc := &out[i]
			rc.Objectives = append(rc.Objectives, o.ID)
			if o.Rating != RatingNone && (rc.Rating == RatingNone || o.Rating.rank() > rc.Rating.rank()) {
				rc.Rating = o.Rating
			}
		}
	}
	return out
}

// metricKinds are the events that move a built-in metric, for the list of
// events shown beside an objective.
var metricKinds = map[string][]string{
	"bots":                  {engine.EvC2Disrupted, engine.EvC2Blocked, engine.EvC2Moved, engine.EvBotnetAlert},
	"bots_ever":             {engine.EvC2Disrupted, engine.EvC2Blocked, engine.EvC2Moved},
	"c2_disrupted":          {engine.EvC2Disrupted, engine.EvC2Moved},
	"compromised":           {engine.EvAssetCompromised, engine.EvAssetRestored, engine.EvAssetIsolated},
	"defaced":               {engine.EvDefaced, engine.EvAssetRestored},
	"websites_hijacked":     {engine.EvDefaced},
	"websites_restored":     {engine.EvDefaced, engine.EvAssetRestored},
	"evidence_lost":         {engine.EvEvidenceLost, engine.EvEvidencePreserved},
	"evidence_preserved":    {engine.EvEvidencePreserved, engine.EvEvidenceLost},
	"evidence_lawful":       {engine.EvEvidenceObtained},
	"requests_sent":         {engine.EvRequestSent},
	"requests_answered":     {engine.EvRequestAnswered},
	"requests_refused":      {engine.EvRequestAnswered},
	"reports_shared":        {engine.EvReportShared},
	"reshare_refused":       {engine.EvReshareRefused},
	"reach":                 {engine.EvContentPublished, engine.EvContentRemoved, engine.EvStatement},
	"content_live":          {engine.EvContentPublished, engine.EvContentRemoved},
	"content_removed":       {engine.EvContentRemoved},
	"money_raised":          {engine.EvFundsRaised},
	"money_traced":          {engine.EvFundsTraced},
	"money_traced_permille": {engine.EvFundsTraced},
	"cases_opened":          {engine.EvCaseOpened},
	"case_strength":         {engine.EvCaseOpened, engine.EvEvidenceObtained},
	"priority_min":          {engine.EvInfraChanged, engine.EvPhysicalAttack},
	"priority_down_ticks":   {engine.EvInfraChanged, engine.EvPhysicalAttack},
	"infra_mean":            {engine.EvInfraChanged, engine.EvPhysicalAttack},
	"detections":            {engine.EvAssetDetected, engine.EvBotnetAlert},
}

// metricEvents narrows metricKinds by payload for the metrics that count
// only some events of a kind: a refusal among the answers, a lawful copy
// among the evidence obtained, a trace among traces and freezes, a
// detection that found something.
var metricEvents = map[string]func(e *engine.Event) bool{
	"requests_refused":      func(e *engine.Event) bool { return e.Field("status") == "refused" },
	"evidence_lawful":       func(e *engine.Event) bool { return e.Field("custody") == "lawful" },
	"money_traced":          func(e *engine.Event) bool { return e.Field("how") == "trace" },
	"money_traced_permille": func(e *engine.Event) bool { return e.Field("how") == "trace" },
	"detections":            func(e *engine.Event) bool { return found(*e) },
}

// relatedEventsMax bounds the events listed beside one objective.
const relatedEventsMax = 8

// relatedEvents picks the events that show how an objective went: its
// decision, and the events about what its metric reads (the item it names,
// or the kinds of event that move it), up to its decision, at most
// relatedEventsMax, the latest kept.
func relatedEvents(r *Run, o Objective, injects []string) []engine.Event {
	subject, kinds, counts := "", metricKinds[o.Metric], metricEvents[o.Metric]
	parts := strings.Split(o.Metric, ":")
	if len(parts) >= 2 {
		switch parts[0] {
		case "case":
			kinds = []string{engine.EvCaseOpened, engine.EvEvidenceObtained}
		case "request":
			subject = "req-" + parts[1]
		default:
			subject = parts[1]
		}
	}
	until := o.Tick
	if until < 0 {
		until = r.Ticks
	}
	var picked []engine.Event
	var decision *engine.Event
	for i := range r.Events {
		e := &r.Events[i]
		if e.Kind == engine.EvObjectiveChanged {
			if e.Subject == o.ID {
				decision = e
			}
			continue
		}
		if e.Tick > until || e.Kind == engine.EvLog || e.Kind == engine.EvCommandAccepted || e.Kind == engine.EvCommandStarted {
			continue
		}
		switch {
		case subject != "" && e.Subject == subject,
			slices.Contains(kinds, e.Kind) && (counts == nil || counts(e)),
			e.Kind == engine.EvInjectDelivered && slices.Contains(injects, e.Subject):
			picked = append(picked, *e)
		}
	}
	// The first event of each kind says when it began; the latest ones how
	// it ended.
	if len(picked) > relatedEventsMax-1 {
		first := map[string]bool{}
		var keep []engine.Event
		for _, e := range picked {
			if !first[e.Kind] && len(keep) < (relatedEventsMax-1)/2 {
				first[e.Kind] = true
				keep = append(keep, e)
			}
		}
		tail := picked[len(picked)-(relatedEventsMax-1-len(keep)):]
		for _, e := range tail {
			if !slices.ContainsFunc(keep, func(k engine.Event) bool {
				return k.Tick == e.Tick && k.Kind == e.Kind && k.Subject == e.Subject && k.Text == e.Text
			}) {
				keep = append(keep, e)
			}
		}
		sort.SliceStable(keep, func(i, j int) bool { return keep[i].Tick < keep[j].Tick })
		picked = keep
	}
	if decision != nil {
		picked = append(picked, *decision)
	}
	return picked
}

// containVerbs are the verbs that stop or undo an attack.
var containVerbs = []string{"contain", "deny", "sinkhole", "takedown", "remediate", "island", "manual", "delete", "freeze", "restore"}

// timings finds, for every organisation that is not an adversary, the
// first tick it detected something, completed an action that contains an
// attack, and told someone (shared a report, sent a request, made a
// statement).
func timings(r *Run) []OrgTiming {
	var out []OrgTiming
	for _, o := range r.Orgs {
		if o.Kind == "adversary" {
			continue
		}
		t := OrgTiming{Org: o.ID, Detect: -1, Contain: -1, Notify: -1}
		for _, e := range r.Events {
			if e.Org != o.ID {
				continue
			}
			switch e.Kind {
			case engine.EvAssetDetected, engine.EvBotnetAlert:
				if t.Detect < 0 && found(e) {
					t.Detect = e.Tick
				}
			case engine.EvCommandDone:
				if t.Contain < 0 && slices.Contains(containVerbs, e.Field("verb")) && e.Field("result") == "done" {
					t.Contain = e.Tick
				}
			case engine.EvReportShared, engine.EvRequestSent, engine.EvStatement:
				if t.Notify < 0 {
					t.Notify = e.Tick
				}
			}
		}
		if t.Detect >= 0 || t.Contain >= 0 || t.Notify >= 0 {
			out = append(out, t)
		}
	}
	return out
}

// found says a detection event found something: a botnet alert, a
// sensor's alert (it has no count), or an investigation or scan that
// counted compromised assets (Value; one that found none is no detection).
func found(e engine.Event) bool {
	return e.Kind == engine.EvBotnetAlert || e.Value > 0 || e.Field("by") == "sensor"
}

// findings lists strengths and areas for improvement from the ratings,
// the requests, the evidence and the rejected commands.
func (a *AAR) findings() {
	r := a.Run
	capOf := func(o RatedObjective) string {
		if len(o.Capabilities) > 0 {
			return strings.Join(o.Capabilities, ", ")
		}
		return ""
	}
	for _, o := range a.Objectives {
		f := Finding{Capability: capOf(o), Text: fmt.Sprintf("%s — %s: %s", o.ID, o.Description, o.Why), Tick: o.Tick}
		switch o.Rating {
		case RatingP:
			a.Strengths = append(a.Strengths, f)
		case RatingS, RatingM, RatingU:
			a.Improvements = append(a.Improvements, f)
		}
	}
	const forensics = "Forensics and Attribution"
	var preserved, lost []string
	for _, e := range r.Evidence {
		switch {
		case e.Lost >= 0:
			lost = append(lost, fmt.Sprintf("%s at %s (lost %s)", e.ID, e.Holder, r.When(e.Lost)))
		case e.Preserved >= 0:
			preserved = append(preserved, e.ID)
		}
	}
	if len(preserved) > 0 {
		a.Strengths = append(a.Strengths, Finding{Capability: forensics, Tick: -1,
			Text: fmt.Sprintf("%d evidence item(s) preserved before they expired: %s", len(preserved), listCut(preserved, 8))})
	}
	if len(lost) > 0 {
		a.Improvements = append(a.Improvements, Finding{Capability: forensics, Tick: -1,
			Text: fmt.Sprintf("%d evidence item(s) lost before anyone preserved or obtained them: %s", len(lost), listCut(lost, 8))})
	}
	const coord = "Operational Coordination"
	inTime, late := 0, 0
	for _, q := range r.Requests {
		from, to := orgAt(r, q.From), orgAt(r, q.To)
		what := fmt.Sprintf("req-%d %s → %s: %s %s (%s)", q.ID, from, to, q.Kind, q.Target, q.Channel)
		switch q.Status {
		case engine.ReqRefused:
			a.Improvements = append(a.Improvements, Finding{Capability: coord, Org: from, Tick: q.Answer,
				Text: fmt.Sprintf("%s refused at %s: %s", what, r.When(q.Answer), q.Reason)})
		case engine.ReqUnanswered:
			a.Improvements = append(a.Improvements, Finding{Capability: coord, Org: from, Tick: q.Sent,
				Text: fmt.Sprintf("%s never answered", what)})
		case engine.ReqPending:
		default:
			if q.Answer != engine.None && q.Answer > q.Due {
				late++
			} else {
				inTime++
			}
		}
	}
	if inTime > 0 {
		a.Strengths = append(a.Strengths, Finding{Capability: coord, Tick: -1,
			Text: fmt.Sprintf("%d request(s) answered within the time their channel takes", inTime)})
	}
	if late > 0 {
		a.Improvements = append(a.Improvements, Finding{Capability: coord, Tick: -1,
			Text: fmt.Sprintf("%d request(s) answered later than their channel's time", late)})
	}
	rejected := map[string]int{}
	var orgs []string
	for _, e := range r.Events {
		if e.Kind == engine.EvCommandRejected {
			if rejected[e.Org] == 0 {
				orgs = append(orgs, e.Org)
			}
			rejected[e.Org]++
		}
	}
	for _, o := range orgs {
		a.Improvements = append(a.Improvements, Finding{Org: o, Tick: -1,
			Text: fmt.Sprintf("%d command(s) of %s rejected by the engine (see the timeline)", rejected[o], o)})
	}
	for _, n := range a.Notes {
		switch n.Kind {
		case NoteStrength:
			a.Strengths = append(a.Strengths, Finding{Capability: n.Capability, Org: n.Org, Tick: n.Tick, Text: n.Text + " (" + n.Author + ")"})
		case NoteImprovement:
			a.Improvements = append(a.Improvements, Finding{Capability: n.Capability, Org: n.Org, Tick: n.Tick, Text: n.Text + " (" + n.Author + ")"})
		}
	}
}

func listCut(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func orgAt(r *Run, i int32) string {
	if i < 0 || int(i) >= len(r.Orgs) {
		return "?"
	}
	return r.Orgs[i].ID
}

// When is a tick on the exercise clock: elapsed time since the start
// ("+1d 03:15").
func (r *Run) When(t int32) string {
	if t < 0 {
		return "—"
	}
	s := int64(t) * int64(max(r.TickSeconds, 1))
	d, h, m := s/86400, s%86400/3600, s%3600/60
	return fmt.Sprintf("+%dd %02d:%02d", d, h, m)
}
