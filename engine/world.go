// Package engine is the deterministic simulation core of cyberex.
//
// A World is a pure state machine: Step applies one tick's commands and
// returns the tick's events. It does no I/O, starts no goroutine, reads no
// clock, and never lets map iteration order reach the state; all randomness
// comes from generators owned by the world and seeded from one seed. The
// same scenario, seed and commands give the same state hash at every tick
// on every machine, which is what replays, regression tests and a server
// that resumes after a crash rely on.
package engine

import (
	"fmt"
	"strings"
)

// Version names the engine's rules. It goes into journals: a journal
// recorded under other rules cannot be expected to replay to the same hash.
const Version = "0.5.0"

// Settings are the scenario-wide knobs.
type Settings struct {
	// TickSeconds is how much exercise time one tick stands for.
	TickSeconds int32 `json:"tick_seconds"`
	// DurationTicks is where a run ends when no end condition comes first.
	DurationTicks int32 `json:"duration_ticks"`
	// StartUnix is the exercise clock at tick 0 (seconds since 1970, UTC).
	StartUnix int64 `json:"start_unix"`
	// EndWhenDecided ends the run once every objective is met or failed.
	EndWhenDecided bool `json:"end_when_decided"`
	// Verbs overrides the default duration and staff of commands.
	Verbs []VerbSpec `json:"verbs,omitempty"`
	// ReachCap bounds one item's audience so that growth cannot overflow.
	ReachCap int64 `json:"reach_cap"`
}

// DefaultSettings are used where a scenario is silent.
func DefaultSettings() Settings {
	return Settings{TickSeconds: 60, DurationTicks: 1440, ReachCap: 1_000_000_000}
}

// NamedAsset gives a planner's id to one asset; generated hosts have none.
type NamedAsset struct {
	Index int32  `json:"index"`
	ID    string `json:"id"`
}

// Metric is a figure a script set (built-in figures are computed).
type Metric struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// Case is a prosecution opened in a jurisdiction against a campaign.
type Case struct {
	Prosecutor int32 `json:"prosecutor"`
	Campaign   int32 `json:"campaign"`
	Opened     int32 `json:"opened"`
	Strength   int32 `json:"strength"`
}

// World is the whole state of one exercise.
type World struct {
	Seed     uint64
	Tick     int32
	Settings Settings

	Jurisdictions []Jurisdiction
	Agreements    []Agreement
	Orgs          []Org
	Segments      []Segment
	Links         []Link
	Vulns         []Vuln
	Services      []string
	Assets        []Asset
	AssetNames    []NamedAsset // sorted by Index
	Infras        []Infra
	Evidence      []Evidence
	Requests      []Request
	Reports       []Report
	Contents      []Content
	Payments      []Payment
	Campaigns     []Campaign
	Steps         []AttackStep
	Injects       []Inject
	Objectives    []Objective
	Actions       []Action
	Cases         []Case
	Messages      []Message
	Custom        []Metric // sorted by Name
	Counters      Counters

	NextCommandID int64
	Ended         bool
	EndTick       int32

	rng [streamCount]pcg

	// Director runs the scenario's story (Lua) once per tick. It is not part
	// of the state hash: scripts change the world only through the API, so
	// their effects are in the hash.
	Director Director
	// StoryErrors says what an error of the Director does to Step: fail
	// the run (the default) or stop the story. Not part of the state: the
	// journal's header records it (a live session).
	StoryErrors StoryPolicy

	storyStop *StoryStop
	idx       index
	events    []Event
	late      []Event // emitted after the Director in the last Step
	hist      history // the last ticks' events, for EventsSince
	sc        scratch
	infraPrev []Permille
	// gen counts the changes of hosts outside the counts' own upkeep
	// (touched); agc caches each agent's footholds per segment at a gen.
	gen uint64
	agc []agentCache
	// decayNext is the first tick an evidence item may expire (derived:
	// rebuilt with the index, lowered by every new item); decayFrom is an
	// index in Evidence before which every item is lost or preserved (for
	// good: neither is ever undone), so decay's pass starts there.
	decayNext int64
	decayFrom int
}

// Director is the scenario's story, called by Step after the engine's own
// mechanisms so it sees the tick's events and can react to them.
//
// An error fails the run. Step prefixes it with "tick N: " unless it
// names its tick itself (it has a method NamesTick() bool that returns
// true), as the script host's errors do ("story.lua:12: tick 40: ...").
type Director interface {
	Tick(w *World) error
}

// Counters are running totals kept for metrics and reports.
type Counters struct {
	EvidenceLost      int64 `json:"evidence_lost"`
	EvidencePreserved int64 `json:"evidence_preserved"`
	RequestsSent      int64 `json:"requests_sent"`
	RequestsAnswered  int64 `json:"requests_answered"`
	RequestsRefused   int64 `json:"requests_refused"`
	ReshareRefused    int64 `json:"reshare_refused"`
	ReportsShared     int64 `json:"reports_shared"`
	CommandsRejected  int64 `json:"commands_rejected"`
	CommandsDone      int64 `json:"commands_done"`
	WebsitesHijacked  int64 `json:"websites_hijacked"`
	WebsitesRestored  int64 `json:"websites_restored"`
	HostsCleaned      int64 `json:"hosts_cleaned"`
	MoneyRaised       int64 `json:"money_raised"`
	MoneyTraced       int64 `json:"money_traced"`
	MoneyFrozen       int64 `json:"money_frozen"`
	ContentRemoved    int64 `json:"content_removed"`
	InjectsDelivered  int64 `json:"injects_delivered"`
	Detections        int64 `json:"detections"`
	PhysicalAttacks   int64 `json:"physical_attacks"`
	PriorityDownTicks int64 `json:"priority_down_ticks"`
}

// Init checks cross references, builds lookup tables and seeds the
// generators. A loader calls it once after filling the slices.
func (w *World) Init(seed uint64) error {
	w.Seed = seed
	for i := range w.rng {
		w.rng[i] = newStream(seed, uint64(i))
	}
	if w.Settings.TickSeconds <= 0 {
		w.Settings.TickSeconds = 60
	}
	if w.Settings.ReachCap <= 0 {
		w.Settings.ReachCap = DefaultSettings().ReachCap
	}
	if len(w.Vulns) > 64 {
		return fmt.Errorf("init: %d vulnerabilities, at most 64", len(w.Vulns))
	}
	if len(w.Services) > 32 {
		return fmt.Errorf("init: %d services, at most 32", len(w.Services))
	}
	for i := range w.Campaigns {
		if a := w.Campaigns[i].Agent; a != nil && a.Discovered == nil {
			w.InitAgent(a)
		}
	}
	if err := w.checkRefs(); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	w.EndTick = None
	return w.rebuildIndex()
}

// checkRefs guards Step against indexes out of range: a loader bug must be
// an error here, not a panic in the middle of a live exercise.
func (w *World) checkRefs() error {
	nj, no, ns, na, ni, nc := int32(len(w.Jurisdictions)), int32(len(w.Orgs)), int32(len(w.Segments)), int32(len(w.Assets)), int32(len(w.Infras)), int32(len(w.Campaigns))
	in := func(v, n int32, none bool) bool { return (none && v == None) || (v >= 0 && v < n) }
	for i, o := range w.Orgs {
		if !in(o.Jurisdiction, nj, false) {
			return fmt.Errorf("org %s: jurisdiction index %d out of range", o.ID, o.Jurisdiction)
		}
		for _, c := range o.Clients {
			if !in(c, no, false) {
				return fmt.Errorf("org %d: client out of range", i)
			}
		}
	}
	for _, s := range w.Segments {
		if !in(s.Owner, no, false) || !in(s.Jurisdiction, nj, false) || !in(s.ISP, no, true) {
			return fmt.Errorf("segment %s: reference out of range", s.ID)
		}
		if s.First < 0 || s.Count < 0 || int64(s.First)+int64(s.Count) > int64(na) {
			return fmt.Errorf("segment %s: assets %d..%d out of range", s.ID, s.First, s.First+s.Count)
		}
	}
	for _, l := range w.Links {
		if !in(l.A, ns, false) || !in(l.B, ns, false) {
			return fmt.Errorf("link: segment out of range")
		}
	}
	for _, a := range w.Agreements {
		if !in(a.A, nj, false) || !in(a.B, nj, false) {
			return fmt.Errorf("agreement: jurisdiction out of range")
		}
	}
	for i, a := range w.Assets {
		if !in(a.Segment, ns, false) || !in(a.Owner, no, false) || !in(a.Controller, nc, true) || !in(a.Infra, ni, true) {
			return fmt.Errorf("asset %d: reference out of range", i)
		}
	}
	// Segments partition the assets: spreading counts and visits a
	// segment's hosts as its range, so each asset must lie in the range of
	// the segment it names (which also rules out overlaps), and the ranges
	// must cover every asset.
	covered := int64(0)
	for si, s := range w.Segments {
		for a := s.First; a < s.First+s.Count; a++ {
			if w.Assets[a].Segment != int32(si) {
				return fmt.Errorf("segment %s: asset %d lies in its range but names segment %d", s.ID, a, w.Assets[a].Segment)
			}
		}
		covered += int64(s.Count)
	}
	if covered != int64(na) {
		return fmt.Errorf("segments cover %d of %d assets: every asset must lie in its segment's range", covered, na)
	}
	for _, f := range w.Infras {
		if !in(f.Owner, no, false) {
			return fmt.Errorf("infra %s: owner out of range", f.ID)
		}
		for _, d := range f.DependsOn {
			if !in(d.Infra, ni, true) || !in(d.Asset, na, true) || (d.Infra == None) == (d.Asset == None) {
				return fmt.Errorf("infra %s: dependency must name exactly one infra or asset", f.ID)
			}
		}
	}
	for _, e := range w.Evidence {
		if !in(e.Holder, no, false) || !in(e.Asset, na, true) || !in(e.Campaign, nc, true) {
			return fmt.Errorf("evidence %s: reference out of range", e.ID)
		}
	}
	for _, c := range w.Campaigns {
		if !in(c.Actor, no, true) || !in(c.C2, na, true) || !in(c.TaskTarget, na, true) {
			return fmt.Errorf("campaign %s: reference out of range", c.ID)
		}
		for _, x := range c.Exploits {
			if x.Vuln < 0 || int(x.Vuln) >= len(w.Vulns) {
				return fmt.Errorf("campaign %s: exploit vulnerability out of range", c.ID)
			}
		}
		for _, t := range c.Targets {
			if !in(t, nj, false) {
				return fmt.Errorf("campaign %s: target jurisdiction out of range", c.ID)
			}
		}
		if c.Agent != nil {
			if err := w.checkAgent(&c); err != nil {
				return err
			}
		}
	}
	for _, c := range w.Contents {
		if !in(c.Platform, no, false) || !in(c.Campaign, nc, true) {
			return fmt.Errorf("content %s: reference out of range", c.ID)
		}
	}
	for _, p := range w.Payments {
		if !in(p.Service, no, false) || !in(p.Campaign, nc, true) {
			return fmt.Errorf("payment %s: reference out of range", p.ID)
		}
	}
	for _, inj := range w.Injects {
		for _, t := range inj.To {
			if !in(t, no, false) {
				return fmt.Errorf("inject %s: recipient out of range", inj.ID)
			}
		}
	}
	for _, s := range w.Steps {
		if !in(s.Campaign, nc, false) {
			return fmt.Errorf("step %d: campaign out of range", s.Tick)
		}
	}
	return nil
}

// Clock returns the exercise time of the current tick in seconds since 1970.
func (w *World) Clock() int64 {
	return w.Settings.StartUnix + int64(w.Tick)*int64(w.Settings.TickSeconds)
}

// OrgIndex finds an organisation by id.
func (w *World) OrgIndex(id string) (int32, bool) { i, ok := w.idx.org[id]; return i, ok }

// AssetIndex finds an asset by id (named, or generated Prefix-N).
func (w *World) AssetIndex(id string) (int32, bool) { return w.idx.asset(w, id) }

// AssetID names an asset.
func (w *World) AssetID(i int32) string { return w.idx.assetID(w, i) }

// SegmentIndex finds a segment by id.
func (w *World) SegmentIndex(id string) (int32, bool) { i, ok := w.idx.segment[id]; return i, ok }

// JurisdictionIndex finds a jurisdiction by id.
func (w *World) JurisdictionIndex(id string) (int32, bool) { i, ok := w.idx.jur[id]; return i, ok }

// CampaignIndex finds a campaign by id.
func (w *World) CampaignIndex(id string) (int32, bool) { i, ok := w.idx.campaign[id]; return i, ok }

// InfraIndex finds an infrastructure by id.
func (w *World) InfraIndex(id string) (int32, bool) { i, ok := w.idx.infra[id]; return i, ok }

// EvidenceIndex finds an evidence item by id.
func (w *World) EvidenceIndex(id string) (int32, bool) { i, ok := w.idx.evidence[id]; return i, ok }

// ContentIndex finds published content by id.
func (w *World) ContentIndex(id string) (int32, bool) { i, ok := w.idx.content[id]; return i, ok }

// PaymentIndex finds a payment by id.
func (w *World) PaymentIndex(id string) (int32, bool) { i, ok := w.idx.payment[id]; return i, ok }

// VulnIndex finds a vulnerability class by id.
func (w *World) VulnIndex(id string) (int32, bool) { i, ok := w.idx.vuln[id]; return i, ok }

// ObjectiveIndex finds an objective by id.
func (w *World) ObjectiveIndex(id string) (int32, bool) { i, ok := w.idx.objective[id]; return i, ok }

// InjectIndex finds an inject by id.
func (w *World) InjectIndex(id string) (int32, bool) { i, ok := w.idx.inject[id]; return i, ok }

// IsCrime says whether an offence is a crime in a jurisdiction.
func (w *World) IsCrime(jur int32, offence string) bool {
	if offence == "" {
		return true
	}
	for _, c := range w.Jurisdictions[jur].Crimes {
		if c == offence {
			return true
		}
	}
	return false
}

// SetMetric sets a script-defined figure, keeping Custom sorted by name.
func (w *World) SetMetric(name string, v int64) {
	i, ok := w.customIndex("", name)
	if ok {
		w.Custom[i].Value = v
		return
	}
	w.Custom = append(w.Custom, Metric{})
	copy(w.Custom[i+1:], w.Custom[i:])
	w.Custom[i] = Metric{Name: name, Value: v}
}

// UpdateMetric sets the script metric prefix+name to v if it is set
// already, and says whether it was: a story sets most of its figures
// every tick, and this finds one without building its name.
func (w *World) UpdateMetric(prefix, name string, v int64) bool {
	i, ok := w.customIndex(prefix, name)
	if ok {
		w.Custom[i].Value = v
	}
	return ok
}

// customIndex finds the script metric named prefix+name in Custom (sorted
// by name), or where it would go. The name is compared in its two parts,
// so that a caller holding them need not join them.
func (w *World) customIndex(prefix, name string) (int, bool) {
	lo, hi := 0, len(w.Custom)
	for lo < hi {
		m := (lo + hi) / 2
		if compareJoined(w.Custom[m].Name, prefix, name) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(w.Custom) && compareJoined(w.Custom[lo].Name, prefix, name) == 0
}

// compareJoined compares s with prefix+name as strings.Compare would.
func compareJoined(s, prefix, name string) int {
	n := min(len(s), len(prefix))
	if c := strings.Compare(s[:n], prefix[:n]); c != 0 {
		return c
	}
	if n < len(prefix) {
		return -1 // s is a part of the prefix: shorter, so before
	}
	return strings.Compare(s[len(prefix):], name)
}

// TickEvents returns the events emitted so far in the current tick.
func (w *World) TickEvents() []Event { return w.events }
