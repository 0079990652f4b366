package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"cyberex/engine"
)

// FuzzRead feeds arbitrary bytes to the journal and commands readers: they
// must never panic, and whatever they accept must survive a round trip
// through the Writer unchanged. The seed corpus is in testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	f.Add(writeJournal(f))
	f.Add([]byte(hdr + "\n"))
	f.Add([]byte(hdr + "\n" + `{"type":"command","tick":3,"org":"a","verb":"scan"}` + "\n" + `{"type":"failed","tick":3,"error":"tick 3: story.lua:1: boom\n\u001b[2J \u00e9"}` + "\n"))
	f.Add([]byte(strings.Replace(hdr, `"hash_every"`, `"live":true,"library":"ab","hash_every"`, 1) + "\n" +
		`{"type":"command","tick":3,"org":"a","sender":"a","verb":"scan"}` + "\n" +
		`{"type":"command","tick":3,"org":"a","sender":"control","id":4,"verb":"scan"}` + "\n" +
		`{"type":"story_stopped","tick":4,"error":"story.lua:1: tick 4: boom"}` + "\n" +
		`{"type":"command","tick":5,"org":"control","verb":"control.end"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, line := range bytes.Split(data, []byte("\n")) {
			checkObjectFields(t, line)
		}
		if cs, err := ReadCommands(bytes.NewReader(data), "fuzz"); err == nil {
			for i := 1; i < len(cs.List); i++ {
				if cs.List[i].Tick < cs.List[i-1].Tick {
					t.Fatalf("commands not sorted by tick")
				}
			}
		}
		j, err := Read(bytes.NewReader(data), "fuzz")
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if j.Size > int64(len(data)) {
			t.Fatalf("size %d beyond %d bytes", j.Size, len(data))
		}
		var b bytes.Buffer
		w, err := NewWriter(&b, j.Header)
		if err != nil {
			t.Fatalf("header read but not writable: %v", err)
		}
		// Interleave as a run does: a tick's commands, then its hash.
		ci := 0
		flush := func(upTo int32) {
			for ci < len(j.Commands) && j.Commands[ci].Tick <= upTo {
				k := ci
				for k < len(j.Commands) && j.Commands[k].Tick == j.Commands[ci].Tick {
					k++
				}
				if err := w.AppendCommands(j.Commands[ci].Tick, append([]engine.Command(nil), j.Commands[ci:k]...)); err != nil {
					t.Fatalf("commands read but not writable: %v", err)
				}
				ci = k
			}
		}
		story := j.StoryStopped
		storyAt := func(before int32) {
			if story != nil && story.Tick <= before {
				flush(story.Tick)
				if err := w.StoryStopped(story.Tick, story.Error); err != nil {
					t.Fatalf("story_stopped read but not writable: %v", err)
				}
				story = nil
			}
		}
		for _, h := range j.Hashes {
			storyAt(h.Tick)
			flush(h.Tick)
			if err := w.AppendHash(h.Tick, h.Hash); err != nil {
				t.Fatalf("hash read but not writable: %v", err)
			}
		}
		storyAt(1<<31 - 1)
		flush(1<<31 - 1)
		if j.End != nil {
			if err := w.End(j.End.Tick, j.End.Hash); err != nil {
				t.Fatalf("end read but not writable: %v", err)
			}
		}
		if j.Failed != nil {
			if j.End != nil {
				t.Fatalf("a journal with an end and a failed record")
			}
			if err := w.Failed(j.Failed.Tick, j.Failed.Error); err != nil {
				t.Fatalf("failed record read but not writable: %v", err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		j2, err := Read(bytes.NewReader(b.Bytes()), "rewritten")
		if err != nil {
			t.Fatalf("rewritten journal does not read back: %v\n%s", err, b.Bytes())
		}
		j.Warnings, j.Size, j2.Size = nil, 0, 0
		j.name, j2.name = "", ""
		j.lines, j2.lines = recordLines{}, recordLines{}
		j.Header.Format = Format
		if !reflect.DeepEqual(j, j2) {
			t.Fatalf("round trip changed the journal:\n%+v\n%+v", j, j2)
		}
	})
}

// checkObjectFields compares the reader's own split of a JSON object with
// encoding/json's.
func checkObjectFields(t *testing.T, line []byte) {
	fs, err := objectFields(line)
	var want map[string]json.RawMessage
	werr := json.Unmarshal(line, &want)
	if err != nil {
		// encoding/json decodes null into a map as a nil map; a record
		// must be an object.
		if werr == nil && want != nil {
			t.Fatalf("objectFields refused %q (%v); encoding/json accepts it", line, err)
		}
		return
	}
	if werr != nil {
		t.Fatalf("objectFields accepted %q; encoding/json: %v", line, werr)
	}
	if noDuplicates(fs) != nil {
		return // encoding/json keeps the last of duplicates
	}
	if len(fs) != len(want) {
		t.Fatalf("%q: %d fields, encoding/json %d", line, len(fs), len(want))
	}
	for _, f := range fs {
		w, ok := want[f.name]
		if !ok || !bytes.Equal(bytes.TrimSpace(w), f.raw) {
			t.Fatalf("%q: field %q = %s, encoding/json %s", line, f.name, f.raw, w)
		}
	}
}

// FuzzCommands feeds arbitrary bytes to the commands file reader (what
// `cyberex run --commands` reads): it must never panic, and what it accepts
// must be commands a journal can hold, sorted by tick with their lines,
// whose words CheckWords judges without failing, and which read back the
// same once written as a commands file.
func FuzzCommands(f *testing.F) {
	f.Add([]byte(`{"tick":130,"org":"ministry-a","verb":"investigate","target":"ministry-site"}` + "\n" +
		`{"tick":5,"org":"police-a","verb":"request","target":"hosting-b","args":{"kind":"preserve","target":"logs"}}`))
	f.Add([]byte(hdr + "\n\n" + `{"type":"command","tick":3,"org":"a","id":4,"verb":"share","args":{"tlp":"AMBER+STRICT"}}` + "\r\n   \n"))
	f.Add([]byte(`{"tick":1,"org":"a","verb":"x","args":{"a":"1","b":"\u00e9\n"}}` + "\n" + `{"tick":1,"org":"b","verb":"y"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ReadCommands(bytes.NewReader(data), "fuzz.jsonl")
		if err != nil {
			var je *Error
			if !errors.As(err, &je) || je.Name != "fuzz.jsonl" {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(cs.Lines) != len(cs.List) {
			t.Fatalf("%d lines for %d commands", len(cs.Lines), len(cs.List))
		}
		var b bytes.Buffer
		for i := range cs.List {
			c := &cs.List[i]
			if err := CheckCommand(c); err != nil {
				t.Fatalf("accepted a command a journal refuses: %v", err)
			}
			if i > 0 && c.Tick < cs.List[i-1].Tick {
				t.Fatal("commands not sorted by tick")
			}
			if cs.Lines[i] < 1 || i > 0 && c.Tick == cs.List[i-1].Tick && cs.Lines[i] <= cs.Lines[i-1] {
				t.Fatalf("line %d of command %d out of order", cs.Lines[i], i)
			}
			sender := c.Sender
			if sender == c.Org {
				sender = ""
			}
			rec, err := json.Marshal(commandRecord{Type: "command", Tick: c.Tick, Org: c.Org, Sender: sender, ID: c.ID, Verb: c.Verb, Target: c.Target, Args: c.Args})
			if err != nil {
				t.Fatal(err)
			}
			b.Write(append(rec, '\n'))
		}
		_ = cs.CheckWords([]string{"a", "csirt"})
		again, err := ReadCommands(&b, "again")
		if err != nil {
			t.Fatalf("written commands do not read back: %v", err)
		}
		for i := range cs.List {
			if !reflect.DeepEqual(normal(cs.List[i]), normal(again.List[i])) {
				t.Fatalf("command %d changed: %+v then %+v", i, cs.List[i], again.List[i])
			}
		}
	})
}

// normal makes an empty argument map nil, as the writer leaves it out.
func normal(c engine.Command) engine.Command {
	if len(c.Args) == 0 {
		c.Args = nil
	}
	return c
}
