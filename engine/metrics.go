package engine

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Built-in metrics, computed on demand from the state. Objectives, reports
// and `run --json` read them by name.
var builtinMetrics = map[string]struct {
	doc string
	f   func(w *World) int64
}{
	"tick":        {"the current tick", func(w *World) int64 { return int64(w.Tick) }},
	"bots":        {"hosts controlled by botnets now", func(w *World) int64 { return w.sumCampaign(func(c *Campaign) int64 { return c.Bots }, CampBotnet) }},
	"bots_ever":   {"hosts ever recruited", func(w *World) int64 { return w.sumCampaign(func(c *Campaign) int64 { return c.BotsEver }, CampBotnet) }},
	"compromised": {"assets controlled by any campaign now", func(w *World) int64 { return w.countAssets(func(a *Asset) bool { return a.Controller != None }) }},
	"compromised_permille": {"share of all assets compromised now, ‰", func(w *World) int64 {
		if len(w.Assets) == 0 {
			return 0
		}
		return w.countAssets(func(a *Asset) bool { return a.Controller != None }) * 1000 / int64(len(w.Assets))
	}},
	"defaced":           {"websites defaced now", func(w *World) int64 { return w.countAssets(func(a *Asset) bool { return a.Flags&FlagDefaced != 0 }) }},
	"websites_hijacked": {"websites defaced since the start", func(w *World) int64 { return w.Counters.WebsitesHijacked }},
	"websites_restored": {"defaced websites restored", func(w *World) int64 { return w.Counters.WebsitesRestored }},
	"hosts_cleaned":     {"infected hosts cleaned", func(w *World) int64 { return w.Counters.HostsCleaned }},
	"spam":              {"junk messages sent by bots", func(w *World) int64 { return w.sumCampaign(func(c *Campaign) int64 { return c.Spam }, CampBotnet) }},
	"exfiltrated":       {"records stolen", func(w *World) int64 { return w.sumCampaign(func(c *Campaign) int64 { return c.Exfiltrated }, 255) }},
	"c2_disrupted": {"campaigns whose C2 was disrupted", func(w *World) int64 {
		return w.sumCampaign(func(c *Campaign) int64 { return b2i(c.Stopped != None) }, 255)
	}},
	"evidence_lost":      {"evidence items lost", func(w *World) int64 { return w.Counters.EvidenceLost }},
	"evidence_preserved": {"evidence items preserved", func(w *World) int64 { return w.Counters.EvidencePreserved }},
	"evidence_lawful": {"evidence items held lawfully by someone", func(w *World) int64 {
		n := int64(0)
		for i := range w.Evidence {
			for _, c := range w.Evidence[i].ObtainedCustody {
				if c == CustodyLawful {
					n++
					break
				}
			}
		}
		return n
	}},
	"requests_sent":     {"requests sent", func(w *World) int64 { return w.Counters.RequestsSent }},
	"requests_answered": {"requests answered", func(w *World) int64 { return w.Counters.RequestsAnswered }},
	"requests_refused":  {"requests refused", func(w *World) int64 { return w.Counters.RequestsRefused }},
	"reports_shared":    {"reports shared", func(w *World) int64 { return w.Counters.ReportsShared }},
	"reshare_refused":   {"re-shares refused by TLP", func(w *World) int64 { return w.Counters.ReshareRefused }},
	"reach": {"audience reached by all published content", func(w *World) int64 {
		n := int64(0)
		for _, c := range w.Contents {
			n = addSat(n, c.Reach)
		}
		return n
	}},
	"content_live": {"content items still online", func(w *World) int64 {
		n := int64(0)
		for _, c := range w.Contents {
			n += b2i(c.Removed == None)
		}
		return n
	}},
	"content_removed": {"content items taken down", func(w *World) int64 { return w.Counters.ContentRemoved }},
	"money_raised":    {"funds raised", func(w *World) int64 { return w.Counters.MoneyRaised }},
	"money_traced":    {"funds traced", func(w *World) int64 { return w.Counters.MoneyTraced }},
	"money_frozen":    {"funds frozen", func(w *World) int64 { return w.Counters.MoneyFrozen }},
	"money_traced_permille": {"share of funds traced, ‰", func(w *World) int64 {
		if w.Counters.MoneyRaised == 0 {
			return 0
		}
		t, r := w.Counters.MoneyTraced, w.Counters.MoneyRaised
		if t > math.MaxInt64/1000 { // big sums: scale both down rather than overflow
			return t / (r / 1000)
		}
		return t * 1000 / r
	}},
	"cases_opened": {"cases opened", func(w *World) int64 { return int64(len(w.Cases)) }},
	"case_strength": {"the strongest case's evidence weight", func(w *World) int64 {
		var m int32
		for _, k := range w.Cases {
			m = max32(m, k.Strength)
		}
		return int64(m)
	}},
	"priority_min": {"lowest level of priority infrastructure, ‰", func(w *World) int64 {
		m := int64(1000)
		for _, f := range w.Infras {
			if f.Priority && int64(f.Level) < m {
				m = int64(f.Level)
			}
		}
		return m
	}},
	"priority_down_ticks": {"ticks × priority sites below 500‰", func(w *World) int64 { return w.Counters.PriorityDownTicks }},
	"infra_mean": {"mean level of all infrastructure, ‰", func(w *World) int64 {
		if len(w.Infras) == 0 {
			return 1000
		}
		s := int64(0)
		for _, f := range w.Infras {
			s += int64(f.Level)
		}
		return s / int64(len(w.Infras))
	}},
	"detections":        {"compromises and botnets detected", func(w *World) int64 { return w.Counters.Detections }},
	"physical_attacks":  {"physical attacks", func(w *World) int64 { return w.Counters.PhysicalAttacks }},
	"commands_done":     {"commands completed", func(w *World) int64 { return w.Counters.CommandsDone }},
	"commands_rejected": {"commands rejected", func(w *World) int64 { return w.Counters.CommandsRejected }},
	"injects_delivered": {"injects delivered", func(w *World) int64 { return w.Counters.InjectsDelivered }},
	"queued_actions": {"actions waiting for staff", func(w *World) int64 {
		n := int64(0)
		for _, a := range w.Actions {
			n += b2i(a.Start == None)
		}
		return n
	}},
}

// Parametrised metrics: "kind:id[:field]".
var paramMetrics = []struct{ pattern, doc string }{
	{"infra:ID", "an infrastructure's level, ‰"},
	{"asset:ID:availability", "an asset's availability, ‰ (also :integrity, :compromised 0/1)"},
	{"campaign:ID:bots", "a campaign's bots (also :disrupted 0/1, :exfiltrated, :defaced, :spam)"},
	{"campaign:ID:goals", "a native adversary's goal assets held with administrative privilege (also :actions, :successes, :cost: its actions taken, those that succeeded, and their summed cost)"},
	{"case:JURISDICTION", "strength of the strongest case opened in a jurisdiction (case:JURISDICTION:CAMPAIGN for one campaign)"},
	{"evidence:ID:lawful", "1 when someone holds the item lawfully (also :lost, :preserved)"},
	{"content:ID:reach", "one content item's reach (also :removed 0/1)"},
	{"request:N:answered", "1 when req-N is answered (also :done)"},
	{"objective:ID", "0 pending, 1 met, 2 failed"},
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (w *World) sumCampaign(f func(c *Campaign) int64, kind CampaignKind) int64 {
	n := int64(0)
	for i := range w.Campaigns {
		if kind == 255 || w.Campaigns[i].Kind == kind {
			n += f(&w.Campaigns[i])
		}
	}
	return n
}

func (w *World) countAssets(f func(a *Asset) bool) int64 {
	n := int64(0)
	for i := range w.Assets {
		if f(&w.Assets[i]) {
			n++
		}
	}
	return n
}

// MetricNames lists built-in metric names, sorted, and the parametrised forms.
func MetricNames() []string {
	out := make([]string, 0, len(builtinMetrics))
	// map-order: the names are sorted below before they are returned.
	for k := range builtinMetrics {
		out = append(out, k)
	}
	sort.Strings(out)
	for _, p := range paramMetrics {
		out = append(out, p.pattern)
	}
	return out
}

// MetricDoc describes a metric name from MetricNames.
func MetricDoc(name string) string {
	if m, ok := builtinMetrics[name]; ok {
		return m.doc
	}
	for _, p := range paramMetrics {
		if p.pattern == name {
			return p.doc
		}
	}
	return ""
}

// Metric reads a figure by name.
func (w *World) Metric(name string) (int64, error) {
	// Script metrics (the only custom ones; no built-in name starts so)
	// first: an objective on one is read every tick, and Custom is
	// sorted (SetMetric keeps it so, Restore refuses it otherwise), so
	// this costs no map lookup.
	if strings.HasPrefix(name, "script.") {
		if i, ok := w.customIndex("", name); ok {
			return w.Custom[i].Value, nil
		}
	}
	if m, ok := builtinMetrics[name]; ok {
		return m.f(w), nil
	}
	if i, ok := w.customIndex("", name); ok {
		return w.Custom[i].Value, nil
	}
	parts := strings.Split(name, ":")
	field := func(def string) string {
		if len(parts) > 2 {
			return parts[2]
		}
		return def
	}
	if len(parts) >= 2 && len(parts) <= 3 {
		id := parts[1]
		switch parts[0] {
		case "infra":
			if i, ok := w.InfraIndex(id); ok && len(parts) == 2 {
				return int64(w.Infras[i].Level), nil
			}
		case "asset":
			if i, ok := w.AssetIndex(id); ok {
				a := &w.Assets[i]
				switch field("availability") {
				case "availability":
					return int64(a.Availability), nil
				case "integrity":
					return int64(a.Integrity), nil
				case "compromised":
					return b2i(a.Controller != None), nil
				}
			}
		case "campaign":
			if i, ok := w.CampaignIndex(id); ok {
				c := &w.Campaigns[i]
				switch field("bots") {
				case "bots":
					return c.Bots, nil
				case "disrupted":
					return b2i(c.Stopped != None || (c.C2 != None && !w.c2Reachable(c))), nil
				case "exfiltrated":
					return c.Exfiltrated, nil
				case "defaced":
					return c.Defaced, nil
				case "spam":
					return c.Spam, nil
				case "goals":
					return w.agentGoals(i), nil
				case "actions", "successes", "cost":
					var a Agent
					if c.Agent != nil {
						a = *c.Agent
					}
					switch field("") {
					case "actions":
						return a.Actions, nil
					case "successes":
						return a.Successes, nil
					}
					return a.Cost, nil
				}
			}
		case "case":
			if j, ok := w.JurisdictionIndex(id); ok {
				camp := None
				if len(parts) == 3 {
					ci, ok := w.CampaignIndex(parts[2])
					if !ok {
						break
					}
					camp = ci
				}
				var m int32
				for _, k := range w.Cases {
					if w.Orgs[k.Prosecutor].Jurisdiction == j && (camp == None || k.Campaign == camp) {
						m = max32(m, k.Strength)
					}
				}
				return int64(m), nil
			}
		case "evidence":
			if i, ok := w.EvidenceIndex(id); ok {
				e := &w.Evidence[i]
				switch field("lawful") {
				case "lawful":
					for _, c := range e.ObtainedCustody {
						if c == CustodyLawful {
							return 1, nil
						}
					}
					return 0, nil
				case "lost":
					return b2i(e.Lost), nil
				case "preserved":
					return b2i(e.Preserved), nil
				}
			}
		case "content":
			if i, ok := w.ContentIndex(id); ok {
				c := &w.Contents[i]
				switch field("reach") {
				case "reach":
					return c.Reach, nil
				case "removed":
					return b2i(c.Removed != None), nil
				}
			}
		case "request":
			var n int
			if _, err := fmt.Sscanf(id, "%d", &n); err == nil && n >= 1 && n <= len(w.Requests) {
				r := &w.Requests[n-1]
				switch field("answered") {
				case "answered":
					return b2i(r.Status == ReqDone || r.Status == ReqRefused), nil
				case "done":
					return b2i(r.Status == ReqDone), nil
				}
			}
			return 0, nil // a request not sent yet is not answered
		case "objective":
			if i, ok := w.ObjectiveIndex(id); ok && len(parts) == 2 {
				return int64(w.Objectives[i].Status), nil
			}
		}
	}
	return 0, fmt.Errorf("unknown metric %q", name)
}

// CheckMetricName says whether a metric name can ever be read in this
// world (script metrics excepted: they appear when first set). Content
// and evidence created at run time are accepted by their prefix.
func (w *World) CheckMetricName(name string) error {
	if _, err := w.Metric(name); err == nil {
		return nil
	}
	parts := strings.Split(name, ":")
	if len(parts) >= 2 && (parts[0] == "evidence" || parts[0] == "content" || parts[0] == "request") {
		return nil
	}
	if len(parts) == 1 && strings.HasPrefix(name, "script.") {
		return nil
	}
	return fmt.Errorf("unknown metric %q", name)
}

// Metrics returns the built-in figures and script metrics, sorted by name.
func (w *World) Metrics() []Metric {
	names := make([]string, 0, len(builtinMetrics))
	// map-order: the names are sorted below; values are read in that order.
	for k := range builtinMetrics {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]Metric, 0, len(names)+len(w.Custom))
	for _, n := range names {
		out = append(out, Metric{Name: n, Value: builtinMetrics[n].f(w)})
	}
	out = append(out, w.Custom...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ---- objectives ----

// ObjectiveOps are the comparisons an objective may use.
var ObjectiveOps = []string{"<", "<=", "==", "!=", ">=", ">"}

// ObjectiveModes are the ways an objective is judged over time.
var ObjectiveModes = []string{"by", "always", "end", "never"}

// Holds says whether an objective's condition "v op x" holds, as the
// engine judges it (the after-action report follows it tick by tick).
func Holds(v int64, op string, x int64) bool { return compare(v, op, x) }

func compare(v int64, op string, x int64) bool {
	switch op {
	case "<":
		return v < x
	case "<=":
		return v <= x
	case "==":
		return v == x
	case "!=":
		return v != x
	case ">=":
		return v >= x
	case ">":
		return v > x
	}
	return false
}

func (w *World) evaluateObjectives(final bool) {
	for i := range w.Objectives {
		o := &w.Objectives[i]
		if o.Status != ObjPending {
			continue
		}
		if o.Script {
			// The story decides; what it left undecided at the deadline failed.
			if (o.Deadline != None && w.Tick >= o.Deadline) || final {
				w.SetObjective(int32(i), ObjFailed)
			}
			continue
		}
		if w.Tick < o.From && !final {
			continue
		}
		atDeadline := (o.Deadline != None && w.Tick >= o.Deadline) || final
		if o.Mode == "end" && !atDeadline {
			continue // judged once: no need to read a metric that may count every asset
		}
		v, err := w.Metric(o.Metric)
		if err != nil && (!atDeadline || o.Mode == "always") {
			continue // metric not there yet (content not published): not holding
		}
		holds := err == nil && compare(v, o.Op, o.Value)
		switch o.Mode {
		case "by", "":
			if holds {
				w.SetObjective(int32(i), ObjMet)
			} else if atDeadline {
				w.SetObjective(int32(i), ObjFailed)
			}
		case "always":
			if !holds {
				w.SetObjective(int32(i), ObjFailed)
			} else if atDeadline {
				w.SetObjective(int32(i), ObjMet)
			}
		case "never":
			if holds {
				w.SetObjective(int32(i), ObjFailed)
			} else if atDeadline {
				w.SetObjective(int32(i), ObjMet)
			}
		case "end":
			if atDeadline {
				if holds {
					w.SetObjective(int32(i), ObjMet)
				} else {
					w.SetObjective(int32(i), ObjFailed)
				}
			}
		}
	}
}

// SetObjective decides an objective (used by the engine and by scripts).
func (w *World) SetObjective(i int32, s ObjectiveStatus) {
	o := &w.Objectives[i]
	if o.Status == s {
		return
	}
	o.Status = s
	o.Tick = w.Tick
	w.emit(Event{Kind: EvObjectiveChanged, Subject: o.ID, Value: int64(s), Text: fmt.Sprintf("objective %s %s at tick %d", o.ID, s, w.Tick),
		Fields: fields("objective", o.ID, "status", s.String())})
}

// Finish judges the objectives that wait for the end of the exercise.
// Runners call it once after the last Step. A run stopped before the
// scenario's end (its duration or end condition: `run --ticks`) leaves
// them pending: "always keep the grid up" is not met by the first hour,
// nor "restored by day 2" failed at hour one.
func (w *World) Finish() []Event {
	w.events = w.events[:0]
	if w.Ended || w.Settings.DurationTicks <= 0 {
		w.evaluateObjectives(true)
	}
	w.Ended = true
	if w.EndTick == None {
		w.EndTick = w.Tick
	}
	return append([]Event(nil), w.events...)
}
