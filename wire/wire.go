// Package wire is the websocket protocol between the exercise server
// (`cyberex serve`) and its clients: every message either side sends, its
// JSON form, and the strict decoder both sides use. docs/protocol.md
// describes it for people writing a client in another language, with the
// JSON Schemas generated from these types (docs/protocol.schema.json).
//
// Every message is one websocket text frame holding one JSON object:
//
//	{"type": "command", "data": {"ref": 7, "verb": "investigate", "target": "web-1"}}
//
// The first message of a client is hello, with the protocol version it
// speaks and its join code; the server answers welcome (or an error and
// closes), then the client's view, then a delta after every tick.
//
// The package is plain data and encoding/json: it imports nothing that
// needs the network or cgo, so the browser client (GOOS=js GOARCH=wasm)
// shares it with the server.
package wire

// Protocol is the version of the protocol this package speaks. A change
// that an older client could misread raises it; the server refuses a
// hello with a version it does not speak, with an error that says which
// it speaks (ErrProtocol).
const Protocol = 1

// ProtocolMin is the oldest version the server still accepts.
const ProtocolMin = 1

// Limits of what a client may send. The server closes a connection whose
// message exceeds MessageBytesMax (its websocket read limit) and answers
// an error for a field beyond its bound.
const (
	// MessageBytesMax bounds one message from a client.
	MessageBytesMax = 64 << 10
	// CodeBytesMax bounds a join code as sent in hello.
	CodeBytesMax = 128
	// ClientBytesMax bounds the client's self-description in hello.
	ClientBytesMax = 128
	// TextBytesMax bounds a chat message, a note or an inject's body.
	TextBytesMax = 8 << 10
	// NameBytesMax bounds a verb, a target, an organisation id or an
	// argument key (the journal's own bound).
	NameBytesMax = 256
	// ArgsMax bounds the arguments of one command (the journal's own bound).
	ArgsMax = 64
)

// Roles a join code grants.
const (
	// RoleController is the white cell: drives the exercise, sees the
	// whole world.
	RoleController = "controller"
	// RoleTeam plays one organisation and sees only its view.
	RoleTeam = "team"
	// RoleObserver sees the whole world, acts on nothing, writes notes.
	RoleObserver = "observer"
)

// Roles lists the roles.
func Roles() []string { return []string{RoleController, RoleObserver, RoleTeam} }

// States of an exercise, as Status.State says them.
const (
	// StateWaiting: created, not started yet; the white cell starts it.
	StateWaiting = "waiting"
	// StateRunning: the clock runs at the pace set.
	StateRunning = "running"
	// StatePaused: the clock stands; commands are accepted and wait for
	// the next tick (discussion between moves).
	StatePaused = "paused"
	// StateEnded: the exercise is over; nothing more is accepted.
	StateEnded = "ended"
	// StateFailed: the exercise stopped on an error of the server (its
	// journal could not be written); Status.Error says why.
	StateFailed = "failed"
)

// States lists the states of an exercise.
func States() []string {
	return []string{StateWaiting, StateRunning, StatePaused, StateEnded, StateFailed}
}

// Path is where the server accepts websocket connections; a browser client
// served at / derives the address from its page's (ws://HOST:PORT/ws).
const Path = "/ws"
