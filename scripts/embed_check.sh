#!/usr/bin/env bash
# Issue 12, acceptance 1 and 4: SwiftALS used as a service would use it, from a package of its
# own outside this repository.
#
#   bash scripts/embed_check.sh
#
# 1. Copies Tests/Embedding (Package.swift and the EmbeddingCheck executable) to a fresh
#    directory from mktemp, with `SwiftALS` there a link to this repository, so the package's
#    only dependency is `.package(path:)` to it.
# 2. Writes every ```swift block of README.md and of any DocC article (Sources/*/*.docc/**/*.md)
#    as Sources/Snippet<NN>/main.swift, a target of its own: a block may be top-level code or
#    declarations, and must compile as it stands, imports included. The convention: a block
#    marked ```swift is a promise that it compiles and runs; shell and pseudo-code take ```sh
#    or ```text, never ```swift. Nothing is skipped.
# 3. Writes a small generated ratings file (200 users, 400 items, integer ids; never data from
#    ../shared), builds the package in debug in Swift 6 language mode, and fails on any
#    warning in the package's own sources (warnings of SwiftALS itself are not its business).
# 4. Runs EmbeddingCheck (eight concurrent tasks: load, rows, train with progress, cancel,
#    recommend, fold-in, save and reload, concurrent serving), then each snippet in a directory
#    holding the same data as ratings.csv.
#
# One debug build of ALS in the scratch package: about 3 to 5 minutes on the 2-core machine.
# ALS_EMBED_KEEP=1 keeps the scratch directory and prints its path.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
started=$SECONDS
scratch="$(cd "$(mktemp -d "${TMPDIR:-/tmp}/swiftals-embed.XXXXXX")" && pwd -P)"
if [[ "${ALS_EMBED_KEEP:-0}" == 1 ]]; then
    echo "embed: keeping $scratch"
else
    trap 'rm -rf "$scratch"' EXIT
fi

cp -R "$repo/Tests/Embedding/." "$scratch/"
rm -rf "$scratch/.build"
ln -s "$repo" "$scratch/SwiftALS"

# Every ```swift block, in file order, as Sources/Snippet<NN>/main.swift with its origin on top.
shopt -s globstar nullglob
documents=("$repo/README.md" "$repo"/Sources/*/*.docc/**/*.md)
blocks=0
for document in "${documents[@]}"; do
    relative="${document#"$repo"/}"
    count=$(awk -v out="$scratch/Sources" -v doc="$relative" -v first="$blocks" '
        /^```swift[[:space:]]*$/ { inside = 1; n++; name = sprintf("%s/Snippet%02d", out, first + n)
                                   system("mkdir -p \"" name "\""); file = name "/main.swift"
                                   print "// " doc ":" NR + 1 > file; next }
        /^```/ && inside       { inside = 0; close(file); next }
        inside                 { print > file }
        END                    { print n + 0 }' "$document")
    echo "embed: $relative: $count Swift blocks"
    blocks=$((blocks + count))
done

# The data: every user has 20 to 39 distinct items, drawn mostly from a quarter of the catalogue
# by the user's group, values 1 to 5. Park–Miller, so every awk writes the same file.
awk 'BEGIN {
    x = 20261202
    for (u = 1; u <= 200; u++) {
        split("", has); n = 20 + u % 20
        for (j = 0; j < n; ) {
            x = (x * 16807) % 2147483647; r = x % 100
            x = (x * 16807) % 2147483647
            item = (r < 80) ? 1 + (u % 4) * 100 + x % 100 : 1 + x % 400
            if (item in has) continue
            has[item] = 1; j++
            x = (x * 16807) % 2147483647
            printf "%d\t%d\t%d\n", u, item, 1 + x % 5
        }
    }
}' > "$scratch/ratings.tsv"
echo "embed: $(wc -l < "$scratch/ratings.tsv") ratings in $scratch/ratings.tsv"

# The diagnostics in the package's own sources of a kind (error or warning), each followed, for a
# snippet, by the line of the document it came from (main.swift's line 1 names the block's first).
own_diagnostics() {
    { grep -E "^$scratch/Sources/[^ ]*:[0-9]+:[0-9]+: $1:" "$scratch/build.log" || true; } | sort -u | while IFS= read -r line; do
        echo "$line"
        file="${line%%:*}" rest="${line#*:}"
        if [[ "$file" == */Snippet*/main.swift ]]; then
            origin="$(head -1 "$file" | cut -c4-)"
            echo "    which is ${origin%:*}:$(( ${origin##*:} + ${rest%%:*} - 2 ))"
        fi
    done
}

echo "embed: swift build (debug, Swift 6 language mode) in $scratch"
cd "$scratch"
set +e
swift build 2>&1 | tee "$scratch/build.log" | grep -E "error:|warning:|Compiling|Build complete" \
    | grep -vE "^\[[0-9]+/[0-9]+\] Compiling (ALS|CALSKernels|COpenBLAS|CSuiteSparse) "
build_status=${PIPESTATUS[0]}   # swift build's own status, whatever the filters found
set -e
if (( build_status != 0 )); then
    own_diagnostics error
    echo "embed: FAILED: the scratch package does not build (log above)"
    exit 1
fi
own_warnings="$(own_diagnostics warning)"
if [[ -n "$own_warnings" ]]; then
    echo "$own_warnings"
    echo "embed: FAILED: $(grep -c ': warning:' <<< "$own_warnings") warnings in the package's own sources"
    exit 1
fi
echo "embed: built with no warning in its own sources ($((SECONDS - started)) s so far)"

bin="$(swift build --show-bin-path)"
"$bin/EmbeddingCheck" "$scratch/ratings.tsv" "$scratch"

tr '\t' ',' < "$scratch/ratings.tsv" > "$scratch/ratings.csv"
for snippet in "$scratch"/Sources/Snippet*; do
    name="$(basename "$snippet")"
    mkdir -p "$scratch/run-$name"
    cp "$scratch/ratings.csv" "$scratch/run-$name/"
    if ! (cd "$scratch/run-$name" && "$bin/$name" > output.txt 2>&1); then
        cat "$scratch/run-$name/output.txt"
        echo "embed: FAILED: $name ($(head -1 "$snippet/main.swift" | cut -c4-)) exits non-zero"
        exit 1
    fi
    echo "embed: $name ($(head -1 "$snippet/main.swift" | cut -c4-)) compiles and runs"
done
echo "embed: passed, $blocks Swift blocks, $((SECONDS - started)) s"
