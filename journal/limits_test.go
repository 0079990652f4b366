package journal

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Journals edited to make a replay step forever or check nothing.
func TestCheckRun(t *testing.T) {
	h0 := `{"type":"hash","tick":0,"hash":"` + strings.Repeat("a", 64) + `"}`
	hash := func(tick string) string {
		return `{"type":"hash","tick":` + tick + `,"hash":"` + strings.Repeat("b", 64) + `"}`
	}
	cmd := func(tick string) string { return `{"type":"command","tick":` + tick + `,"org":"a","verb":"scan"}` }
	end := func(tick string) string {
		return `{"type":"end","tick":` + tick + `,"hash":"` + strings.Repeat("c", 64) + `"}`
	}
	cases := []struct {
		name  string
		lines []string
		last  int32  // the scenario's last tick
		want  string // "" for none
	}{
		{"a run's journal", []string{h0, cmd("3"), hash("10"), cmd("12"), hash("20"), end("25")}, 25, ""},
		{"without a duration", []string{h0, cmd("3"), hash("10"), end("500")}, 0, ""},
		{"a command past the end", []string{h0, cmd("3"), hash("10"), cmd("26"), end("26")}, 25, "j:5: command: tick 26 is after the scenario's end (tick 25): a run never writes it"},
		{"a hash past the end", []string{h0, hash("30")}, 25, "j:3: hash: tick 30 is after the scenario's end (tick 25)"},
		{"an end past the end", []string{h0, end("26")}, 25, "j:3: end: tick 26 is after the scenario's end (tick 25)"},
		{"a failure past the end", []string{h0, `{"type":"failed","tick":99,"error":"x"}`}, 25, "j:3: failed: tick 99 is after the scenario's end"},
		{"no hash of tick 0", []string{cmd("3"), hash("10")}, 25, "j:3: hash: the first hash is of tick 10, not tick 0"},
		{"no hash at all", []string{cmd("3")}, 25, "j:2: no hash of tick 0"},
		{"a hash off the cadence", []string{h0, hash("10"), hash("15")}, 25, "j:4: hash: tick 15: with hash_every 10 a run writes hashes at tick 0 and every 10 ticks only"},
		{"only a header", nil, 25, ""}, // Checkable refuses it, not CheckRun
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, err := Read(strings.NewReader(strings.Join(append([]string{hdr}, c.lines...), "\n")+"\n"), "j")
			if err != nil {
				t.Fatal(err)
			}
			err = j.CheckRun(c.last)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var je *Error
			if !errors.As(err, &je) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
		})
	}
	j, _ := Read(strings.NewReader(hdr+"\n"), "j")
	if err := j.Checkable(); err == nil || !strings.Contains(err.Error(), "holds only its header") {
		t.Errorf("header only: %v", err)
	}
	j, _ = Read(strings.NewReader(hdr+"\n"+h0+"\n"), "j")
	if err := j.Checkable(); err != nil {
		t.Errorf("tick 0 hash: %v", err)
	}
}

// Ticks no run reaches are refused by the reader and the writer.
func TestTicksPastAnyRun(t *testing.T) {
	for _, line := range []string{
		`{"type":"command","tick":2147483647,"org":"a","verb":"scan"}`,
		`{"type":"command","tick":10000001,"org":"a","verb":"scan"}`,
		`{"type":"hash","tick":2147483647,"hash":"` + strings.Repeat("a", 64) + `"}`,
		`{"type":"end","tick":10000001,"hash":"` + strings.Repeat("a", 64) + `"}`,
		`{"type":"failed","tick":10000001,"error":"x"}`,
	} {
		_, err := Read(strings.NewReader(hdr+"\n"+line+"\n"), "j")
		if err == nil || !strings.Contains(err.Error(), "j:2:") || !strings.Contains(err.Error(), "is past any run") {
			t.Errorf("%s: %v", line, err)
		}
	}
	if _, err := ReadCommands(strings.NewReader(`{"tick":2147483647,"org":"a","verb":"scan"}`), "c"); err == nil || !strings.Contains(err.Error(), "c:1: command: tick 2147483647 is past any run") {
		t.Errorf("commands file: %v", err)
	}
	var b strings.Builder
	w, _ := NewWriter(&b, Header{Engine: "e", Scenario: "s", Digest: "d"})
	if err := w.AppendHash(TicksMax+1, strings.Repeat("a", 64)); err == nil {
		t.Error("writer wrote a hash past any run")
	}
}

// A file larger than FileBytesMax is refused before it is read when its
// size is known, and as soon as more was read when it is not (a pipe).
func TestSizeRefusedBeforeRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 1 GiB that takes no disk and would take 1 GB of memory.
	if err := f.Truncate(1 << 30); err != nil {
		t.Skip(err)
	}
	f.Close()
	for name, read := range map[string]func(string) error{
		"journal":  func(p string) error { _, err := ReadFile(p); return err },
		"commands": func(p string) error { _, err := ReadCommandsFile(p); return err },
	} {
		err := read(path)
		if err == nil || !strings.Contains(err.Error(), "refused unread") {
			t.Errorf("%s of 1 GiB: %v", name, err)
		}
	}
	// A stream without a size: blank lines, which hold nothing in memory.
	src := &countingReader{line: strings.Repeat(" ", 1<<20-1) + "\n"}
	_, err = ReadCommands(src, "pipe")
	if err == nil || !strings.Contains(err.Error(), "file longer than") {
		t.Fatalf("endless stream: %v", err)
	}
	if src.n > FileBytesMax+LineBytesMax+64<<10 {
		t.Errorf("read %d bytes of a stream before refusing it (limit %d)", src.n, FileBytesMax)
	}
}

// countingReader repeats line forever, counting what it gave.
type countingReader struct {
	line string
	off  int
	n    int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		c := copy(p[k:], r.line[r.off:])
		k += c
		r.off = (r.off + c) % len(r.line)
	}
	r.n += int64(k)
	return k, nil
}

var _ io.Reader = (*countingReader)(nil)
