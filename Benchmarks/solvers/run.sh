#!/usr/bin/env bash
# Seconds per iteration of the three solvers at large factor counts on Gowalla train (LightGCN's
# split, 29,858 users × 40,981 items, 810,128 check-ins): one `als train` per solver and factor
# count, release build, and a markdown table row per run on standard output.
#
#   bash Benchmarks/solvers/run.sh
#   FACTORS=256,512 SOLVERS=subspace,cg BLOCKS=32,64 ITERATIONS=2 bash Benchmarks/solvers/run.sh
#
# Subspace runs once per block size in BLOCKS (default 32,64,128). The loss after the last
# iteration is the same objective for every solver (same data, hyperparameters and seeded start),
# so lower means the solver got further in the same number of iterations.
#
# DATA (default ../shared/data/splits/gowalla/train.tsv) is read in place, never copied. ALS, when
# set, is the `als` binary to run (another build, for a before/after pair) instead of this tree's.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${DATA:-../shared/data/splits/gowalla/train.tsv}"
FACTORS="${FACTORS:-256,512,1024}"
SOLVERS="${SOLVERS:-cholesky,cg,subspace}"
ITERATIONS="${ITERATIONS:-2}"
THREADS="${THREADS:-2}"
BLOCKS="${BLOCKS:-32,64,128}"
if [ -z "${ALS:-}" ]; then
    swift build -c release --product als >&2
    ALS="$(swift build -c release --show-bin-path)/als"
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
echo "| solver | factors | s/iter (each iteration) | loss after iteration $ITERATIONS | load average before |"
echo "|---|---|---|---|---|"
run() { # solver label, factors, extra flags…
    local label="$1" k="$2"
    shift 2
    local load
    load="$(cut -d' ' -f1 /proc/loadavg)"
    "$ALS" train "$DATA" --factors "$k" --iterations "$ITERATIONS" --threads "$THREADS" \
        --output "$OUT/m.als" "$@" 2> "$OUT/log" > /dev/null
    local seconds loss
    seconds="$(grep -o '  [0-9.]* s  (elapsed' "$OUT/log" | awk '{print $1}' | paste -sd' ' -)"
    loss="$(grep -o 'loss [0-9.e+-]*' "$OUT/log" | tail -1 | cut -d' ' -f2)"
    echo "| $label | $k | $seconds | $loss | $load |"
}
for k in ${FACTORS//,/ }; do
    for solver in ${SOLVERS//,/ }; do
        if [ "$solver" = subspace ]; then
            for b in ${BLOCKS//,/ }; do run "subspace, block $b" "$k" --solver subspace --block-size "$b"; done
        else
            run "$solver" "$k" --solver "$solver"
        fi
    done
done
