#!/usr/bin/env bash
# The evidence behind the library's defaults and the bars they meet (README, "Defaults").
#   bash Benchmarks/defaults/run.sh evidence   # on every shared split, a small grid around the
#       defaults scored on the validation split `als tune` carves from TRAIN (20 % of each
#       user's train interactions, seed 1); TEST is never read. Gowalla takes about 5 minutes.
#   bash Benchmarks/defaults/run.sh check      # `als train` with no hyperparameter flag (only
#       --mode), then `als evaluate` against the baselines on TEST; then `als demo`.
#   SPLITS="ml100k-implicit" bash Benchmarks/defaults/run.sh evidence
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
S=../shared/data/splits
OUT=${OUT:-.build/defaults}
mkdir -p "$OUT"
explicit() { case $1 in ml100k-temporal|mlsmall-random) return 0 ;; *) return 1 ;; esac; }
case "${1:-}" in
evidence)
    for split in ${SPLITS:-ml100k-implicit mlsmall-implicit gowalla ml100k-temporal mlsmall-random}; do
        if explicit "$split"; then
            args=(--mode explicit --metric rmse --grid factors=16,64,128 --grid regularization=0.03,0.1,0.3)
        elif [ "$split" = gowalla ]; then
            args=(--metric recall@20 --grid factors=64,128 --grid regularization=0.3,1,3 --grid alpha=3,10,30)
        else
            args=(--metric ndcg@10 --grid factors=32,64,128 --grid regularization=0.3,1,3 --grid alpha=3,10,30)
        fi
        echo "== $split: als tune $S/$split/train.tsv ${args[*]} --format csv"
        "$ALS" tune "$S/$split/train.tsv" "${args[@]}" --format csv --quiet | tee "$OUT/$split.csv"
    done ;;
check)
    for split in ${SPLITS:-ml100k-implicit mlsmall-implicit ml100k-temporal mlsmall-random}; do
        mode=(); if explicit "$split"; then mode=(--mode explicit); fi
        echo "== $split: als train $S/$split/train.tsv ${mode[*]} --output $OUT/$split.als; als evaluate"
        "$ALS" train "$S/$split/train.tsv" "${mode[@]}" --output "$OUT/$split.als" --quiet > /dev/null
        "$ALS" evaluate "$OUT/$split.als" --train "$S/$split/train.tsv" --test "$S/$split/test.tsv" --quiet \
            | grep -E "^(model|popularity|random|global mean|item bias|user \+ item bias) +(NDCG +10|RMSE)"
    done
    echo "== als demo"
    "$ALS" demo | grep -E "NDCG@10|×" ;;
*)
    echo "usage: bash Benchmarks/defaults/run.sh evidence|check" >&2
    exit 2 ;;
esac
