#!/bin/bash
# A cyberex sweep as a Slurm job array, then the merge of its shards.
#
# Task i of the array makes the runs whose number mod N is its index
# (`--shard auto` reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and
# SLURM_ARRAY_TASK_MIN: --array=0-7 and --array=1-8 both work) and writes
# them to $OUT/part-<task>.csv; the merge job joins the parts into
# $OUT/sweep.csv, byte for byte the file one machine would write.
#
#   jobid=$(sbatch --parsable --array=0-7 docs/examples/slurm-array.sh)
#   sbatch --dependency=afterok:$jobid docs/examples/slurm-array.sh merge
#
# Settings (environment, or edit the defaults below): CYBEREX (the program),
# SCENARIO, SEEDS, OUT (a folder every node sees). Run from the folder that
# holds the scenarios. cli's TestExamples runs this script without Slurm,
# setting the SLURM_* variables itself.
#
#SBATCH --job-name=cyberex-sweep
#SBATCH --cpus-per-task=4
#SBATCH --mem=1G
#SBATCH --time=02:00:00
#SBATCH --output=cyberex-%A_%a.log
set -euo pipefail

CYBEREX=${CYBEREX:-cyberex}
SCENARIO=${SCENARIO:-scenarios/tutorial}
SEEDS=${SEEDS:-1..100000}
OUT=${OUT:-sweep-out}

mkdir -p "$OUT"
if [ "${1:-}" = merge ]; then
	exec "$CYBEREX" merge "$OUT/sweep.csv" "$OUT"/part-*.csv
fi
: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=0-N (see the top of this file)}"
exec "$CYBEREX" sweep "$SCENARIO" --seeds "$SEEDS" --shard auto \
	--parallel "${SLURM_CPUS_PER_TASK:-$(nproc)}" \
	--out "$OUT/part-$SLURM_ARRAY_TASK_ID.csv"
