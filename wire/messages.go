package wire

import "cyberex/engine"

// Message is anything one side sends: its Type names it in the envelope.
type Message interface {
	Type() string
}

// Message types a client sends.
const (
	TypeHello   = "hello"
	TypeCommand = "command"
	TypeControl = "control"
	TypeChat    = "chat"
	TypeNote    = "note"
)

// Message types the server sends.
const (
	TypeWelcome = "welcome"
	TypeView    = "view"
	TypeDelta   = "delta"
	TypeAck     = "ack"
	TypeResult  = "result"
	TypeStatus  = "status"
	TypeNoted   = "noted"
	TypeError   = "error"
	TypeBye     = "bye"
)

// Hello is a client's first message: which protocol it speaks and the join
// code that says who it is. Nothing else is accepted before it.
type Hello struct {
	Protocol int    `json:"protocol" required:"true" doc:"the protocol version the client speaks (wire.Protocol)"`
	Code     string `json:"code" required:"true" doc:"the join code from the link the controller gave"`
	Client   string `json:"client,omitempty" doc:"the client's name and version, for the server's logs"`
	// Since is the last tick the client holds a view of, after a drop: the
	// server sends the events of the ticks after it that the client
	// missed, with the fresh view.
	Since int32 `json:"since,omitempty" doc:"after a reconnect: the last tick the client had; the events it missed since come with the view"`
}

// Command is a team's order to the engine, for its own organisation.
type Command struct {
	Ref    int64             `json:"ref,omitempty" doc:"the client's number for this message, echoed in its ack, result or error"`
	Verb   string            `json:"verb" required:"true" doc:"an engine verb: investigate, contain, request, share, message, ..."`
	Target string            `json:"target,omitempty" doc:"the id of what the verb acts on"`
	Args   map[string]string `json:"args,omitempty" doc:"the verb's arguments"`
}

// Control actions: what the white cell does to the exercise.
const (
	// ControlStart starts the clock of an exercise that is waiting.
	ControlStart = "start"
	// ControlPause stops the clock.
	ControlPause = "pause"
	// ControlResume starts it again.
	ControlResume = "resume"
	// ControlPace sets the pace: MillisPerTick of wall time per tick.
	ControlPace = "pace"
	// ControlAdvance plays a move: Ticks ticks at the pace, then pauses.
	ControlAdvance = "advance"
	// ControlInject delivers Inject now.
	ControlInject = "inject"
	// ControlScript hands Org to its scenario's scripted policy.
	ControlScript = "script"
	// ControlPeople hands Org back to the people playing it.
	ControlPeople = "people"
	// ControlEnd ends the exercise.
	ControlEnd = "end"
)

// ControlActions lists the control actions.
func ControlActions() []string {
	return []string{ControlAdvance, ControlEnd, ControlInject, ControlPace, ControlPause, ControlPeople, ControlResume, ControlScript, ControlStart}
}

// Control is a white cell's act on the exercise. Each is journaled.
type Control struct {
	Ref           int64   `json:"ref,omitempty" doc:"the client's number for this message, echoed in its ack or error"`
	Action        string  `json:"action" required:"true" enum:"control" doc:"what to do"`
	Org           string  `json:"org,omitempty" doc:"script, people: the organisation to hand over"`
	Ticks         int32   `json:"ticks,omitempty" doc:"advance: how many ticks the move lasts"`
	MillisPerTick int64   `json:"ms_per_tick,omitempty" doc:"pace: wall milliseconds per tick (100 is 10 ticks a second)"`
	Inject        *Inject `json:"inject,omitempty" doc:"inject: what to deliver"`
}

// Inject is an ad hoc inject the white cell writes during the exercise.
type Inject struct {
	ID      string   `json:"id,omitempty" doc:"its id (default adhoc-N)"`
	To      []string `json:"to" required:"true" doc:"organisation ids, or [\"all\"]"`
	From    string   `json:"from,omitempty" doc:"who it claims to come from (an e-mail from an operator, a call from a foreign CSIRT)"`
	Subject string   `json:"subject" required:"true"`
	Body    string   `json:"body,omitempty"`
	Expect  string   `json:"expect,omitempty" doc:"what evaluators expect the teams to do (the controller's view only)"`
}

// Chat is a message from a team to another organisation: part of the
// exercise (the engine's message verb), journaled, seen by its recipient
// and the white cell only.
type Chat struct {
	Ref  int64  `json:"ref,omitempty" doc:"the client's number for this message, echoed in its ack, result or error"`
	To   string `json:"to" required:"true" doc:"the organisation it is for"`
	Text string `json:"text" required:"true"`
}

// Note is an evaluator's (or the white cell's) note, kept at the tick it
// was written for the after-action report.
type Note struct {
	Ref  int64  `json:"ref,omitempty" doc:"the client's number for this message, echoed in its noted or error"`
	Text string `json:"text" required:"true"`
}

// Welcome answers a good hello: who the client is in which exercise. The
// client's view follows at once.
type Welcome struct {
	Protocol int    `json:"protocol" required:"true" doc:"the protocol version the server speaks"`
	Server   string `json:"server" required:"true" doc:"the server's program version"`
	Exercise string `json:"exercise" required:"true" doc:"the exercise's id"`
	Title    string `json:"title" required:"true" doc:"the exercise's title"`
	Scenario string `json:"scenario" required:"true" doc:"the scenario's name"`
	Role     string `json:"role" required:"true" enum:"role"`
	Org      string `json:"org,omitempty" doc:"the team's organisation (role team)"`
	// Person is the participant's id in the exercise (a team shared by
	// several people tells them apart by it).
	Person      string `json:"person" required:"true"`
	TickSeconds int32  `json:"tick_seconds" required:"true" doc:"exercise seconds per tick"`
	StartUnix   int64  `json:"start_unix" required:"true" doc:"exercise time of tick 0, seconds since 1970 UTC"`
	// Verbs are the verbs' costs in force (the scenario's overrides of
	// the engine's defaults), so a client shows each action's duration
	// and staff before it is sent.
	Verbs  []engine.VerbSpec `json:"verbs" required:"true"`
	Status Status            `json:"status" required:"true"`
}

// Ack says a command, control or chat is journaled (on disk) and will be
// applied at Tick: its engine id is ID. The engine's verdict follows in a
// Result after that tick.
type Ack struct {
	Ref  int64 `json:"ref" required:"true"`
	ID   int64 `json:"id" required:"true" doc:"the id the engine assigned the command"`
	Tick int32 `json:"tick" required:"true" doc:"the tick it is applied at"`
	// Paused says the clock stands: Tick comes when the white cell
	// resumes or plays the next move.
	Paused bool `json:"paused,omitempty"`
}

// Result is the engine's verdict on an acknowledged command, after the
// tick that applied it: accepted (and when it starts: now, or behind
// Ahead earlier actions waiting for staff) or rejected, and why.
type Result struct {
	Ref      int64  `json:"ref" required:"true"`
	ID       int64  `json:"id" required:"true"`
	Tick     int32  `json:"tick" required:"true"`
	Accepted bool   `json:"accepted" required:"true"`
	Text     string `json:"text" required:"true" doc:"the engine's words: what was accepted, or why not"`
	// Started says staff took it up at Tick; otherwise it waits behind
	// Ahead earlier actions of the organisation.
	Started bool  `json:"started,omitempty"`
	Ahead   int32 `json:"ahead,omitempty"`
	// Done is the tick it completes when it started.
	Done int32 `json:"done,omitempty"`
}

// Status is where the exercise stands; the server sends it when it
// changes (and in Welcome).
type Status struct {
	Tick          int32  `json:"tick" required:"true"`
	State         string `json:"state" required:"true" enum:"state"`
	MillisPerTick int64  `json:"ms_per_tick" required:"true" doc:"the pace: wall milliseconds per tick"`
	// MoveLeft is how many ticks of the current move remain (0 when not
	// playing a move).
	MoveLeft int32 `json:"move_left,omitempty"`
	// Story is why the scenario's story stopped (file, line, tick), for
	// the white cell and observers; the world goes on without it.
	Story string `json:"story,omitempty"`
	// Error is why the exercise failed (StateFailed).
	Error string `json:"error,omitempty"`
	// Teams says who plays each organisation (white cell and observers
	// only).
	Teams []Team `json:"teams,omitempty"`
}

// Team is how one organisation is played.
type Team struct {
	Org      string `json:"org" required:"true"`
	People   int32  `json:"people" required:"true" doc:"connections playing it now"`
	Scripted bool   `json:"scripted" required:"true" doc:"its scenario's script plays it"`
}

// Noted is a note as kept: sent to the white cell and the observers.
type Noted struct {
	Ref    int64  `json:"ref,omitempty" doc:"the ref of the note message, for its writer"`
	ID     int64  `json:"id" required:"true"`
	Tick   int32  `json:"tick" required:"true"`
	Unix   int64  `json:"unix" required:"true" doc:"wall time it was written, seconds since 1970 UTC"`
	Author string `json:"author" required:"true" doc:"the person who wrote it"`
	Text   string `json:"text" required:"true"`
}

// Error codes: what went wrong, for a program; Message says it for people.
const (
	// ErrProtocol: the hello's protocol version is not spoken here.
	ErrProtocol = "protocol"
	// ErrCode: the join code is wrong, revoked or for an exercise that
	// is gone. The connection closes.
	ErrCode = "code"
	// ErrMalformed: not a message of this protocol (bad JSON, unknown
	// field, a field of the wrong type or beyond its bound).
	ErrMalformed = "malformed"
	// ErrUnknownType: a type this protocol does not have.
	ErrUnknownType = "unknown_type"
	// ErrHelloFirst: a message before hello, or a second hello.
	ErrHelloFirst = "hello_first"
	// ErrForbidden: the role may not send it.
	ErrForbidden = "forbidden"
	// ErrRejected: the exercise refused it (its state, its arguments).
	ErrRejected = "rejected"
	// ErrRateLimited: too many messages; slow down.
	ErrRateLimited = "rate_limited"
	// ErrEnded: the exercise is over.
	ErrEnded = "ended"
	// ErrServer: the server failed (its journal); the command was not kept.
	ErrServer = "server"
)

// ErrorCodes lists the error codes.
func ErrorCodes() []string {
	return []string{ErrCode, ErrEnded, ErrForbidden, ErrHelloFirst, ErrMalformed, ErrProtocol, ErrRateLimited, ErrRejected, ErrServer, ErrUnknownType}
}

// Error says a message was refused, and why. Ref is the refused message's
// ref when it had one.
type Error struct {
	Ref     int64  `json:"ref,omitempty"`
	Code    string `json:"code" required:"true" enum:"error"`
	Message string `json:"message" required:"true"`
}

// Bye codes: why the server closes a connection.
const (
	ByeShutdown = "shutdown" // the server stops; reconnect later
	ByeSlow     = "slow"     // the client read too slowly; reconnect
	ByeRevoked  = "revoked"  // the join code was revoked
	ByeArchived = "archived" // the exercise was archived
	ByeProtocol = "protocol" // the client speaks another protocol version
	ByeCode     = "code"     // the join code is wrong or revoked
)

// ByeCodes lists the bye codes.
func ByeCodes() []string {
	return []string{ByeArchived, ByeCode, ByeProtocol, ByeRevoked, ByeShutdown, ByeSlow}
}

// Bye is the server's last message before it closes the connection.
type Bye struct {
	Code    string `json:"code" required:"true" enum:"bye"`
	Message string `json:"message" required:"true"`
	// Reconnect says the client may connect again with the same code.
	Reconnect bool `json:"reconnect"`
}

func (Hello) Type() string   { return TypeHello }
func (Command) Type() string { return TypeCommand }
func (Control) Type() string { return TypeControl }
func (Chat) Type() string    { return TypeChat }
func (Note) Type() string    { return TypeNote }
func (Welcome) Type() string { return TypeWelcome }
func (Ack) Type() string     { return TypeAck }
func (Result) Type() string  { return TypeResult }
func (Status) Type() string  { return TypeStatus }
func (Noted) Type() string   { return TypeNoted }
func (Error) Type() string   { return TypeError }
func (Bye) Type() string     { return TypeBye }

// View is the client's whole view of the exercise: sent after welcome, and
// again after a reconnect. Deltas follow from the next tick.
type View struct {
	View *engine.View `json:"view" required:"true" doc:"what the client's organisation knows (the whole world for the white cell and observers)"`
	// Missed are the events of the ticks after hello's since that the
	// client saw, when since was given; Complete says the server's
	// history reached back that far.
	Missed   []engine.Event `json:"missed,omitempty"`
	Complete bool           `json:"complete,omitempty"`
}

// Delta is one tick's change of the client's view (engine.ViewDelta: apply
// it with View.Apply), with the events the client saw in that tick.
type Delta struct {
	engine.ViewDelta
	// Metrics are the exercise's key figures now (white cell and
	// observers only).
	Metrics []engine.Metric `json:"metrics,omitempty"`
}

func (View) Type() string  { return TypeView }
func (Delta) Type() string { return TypeDelta }
