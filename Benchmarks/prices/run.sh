#!/usr/bin/env bash
# /v1/assets/bitcoin/prices?limit=500 with one year of 5-minute bars stored (105,120),
# against nginx serving the same bytes, through Benchmarks/http/run.sh (same run, interleaved).
# Target (issue 3): >= 0.3x nginx's requests/s.
#
# Usage: Benchmarks/prices/run.sh   (SENTINEL_BIN defaults to .build/release/sentinel)
set -euo pipefail
cd "$(dirname "$0")/../.."
SENTINEL_BIN=${SENTINEL_BIN:-.build/release/sentinel}
[ -x "$SENTINEL_BIN" ] || swift build -c release --product sentinel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A seeded random walk on the 5-minute grid, one year long, ending before the bundled data starts.
python3 - "$work/bitcoin-year.csv" <<'PY'
import math, random, sys
random.seed(7)
n = 365 * 288
t0 = 1735689600000 - n * 300000
p = 60000.0
with open(sys.argv[1], "w") as f:
    f.write("timestamp_ms,open,high,low,close,volume\n")
    for i in range(n):
        o = p
        p = max(1.0, p * math.exp(random.gauss(0, 0.0015)))
        hi, lo = max(o, p) * 1.0005, min(o, p) * 0.9995
        f.write(f"{t0 + i*300000},{o:.2f},{hi:.2f},{lo:.2f},{p:.2f},{random.uniform(1, 50):.4f}\n")
PY
echo "importing $(($(wc -l <"$work/bitcoin-year.csv") - 1)) bars"
"$SENTINEL_BIN" import --asset bitcoin --db "$work/bench.db" "$work/bitcoin-year.csv" --log-level warning

SENTINEL_CMD="$SENTINEL_BIN serve --no-scheduler --db $work/bench.db --log-level warning --port {port}" \
PATH_UNDER_TEST="/v1/assets/bitcoin/prices?limit=500" \
    Benchmarks/http/run.sh
echo "(target for this route: req/s ratio >= 0.3)"
