package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"cyberex/runner"
)

// Limits of an outcomes file (a sweep's JSON lines or a test report).
const (
	OutcomeRowsMax      = 1_000_000
	OutcomeLineBytesMax = 1 << 20
	// OutcomeChartsMax bounds the histograms of one comparison.
	OutcomeChartsMax = 16
)

// OutcomeGroup is one figure's distribution over seeds in several groups
// (a sweep per response, the tests of a scenario), drawn side by side.
type OutcomeGroup struct {
	Title   string
	Groups  []string
	Samples [][]int64
}

// OutcomeShares are, per objective, how many runs of each group met it.
type OutcomeShares struct {
	Groups []string
	Rows   []ShareRow
}

// ShareRow is one objective: met in Met[i] of Runs[i] runs of group i.
type ShareRow struct {
	Objective string
	Met, Runs []int
}

// Percent is the share of group i's runs that met the objective.
func (r ShareRow) Percent(i int) int {
	if r.Runs[i] == 0 {
		return 0
	}
	return r.Met[i] * 100 / r.Runs[i]
}

// OutcomeSet is one labelled set of runs: a sweep's rows.
type OutcomeSet struct {
	Label string
	Rows  []OutcomeRow
}

// OutcomeRow is one run of a sweep: its objectives' statuses and metrics.
type OutcomeRow struct {
	Seed       uint64             `json:"seed"`
	Params     map[string]string  `json:"params"`
	Objectives []OutcomeObjective `json:"objectives"`
	Metrics    map[string]int64   `json:"metrics"`
	Error      string             `json:"error,omitempty"`
}

// OutcomeObjective is an objective's status in one run.
type OutcomeObjective struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// ReadSweep reads the JSON lines `cyberex sweep --jsonl` writes: one set
// of runs, or one per variation when the sweep varied parameters (--vary:
// each set is labelled with its values). Fields it does not use (run,
// hashes) are skipped; each problem names the line.
func ReadSweep(rd io.Reader, name, label string) ([]*OutcomeSet, error) {
	all, err := readSweep(rd, name, label)
	if err != nil {
		return nil, err
	}
	var out []*OutcomeSet
	at := map[string]int{}
	for _, row := range all.Rows {
		key := paramsLabel(row.Params)
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			l := label
			if key != "" {
				l = strings.TrimSpace(label + " " + key)
			}
			out = append(out, &OutcomeSet{Label: l})
		}
		out[i].Rows = append(out[i].Rows, row)
	}
	return out, nil
}

func paramsLabel(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+p[k])
	}
	return strings.Join(parts, " ")
}

func readSweep(rd io.Reader, name, label string) (*OutcomeSet, error) {
	set := &OutcomeSet{Label: label}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 4096), OutcomeLineBytesMax+1)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(set.Rows) >= OutcomeRowsMax {
			return nil, fmt.Errorf("%s:%d: more than %d rows", name, line, OutcomeRowsMax)
		}
		var row OutcomeRow
		if err := json.Unmarshal(b, &row); err != nil {
			return nil, fmt.Errorf("%s:%d: not a sweep row: %v", name, line, err)
		}
		if row.Error != "" {
			continue // a run that failed has no outcome
		}
		set.Rows = append(set.Rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(set.Rows) == 0 {
		return nil, fmt.Errorf("%s: no completed runs", name)
	}
	return set, nil
}

// SweepOutcomes compares sweeps: for each objective the share of runs it
// was met in, and the distribution of every metric that is not the same in
// every run (at most OutcomeChartsMax, the objectives' metrics first).
func SweepOutcomes(sets []*OutcomeSet, prefer []string) (*OutcomeShares, []OutcomeGroup) {
	var labels []string
	for _, s := range sets {
		labels = append(labels, s.Label)
	}
	var out []OutcomeGroup
	shares := &OutcomeShares{Groups: labels}
	var objs []string
	for _, s := range sets {
		for _, r := range s.Rows {
			for _, o := range r.Objectives {
				if !slices.Contains(objs, o.ID) {
					objs = append(objs, o.ID)
				}
			}
		}
	}
	for _, id := range objs {
		row := ShareRow{Objective: id}
		for _, s := range sets {
			met, runs := 0, 0
			for _, r := range s.Rows {
				for _, o := range r.Objectives {
					if o.ID == id {
						runs++
						if o.Status == "met" {
							met++
						}
					}
				}
			}
			row.Met, row.Runs = append(row.Met, met), append(row.Runs, runs)
		}
		shares.Rows = append(shares.Rows, row)
	}
	var names []string
	seen := map[string]bool{}
	for _, s := range sets {
		for _, r := range s.Rows {
			for k := range r.Metrics {
				if !seen[k] {
					seen[k] = true
					names = append(names, k)
				}
			}
		}
	}
	sort.Strings(names)
	sort.SliceStable(names, func(i, j int) bool { return slices.Contains(prefer, names[i]) && !slices.Contains(prefer, names[j]) })
	charts := 0
	for _, m := range names {
		if charts >= OutcomeChartsMax || m == "tick" {
			continue
		}
		g := OutcomeGroup{Title: m, Groups: labels}
		var all []int64
		for _, s := range sets {
			var v []int64
			for _, r := range s.Rows {
				if x, ok := r.Metrics[m]; ok {
					v = append(v, x)
				}
			}
			all = append(all, v...)
			g.Samples = append(g.Samples, v)
		}
		if len(all) == 0 || slices.Min(all) == slices.Max(all) {
			continue
		}
		out = append(out, g)
		charts++
	}
	return shares, out
}

// ReadTestReport reads `cyberex test --json` output and returns, per
// scenario, each across check's samples with the tests that share it side
// by side (the fast and the slow response on bots at day 3).
func ReadTestReport(rd io.Reader, name string) ([]OutcomeGroup, error) {
	b, err := io.ReadAll(io.LimitReader(rd, 256<<20+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > 256<<20 {
		return nil, fmt.Errorf("%s: larger than 256 MiB", name)
	}
	var rep runner.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("%s: not a test report: %v", name, err)
	}
	if rep.Format != runner.ReportFormat {
		return nil, fmt.Errorf("%s: format %q, want %q (cyberex test --json)", name, rep.Format, runner.ReportFormat)
	}
	var out []OutcomeGroup
	for _, sc := range rep.Scenarios {
		at := map[string]int{}
		for _, t := range sc.Tests {
			for k, a := range t.Across {
				key := a.What + " " + a.Name
				if a.At > 0 {
					key += fmt.Sprintf(" at tick %d", a.At)
				}
				i, ok := at[key]
				if !ok {
					i = len(out)
					at[key] = i
					out = append(out, OutcomeGroup{Title: sc.Name + ": " + key})
				}
				var v []int64
				for _, r := range t.Records {
					if k < len(r.Samples) {
						v = append(v, r.Samples[k])
					}
				}
				out[i].Groups = append(out[i].Groups, t.Name)
				out[i].Samples = append(out[i].Samples, v)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no test has across checks (their samples are what is drawn)", name)
	}
	return out, nil
}
