#!/usr/bin/env bash
# The evidence behind the library's defaults (README, "Defaults"): on every shared split, a small
# grid around the defaults scored on the validation split that `als tune` carves from TRAIN (20 %
# of each user's train interactions, seed 1). TEST is never read here.
#   bash Benchmarks/defaults/evidence.sh            # all splits; Gowalla takes about 5 minutes
#   SPLITS="ml100k-implicit" bash Benchmarks/defaults/evidence.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
S=../shared/data/splits
OUT=${OUT:-.build/defaults-evidence}
mkdir -p "$OUT"
for split in ${SPLITS:-ml100k-implicit mlsmall-implicit gowalla ml100k-temporal mlsmall-random}; do
    case $split in
        ml100k-temporal|mlsmall-random)
            args=(--mode explicit --metric rmse --grid factors=16,64,128 --grid regularization=0.03,0.1,0.3) ;;
        gowalla)
            args=(--metric recall@20 --grid factors=64,128 --grid regularization=0.3,1,3 --grid alpha=3,10,30) ;;
        *)
            args=(--metric ndcg@10 --grid factors=32,64,128 --grid regularization=0.3,1,3 --grid alpha=3,10,30) ;;
    esac
    echo "== $split: als tune $S/$split/train.tsv ${args[*]} --format csv" >&2
    "$ALS" tune "$S/$split/train.tsv" "${args[@]}" --format csv --quiet > "$OUT/$split.csv"
    cat "$OUT/$split.csv"
done
