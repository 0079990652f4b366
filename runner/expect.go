package runner

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"cyberex/engine"
	"cyberex/scenario"
)

// A test's expectations, compiled once per test and checked on every run
// by an observer that the run loop calls after each Step and after Finish.

type expectKind uint8

const (
	expObjective expectKind = iota
	expMetric
	expEvent
)

// expectCheck is one per-run expectation.
type expectCheck struct {
	kind   expectKind
	name   string // objective id, metric name or event kind
	status string // objective: met, failed, pending
	by     int32  // objective decided / event happened by this tick; 0: any time
	min    *int64
	max    *int64
	at     int32 // metric: read after this tick; 0: at the end
	always bool  // metric: checked after every tick
	happen bool  // event: must happen (true) or must not
	event  int   // index of the event kind in compiledTest.kinds
}

// AcrossCheck is an expectation over all the runs of a test. It is written
// into test reports so that `cyberex merge` can judge the runs of several
// shards together without the scenario.
type AcrossCheck struct {
	// What is objective, metric or event; Name its id, name or kind.
	What string `json:"what"`
	Name string `json:"name"`
	// At is the tick a metric is read after; 0 reads it at the end.
	At int32 `json:"at,omitempty"`
	// AtLeast and AtMost bound the share of runs (in ‰) in which the
	// objective is met or the event happened.
	AtLeast *int32 `json:"at_least_permille,omitempty"`
	AtMost  *int32 `json:"at_most_permille,omitempty"`
	// Stats bound statistics of a metric over the runs.
	Stats []StatBound `json:"stats,omitempty"`
}

// StatBound bounds one statistic: mean, median, p10, p90, p95 or p99.
type StatBound struct {
	Stat string `json:"stat"`
	Min  *int64 `json:"min,omitempty"`
	Max  *int64 `json:"max,omitempty"`
}

// compiledTest is what the observer of a run needs.
type compiledTest struct {
	expects []expectCheck
	across  []AcrossCheck
	// kinds are the event kinds watched (per-run and across).
	kinds []string
	// acrossEvent maps an across check to its kind in kinds (-1: none).
	acrossEvent []int
	// readTicks are the ticks after which some metric is read, sorted.
	readTicks []int32
	// always are the metric expectations checked after every tick.
	always []int
	// golden are the ticks whose state is recorded, sorted, no repeats.
	golden []int32
}

func compileTest(t *scenario.TestSpec) *compiledTest {
	ct := &compiledTest{}
	kindIndex := func(k string) int {
		for i, x := range ct.kinds {
			if x == k {
				return i
			}
		}
		ct.kinds = append(ct.kinds, k)
		return len(ct.kinds) - 1
	}
	ticks := map[int32]bool{}
	for _, e := range t.Expect {
		c := expectCheck{name: e.Objective, status: e.Status, min: e.Min, max: e.Max}
		if e.By != nil {
			c.by = e.By.Ticks
		}
		switch {
		case e.Objective != "":
			c.kind = expObjective
			if c.status == "" {
				c.status = "met"
			}
		case e.Metric != "":
			c.kind, c.name = expMetric, e.Metric
			if e.At != nil {
				switch {
				case e.At.Always:
					c.always = true
					ct.always = append(ct.always, len(ct.expects))
				case !e.At.End:
					c.at = e.At.Tick.Ticks
					ticks[c.at] = true
				}
			}
		default:
			c.kind, c.name = expEvent, e.Event
			c.happen = e.Happened == nil || *e.Happened
			c.event = kindIndex(e.Event)
		}
		ct.expects = append(ct.expects, c)
	}
	for _, a := range t.Across {
		var c AcrossCheck
		ev := -1
		switch {
		case a.Objective != "":
			c.What, c.Name = "objective", a.Objective
			c.AtLeast, c.AtMost = permille(a.MetAtLeast), permille(a.MetAtMost)
		case a.Metric != "":
			c.What, c.Name = "metric", a.Metric
			if a.At != nil && !a.At.End && !a.At.Always {
				c.At = a.At.Tick.Ticks
				ticks[c.At] = true
			}
			for _, st := range []struct {
				name string
				b    *scenario.Bounds
			}{{"mean", a.Mean}, {"median", a.Median}, {"p10", a.P10}, {"p90", a.P90}, {"p95", a.P95}, {"p99", a.P99}} {
				if st.b != nil {
					c.Stats = append(c.Stats, StatBound{Stat: st.name, Min: st.b.Min, Max: st.b.Max})
				}
			}
		default:
			c.What, c.Name = "event", a.Event
			c.AtLeast, c.AtMost = permille(a.HappenedAtLeast), permille(a.HappenedAtMost)
			ev = kindIndex(a.Event)
		}
		ct.across = append(ct.across, c)
		ct.acrossEvent = append(ct.acrossEvent, ev)
	}
	for k := range ticks {
		ct.readTicks = append(ct.readTicks, k)
	}
	sort.Slice(ct.readTicks, func(i, j int) bool { return ct.readTicks[i] < ct.readTicks[j] })
	if g := t.Golden; g != nil {
		seen := map[int32]bool{}
		for _, d := range g.Ticks {
			if !seen[d.Ticks] {
				seen[d.Ticks] = true
				ct.golden = append(ct.golden, d.Ticks)
			}
		}
		sort.Slice(ct.golden, func(i, j int) bool { return ct.golden[i] < ct.golden[j] })
	}
	return ct
}

func permille(f *scenario.Fraction) *int32 {
	if f == nil {
		return nil
	}
	v := int32(*f)
	return &v
}

// reading is a metric value read during a run.
type reading struct {
	tick  int32 // tick after which it was read
	value int64
	ok    bool  // the metric existed
	err   error // why not
}

// observer watches one run.
type observer struct {
	ct *compiledTest
	// per expectation: the metric read (at its tick or the end), or the
	// first tick an always-check failed
	exp []reading
	// per across check: the metric read
	acr []reading
	// first tick each watched event kind happened, -1 if never
	firstEvent []int32
	nextRead   int
	// golden states, when this run records them
	recordGolden bool
	golden       []GoldenState
	nextGolden   int
	final        GoldenState
	lastTick     int32
	objectives   []engine.Objective
}

func newObserver(ct *compiledTest, golden bool) *observer {
	o := &observer{ct: ct, exp: make([]reading, len(ct.expects)), acr: make([]reading, len(ct.across)),
		firstEvent: make([]int32, len(ct.kinds)), recordGolden: golden && len(ct.golden) > 0}
	for i := range o.firstEvent {
		o.firstEvent[i] = -1
	}
	return o
}

func readMetric(w *engine.World, name string) reading {
	v, err := w.Metric(name)
	return reading{tick: w.Tick, value: v, ok: err == nil, err: err}
}

func (o *observer) events(evs []engine.Event) {
	if len(o.ct.kinds) == 0 {
		return
	}
	for i := range evs {
		for k, kind := range o.ct.kinds {
			if o.firstEvent[k] < 0 && evs[i].Kind == kind {
				o.firstEvent[k] = evs[i].Tick
			}
		}
	}
}

func (o *observer) step(w *engine.World) {
	t := w.Tick
	o.lastTick = t
	for _, i := range o.ct.always {
		c := &o.ct.expects[i]
		if o.exp[i].tick == 0 {
			if r := readMetric(w, c.name); !r.ok || !within(r.value, c.min, c.max) {
				o.exp[i] = r
			}
		}
	}
	for o.nextRead < len(o.ct.readTicks) && o.ct.readTicks[o.nextRead] <= t {
		if o.ct.readTicks[o.nextRead] == t {
			for i := range o.ct.expects {
				if c := &o.ct.expects[i]; c.kind == expMetric && !c.always && c.at == t {
					o.exp[i] = readMetric(w, c.name)
				}
			}
			for i := range o.ct.across {
				if c := &o.ct.across[i]; c.What == "metric" && c.At == t {
					o.acr[i] = readMetric(w, c.Name)
				}
			}
		}
		o.nextRead++
	}
	if o.recordGolden {
		for o.nextGolden < len(o.ct.golden) && o.ct.golden[o.nextGolden] <= t {
			if o.ct.golden[o.nextGolden] == t {
				o.golden = append(o.golden, GoldenState{Tick: t, Hash: w.HashHex(), Metrics: metricMap(w)})
			}
			o.nextGolden++
		}
	}
}

func (o *observer) finish(w *engine.World) {
	o.lastTick = w.Tick
	for i := range o.ct.expects {
		c := &o.ct.expects[i]
		// At the end, and at ticks the run did not reach (it ended
		// before): a world that ended no longer changes.
		if c.kind == expMetric && !c.always && (c.at == 0 || !o.exp[i].ok && o.exp[i].err == nil) {
			o.exp[i] = readMetric(w, c.name)
		}
	}
	for i := range o.ct.across {
		if c := &o.ct.across[i]; c.What == "metric" && (c.At == 0 || !o.acr[i].ok && o.acr[i].err == nil) {
			o.acr[i] = readMetric(w, c.Name)
		}
	}
	o.objectives = append(o.objectives[:0], w.Objectives...)
	if o.recordGolden {
		o.final = GoldenState{Tick: w.Tick, Hash: w.HashHex(), Metrics: metricMap(w)}
	}
}

func metricMap(w *engine.World) map[string]int64 {
	ms := w.Metrics()
	out := make(map[string]int64, len(ms))
	for _, m := range ms {
		out[m.Name] = m.Value
	}
	return out
}

func within(v int64, lo, hi *int64) bool {
	return (lo == nil || v >= *lo) && (hi == nil || v <= *hi)
}

// bounds writes "at least 3", "at most 5", "from 3 to 5".
func bounds(lo, hi *int64) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("from %d to %d", *lo, *hi)
	case lo != nil:
		return fmt.Sprintf("at least %d", *lo)
	case hi != nil:
		return fmt.Sprintf("at most %d", *hi)
	}
	return "any value"
}

// verdict is a failed per-run expectation, with the ticks of the run that
// shows it (0: the whole run).
type verdict struct {
	msg   string
	ticks int32
	json  bool   // the figure shows in `cyberex run --json` (metrics)
	event string // the figure shows with `cyberex run --events KIND`
}

// check judges the per-run expectations after the run. It returns the
// failures in the order the expectations are declared.
func (o *observer) check() []verdict {
	var out []verdict
	for i := range o.ct.expects {
		c := &o.ct.expects[i]
		switch c.kind {
		case expObjective:
			var ob *engine.Objective
			for k := range o.objectives {
				if o.objectives[k].ID == c.name {
					ob = &o.objectives[k]
				}
			}
			if ob == nil {
				out = append(out, verdict{msg: fmt.Sprintf("objective %s is not in the world", c.name)})
				continue
			}
			got := ob.Status.String()
			want := c.status
			if c.by > 0 && c.status != "pending" {
				want += fmt.Sprintf(" by tick %d", c.by)
			}
			switch {
			case got != c.status:
				at := ""
				if ob.Status != engine.ObjPending {
					at = fmt.Sprintf(" at tick %d", ob.Tick)
				}
				out = append(out, verdict{msg: fmt.Sprintf("objective %s %s%s, want %s", c.name, got, at, want)})
			case c.by > 0 && c.status != "pending" && ob.Tick > c.by:
				out = append(out, verdict{msg: fmt.Sprintf("objective %s %s at tick %d, want %s", c.name, got, ob.Tick, want)})
			}
		case expMetric:
			r := o.exp[i]
			when := "at the end (tick " + fmt.Sprint(r.tick) + ")"
			ticks := int32(0)
			switch {
			case c.always:
				when = fmt.Sprintf("at tick %d", r.tick)
				ticks = r.tick
			case c.at > 0 && r.tick == c.at:
				when = fmt.Sprintf("at tick %d", c.at)
				ticks = c.at
			case c.at > 0:
				when = fmt.Sprintf("at tick %d (the run ended at tick %d)", c.at, r.tick)
			}
			if c.always && r.tick == 0 {
				continue // held at every tick
			}
			if !r.ok {
				out = append(out, verdict{msg: fmt.Sprintf("metric %s cannot be read %s: %v", c.name, when, r.err), ticks: ticks, json: true})
				continue
			}
			if !within(r.value, c.min, c.max) {
				want := bounds(c.min, c.max)
				if c.always {
					want += " at every tick"
				}
				out = append(out, verdict{msg: fmt.Sprintf("metric %s is %d %s, want %s", c.name, r.value, when, want), ticks: ticks, json: true})
			}
		case expEvent:
			first := o.firstEvent[c.event]
			happened := first >= 0 && (c.by == 0 || first <= c.by)
			by := ""
			if c.by > 0 {
				by = fmt.Sprintf(" by tick %d", c.by)
			}
			switch {
			case c.happen && !happened && first >= 0:
				out = append(out, verdict{msg: fmt.Sprintf("event %s happened first at tick %d, want it%s", c.name, first, by), event: c.name})
			case c.happen && !happened:
				out = append(out, verdict{msg: fmt.Sprintf("event %s never happened, want it%s", c.name, by), event: c.name})
			case !c.happen && happened:
				out = append(out, verdict{msg: fmt.Sprintf("event %s happened at tick %d, want it not to happen%s", c.name, first, by), ticks: first, event: c.name})
			}
		}
	}
	return out
}

// samples returns the run's value for every across check: 1 or 0 for an
// objective met or an event that happened, the metric's value; ok is false
// (with why) when a metric could not be read.
func (o *observer) samples() ([]int64, string) {
	if len(o.ct.across) == 0 {
		return nil, ""
	}
	out := make([]int64, len(o.ct.across))
	for i, c := range o.ct.across {
		switch c.What {
		case "objective":
			for _, ob := range o.objectives {
				if ob.ID == c.Name && ob.Status == engine.ObjMet {
					out[i] = 1
				}
			}
		case "metric":
			r := o.acr[i]
			if !r.ok {
				return nil, fmt.Sprintf("metric %s (across) cannot be read at tick %d: %v", c.Name, r.tick, r.err)
			}
			out[i] = r.value
		case "event":
			if o.firstEvent[o.ct.acrossEvent[i]] >= 0 {
				out[i] = 1
			}
		}
	}
	return out, ""
}

// ---- across ----

// acrossFailure is a failed across check, with the run that shows it.
type acrossFailure struct {
	msg   string
	run   int // index into the records, -1: none
	ticks int32
	json  bool
}

// evalAcross judges one across check over the runs' samples (the records
// of the test's seeds, in seed order, that have samples).
func evalAcross(c AcrossCheck, k int, recs []RunRecord) []acrossFailure {
	var idx []int // records with samples
	for i := range recs {
		if len(recs[i].Samples) > k {
			idx = append(idx, i)
		}
	}
	n := len(idx)
	if n == 0 {
		return []acrossFailure{{msg: fmt.Sprintf("%s %s: no run to judge", c.What, c.Name), run: -1}}
	}
	var out []acrossFailure
	switch c.What {
	case "objective", "event":
		yes := 0
		firstYes, firstNo := -1, -1
		for _, i := range idx {
			if recs[i].Samples[k] != 0 {
				yes++
				if firstYes < 0 {
					firstYes = i
				}
			} else if firstNo < 0 {
				firstNo = i
			}
		}
		verb := "met"
		if c.What == "event" {
			verb = "happened"
		}
		share := fmt.Sprintf("%s %s %s in %d of %d runs (%s)", c.What, c.Name, verb, yes, n, pct(int64(yes)*1000, int64(n)))
		if c.AtLeast != nil && int64(yes)*1000 < int64(*c.AtLeast)*int64(n) {
			out = append(out, acrossFailure{msg: fmt.Sprintf("%s, want at least %s; first run where it was not: seed %d", share, pct(int64(*c.AtLeast), 1), recs[firstNo].Seed), run: firstNo})
		}
		if c.AtMost != nil && int64(yes)*1000 > int64(*c.AtMost)*int64(n) {
			out = append(out, acrossFailure{msg: fmt.Sprintf("%s, want at most %s; first run where it was: seed %d", share, pct(int64(*c.AtMost), 1), recs[firstYes].Seed), run: firstYes})
		}
	case "metric":
		vals := make([]int64, n)
		for j, i := range idx {
			vals[j] = recs[i].Samples[k]
		}
		sorted := append([]int64(nil), vals...)
		sort.Slice(sorted, func(a, b int) bool { return sorted[a] < sorted[b] })
		at := "at the end"
		if c.At > 0 {
			at = fmt.Sprintf("at tick %d", c.At)
		}
		for _, b := range c.Stats {
			if b.Stat == "mean" {
				sum := new(big.Int)
				for _, v := range vals {
					sum.Add(sum, big.NewInt(v))
				}
				nn := big.NewInt(int64(n))
				low := b.Min != nil && sum.Cmp(new(big.Int).Mul(big.NewInt(*b.Min), nn)) < 0
				high := b.Max != nil && sum.Cmp(new(big.Int).Mul(big.NewInt(*b.Max), nn)) > 0
				if !low && !high {
					continue
				}
				// No run has the mean: show the run furthest past the bound.
				pick := 0
				for j := range vals {
					if (high && vals[j] > vals[pick]) || (low && vals[j] < vals[pick]) {
						pick = j
					}
				}
				mean, _ := new(big.Rat).SetFrac(sum, nn).Float64()
				out = append(out, acrossFailure{msg: fmt.Sprintf("metric %s %s: mean %.2f over %d runs, want %s; the run furthest out: seed %d with %d",
					c.Name, at, mean, n, bounds(b.Min, b.Max), recs[idx[pick]].Seed, vals[pick]), run: idx[pick], ticks: c.At, json: true})
				continue
			}
			v := percentile(sorted, b.Stat)
			if within(v, b.Min, b.Max) {
				continue
			}
			pick := 0
			for j := range vals {
				if vals[j] == v {
					pick = j
					break
				}
			}
			out = append(out, acrossFailure{msg: fmt.Sprintf("metric %s %s: %s %d over %d runs, want %s; seed %d has it",
				c.Name, at, b.Stat, v, n, bounds(b.Min, b.Max), recs[idx[pick]].Seed), run: idx[pick], ticks: c.At, json: true})
		}
	}
	return out
}

// percentile is the nearest-rank percentile of sorted values: the value
// at rank ceil(p×n/100), counted from 1, so that it is always the value of
// some run (the median of 4 runs is the 2nd smallest).
func percentile(sorted []int64, stat string) int64 {
	p := map[string]int{"median": 50, "p10": 10, "p90": 90, "p95": 95, "p99": 99}[stat]
	n := len(sorted)
	rank := (p*n + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// pct writes x/d ‰ as a percentage, rounded down to a tenth: "80%",
// "66.6%".
func pct(x, d int64) string {
	t := x / d // tenths of a percent
	s := fmt.Sprintf("%d.%d%%", t/10, t%10)
	return strings.Replace(s, ".0%", "%", 1)
}
