#!/usr/bin/env bash
# Scaling runs of `als train` (non-zeros, factors, threads, both solvers; the ML-25M whole fit).
# Regenerates docs/benchmarks/scaling.json, docs/images/scaling-*.svg and the tables between the
# scaling markers in BENCHMARKS.md. Needs only python3 (no packages).
#
#   bash Benchmarks/scaling/run.sh                        # full run (about 20 minutes)
#   SIZES=1000000,5000000 FACTORS=32,64 bash Benchmarks/scaling/run.sh
#
# WORK (default /tmp/swiftals-scaling) holds the generated caches (about 600 MB at 25M).
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
exec python3 Benchmarks/scaling/scaling.py --als "$ALS" --work "${WORK:-/tmp/swiftals-scaling}" "$@"
