#!/usr/bin/env bash
# Feature set v1: Swift (release) vs pandas on the same inputs, bars per second, median of 5 runs.
# The ratio uses process CPU time (both sides are single-threaded), so neighbours on a shared
# machine do not skew it; wall-clock figures are printed too.
# Usage: Benchmarks/features/run.sh      (from anywhere; needs python3 with venv, and PyPI access once)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/Benchmarks/.out"
REAL="$ROOT/Tests/FeaturesTests/Fixtures/btc-usd-5m.csv"
GOLDEN="$ROOT/Tests/FeaturesTests/Fixtures/btc-features-v1.csv"
mkdir -p "$OUT"

if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install --quiet --upgrade pip
  "$OUT/venv/bin/pip" install --quiet pandas numpy
fi

swift build -c release --product FeaturesBenchmark --scratch-path .build-bench
BIN="$(swift build -c release --product FeaturesBenchmark --scratch-path .build-bench --show-bin-path)/FeaturesBenchmark"

echo "== Swift (release) =="
"$BIN" --real "$REAL" --write-synthetic "$OUT/synthetic.csv" | tee "$OUT/swift.txt"
echo "== pandas =="
"$OUT/venv/bin/python" Benchmarks/features/pandas_features.py --real "$REAL" --synthetic "$OUT/synthetic.csv" \
  --golden "$GOLDEN" | tee "$OUT/pandas.txt"

echo
echo "== bars per second, process CPU time (median of 5; wall-clock figures are in the lines above) =="
awk '
  FNR == NR && /^RESULT/ { swift[$2 " " $3] = $6; n[$2] = $4; next }
  /^RESULT/ { pandas[$2] = $6 }
  END {
    printf "%-10s %9s %14s %14s %14s %9s %9s\n", "input", "bars", "pandas", "swift matrix", "swift rows", "matrix x", "rows x"
    split("real synthetic", inputs, " ")
    for (i = 1; i <= 2; i++) {
      k = inputs[i]
      printf "%-10s %9d %14.0f %14.0f %14.0f %8.1fx %8.1fx\n", k, n[k], pandas[k], swift[k " matrix"], swift[k " rows"],
        swift[k " matrix"] / pandas[k], swift[k " rows"] / pandas[k]
    }
    if (swift["real resume1"] > 0) printf "(swift, one bar per resume call on real data: %.0f bars/s)\n", swift["real resume1"]
  }' "$OUT/swift.txt" "$OUT/pandas.txt"
