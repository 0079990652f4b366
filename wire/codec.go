package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// envelope is a message as it travels.
type envelope struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// Encode writes a message in its envelope. The envelope is written around
// the encoded data rather than marshalled: marshalling a RawMessage scans
// and copies it again, and a delta is encoded once per audience every
// tick. The data is encoded straight after the envelope's head (an
// Encoder writes its buffer once; Marshal copies it out, and the envelope
// copied that again: a team's whole view on a join is megabytes, encoded
// in the exercise's loop). The bytes are the same as
// json.Marshal(envelope{...}) would give.
func Encode(m Message) ([]byte, error) {
	t := m.Type()
	if !plainType(t) {
		data, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", t, err)
		}
		return json.Marshal(envelope{Type: t, Data: data})
	}
	var buf bytes.Buffer
	buf.WriteString(envTypeKey)
	buf.WriteString(t)
	buf.WriteString(envDataKey)
	// An Encoder escapes HTML as Marshal does, and ends the value with a
	// newline: the envelope's closing brace takes its place.
	if err := json.NewEncoder(&buf).Encode(m); err != nil {
		return nil, fmt.Errorf("encode %s: %w", t, err)
	}
	out := buf.Bytes()
	out[len(out)-1] = '}'
	return out, nil
}

// The envelope as Encode writes it: {"type":"T","data":DATA}.
const (
	envTypeKey = `{"type":"`
	envDataKey = `","data":`
)

// plainType says whether a type name needs no escaping in JSON (every
// type of this package: lower-case letters and underscores).
func plainType(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// canonical splits a message written exactly as Encode writes it into
// its type and data, without decoding the envelope (which would scan the
// data twice more). ok is false for any other spelling, which the full
// decoder then reads (and explains, when it is wrong).
func canonical(b []byte) (typ string, data []byte, ok bool) {
	if !bytes.HasPrefix(b, []byte(envTypeKey)) || len(b) == 0 || b[len(b)-1] != '}' {
		return "", nil, false
	}
	rest := b[len(envTypeKey) : len(b)-1]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 || !plainType(string(rest[:end])) || !bytes.HasPrefix(rest[end:], []byte(envDataKey)) {
		return "", nil, false
	}
	return string(rest[:end]), rest[end+len(envDataKey):], true
}

// DecodeError is a message that could not be decoded: Code is ErrMalformed
// or ErrUnknownType, and the text says what and where.
type DecodeError struct {
	Code string
	Err  error
}

func (e *DecodeError) Error() string { return e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

func malformed(format string, args ...any) error {
	return &DecodeError{Code: ErrMalformed, Err: fmt.Errorf(format, args...)}
}

// clientTypes and serverTypes make an empty message of each type.
var clientTypes = map[string]func() Message{
	TypeHello:   func() Message { return new(Hello) },
	TypeCommand: func() Message { return new(Command) },
	TypeControl: func() Message { return new(Control) },
	TypeChat:    func() Message { return new(Chat) },
	TypeNote:    func() Message { return new(Note) },
	TypeWhatIf:  func() Message { return new(WhatIf) },
}

var serverTypes = map[string]func() Message{
	TypeWelcome:  func() Message { return new(Welcome) },
	TypeView:     func() Message { return new(View) },
	TypeDelta:    func() Message { return new(Delta) },
	TypeAck:      func() Message { return new(Ack) },
	TypeResult:   func() Message { return new(Result) },
	TypeStatus:   func() Message { return new(Status) },
	TypeNoted:    func() Message { return new(Noted) },
	TypeError:    func() Message { return new(Error) },
	TypeBye:      func() Message { return new(Bye) },
	TypePast:     func() Message { return new(Past) },
	TypeBranched: func() Message { return new(Branched) },
}

// ClientTypes and ServerTypes list the message types of each side, sorted.
func ClientTypes() []string { return sortedKeys(clientTypes) }
func ServerTypes() []string { return sortedKeys(serverTypes) }

func sortedKeys(m map[string]func() Message) []string {
	out := make([]string, 0, len(m))
	// map-order: sorted below.
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// DecodeClient reads one message a client sent, strictly: one JSON
// object, no unknown field, every field of its type, within its bounds.
// The result is a pointer to the message (*Hello, *Command, ...). An
// error is a *DecodeError.
func DecodeClient(b []byte) (Message, error) {
	m, err := decode(b, clientTypes, "a client")
	if err != nil {
		return nil, err
	}
	if c, ok := m.(interface{ check() error }); ok {
		if err := c.check(); err != nil {
			return nil, malformed("%s: %w", m.Type(), err)
		}
	}
	return m, nil
}

// DecodeServer reads one message the server sent, as strictly: a client
// that meets a field it does not know is told at once that the server
// speaks a newer protocol.
func DecodeServer(b []byte) (Message, error) {
	return decode(b, serverTypes, "the server")
}

func decode(b []byte, types map[string]func() Message, who string) (Message, error) {
	if len(b) > MessageBytesMax && who == "a client" {
		return nil, malformed("message of %d bytes: at most %d", len(b), MessageBytesMax)
	}
	if !utf8.Valid(b) {
		return nil, malformed("message is not valid UTF-8")
	}
	// Most messages are spelled as Encode spells them: their data is
	// decoded straight away. The data must then be exactly one JSON value,
	// so the whole message is exactly one envelope; anything else is read
	// again below, which says what is wrong with it.
	if typ, data, ok := canonical(b); ok {
		if mk, ok := types[typ]; ok && !bytes.Equal(data, []byte("null")) {
			m := mk()
			if strict(data, m) == nil {
				return m, nil
			}
		}
	}
	var env envelope
	if err := strict(b, &env); err != nil {
		return nil, malformed("message: %v (want {\"type\": ..., \"data\": {...}})", err)
	}
	if env.Type == "" {
		return nil, malformed("message has no type")
	}
	mk, ok := types[env.Type]
	if !ok {
		return nil, &DecodeError{Code: ErrUnknownType, Err: fmt.Errorf("unknown message type %q from %s (one of: %v)", clip(env.Type), who, sortedKeys(types))}
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return nil, malformed("%s: no data", env.Type)
	}
	m := mk()
	if err := strict(env.Data, m); err != nil {
		return nil, malformed("%s: %v", env.Type, err)
	}
	return m, nil
}

// strict decodes exactly one JSON value with no unknown fields.
func strict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value")
	}
	return nil
}

// clip shortens untrusted text quoted in an error.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	for i := n; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}

func checkLen(field, s string, maxBytes int) error {
	if len(s) > maxBytes {
		return fmt.Errorf("%s: %d bytes, at most %d", field, len(s), maxBytes)
	}
	return nil
}

func checkName(field, s string) error {
	if err := checkLen(field, s, NameBytesMax); err != nil {
		return err
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s: control character %U", field, r)
		}
	}
	return nil
}

func (m *Hello) check() error {
	if m.Protocol == 0 {
		return errors.New("protocol: missing (the version the client speaks)")
	}
	if m.Code == "" {
		return errors.New("code: missing (the join code)")
	}
	if m.Since < 0 {
		return fmt.Errorf("since: %d is negative", m.Since)
	}
	if err := checkLen("code", m.Code, CodeBytesMax); err != nil {
		return err
	}
	return checkName("client", m.Client)
}

func (m *Command) check() error {
	if m.Verb == "" {
		return errors.New("verb: missing")
	}
	if err := checkName("verb", m.Verb); err != nil {
		return err
	}
	if err := checkName("target", m.Target); err != nil {
		return err
	}
	if len(m.Args) > ArgsMax {
		return fmt.Errorf("args: %d, at most %d", len(m.Args), ArgsMax)
	}
	keys := make([]string, 0, len(m.Args))
	// map-order: sorted below, so the first error is the same every time.
	for k := range m.Args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m.Args[k]
		if k == "" {
			return errors.New("args: an empty key")
		}
		if err := checkName("args key", k); err != nil {
			return err
		}
		if err := checkLen("args."+clip(k), v, TextBytesMax); err != nil {
			return err
		}
	}
	return nil
}

func (m *Control) check() error {
	if !slices.Contains(ControlActions(), m.Action) {
		return fmt.Errorf("action: %q is not one of %v", clip(m.Action), ControlActions())
	}
	if err := checkName("org", m.Org); err != nil {
		return err
	}
	if m.Ticks < 0 || m.MillisPerTick < 0 {
		return errors.New("ticks and ms_per_tick cannot be negative")
	}
	if in := m.Inject; in != nil {
		if len(in.To) == 0 {
			return errors.New("inject.to: missing (organisation ids, or [\"all\"])")
		}
		if len(in.To) > ArgsMax {
			return fmt.Errorf("inject.to: %d organisations, at most %d", len(in.To), ArgsMax)
		}
		for _, o := range in.To {
			if err := checkName("inject.to", o); err != nil {
				return err
			}
		}
		if in.Subject == "" {
			return errors.New("inject.subject: missing")
		}
		for _, f := range []struct{ name, v string }{{"inject.id", in.ID}, {"inject.from", in.From}, {"inject.subject", in.Subject}} {
			if err := checkName(f.name, f.v); err != nil {
				return err
			}
		}
		for _, f := range []struct{ name, v string }{{"inject.body", in.Body}, {"inject.expect", in.Expect}} {
			if err := checkLen(f.name, f.v, TextBytesMax); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Chat) check() error {
	if m.To == "" {
		return errors.New("to: missing (the organisation it is for)")
	}
	if m.Text == "" {
		return errors.New("text: empty")
	}
	if err := checkName("to", m.To); err != nil {
		return err
	}
	return checkLen("text", m.Text, TextBytesMax)
}

func (m *Note) check() error {
	if m.Text == "" {
		return errors.New("text: empty")
	}
	return checkLen("text", m.Text, TextBytesMax)
}
