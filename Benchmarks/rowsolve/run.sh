#!/usr/bin/env bash
# One row's exact solve at several k and n, one thread: assembled (accumulation + k×k Cholesky)
# against the eigenbasis step, and the k×k Cholesky alone (µs per row, best of 5). The table
# behind the eigen step's cost rule (`_HalfStep.subspaceStepCosts`).
#
#   bash Benchmarks/rowsolve/run.sh                 # k = 64, 128, 256
#   CASES="128:64 128:100" bash Benchmarks/rowsolve/run.sh
#
# Compiled with the toolchain's clang at -O2 against the kernel sources (their ifunc clones pick
# the CPU's widest path, as in the package). OPENBLAS_* are not read: no BLAS is called.
set -euo pipefail
cd "$(dirname "$0")/../.."
CC=${CC:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
OUT=${OUT:-/tmp/swiftals-rowsolve}
K=CSources/CALSKernels
"$CC" -O2 -D_GNU_SOURCE -I$K -I$K/include Benchmarks/rowsolve/rowsolve.c $K/als_accumulate.c $K/als_cholesky.c \
    $K/als_subspace_eigen.c -lm -o "$OUT"
CASES=${CASES:-"64:16 64:32 64:40 64:48 64:64 128:16 128:32 128:64 128:80 128:90 128:100 128:120 256:64 256:128 256:160 256:192"}
echo "| k | n | assembled µs | eigenbasis µs | k×k Cholesky µs |"
echo "|---|---|---|---|---|"
for c in $CASES; do
    k=${c%%:*} n=${c##*:}
    reps=$(( 400000 / (k * k / 16 + n * k / 8) + 50 ))
    "$OUT" "$k" "$n" "$reps" 5
done
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
