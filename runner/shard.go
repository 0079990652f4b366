package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is a deterministic share of the runs of a test session or a sweep,
// for spreading the work over machines. Runs are numbered from 0 in a
// fixed order (see the docs of Tests and Sweep); shard I of N (I from 1)
// takes the runs whose number modulo N is I-1. Round robin rather than
// contiguous blocks: each shard gets its share of every test and every
// parameter variation, so shards take about the same time even when some
// variations are slower than others. `cyberex merge` puts the outputs back
// in run order.
//
// The zero Shard is the whole: one shard of one.
type Shard struct {
	Index int // 0-based
	Count int // 0 or 1: unsharded
}

// ShardsMax bounds the number of shards.
const ShardsMax = 1_000_000

// Whole says the shard is all of the work.
func (s Shard) Whole() bool { return s.Count <= 1 }

// Owns says whether run i (0-based) belongs to the shard.
func (s Shard) Owns(i int64) bool {
	return s.Whole() || i%int64(s.Count) == int64(s.Index)
}

// String writes the shard as the --shard flag reads it: "2/4" (1-based).
func (s Shard) String() string {
	if s.Whole() {
		return "1/1"
	}
	return fmt.Sprintf("%d/%d", s.Index+1, s.Count)
}

// ParseShard reads --shard: "I/N" with 1 <= I <= N, or "auto". For auto
// the shard comes from the environment, read with getenv:
//
//   - JOB_COMPLETION_INDEX (a Kubernetes Indexed Job; 0-based) with the
//     number of shards from shards (the --shards flag: the Job's
//     completions);
//   - otherwise SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (a Slurm
//     job array), counted from SLURM_ARRAY_TASK_MIN in steps of
//     SLURM_ARRAY_TASK_STEP when those are set (--array=1-8 and
//     --array=0-7 both make shards 1/8..8/8); shards, when not 0, must
//     agree with the count.
//
// shards is only read with auto; 0 means not given.
func ParseShard(s string, shards int, getenv func(string) string) (Shard, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Shard{}, nil
	}
	if s == "auto" {
		return autoShard(shards, getenv)
	}
	if shards != 0 {
		return Shard{}, fmt.Errorf("--shards goes with --shard auto; --shard %s already says how many", s)
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %q: want I/N such as 2/4 (shard 2 of 4), or auto", s)
	}
	return makeShard(i-1, n, fmt.Sprintf("--shard %s", s))
}

func makeShard(index, count int, what string) (Shard, error) {
	if count < 1 || count > ShardsMax {
		return Shard{}, fmt.Errorf("%s: the number of shards must be from 1 to %d", what, ShardsMax)
	}
	if index < 0 || index >= count {
		return Shard{}, fmt.Errorf("%s: shard %d is not one of 1..%d", what, index+1, count)
	}
	return Shard{Index: index, Count: count}, nil
}

func autoShard(shards int, getenv func(string) string) (Shard, error) {
	num := func(name string) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, true, fmt.Errorf("--shard auto: %s=%q is not a whole number", name, v)
		}
		return n, true, nil
	}
	if idx, ok, err := num("JOB_COMPLETION_INDEX"); ok || err != nil {
		if err != nil {
			return Shard{}, err
		}
		if shards == 0 {
			return Shard{}, fmt.Errorf("--shard auto: JOB_COMPLETION_INDEX=%d is set (a Kubernetes Indexed Job): give the number of shards with --shards N (the Job's completions)", idx)
		}
		return makeShard(idx, shards, fmt.Sprintf("--shard auto: JOB_COMPLETION_INDEX=%d with --shards %d", idx, shards))
	}
	id, ok, err := num("SLURM_ARRAY_TASK_ID")
	if err != nil {
		return Shard{}, err
	}
	if !ok {
		return Shard{}, fmt.Errorf("--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set: give --shard I/N")
	}
	count, ok, err := num("SLURM_ARRAY_TASK_COUNT")
	if err != nil {
		return Shard{}, err
	}
	if !ok {
		if shards == 0 {
			return Shard{}, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: give --shards N")
		}
		count = shards
	}
	if shards != 0 && shards != count {
		return Shard{}, fmt.Errorf("--shard auto: --shards %d, but SLURM_ARRAY_TASK_COUNT=%d", shards, count)
	}
	lo, _, err := num("SLURM_ARRAY_TASK_MIN")
	if err != nil {
		return Shard{}, err
	}
	step, ok, err := num("SLURM_ARRAY_TASK_STEP")
	if err != nil {
		return Shard{}, err
	}
	if !ok || step < 1 {
		step = 1
	}
	if (id-lo)%step != 0 {
		return Shard{}, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID=%d is not SLURM_ARRAY_TASK_MIN=%d plus a multiple of SLURM_ARRAY_TASK_STEP=%d", id, lo, step)
	}
	return makeShard((id-lo)/step, count, fmt.Sprintf("--shard auto: SLURM_ARRAY_TASK_ID=%d of SLURM_ARRAY_TASK_COUNT=%d", id, count))
}
