package runner

import (
	"regexp"
	"testing"
)

func TestPercentile(t *testing.T) {
	tests := []struct {
		vals []int64
		stat string
		want int64
	}{
		{[]int64{7}, "median", 7},
		{[]int64{7}, "p99", 7},
		{[]int64{1, 2, 3, 4}, "median", 2},
		{[]int64{1, 2, 3, 4, 5}, "median", 3},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "p90", 9},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "p10", 1},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "p95", 10},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "p90", 10},
	}
	for _, tc := range tests {
		if got := percentile(tc.vals, tc.stat); got != tc.want {
			t.Errorf("%s of %v = %d, want %d", tc.stat, tc.vals, got, tc.want)
		}
	}
}

func TestPct(t *testing.T) {
	tests := []struct {
		x, d int64
		want string
	}{{800, 1, "80%"}, {1000, 1, "100%"}, {2000, 3, "66.6%"}, {995, 1, "99.5%"}, {0, 5, "0%"}}
	for _, tc := range tests {
		if got := pct(tc.x, tc.d); got != tc.want {
			t.Errorf("pct(%d, %d) = %s, want %s", tc.x, tc.d, got, tc.want)
		}
	}
}

func i64(v int64) *int64 { return &v }
func i32(v int32) *int32 { return &v }

func TestEvalAcross(t *testing.T) {
	recs := func(vals ...int64) []RunRecord {
		var out []RunRecord
		for i, v := range vals {
			out = append(out, RunRecord{Run: i, Seed: uint64(100 + i), Samples: []int64{v}})
		}
		return out
	}
	tests := []struct {
		name string
		c    AcrossCheck
		recs []RunRecord
		want []string // regexps, one per failure
		seed []uint64 // the seed each failure replays
	}{
		{name: "met enough", c: AcrossCheck{What: "objective", Name: "o", AtLeast: i32(750)}, recs: recs(1, 1, 0, 1)},
		{name: "met too rarely", c: AcrossCheck{What: "objective", Name: "o", AtLeast: i32(800)}, recs: recs(1, 1, 0, 1),
			want: []string{`^objective o met in 3 of 4 runs \(75%\), want at least 80%; first run where it was not: seed 102$`}, seed: []uint64{102}},
		{name: "met too often", c: AcrossCheck{What: "objective", Name: "o", AtMost: i32(500)}, recs: recs(0, 1, 1, 1),
			want: []string{`met in 3 of 4 runs \(75%\), want at most 50%; first run where it was: seed 101$`}, seed: []uint64{101}},
		{name: "event", c: AcrossCheck{What: "event", Name: "evidence.lost", AtLeast: i32(1000)}, recs: recs(1, 0),
			want: []string{`^event evidence.lost happened in 1 of 2 runs \(50%\), want at least 100%`}, seed: []uint64{101}},
		{name: "median within", c: AcrossCheck{What: "metric", Name: "bots", Stats: []StatBound{{Stat: "median", Max: i64(5)}}}, recs: recs(9, 1, 5, 2)},
		{name: "median above", c: AcrossCheck{What: "metric", Name: "bots", Stats: []StatBound{{Stat: "median", Max: i64(4)}}}, recs: recs(9, 1, 5, 7),
			want: []string{`^metric bots at the end: median 5 over 4 runs, want at most 4; seed 102 has it$`}, seed: []uint64{102}},
		{name: "p90 below and mean above", c: AcrossCheck{What: "metric", Name: "bots", At: 20, Stats: []StatBound{{Stat: "mean", Max: i64(3)}, {Stat: "p90", Min: i64(10)}}}, recs: recs(1, 9, 2, 3),
			want: []string{`^metric bots at tick 20: mean 3.75 over 4 runs, want at most 3; the run furthest out: seed 101 with 9$`, `p90 9 over 4 runs, want at least 10; seed 101 has it`}, seed: []uint64{101, 101}},
		{name: "mean exactly on the bound", c: AcrossCheck{What: "metric", Name: "bots", Stats: []StatBound{{Stat: "mean", Min: i64(3), Max: i64(3)}}}, recs: recs(2, 4, 3)},
		{name: "runs without samples are left out", c: AcrossCheck{What: "objective", Name: "o", AtLeast: i32(1000)}, recs: append(recs(1, 1), RunRecord{Run: 2, Seed: 7, Failure: "the run failed"})},
		{name: "no run at all", c: AcrossCheck{What: "objective", Name: "o", AtLeast: i32(1000)}, recs: []RunRecord{{Run: 0, Failure: "x"}},
			want: []string{"no run to judge"}, seed: []uint64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := evalAcross(tc.c, 0, tc.recs)
			if len(got) != len(tc.want) {
				t.Fatalf("%d failures %+v, want %d", len(got), got, len(tc.want))
			}
			for i, f := range got {
				if !regexp.MustCompile(tc.want[i]).MatchString(f.msg) {
					t.Errorf("failure %q, want %s", f.msg, tc.want[i])
				}
				seed := uint64(0)
				if f.run >= 0 {
					seed = tc.recs[f.run].Seed
				}
				if seed != tc.seed[i] {
					t.Errorf("replays seed %d, want %d", seed, tc.seed[i])
				}
			}
		})
	}
}
