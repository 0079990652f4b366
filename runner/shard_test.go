package runner

import (
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		name   string
		flag   string
		shards int
		env    map[string]string
		want   Shard
		err    string
	}{
		{name: "none", flag: "", want: Shard{}},
		{name: "explicit", flag: "2/4", want: Shard{Index: 1, Count: 4}},
		{name: "one of one", flag: "1/1", want: Shard{Index: 0, Count: 1}},
		{name: "zero", flag: "0/4", err: "shard 0 is not one of 1..4"},
		{name: "past the end", flag: "5/4", err: "shard 5 is not one of 1..4"},
		{name: "no count", flag: "2", err: "want I/N"},
		{name: "words", flag: "a/b", err: "want I/N"},
		{name: "no shards", flag: "1/0", err: "from 1 to"},
		{name: "shards with explicit", flag: "1/2", shards: 2, err: "--shards goes with --shard auto"},
		{name: "k8s", flag: "auto", shards: 8, env: map[string]string{"JOB_COMPLETION_INDEX": "0"}, want: Shard{Index: 0, Count: 8}},
		{name: "k8s last", flag: "auto", shards: 8, env: map[string]string{"JOB_COMPLETION_INDEX": "7"}, want: Shard{Index: 7, Count: 8}},
		{name: "k8s out of range", flag: "auto", shards: 8, env: map[string]string{"JOB_COMPLETION_INDEX": "8"}, err: "shard 9 is not one of 1..8"},
		{name: "k8s without --shards", flag: "auto", env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, err: "--shards N"},
		{name: "k8s garbage", flag: "auto", shards: 2, env: map[string]string{"JOB_COMPLETION_INDEX": "x"}, err: "not a whole number"},
		{name: "slurm from 0", flag: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"}, want: Shard{Index: 3, Count: 4}},
		{name: "slurm from 1", flag: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, want: Shard{Index: 0, Count: 4}},
		{name: "slurm step", flag: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, want: Shard{Index: 3, Count: 4}},
		{name: "slurm no min", flag: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, want: Shard{Index: 2, Count: 4}},
		{name: "slurm --shards agrees", flag: "auto", shards: 4, env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, want: Shard{Index: 2, Count: 4}},
		{name: "slurm --shards disagrees", flag: "auto", shards: 3, env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, err: "--shards 3, but SLURM_ARRAY_TASK_COUNT=4"},
		{name: "slurm count from --shards", flag: "auto", shards: 5, env: map[string]string{"SLURM_ARRAY_TASK_ID": "4"}, want: Shard{Index: 4, Count: 5}},
		{name: "slurm no count", flag: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4"}, err: "SLURM_ARRAY_TASK_COUNT"},
		{name: "slurm off step", flag: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2"}, err: "multiple of SLURM_ARRAY_TASK_STEP"},
		{name: "k8s wins over slurm", flag: "auto", shards: 2, env: map[string]string{"JOB_COMPLETION_INDEX": "1", "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "9"}, want: Shard{Index: 1, Count: 2}},
		{name: "auto without environment", flag: "auto", err: "neither JOB_COMPLETION_INDEX"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseShard(tc.flag, tc.shards, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// Every run belongs to exactly one shard, and countMod counts them.
func TestShardsPartitionRuns(t *testing.T) {
	for n := 1; n <= 7; n++ {
		owners := make([]int, 50)
		for i := 0; i < n; i++ {
			s := Shard{Index: i, Count: n}
			c := int64(0)
			for r := range owners {
				if s.Owns(int64(r)) {
					owners[r]++
					c++
				}
			}
			if got := countMod(int64(len(owners)), s); got != c {
				t.Errorf("shard %s: countMod %d, counted %d", s, got, c)
			}
		}
		for r, k := range owners {
			if k != 1 {
				t.Fatalf("%d shards: run %d is in %d shards", n, r, k)
			}
		}
	}
}
