#!/usr/bin/env bash
# Runs one libFuzzer harness of Fuzz/ALSFuzz for SECONDS seconds (default 20):
#     bash scripts/fuzz.sh TARGET [SECONDS]       TARGET: one of the names below, or 'all'
# (all: one build, then the harnesses ALS_FUZZ_JOBS at a time, default 2, each for SECONDS).
# Builds with the fuzzer and address sanitizer into .build-fuzz (ALS_FUZZ=1 declares the target;
# ordinary builds never see it). The seeds of Fuzz/Corpus/TARGET are copied into
# .build-fuzz/corpus/TARGET with the crashes of Fuzz/Crashes/TARGET, and the corpus keeps what
# the run finds; a crash is written to
# .build-fuzz/artifacts/TARGET/ and makes the script fail. Prints libFuzzer's last status line.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(delimited movielens dat csv adjacency mtx split lightgcn cache model npz foldin)
TARGET="${1:?usage: scripts/fuzz.sh TARGET [SECONDS]  (TARGET: ${TARGETS[*]} or all)}"
SECONDS_PER_TARGET="${2:-20}"
build() {
    bash scripts/setup.sh
    ALS_FUZZ=1 swift build -c debug -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz --product ALSFuzz >&2
}
if [ "$TARGET" = all ]; then
    # One build, then ALS_FUZZ_JOBS harnesses at a time (default 2, one a core: a libFuzzer run
    # is single-threaded), each for the full SECONDS; their summaries print in TARGETS order.
    build
    mkdir -p .build-fuzz
    rm -f .build-fuzz/failed.txt
    export ALS_FUZZ_BUILT=1
    printf '%s\n' "${TARGETS[@]}" | xargs -P "${ALS_FUZZ_JOBS:-2}" -I{} bash -c \
        'bash "$1" "$2" "$3" > ".build-fuzz/summary-$2.txt" 2>&1 || echo "$2" >> .build-fuzz/failed.txt' \
        _ "$0" {} "$SECONDS_PER_TARGET"
    for t in "${TARGETS[@]}"; do cat ".build-fuzz/summary-$t.txt"; done
    if [ -s .build-fuzz/failed.txt ]; then
        echo "fuzz: findings in $(tr '\n' ' ' < .build-fuzz/failed.txt)" >&2
        exit 1
    fi
    exit 0
fi
case " ${TARGETS[*]} " in *" $TARGET "*) ;; *) echo "fuzz: unknown target '$TARGET' (${TARGETS[*]})" >&2; exit 2 ;; esac
[ "${ALS_FUZZ_BUILT:-0}" = 1 ] || build
BIN=.build-fuzz/debug/ALSFuzz
CORPUS=.build-fuzz/corpus/$TARGET
ARTIFACTS=.build-fuzz/artifacts/$TARGET
mkdir -p "$CORPUS" "$ARTIFACTS"
# The seeds, and every crash found before (Fuzz/Crashes/TARGET), which libFuzzer runs first.
cp -n Fuzz/Corpus/"$TARGET"/* "$CORPUS"/ 2>/dev/null || true
cp -n Fuzz/Crashes/"$TARGET"/* "$CORPUS"/ 2>/dev/null || true
LOG=.build-fuzz/fuzz-$TARGET.log
set +e
ALS_FUZZ_TARGET="$TARGET" ASAN_OPTIONS=detect_leaks=0 "$BIN" "$CORPUS" -max_total_time="$SECONDS_PER_TARGET" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 > "$LOG" 2>&1
STATUS=$?
set -e
LAST=$(grep -E '^#[0-9]+' "$LOG" | tail -1 || true)
RUNS=$(grep -E '^stat::number_of_executed_units' "$LOG" | awk '{print $2}' || true)
echo "fuzz $TARGET: ${SECONDS_PER_TARGET}s, ${RUNS:-?} executions; last: ${LAST:-none}"
if [ $STATUS -ne 0 ]; then
    echo "fuzz $TARGET: libFuzzer exited with $STATUS; see $LOG and $ARTIFACTS/" >&2
    tail -40 "$LOG" >&2
    exit 1
fi
