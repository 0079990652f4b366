package msel

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cyberex/internal/testrun"
	"cyberex/scenario"
)

func lib() fs.FS { return os.DirFS(filepath.Join(testrun.Root, "scripts")) }

func dirOf(name string) string { return filepath.Join(testrun.Root, "scenarios", name) }

// loadWith loads a scenario of the repository with its scenario.yaml
// replaced by data.
func loadWith(t *testing.T, name string, data []byte) *scenario.Scenario {
	t.Helper()
	s, err := scenario.LoadFS(overlay{FS: scenario.FolderFS(dirOf(name)), name: "scenario.yaml", data: data}, ".", scenario.Options{Library: lib(), IgnoreTests: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type injectView struct {
	ID, At, From, Subject, Body, Expect, Move, Type, Method, Controller, Status string
	AtTicks                                                                     int32
	All                                                                         bool
	To, Objectives                                                              []string
}

func view(s *scenario.Scenario) []injectView {
	var out []injectView
	for _, in := range s.Spec.Injects {
		v := injectView{ID: in.ID, From: in.From, Subject: in.Subject, Body: in.Body, Expect: in.Expect, Move: in.Move, Type: in.Type,
			Method: in.Method, Controller: in.Controller, Status: in.Status, All: in.To.All, To: in.To.Orgs, Objectives: in.Objectives}
		if in.At != nil {
			v.At, v.AtTicks = in.At.Text, in.At.Ticks
		}
		out = append(out, v)
	}
	return out
}

func export(t *testing.T, s *scenario.Scenario) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRoundTripScenarios: every shipped scenario's injects go to CSV and
// back without a change, and the CSV comes out the same again.
func TestRoundTripScenarios(t *testing.T) {
	for _, name := range []string{"tutorial", "botnet-crossborder", "grid-hybrid", "propaganda-network"} {
		t.Run(name, func(t *testing.T) {
			s := testrun.Load(t, name)
			csv1 := export(t, s)
			yml, err := Import(bytes.NewReader(csv1), "msel.csv", dirOf(name), s, lib())
			if err != nil {
				t.Fatal(err)
			}
			s2 := loadWith(t, name, yml)
			if got, want := view(s2), view(s); !reflect.DeepEqual(got, want) {
				t.Fatalf("injects changed in the round trip:\n got %+v\nwant %+v", got, want)
			}
			if csv2 := export(t, s2); !bytes.Equal(csv1, csv2) {
				t.Fatalf("CSV → YAML → CSV changed the file:\n%s\n---\n%s", csv1, csv2)
			}
			old, _ := os.ReadFile(filepath.Join(dirOf(name), "scenario.yaml"))
			head := old[:bytes.Index(old, []byte("\ninjects:"))+1]
			if !bytes.HasPrefix(yml, head) {
				t.Error("the part of scenario.yaml before the injects changed")
			}
		})
	}
}

// TestPlannedMSEL: a spreadsheet's MSEL with every planning column,
// multi-line text, quotes, commas and accents imports into the tutorial
// and exports byte for byte the same.
func TestPlannedMSEL(t *testing.T) {
	s := testrun.Load(t, "tutorial")
	in, err := os.ReadFile("testdata/tutorial-planned.csv")
	if err != nil {
		t.Fatal(err)
	}
	yml, err := Import(bytes.NewReader(in), "tutorial-planned.csv", dirOf("tutorial"), s, lib())
	if err != nil {
		t.Fatal(err)
	}
	s2 := loadWith(t, "tutorial", yml)
	if got := export(t, s2); !bytes.Equal(got, in) {
		t.Fatalf("the planned MSEL came back different:\n%s\n---\n%s", got, in)
	}
	v := view(s2)
	if v[0].Move != "Move 1: detection" || v[0].Method != "phone" || v[0].Controller != "Anna (white cell, room 2)" ||
		!strings.Contains(v[0].Body, "\n") || v[2].At != "" || !v[1].All || len(v[2].Objectives) != 2 {
		t.Fatalf("fields lost: %+v", v)
	}
}

func TestBadCells(t *testing.T) {
	s := testrun.Load(t, "tutorial")
	header := strings.Join(Columns, ",") + "\n"
	row := func(cells ...string) string {
		base := map[string]string{"number": "1", "time offset": "2h", "to": "police-a", "subject": "s", "id": "x1"}
		for i := 0; i+1 < len(cells); i += 2 {
			base[cells[i]] = cells[i+1]
		}
		var out []string
		for _, c := range Columns {
			v := base[c]
			if strings.ContainsAny(v, ",\"\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			out = append(out, v)
		}
		return strings.Join(out, ",") + "\n"
	}
	cases := []struct{ name, csv, want string }{
		{"unknown organisation", header + row("to", "police-a, polise-b"), `row 2, column "to": no organisation "polise-b"`},
		{"bad duration", header + row("time offset", "2 fortnights"), `row 2, column "time offset": "2 fortnights"`},
		{"negative duration", header + row("time offset", "-5"), `row 2, column "time offset"`},
		{"no subject", header + row("subject", " "), `row 2, column "subject": empty subject`},
		{"no id", header + row("id", ""), `row 2, column "id": empty`},
		{"bad id", header + row("id", "-x"), `row 2, column "id": id "-x"`},
		{"reserved id", header + row("id", "adhoc-3"), `row 2, column "id": ids adhoc-N`},
		{"duplicate id", header + row() + row("number", "2"), `row 3, column "id": "x1" is also the id of row 2`},
		{"duplicate number", header + row() + row("id", "x2"), `row 3, column "number": 1 is also the number of row 2`},
		{"bad number", header + row("number", "one"), `row 2, column "number"`},
		{"no recipient", header + row("to", ""), `row 2, column "to": no recipient`},
		{"unknown objective", header + row("objective", "site-restord"), `row 2, column "objective": no objective "site-restord"`},
		{"capability not the objective's", header + row("objective", "site-restored", "capability", "Public Information"), `row 2, column "capability"`},
		{"missing column", strings.Replace(header, ",status", "", 1), `row 1, column "status": column missing`},
		{"unknown column", strings.Replace(header, "status", "statuss", 1), `row 1, column "statuss": unknown column`},
		{"cells missing", header + "1,2h\n", "row 2: 2 cells, the header has 15"},
		{"bad quoting", header + row() + "2,\"2h,\n", "row 3"},
		{"not UTF-8", header + row("message", "caf\xe9"), `row 2, column "message": not valid UTF-8`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.csv), "msel.csv", s)
			if err == nil || !strings.Contains(err.Error(), "msel.csv: "+c.want) && !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v\nwant %q", err, c.want)
			}
		})
	}
	// Every bad row is reported, not only the first.
	_, err := Read(strings.NewReader(header+row("to", "nobody")+row("number", "2", "id", "x2", "subject", "")), "msel.csv", s)
	if err == nil || strings.Count(err.Error(), "\n") != 1 {
		t.Fatalf("want two problems, got %v", err)
	}
	// A scenario that the new injects would break is refused whole.
	if _, err := Import(strings.NewReader(header+row("time offset", "999999999d")), "msel.csv", dirOf("tutorial"), s, lib()); err == nil {
		t.Error("an inject far beyond any tick was imported")
	}
}

func TestReplaceKeepsTheRest(t *testing.T) {
	file := []byte("name: x # the name\n\ninjects:\n  - id: a # old\n    to: all\n    subject: s\n\n# the goals\nobjectives: []\n")
	out, err := Replace(file, []byte("injects:\n  - id: b\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "name: x # the name\n\ninjects:\n  - id: b\n\n# the goals\nobjectives: []\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	out, err = Replace([]byte("name: x"), []byte("injects:\n  - id: b\n"))
	if err != nil || string(out) != "name: x\n\ninjects:\n  - id: b\n" {
		t.Fatalf("append: %q %v", out, err)
	}
	if _, err := Replace([]byte("- a\n"), nil); err == nil {
		t.Error("a list as scenario.yaml was accepted")
	}
}

// FuzzRead: no CSV makes the reader panic; what it accepts makes YAML
// that reads back as the same injects.
func FuzzRead(f *testing.F) {
	s := testrun.Load(f, "tutorial")
	f.Add([]byte(strings.Join(Columns, ",") + "\n1,2h,,,,,all,s,,,,,,,a\n"))
	if b, err := os.ReadFile("testdata/tutorial-planned.csv"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		injects, err := Read(bytes.NewReader(data), "f.csv", s)
		if err != nil {
			return
		}
		if _, err := YAML(injects); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLimits: a cell, a row count and a file beyond the limits are refused
// by name.
func TestLimits(t *testing.T) {
	s := testrun.Load(t, "tutorial")
	header := strings.Join(Columns, ",") + "\n"
	big := header + "1,2h,,,,,all,s," + strings.Repeat("x", CellBytesMax+1) + ",,,,,,a\n"
	if _, err := Read(strings.NewReader(big), "m.csv", s); err == nil || !strings.Contains(err.Error(), `row 2, column "message": longer than`) {
		t.Errorf("a cell of %d bytes: %v", CellBytesMax+1, err)
	}
	var b strings.Builder
	b.WriteString(header)
	for i := 1; i <= RowsMax+1; i++ {
		fmt.Fprintf(&b, "%d,,,,,,all,s,,,,,,,i%d\n", i, i)
	}
	if _, err := Read(strings.NewReader(b.String()), "m.csv", s); err == nil || !strings.Contains(err.Error(), "more than 10000 injects") {
		t.Errorf("%d rows: %v", RowsMax+1, err)
	}
	huge := header + strings.Repeat(" ", FileBytesMax)
	if _, err := Read(strings.NewReader(huge), "m.csv", s); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a file over %d bytes: %v", FileBytesMax, err)
	}
}
