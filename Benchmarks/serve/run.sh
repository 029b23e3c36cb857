#!/usr/bin/env bash
# Load test of als-serve against the FastAPI + uvicorn + implicit 0.7.3 peer (peer.py), on
# loopback, at the ML-20M shape (138,493 users × 26,744 items, 20M synthetic interactions,
# 64 factors): wrk, 64 connections, 30 s each, one wrk thread:
#   1. GET recommendations k = 10, random known users      (get.lua)
#   2. POST fold-in, 50 interactions, k = 10                (foldin.lua)
#   3. GET again with a SIGHUP reload every 2 s
# then 1 and 2 against the peer (one uvicorn worker). Release builds only. Prints wrk's report,
# and the load generator's CPU share (its user + system seconds over 30 s × the cores).
#
# Needs wrk (apt-get install wrk; installed when missing) and a virtualenv outside the repository
# with the peer ($PEERS, default ~/.cache/swiftals-peers: pip install implicit==0.7.3 fastapi uvicorn).
set -euo pipefail
cd "$(dirname "$0")/../.."
PEERS=${PEERS:-$HOME/.cache/swiftals-peers}
WORK=${WORK:-/tmp/als-serve-bench}
DURATION=${DURATION:-30s}
command -v wrk >/dev/null || apt-get install -y wrk
if [ ! -x "$PEERS/bin/uvicorn" ]; then
    python3 -m venv "$PEERS"
    "$PEERS/bin/pip" install -q implicit==0.7.3 fastapi uvicorn
fi
export ALS_SERVER=1
swift build -c release --scratch-path .build-serve --product als-serve
swift build -c release --scratch-path .build-serve --product als
BIN=$(swift build -c release --scratch-path .build-serve --show-bin-path)
mkdir -p "$WORK"
if [ ! -f "$WORK/model.als" ]; then
    "$BIN/als" synthetic "$WORK/ratings.csv" --shape ml20m --seed 42
    "$BIN/als" train "$WORK/ratings.csv" --factors 64 --iterations 2 -o "$WORK/model.als" --export-npz "$WORK/model.npz"
fi
CORES=$(nproc)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

wait_ready() {
    for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done
    echo "not ready: $1"; exit 1
}

load() { # name url script
    echo "== $1"
    /usr/bin/time -f "wrk cpu: %U s user, %S s system" -o "$WORK/wrk-time" \
        wrk -t1 -c64 -d"$DURATION" --latency -s "Benchmarks/serve/$3" "$2"
    cat "$WORK/wrk-time"
    awk -v cores="$CORES" -v d="${DURATION%s}" '{u=$3; s=$6} END {printf "wrk cpu share: %.1f%% of %d cores\n", 100*(u+s)/(d*cores), cores}' "$WORK/wrk-time"
}

"$BIN/als-serve" "$WORK/model.als" --port 18090 --log-level warning &
SERVER=$!
PIDS+=("$SERVER")
wait_ready http://127.0.0.1:18090/readyz
load "als-serve GET k=10" http://127.0.0.1:18090 get.lua
load "als-serve POST fold-in 50 interactions" http://127.0.0.1:18090 foldin.lua
( end=$((SECONDS + ${DURATION%s})); while [ $SECONDS -lt $end ]; do sleep 2; kill -HUP "$SERVER"; done ) &
RELOADER=$!
PIDS+=("$RELOADER")
load "als-serve GET k=10, SIGHUP reload every 2 s" http://127.0.0.1:18090 get.lua
wait "$RELOADER" || true
curl -s http://127.0.0.1:18090/metrics | grep -E '^als_model_(loads|load_failures)_total'
curl -s http://127.0.0.1:18090/metrics | grep -E '^als_http_requests_total' | grep -v 'status="200"' || echo "no non-200 responses"
kill -TERM "$SERVER"; wait "$SERVER" || true

cd Benchmarks/serve
# One BLAS thread, as implicit itself asks at start-up (its recommend runs per request).
OPENBLAS_NUM_THREADS=1 PEER_NPZ="$WORK/model.npz" PEER_RATINGS="$WORK/ratings.csv" \
    "$PEERS/bin/uvicorn" peer:app --port 18091 --workers 1 --log-level warning &
PEER=$!
PIDS+=("$PEER")
cd ../..
wait_ready http://127.0.0.1:18091/v1/users/1/recommendations
load "FastAPI + implicit GET k=10" http://127.0.0.1:18091 get.lua
load "FastAPI + implicit POST fold-in 50 interactions" http://127.0.0.1:18091 foldin.lua
kill -TERM "$PEER"; wait "$PEER" || true
