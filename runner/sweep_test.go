package runner

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/scenario"
)

const tiny = "testdata/tiny"

func mustSeeds(t testing.TB, s string) SeedSet {
	t.Helper()
	x, err := ParseSeeds(s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// sweepBytes runs a sweep into buffers.
func sweepBytes(t testing.TB, opt SweepOptions) (csvOut, jsonl []byte, res *SweepResult) {
	t.Helper()
	var c, j bytes.Buffer
	opt.CSV, opt.JSONL = &c, &j
	if opt.Dir == "" {
		opt.Dir = tiny
	}
	res, err := Sweep(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c.Bytes(), j.Bytes(), res
}

func varied() []Vary {
	return []Vary{
		{Key: "campaigns.bot.exploits.smb", Values: []string{"5%", "20%"}},
		{Key: "organisations.csirt.staff", Values: []string{"1", "3", "5"}},
	}
}

func TestVariationValues(t *testing.T) {
	vs := varied()
	var got []string
	for i := 0; i < 6; i++ {
		got = append(got, strings.Join(variationValues(vs, i), " "))
	}
	want := "5% 1,5% 3,5% 5,20% 1,20% 3,20% 5"
	if strings.Join(got, ",") != want {
		t.Errorf("variations %q, want %s (the last list varies fastest)", got, want)
	}
}

// The rows do not depend on the number of workers or the window.
func TestSweepDeterministic(t *testing.T) {
	base := SweepOptions{Seeds: mustSeeds(t, "1..150"), Vary: varied(), Parallel: 1, Window: 1}
	wantCSV, wantJSON, res := sweepBytes(t, base)
	if res.Runs != 900 || res.Done != 900 || res.Variations != 6 || res.Failed != 0 {
		t.Errorf("result %+v", res)
	}
	for _, c := range []struct{ parallel, window int }{{2, 0}, {8, 3}, {3, 1000}} {
		o := base
		o.Parallel, o.Window = c.parallel, c.window
		gotCSV, gotJSON, _ := sweepBytes(t, o)
		if !bytes.Equal(gotCSV, wantCSV) || !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("%d workers, window %d: other rows", c.parallel, c.window)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(wantCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 901 {
		t.Fatalf("%d CSV lines", len(rows))
	}
	head := strings.Join(rows[0][:8], ",")
	if head != "run,seed,campaigns.bot.exploits.smb,organisations.csirt.staff,ticks,state_hash,objective:few-bots:status,objective:few-bots:tick" || rows[0][len(rows[0])-1] != "error" {
		t.Errorf("header %q", rows[0])
	}
	// Row 151 is seed 1 of the second variation (5%, staff 3).
	if r := rows[152]; r[0] != "151" || r[1] != "2" || r[2] != "5%" || r[3] != "3" {
		t.Errorf("row 151: %q", r[:4])
	}
	// A row is what `cyberex run` gives for its seed and values.
	s, err := scenario.Load(tiny, scenario.Options{Set: []string{"campaigns.bot.exploits.smb=20%", "organisations.csirt.staff=5"}})
	if err != nil {
		t.Fatal(err)
	}
	one, err := headless.Run(s, headless.RunOptions{Seed: 150})
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(wantJSON), []byte("\n"))
	var last jsonRow
	if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil {
		t.Fatal(err)
	}
	if last.Run != 899 || last.Seed != 150 || last.StateHash != one.StateHash || last.Params["organisations.csirt.staff"] != "5" ||
		last.Metrics["bots"] != metricOf(one, "bots") || last.Objectives[0].Status != one.Objectives[0].Status {
		t.Errorf("last row %+v\nrun %+v", last, one)
	}
	if r := rows[900]; r[5] != one.StateHash || r[len(r)-1] != "" {
		t.Errorf("last CSV row %q", r)
	}
}

func metricOf(r *headless.Result, name string) int64 {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m.Value
		}
	}
	return -1
}

// N shards, merged, are byte for byte one unsharded sweep.
func TestShardedSweepMerges(t *testing.T) {
	base := SweepOptions{Seeds: mustSeeds(t, "1..40,100..103"), Vary: varied()}
	wantCSV, wantJSON, whole := sweepBytes(t, base)
	for n := 1; n <= 5; n++ {
		var csvs, jsons [][]byte
		done := int64(0)
		for i := 0; i < n; i++ {
			o := base
			o.Shard = Shard{Index: i, Count: n}
			c, j, res := sweepBytes(t, o)
			if res.Runs != whole.Runs {
				t.Errorf("shard %d/%d: %d runs in all, want %d", i+1, n, res.Runs, whole.Runs)
			}
			done += res.Done
			csvs, jsons = append(csvs, c), append(jsons, j)
		}
		if done != whole.Runs {
			t.Errorf("%d shards made %d runs, want %d", n, done, whole.Runs)
		}
		for _, f := range []struct {
			name   string
			parts  [][]byte
			want   []byte
			header bool
		}{{"csv", csvs, wantCSV, true}, {"jsonl", jsons, wantJSON, false}} {
			var out bytes.Buffer
			// Shards in any order.
			var ins []RowInput
			for i := len(f.parts) - 1; i >= 0; i-- {
				ins = append(ins, RowInput{Name: fmt.Sprintf("part-%d.%s", i+1, f.name), R: bytes.NewReader(f.parts[i])})
			}
			rows, err := MergeRows(&out, ins, f.header, whole.Runs)
			if err != nil {
				t.Fatalf("%d shards, %s: %v", n, f.name, err)
			}
			if rows != whole.Runs || !bytes.Equal(out.Bytes(), f.want) {
				t.Errorf("%d shards, %s: the merged file differs from the unsharded one", n, f.name)
			}
		}
	}
}

func TestMergeRowsErrors(t *testing.T) {
	opt := SweepOptions{Seeds: mustSeeds(t, "1..9")}
	var parts [3][]byte
	var jparts [3][]byte
	for i := range parts {
		o := opt
		o.Shard = Shard{Index: i, Count: 3}
		parts[i], jparts[i], _ = sweepBytes(t, o)
	}
	in := func(bs ...[]byte) []RowInput {
		var out []RowInput
		for i, b := range bs {
			out = append(out, RowInput{Name: fmt.Sprintf("in-%d", i+1), R: bytes.NewReader(b)})
		}
		return out
	}
	cut := func(b []byte) []byte { return b[:len(b)-3] }
	whole, _, _ := sweepBytes(t, opt)
	otherHeader := bytes.Replace(parts[1], []byte("run,seed"), []byte("run,seeds"), 1)
	tests := []struct {
		name string
		ins  []RowInput
		csv  bool
		runs int64
		err  string
	}{
		{"missing shard", in(parts[0], parts[2]), true, 0, "run 1 is missing"},
		{"missing last runs", in(whole[:bytes.LastIndexByte(whole[:len(whole)-1], '\n')+1]), true, 9, "8 runs merged, want 9"},
		{"twice", in(parts[0], parts[1], parts[2], parts[1]), true, 0, "run 1 is in more than one input"},
		{"cut short", in(parts[0], parts[1], cut(parts[2])), true, 0, "the last line is cut short"},
		{"other columns", in(parts[0], otherHeader, parts[2]), true, 0, "its columns differ"},
		{"empty CSV", in(parts[0], nil), true, 0, "in-2: empty"},
		{"JSON as CSV", in(jparts[0]), true, 0, `in-1:2: run number "{\"run\":3"`},
		{"words as CSV", in([]byte("run,seed\nabc\n")), true, 0, "in-1:2: not a row of a sweep's CSV output"},
		{"CSV as JSON", in(parts[0]), false, 0, "not a row of a sweep's JSON lines output"},
		{"out of order", in([]byte("{\"run\":0,\n{\"run\":1,\n{\"run\":1,\n")), false, 0, "run 1 after run 1"},
		{"json ok", in(jparts[0], jparts[1], jparts[2]), false, 9, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MergeRows(io.Discard, tc.ins, tc.csv, tc.runs)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}

// countingLoad counts the scenario loads of each set of overrides.
type countingLoad struct {
	mu    sync.Mutex
	loads map[string]int
}

func (c *countingLoad) load(dir string, set []string) (*scenario.Scenario, error) {
	c.mu.Lock()
	c.loads[strings.Join(set, " ")]++
	c.mu.Unlock()
	return DefaultLoad(dir, set)
}

// Each variation's scenario is loaded once for its runs (and each value
// once more before the first run, to catch a bad one early).
func TestSweepLoadsEachVariationOnce(t *testing.T) {
	cl := &countingLoad{loads: map[string]int{}}
	_, _, res := sweepBytes(t, SweepOptions{Seeds: mustSeeds(t, "1..50"), Vary: varied(), Load: cl.load, Parallel: 4})
	total := 0
	for _, n := range cl.loads {
		total += n
	}
	// 6 variations; 1 + 2 more values checked first.
	if total != 6+1+2 || int64(total) != res.ScenarioLoads {
		t.Errorf("%d loads (%d reported): %v", total, res.ScenarioLoads, cl.loads)
	}
	for i := 0; i < 6; i++ {
		vals := variationValues(varied(), i)
		key := "campaigns.bot.exploits.smb=" + vals[0] + " organisations.csirt.staff=" + vals[1]
		if cl.loads[key] < 1 || cl.loads[key] > 2 {
			t.Errorf("variation %s loaded %d times", key, cl.loads[key])
		}
	}
}

func TestSweepBadInput(t *testing.T) {
	tests := []struct {
		name string
		opt  SweepOptions
		err  string
	}{
		{"bad key", SweepOptions{Vary: []Vary{{Key: "organisations.nobody.staff", Values: []string{"1", "2"}}}}, `no entry "nobody"`},
		{"bad last value", SweepOptions{Vary: []Vary{{Key: "organisations.csirt.staff", Values: []string{"1", "2", "many"}}}}, `--vary organisations.csirt.staff=many`},
		{"bad value of a second list", SweepOptions{Vary: []Vary{{Key: "organisations.csirt.staff", Values: []string{"1"}}, {Key: "campaigns.bot.contacts", Values: []string{"1", "lots"}}}}, `campaigns.bot.contacts=lots`},
		{"twice", SweepOptions{Vary: []Vary{{Key: "a", Values: []string{"1"}}, {Key: "a", Values: []string{"2"}}}}, "given twice"},
		{"bad set", SweepOptions{Set: []string{"organisations.csirt.kind=polise"}}, "polise"},
		{"bad metric", SweepOptions{Metrics: []string{"botz"}}, `--metric botz: unknown metric "botz"`},
		{"too many variations", SweepOptions{Vary: []Vary{{Key: "a", Values: make([]string, 1000)}, {Key: "b", Values: make([]string, 1000)}}}, "more than 100000 variations"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opt
			o.Dir, o.Seeds = tiny, mustSeeds(t, "1..3")
			var out bytes.Buffer
			o.CSV = &out
			_, err := Sweep(o)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want an input error with %q", err, tc.err)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes before finding the error", out.Len())
			}
		})
	}
	if _, err := ParseVary("x"); err == nil {
		t.Error("--vary x accepted")
	}
	if v, err := ParseVary(" a.b = 1, 2 ,3"); err != nil || v.Key != "a.b" || strings.Join(v.Values, "|") != "1|2|3" {
		t.Errorf("ParseVary: %+v %v", v, err)
	}
	if _, err := ParseVary("a=1,,2"); err == nil {
		t.Error("an empty value accepted")
	}
}

// A run that fails is a row with its error, and the sweep goes on.
func TestSweepFailedRuns(t *testing.T) {
	c, j, res := sweepBytes(t, SweepOptions{Seeds: mustSeeds(t, "1..4"), Commands: []engine.Command{{Tick: 0, Org: "csirt", Verb: "scan"}}, CommandsFile: "bad.jsonl"})
	if res.Failed != 4 || !strings.Contains(res.FirstFailure, "run 0 (seed 1)") ||
		res.FirstReplay != "cyberex run testdata/tiny --seed 1 --ticks 0 --commands bad.jsonl" {
		t.Errorf("result %+v", res)
	}
	if n := bytes.Count(j, []byte(`"error":"command 1 (tick 0`)); n != 4 {
		t.Errorf("%d JSON rows with the error:\n%s", n, j)
	}
	rows, err := csv.NewReader(bytes.NewReader(c)).ReadAll()
	if err != nil || len(rows) != 5 || !strings.HasPrefix(rows[4][len(rows[4])-1], "command 1 (tick 0") {
		t.Errorf("CSV rows %q, %v", rows, err)
	}
}

// A sweep whose context is done stops: no run starts after, no row is
// written after, and the error says how many runs were made.
func TestSweepStops(t *testing.T) {
	for _, stopAfter := range []int64{0, 1, 37, 500} {
		t.Run(fmt.Sprint(stopAfter), func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			if stopAfter == 0 {
				cancel(errors.New("interrupt"))
			}
			var c bytes.Buffer
			res, err := Sweep(SweepOptions{Dir: tiny, Seeds: mustSeeds(t, "1..1000000"), CSV: &c, Parallel: 3, Context: ctx,
				Progress: func(done, total int64) {
					if done == stopAfter {
						cancel(errors.New("interrupt"))
					}
				}})
			want := fmt.Sprintf("the sweep stopped after %d of 1000000 runs: interrupt", stopAfter)
			if err == nil || err.Error() != want || res == nil || res.Done != stopAfter || res.Owned != 1_000_000 {
				t.Fatalf("error %v, want %s; result %+v", err, want, res)
			}
			if rows := int64(bytes.Count(c.Bytes(), []byte("\n"))) - 1; rows != stopAfter {
				t.Errorf("%d rows written, %d runs done", rows, stopAfter)
			}
		})
	}
}

// countWriter counts bytes and keeps none.
type countWriter struct{ n int64 }

func (c *countWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// liveHeap sweeps runs of the tiny scenario and returns the live heap
// (after a collection) every 1,000 rows, and the bytes written.
func liveHeap(t *testing.T, runs int) ([]uint64, int64) {
	var samples []uint64
	var w1, w2 countWriter
	seeds := mustSeeds(t, fmt.Sprintf("1..%d", runs))
	_, err := Sweep(SweepOptions{Dir: tiny, Seeds: seeds, CSV: &w1, JSONL: &w2,
		Progress: func(done, total int64) {
			if done%1000 == 0 {
				// The live heap as a collection marked it: what the
				// sweep holds, without the garbage. The writer is here,
				// so the workers stop once the window is full; the first
				// collection counts what they allocate meanwhile as live,
				// the second less so.
				runtime.GC()
				runtime.GC()
				s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
				metrics.Read(s)
				samples = append(samples, s[0].Value.Uint64())
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	return samples, w1.n + w2.n
}

func median[T cmp.Ordered](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

func mib(x uint64) float64 { return float64(x) / (1 << 20) }

// A sweep's memory is bounded by its window, not by its runs: the live
// heap does not grow over 30,000 runs, and stays small.
func TestSweepMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("30,000 runs")
	}
	samples, written := liveHeap(t, 30_000)
	head, tail := samples[:10], samples[len(samples)-10:]
	t.Logf("live heap: median %.2f MiB over the first 10,000 runs, %.2f MiB over the last 10,000 (least %.2f and %.2f), at most %.2f MiB; %.1f MiB of rows written",
		mib(median(head)), mib(median(tail)), mib(slices.Min(head)), mib(slices.Min(tail)), mib(slices.Max(samples)), float64(written)/(1<<20))
	// A sample also counts what is in flight when it is taken (up to a
	// window of rows, a world and a Lua state per worker), more of it
	// when the machine is busy: on a loaded CI machine the medians of
	// ten samples differed by a megabyte with no leak. What a sweep
	// keeps shows in every sample, so the least of each ten is compared:
	// a leak raises it, what is in flight does not.
	const slack = 1 << 20
	if first, last := slices.Min(head), slices.Min(tail); last > first+slack {
		t.Errorf("the live heap grows with the runs: at least %d bytes over the last 10,000 runs, against %d over the first", last, first)
	}
	if m := slices.Max(samples); m > 32<<20 {
		t.Errorf("live heap %d bytes, want under 32 MiB", m)
	}
	// Against the median: one sample can catch a collection in the middle
	// of a burst of rows (this check failed now and then with the maximum).
	if uint64(written) < 8*median(samples) {
		t.Errorf("the rows written (%d bytes) are not much larger than the heap: the test proves nothing", written)
	}
}
