package journal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cyberex/engine"
)

var (
	hashA = strings.Repeat("a", 64)
	hashB = strings.Repeat("b", 64)
	hashC = strings.Repeat("0123456789abcdef", 4)
)

func testHeader() Header {
	return Header{Engine: engine.Version, Scenario: "tutorial", ScenarioDir: "scenarios/tutorial", Set: []string{"organisations.police.staff=4"}, Digest: "d1g3st", Seed: 42, HashEvery: 10, CreatedBy: "test"}
}

// writeJournal writes a small journal with the Writer.
func writeJournal(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := NewWriter(&b, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AppendHash(0, hashA))
	must(w.AppendCommands(3, []engine.Command{
		{Org: "csirt", Verb: "investigate", Target: "web-1"},
		{ID: 7, Org: "police", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "preserve", "target": "c2-logs", "note": "über <fast> & \"quoted\"\n"}},
	}))
	must(w.AppendCommands(3, []engine.Command{{Org: "csirt", Verb: "contain", Target: "web-1"}}))
	must(w.AppendHash(10, hashB))
	must(w.AppendCommands(11, []engine.Command{{Tick: 11, Org: "grid", Verb: "manual", Target: "substation"}}))
	must(w.AppendCommands(12, nil))
	must(w.End(20, hashC))
	must(w.Close())
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	data := writeJournal(t)
	j, err := Read(bytes.NewReader(data), "j.jsonl")
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	h := testHeader()
	h.Format = Format
	if !reflect.DeepEqual(j.Header, h) {
		t.Errorf("header %+v, want %+v", j.Header, h)
	}
	want := []engine.Command{
		{Tick: 3, Org: "csirt", Verb: "investigate", Target: "web-1"},
		{ID: 7, Tick: 3, Org: "police", Verb: "request", Target: "hosting-b", Args: map[string]string{"kind": "preserve", "target": "c2-logs", "note": "über <fast> & \"quoted\"\n"}},
		{Tick: 3, Org: "csirt", Verb: "contain", Target: "web-1"},
		{Tick: 11, Org: "grid", Verb: "manual", Target: "substation"},
	}
	if !reflect.DeepEqual(j.Commands, want) {
		t.Errorf("commands\n%+v\nwant\n%+v", j.Commands, want)
	}
	if !reflect.DeepEqual(j.Hashes, []Checkpoint{{0, hashA}, {10, hashB}}) {
		t.Errorf("hashes %+v", j.Hashes)
	}
	if j.End == nil || *j.End != (Checkpoint{20, hashC}) {
		t.Errorf("end %+v", j.End)
	}
	if len(j.Warnings) != 0 || j.Size != int64(len(data)) || j.LastTick() != 20 {
		t.Errorf("warnings %v size %d/%d last tick %d", j.Warnings, j.Size, len(data), j.LastTick())
	}
	// The same run writes the same bytes.
	if again := writeJournal(t); !bytes.Equal(again, data) {
		t.Errorf("two writes differ:\n%s\n%s", data, again)
	}
	// The documented layout of the first lines.
	lines := strings.Split(string(data), "\n")
	if lines[0] != `{"type":"header","format":"cyberex-journal/1","engine":"`+engine.Version+`","scenario":"tutorial","scenario_dir":"scenarios/tutorial","set":["organisations.police.staff=4"],"digest":"d1g3st","seed":42,"hash_every":10,"created_by":"test"}` {
		t.Errorf("header line %s", lines[0])
	}
	if lines[2] != `{"type":"command","tick":3,"org":"csirt","verb":"investigate","target":"web-1"}` {
		t.Errorf("command line %s", lines[2])
	}
}

const hdr = `{"type":"header","format":"cyberex-journal/1","engine":"0.1.0","scenario":"s","digest":"d","seed":1,"hash_every":10}`

func TestReadErrors(t *testing.T) {
	cmd := `{"type":"command","tick":1,"org":"a","verb":"scan"}`
	long := `{"type":"command","tick":1,"org":"a","verb":"scan","args":{"x":"` + strings.Repeat("x", LineBytesMax) + `"}}`
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "j.jsonl: empty: a journal starts with a header record"},
		{"no header", cmd + "\n", "j.jsonl:1: command: a journal starts with a header record"},
		{"torn header", hdr, "j.jsonl:1: header incomplete"},
		{"second header", hdr + "\n" + hdr + "\n", "j.jsonl:2: header: only allowed on line 1"},
		{"corrupt middle", hdr + "\n" + cmd + "\n{\"type\":\"comm\n" + cmd + "\n", "j.jsonl:3: invalid JSON"},
		{"corrupt last line with newline", hdr + "\n" + cmd + "\n{\"type\":\"comm\n", "j.jsonl:3: invalid JSON"},
		{"empty line", hdr + "\n\n" + cmd + "\n", "j.jsonl:2: empty line"},
		{"unknown field", hdr + "\n" + `{"type":"command","tick":1,"org":"a","verb":"scan","colour":"red"}` + "\n", `j.jsonl:2: command: unknown field "colour"`},
		{"unknown header field", strings.Replace(hdr, `"seed"`, `"written_at":"now","seed"`, 1) + "\n", `j.jsonl:1: header: unknown field "written_at"`},
		{"duplicate field", hdr + "\n" + `{"type":"command","tick":1,"org":"a","verb":"scan","verb":"x"}` + "\n", `j.jsonl:2: command: duplicate field "verb"`},
		{"verb missing", hdr + "\n" + `{"type":"command","tick":1,"org":"a"}` + "\n", "j.jsonl:2: command: verb missing"},
		{"verb empty", hdr + "\n" + `{"type":"command","tick":1,"org":"a","verb":""}` + "\n", "j.jsonl:2: command: verb missing"},
		{"org not string", hdr + "\n" + `{"type":"command","tick":1,"org":5,"verb":"x"}` + "\n", "j.jsonl:2: command: org: want a string"},
		{"tick string", hdr + "\n" + `{"type":"command","tick":"1","org":"a","verb":"x"}` + "\n", `j.jsonl:2: command: tick: want an integer from 0 to 2147483647, got "1"`},
		{"tick float", hdr + "\n" + `{"type":"command","tick":1.5,"org":"a","verb":"x"}` + "\n", "j.jsonl:2: command: tick: want an integer"},
		{"tick huge", hdr + "\n" + `{"type":"command","tick":99999999999,"org":"a","verb":"x"}` + "\n", "j.jsonl:2: command: tick: want an integer"},
		{"tick null", hdr + "\n" + `{"type":"command","tick":null,"org":"a","verb":"x"}` + "\n", "j.jsonl:2: command: tick: want an integer"},
		{"tick zero", hdr + "\n" + `{"type":"command","tick":0,"org":"a","verb":"x"}` + "\n", "j.jsonl:2: command: tick 0: commands start at tick 1"},
		{"args not strings", hdr + "\n" + `{"type":"command","tick":1,"org":"a","verb":"x","args":{"n":1}}` + "\n", "j.jsonl:2: command: args: n: want a string"},
		{"args duplicate", hdr + "\n" + `{"type":"command","tick":1,"org":"a","verb":"x","args":{"n":"1","n":"2"}}` + "\n", `j.jsonl:2: command: args: duplicate field "n"`},
		{"args array", hdr + "\n" + `{"type":"command","tick":1,"org":"a","verb":"x","args":["n"]}` + "\n", "j.jsonl:2: command: args: want an object of strings"},
		{"control char", hdr + "\n" + `{"type":"command","tick":1,"org":"a\u0007","verb":"x"}` + "\n", "j.jsonl:2: command: org \"a\\a\" contains a control character"},
		{"negative id", hdr + "\n" + `{"type":"command","tick":1,"id":-4,"org":"a","verb":"x"}` + "\n", "j.jsonl:2: command: id -4 is negative"},
		{"ticks decrease", hdr + "\n" + `{"type":"command","tick":5,"org":"a","verb":"x"}` + "\n" + cmd + "\n", "j.jsonl:3: command: tick 1 after a command of tick 5"},
		{"command after its hash", hdr + "\n" + `{"type":"hash","tick":1,"hash":"` + hashA + `"}` + "\n" + cmd + "\n", "j.jsonl:3: command: tick 1 after the hash of tick 1"},
		{"hash bad", hdr + "\n" + `{"type":"hash","tick":1,"hash":"xyz"}` + "\n", `j.jsonl:2: hash: hash "xyz" is not 64 hex digits`},
		{"hash upper", hdr + "\n" + `{"type":"hash","tick":1,"hash":"` + strings.ToUpper(hashA) + `"}` + "\n", "not 64 lowercase hex digits"},
		{"hash ticks repeat", hdr + "\n" + `{"type":"hash","tick":1,"hash":"` + hashA + `"}` + "\n" + `{"type":"hash","tick":1,"hash":"` + hashA + `"}` + "\n", "j.jsonl:3: hash: hash of tick 1 after the hash of tick 1"},
		{"after end", hdr + "\n" + `{"type":"end","tick":1,"hash":"` + hashA + `"}` + "\n" + cmd + "\n", "j.jsonl:3: command: command after the end record"},
		{"unknown type", hdr + "\n" + `{"type":"snapshot"}` + "\n", `j.jsonl:2: unknown record type "snapshot" (one of header, command, hash, story_stopped, end, failed)`},
		{"type missing", hdr + "\n" + `{"tick":1}` + "\n", "j.jsonl:2: type missing"},
		{"not an object", hdr + "\n" + `[1,2]` + "\n", "j.jsonl:2: want a JSON object"},
		{"trailing data", hdr + "\n" + cmd + ` {}` + "\n", "j.jsonl:2: unexpected data after the JSON object"},
		{"bad format", strings.Replace(hdr, "cyberex-journal/1", "cyberex-journal/9", 1) + "\n", `j.jsonl:1: header: format "cyberex-journal/9" is not supported`},
		{"seed negative", strings.Replace(hdr, `"seed":1`, `"seed":-1`, 1) + "\n", "j.jsonl:1: header: seed: want an integer from 0 to 18446744073709551615, got -1"},
		{"set not strings", strings.Replace(hdr, `"seed"`, `"set":[1],"seed"`, 1) + "\n", "j.jsonl:1: header: set: want a list of strings"},
		{"set empty string", strings.Replace(hdr, `"seed"`, `"set":[""],"seed"`, 1) + "\n", `j.jsonl:1: header: set override ""`},
		{"digest missing", strings.Replace(hdr, `"digest":"d",`, ``, 1) + "\n", "j.jsonl:1: header: digest missing"},
		{"failed without error", hdr + "\n" + `{"type":"failed","tick":3}` + "\n", "j.jsonl:2: failed: error missing"},
		{"failed empty error", hdr + "\n" + `{"type":"failed","tick":3,"error":""}` + "\n", "j.jsonl:2: failed: error missing"},
		{"failed at tick 0", hdr + "\n" + `{"type":"failed","tick":0,"error":"x"}` + "\n", "j.jsonl:2: failed: tick 0: a run fails in the Step of a tick from 1"},
		{"failed unknown field", hdr + "\n" + `{"type":"failed","tick":3,"error":"x","hash":"` + hashA + `"}` + "\n", `j.jsonl:2: failed: unknown field "hash"`},
		{"failed error not a string", hdr + "\n" + `{"type":"failed","tick":3,"error":5}` + "\n", "j.jsonl:2: failed: error: want a string"},
		{"failed error with space around", hdr + "\n" + `{"type":"failed","tick":3,"error":"x\n"}` + "\n", "j.jsonl:2: failed: error begins or ends with space"},
		{"failed error too long", hdr + "\n" + `{"type":"failed","tick":3,"error":"` + strings.Repeat("x", ErrorBytesMax+1) + `"}` + "\n", "j.jsonl:2: failed: error longer than 65536 bytes"},
		{"failed before a command of its tick", hdr + "\n" + `{"type":"command","tick":5,"org":"a","verb":"x"}` + "\n" + `{"type":"failed","tick":4,"error":"x"}` + "\n", "j.jsonl:3: failed: failure at tick 4 before a command of tick 5"},
		{"failed after the hash of its tick", hdr + "\n" + `{"type":"hash","tick":4,"hash":"` + hashA + `"}` + "\n" + `{"type":"failed","tick":4,"error":"x"}` + "\n", "j.jsonl:3: failed: failure at tick 4 after the hash of tick 4"},
		{"after failed", hdr + "\n" + `{"type":"failed","tick":4,"error":"x"}` + "\n" + cmd + "\n", "j.jsonl:3: command: command after the failed record"},
		{"end after failed", hdr + "\n" + `{"type":"failed","tick":4,"error":"x"}` + "\n" + `{"type":"end","tick":4,"hash":"` + hashA + `"}` + "\n", "j.jsonl:3: end: end after the failed record"},
		{"failed after end", hdr + "\n" + `{"type":"end","tick":4,"hash":"` + hashA + `"}` + "\n" + `{"type":"failed","tick":4,"error":"x"}` + "\n", "j.jsonl:3: failed: failed after the end record"},
		{"huge line", hdr + "\n" + long + "\n", "j.jsonl:2: line longer than 1048576 bytes"},
		{"huge torn line", hdr + "\n" + long, "j.jsonl:2: line longer than 1048576 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, err := Read(strings.NewReader(tc.in), "j.jsonl")
			if err == nil {
				t.Fatalf("no error; read %+v", j)
			}
			var je *Error
			if !errors.As(err, &je) {
				t.Errorf("error %T, want *journal.Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tc.want)
			}
		})
	}
}

// A run that fails records where and why; the record reads back exactly,
// and a journal that ends in it cannot be continued.
func TestFailedRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	w, err := Create(path, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AppendHash(0, hashA))
	must(w.AppendCommands(3, []engine.Command{{Org: "csirt", Verb: "scan"}}))
	// Control characters and invalid UTF-8 are the script's: kept
	// (escaped by JSON), but for the bytes that are not UTF-8.
	must(w.Failed(3, " tick 3: story.lua:9: \x1b[2Jboom\nstack \xff \"q\" "))
	if err := w.AppendHash(4, hashB); err == nil || !strings.Contains(err.Error(), "hash after the failed record") {
		t.Errorf("hash after failed: %v", err)
	}
	w.Close()
	j, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &Failure{Tick: 3, Error: "tick 3: story.lua:9: \x1b[2Jboom\nstack \uFFFD \"q\""}
	if j.End != nil || !reflect.DeepEqual(j.Failed, want) || j.LastTick() != 3 {
		t.Errorf("failed %+v, want %+v; end %v", j.Failed, want, j.End)
	}
	if _, _, err := Append(path); err == nil || !strings.Contains(err.Error(), "the run failed at tick 3") {
		t.Errorf("append after failed: %v", err)
	}
	// The writer refuses what the reader would.
	for _, tc := range []struct {
		name  string
		setup func(w *Writer)
		tick  int32
		want  string
	}{
		{"tick 0", func(*Writer) {}, 0, "a run fails in the Step of a tick from 1"},
		{"before its commands", func(w *Writer) { w.AppendCommands(5, []engine.Command{{Org: "a", Verb: "x"}}) }, 4, "before a command of tick 5"},
		{"after its hash", func(w *Writer) { w.AppendHash(4, hashA) }, 4, "after the hash of tick 4"},
		{"after the end", func(w *Writer) { w.End(4, hashA) }, 5, "failed after the end record"},
	} {
		var b bytes.Buffer
		w, _ := NewWriter(&b, testHeader())
		tc.setup(w)
		if err := w.Failed(tc.tick, "boom"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestFailureText(t *testing.T) {
	long := strings.Repeat("é", ErrorBytesMax) // 2 bytes each
	for _, tc := range []struct{ in, want string }{
		{"boom", "boom"},
		{"  boom\n", "boom"},
		{"", "unknown error"},
		{" \n ", "unknown error"},
		{"a\xffb", "a\uFFFDb"},
		{"line 1\nline 2", "line 1\nline 2"},
		{long, long[:ErrorBytesMax-len("…")-1] + "…"},
	} {
		got := FailureText(tc.in)
		if got != tc.want {
			t.Errorf("FailureText(%.20q) = %.20q…, want %.20q…", tc.in, got, tc.want)
		}
		if err := checkFailure(&Failure{Tick: 1, Error: got}); err != nil {
			t.Errorf("FailureText(%.20q) is refused: %v", tc.in, err)
		}
	}
}

func TestTornLastLine(t *testing.T) {
	data := writeJournal(t)
	// Cut the journal inside its last record, then inside earlier ones:
	// every cut at a non-newline byte is a torn last line, dropped with a
	// warning; what comes before it is intact.
	for _, cut := range []int{len(data) - 1, len(data) - 30, bytes.LastIndexByte(data[:len(data)-1], '\n') + 2} {
		j, err := Read(bytes.NewReader(data[:cut]), "j.jsonl")
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if len(j.Warnings) != 1 || !strings.Contains(j.Warnings[0], "torn last line ignored") {
			t.Errorf("cut at %d: warnings %v", cut, j.Warnings)
		}
		if j.End != nil {
			t.Errorf("cut at %d: torn end record was kept", cut)
		}
		if len(j.Commands) != 4 || j.Size != int64(bytes.LastIndexByte(data[:cut], '\n')+1) {
			t.Errorf("cut at %d: %d commands, size %d", cut, len(j.Commands), j.Size)
		}
	}
	// A cut right after a newline is a clean (if unfinished) journal.
	cut := bytes.Index(data, []byte(`"tick":10`))
	cut = bytes.LastIndexByte(data[:cut], '\n') + 1
	j, err := Read(bytes.NewReader(data[:cut]), "j.jsonl")
	if err != nil || len(j.Warnings) != 0 || j.End != nil || len(j.Commands) != 3 {
		t.Errorf("clean cut: %v %+v", err, j)
	}
}

func TestCommandsFile(t *testing.T) {
	in := `
{"type":"command","tick":5,"org":"b","verb":"scan"}
{"type":"command","tick":2,"org":"a","verb":"scan"}

{"type":"command","tick":5,"org":"c","verb":"scan"}
{"tick":2,"org":"d","verb":"scan"}` // no "type", no final newline: fine in a commands file
	cs, err := ReadCommands(strings.NewReader(in), "c.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs.List {
		got = append(got, c.Org)
	}
	if strings.Join(got, "") != "adbc" || cs.Header != nil {
		t.Errorf("order %v (want by tick, file order within a tick), header %v", got, cs.Header)
	}
	cs, err = ReadCommands(strings.NewReader(hdr+"\n"+`{"type":"command","tick":1,"org":"a","verb":"scan"}`+"\n"), "c.jsonl")
	if err != nil || cs.Header == nil || cs.Header.Scenario != "s" || len(cs.List) != 1 {
		t.Errorf("with header: %v %+v", err, cs)
	}
	for _, tc := range []struct{ in, want string }{
		{hdr + "\n" + `{"type":"hash","tick":1,"hash":"` + hashA + `"}`, "c.jsonl:2: hash: not allowed in a commands file"},
		{`{"type":"command","tick":1,"org":"a","verb":"scan"}` + "\n" + hdr, "c.jsonl:2: header: only allowed on the first line"},
		{`{"type":"command","tick":1,"org":"a"}`, "c.jsonl:1: command: verb missing"},
		{`{"type":"command","tick":1,"org":"a","verb":"scan"`, "c.jsonl:1: invalid JSON"},
	} {
		if _, err := ReadCommands(strings.NewReader(tc.in), "c.jsonl"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %s", tc.in, err, tc.want)
		}
	}
}

// A commands file keeps each command's line through the sort by tick, and
// its words are checked against the scenario's organisations as validate
// checks a test's commands file.
func TestCommandsCheckWords(t *testing.T) {
	in := `{"tick":5,"org":"csirt","verb":"scan"}
{"tick":2,"org":"nobody","verb":"scan"}

{"tick":3,"org":"csrit","verb":"dance"}
{"tick":4,"org":"police","verb":"request","args":{"kind":"presrve","channel":"fax"}}
{"tick":4,"org":"csirt","verb":"share","args":{"tlp":"PURPLE"}}
{"tick":1,"org":"csirt","verb":"request","args":{"kind":"preserve","channel":"24/7"}}
{"tick":8,"org":"csirt","id":3,"verb":"scan"}
{"tick":8,"org":"police","sender":"csirt","verb":"scan"}
{"tick":8,"org":"control","verb":"control.paws"}
{"tick":8,"org":"control","verb":"control.pause"}
{"tick":8,"org":"police","sender":"control","verb":"scan"}
{"tick":9,"org":"control","verb":"control.pace","args":{"ms_per_tick":"0"}}
`
	cs, err := ReadCommands(strings.NewReader(in), "c.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cs.Lines, []int{7, 2, 4, 5, 6, 1, 8, 9, 10, 11, 12, 13}) || cs.Name != "c.jsonl" {
		t.Errorf("lines %v name %q", cs.Lines, cs.Name)
	}
	orgs := []string{"csirt", "police", "isp"}
	err = cs.CheckWords(orgs)
	want := `c.jsonl:2: org: no organisation "nobody" (one of csirt, police, isp)
c.jsonl:4: org: no organisation "csrit"; did you mean "csirt"?
c.jsonl:4: verb: unknown verb "dance" (one of ` + strings.Join(engine.VerbNames()[:12], ", ") + fmt.Sprintf(" and %d more)", len(engine.VerbNames())-12) + `
c.jsonl:5: args.kind: unknown request kind "presrve"; did you mean "preserve"?
c.jsonl:5: args.channel: unknown channel "fax" (direct, 24/7, mla, police, csirt)
c.jsonl:6: args.tlp: unknown TLP label "PURPLE" (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)
c.jsonl:8: id: command ids are assigned by the engine; leave it out (got 3)
c.jsonl:9: sender: csirt cannot act as police (a command is sent by its organisation, or by control)
c.jsonl:10: verb: unknown controller verb "control.paws"; did you mean "control.pace"?
c.jsonl:13: args: control.pace: ms_per_tick "0": want a whole number from 1 to 3600000`
	if err == nil || err.Error() != want {
		t.Errorf("CheckWords:\n%v\nwant\n%s", err, want)
	}
	ok, _ := ReadCommands(strings.NewReader(`{"tick":1,"org":"isp","verb":"scan"}`), "ok.jsonl")
	if err := ok.CheckWords(orgs); err != nil {
		t.Errorf("a good file: %v", err)
	}
}

func TestScenarioDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		journal, dir, want string
	}{
		{"run.jsonl", ".", "."},
		{"runs/run.jsonl", "../scenarios/tutorial", "../../scenarios/tutorial"},
		// Only the root in common: absolute. (A folder no checkout lives in,
		// so the test holds wherever the repository is cloned.)
		{"/zz-cyberex-elsewhere/x.jsonl", wd, filepath.ToSlash(wd)},
		{"/zz-cyberex-elsewhere/x.jsonl", ".", filepath.ToSlash(wd)},
		{"/tmp/runs/x.jsonl", "/tmp/scen/a", "../scen/a"},
		{"/tmp/x.jsonl", "/tmp/scen/a", "scen/a"},
		{filepath.Join(wd, "x.jsonl"), "testdata", "testdata"},
	} {
		if got := ScenarioDirFor(tc.journal, tc.dir); got != tc.want {
			t.Errorf("ScenarioDirFor(%s, %s) = %s, want %s", tc.journal, tc.dir, got, tc.want)
		}
	}
	for _, tc := range []struct {
		journal, recorded string
		want              []string
	}{
		{"/tmp/runs/x.jsonl", "../scen/a", []string{"/tmp/scen/a", "../scen/a"}},
		{"/tmp/x.jsonl", "/work/s", []string{"/work/s"}},
		{"x.jsonl", "scenarios/t", []string{"scenarios/t"}},
		{"runs/x.jsonl", ".", []string{"runs", "."}},
	} {
		if got := ScenarioDirCandidates(tc.journal, tc.recorded); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ScenarioDirCandidates(%s, %s) = %q, want %q", tc.journal, tc.recorded, got, tc.want)
		}
	}
}

func TestWriterRefusesWhatReaderRejects(t *testing.T) {
	var b bytes.Buffer
	if _, err := NewWriter(&b, Header{Engine: "x", Scenario: "s"}); err == nil || !strings.Contains(err.Error(), "digest missing") {
		t.Errorf("header without digest: %v", err)
	}
	w, err := NewWriter(&b, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	before := b.Len()
	for _, tc := range []struct {
		tick int32
		cmds []engine.Command
		want string
	}{
		{0, []engine.Command{{Org: "a", Verb: "x"}}, "commands start at tick 1"},
		{2, []engine.Command{{Org: "a", Verb: "x"}, {Org: "a"}}, "command 2 of tick 2: verb missing"},
		{2, []engine.Command{{Tick: 3, Org: "a", Verb: "x"}}, "is for tick 3"},
		{2, []engine.Command{{Org: "a", Verb: "x", Args: map[string]string{"": "v"}}}, "arg name missing"},
	} {
		if err := w.AppendCommands(tc.tick, tc.cmds); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("tick %d %+v: %v, want %s", tc.tick, tc.cmds, err, tc.want)
		}
	}
	if b.Len() != before {
		t.Errorf("a rejected batch wrote %d bytes", b.Len()-before)
	}
	if err := w.AppendCommands(5, []engine.Command{{Org: "a", Verb: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendCommands(4, []engine.Command{{Org: "a", Verb: "x"}}); err == nil {
		t.Error("ticks went back")
	}
	if err := w.AppendHash(5, "nothex"); err == nil {
		t.Error("bad hash accepted")
	}
	if err := w.AppendHash(4, hashA); err == nil {
		t.Error("hash before the commands of its tick accepted")
	}
	if err := w.End(5, hashA); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendHash(6, hashA); err == nil {
		t.Error("hash after end accepted")
	}
	if _, err := Read(bytes.NewReader(b.Bytes()), "j"); err != nil {
		t.Errorf("what the writer wrote does not read back: %v", err)
	}
}

// failing fails every write after the first n bytes.
type failing struct{ n int }

func (f *failing) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterErrorIsSticky(t *testing.T) {
	w, err := NewWriter(&failing{n: 300}, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	cmds := []engine.Command{{Org: "a", Verb: "x", Target: strings.Repeat("t", 200)}}
	if err := w.AppendCommands(1, cmds); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error %v", err)
	}
	if err := w.AppendCommands(2, []engine.Command{{Org: "a", Verb: "x"}}); err == nil {
		t.Error("writer usable after a failed write")
	}
}

func TestCreateAndAppend(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.jsonl")
	w, err := Create(path, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AppendCommands(2, []engine.Command{{Org: "a", Verb: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendHash(10, hashA); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, testHeader()); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Create over an existing journal: %v", err)
	}
	// A crash in the middle of a record.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"type":"command","tick":11,"or`)
	f.Close()
	j, w, err := Append(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Warnings) != 1 || len(j.Commands) != 1 {
		t.Errorf("append read %+v", j)
	}
	if err := w.AppendCommands(10, []engine.Command{{Org: "a", Verb: "x"}}); err == nil {
		t.Error("appended a command before the last checkpoint")
	}
	if err := w.AppendCommands(11, []engine.Command{{Org: "b", Verb: "y"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.End(12, hashB); err != nil {
		t.Fatal(err)
	}
	w.Close()
	j, err = ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Warnings) != 0 || len(j.Commands) != 2 || j.Commands[1].Org != "b" || j.End == nil {
		t.Errorf("after append %+v", j)
	}
	if _, _, err := Append(path); err == nil || !strings.Contains(err.Error(), "ended at tick 12") {
		t.Errorf("append after end: %v", err)
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, testHeader())
	for t := int32(1); t <= 10_000; t++ {
		w.AppendCommands(t, []engine.Command{{Org: "csirt", Verb: "investigate", Target: "web-1", Args: map[string]string{"depth": "2"}}})
		if t%10 == 0 {
			w.AppendHash(t, hashA)
		}
	}
	w.Close()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
