#!/usr/bin/env bash
# SwiftALS against Google's reference iALS++ (google-research/google-research, ials/vae_benchmarks,
# C++ with Eigen) on Gowalla train, same objective and hyperparameters, same machine, one run.
# Prints a markdown table: seconds per epoch and validation Recall@20 after the same number of
# epochs, for iALS++ (block 128) and for SwiftALS's subspace solver (block 128; SOLVERS picks
# among interleaved, iALS++'s schedule, subspace, the row-by-row one, and cg).
#
#   IALS_SRC=/work/peers/ials bash Benchmarks/ials/run.sh
#   IALS_SRC=… FACTORS=512 EPOCHS=2 bash Benchmarks/ials/run.sh
#
# IALS_SRC is a directory outside the repo holding ialspp_main.cc and recommender.h from
# ials/vae_benchmarks (bring them with the search tool's fetch or read_file; never commit them).
# They are built into WORK (default /tmp/swiftals-ials) with the flags of its Makefile
# (g++ -O3 -march=native -pthread) against Debian's Eigen (`bash scripts/setup.sh ials`).
# iALS++ runs one thread per core (std::thread::hardware_concurrency); SwiftALS gets --threads
# THREADS (default 2), so run this on a 2-core machine or set THREADS to the core count.
#
# The data: Gowalla train (LightGCN's split, read in place) is split per user 80/20 with
# `als split --seed 1`; both train on the 80 % and are scored on the 20 %, so the test file is
# never read. The objective is iALS++'s: Σ_obs (ŷ − 1)² + α₀ Σ_all ŷ² + λ Σ (n + α₀·N)^ν ‖w‖²
# with α₀ = ALPHA0 (default 0.1, its unobserved_weight), ν = 1 and λ = LAMBDA (default 1e-4, its default).
# Dividing by α₀ and rescaling ŷ by 1 + α₀ (which keeps every ranking) gives SwiftALS's implicit
# mode with linear confidence 1 + α·r, α = 1/α₀, and λ·(1 + 1/α₀) frequency-scaled with α₀:
# the same minimiser, so the same number of epochs is the same amount of work for both.
# Recall@20 is iALS++'s own definition (hits in the top 20 over min(20, |held out|), SwiftALS's
# capped-recall@20); iALS++ scores after re-projecting each user with 8 epochs of its solver,
# SwiftALS with its trained user factors. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as
# they are; the OpenBLAS kernel is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${IALS_SRC:?set IALS_SRC to a directory holding ials/vae_benchmarks/ialspp_main.cc and recommender.h}"
DATA="${DATA:-../shared/data/splits/gowalla/train.tsv}"
WORK="${WORK:-/tmp/swiftals-ials}"
FACTORS="${FACTORS:-256,512,1024}"
EPOCHS="${EPOCHS:-8}"
THREADS="${THREADS:-2}"
LAMBDA="${LAMBDA:-0.0001}"
ALPHA0="${ALPHA0:-0.1}"
BLOCK="${BLOCK:-128}"
SOLVERS="${SOLVERS:-interleaved,subspace,cg}"
for f in ialspp_main.cc recommender.h; do
    [ -f "$IALS_SRC/$f" ] || { echo "ials: $IALS_SRC/$f is missing" >&2; exit 1; }
done
[ -f "$DATA" ] || { echo "ials: $DATA is missing (the shared data sets live in ../shared)" >&2; exit 1; }
bash scripts/setup.sh ials
mkdir -p "$WORK/bin"
if [ ! -x "$WORK/bin/ialspp_main" ] || [ "$IALS_SRC/ialspp_main.cc" -nt "$WORK/bin/ialspp_main" ] ||
    [ "$IALS_SRC/recommender.h" -nt "$WORK/bin/ialspp_main" ]; then
    echo "ials: building iALS++ from $IALS_SRC" >&2
    g++ -pthread -I /usr/include/eigen3 -I "$IALS_SRC" -O3 -Wall -march=native -w \
        "$IALS_SRC/ialspp_main.cc" -o "$WORK/bin/ialspp_main"
fi
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
"$ALS" split "$DATA" --method per-user --test-fraction 0.2 --seed 1 --out-dir "$WORK/val" >&2
for f in train test; do
    { echo "uid,sid"; awk -F'\t' '{print $1 "," $2}' "$WORK/val/$f.tsv"; } > "$WORK/$f.csv"
done
# α = 1/α₀ and λ·(1 + 1/α₀): the mapping derived above.
OURS_ALPHA="$(awk -v a="$ALPHA0" 'BEGIN { printf "%.10g", 1 / a }')"
OURS_LAMBDA="$(awk -v l="$LAMBDA" -v a="$ALPHA0" 'BEGIN { printf "%.10g", l * (1 + 1 / a) }')"
# "each epoch's seconds | their mean" from one number per line, divided by $1.
seconds_cells() { awk -v d="$1" '{ s += $1 / d; printf "%s%.2f", (NR > 1 ? ", " : ""), $1 / d } END { printf " | %.2f", s / NR }'; }
echo "ials: $(dpkg-query -W -f='Eigen ${Version}' libeigen3-dev), $(g++ --version | head -1)," \
    "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| implementation | factors | s/epoch, each epoch | mean s/epoch | validation Recall@20 after $EPOCHS |"
echo "|---|---|---|---|---|"
for k in ${FACTORS//,/ }; do
    "$WORK/bin/ialspp_main" --train_data "$WORK/train.csv" --test_train_data "$WORK/train.csv" \
        --test_test_data "$WORK/test.csv" --embedding_dim "$k" --unobserved_weight "$ALPHA0" \
        --regularization "$LAMBDA" --regularization_exp 1.0 --block_size "$BLOCK" \
        --epochs "$EPOCHS" --eval_during_training 0 > "$WORK/ialspp.log"
    cells="$(grep -o 'Train=[0-9]*' "$WORK/ialspp.log" | cut -d= -f2 | seconds_cells 1000)"
    recall="$(grep -o 'Rec20=[0-9.]*' "$WORK/ialspp.log" | tail -1 | cut -d= -f2)"
    echo "| iALS++ (block $BLOCK) | $k | $cells | $recall |"
    for solver in ${SOLVERS//,/ }; do
        extra=(--solver "$solver")
        label="SwiftALS $solver"
        if [ "$solver" = subspace ]; then extra+=(--block-size "$BLOCK"); label+=" (block $BLOCK)"; fi
        # iALS++'s own epoch: block by block, the users' block then the items'.
        if [ "$solver" = interleaved ]; then
            extra=(--solver subspace --block-size "$BLOCK" --subspace-schedule interleaved)
            label="SwiftALS subspace, interleaved (block $BLOCK)"
        fi
        if [ "$solver" = cg ]; then label+=" (3 steps)"; fi
        "$ALS" train "$WORK/val/train.tsv" --factors "$k" --iterations "$EPOCHS" --threads "$THREADS" \
            --confidence linear --alpha "$OURS_ALPHA" --regularization "$OURS_LAMBDA" \
            --regularization-exponent 1 --regularization-alpha0 "$ALPHA0" --no-loss "${extra[@]}" \
            --output "$WORK/m.als" 2> "$WORK/ours.log" > /dev/null
        grep -m1 'OpenBLAS' "$WORK/ours.log" >&2 || true
        cells="$(grep -o '  [0-9.]* s  (elapsed' "$WORK/ours.log" | awk '{print $1}' | seconds_cells 1)"
        recall="$("$ALS" evaluate "$WORK/m.als" --train "$WORK/val/train.tsv" --test "$WORK/val/test.tsv" \
            --k 20 --allow-unknown --format json --quiet |
            python3 -c 'import json, sys; print("%.4f" % json.load(sys.stdin)["metrics"]["capped-recall@20"])')"
        echo "| $label | $k | $cells | $recall |"
    done
done
