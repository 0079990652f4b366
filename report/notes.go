package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Kinds of notes.
const (
	NoteObservation = "note"        // an evaluator's observation
	NoteStrength    = "strength"    // an observed strength: listed under strengths too
	NoteImprovement = "improvement" // an area for improvement: listed there and in the plan
	NoteChat        = "chat"        // a chat message of the exercise
)

// Limits of a notes file: it is untrusted input.
const (
	NotesMax         = 10_000
	NoteLineBytesMax = 64 << 10
	NoteTextBytesMax = 8 << 10
	NoteNameBytesMax = 256
)

// Note is an evaluator's note or a chat message, at the tick it was taken.
// A notes file holds one per line as JSON (docs/report.md#notes):
//
//	{"tick":300,"author":"eva","org":"police-a","kind":"improvement","capability":"Forensics and Attribution","text":"asked for disclosure before preservation"}
type Note struct {
	Tick       int32  `json:"tick"`
	Author     string `json:"author"`
	Org        string `json:"org,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Capability string `json:"capability,omitempty"`
	Text       string `json:"text"`
}

// ReadNotes reads a notes file (JSON lines; blank lines allowed). Each
// problem names the file and line. The notes come back sorted by tick,
// keeping the file's order within a tick.
func ReadNotes(rd io.Reader, name string) ([]Note, error) {
	var out []Note
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 4096), NoteLineBytesMax+1)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(out) >= NotesMax {
			return nil, fmt.Errorf("%s:%d: more than %d notes", name, line, NotesMax)
		}
		var n Note
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&n); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s:%d: data after the note's object", name, line)
		}
		if err := checkNote(&n); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		out = append(out, n)
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, NoteLineBytesMax)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	slices.SortStableFunc(out, func(a, b Note) int { return int(a.Tick - b.Tick) })
	return out, nil
}

func checkNote(n *Note) error {
	if n.Tick < 0 {
		return fmt.Errorf("tick %d is negative", n.Tick)
	}
	if n.Kind == "" {
		n.Kind = NoteObservation
	}
	switch n.Kind {
	case NoteObservation, NoteStrength, NoteImprovement, NoteChat:
	default:
		return fmt.Errorf("kind %q: one of note, strength, improvement, chat", n.Kind)
	}
	if strings.TrimSpace(n.Text) == "" {
		return fmt.Errorf("text missing")
	}
	if len(n.Text) > NoteTextBytesMax {
		return fmt.Errorf("text longer than %d bytes", NoteTextBytesMax)
	}
	for _, f := range []struct{ name, v string }{{"author", n.Author}, {"org", n.Org}, {"capability", n.Capability}} {
		if len(f.v) > NoteNameBytesMax {
			return fmt.Errorf("%s longer than %d bytes", f.name, NoteNameBytesMax)
		}
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
	}
	if !utf8.ValidString(n.Text) {
		return fmt.Errorf("text is not valid UTF-8")
	}
	if n.Author == "" {
		n.Author = "evaluator"
	}
	return nil
}

// SortNotes orders notes from several files by tick, keeping each file's
// order within a tick.
func SortNotes(ns []Note) []Note {
	slices.SortStableFunc(ns, func(a, b Note) int { return int(a.Tick - b.Tick) })
	return ns
}
