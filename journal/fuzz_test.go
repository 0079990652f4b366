package journal

import (
	"bytes"
	"encoding/json"
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
