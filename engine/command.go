package engine

import (
	"fmt"
	"sort"
	"strings"
)

// Command is what a team (or a scripted policy) asks the engine to do. It
// is also the unit of the journal: commands with their tick are the whole
// input of a run besides the scenario and the seed.
//
// ID is the engine's: a session assigns each command the next id, and
// Step rejects a command whose id is not above every id used before (a
// duplicate, or out of order); 0 lets Step assign it.
//
// Sender is who sent the command: the organisation itself, or ControlOrg
// (the controller may act for anyone). Step rejects a command whose Org
// is not its Sender's, so a team cannot act as another organisation. An
// empty Sender is the organisation itself: what the program builds in Go
// (tests, scripted teams inside the tick) and journals written before
// commands had senders.
type Command struct {
	ID     int64             `json:"id"`
	Tick   int32             `json:"tick"`
	Org    string            `json:"org"`
	Sender string            `json:"sender,omitempty"`
	Verb   string            `json:"verb"`
	Target string            `json:"target,omitempty"`
	Args   map[string]string `json:"args,omitempty"`
}

// Arg is one command argument; actions keep them as a sorted slice so the
// state holds no map.
type Arg struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// Action is an accepted command: queued until staff is free, then running
// until Done.
type Action struct {
	Command int64  `json:"command"`
	Org     int32  `json:"org"`
	Verb    string `json:"verb"`
	Target  string `json:"target"`
	Args    []Arg  `json:"args,omitempty"`
	Staff   int32  `json:"staff"`
	Ticks   int32  `json:"ticks"`
	Queued  int32  `json:"queued"`
	Start   int32  `json:"start"` // None while queued
	Done    int32  `json:"done"`
}

func (a *Action) arg(k string) string {
	for _, x := range a.Args {
		if x.Key == k {
			return x.Value
		}
	}
	return ""
}

// VerbSpec is the default cost of a verb; scenarios may override it.
type VerbSpec struct {
	Verb  string `json:"verb"`
	Ticks int32  `json:"ticks"`
	Staff int32  `json:"staff"`
}

// verb describes one command verb: its default cost, a check at
// submission (so the team learns at once what is wrong) and its effect on
// completion (which checks again: the world moved on meanwhile).
type verb struct {
	ticks, staff int32
	doc          string
	check        func(w *World, a *Action) error
	apply        func(w *World, a *Action)
}

// verbs follows OpenC2's action vocabulary where one fits (investigate,
// scan, query, contain, allow, deny, restore, remediate, update, delete)
// and adds the legal and cooperation verbs OpenC2 lacks.
var verbs map[string]*verb

// VerbNames lists the verbs in sorted order.
func VerbNames() []string {
	out := make([]string, 0, len(verbs))
	// map-order: the names are sorted below before anyone sees them.
	for k := range verbs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// VerbDoc returns the one-line description of a verb.
func VerbDoc(v string) string {
	if x, ok := verbs[v]; ok {
		return x.doc
	}
	return ""
}

// DefaultVerbSpec returns a verb's default ticks and staff.
func DefaultVerbSpec(v string) (VerbSpec, bool) {
	x, ok := verbs[v]
	if !ok {
		return VerbSpec{}, false
	}
	return VerbSpec{Verb: v, Ticks: x.ticks, Staff: x.staff}, true
}

func (w *World) verbCost(v string) (ticks, staff int32) {
	x := verbs[v]
	ticks, staff = x.ticks, x.staff
	for _, s := range w.Settings.Verbs {
		if s.Verb == v {
			ticks, staff = s.Ticks, s.Staff
		}
	}
	if ticks < 1 {
		ticks = 1
	}
	return ticks, staff
}

// submit validates a command and queues it as an action. A bad command is
// not an error of the run: the team is told why in a rejected event.
func (w *World) submit(c Command) int64 {
	if c.ID == 0 {
		w.NextCommandID++
		c.ID = w.NextCommandID
	} else if c.ID <= w.NextCommandID {
		// Ids are the engine's: one from outside that is not new would
		// make two commands answer to one id.
		w.reject(c, w.senderIndex(c), fmt.Sprintf("command id %d is not after the last id %d: ids are assigned by the engine (a duplicate or out of order)", c.ID, w.NextCommandID))
		return c.ID
	} else {
		w.NextCommandID = c.ID
	}
	if c.Sender != "" && c.Sender != c.Org && c.Sender != ControlOrg {
		w.reject(c, w.senderIndex(c), fmt.Sprintf("%s cannot act as %s", c.Sender, c.Org))
		return c.ID
	}
	if c.Org == ControlOrg {
		w.control(c)
		return c.ID
	}
	org, ok := w.OrgIndex(c.Org)
	if !ok {
		w.reject(c, w.senderIndex(c), fmt.Sprintf("unknown organisation %q", c.Org))
		return c.ID
	}
	v, ok := verbs[c.Verb]
	if !ok {
		w.reject(c, org, fmt.Sprintf("unknown verb %q (one of: %s)", c.Verb, strings.Join(VerbNames(), ", ")))
		return c.ID
	}
	a := Action{Command: c.ID, Org: org, Verb: c.Verb, Target: c.Target, Queued: w.Tick, Start: None}
	keys := make([]string, 0, len(c.Args))
	// map-order: the keys are sorted below; the action keeps a sorted slice.
	for k := range c.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a.Args = append(a.Args, Arg{Key: k, Value: c.Args[k]})
	}
	if err := v.check(w, &a); err != nil {
		w.reject(c, org, err.Error())
		return c.ID
	}
	a.Ticks, a.Staff = w.verbCost(c.Verb)
	if a.Verb == "restore" {
		if ai, ok := w.AssetIndex(a.Target); ok && w.Assets[ai].Flags&FlagBackup == 0 {
			a.Ticks *= 4 // rebuilding without a clean backup
		}
	}
	if a.Staff > w.Orgs[org].Staff {
		w.reject(c, org, fmt.Sprintf("%s needs %d staff, %s has %d in all", c.Verb, a.Staff, c.Org, w.Orgs[org].Staff))
		return c.ID
	}
	if len(w.Actions) >= QueueLenMax && w.QueueLength(org) >= QueueLenMax {
		// A runaway policy (a script submitting every tick) must not make
		// every later tick slower without end.
		w.reject(c, org, fmt.Sprintf("%s already has %d actions waiting for staff", c.Org, QueueLenMax))
		return c.ID
	}
	w.Actions = append(w.Actions, a)
	// The team learns at once whether its order waits, and how long: the
	// server forwards this event as the command's acknowledgement.
	ahead, wait := w.queueEstimate(org, &w.Actions[len(w.Actions)-1])
	w.emit(Event{Kind: EvCommandAccepted, Org: c.Org, Subject: c.Target, Command: c.ID, Value: int64(wait),
		Text: acceptedText(c, &a, ahead, wait), Visible: vis(org),
		Fields: fields("verb", c.Verb, "ticks", itoa32(a.Ticks), "staff", itoa32(a.Staff), "ahead", itoa32(int32(ahead)))})
	return c.ID
}

// senderIndex is the organisation a rejection goes to: the sender (None
// for the controller, who sees every event, or an unknown one).
func (w *World) senderIndex(c Command) int32 {
	s := c.Sender
	if s == "" {
		s = c.Org
	}
	if o, ok := w.OrgIndex(s); ok {
		return o
	}
	return None
}

func (w *World) reject(c Command, org int32, why string) {
	w.Counters.CommandsRejected++
	w.emit(Event{Kind: EvCommandRejected, Org: c.Org, Subject: c.Target, Command: c.ID,
		Text: fmt.Sprintf("%s %s %s rejected: %s", c.Org, c.Verb, c.Target, why), Visible: vis(org),
		Fields: fields("verb", c.Verb, "reason", why)})
}

// Submit queues a command from inside the tick (a scripted team's policy).
func (w *World) Submit(c Command) int64 {
	c.Tick = w.Tick
	n := len(w.Actions)
	id := w.submit(c)
	if len(w.Actions) > n {
		// This tick's actions have started already: it queues from the
		// next one (so it did not wait for staff when it starts then).
		w.Actions[n].Queued = w.Tick + 1
	}
	return id
}

// advanceActions completes due actions, then starts queued ones in the
// order they were accepted while their organisation has free staff.
func (w *World) advanceActions() {
	kept := w.Actions[:0]
	var done []Action
	for _, a := range w.Actions {
		if a.Start != None && a.Done <= w.Tick {
			w.Orgs[a.Org].StaffBusy -= a.Staff
			done = append(done, a)
			continue
		}
		kept = append(kept, a)
	}
	w.Actions = kept
	for i := range done {
		a := &done[i]
		v := verbs[a.Verb]
		org := w.Orgs[a.Org].ID
		if err := v.check(w, a); err != nil {
			w.emit(Event{Kind: EvCommandDone, Org: org, Subject: a.Target, Command: a.Command,
				Text: fmt.Sprintf("%s %s %s failed: %s", org, a.Verb, a.Target, err), Visible: vis(a.Org),
				Fields: fields("verb", a.Verb, "result", "failed", "reason", err.Error())})
			continue
		}
		v.apply(w, a)
		w.Counters.CommandsDone++
		w.emit(Event{Kind: EvCommandDone, Org: org, Subject: a.Target, Command: a.Command,
			Text: fmt.Sprintf("%s %s %s done", org, a.Verb, a.Target), Visible: vis(a.Org),
			Fields: fields("verb", a.Verb, "result", "done")})
	}
	// First in, first out per organisation: once one waits, the later ones
	// wait behind it (a small job does not overtake a bigger one for ever).
	blocked := grow(w.sc.blocked, len(w.Orgs))
	clear(blocked)
	w.sc.blocked = blocked
	for i := range w.Actions {
		a := &w.Actions[i]
		if a.Start != None || (blocked[a.Org] && a.Staff > 0) { // a query or message needs no staff
			continue
		}
		o := &w.Orgs[a.Org]
		if o.Staff-o.StaffBusy < a.Staff {
			blocked[a.Org] = true
			continue
		}
		o.StaffBusy += a.Staff
		a.Start = w.Tick
		a.Done = w.Tick + a.Ticks
		if a.Start > a.Queued {
			w.emit(Event{Kind: EvCommandStarted, Org: o.ID, Subject: a.Target, Command: a.Command, Value: int64(a.Start - a.Queued),
				Text: fmt.Sprintf("%s %s %s started after waiting %d ticks for staff", o.ID, a.Verb, a.Target, a.Start-a.Queued), Visible: vis(a.Org),
				Fields: fields("verb", a.Verb, "waited", itoa32(a.Start-a.Queued))})
		}
	}
}

// QueueLenMax bounds the actions one organisation may have waiting for
// staff; more are rejected.
const QueueLenMax = 10_000

// QueueLength is how much work an organisation has waiting for staff.
func (w *World) QueueLength(org int32) int {
	n := 0
	for _, a := range w.Actions {
		if a.Org == org && a.Start == None {
			n++
		}
	}
	return n
}
