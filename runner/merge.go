package runner

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// RowInput is one shard's sweep output (CSV or JSON lines).
type RowInput struct {
	Name string
	R    io.Reader
}

// MergeRows merges the rows of shards' sweep outputs into out, in run
// order: the result is byte for byte the output of the unsharded sweep.
// csvHeader says the inputs are CSV (one header line, the same in every
// input, written once); otherwise they are JSON lines. Every run from 0 to
// the last must be there exactly once; runs, when not 0, is how many
// there must be (the sweep prints it). It returns the number of rows.
func MergeRows(out io.Writer, inputs []RowInput, csvHeader bool, runs int64) (int64, error) {
	w := bufio.NewWriterSize(out, 1<<16)
	h := &rowHeap{}
	var header []byte
	readers := make([]*rowReader, len(inputs))
	for i, in := range inputs {
		rr := &rowReader{name: in.Name, r: bufio.NewReaderSize(in.R, 1<<16), csv: csvHeader, last: -1}
		readers[i] = rr
		if csvHeader {
			line, err := rr.line()
			if err != nil {
				return 0, err
			}
			if line == nil {
				return 0, fmt.Errorf("%s: empty: a sweep's CSV output has a header line", in.Name)
			}
			if header == nil {
				header = line
			} else if !bytes.Equal(header, line) {
				return 0, fmt.Errorf("%s: its columns differ from %s's: these are not shards of one sweep", in.Name, inputs[0].Name)
			}
		}
		if err := rr.advance(); err != nil {
			return 0, err
		}
		if rr.head != nil {
			heap.Push(h, rr)
		}
	}
	if header != nil {
		if _, err := w.Write(header); err != nil {
			return 0, err
		}
	}
	var next int64
	for h.Len() > 0 {
		rr := (*h)[0]
		switch {
		case rr.run < next:
			return next, fmt.Errorf("run %d is in more than one input (%s, and another): give each shard's output once", rr.run, rr.name)
		case rr.run > next:
			return next, fmt.Errorf("run %d is missing (the next is run %d, in %s): is a shard's output missing or incomplete?", next, rr.run, rr.name)
		}
		if _, err := w.Write(rr.head); err != nil {
			return next, err
		}
		next++
		if err := rr.advance(); err != nil {
			return next, err
		}
		if rr.head == nil {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	if runs > 0 && next != runs {
		return next, fmt.Errorf("%d runs merged, want %d: is a shard's output missing or incomplete?", next, runs)
	}
	return next, w.Flush()
}

// rowReader reads the rows of one input.
type rowReader struct {
	name string
	r    *bufio.Reader
	csv  bool
	n    int // lines read
	head []byte
	run  int64
	last int64
}

// rowLineMax bounds one row.
const rowLineMax = 64 << 20

func (rr *rowReader) line() ([]byte, error) {
	b, err := rr.r.ReadBytes('\n')
	if len(b) > rowLineMax {
		return nil, fmt.Errorf("%s:%d: line longer than %d MiB", rr.name, rr.n+1, rowLineMax>>20)
	}
	if err == io.EOF {
		if len(b) > 0 {
			return nil, fmt.Errorf("%s:%d: the last line is cut short (no newline): was the shard stopped while writing?", rr.name, rr.n+1)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rr.name, err)
	}
	rr.n++
	return b, nil
}

// advance reads the next row and its run number.
func (rr *rowReader) advance() error {
	b, err := rr.line()
	if err != nil {
		return err
	}
	rr.head = b
	if b == nil {
		return nil
	}
	var digits []byte
	if rr.csv {
		i := bytes.IndexByte(b, ',')
		if i < 0 {
			return fmt.Errorf("%s:%d: not a row of a sweep's CSV output", rr.name, rr.n)
		}
		digits = b[:i]
	} else {
		rest, ok := bytes.CutPrefix(b, []byte(`{"run":`))
		i := bytes.IndexByte(rest, ',')
		if !ok || i < 0 {
			return fmt.Errorf(`%s:%d: not a row of a sweep's JSON lines output (it starts with {"run":N,)`, rr.name, rr.n)
		}
		digits = rest[:i]
	}
	run, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil || run < 0 {
		return fmt.Errorf("%s:%d: run number %q", rr.name, rr.n, digits)
	}
	if run <= rr.last {
		return fmt.Errorf("%s:%d: run %d after run %d: the rows of an output are in run order", rr.name, rr.n, run, rr.last)
	}
	rr.run, rr.last = run, run
	return nil
}

type rowHeap []*rowReader

func (h rowHeap) Len() int           { return len(h) }
func (h rowHeap) Less(i, j int) bool { return h[i].run < h[j].run }
func (h rowHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)        { *h = append(*h, x.(*rowReader)) }
func (h *rowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// ---- test reports ----

// reportBytesMax bounds one report file.
const reportBytesMax = 1 << 30

// ReadReport reads a test report (`cyberex test --json`).
func ReadReport(r io.Reader, name string) (*Report, error) {
	dec := json.NewDecoder(io.LimitReader(r, reportBytesMax))
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("%s: not a test report (cyberex test --json): %v", name, err)
	}
	if rep.Format != ReportFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", name, rep.Format, ReportFormat)
	}
	return &rep, nil
}

// MergeReports joins the reports of the shards of one test session and
// judges every test over all its runs. Each test's runs must all be there
// exactly once.
func MergeReports(reps []*Report, names []string) (*Report, error) {
	if len(reps) == 0 {
		return nil, errors.New("no report to merge")
	}
	out := &Report{Format: ReportFormat, Engine: reps[0].Engine}
	type key struct{ path, test string }
	scIndex := map[string]int{}
	tIndex := map[key]int{}
	seen := map[key]map[int]string{}
	for i, r := range reps {
		if r.Engine != out.Engine {
			return nil, fmt.Errorf("%s was made by engine %s, %s by engine %s: merge the shards of one session", names[i], r.Engine, names[0], out.Engine)
		}
		out.Summary.Seconds = max(out.Summary.Seconds, r.Summary.Seconds)
		for _, sc := range r.Scenarios {
			si, ok := scIndex[sc.Path]
			if !ok {
				si = len(out.Scenarios)
				scIndex[sc.Path] = si
				out.Scenarios = append(out.Scenarios, ScenarioReport{Path: sc.Path, Name: sc.Name, Errors: sc.Errors, Tests: []TestReport{}})
			}
			osc := &out.Scenarios[si]
			for _, t := range sc.Tests {
				k := key{sc.Path, t.Name}
				ti, ok := tIndex[k]
				if !ok {
					ti = len(osc.Tests)
					tIndex[k] = ti
					nt := t
					nt.Records = nil
					nt.Seconds = 0
					osc.Tests = append(osc.Tests, nt)
					seen[k] = map[int]string{}
				}
				ot := &osc.Tests[ti]
				if ot.Runs != t.Runs || ot.GoldenRuns != t.GoldenRuns {
					return nil, fmt.Errorf("test %s of %s has %d runs in %s, %d in %s: merge the shards of one session (the same paths and flags)", t.Name, sc.Path, t.Runs, names[i], ot.Runs, names[0])
				}
				ot.Seconds += t.Seconds
				for _, rec := range t.Records {
					if prev, dup := seen[k][rec.Run]; dup {
						return nil, fmt.Errorf("test %s of %s: run %d is in %s and in %s: give each shard's report once", t.Name, sc.Path, rec.Run, prev, names[i])
					}
					seen[k][rec.Run] = names[i]
					ot.Records = append(ot.Records, rec)
				}
			}
		}
	}
	for si := range out.Scenarios {
		for ti := range out.Scenarios[si].Tests {
			t := &out.Scenarios[si].Tests[ti]
			if t.Records == nil {
				t.Records = []RunRecord{}
			}
			if want := t.Runs + t.GoldenRuns; len(t.Records) != want {
				return nil, fmt.Errorf("test %s of %s: %d of its %d runs are in the reports: is a shard's report missing?", t.Name, out.Scenarios[si].Path, len(t.Records), want)
			}
			t.judge(true)
		}
	}
	out.summarise()
	return out, nil
}
