package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cyberex/engine"
)

// Read parses a journal. name labels error messages (usually the file
// name). A last line without its newline is a write torn by a crash: it is
// dropped with a warning in Journal.Warnings. Any other damage is an *Error
// naming the line.
func Read(r io.Reader, name string) (*Journal, error) {
	j := &Journal{name: name}
	o := newOrder()
	args := 0
	sawHeader := false
	err := scanLines(r, name, func(n int, line []byte, last bool, offset int64) error {
		if last {
			// The writer ends every record with a newline and acknowledges
			// nothing before it is on disk, so a line without one was being
			// written when the program stopped.
			j.Warnings = append(j.Warnings, fmt.Sprintf("%s:%d: torn last line ignored (%d bytes without a newline): the run stopped while writing it", name, n, len(line)))
			return nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			return fmt.Errorf("empty line")
		}
		rec, err := parseRecord(line, "")
		if err != nil {
			return err
		}
		if !sawHeader {
			if rec.kind != "header" {
				return fmt.Errorf("%s: a journal starts with a header record", rec.kind)
			}
			sawHeader = true
			j.Header = rec.header
			j.Size = offset
			return nil
		}
		switch rec.kind {
		case "header":
			return fmt.Errorf("header: only allowed on line 1")
		case "command":
			if err := o.command(rec.cmd.Tick); err != nil {
				return fmt.Errorf("command: %w", err)
			}
			if args += len(rec.cmd.Args); args > ArgsTotalMax {
				return fmt.Errorf("command: more than %d arguments in the file", ArgsTotalMax)
			}
			o.commandDone(rec.cmd.Tick)
			j.Commands = append(j.Commands, rec.cmd)
			j.lines.commands = append(j.lines.commands, n)
		case "hash":
			if err := o.hash(rec.check.Tick); err != nil {
				return fmt.Errorf("hash: %w", err)
			}
			o.hashDone(rec.check.Tick)
			j.Hashes = append(j.Hashes, rec.check)
			j.lines.hashes = append(j.lines.hashes, n)
		case "end":
			if err := o.end(rec.check.Tick); err != nil {
				return fmt.Errorf("end: %w", err)
			}
			o.ended, o.last = true, "end"
			c := rec.check
			j.End, j.lines.end = &c, n
		case "failed":
			if err := o.failed(rec.failure.Tick); err != nil {
				return fmt.Errorf("failed: %w", err)
			}
			o.ended, o.last = true, "failed"
			f := rec.failure
			j.Failed, j.lines.failed = &f, n
		case "story_stopped":
			if err := o.storyStopped(rec.failure.Tick); err != nil {
				return err
			}
			o.story = true
			f := rec.failure
			j.StoryStopped, j.lines.storyStopped = &f, n
		}
		j.Size = offset
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sawHeader {
		if len(j.Warnings) > 0 {
			return nil, &Error{Name: name, Line: 1, Reason: "header incomplete (no newline): the run stopped while writing it"}
		}
		return nil, &Error{Name: name, Reason: "empty: a journal starts with a header record"}
	}
	return j, nil
}

// ReadFile reads the journal at path. A file larger than FileBytesMax is
// refused before anything is read.
func ReadFile(path string) (*Journal, error) {
	f, err := openBounded(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// openBounded opens a file to read, refusing at once one that the system
// says is larger than FileBytesMax (a pipe has no size: scanLines stops it
// once it has sent more).
func openBounded(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() && info.Size() > FileBytesMax {
		f.Close()
		return nil, &Error{Name: path, Reason: fmt.Sprintf("file of %d bytes, longer than %d (%d MiB): refused unread", info.Size(), FileBytesMax, FileBytesMax>>20)}
	}
	return f, nil
}

// Commands is a commands file (--commands FILE): the command records of
// the journal format, one per line, optionally after a header. In a
// commands file "type" may be left out (a line is a command), and blank
// lines are allowed; hash and end records are not (replay a whole journal
// with `cyberex replay`).
type Commands struct {
	// Header is the file's header line, if it had one.
	Header *Header
	// List holds the commands sorted by tick; commands of one tick keep
	// their order in the file, which is the order Step applies them in.
	List []engine.Command
	// Lines holds the line of each command of List in the file.
	Lines []int
	// Name is the file's name as given to the reader.
	Name string
}

// ReadCommands parses a commands file. name labels error messages.
func ReadCommands(r io.Reader, name string) (*Commands, error) {
	cs := &Commands{Name: name}
	var lines []int
	args := 0
	seen := false // a non-blank line
	err := scanLines(r, name, func(n int, line []byte, _ bool, _ int64) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		first := !seen
		seen = true
		rec, err := parseRecord(line, "command")
		if err != nil {
			return err
		}
		switch rec.kind {
		case "header":
			if !first {
				return fmt.Errorf("header: only allowed on the first line")
			}
			h := rec.header
			cs.Header = &h
		case "command":
			if len(cs.List) >= CommandsMax {
				return fmt.Errorf("command: more than %d commands", CommandsMax)
			}
			if args += len(rec.cmd.Args); args > ArgsTotalMax {
				return fmt.Errorf("command: more than %d arguments in the file", ArgsTotalMax)
			}
			cs.List = append(cs.List, rec.cmd)
			lines = append(lines, n)
		default:
			return fmt.Errorf("%s: not allowed in a commands file, which holds only commands (replay a journal with `cyberex replay`)", rec.kind)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Sort by tick, keeping the file's order within a tick (and each
	// command's line).
	order := make([]int, len(cs.List))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(cs.List[a].Tick) - int(cs.List[b].Tick) })
	list := make([]engine.Command, len(order))
	cs.Lines = make([]int, len(order))
	for i, k := range order {
		list[i], cs.Lines[i] = cs.List[k], lines[k]
	}
	cs.List = list
	return cs, nil
}

// ReadCommandsFile reads the commands file at path.
func ReadCommandsFile(path string) (*Commands, error) {
	f, err := openBounded(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCommands(f, filepath.Clean(path))
}

// scanLines calls fn with each line (without its newline), its 1-based
// number, whether it is a last line missing its newline, and the offset
// just past it. It enforces LineBytesMax and FileBytesMax, and turns fn's
// errors into *Error.
func scanLines(r io.Reader, name string, fn func(n int, line []byte, unterminated bool, offset int64) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	var offset int64
	for n := 1; ; n++ {
		line = line[:0]
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			line = append(line, chunk...)
			if len(line) > LineBytesMax+2 { // room for "\r\n"
				return &Error{Name: name, Line: n, Reason: fmt.Sprintf("line longer than %d bytes", LineBytesMax)}
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return &Error{Name: name, Line: n, Reason: "read: " + err.Error()}
		}
		offset += int64(len(line))
		if offset > FileBytesMax {
			return &Error{Name: name, Line: n, Reason: fmt.Sprintf("file longer than %d bytes", FileBytesMax)}
		}
		if err == io.EOF {
			if len(line) == 0 {
				return nil
			}
			if e := fn(n, line, true, offset); e != nil {
				return &Error{Name: name, Line: n, Reason: e.Error()}
			}
			return nil
		}
		body := bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
		if len(body) > LineBytesMax {
			return &Error{Name: name, Line: n, Reason: fmt.Sprintf("line longer than %d bytes", LineBytesMax)}
		}
		if e := fn(n, body, false, offset); e != nil {
			return &Error{Name: name, Line: n, Reason: e.Error()}
		}
	}
}

// ---- one record ----

type record struct {
	kind    string
	header  Header
	cmd     engine.Command
	check   Checkpoint
	failure Failure
}

// field is one member of a JSON object, in file order.
type field struct {
	name string
	raw  json.RawMessage
}

// objectFields splits a JSON object into its members, in file order, each
// value as raw JSON. Duplicate names are kept for noDuplicates to reject
// (encoding/json would silently keep the last).
//
// The line is validated as a whole first (json.Valid, which allocates
// nothing); the split below then only walks valid JSON. It is several
// times faster than json.Decoder's Token, which matters when a server
// resumes from a long journal.
func objectFields(b []byte) ([]field, error) {
	if !json.Valid(b) {
		var v json.RawMessage
		return nil, jsonError(json.Unmarshal(b, &v))
	}
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, fmt.Errorf("want a JSON object")
	}
	i = skipSpace(b, i+1)
	var out []field
	for i < len(b) && b[i] != '}' {
		end := skipValue(b, i) // the name, a string
		name, ok := jsonString(b[i:end])
		if !ok {
			return nil, fmt.Errorf("invalid JSON: want a field name")
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("invalid JSON: want ':'")
		}
		i = skipSpace(b, i+1)
		end = skipValue(b, i)
		out = append(out, field{name, json.RawMessage(b[i:end])})
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return out, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i]; b is valid
// JSON.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		for i++; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		return min(i+1, len(b))
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipValue(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}

func noDuplicates(fs []field) error {
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if seen[f.name] {
			return fmt.Errorf("duplicate field %q", clip(f.name))
		}
		seen[f.name] = true
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) && strings.Contains(se.Error(), "after top-level value") {
		return fmt.Errorf("unexpected data after the JSON object")
	}
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("invalid JSON: unexpected end of line")
	}
	return fmt.Errorf("invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// members are the fields of one record.
type members struct {
	fields []field
}

func (m *members) raw(name string) json.RawMessage {
	for _, f := range m.fields {
		if f.name == name {
			return f.raw
		}
	}
	return nil
}

// only rejects fields the record kind does not have.
func (m *members) only(names ...string) error {
	for _, f := range m.fields {
		if !slices.Contains(names, f.name) {
			return fmt.Errorf("unknown field %q", clip(f.name))
		}
	}
	return nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func (m *members) str(name string, required bool, dst *string) error {
	raw := m.raw(name)
	if raw == nil {
		if required {
			return fmt.Errorf("%s missing", name)
		}
		return nil
	}
	v, ok := jsonString(raw)
	if !ok {
		return fmt.Errorf("%s: want a string", name)
	}
	*dst = v
	return nil
}

// jsonString decodes a JSON string value (raw is valid JSON: the decoder
// checked it), without encoding/json for the common case of no escapes.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	return v, true
}

// integer reads a JSON integer into dst (an *int32, *int64 or *uint64).
func (m *members) integer(name string, required bool, dst any, want string) error {
	raw := m.raw(name)
	if raw == nil {
		if required {
			return fmt.Errorf("%s missing", name)
		}
		return nil
	}
	// raw is valid JSON: a number has no sign but '-', no leading zeros.
	var err error
	switch d := dst.(type) {
	case *int32:
		var n int64
		n, err = strconv.ParseInt(string(raw), 10, 32)
		*d = int32(n)
	case *int64:
		*d, err = strconv.ParseInt(string(raw), 10, 64)
	case *uint64:
		*d, err = strconv.ParseUint(string(raw), 10, 64)
	default:
		panic("journal: integer of an unsupported type")
	}
	if err != nil {
		return fmt.Errorf("%s: want %s, got %s", name, want, clip(string(raw)))
	}
	return nil
}

const (
	wantTick = "an integer from 0 to 2147483647"
	wantID   = "an integer from 0 to 9223372036854775807"
	wantSeed = "an integer from 0 to 18446744073709551615"
)

// recordKinds are the record types, in the order a journal holds them.
var recordKinds = []string{"header", "command", "hash", "story_stopped", "end", "failed"}

// parseRecord parses one line. A line without "type" is of kind
// defaultKind, or an error when that is "".
func parseRecord(line []byte, defaultKind string) (record, error) {
	fs, err := objectFields(line)
	if err != nil {
		return record{}, err
	}
	m := &members{fields: fs}
	var rec record
	if err := m.str("type", defaultKind == "", &rec.kind); err != nil {
		return record{}, err
	}
	if m.raw("type") == nil {
		rec.kind = defaultKind
	}
	if err := noDuplicates(fs); err != nil {
		if slices.Contains(recordKinds, rec.kind) {
			return record{}, fmt.Errorf("%s: %w", rec.kind, err)
		}
		return record{}, err
	}
	switch rec.kind {
	case "header":
		err = parseHeader(m, &rec.header)
	case "command":
		err = parseCommand(m, &rec.cmd)
	case "hash", "end":
		err = parseCheckpoint(m, &rec.check)
	case "failed", "story_stopped":
		err = parseFailure(m, &rec.failure)
	default:
		return record{}, fmt.Errorf("unknown record type %q (one of %s)", clip(rec.kind), strings.Join(recordKinds, ", "))
	}
	if err != nil {
		return record{}, fmt.Errorf("%s: %w", rec.kind, err)
	}
	return rec, nil
}

func parseHeader(m *members, h *Header) error {
	if err := m.only("type", "format", "engine", "library", "scenario", "scenario_dir", "set", "digest", "seed", "hash_every", "live", "created_by"); err != nil {
		return err
	}
	for _, s := range []struct {
		name     string
		dst      *string
		required bool
	}{{"format", &h.Format, true}, {"engine", &h.Engine, true}, {"library", &h.Library, false}, {"scenario", &h.Scenario, true},
		{"scenario_dir", &h.ScenarioDir, false}, {"digest", &h.Digest, true}, {"created_by", &h.CreatedBy, false}} {
		if err := m.str(s.name, s.required, s.dst); err != nil {
			return err
		}
	}
	if raw := m.raw("set"); raw != nil {
		var set []string
		if isNull(raw) || json.Unmarshal(raw, &set) != nil {
			return fmt.Errorf("set: want a list of strings")
		}
		if len(set) > 0 {
			h.Set = set
		}
	}
	if err := m.integer("seed", true, &h.Seed, wantSeed); err != nil {
		return err
	}
	if err := m.integer("hash_every", true, &h.HashEvery, wantTick); err != nil {
		return err
	}
	if raw := m.raw("live"); raw != nil {
		switch string(bytes.TrimSpace(raw)) {
		case "true":
			h.Live = true
		case "false":
		default:
			return fmt.Errorf("live: want true or false, got %s", clip(string(raw)))
		}
	}
	return checkHeader(h)
}

func parseCommand(m *members, c *engine.Command) error {
	if err := m.only("type", "tick", "org", "sender", "id", "verb", "target", "args"); err != nil {
		return err
	}
	if err := m.integer("tick", true, &c.Tick, wantTick); err != nil {
		return err
	}
	if err := m.integer("id", false, &c.ID, wantID); err != nil {
		return err
	}
	if err := m.str("org", true, &c.Org); err != nil {
		return err
	}
	if err := m.str("sender", false, &c.Sender); err != nil {
		return err
	}
	if c.Sender == c.Org {
		c.Sender = "" // the organisation itself, as the writer leaves it out
	}
	if err := m.str("verb", true, &c.Verb); err != nil {
		return err
	}
	if err := m.str("target", false, &c.Target); err != nil {
		return err
	}
	if raw := m.raw("args"); raw != nil {
		args, err := parseArgs(raw)
		if err != nil {
			return err
		}
		c.Args = args
	}
	return CheckCommand(c)
}

func parseArgs(raw json.RawMessage) (map[string]string, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("args: want an object of strings")
	}
	fs, err := objectFields(raw)
	if err != nil {
		return nil, fmt.Errorf("args: %w", err)
	}
	if err := noDuplicates(fs); err != nil {
		return nil, fmt.Errorf("args: %w", err)
	}
	if len(fs) > ArgsMax {
		return nil, fmt.Errorf("%d args, at most %d", len(fs), ArgsMax)
	}
	if len(fs) == 0 {
		return nil, nil
	}
	args := make(map[string]string, len(fs))
	for _, f := range fs {
		v, ok := jsonString(f.raw)
		if !ok {
			return nil, fmt.Errorf("args: %s: want a string", clip(f.name))
		}
		args[f.name] = v
	}
	return args, nil
}

func parseCheckpoint(m *members, c *Checkpoint) error {
	if err := m.only("type", "tick", "hash"); err != nil {
		return err
	}
	if err := m.integer("tick", true, &c.Tick, wantTick); err != nil {
		return err
	}
	if c.Tick < 0 {
		return fmt.Errorf("tick %d is negative", c.Tick)
	}
	if err := m.str("hash", true, &c.Hash); err != nil {
		return err
	}
	return checkHash(c.Hash)
}

func parseFailure(m *members, f *Failure) error {
	if err := m.only("type", "tick", "error"); err != nil {
		return err
	}
	if err := m.integer("tick", true, &f.Tick, wantTick); err != nil {
		return err
	}
	if err := m.str("error", true, &f.Error); err != nil {
		return err
	}
	return checkFailure(f)
}
