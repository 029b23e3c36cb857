#!/usr/bin/env bash
# Thread scaling of one `als train` half-step pair: seconds per iteration with 1 and with 2
# threads, for each solver, on the ML-20M-shaped play counts head_to_head/run.sh generates
# (138,493 × 26,744, 20,000,263 interactions), with its hyperparameters (c = α·r, λ 0.1 plain,
# α 1). Prints a markdown table; seconds per iteration are the median of iterations 2…N.
#
#   bash Benchmarks/scaling/threads.sh
#   FACTORS=128 SOLVERS=cholesky ITERATIONS=3 bash Benchmarks/scaling/threads.sh
#
# WORK (default /tmp/swiftals-h2h, shared with head_to_head) holds the generated cache.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as they are; the OpenBLAS kernel is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${WORK:-/tmp/swiftals-h2h}"
FACTORS="${FACTORS:-64}"
SOLVERS="${SOLVERS:-cholesky,cg}"
ITERATIONS="${ITERATIONS:-4}"
bash scripts/setup.sh
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
mkdir -p "$WORK"
if [ ! -f "$WORK/ml20m.cache" ]; then
    "$ALS" synthetic "$WORK/ml20m.csv" --shape ml20m --values play-counts --no-timestamps
    "$ALS" convert "$WORK/ml20m.csv" --to cache "$WORK/ml20m.cache" --quiet
fi
# The median of iterations 2…N of one run's progress lines ("iteration i/N  loss …  S s").
seconds() {
    "$ALS" train "$WORK/ml20m.cache" --mode implicit --confidence scaled --factors "$1" --solver "$2" \
        --iterations "$ITERATIONS" --regularization 0.1 --regularization-exponent 0 --alpha 1 \
        --threads "$3" --no-loss --output "$WORK/threads.als" 2> "$WORK/threads.log" > /dev/null
    grep -o 'OpenBLAS core: [^,[:space:]]*' "$WORK/threads.log" | head -1 | sed 's/^OpenBLAS core: //' > "$WORK/threads.core" || true
    grep '^iteration' "$WORK/threads.log" | tail -n +2 | sed -E 's/.* ([0-9.]+) s .*/\1/' | sort -g \
        | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
echo "| solver | factors | 1 thread s/iter | 2 threads s/iter | speed-up |"
echo "|---|---|---|---|---|"
for k in ${FACTORS//,/ }; do
    for s in ${SOLVERS//,/ }; do
        one=$(seconds "$k" "$s" 1)
        two=$(seconds "$k" "$s" 2)
        echo "| $s | $k | $one | $two | $(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f×", a / b }') |"
    done
done
echo "OpenBLAS: $(cat "$WORK/threads.core" 2>/dev/null || echo unknown); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"
