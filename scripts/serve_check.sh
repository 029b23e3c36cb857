#!/usr/bin/env bash
# The server check (issue 13): build als-serve and its tests in their own scratch path with
# ALS_SERVER=1 (the only build that fetches Hummingbird), run the server test suite, then start
# the real binary on a model trained here and run schemathesis against api/openapi.yaml and the
# live server with every check (zero 5xx, zero schema violations, valid data accepted, invalid
# data refused, 405 for undeclared methods). A SIGHUP and a SIGTERM close the run.
#
#   bash scripts/serve_check.sh                  the whole check
#   ALS_SCHEMATHESIS_MAX_EXAMPLES=500 bash ...   a longer contract fuzz (default 40 per operation)
#
# schemathesis comes from PyPI into a virtualenv outside the repository
# ($ALS_SCHEMATHESIS_VENV, default ~/.cache/swiftals-schemathesis), created when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${ALS_SERVE_SCRATCH:-.build-serve}
VENV=${ALS_SCHEMATHESIS_VENV:-$HOME/.cache/swiftals-schemathesis}
EXAMPLES=${ALS_SCHEMATHESIS_MAX_EXAMPLES:-40}
export ALS_SERVER=1

echo "serve: build als-serve, als and the server tests ($SCRATCH)"
time swift build --scratch-path "$SCRATCH" --build-tests
echo "serve: the server test suite"
swift test --scratch-path "$SCRATCH" --skip-build --filter ALSServerTests

if [ ! -x "$VENV/bin/schemathesis" ]; then
    echo "serve: installing schemathesis into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q schemathesis==4.32.5
fi

BIN=$(swift build --scratch-path "$SCRATCH" --show-bin-path)
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "serve: a small model (als synthetic + als train)"
"$BIN/als" synthetic "$WORK/ratings.csv" --shape ml100k --seed 7 >/dev/null
"$BIN/als" train "$WORK/ratings.csv" --factors 16 --iterations 3 -o "$WORK/model.als" >/dev/null

PORT=${ALS_SERVE_PORT:-18080}
"$BIN/als-serve" "$WORK/model.als" --port "$PORT" --log-level warning 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log"; exit 1; }

echo "serve: schemathesis, $EXAMPLES examples per operation"
"$VENV/bin/schemathesis" run api/openapi.yaml --url "http://127.0.0.1:$PORT" \
    --checks all \
    --max-examples "$EXAMPLES" --seed 1 --no-color

echo "serve: SIGHUP reloads the model"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 50); do
    curl -s "http://127.0.0.1:$PORT/metrics" | grep -q '^als_model_loads_total 2' && break
    sleep 0.1
done
curl -s "http://127.0.0.1:$PORT/metrics" | grep -q '^als_model_loads_total 2' || { echo "serve: no reload"; exit 1; }

echo "serve: SIGTERM stops it with status 0"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
SERVER_PID=
echo "serve: done"
