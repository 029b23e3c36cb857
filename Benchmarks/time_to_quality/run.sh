#!/usr/bin/env bash
# Time to quality on Gowalla (LightGCN's split, read in place): training seconds until validation
# Recall@20 first reaches TARGET (default 0.20), for SwiftALS settings and for implicit 0.7.3
# settings, on the per-user 80/20 validation split of Gowalla train that `als split --seed 1`
# carves (the test file is never read). Prints one JSON line per setting (its curve of
# iteration, training seconds, Recall@20) and a markdown table at the end. See ttq.py.
#
#   CONFIG=gowalla.json bash Benchmarks/time_to_quality/run.sh
#   OURS="--factors 512 --solver cg" PEERS="512,1.0,10,cg" bash Benchmarks/time_to_quality/run.sh
#
# OURS: SwiftALS training flags, one setting per line; by default the configuration in CONFIG
# (default WORK/gowalla.json) and the same at 1,024 factors. CONFIG is what `als tune
# --save-best` writes; when the file is missing the script runs the README's Gowalla tune
# (--metric recall@20 --budget 10m, about ten minutes) to write it. PEERS: implicit settings
# "factors,regularization,alpha,solver", separated by spaces; by default the best setting
# METRICS.md lists for implicit on Gowalla (chosen on test) and the same λ and α at 512 factors. SwiftALS runs at most ITERATIONS
# (default 15), implicit at most PEER_ITERATIONS (default 30) or LIMIT training seconds (default
# 1800, half an hour), whichever comes first. VENV as head_to_head/run.sh.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-$HOME/.cache/swiftals-peers}
WORK=${WORK:-/tmp/swiftals-ttq}
DATA="${DATA:-../shared/data/splits/gowalla/train.tsv}"
TARGET="${TARGET:-0.20}"
ITERATIONS="${ITERATIONS:-15}"
PEER_ITERATIONS="${PEER_ITERATIONS:-30}"
LIMIT="${LIMIT:-1800}"
CONFIG="${CONFIG:-$WORK/gowalla.json}"
OURS="${OURS:---config $CONFIG
--config $CONFIG --factors 1024}"
PEERS="${PEERS:-128,100,40,cg 512,100,40,cg}"
[ -f "$DATA" ] || { echo "ttq: $DATA is missing (the shared data sets live in ../shared)" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import implicit, scipy, threadpoolctl" 2>/dev/null; then
    echo "ttq: creating $VENV with implicit 0.7.3" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "implicit==0.7.3" scipy pandas threadpoolctl
fi
bash scripts/setup.sh
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
mkdir -p "$WORK"
if [[ "$OURS" == *"--config $CONFIG"* && ! -f "$CONFIG" ]]; then
    echo "ttq: $CONFIG is missing; running the README's Gowalla tune to write it" >&2
    "$ALS" tune "$DATA" --test "$(dirname "$DATA")/test.tsv" --metric recall@20 --budget 10m --save-best "$CONFIG" >&2
fi
"$ALS" split "$DATA" --method per-user --test-fraction 0.2 --seed 1 --out-dir "$WORK/val" >&2
common=(--train "$WORK/val/train.tsv" --test "$WORK/val/test.tsv" --work "$WORK" --target "$TARGET" --threads 2)
: > "$WORK/results.jsonl"
while IFS= read -r flags; do
    [ -n "$flags" ] || continue
    "$VENV/bin/python" Benchmarks/time_to_quality/ttq.py ours --als "$ALS" --flags "$flags" --iterations "$ITERATIONS" "${common[@]}" \
        | tee -a "$WORK/results.jsonl"
done <<< "$OURS"
for peer in $PEERS; do
    IFS=, read -r k reg alpha solver <<< "$peer"
    "$VENV/bin/python" Benchmarks/time_to_quality/ttq.py implicit --factors "$k" --regularization "$reg" \
        --alpha "$alpha" --solver "$solver" --iterations "$PEER_ITERATIONS" --limit "$LIMIT" "${common[@]}" | tee -a "$WORK/results.jsonl"
done
"$VENV/bin/python" - "$WORK/results.jsonl" "$TARGET" <<'EOF'
import json, sys
target = float(sys.argv[2])
print(f"| system | setting | first iteration with Recall@20 ≥ {target} | training seconds to it | best Recall@20 (iteration) | BLAS |")
print("|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    hit = next((c for c in r["curve"] if c[2] >= target), None)
    best = max(r["curve"], key=lambda c: c[2])
    setting = r["setting"] if isinstance(r["setting"], str) else ", ".join(f"{k}={v}" for k, v in r["setting"].items())
    reached = (str(hit[0]), f"{hit[1]:.1f}") if hit else ("never", f"not within {r['curve'][-1][1]:.0f} s")
    print(f"| {r['system']} | `{setting}` | {reached[0]} | {reached[1]} | {best[2]:.4f} ({best[0]}) | {r['blas']} |")
EOF
