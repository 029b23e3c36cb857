#!/usr/bin/env bash
# Distributed training (als-mpi) on this machine: seconds per iteration split into compute and
# communication for np = 1, 2 and 4 (4 oversubscribed on 2 cores) and both exchange modes on
# ML-20M-shaped synthetic data at 64 factors; bytes per rank per iteration on the wire (TCP in a
# network namespace of its own, so its loopback counts only this job) against the formula; and
# the cost model fitted to those figures. Writes docs/benchmarks/mpi.json and
# docs/images/mpi-scaling.svg and prints the tables of BENCHMARKS.md's "Distributed training".
#
#   bash Benchmarks/mpi/run.sh                 # about 15 minutes on the 2-core machine
#   ITERATIONS=2 bash Benchmarks/mpi/run.sh
#
# WORK (default /tmp/swiftals-mpi) holds the generated data and shards (about 1.5 GB).
# Needs root for `ip netns` (the wire-bytes check is skipped otherwise). Release builds only.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh mpi
ALS_MPI=1 swift build -c release >&2
BIN="$(ALS_MPI=1 swift build -c release --show-bin-path)"
exec python3 Benchmarks/mpi/mpi.py --bin "$BIN" --work "${WORK:-/tmp/swiftals-mpi}" \
    --iterations "${ITERATIONS:-3}" "$@"
