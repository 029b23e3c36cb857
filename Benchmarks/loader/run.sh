#!/usr/bin/env bash
# Loader benchmark: parse + build of CSR and CSC for an ml20m-shaped CSV (20,000,263 lines,
# user,item,rating,timestamp) by `als inspect --timing`, against pandas.read_csv +
# scipy.sparse.csr_matrix on the same file in the same run. Release build only.
#
# Environment (all optional):
#   VENV     virtualenv with pandas and scipy (created with python3 -m venv + pip if missing);
#            default ~/.cache/swiftals-peers (shared with the head-to-head runs)
#   WORK     directory for the generated CSV, outside the repository; default /tmp/als-loader-bench
#   SCRATCH  SwiftPM scratch path for the release build; default <repo>/.build
#   SHAPE    ml100k | ml1m | ml20m | ml25m; default ml20m
#   RUNS     runs of each side, alternated; the best and the median are reported; default 3
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-$HOME/.cache/swiftals-peers}
work=${WORK:-/tmp/als-loader-bench}
scratch=${SCRATCH:-$root/.build}
shape=${SHAPE:-ml20m}
runs=${RUNS:-3}
case "$work/" in "$root"/*) echo "WORK must be outside the repository" >&2; exit 2 ;; esac

echo "== build (release)"
swift build -c release --product als --package-path "$root" --scratch-path "$scratch" 2>&1 | tail -1
als="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)/als"

mkdir -p "$work"
csv="$work/$shape.csv"
if [ ! -s "$csv" ]; then
  echo "== generate $csv"
  "$als" synthetic --shape "$shape" "$csv"
fi
bytes=$(stat -c %s "$csv")
echo "== $csv: $bytes bytes, $(wc -l < "$csv") lines (header included)"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pandas, scipy' 2>/dev/null; then
  echo "== create $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pandas scipy
fi
"$venv/bin/python" -c 'import pandas, scipy, numpy; print("== peer: pandas", pandas.__version__, "scipy", scipy.__version__, "numpy", numpy.__version__)'

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
cat "$csv" > /dev/null  # both sides read from the page cache
# Other work on the machine slows the two-thread loader more than the one-thread peer: say how
# busy it was.
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# "<seconds> <peak RSS KiB> <CPU seconds of the whole process>" of one run of each side.
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"; }
rss() { awk -F': ' '/Maximum resident/ {print $2}' "$1"; }
ours() {
  /usr/bin/time -v "$als" inspect --quiet --timing "$csv" > "$work/ours.out" 2> "$work/ours.time"
  echo "$(awk '/^load time/ {print $3}' "$work/ours.out") $(rss "$work/ours.time") $(cpu "$work/ours.time")"
}
peer() {
  /usr/bin/time -v "$venv/bin/python" "$root/Benchmarks/loader/peer.py" "$csv" > "$work/peer.out" 2> "$work/peer.time"
  echo "$(awk '{print $8}' "$work/peer.out") $(rss "$work/peer.time") $(cpu "$work/peer.time")"
}
ours_runs=(); peer_runs=()
for r in $(seq 1 "$runs"); do
  o=$(ours); p=$(peer)
  read -r os orss ocpu <<< "$o"; read -r ps prss pcpu <<< "$p"
  echo "run $r: als $os s (peak RSS $orss KiB, process CPU $ocpu s) | pandas+scipy $ps s (peak RSS $prss KiB, process CPU $pcpu s) | $(cat "$work/peer.out")"
  ours_runs+=("$o"); peer_runs+=("$p")
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
structure=$(awk '/^in memory/ {print $3}' "$work/ours.out")
grep -E '^(users|items|non-zeros)' "$work/ours.out"

printf '%s\n' "${ours_runs[@]}" | sort -n > "$work/ours.runs"
printf '%s\n' "${peer_runs[@]}" | sort -n > "$work/peer.runs"
python3 - "$bytes" "$structure" "$work/ours.runs" "$work/peer.runs" <<'PY'
import sys
size, structure = int(sys.argv[1]), int(sys.argv[2])
def load(path):
    rows = [tuple(map(float, line.split())) for line in open(path)]  # sorted by seconds
    cpu = sorted(r[2] for r in rows)
    return rows[0][0], rows[len(rows) // 2][0], max(r[1] for r in rows) * 1024, cpu[len(cpu) // 2]
ob, om, orss, ocpu = load(sys.argv[3])
pb, pm, prss, pcpu = load(sys.argv[4])
print(f"als inspect (parse + CSR + CSC): best {ob:.3f} s = {size / 1e6 / ob:.1f} MB/s, median {om:.3f} s = {size / 1e6 / om:.1f} MB/s")
print(f"pandas.read_csv + csr_matrix:    best {pb:.3f} s = {size / 1e6 / pb:.1f} MB/s, median {pm:.3f} s = {size / 1e6 / pm:.1f} MB/s")
print(f"speed-up: best/best {pb / ob:.2f}x, median/median {pm / om:.2f}x")
print(f"median process CPU time (user + system, start-up included): als {ocpu:.2f} s, pandas+scipy {pcpu:.2f} s ({pcpu / ocpu:.2f}x)")
print(f"peak RSS (max over runs): als {orss / 2**20:.0f} MiB for a final structure of {structure / 2**20:.0f} MiB "
      f"(ratio {orss / structure:.2f}); pandas+scipy {prss / 2**20:.0f} MiB")
PY
