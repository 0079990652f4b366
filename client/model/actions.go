package model

import (
	"sort"
	"strings"

	"cyberex/client/locale"
	"cyberex/engine"
)

// SelKind is what kind of thing is selected.
type SelKind uint8

const (
	SelNone SelKind = iota
	SelAsset
	SelSegment
	SelInfra
	SelRequest
	SelReport
	SelEvidence
	SelInject
	SelMessage
	SelContent
	SelPayment
	SelIndicator
	SelOrg
	SelQueued
)

// Sel is the selected thing: its kind and canonical id.
type Sel struct {
	Kind SelKind
	ID   string
}

// Place is where an answer from the server is shown: next to the
// selection the action was taken on, or in a panel.
type Place struct {
	Tab Tab // the panel, for chat, control and notes
	Sel Sel // the selection, for actions (Kind SelNone otherwise)
}

// Notice is the server's answer to something the player sent.
type Notice struct {
	Place Place
	Text  string
	Error bool
}

// OutKind is the kind of an outgoing message.
type OutKind uint8

const (
	OutCommand OutKind = iota // a team's command: an engine verb
	OutControl                // a controller's command (Verb: the action)
	OutChat                   // a chat line to Target
	OutNote                   // an observer's note
	OutWhatIf                 // the white cell's debrief (Verb: OpJump or OpBranch)
)

// Out is a message for the server. The transport turns it into the wire
// format; Ref comes back with the server's answer.
type Out struct {
	Ref    int64
	Kind   OutKind
	Verb   string // the engine verb, or the controller's operation
	Target string
	Args   map[string]string
	Text   string // a note's text
	// Commands are a what-if branch's commands.
	Commands []engine.Command
}

// FieldKind is how a form field is filled in.
type FieldKind uint8

const (
	FieldChoice FieldKind = iota // one of Options
	FieldMulti                   // any of Options
	FieldText                    // free text
)

// Field is one input of a form.
type Field struct {
	Label   string
	Kind    FieldKind
	Key     string // the argument it fills ("" with Target true: the command's target)
	Target  bool
	Options []string
	Chosen  int
	Set     []bool
	Text    string
}

// Value is what the field holds: the chosen option, the set options
// joined by commas, or the text.
func (f *Field) Value() string {
	switch f.Kind {
	case FieldChoice:
		if f.Chosen >= 0 && f.Chosen < len(f.Options) {
			return f.Options[f.Chosen]
		}
		return ""
	case FieldMulti:
		var s []string
		for i, on := range f.Set {
			if on {
				s = append(s, f.Options[i])
			}
		}
		return strings.Join(s, ",")
	}
	return f.Text
}

// Action is one thing the player can do with the selection.
type Action struct {
	Verb   string
	Target string
	Args   map[string]string
	// Fields, when present, open a form before sending.
	Fields []Field
	// Ticks and Staff are what it costs (the scenario's costs in force).
	Ticks, Staff int32
	// Op is set for a controller's operation (Verb is then empty).
	Op string
}

// Form is an action being composed.
type Form struct {
	Action
	Focus int // the field with the keyboard focus
	Place Place
}

// Cost returns a verb's duration and staff: the scenario's when the
// server sent them, else the engine's defaults.
func (m *Model) Cost(verb string) (ticks, staff int32) {
	for _, v := range m.Verbs {
		if v.Verb == verb {
			return v.Ticks, v.Staff
		}
	}
	if v, ok := engine.DefaultVerbSpec(verb); ok {
		return v.Ticks, v.Staff
	}
	return 0, 0
}

func (m *Model) act(verb, target string, args map[string]string, fields ...Field) Action {
	t, s := m.Cost(verb)
	return Action{Verb: verb, Target: target, Args: args, Fields: fields, Ticks: t, Staff: s}
}

// Select makes s the selection; opening an inbox item marks it read.
func (m *Model) Select(s Sel) {
	m.Sel = s
	m.Form = nil
	if s.Kind == SelInject || s.Kind == SelMessage {
		m.Read[s.ID] = true
	}
}

// dropStaleSelection forgets a selection the view no longer holds.
func (m *Model) dropStaleSelection() {
	if m.Sel.Kind != SelNone && !m.exists(m.Sel) {
		m.Sel = Sel{}
		m.Form = nil
	}
}

func (m *Model) exists(s Sel) bool {
	v := m.View
	switch s.Kind {
	case SelAsset:
		return m.Asset(s.ID) != nil
	case SelSegment:
		for i := range m.Map.Segs {
			if m.Map.Segs[i].ID == s.ID {
				return true
			}
		}
	case SelInfra:
		return Find(v.Infras, s.ID) >= 0
	case SelRequest:
		return Find(v.Requests, s.ID) >= 0
	case SelReport:
		return Find(v.Reports, s.ID) >= 0
	case SelEvidence:
		return Find(v.Evidence, s.ID) >= 0
	case SelInject:
		return Find(v.Injects, s.ID) >= 0
	case SelMessage:
		return Find(v.Messages, s.ID) >= 0
	case SelContent:
		return Find(v.Contents, s.ID) >= 0
	case SelPayment:
		return Find(v.Payments, s.ID) >= 0
	case SelIndicator:
		return Find(v.Indicators, s.ID) >= 0
	case SelOrg:
		return Find(v.Directory, s.ID) >= 0
	case SelQueued:
		return Find(v.Queue, s.ID) >= 0
	}
	return false
}

type keyed interface{ Key() string }

// Find returns the position of the item with this id in a view section,
// or -1.
func Find[T keyed](xs []T, id string) int {
	for i := range xs {
		if xs[i].Key() == id {
			return i
		}
	}
	return -1
}

// Asset returns the view's asset with this id, or nil.
func (m *Model) Asset(id string) *engine.AssetView {
	p := m.Map.Pos(id)
	if p < 0 {
		return nil
	}
	return &m.View.Assets[m.Map.Asset[p]]
}

// orgIDs lists the directory's organisations other than the player's.
func (m *Model) orgIDs() []string {
	var out []string
	for i := range m.View.Directory {
		if id := m.View.Directory[i].ID; id != m.Org {
			out = append(out, id)
		}
	}
	return out
}

func (m *Model) orgField(label string, def string) Field {
	f := Field{Label: label, Kind: FieldChoice, Target: true, Options: m.orgIDs()}
	for i, o := range f.Options {
		if o == def {
			f.Chosen = i
		}
	}
	return f
}

var (
	tlpOptions     = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
	channelOptions = []string{"", "direct", "24/7", "mla", "police", "csirt"}
)

// requestForm asks another organisation to act on target.
func (m *Model) requestForm(target, to string, kinds ...string) Action {
	return m.act("request", "", map[string]string{"target": target},
		m.orgField("to", to),
		Field{Label: "kind", Kind: FieldChoice, Key: "kind", Options: kinds},
		Field{Label: "channel", Kind: FieldChoice, Key: "channel", Options: channelOptions},
		Field{Label: "offence", Kind: FieldText, Key: "offence"},
	)
}

// shareForm shares a report with chosen recipients under a TLP label.
func (m *Model) shareForm(args map[string]string, title string) Action {
	return m.act("share", "", args,
		Field{Label: "to", Kind: FieldMulti, Key: "to", Options: m.orgIDs(), Set: make([]bool, len(m.orgIDs()))},
		Field{Label: "tlp", Kind: FieldChoice, Key: "tlp", Options: tlpOptions, Chosen: 2},
		Field{Label: "title", Kind: FieldText, Key: "title", Text: title},
	)
}

// Actions lists what the player can do with the selection. The list
// follows the engine's verbs and who may use them; the server still
// checks each command, and its refusal is shown where it was sent.
func (m *Model) Actions() []Action {
	if m.View == nil || m.Role == RoleObserver {
		return nil
	}
	if m.Role == RoleController {
		return m.controllerActions()
	}
	v, s := m.View, m.Sel
	kind := ""
	if v.Self != nil {
		kind = v.Self.Kind
	}
	var out []Action
	switch s.Kind {
	case SelAsset:
		a := m.Asset(s.ID)
		if a == nil {
			return nil
		}
		if a.Registered {
			out = append(out, m.requestForm(a.ID, a.Owner, "takedown", "sinkhole", "block", "assist"))
			out = append(out, m.act("investigate", a.ID, nil))
			if kind == "isp" {
				out = append(out, m.act("deny", a.ID, nil))
			}
			if kind == "registrar" || kind == "isp" {
				out = append(out, m.act("sinkhole", a.ID, nil))
			}
			break
		}
		out = append(out, m.act("investigate", a.ID, nil), m.act("scan", a.ID, nil))
		if a.Isolated {
			out = append(out, m.act("allow", a.ID, nil))
		} else {
			out = append(out, m.act("contain", a.ID, nil))
		}
		out = append(out, m.act("remediate", a.ID, nil), m.act("update", a.ID, nil), m.act("restore", a.ID, nil))
		if kind == "hosting" || kind == "isp" {
			out = append(out, m.act("takedown", a.ID, nil))
		}
		if kind == "isp" {
			out = append(out, m.act("deny", a.ID, nil))
		}
		if kind == "registrar" || kind == "isp" {
			out = append(out, m.act("sinkhole", a.ID, nil))
		}
	case SelSegment:
		out = append(out, m.act("investigate", s.ID, nil), m.act("scan", s.ID, nil), m.act("contain", s.ID, nil),
			m.act("allow", s.ID, nil), m.act("remediate", s.ID, nil), m.act("update", s.ID, nil))
	case SelInfra:
		if i := Find(v.Infras, s.ID); i >= 0 && v.Infras[i].Operates {
			out = append(out, m.act("manual", s.ID, nil), m.act("island", s.ID, nil), m.act("restore", s.ID, nil))
		}
	case SelRequest:
		if i := Find(v.Requests, s.ID); i >= 0 {
			r := &v.Requests[i]
			if r.To == m.Org && r.Status == "pending" {
				out = append(out,
					m.act("answer", r.ID, map[string]string{"decision": "accept"}),
					m.act("answer", r.ID, map[string]string{"decision": "refuse"},
						Field{Label: "reason", Kind: FieldText, Key: "reason"}))
			}
			out = append(out, m.act("query", r.ID, nil))
		}
	case SelReport:
		if i := Find(v.Reports, s.ID); i >= 0 {
			r := &v.Reports[i]
			args := map[string]string{"origin": r.ID}
			if r.Campaign != "" {
				args["campaign"] = r.Campaign
			}
			out = append(out, m.shareForm(args, r.Title))
		}
	case SelEvidence:
		if i := Find(v.Evidence, s.ID); i >= 0 {
			e := &v.Evidence[i]
			if e.Holder == m.Org {
				out = append(out, m.act("preserve", e.ID, nil))
			} else {
				out = append(out, m.requestForm(e.ID, e.Holder, "preserve", "disclose"))
			}
		}
	case SelContent:
		if i := Find(v.Contents, s.ID); i >= 0 {
			c := &v.Contents[i]
			if c.Platform == m.Org {
				out = append(out, m.act("delete", c.ID, nil), m.act("takedown", c.ID, nil))
			} else {
				out = append(out, m.requestForm(c.ID, c.Platform, "takedown"))
			}
		}
	case SelPayment:
		if i := Find(v.Payments, s.ID); i >= 0 {
			p := &v.Payments[i]
			out = append(out, m.act("trace", p.ID, nil))
			if p.Service == m.Org {
				out = append(out, m.act("freeze", p.ID, nil))
			} else {
				out = append(out, m.requestForm(p.ID, p.Service, "block"))
			}
		}
	case SelIndicator:
		out = append(out, m.shareForm(map[string]string{"campaign": s.ID}, s.ID))
		if kind == "prosecutor" {
			out = append(out, m.act("prosecute", s.ID, nil))
		}
		out = append(out, m.act("statement", "", map[string]string{"campaign": s.ID},
			Field{Label: "text", Kind: FieldText, Key: "text"}))
	case SelOrg:
		out = append(out, m.act("message", s.ID, nil, Field{Label: "text", Kind: FieldText, Key: "text"}))
	}
	return out
}

// controllerActions are the white cell's operations on the selection.
func (m *Model) controllerActions() []Action {
	if m.Sel.Kind == SelOrg {
		return []Action{{Op: "people", Target: m.Sel.ID}, {Op: "script", Target: m.Sel.ID}}
	}
	return nil
}

// InjectForm is the white cell's ad hoc inject: recipients, subject,
// body and what evaluators expect.
func (m *Model) InjectForm() Action {
	var ids []string
	if m.View != nil {
		for i := range m.View.Directory {
			ids = append(ids, m.View.Directory[i].ID)
		}
	}
	return Action{Op: "inject", Fields: []Field{
		{Label: "to", Kind: FieldMulti, Key: "to", Options: ids, Set: make([]bool, len(ids))},
		{Label: "from", Kind: FieldText, Key: "from"},
		{Label: "subject", Kind: FieldText, Key: "subject"},
		{Label: "body", Kind: FieldText, Key: "body"},
		{Label: "expect", Kind: FieldText, Key: "expect"},
	}}
}

// Do takes an action: at once when it needs no input, else it opens its
// form.
func (m *Model) Do(a Action) {
	place := Place{Sel: m.Sel}
	if a.Op != "" && a.Target == "" {
		place = Place{Tab: TabControl}
	}
	if a.Op == OpJump || a.Op == OpBranch {
		place = Place{Tab: TabWhatIf}
	}
	if len(a.Fields) > 0 {
		f := &Form{Action: a, Place: place}
		f.Fields = append([]Field(nil), a.Fields...)
		for i := range f.Fields {
			if f.Fields[i].Set != nil {
				f.Fields[i].Set = append([]bool(nil), f.Fields[i].Set...)
			}
		}
		m.Form = f
		return
	}
	m.send(a, place)
}

// SubmitForm sends the form's action with what the player filled in.
func (m *Model) SubmitForm() {
	f := m.Form
	if f == nil {
		return
	}
	a := f.Action
	args := map[string]string{}
	for k, v := range a.Args {
		args[k] = v
	}
	for i := range f.Fields {
		fl := &f.Fields[i]
		val := fl.Value()
		if fl.Target {
			a.Target = val
			continue
		}
		if val != "" {
			args[fl.Key] = val
		}
	}
	a.Args = args
	m.Form = nil
	m.send(a, f.Place)
}

// CancelForm closes the form without sending.
func (m *Model) CancelForm() { m.Form = nil }

func (m *Model) send(a Action, place Place) {
	if a.Op == OpJump || a.Op == OpBranch {
		o, err := whatIf(a)
		if err != nil {
			m.notify(place, err.Error(), true)
			return
		}
		o.Ref = m.newRef()
		m.pending[o.Ref] = place
		m.out = append(m.out, o)
		m.notify(place, m.Text.T(locale.KeyAsking), false)
		return
	}
	ref := m.newRef()
	m.pending[ref] = place
	if a.Op != "" {
		m.out = append(m.out, Out{Ref: ref, Kind: OutControl, Verb: a.Op, Target: a.Target, Args: a.Args})
		return
	}
	m.out = append(m.out, Out{Ref: ref, Kind: OutCommand, Verb: a.Verb, Target: a.Target, Args: a.Args})
}

// Control sends a controller's operation (start, pause, resume, pace,
// advance, inject, team) from the control panel.
func (m *Model) Control(op string, args map[string]string) {
	m.send(Action{Op: op, Args: args}, Place{Tab: TabControl})
}

// SendChat sends the chat line to ChatTo.
func (m *Model) SendChat() {
	text := strings.TrimSpace(m.Chat)
	if text == "" || m.ChatTo == "" {
		return
	}
	m.Chat = ""
	ref := m.newRef()
	m.pending[ref] = Place{Tab: TabChat}
	m.out = append(m.out, Out{Ref: ref, Kind: OutChat, Target: m.ChatTo, Text: text})
}

// SendNote saves the note being typed at the current tick.
func (m *Model) SendNote() {
	text := strings.TrimSpace(m.Note)
	if text == "" {
		return
	}
	m.Note = ""
	ref := m.newRef()
	m.pending[ref] = Place{Tab: TabNotes}
	m.out = append(m.out, Out{Ref: ref, Kind: OutNote, Text: text})
}

// Answer shows the server's answer to message ref where it was sent:
// an acknowledgement (when it will apply), the engine's verdict, or a
// refusal (err true, text says why). A final answer closes ref; an
// acknowledgement leaves it open for the verdict that follows.
func (m *Model) Answer(ref int64, text string, err, final bool) {
	place, ok := m.pending[ref]
	if !ok {
		return // not ours, or answered already
	}
	m.Answered++
	if final {
		delete(m.pending, ref)
	}
	m.notify(place, text, err)
}

// notify shows text at place: one notice per place, the latest replaces
// the one before.
func (m *Model) notify(place Place, text string, err bool) {
	n := Notice{Place: place, Text: text, Error: err}
	for i := range m.Notices {
		if m.Notices[i].Place == place {
			m.Notices[i] = n
			return
		}
	}
	m.Notices = append(m.Notices, n)
}

// NoticeAt returns the latest answer shown at place, if any.
func (m *Model) NoticeAt(p Place) (Notice, bool) {
	for _, n := range m.Notices {
		if n.Place == p {
			return n, true
		}
	}
	return Notice{}, false
}

// SetFigures replaces the key figures, sorted by name.
func (m *Model) SetFigures(f []Figure) {
	m.Figures = append(m.Figures[:0], f...)
	sort.Slice(m.Figures, func(i, j int) bool { return m.Figures[i].Name < m.Figures[j].Name })
}
