#!/usr/bin/env bash
# Issue 14's first acceptance check: `mpirun -np 2 als-mpi train` on ml100k-implicit and Gowalla
# (library defaults: implicit, 64 factors, 15 iterations, seed 0) writes a model that
# `als recommend` and `als evaluate` read, and its top-10 for every user is compared with
# single-process `als train`'s, for both Gram modes. Needs ../shared/data (skips otherwise).
#
#   bash Benchmarks/mpi/acceptance.sh [split ...]      # default: ml100k-implicit gowalla
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh mpi
ALS_MPI=1 swift build -c release >&2
BIN="$(ALS_MPI=1 swift build -c release --show-bin-path)"
SPLITS="${SPLITS:-../shared/data/splits}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/swiftals-mpi-acceptance.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
[ $# -gt 0 ] || set -- ml100k-implicit gowalla
for split in "$@"; do
    train="$SPLITS/$split/train.tsv" test="$SPLITS/$split/test.tsv"
    if [ ! -r "$train" ]; then echo "acceptance: $train is absent, skipped"; continue; fi
    "$BIN/als" train "$train" --output "$WORK/single.als" --quiet > /dev/null
    "$BIN/als" recommend "$WORK/single.als" --all-users | cut -f1-3 > "$WORK/single.tsv"
    users=$(cut -f1 "$WORK/single.tsv" | sort -u | wc -l)
    for gram in allreduce replicated; do
        mpirun --allow-run-as-root --oversubscribe -np 2 "$BIN/als-mpi" train "$train" --gram "$gram" \
            --output "$WORK/mpi.als" --quiet
        "$BIN/als" recommend "$WORK/mpi.als" --all-users | cut -f1-3 > "$WORK/mpi.tsv"
        differ=$(paste "$WORK/single.tsv" "$WORK/mpi.tsv" | awk -F'\t' '$3 != $6 { print $1 }' | sort -u | wc -l)
        echo "acceptance: $split, np 2, --gram $gram: $differ of $users users have another top-10 than als train"
        "$BIN/als" evaluate "$WORK/mpi.als" --train "$train" --test "$test" 2>/dev/null | grep "^model" | head -2 | sed "s/^/acceptance: $split np 2 --gram $gram: /"
    done
    "$BIN/als" evaluate "$WORK/single.als" --train "$train" --test "$test" 2>/dev/null | grep "^model" | head -2 | sed "s/^/acceptance: $split als train: /"
done
