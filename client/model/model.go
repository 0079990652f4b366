// Package model is the client's view model: what the server sent (the
// organisation's engine.View and the exercise's status), what the player
// is doing with it (selection, open panel, forms, what was read), and the
// commands waiting to go out. It is plain Go, driven by method calls, so
// every behaviour of the client is tested without a window or a network.
//
// It decides no outcome: it shows the view, offers the actions that fit
// what is selected, and sends commands; the server accepts or refuses
// them, and that answer is shown where the action was taken.
package model

import (
	"time"

	"cyberex/client/locale"
	"cyberex/client/theme"
	"cyberex/engine"
)

// Role is what the person at this client plays.
type Role uint8

const (
	RoleTeam Role = iota
	RoleController
	RoleObserver
)

// Conn is the state of the connection to the server.
type Conn uint8

const (
	Connecting Conn = iota
	Connected
	Disconnected
)

// Status is the exercise's state as the server reports it.
type Status struct {
	Started bool
	Paused  bool
	Ended   bool
	// MillisPerTick is the pace: wall milliseconds per tick.
	MillisPerTick int64
	// MoveLeft is how many ticks of a move remain (0: no move).
	MoveLeft int32
	// Problem is why the story stopped or the exercise failed, for the
	// white cell.
	Problem string
}

// TicksPerSecond is the pace as a player reads it (0 when unknown).
func (s Status) TicksPerSecond() float64 {
	if s.MillisPerTick <= 0 {
		return 0
	}
	return 1000 / float64(s.MillisPerTick)
}

// Tab is the side panel shown.
type Tab uint8

const (
	TabInbox Tab = iota
	TabRequests
	TabReports
	TabQueue
	TabInfra
	TabChat
	TabControl // controller only
	TabNotes   // observer and controller
	TabWhatIf  // controller only: look back, fork branches
	TabHelp
	TabCount
)

// Welcome is what the server says once a join succeeds.
type Welcome struct {
	Role        Role
	Org         string
	Title       string
	TickSeconds int32
	// Verbs are the costs in force (the scenario's overrides included).
	Verbs []engine.VerbSpec
}

// Model is the whole state of one client.
type Model struct {
	Text  locale.Table
	Theme *theme.Theme
	// PlayerZone is the player's own time zone (the machine's or the
	// browser's).
	PlayerZone *time.Location

	Welcome
	View   *engine.View
	Status Status
	Conn   Conn
	// JoinError is why the server turned the join down ("" if it did not).
	JoinError string
	// Teams says who plays each organisation (controller and observer).
	Teams []Team
	// Figures are key figures (controller and observer), sorted by name.
	Figures []Figure

	Tab Tab
	Sel Sel
	// Form is the action being composed, or nil.
	Form *Form
	// Read marks inbox items (inject and message ids) the player opened.
	Read map[string]bool
	// Notices are answers to what the player sent, by where it was sent.
	Notices []Notice
	// Answered counts the server's answers so far.
	Answered int
	// Chat and Note are the text being typed in the chat and notes boxes.
	Chat, Note string
	// ChatTo is who the chat line goes to (an organisation id).
	ChatTo string

	// Map is the network map's derived data: assets grouped by segment,
	// with their state; rebuilt when the set of assets changes.
	Map MapData

	// Past is set while the white cell looks back at a past tick: View
	// is then the world at that tick, and live the exercise now.
	Past *Past
	live *engine.View
	// Branches are the what-if branches forked from this console, newest
	// first; Shown is the one compared on the what-if panel.
	Branches []Branch
	Shown    int

	out     []Out
	pending map[int64]Place
	nextRef int64
}

// Team is how one organisation is played.
type Team struct {
	Org      string
	People   int32
	Scripted bool
}

// Figure is one key figure of the exercise.
type Figure struct {
	Name  string
	Value int64
}

// New returns an empty model: connecting, nothing known yet.
func New(text locale.Table) *Model {
	return &Model{
		Text:       text,
		Theme:      &theme.Normal,
		PlayerZone: time.Local,
		Read:       map[string]bool{},
		pending:    map[int64]Place{},
	}
}

// ToggleContrast switches between the normal and the high-contrast theme.
func (m *Model) ToggleContrast() {
	if m.Theme == &theme.HighContrast {
		m.Theme = &theme.Normal
	} else {
		m.Theme = &theme.HighContrast
	}
}

// Join records the server's welcome.
func (m *Model) Join(w Welcome) {
	m.Welcome = w
	m.Conn = Connected
	m.JoinError = ""
	if m.TickSeconds <= 0 {
		m.TickSeconds = 60
	}
	if w.Role != RoleTeam && m.Tab < TabControl {
		m.Tab = TabControl
		if w.Role == RoleObserver {
			m.Tab = TabNotes
		}
	}
}

// SetStatus records where the exercise stands.
func (m *Model) SetStatus(st Status) {
	m.Status = st
	if m.View != nil && m.View.Ended {
		m.Status.Ended = true
	}
}

// SetSnapshot replaces the view (on join and after a reconnect).
func (m *Model) SetSnapshot(v *engine.View) {
	m.Past, m.live = nil, nil
	m.View = v
	m.Status.Ended = m.Status.Ended || v.Ended
	m.Map.Rebuild(v)
	m.dropStaleSelection()
}

// ApplyDelta brings the view forward by one delta. An error means the
// delta does not fit the view (a missed message): the caller asks for a
// snapshot again.
func (m *Model) ApplyDelta(d *engine.ViewDelta) error {
	if m.live != nil {
		// Looking back: the live view follows in the background.
		return m.live.Apply(d)
	}
	if m.View == nil {
		return errNoView
	}
	// The common tick changes some assets' state and adds or removes
	// none: those are replaced in place through the map's index, which
	// spares engine's Apply a lookup table of every asset and a sort.
	full := d
	inPlace := d.Org == m.View.Org && d.From == m.View.Tick && m.Map.replaceable(m.View, d.Assets)
	if inPlace {
		dd := *d
		dd.Assets = nil
		full = &dd
	}
	if err := m.View.Apply(full); err != nil {
		return err
	}
	if inPlace {
		m.Map.replace(m.View, d.Assets)
	}
	m.Status.Ended = m.Status.Ended || m.View.Ended
	if !inPlace && d.Assets != nil || d.Segments != nil {
		m.Map.Update(m.View, d)
	}
	m.dropStaleSelection()
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }

const errNoView = errString("a delta before any view")

// Zone is the exercise's time zone: the jurisdiction of the player's
// organisation, or the first jurisdiction for the white cell.
func (m *Model) Zone() locale.Zone {
	if m.View == nil || len(m.View.Jurisdictions) == 0 {
		return locale.Zone{Name: "UTC"}
	}
	want := ""
	if m.View.Self != nil {
		want = m.View.Self.Jurisdiction
	}
	for _, j := range m.View.Jurisdictions {
		if j.ID == want {
			return locale.Zone{Name: j.ID, OffsetMinutes: j.UTCOffsetMinutes}
		}
	}
	j := m.View.Jurisdictions[0]
	return locale.Zone{Name: j.ID, OffsetMinutes: j.UTCOffsetMinutes}
}

// Clock writes the view's exercise time in both zones.
func (m *Model) Clock() string {
	if m.View == nil {
		return ""
	}
	return m.Text.Clock(m.View.Clock, m.Zone(), m.PlayerZone)
}

// Ticks writes a number of ticks as exercise time ("3 h 20 min").
func (m *Model) Ticks(n int32) string {
	return m.Text.Duration(int64(n) * int64(m.TickSeconds))
}

// newRef is the number of one outgoing message; the server's answer
// carries it back.
func (m *Model) newRef() int64 {
	m.nextRef++
	return m.nextRef
}

// Outbox returns the messages waiting to go out and empties it.
func (m *Model) Outbox() []Out {
	o := m.out
	m.out = nil
	return o
}

// Unread counts inbox items not yet opened.
func (m *Model) Unread() int {
	if m.View == nil {
		return 0
	}
	n := 0
	for i := range m.View.Injects {
		if !m.Read[m.View.Injects[i].ID] {
			n++
		}
	}
	for i := range m.View.Messages {
		if mm := &m.View.Messages[i]; mm.From != m.Org && !m.Read[mm.ID] {
			n++
		}
	}
	return n
}
