package engine

import (
	"fmt"
	"slices"
	"sort"
)

// Changes are the changes of one section of a View: items to insert or
// replace (by Key), and keys to remove. A nil *Changes is no change.
type Changes[T any] struct {
	Upsert []T      `json:"upsert,omitempty"`
	Remove []string `json:"remove,omitempty"`
}

// ViewDelta is what changed in one organisation's view between two ticks
// (From, exclusive, to Tick), with the events it saw in between. A client
// that holds the view at From applies it (View.Apply) to hold the view at
// Tick, exactly.
type ViewDelta struct {
	Org   string `json:"org"`
	From  int32  `json:"from"`
	Tick  int32  `json:"tick"`
	Clock int64  `json:"clock"`
	Ended bool   `json:"ended"`
	// Self is the organisation's new state when it changed.
	Self *SelfView `json:"self,omitempty"`

	Directory     *Changes[OrgCard]          `json:"directory,omitempty"`
	Jurisdictions *Changes[JurisdictionCard] `json:"jurisdictions,omitempty"`
	Queue         *Changes[ActionView]       `json:"queue,omitempty"`
	Assets        *Changes[AssetView]        `json:"assets,omitempty"`
	Segments      *Changes[SegmentView]      `json:"segments,omitempty"`
	Infras        *Changes[InfraView]        `json:"infras,omitempty"`
	Evidence      *Changes[EvidenceView]     `json:"evidence,omitempty"`
	Requests      *Changes[RequestView]      `json:"requests,omitempty"`
	Reports       *Changes[ReportView]       `json:"reports,omitempty"`
	Indicators    *Changes[IndicatorView]    `json:"indicators,omitempty"`
	Learned       *Changes[FactView]         `json:"learned,omitempty"`
	Cases         *Changes[CaseView]         `json:"cases,omitempty"`
	Injects       *Changes[InjectView]       `json:"injects,omitempty"`
	Messages      *Changes[MessageView]      `json:"messages,omitempty"`
	Contents      *Changes[ContentView]      `json:"contents,omitempty"`
	Payments      *Changes[PaymentView]      `json:"payments,omitempty"`
	Campaigns     *Changes[CampaignView]     `json:"campaigns,omitempty"`
	Objectives    *Changes[ObjectiveView]    `json:"objectives,omitempty"`

	// Events are the events of ticks From+1..Tick the organisation saw
	// (every event in the controller's delta), in order. Complete is false
	// when the world's history no longer reaches back to From+1: the
	// sections are still exact, the events are the ones kept.
	Events   []Event `json:"events"`
	Complete bool    `json:"complete"`
}

// item is what every section's element provides.
type item interface {
	Key() string
	Rank() int64
}

// diffSection compares two versions of a section. Upserts come in the new
// version's order, removals in the old one's: no map order reaches them.
func diffSection[T item](old, cur []T, eq func(a, b *T) bool) *Changes[T] {
	at := make(map[string]int, len(old))
	for i := range old {
		at[old[i].Key()] = i
	}
	var c Changes[T]
	keep := make(map[string]bool, len(cur))
	for i := range cur {
		k := cur[i].Key()
		keep[k] = true
		if j, ok := at[k]; ok && eq(&old[j], &cur[i]) {
			continue
		}
		c.Upsert = append(c.Upsert, cur[i])
	}
	for i := range old {
		if k := old[i].Key(); !keep[k] {
			c.Remove = append(c.Remove, k)
		}
	}
	if len(c.Upsert) == 0 && len(c.Remove) == 0 {
		return nil
	}
	return &c
}

// applySection applies changes to a section and restores its order.
func applySection[T item](s []T, c *Changes[T]) []T {
	if c == nil {
		return s
	}
	if len(c.Remove) > 0 {
		gone := make(map[string]bool, len(c.Remove))
		for _, k := range c.Remove {
			gone[k] = true
		}
		s = slices.DeleteFunc(s, func(x T) bool { return gone[x.Key()] })
	}
	at := make(map[string]int, len(s))
	for i := range s {
		at[s[i].Key()] = i
	}
	for _, u := range c.Upsert {
		if i, ok := at[u.Key()]; ok {
			s[i] = u
			continue
		}
		at[u.Key()] = len(s)
		s = append(s, u)
	}
	sort.SliceStable(s, func(i, j int) bool { return s[i].Rank() < s[j].Rank() })
	return s
}

func same[T comparable](a, b *T) bool { return *a == *b }

func sameJurisdiction(a, b *JurisdictionCard) bool {
	return a.JurisdictionCore == b.JurisdictionCore && slices.Equal(a.Crimes, b.Crimes)
}

func sameAction(a, b *ActionView) bool {
	return a.ActionCore == b.ActionCore && slices.Equal(a.Args, b.Args)
}

func sameAsset(a, b *AssetView) bool {
	return a.AssetCore == b.AssetCore && slices.Equal(a.Vulns, b.Vulns) && slices.Equal(a.Services, b.Services)
}

func sameSegment(a, b *SegmentView) bool {
	return a.SegmentCore == b.SegmentCore && slices.Equal(a.Alerts, b.Alerts)
}

func sameEvidence(a, b *EvidenceView) bool {
	return a.EvidenceCore == b.EvidenceCore && slices.Equal(a.Copies, b.Copies)
}

func sameReport(a, b *ReportView) bool {
	return a.ReportCore == b.ReportCore && slices.Equal(a.To, b.To)
}

func sameInject(a, b *InjectView) bool {
	return a.InjectCore == b.InjectCore && slices.Equal(a.To, b.To)
}

func sameMessage(a, b *MessageView) bool {
	return a.MessageCore == b.MessageCore && slices.Equal(a.To, b.To)
}

func sameSelf(a, b *SelfView) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.SelfCore == b.SelfCore && slices.Equal(a.Clients, b.Clients)
}

// Diff is the delta that takes view a to view b (two views of the same
// organisation), without events: UpdateView adds those.
func Diff(a, b *View) *ViewDelta {
	d := diff(a, b)
	d.Assets = diffSection(a.Assets, b.Assets, sameAsset)
	return d
}

// diff compares every section but the assets.
func diff(a, b *View) *ViewDelta {
	d := &ViewDelta{Org: b.Org, From: a.Tick, Tick: b.Tick, Clock: b.Clock, Ended: b.Ended, Complete: true}
	if !sameSelf(a.Self, b.Self) {
		d.Self = b.Self
	}
	d.Directory = diffSection(a.Directory, b.Directory, same[OrgCard])
	d.Jurisdictions = diffSection(a.Jurisdictions, b.Jurisdictions, sameJurisdiction)
	d.Queue = diffSection(a.Queue, b.Queue, sameAction)
	d.Segments = diffSection(a.Segments, b.Segments, sameSegment)
	d.Infras = diffSection(a.Infras, b.Infras, same[InfraView])
	d.Evidence = diffSection(a.Evidence, b.Evidence, sameEvidence)
	d.Requests = diffSection(a.Requests, b.Requests, same[RequestView])
	d.Reports = diffSection(a.Reports, b.Reports, sameReport)
	d.Indicators = diffSection(a.Indicators, b.Indicators, same[IndicatorView])
	d.Learned = diffSection(a.Learned, b.Learned, same[FactView])
	d.Cases = diffSection(a.Cases, b.Cases, same[CaseView])
	d.Injects = diffSection(a.Injects, b.Injects, sameInject)
	d.Messages = diffSection(a.Messages, b.Messages, sameMessage)
	d.Contents = diffSection(a.Contents, b.Contents, same[ContentView])
	d.Payments = diffSection(a.Payments, b.Payments, same[PaymentView])
	d.Campaigns = diffSection(a.Campaigns, b.Campaigns, same[CampaignView])
	d.Objectives = diffSection(a.Objectives, b.Objectives, same[ObjectiveView])
	return d
}

// Apply brings the view forward by a delta computed from it (d.From must
// be the view's tick, and d.Org its organisation).
func (v *View) Apply(d *ViewDelta) error {
	if d.Org != v.Org {
		return fmt.Errorf("apply: a delta of %q to the view of %q", d.Org, v.Org)
	}
	if d.From != v.Tick {
		return fmt.Errorf("apply: a delta from tick %d to a view at tick %d", d.From, v.Tick)
	}
	v.Tick, v.Clock, v.Ended = d.Tick, d.Clock, d.Ended
	if d.Self != nil {
		v.Self = d.Self
	}
	v.Directory = applySection(v.Directory, d.Directory)
	v.Jurisdictions = applySection(v.Jurisdictions, d.Jurisdictions)
	v.Queue = applySection(v.Queue, d.Queue)
	v.Assets = applySection(v.Assets, d.Assets)
	v.Segments = applySection(v.Segments, d.Segments)
	v.Infras = applySection(v.Infras, d.Infras)
	v.Evidence = applySection(v.Evidence, d.Evidence)
	v.Requests = applySection(v.Requests, d.Requests)
	v.Reports = applySection(v.Reports, d.Reports)
	v.Indicators = applySection(v.Indicators, d.Indicators)
	v.Learned = applySection(v.Learned, d.Learned)
	v.Cases = applySection(v.Cases, d.Cases)
	v.Injects = applySection(v.Injects, d.Injects)
	v.Messages = applySection(v.Messages, d.Messages)
	v.Contents = applySection(v.Contents, d.Contents)
	v.Payments = applySection(v.Payments, d.Payments)
	v.Campaigns = applySection(v.Campaigns, d.Campaigns)
	v.Objectives = applySection(v.Objectives, d.Objectives)
	v.assetObs, v.built = nil, false // positions moved: UpdateView compares in full
	return nil
}

// UpdateView brings a view the world built (View, ControllerView) to the
// world's current tick and returns what changed, with the events the
// organisation saw since the view's tick. The assets are compared as
// compact observed records; only those that changed become AssetViews,
// so an ordinary tick costs the organisation's own assets, not the world.
func (w *World) UpdateView(v *View) *ViewDelta {
	org := v.orgIdx
	if !v.built || v.Org != w.orgID(org) {
		// A decoded or applied view: find the organisation, compare in full.
		org = None
		if i, ok := w.OrgIndex(v.Org); ok && !v.Controller {
			org = i
		}
		next := w.buildView(org)
		d := Diff(v, next)
		d.Events, d.Complete = w.EventsSince(org, v.Tick)
		*v = *next
		return d
	}
	old := *v
	// fillView reuses the slices: keep the old ones for the comparison.
	next := View{orgIdx: org, built: true}
	w.fillView(&next)
	d := diff(&old, &next)
	var c Changes[AssetView]
	assets, obs := old.Assets, old.assetObs
	if facts := w.learnedCount(org); facts != old.facts {
		// It learned of other assets (their set may have changed): list
		// them again and compare with the old list.
		obs = w.viewAssets(org, make([]assetObs, 0, len(old.assetObs)+1))
		assets = make([]AssetView, len(obs))
		d.Assets = w.diffObserved(old.assetObs, old.Assets, obs, assets)
		next.facts = facts
	} else {
		// The same assets: compare their observed records in place (the
		// view is the caller's to bring forward, and the delta holds
		// copies).
		for i := range obs {
			o := w.observe(org, obs[i].idx, obs[i].registered)
			if o != obs[i] {
				obs[i] = o
				assets[i] = w.assetView(&o)
				c.Upsert = append(c.Upsert, assets[i])
			}
		}
		if len(c.Upsert) > 0 {
			d.Assets = &c
		}
		next.facts = old.facts
	}
	next.Assets, next.assetObs = assets, obs
	d.Events, d.Complete = w.EventsSince(org, old.Tick)
	*v = next
	return d
}

// diffObserved fills assets with the views of obs and returns what
// changed from the old lists (oldAssets[i] is the view of oldObs[i]), as
// diffSection would by key. Both lists are in asset index order (an
// organisation's, viewAssets): they are merged by index, and an asset
// whose observed record is unchanged keeps its old view, so learning one
// fact costs the organisation's records rather than a fresh AssetView and
// two maps of ids for each of them (an ISP's 36,000 hosts: tens of ms).
func (w *World) diffObserved(oldObs []assetObs, oldAssets []AssetView, obs []assetObs, assets []AssetView) *Changes[AssetView] {
	if !byIndex(oldObs) || !byIndex(obs) || len(oldObs) != len(oldAssets) {
		for i := range obs {
			assets[i] = w.assetView(&obs[i])
		}
		return diffSection(oldAssets, assets, sameAsset)
	}
	var c Changes[AssetView]
	j := 0
	for i := range obs {
		for j < len(oldObs) && oldObs[j].idx < obs[i].idx {
			j++
		}
		had := j < len(oldObs) && oldObs[j].idx == obs[i].idx
		if had && oldObs[j] == obs[i] {
			assets[i] = oldAssets[j]
			continue
		}
		assets[i] = w.assetView(&obs[i])
		if had && sameAsset(&oldAssets[j], &assets[i]) {
			continue
		}
		c.Upsert = append(c.Upsert, assets[i])
	}
	k := 0
	for j := range oldObs {
		for k < len(obs) && obs[k].idx < oldObs[j].idx {
			k++
		}
		if k == len(obs) || obs[k].idx != oldObs[j].idx {
			c.Remove = append(c.Remove, oldAssets[j].Key())
		}
	}
	if len(c.Upsert) == 0 && len(c.Remove) == 0 {
		return nil
	}
	return &c
}

// byIndex says whether observed records are in strictly increasing asset
// index order.
func byIndex(obs []assetObs) bool {
	for i := 1; i < len(obs); i++ {
		if obs[i].idx <= obs[i-1].idx {
			return false
		}
	}
	return true
}

// learnedCount is how many facts org has learned: they only grow, so an
// unchanged count means the assets it learned of are the same.
func (w *World) learnedCount(org int32) int {
	if org == None {
		return 0
	}
	return len(w.Orgs[org].Facts)
}
