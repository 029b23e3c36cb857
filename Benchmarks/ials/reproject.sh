#!/usr/bin/env bash
# Scores a SwiftALS model as iALS++'s evaluation scores its own: every user projected again from
# zero against the trained item factors (8 sweeps of the block solver, block 128) before ranking.
# Prints capped-recall@20 with the trained and with the projected user factors (see
# Benchmarks/ials/reproject.swift). Builds from the release objects of the ALS target, as
# Benchmarks/latency/run.sh does.
#
#   bash Benchmarks/ials/reproject.sh MODEL TRAIN TEST [BLOCK] [SWEEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 3 ] || { echo "usage: bash Benchmarks/ials/reproject.sh MODEL TRAIN TEST [BLOCK] [SWEEPS]" >&2; exit 2; }
swift build -c release --product als >&2
R="$(swift build -c release --show-bin-path)"
OUT="${WORK:-/tmp/swiftals-ials}/bin"
mkdir -p "$OUT"
swiftc -O -o "$OUT/reproject" -module-name reproject Benchmarks/ials/reproject.swift \
    -I "$R/Modules" -Xcc -fmodule-map-file=CSources/COpenBLAS/module.modulemap \
    -Xcc -fmodule-map-file=CSources/CSuiteSparse/module.modulemap \
    -Xcc -fmodule-map-file="$R/CALSKernels.build/module.modulemap" \
    "$R"/ALS.build/*.o "$R"/CALSKernels.build/*.o -lopenblas -lcholmod
"$OUT/reproject" "$@"
