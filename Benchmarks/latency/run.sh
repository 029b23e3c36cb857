#!/usr/bin/env bash
# Serving latency (fold-in + top-10, seen items from the model) at the ML-20M shape, one thread.
# Builds the ALS and ALSSynthetic targets in release (-O, whole module; the benchmark scratch path, where the
# Serving suite builds it too), links its objects into Benchmarks/latency/serving_latency.swift, and runs
# it with OpenBLAS on one thread.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${SCRATCH:-.build-bench}
ALS_BENCHMARKS=1 swift build -c release --scratch-path "$SCRATCH" --target ALSSynthetic
R="$SCRATCH/x86_64-unknown-linux-gnu/release"
swiftc -O -o "$SCRATCH/latency" -module-name latency Benchmarks/latency/serving_latency.swift \
    -I "$R/Modules" -Xcc -fmodule-map-file=CSources/COpenBLAS/module.modulemap \
    -Xcc -fmodule-map-file=CSources/CSuiteSparse/module.modulemap \
    -Xcc -fmodule-map-file="$R/CALSKernels.build/module.modulemap" \
    "$R"/ALS.build/*.o "$R"/ALSSynthetic.build/*.o "$R"/CALSKernels.build/*.o -lopenblas -lcholmod
OPENBLAS_NUM_THREADS=1 "$SCRATCH/latency"
