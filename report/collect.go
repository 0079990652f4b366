// Package report builds the after-action report of an exercise (HSEEP
// AAR/IP structure) from its journal alone: it replays the journal,
// samples the figures the pictures need along the way, rates every
// objective and capability P/S/M/U, and writes one self-contained HTML
// file (inline CSS and SVG, nothing fetched when it is opened) that
// prints cleanly to PDF. docs/report.md says how each part is derived.
package report

import (
	"fmt"
	"slices"
	"strings"

	"cyberex/debrief"
	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
)

// Limits of what a report holds, so that a long or busy run makes a
// readable file of bounded size.
const (
	// SamplesMax bounds the points of one time series.
	SamplesMax = 480
	// EventsMax bounds the events kept from a run (the first ones).
	EventsMax = 200_000
)

// Run is what a replayed journal left for the report: the run's identity,
// its events, sampled figures and the final state of the things the
// report lists.
type Run struct {
	// Name labels the run in comparisons ("journal", a branch's name).
	Name        string
	Scenario    string
	Seed        uint64
	Engine      string
	CreatedBy   string
	Set         []string
	Ticks       int32
	Duration    int32 // the scenario's length in ticks
	TickSeconds int32
	StartUnix   int64
	// Complete: the journal has an end record (objectives judged at the
	// end are decided); Failed is the script error a failed run stopped
	// on.
	Complete  bool
	Failed    string
	FinalHash string

	Orgs       []Org
	Events     []engine.Event
	EventsCut  bool // more than EventsMax events: the later ones are left out
	Objectives []Objective
	// Series are figures over time: infrastructure levels, campaign
	// spread, evidence kept and lost.
	Series     []Series
	Requests   []engine.Request
	Reports    []engine.Report
	Evidence   []Evidence
	Campaigns  []Campaign
	Metrics    []engine.Metric
	Commands   []Command
	Injects    []engine.Inject
	Rejected   int // commands rejected during the run
	SampleStep int32
	// CutOf says this is the compared run itself stopped at a branch's
	// last tick (set beside a branch that ends early), not a branch.
	CutOf bool
}

// Org is an organisation of the exercise.
type Org struct {
	ID, Name, Kind, Jurisdiction string
	Scripted                     bool
}

// Objective is an objective, how it ended, and how its condition fared
// over the run (the input of its rating).
type Objective struct {
	ID, Description, Metric, Op, Mode string
	Value                             int64
	From, Deadline                    int32 // Deadline engine.None: the end
	Status                            string
	Tick                              int32 // decided at, -1 while pending
	Script                            bool
	// FirstHeld is the first tick from From on where the condition held,
	// -1 if never; HeldTicks of JudgedTicks ticks it held.
	FirstHeld    int32
	HeldTicks    int32
	JudgedTicks  int32
	Final        int64 // the metric at the end
	Capabilities []string
}

// Series is one figure sampled over the run.
type Series struct {
	Group string // "infra", "campaign", "evidence"
	Name  string
	Unit  string // "‰", "bots", "reach", "items"
	Ticks []int32
	Vals  []int64
}

// Evidence is one evidence item and what became of it.
type Evidence struct {
	ID, Kind, Holder, Campaign string
	Created, Retain            int32
	Preserved                  int32 // tick, or -1
	Lost                       int32 // tick, or -1
	Obtained                   []Obtained
}

// Obtained is a copy of an evidence item someone obtained.
type Obtained struct {
	Org    string
	Tick   int32
	Lawful bool
}

// Campaign is an attack campaign of the run.
type Campaign struct {
	ID, Kind, Actor, Offence, Technique string
	C2                                  string // its command-and-control asset, "" none
	Start, Stopped                      int32
	Techniques                          []string // every ATT&CK id its steps name, sorted
}

// Command is a command given during the run: a person's (from the
// journal) or a scripted team's (Scripted).
type Command struct {
	engine.Command
	Scripted bool
}

// Collect replays a journal against its scenario and gathers what the
// report needs. A journal that does not replay (a hash differs) is an
// error: its report would describe another run.
func Collect(s *scenario.Scenario, j *journal.Journal, name string) (*Run, error) {
	r := &Run{Name: name, Scenario: j.Header.Scenario, Seed: j.Header.Seed, Engine: j.Header.Engine,
		CreatedBy: j.Header.CreatedBy, Set: j.Header.Set}
	c := collector{run: r}
	for _, cmd := range j.Commands {
		r.Commands = append(r.Commands, Command{Command: cmd})
	}
	res, err := headless.ReplayWith(s, j, headless.ReplayOptions{
		OnEvents:  c.events,
		AfterStep: c.after,
	})
	if err != nil {
		return nil, err
	}
	if res.Mismatch != nil {
		m := res.Mismatch
		return nil, fmt.Errorf("the journal does not replay: %s differs at tick %d (journal %s, replay %s)", m.Kind, m.Tick, m.Journal, m.Replay)
	}
	r.Complete, r.FinalHash, r.Ticks = res.Complete, res.FinalHash, res.Ticks
	if res.Failed != nil {
		r.Failed = res.Failed.Error
	}
	c.final(res.World, s)
	for _, cmd := range c.log.Scripted {
		r.Commands = append(r.Commands, Command{Command: cmd, Scripted: true})
	}
	slices.SortStableFunc(r.Commands, func(a, b Command) int { return int(a.Tick - b.Tick) })
	return r, nil
}

type collector struct {
	run     *Run
	step    int32
	started bool
	log     debrief.CommandLog
	held    []objHeld
}

type objHeld struct{ first, held, judged int32 }

func (c *collector) events(evs []engine.Event) {
	r := c.run
	for _, e := range evs {
		if e.Kind == engine.EvCommandRejected {
			r.Rejected++
		}
		if len(r.Events) >= EventsMax {
			r.EventsCut = true
			continue
		}
		r.Events = append(r.Events, e)
	}
}

func (c *collector) start(w *engine.World) {
	r := c.run
	c.started = true
	r.Duration = w.Settings.DurationTicks
	r.TickSeconds, r.StartUnix = w.Settings.TickSeconds, w.Settings.StartUnix
	c.step = max(1, (r.Duration+SamplesMax-1)/SamplesMax)
	r.SampleStep = c.step
	for _, o := range w.Orgs {
		j := ""
		if o.Jurisdiction >= 0 && int(o.Jurisdiction) < len(w.Jurisdictions) {
			j = w.Jurisdictions[o.Jurisdiction].ID
		}
		r.Orgs = append(r.Orgs, Org{ID: o.ID, Name: o.Name, Kind: o.Kind.String(), Jurisdiction: j, Scripted: o.Scripted})
	}
	for _, inf := range w.Infras {
		r.Series = append(r.Series, Series{Group: "infra", Name: inf.ID, Unit: "‰"})
	}
	for _, o := range w.Objectives {
		if strings.HasPrefix(o.Metric, "asset:") && strings.HasSuffix(o.Metric, ":availability") {
			r.Series = append(r.Series, Series{Group: "infra", Name: strings.TrimSuffix(o.Metric, ":availability"), Unit: "‰"})
		}
	}
	for _, cp := range w.Campaigns {
		unit := "assets"
		switch cp.Kind {
		case engine.CampBotnet:
			unit = "bots"
		case engine.CampPropaganda:
			unit = "reach"
		case engine.CampDefacement:
			unit = "defaced"
		}
		r.Series = append(r.Series, Series{Group: "campaign", Name: cp.ID, Unit: unit})
	}
	r.Series = append(r.Series, Series{Group: "evidence", Name: "kept", Unit: "items"},
		Series{Group: "evidence", Name: "lost", Unit: "items"})
	c.held = make([]objHeld, len(w.Objectives))
	for i := range c.held {
		c.held[i].first = -1
	}
}

// after samples the world after a Step (and after Finish).
func (c *collector) after(w *engine.World) {
	if !c.started {
		c.start(w)
	}
	c.log.AfterStep(w)
	for i, o := range w.Objectives {
		if o.Script || o.Metric == "" || w.Tick < o.From {
			continue
		}
		if o.Deadline != engine.None && w.Tick > o.Deadline && o.Mode != "by" && o.Mode != "" {
			continue
		}
		v, err := w.Metric(o.Metric)
		if err != nil {
			continue
		}
		h := &c.held[i]
		h.judged++
		if engine.Holds(v, o.Op, o.Value) {
			h.held++
			if h.first < 0 {
				h.first = w.Tick
			}
		}
	}
	if w.Tick%c.step != 0 && !w.Ended && !c.infraMoved(w) {
		return
	}
	c.sample(w)
}

// infraMoved says an infrastructure level changed since the last sample:
// levels move in steps (a substation trips, a backup runs out) that a
// regular sample would blur, so every change is sampled too, up to
// 4×SamplesMax points.
func (c *collector) infraMoved(w *engine.World) bool {
	r := c.run
	for i := range r.Series {
		s := &r.Series[i]
		if s.Group != "infra" {
			continue
		}
		if len(s.Ticks) >= 4*SamplesMax {
			return false
		}
		ii, ok := w.InfraIndex(s.Name)
		if ok && len(s.Vals) > 0 && int64(w.Infras[ii].Level) != s.Vals[len(s.Vals)-1] {
			return true
		}
	}
	return false
}

func (c *collector) sample(w *engine.World) {
	r := c.run
	if n := len(r.Series); n > 0 && len(r.Series[0].Ticks) > 0 && r.Series[0].Ticks[len(r.Series[0].Ticks)-1] == w.Tick {
		return // Finish after the last Step: the same tick
	}
	for i := range r.Series {
		s := &r.Series[i]
		var v int64
		switch s.Group {
		case "infra":
			if ii, ok := w.InfraIndex(s.Name); ok {
				v = int64(w.Infras[ii].Level)
			} else if x, err := w.Metric(s.Name + ":availability"); err == nil {
				v = x
			}
		case "campaign":
			v = campaignSize(w, s.Name)
		case "evidence":
			kept, lost := int64(0), int64(0)
			// Kept: it still counts in court (held lawfully by someone, or
			// preserved where it lies); lost: gone before anyone kept it.
			for _, e := range w.Evidence {
				switch {
				case slices.Contains(e.ObtainedCustody, engine.CustodyLawful) || e.Preserved && !e.Lost:
					kept++
				case e.Lost:
					lost++
				}
			}
			if s.Name == "kept" {
				v = kept
			} else {
				v = lost
			}
		}
		s.Ticks = append(s.Ticks, w.Tick)
		s.Vals = append(s.Vals, v)
	}
}

func campaignSize(w *engine.World, id string) int64 {
	ci, ok := w.CampaignIndex(id)
	if !ok {
		return 0
	}
	cp := &w.Campaigns[ci]
	switch cp.Kind {
	case engine.CampBotnet:
		return cp.Bots
	case engine.CampPropaganda:
		n := int64(0)
		for _, ct := range w.Contents {
			if ct.Campaign == ci && ct.Removed == engine.None {
				n += ct.Reach
			}
		}
		return n
	}
	n := int64(0)
	for i := range w.Assets {
		a := &w.Assets[i]
		if a.Controller == ci || cp.Kind == engine.CampDefacement && a.Flags&engine.FlagDefaced != 0 {
			n++
		}
	}
	return n
}

func (c *collector) final(w *engine.World, s *scenario.Scenario) {
	r := c.run
	if !c.started {
		c.start(w)
		c.sample(w)
	}
	caps := map[string][]string{}
	if s.Spec != nil {
		for _, o := range s.Spec.Objectives {
			caps[o.ID] = o.Capabilities
		}
	}
	for i, o := range w.Objectives {
		ob := Objective{ID: o.ID, Description: o.Description, Metric: o.Metric, Op: o.Op, Mode: o.Mode,
			Value: o.Value, From: o.From, Deadline: o.Deadline, Status: o.Status.String(), Tick: o.Tick,
			Script: o.Script, FirstHeld: c.held[i].first, HeldTicks: c.held[i].held, JudgedTicks: c.held[i].judged,
			Capabilities: caps[o.ID]}
		if o.Status == engine.ObjPending {
			ob.Tick = -1
		}
		if ob.Mode == "" {
			ob.Mode = "by"
		}
		if o.Metric != "" {
			ob.Final, _ = w.Metric(o.Metric)
		}
		r.Objectives = append(r.Objectives, ob)
	}
	r.Requests = slices.Clone(w.Requests)
	r.Reports = slices.Clone(w.Reports)
	r.Injects = slices.Clone(w.Injects)
	r.Metrics = w.Metrics()
	preserved := map[string]int32{}
	for _, e := range r.Events {
		if e.Kind == engine.EvEvidencePreserved {
			if _, ok := preserved[e.Subject]; !ok {
				preserved[e.Subject] = e.Tick
			}
		}
	}
	for _, e := range w.Evidence {
		ev := Evidence{ID: e.ID, Kind: e.Kind, Holder: orgID(w, e.Holder), Campaign: campaignID(w, e.Campaign),
			Created: e.Created, Retain: e.RetainTicks, Preserved: -1, Lost: -1}
		if e.Preserved {
			ev.Preserved = 0
			if t, ok := preserved[e.ID]; ok {
				ev.Preserved = t
			}
		}
		if e.Lost {
			ev.Lost = e.LostTick
		}
		for k, o := range e.ObtainedBy {
			ev.Obtained = append(ev.Obtained, Obtained{Org: orgID(w, o), Tick: e.ObtainedTick[k], Lawful: e.ObtainedCustody[k] == engine.CustodyLawful})
		}
		r.Evidence = append(r.Evidence, ev)
	}
	for ci, cp := range w.Campaigns {
		camp := Campaign{ID: cp.ID, Kind: cp.Kind.String(), Actor: orgID(w, cp.Actor), Offence: cp.Offence,
			Technique: cp.Technique, Start: cp.Start, Stopped: cp.Stopped}
		if cp.C2 != engine.None {
			camp.C2 = w.AssetID(cp.C2)
		}
		set := map[string]bool{}
		if cp.Technique != "" {
			set[cp.Technique] = true
		}
		for _, st := range w.Steps {
			if st.Campaign == int32(ci) && st.Technique != "" {
				set[st.Technique] = true
			}
		}
		for t := range set {
			camp.Techniques = append(camp.Techniques, t)
		}
		slices.Sort(camp.Techniques)
		r.Campaigns = append(r.Campaigns, camp)
	}
}

func orgID(w *engine.World, i int32) string {
	if i < 0 || int(i) >= len(w.Orgs) {
		return ""
	}
	return w.Orgs[i].ID
}

func campaignID(w *engine.World, i int32) string {
	if i < 0 || int(i) >= len(w.Campaigns) {
		return ""
	}
	return w.Campaigns[i].ID
}
