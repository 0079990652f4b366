#!/usr/bin/env bash
# icount.sh [N]: instructions per tick of the NASim benchmark scenarios, native
# agent and its Lua equivalent, counted by valgrind's callgrind over N ticks
# (default 200000) as the inclusive instructions of engine.(*World).Step per
# call. Unlike timings on a shared or virtual machine, the count is exact and
# repeatable (the same binary and N give the same figure; a longer run reads
# lower at 100 and 1,000 hosts, whose first ticks do more), so it shows what a change
# did to the work of a tick; it does not see caches and memory, which the timed
# benchmarks do (docs/performance.md, "Counting instructions").
#
#   make icount                 # or: tools/icount.sh 200000
set -euo pipefail
n=${1:-200000}
command -v valgrind >/dev/null || { echo "icount: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/nasim.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$root" && go test -c -o "$bin" ./nasim/)
count() { # count BENCH: instructions per World.Step
	local out=$bin.$RANDOM.cg
	# GOGC=off: no collection (no write barriers or assists in the count);
	# asyncpreemptoff: callgrind trips over the preemption signal; valgrind
	# cannot run RDTSCP, so the runtime is told not to use it. A run that
	# still fails is tried again.
	for try in 1 2 3 4 5; do
		if (cd "$root/nasim" && GOGC=off GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
			valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" -test.run '^$' -test.bench "^$1\$" \
			-test.benchtime="${n}x" -test.cpu=1 >/dev/null 2>&1); then
			break
		fi
	done
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
		awk -v n="$n" '/engine\.\(\*World\)\.Step / { gsub(",", "", $1); printf "%d", $1 / n; exit }'
	rm -f "$out"
}
printf '%-12s %10s %10s %8s\n' size native lua 'lua/nat'
for size in tiny-3 small-8 medium-16 hosts-100 hosts-1000; do
	nat=$(count "BenchmarkNASim/$size/native")
	lua=$(count "BenchmarkNASim/$size/lua")
	if [ -z "$nat" ] || [ -z "$lua" ]; then
		echo "icount: $size: valgrind failed five times" >&2
		exit 1
	fi
	awk -v s="$size" -v a="$nat" -v b="$lua" 'BEGIN { printf "%-12s %10d %10d %8.2f\n", s, a, b, b / a }'
done
