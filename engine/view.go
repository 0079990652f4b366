package engine

import (
	"fmt"
	"strconv"

	"cyberex/engine/suggest"
)

// A View is what one organisation knows of the world at a tick: the seam
// between the engine and everything that shows the world to a player (the
// server, the client, the scripted teams' Lua API). It is decided here, in
// Go, from the state and the organisation's knowledge (Org.Indicators,
// Org.Facts, FlagDetected, the copies of evidence it holds, the messages
// it received), never from events a caller happened to keep.
//
// Fog of war holds field by field: an asset the organisation owns shows
// its observed state (a compromise it has not detected looks clean, with
// full integrity), another organisation's asset shows only its public
// registration when the organisation has learned of it, a campaign shows
// only when the organisation holds its indicators. The controller's view
// (ControllerView) is the whole world, true state.
//
// A View is plain data with stable snake_case JSON tags: the server sends
// it over a websocket and the browser client renders it. Every section is
// a list of items ordered by N (the world's order) and keyed by Key();
// ViewDelta carries the changes of each section between two ticks.
type View struct {
	// Org is the organisation's id, or "" in the controller's view.
	Org string `json:"org"`
	// Controller: the whole world, true state (ControllerView).
	Controller bool  `json:"controller"`
	Tick       int32 `json:"tick"`
	// Clock is the exercise time of Tick in seconds since 1970 (UTC).
	Clock int64 `json:"clock"`
	Ended bool  `json:"ended"`
	// Self is the organisation itself (nil in the controller's view).
	Self *SelfView `json:"self,omitempty"`

	Directory     []OrgCard          `json:"directory"`
	Jurisdictions []JurisdictionCard `json:"jurisdictions"`
	Queue         []ActionView       `json:"queue"`
	Assets        []AssetView        `json:"assets"`
	Segments      []SegmentView      `json:"segments"`
	Infras        []InfraView        `json:"infras"`
	Evidence      []EvidenceView     `json:"evidence"`
	Requests      []RequestView      `json:"requests"`
	Reports       []ReportView       `json:"reports"`
	Indicators    []IndicatorView    `json:"indicators"`
	Learned       []FactView         `json:"learned"`
	Cases         []CaseView         `json:"cases"`
	Injects       []InjectView       `json:"injects"`
	Messages      []MessageView      `json:"messages"`
	Contents      []ContentView      `json:"contents"`
	Payments      []PaymentView      `json:"payments"`
	Campaigns     []CampaignView     `json:"campaigns"`
	Objectives    []ObjectiveView    `json:"objectives"`

	// orgIdx is the organisation's index (None for the controller); the
	// world's View and UpdateView set it, a decoded view finds it by id.
	orgIdx int32
	// assetObs caches the observed state of each asset in Assets, by
	// position, so that UpdateView compares records instead of building
	// an AssetView per asset per tick. Not sent: a client's decoded view
	// has none and needs none (it only applies deltas).
	assetObs []assetObs
	// built: the world built this view (View, UpdateView), so orgIdx,
	// assetObs and facts are set.
	built bool
	// facts is how many facts the organisation had when assetObs was
	// listed (learnedCount).
	facts int
}

// SelfView is the organisation's own state: capacity, how it is played,
// and whom it may pass TLP:AMBER material to.
type SelfView struct {
	SelfCore
	Clients []string `json:"clients"`
}

// SelfCore is the part of a SelfView that compares with ==.
type SelfCore struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Jurisdiction string `json:"jurisdiction"`
	Staff        int32  `json:"staff"`
	Busy         int32  `json:"busy"`
	Waiting      int32  `json:"waiting"` // actions waiting for staff
	Scripted     bool   `json:"scripted"`
}

// OrgCard is an organisation as the public directory lists it.
type OrgCard struct {
	N            int32  `json:"n"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Jurisdiction string `json:"jurisdiction"`
}

// JurisdictionCard is a jurisdiction's public law and channels.
type JurisdictionCard struct {
	JurisdictionCore
	Crimes []string `json:"crimes"`
}

// JurisdictionCore is the part of a JurisdictionCard that compares with ==.
type JurisdictionCore struct {
	N                 int32  `json:"n"`
	ID                string `json:"id"`
	Name              string `json:"name"`
	UTCOffsetMinutes  int32  `json:"utc_offset_minutes"`
	ContactPointTicks int32  `json:"contact_point_ticks"` // -1: no 24/7 contact point
	MLATicks          int32  `json:"mla_ticks"`
	PoliceTicks       int32  `json:"police_ticks"`
}

// ActionView is one of the organisation's accepted commands: running, or
// waiting for staff behind Ahead earlier ones (first in, first out).
type ActionView struct {
	ActionCore
	Args []Arg `json:"args,omitempty"`
}

// ActionCore is the part of a ActionView that compares with ==.
type ActionCore struct {
	N       int64  `json:"n"` // the command id
	ID      string `json:"id"`
	Org     string `json:"org"`
	Verb    string `json:"verb"`
	Target  string `json:"target"`
	Staff   int32  `json:"staff"`
	Ticks   int32  `json:"ticks"`
	Queued  int32  `json:"queued"`
	Running bool   `json:"running"`
	Start   int32  `json:"start"` // None while waiting
	Done    int32  `json:"done"`  // tick it completes, None while waiting
	// Ahead counts the organisation's earlier actions still waiting for
	// staff; Behind is the command id of the one just before it (0: it is
	// first, and waits only for running actions to free staff).
	Ahead  int32 `json:"ahead"`
	Behind int64 `json:"behind,omitempty"`
}

// AssetView is an asset as the viewer observes it. For the owner (and in
// the controller's view) it is the asset's state, except that a
// compromise the owner has not detected does not show (compromised false,
// integrity 1000, no campaign). For an asset the viewer only learned of
// (Registered), only the registration shows: id, kind, owner, segment,
// jurisdiction, and what the public sees (defaced).
type AssetView struct {
	AssetCore
	Vulns    []string `json:"vulns,omitempty"`
	Services []string `json:"services,omitempty"`
}

// AssetCore is the part of a AssetView that compares with ==.
type AssetCore struct {
	N            int32  `json:"n"`
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Segment      string `json:"segment"`
	Owner        string `json:"owner"`
	Jurisdiction string `json:"jurisdiction"`
	Registered   bool   `json:"registered,omitempty"` // registration only: not the viewer's
	Criticality  int32  `json:"criticality"`
	Integrity    int32  `json:"integrity"`
	Availability int32  `json:"availability"`
	Capacity     int32  `json:"capacity"`
	Compromised  bool   `json:"compromised"`
	Campaign     string `json:"campaign,omitempty"` // the campaign holding it, if the viewer knows it
	Since        int32  `json:"since"`              // tick compromised (None when not known)
	Isolated     bool   `json:"isolated,omitempty"`
	Backup       bool   `json:"backup,omitempty"`
	Defaced      bool   `json:"defaced,omitempty"`
	Destroyed    bool   `json:"destroyed,omitempty"`
	Sinkholed    bool   `json:"sinkholed,omitempty"`
	TakenDown    bool   `json:"taken_down,omitempty"`
	Blocked      bool   `json:"blocked,omitempty"`
	Hardened     bool   `json:"hardened,omitempty"`
	Admin        bool   `json:"admin,omitempty"`    // controller's view only
	Controls     string `json:"controls,omitempty"` // infrastructure it runs
}

// SegmentView is a network segment the viewer owns or serves as ISP, with
// its hosts counted as the viewer observes them.
type SegmentView struct {
	SegmentCore
	Alerts []string `json:"alerts,omitempty"`
}

// SegmentCore is the part of a SegmentView that compares with ==.
type SegmentCore struct {
	N            int32  `json:"n"`
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	ISP          string `json:"isp,omitempty"`
	Jurisdiction string `json:"jurisdiction"`
	Prefix       string `json:"prefix,omitempty"`
	Hosts        int32  `json:"hosts"`
	Isolated     int32  `json:"isolated"`
	// Detected counts hosts known to be compromised (detected); in the
	// controller's view Compromised is the true count.
	Detected    int32 `json:"detected"`
	Compromised int32 `json:"compromised,omitempty"`
	// Alerts lists the campaigns whose botnet traffic alerted on the
	// segment that the viewer holds indicators of.
}

// InfraView is an infrastructure the viewer operates (Operates) or
// depends on (its own infrastructure needs it, or its assets serve it).
type InfraView struct {
	N           int32  `json:"n"`
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Owner       string `json:"owner"`
	Operates    bool   `json:"operates"`
	Priority    bool   `json:"priority"`
	Level       int32  `json:"level"`
	Manual      bool   `json:"manual,omitempty"`
	Islanded    bool   `json:"islanded,omitempty"`
	Damaged     bool   `json:"damaged,omitempty"`
	Tripped     bool   `json:"tripped,omitempty"`
	DownSince   int32  `json:"down_since"`
	RepairUntil int32  `json:"repair_until"`
}

// EvidenceView is an evidence item the viewer holds, holds a copy of, or
// learned of by name (Custody "named": a report, a message or a public
// event named it; only id, kind and holder show then).
type EvidenceView struct {
	EvidenceCore
	Copies []Copy `json:"copies,omitempty"` // the holder's and the controller's view
}

// EvidenceCore is the part of a EvidenceView that compares with ==.
type EvidenceCore struct {
	N         int32  `json:"n"`
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Holder    string `json:"holder"`
	Custody   string `json:"custody"` // "holder", "lawful", "informal", "named", or "" (controller)
	Asset     string `json:"asset,omitempty"`
	Campaign  string `json:"campaign,omitempty"` // when the viewer holds its indicators
	Offence   string `json:"offence,omitempty"`
	Weight    int32  `json:"weight"`
	Created   int32  `json:"created"`
	Expires   int32  `json:"expires"`
	Preserved bool   `json:"preserved"`
	Lost      bool   `json:"lost"`
}

// Copy is one organisation's copy of an evidence item.
type Copy struct {
	Org     string `json:"org"`
	Custody string `json:"custody"`
	Tick    int32  `json:"tick"`
}

// RequestView is a request the viewer sent or received. A request that
// will never be answered shows as pending: the sender only sees silence.
type RequestView struct {
	N        int32  `json:"n"`
	ID       string `json:"id"` // canonical: req-N
	From     string `json:"from"`
	To       string `json:"to"`
	Kind     string `json:"kind"`
	Channel  string `json:"channel"`
	Target   string `json:"target"`
	Offence  string `json:"offence"`
	Sent     int32  `json:"sent"`
	Due      int32  `json:"due"`
	TimeLeft int32  `json:"time_left"` // ticks until due while pending or accepted, else 0
	Status   string `json:"status"`
	Answered int32  `json:"answered"`
	Reason   string `json:"reason,omitempty"`
	Command  int64  `json:"command,omitempty"`
}

// ReportView is a report the viewer wrote, sent or received.
type ReportView struct {
	ReportCore
	To []string `json:"to"`
}

// ReportCore is the part of a ReportView that compares with ==.
type ReportCore struct {
	N        int32  `json:"n"`
	ID       string `json:"id"` // rep-N
	Author   string `json:"author"`
	From     string `json:"from"`
	TLP      string `json:"tlp"`
	Campaign string `json:"campaign,omitempty"`
	Origin   string `json:"origin,omitempty"`
	Title    string `json:"title"`
	Tick     int32  `json:"tick"`
}

// IndicatorView is a campaign the viewer holds indicators of: it can name
// it, and its sensors see it three times as well.
type IndicatorView struct {
	N        int32  `json:"n"`
	Campaign string `json:"campaign"`
	Kind     string `json:"kind"`
	Offence  string `json:"offence"`
}

// FactView is one thing the viewer learned during the run (Org.Facts).
type FactView struct {
	N        int32  `json:"n"`
	ID       string `json:"id"` // kind:subject
	Kind     string `json:"kind"`
	Subject  string `json:"subject"`
	Campaign string `json:"campaign,omitempty"`
	Tick     int32  `json:"tick"`
}

// CaseView is a prosecution the viewer leads.
type CaseView struct {
	N          int32  `json:"n"`
	ID         string `json:"id"` // prosecutor:campaign
	Prosecutor string `json:"prosecutor"`
	Campaign   string `json:"campaign"`
	Opened     int32  `json:"opened"`
	Strength   int32  `json:"strength"`
}

// InjectView is an inject delivered to the viewer (every inject, with
// what evaluators expect, in the controller's view).
type InjectView struct {
	InjectCore
	To []string `json:"to,omitempty"` // controller's view
}

// InjectCore is the part of a InjectView that compares with ==.
type InjectCore struct {
	N         int32  `json:"n"`
	ID        string `json:"id"`
	From      string `json:"from"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	Delivered int32  `json:"delivered"`
	Expect    string `json:"expect,omitempty"` // controller's view
}

// MessageView is a message the viewer sent or received, or a public
// statement or news item.
type MessageView struct {
	MessageCore
	To []string `json:"to,omitempty"` // empty: public
}

// MessageCore is the part of a MessageView that compares with ==.
type MessageCore struct {
	N       int32  `json:"n"`
	ID      string `json:"id"` // msg-N
	Kind    string `json:"kind"`
	From    string `json:"from,omitempty"`
	Subject string `json:"subject,omitempty"`
	Text    string `json:"text"`
	Tick    int32  `json:"tick"`
}

// ContentView is published material: public.
type ContentView struct {
	N         int32  `json:"n"`
	ID        string `json:"id"`
	Platform  string `json:"platform"`
	Campaign  string `json:"campaign,omitempty"`
	Offence   string `json:"offence"`
	Reach     int64  `json:"reach"`
	Published int32  `json:"published"`
	Removed   int32  `json:"removed"`
}

// PaymentView is a payment the viewer services or holds the record of.
type PaymentView struct {
	N        int32  `json:"n"`
	ID       string `json:"id"`
	Service  string `json:"service"`
	Campaign string `json:"campaign,omitempty"`
	Amount   int64  `json:"amount"`
	Tick     int32  `json:"tick"`
	Traced   bool   `json:"traced"`
	Frozen   bool   `json:"frozen"`
}

// CampaignView is a campaign in the controller's view, or in the view of
// the adversary that runs it.
type CampaignView struct {
	N           int32  `json:"n"`
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Actor       string `json:"actor,omitempty"`
	Offence     string `json:"offence"`
	Active      bool   `json:"active"`
	C2          string `json:"c2,omitempty"`
	Bots        int64  `json:"bots"`
	Defaced     int64  `json:"defaced"`
	Stopped     int32  `json:"stopped"`
	Task        string `json:"task,omitempty"`
	Exfiltrated int64  `json:"exfiltrated"`
}

// ObjectiveView is an objective in the controller's view.
type ObjectiveView struct {
	N           int32  `json:"n"`
	ID          string `json:"id"`
	Description string `json:"description"`
	Status      string `json:"status"`
	Tick        int32  `json:"tick"`
	Deadline    int32  `json:"deadline"`
}

// Keys: every section item is identified by its canonical id (Key) and
// ordered by N (the world's order: Rank).

func (x OrgCard) Key() string          { return x.ID }
func (x JurisdictionCard) Key() string { return x.ID }
func (x ActionView) Key() string       { return x.ID }
func (x AssetView) Key() string        { return x.ID }
func (x SegmentView) Key() string      { return x.ID }
func (x InfraView) Key() string        { return x.ID }
func (x EvidenceView) Key() string     { return x.ID }
func (x RequestView) Key() string      { return x.ID }
func (x ReportView) Key() string       { return x.ID }
func (x IndicatorView) Key() string    { return x.Campaign }
func (x FactView) Key() string         { return x.ID }
func (x CaseView) Key() string         { return x.ID }
func (x InjectView) Key() string       { return x.ID }
func (x MessageView) Key() string      { return x.ID }
func (x ContentView) Key() string      { return x.ID }
func (x PaymentView) Key() string      { return x.ID }
func (x CampaignView) Key() string     { return x.ID }
func (x ObjectiveView) Key() string    { return x.ID }

func (x OrgCard) Rank() int64          { return int64(x.N) }
func (x JurisdictionCard) Rank() int64 { return int64(x.N) }
func (x ActionView) Rank() int64       { return x.N }
func (x AssetView) Rank() int64        { return int64(x.N) }
func (x SegmentView) Rank() int64      { return int64(x.N) }
func (x InfraView) Rank() int64        { return int64(x.N) }
func (x EvidenceView) Rank() int64     { return int64(x.N) }
func (x RequestView) Rank() int64      { return int64(x.N) }
func (x ReportView) Rank() int64       { return int64(x.N) }
func (x IndicatorView) Rank() int64    { return int64(x.N) }
func (x FactView) Rank() int64         { return int64(x.N) }
func (x CaseView) Rank() int64         { return int64(x.N) }
func (x InjectView) Rank() int64       { return int64(x.N) }
func (x MessageView) Rank() int64      { return int64(x.N) }
func (x ContentView) Rank() int64      { return int64(x.N) }
func (x PaymentView) Rank() int64      { return int64(x.N) }
func (x CampaignView) Rank() int64     { return int64(x.N) }
func (x ObjectiveView) Rank() int64    { return int64(x.N) }

// RequestID is the canonical id of request n: req-N.
func RequestID(n int32) string { return "req-" + strconv.Itoa(int(n)) }

// ReportID is the canonical id of report n: rep-N.
func ReportID(n int32) string { return "rep-" + strconv.Itoa(int(n)) }

// MessageID is the canonical id of message n: msg-N.
func MessageID(n int32) string { return "msg-" + strconv.Itoa(int(n)) }

// CommandID is the canonical id of an accepted command: cmd-N.
func CommandID(n int64) string { return "cmd-" + strconv.FormatInt(n, 10) }

// View returns what organisation org (an index, see OrgIndex) knows now.
// View(None) is the controller's view (ControllerView); an index out of
// range gives nil.
func (w *World) View(org int32) *View {
	if org != None && (org < 0 || int(org) >= len(w.Orgs)) {
		return nil
	}
	return w.buildView(org)
}

// ViewOf is View by organisation id, with an error naming an unknown one.
func (w *World) ViewOf(id string) (*View, error) {
	org, ok := w.OrgIndex(id)
	if !ok {
		return nil, fmt.Errorf("view: no organisation %q%s", id, didYouMean(id, w.orgIDs()))
	}
	return w.buildView(org), nil
}

// ControllerView returns the whole world as the white cell sees it: true
// state, every section in full. Generated hosts show in their segments'
// counts, not one by one (a million of them would be 100 MB of JSON):
// the controller's Assets are the named ones.
func (w *World) ControllerView() *View { return w.buildView(None) }

func (w *World) orgIDs() []string {
	out := make([]string, len(w.Orgs))
	for i := range w.Orgs {
		out[i] = w.Orgs[i].ID
	}
	return out
}

// didYouMean is ", did you mean X?" for the closest candidate, or "".
func didYouMean(word string, cands []string) string {
	if c := suggest.Closest(word, cands); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
