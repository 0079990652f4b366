// Package msel exchanges a scenario's injects (its Master Scenario Events
// List) with a spreadsheet: CSV with the columns exercise planners use.
// Export writes the injects of a scenario; Import reads such a file back,
// checks every cell against the scenario (an error names its row and
// column), and gives the scenario.yaml whose injects section it replaced.
// A round trip changes nothing: YAML → CSV → YAML keeps every inject
// field, and CSV → YAML → CSV gives the same bytes.
package msel

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"cyberex/engine/duration"
	"cyberex/scenario"
)

// Columns are the MSEL's columns, in the order Export writes them.
var Columns = []string{"number", "time offset", "move", "type", "delivery method", "from", "to", "subject", "message",
	"expected action", "objective", "capability", "responsible controller", "status", "id"}

// Limits of a CSV file: it is untrusted input.
const (
	FileBytesMax = 16 << 20
	RowsMax      = 10_000
	CellBytesMax = 64 << 10
)

// Export writes the injects of a scenario as CSV: a header row, then one
// row per inject in the scenario's order, numbered from 1. The time offset
// is the inject's `at` as written (empty: delivered only when a script
// triggers it); capability lists the capabilities of its objectives.
func Export(w io.Writer, s *scenario.Scenario) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for i, in := range s.Spec.Injects {
		at := ""
		if in.At != nil {
			at = in.At.Text
		}
		to := "all"
		if !in.To.All {
			to = strings.Join(in.To.Orgs, ", ")
		}
		row := []string{strconv.Itoa(i + 1), at, in.Move, in.Type, in.Method, in.From, to, in.Subject, in.Body,
			in.Expect, strings.Join(in.Objectives, ", "), strings.Join(capabilitiesOf(s, in.Objectives), ", "), in.Controller, in.Status, in.ID}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// capabilitiesOf lists the capabilities of objectives, each once, in the
// objectives' order.
func capabilitiesOf(s *scenario.Scenario, objectives []string) []string {
	var out []string
	for _, id := range objectives {
		for _, o := range s.Spec.Objectives {
			if o.ID != id {
				continue
			}
			for _, c := range o.Capabilities {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// CellError is a bad cell: its row (1 is the header) and column.
type CellError struct {
	File   string
	Row    int
	Column string
	Reason string
}

func (e *CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: row %d: %s", e.File, e.Row, e.Reason)
	}
	return fmt.Sprintf("%s: row %d, column %q: %s", e.File, e.Row, e.Column, e.Reason)
}

// Errors are every bad cell of a file, in row order.
type Errors []*CellError

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Inject is one row of the MSEL as the scenario will hold it.
type Inject struct {
	Row                                                     int
	Number                                                  int
	ID, At, Move, Type, Method, From, Subject, Body, Expect string
	To                                                      []string // nil: all
	Objectives                                              []string
	Controller, Status                                      string
}

// Read reads and checks a CSV MSEL against a scenario: the header names
// every column (in any order, any case), each row's cells are checked, and
// the rows come back ordered by their number. Every problem is reported,
// as Errors.
func Read(r io.Reader, name string, s *scenario.Scenario) ([]Inject, error) {
	data, err := io.ReadAll(io.LimitReader(r, FileBytesMax+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > FileBytesMax {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, FileBytesMax)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a spreadsheet's byte-order mark
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var errs Errors
	bad := func(row int, col, format string, args ...any) {
		errs = append(errs, &CellError{File: name, Row: row, Column: col, Reason: fmt.Sprintf(format, args...)})
	}
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: row 1: %w", name, csvErr(err))
	}
	at := map[string]int{}
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, k) {
			bad(1, h, "unknown column (the columns are: %s)", strings.Join(Columns, ", "))
			continue
		}
		if _, dup := at[k]; dup {
			bad(1, h, "column given twice")
		}
		at[k] = i
	}
	for _, c := range Columns {
		if _, ok := at[c]; !ok {
			bad(1, c, "column missing")
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	orgs := map[string]bool{}
	var orgIDs []string
	for _, o := range s.Spec.Organisations {
		orgs[o.ID] = true
		orgIDs = append(orgIDs, o.ID)
	}
	objectives := map[string]bool{}
	for _, o := range s.Spec.Objectives {
		objectives[o.ID] = true
	}
	var out []Inject
	numbers, ids := map[int]int{}, map[string]int{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, append(errs, &CellError{File: name, Row: row, Reason: csvErr(err).Error()})
		}
		if len(out) >= RowsMax {
			return nil, append(errs, &CellError{File: name, Row: row, Reason: fmt.Sprintf("more than %d injects", RowsMax)})
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			bad(row, "", "%d cells, the header has %d", len(rec), len(header))
			continue
		}
		cell := func(c string) string { return rec[at[c]] }
		for _, c := range Columns {
			v := cell(c)
			if !utf8.ValidString(v) {
				bad(row, c, "not valid UTF-8")
			} else if len(v) > CellBytesMax {
				bad(row, c, "longer than %d bytes", CellBytesMax)
			}
		}
		in := Inject{Row: row, ID: strings.TrimSpace(cell("id")), At: strings.TrimSpace(cell("time offset")),
			Move: cell("move"), Type: cell("type"), Method: cell("delivery method"), From: cell("from"),
			Subject: cell("subject"), Body: cell("message"), Expect: cell("expected action"),
			Controller: cell("responsible controller"), Status: cell("status")}
		n, err := strconv.Atoi(strings.TrimSpace(cell("number")))
		switch {
		case err != nil || n < 1:
			bad(row, "number", "%q: a whole number from 1", cell("number"))
		case numbers[n] != 0:
			bad(row, "number", "%d is also the number of row %d", n, numbers[n])
		default:
			numbers[n] = row
		}
		in.Number = n
		switch {
		case in.ID == "":
			bad(row, "id", "empty: every inject needs an id (scripts trigger injects by it)")
		case scenario.CheckID(in.ID) != "":
			bad(row, "id", "%s", scenario.CheckID(in.ID))
		case strings.HasPrefix(in.ID, "adhoc-"):
			bad(row, "id", "ids adhoc-N are given to injects made during the run")
		case ids[in.ID] != 0:
			bad(row, "id", "%q is also the id of row %d", in.ID, ids[in.ID])
		default:
			ids[in.ID] = row
		}
		if in.At != "" {
			if _, err := duration.Parse(in.At); err != nil {
				bad(row, "time offset", "%v (empty: only a script delivers it)", err)
			}
		}
		if strings.TrimSpace(in.Subject) == "" {
			bad(row, "subject", "empty subject")
		}
		to := strings.TrimSpace(cell("to"))
		switch to {
		case "":
			bad(row, "to", "no recipient: organisation ids separated by commas, or all")
		case "all":
		default:
			for _, o := range splitList(to) {
				if !orgs[o] {
					bad(row, "to", "no organisation %q (the organisations: %s)", o, strings.Join(orgIDs, ", "))
				} else if slices.Contains(in.To, o) {
					bad(row, "to", "%q listed twice", o)
				}
				in.To = append(in.To, o)
			}
		}
		for _, o := range splitList(cell("objective")) {
			if !objectives[o] {
				bad(row, "objective", "no objective %q", o)
			} else if slices.Contains(in.Objectives, o) {
				bad(row, "objective", "%q listed twice", o)
			}
			in.Objectives = append(in.Objectives, o)
		}
		if want, got := strings.Join(capabilitiesOf(s, in.Objectives), ", "), strings.Join(splitList(cell("capability")), ", "); got != want {
			bad(row, "capability", "%q, but the objectives of this row test %q: capabilities are declared on the objectives in scenario.yaml (objectives[].capabilities)", got, want)
		}
		out = append(out, in)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	slices.SortStableFunc(out, func(a, b Inject) int { return a.Number - b.Number })
	return out, nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("column %d: %v", pe.Column, pe.Err)
	}
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// YAML is the injects section of scenario.yaml for injects (from `injects:`
// on), fields in the documented order, empty ones left out.
func YAML(injects []Inject) ([]byte, error) {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	str := func(v string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
		if strings.Contains(v, "\n") {
			n.Style = yaml.LiteralStyle // yaml.v3 does not wrap folded text
		}
		return n
	}
	strs := func(vs []string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, v := range vs {
			n.Content = append(n.Content, str(v))
		}
		return n
	}
	for _, in := range injects {
		m := &yaml.Node{Kind: yaml.MappingNode}
		add := func(k string, v *yaml.Node) {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
		}
		add("id", str(in.ID))
		if in.At != "" {
			add("at", &yaml.Node{Kind: yaml.ScalarNode, Value: in.At})
		}
		if in.To == nil {
			add("to", &yaml.Node{Kind: yaml.ScalarNode, Value: "all"})
		} else {
			add("to", strs(in.To))
		}
		for _, f := range []struct{ k, v string }{{"from", in.From}, {"subject", in.Subject}, {"body", in.Body}, {"expect", in.Expect},
			{"move", in.Move}, {"type", in.Type}, {"method", in.Method}} {
			if f.v != "" {
				add(f.k, str(f.v))
			}
		}
		if len(in.Objectives) > 0 {
			add("objectives", strs(in.Objectives))
		}
		for _, f := range []struct{ k, v string }{{"controller", in.Controller}, {"status", in.Status}} {
			if f.v != "" {
				add(f.k, str(f.v))
			}
		}
		list.Content = append(list.Content, m)
	}
	if len(injects) == 0 {
		list.Style = yaml.FlowStyle
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "injects"}, list}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Replace returns scenario.yaml with its top-level injects section (from
// its key to the next top-level key) replaced by section; without one,
// section is appended. The rest of the file, comments included, is kept
// byte for byte; comments inside the old injects section are not.
func Replace(file, section []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(file, &doc); err != nil {
		return nil, fmt.Errorf("scenario.yaml: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("scenario.yaml: not a mapping")
	}
	root := doc.Content[0]
	lines := bytes.SplitAfter(file, []byte("\n"))
	start, end := -1, len(lines)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if start >= 0 {
			end = k.Line - 1
			// Comments just above the next key belong to it.
			for end > start+1 && isCommentOrBlank(lines[end-1]) {
				end--
			}
			break
		}
		if k.Value == "injects" {
			if k.Column != 1 {
				return nil, fmt.Errorf("scenario.yaml:%d: injects is not at the start of its line", k.Line)
			}
			start = k.Line - 1
		}
	}
	if start < 0 {
		out := slices.Clone(file)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		return append(append(out, '\n'), section...), nil
	}
	var out []byte
	for _, l := range lines[:start] {
		out = append(out, l...)
	}
	out = append(out, section...)
	if end < len(lines) && len(bytes.TrimSpace(lines[end])) > 0 {
		out = append(out, '\n') // a blank line before the next section
	}
	for _, l := range lines[end:] {
		out = append(out, l...)
	}
	return out, nil
}

func isCommentOrBlank(l []byte) bool {
	t := bytes.TrimSpace(l)
	return len(t) == 0 || t[0] == '#'
}
