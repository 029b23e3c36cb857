#!/usr/bin/env bash
# The evidence behind the library's defaults and the bars they meet (README, "Defaults").
#   bash Benchmarks/defaults/run.sh evidence   # on every shared split, a small grid around the
#       defaults scored on the validation split `als tune` carves from TRAIN (20 % of each
#       user's train interactions, seed 1); TEST is never read. Gowalla takes about 5 minutes.
#   bash Benchmarks/defaults/run.sh check      # `als train` with no hyperparameter flag (only
#       --mode), then `als evaluate` against the baselines on TEST; then `als demo`.
#   bash Benchmarks/defaults/run.sh solver     # the default solver per factor count: on the same
#       validation splits (written by `als split --method per-user --test-fraction 0.2 --seed 1`,
#       the split `als tune` carves), the mode's defaults with only --factors and --solver set,
#       2 threads: seconds per iteration (median of the progress lines) and the validation figure
#       after the default 15 iterations. Gowalla runs to 128 factors (Cholesky takes about
#       30 s per iteration at 256), the others to 256.
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
solver)
    echo "| split | factors | Cholesky s/iteration | CG s/iteration | Cholesky | CG |"
    echo "|---|---|---|---|---|---|"
    for split in ${SPLITS:-ml100k-implicit mlsmall-implicit gowalla ml100k-temporal mlsmall-random}; do
        if explicit "$split"; then mode=(--mode explicit); metric=rmse; k=10
        elif [ "$split" = gowalla ]; then mode=(); metric=recall@20; k=20
        else mode=(); metric=ndcg@10; k=10; fi
        dir="$OUT/solver/$split"
        "$ALS" split "$S/$split/train.tsv" --method per-user --test-fraction 0.2 --seed 1 --out-dir "$dir" --quiet > /dev/null
        factors="32 64 128 256"; [ "$split" = gowalla ] && factors="32 64 128"
        for f in $factors; do
            row="| $split | $f"; figures=""
            for solver in cholesky cg; do
                "$ALS" train "$dir/train.tsv" "${mode[@]}" --factors "$f" --solver "$solver" --threads 2 --no-loss \
                    --output "$dir/m.als" 2> "$dir/train.log" > /dev/null
                seconds=$(grep '^iteration' "$dir/train.log" | sed -E 's/.* ([0-9.]+) s .*/\1/' | sort -g \
                    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
                value=$("$ALS" evaluate "$dir/m.als" --train "$dir/train.tsv" --test "$dir/test.tsv" --k "$k" --format json --quiet \
                    | python3 -c "import json, sys; print('%.4f' % json.load(sys.stdin)['metrics']['$metric'])")
                row="$row | $seconds"; figures="$figures | $metric $value"
            done
            echo "$row$figures |"
        done
    done ;;
*)
    echo "usage: bash Benchmarks/defaults/run.sh evidence|check|solver" >&2
    exit 2 ;;
esac
