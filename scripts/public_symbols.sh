#!/usr/bin/env bash
# Issue 12, acceptance 3: the public surface of the ALS library, as DocC sees it — the symbols of
# `swift package dump-symbol-graph` (public, SPI excluded), synthesized conformances included.
# Prints the count and the count per top-level type. At e7bf6f5, before the split into ALS,
# ALSSynthetic, ALSTuning and ALSPlot and the SPI markings, it printed 746.
#
#   bash scripts/public_symbols.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift package dump-symbol-graph --minimum-access-level public > /dev/null 2>&1
python3 - "$(swift build --show-bin-path)/../symbolgraph/ALS.symbols.json" <<'PY'
import collections, json, sys
symbols = json.load(open(sys.argv[1]))["symbols"]
print(f"ALS public symbols: {len(symbols)}")
for name, n in collections.Counter(s["pathComponents"][0] for s in symbols).most_common():
    print(f"{n:5d}  {name}")
PY
