#!/usr/bin/env bash
# Head-to-head training runs: SwiftALS against implicit 0.7.3, same data, same machine, same
# environment, one run. Regenerates the tables between the head-to-head markers in BENCHMARKS.md.
#
#   bash Benchmarks/head_to_head/run.sh              # full run (about 20 minutes)
#   ITERATIONS=3 FACTORS="64" bash Benchmarks/head_to_head/run.sh
#
# VENV (default ~/.cache/swiftals-peers) is created outside the repo when missing, with
# implicit==0.7.3, scikit-surprise, scipy, pandas and threadpoolctl from PyPI, and pyspark when
# a Java runtime is on the PATH (SPARK=0 skips the Spark run). WORK (default /tmp/swiftals-h2h)
# holds the generated data. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-$HOME/.cache/swiftals-peers}
WORK=${WORK:-/tmp/swiftals-h2h}
mkdir -p "$WORK"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import implicit, surprise, scipy, pandas, threadpoolctl" 2>/dev/null; then
    echo "h2h: creating $VENV with implicit 0.7.3 and scikit-surprise" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "implicit==0.7.3" scikit-surprise scipy pandas threadpoolctl
fi
if [ "${SPARK:-1}" != 0 ] && command -v java > /dev/null && ! "$VENV/bin/python" -c "import pyspark" 2>/dev/null; then
    echo "h2h: installing pyspark into $VENV" >&2
    "$VENV/bin/pip" install -q pyspark
fi
bash scripts/setup.sh
swift build -c release --product als >&2
ALS="$(swift build -c release --show-bin-path)/als"
exec "$VENV/bin/python" Benchmarks/head_to_head/h2h.py --als "$ALS" --work "$WORK" "$@"
