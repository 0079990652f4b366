package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Journals edited to make replay step for hours, say "ok" having checked
// nothing, or replay past the scenario's end; and files too large to read.
func TestEditedJournals(t *testing.T) {
	f := Story(t, `at(5, function() log("five") end)`)
	moves := WriteFile(t, "moves.jsonl", `{"tick":3,"org":"csirt","verb":"investigate","target":"pc-1"}`+"\n")
	lines := f.Journal("--commands", moves, "--hash-every", "10")
	// header, hash 0, command 3, hashes 10..100, end 100
	if len(lines) != 14 || !strings.Contains(lines[2], `"tick":3`) || !strings.Contains(lines[13], `"type":"end","tick":100`) {
		t.Fatalf("journal of the minimal scenario:\n%s", strings.Join(lines, ""))
	}
	f.Replay(lines).Expect(t, 0, `(?m)^ok [0-9a-f]{64}\nchecked: 11 state hashes \(tick 0 to 100\), the end hash at tick 100; 1 command replayed over 100 ticks$`)
	with := func(i int, line string) []string {
		out := append([]string(nil), lines...)
		out[i] = line + "\n"
		return out
	}
	insert := func(i int, line string) []string {
		out := append([]string(nil), lines[:i]...)
		out = append(out, line+"\n")
		return append(out, lines[i:]...)
	}
	cases := []struct {
		name    string
		journal []string
		want    string
	}{
		{"only a header", lines[:1], `edited.jsonl: the journal holds only its header .* a replay would check nothing`},
		{"a command at tick 2^31-1", with(2, `{"type":"command","tick":2147483647,"org":"csirt","verb":"investigate","target":"pc-1"}`),
			`edited.jsonl:3: command: tick 2147483647 is past any run`},
		{"a command after the end, the end moved", append(with(13, `{"type":"command","tick":150,"org":"csirt","verb":"investigate","target":"pc-1"}`), `{"type":"end","tick":150,"hash":"`+strings.Repeat("0", 64)+`"}`+"\n"),
			`edited.jsonl:14: command: tick 150 is after the scenario's end \(tick 100\): a run never writes it`},
		{"an end past the scenario's end", with(13, `{"type":"end","tick":101,"hash":"`+strings.Repeat("0", 64)+`"}`),
			`edited.jsonl:14: end: tick 101 is after the scenario's end \(tick 100\)`},
		{"a hash off the cadence", with(4, strings.Replace(lines[4], `"tick":20`, `"tick":25`, 1)[:len(lines[4])-1]),
			`edited.jsonl:5: hash: tick 25: with hash_every 10`},
		{"the hash of tick 0 removed", append(lines[:1:1], lines[2:]...),
			`edited.jsonl:3: hash: the first hash is of tick 10, not tick 0`},
		{"a second header", insert(3, lines[0][:len(lines[0])-1]), `edited.jsonl:4: header: only allowed on line 1`},
		{"a tick as text", with(2, `{"type":"command","tick":"3","org":"csirt","verb":"investigate"}`), `edited.jsonl:3: command: tick: want an integer`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.Replay(c.journal).InputError(t, c.want)
		})
	}
}

// Files of 1 GiB are refused before they are read (sparse: they take no
// disk), whether a journal or a commands file.
func TestHugeFilesRefusedUnread(t *testing.T) {
	f := Story(t, `log("x")`)
	big := filepath.Join(t.TempDir(), "big.jsonl")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(1 << 30); err != nil {
		t.Skip(err)
	}
	fh.Close()
	Cyberex(t, "replay", big, "--scenario", f.Dir).InputError(t, `big.jsonl: file of 1073741824 bytes, longer than .* refused unread`)
	Cyberex(t, "run", f.Dir, "--commands", big).InputError(t, `big.jsonl: file of 1073741824 bytes, longer than .* refused unread`)
}
