#!/usr/bin/env bash
# Feature set v1: Swift (release) vs pandas on the same inputs, bars per second, median of 5 calls.
#
# The two are run alternately for ROUNDS rounds (default 3), so both see the same machine load;
# every ratio is Swift / pandas within one round, and the table shows the median over rounds of
# each figure and of each ratio. Both wall-clock and process CPU time are reported:
#   - pandas is single-threaded, so its CPU time is its cost;
#   - Swift's `matrix` and `reuse` use every core for series of 8192 bars or more (CPU time is then
#     the sum over threads, and wall time is the honest speed); `reuse1` is the same on one thread.
# Kinds: matrix = FeatureEngine.matrix(for:) (fresh storage each call); reuse = matrix(for:into:)
# refilling the same storage; reuse1 = that with threads: 1; rows = rows(for:) (a FeatureRow per bar,
# one thread).
# Usage: Benchmarks/features/run.sh [ROUNDS]   (from anywhere; needs python3 with venv, and PyPI access once)
set -euo pipefail
ROUNDS="${1:-3}"
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

rm -f "$OUT"/features-round-*.txt
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: Swift (release) =="
  if [ "$r" = 1 ]; then SYN=(--write-synthetic "$OUT/synthetic.csv"); GOLD=(--golden "$GOLDEN"); else SYN=(); GOLD=(); fi
  "$BIN" --real "$REAL" --only matrix,reuse,reuse1,rows,resume1 "${SYN[@]}" | tee "$OUT/features-round-$r.txt"
  echo "== round $r: pandas =="
  "$OUT/venv/bin/python" Benchmarks/features/pandas_features.py --real "$REAL" --synthetic "$OUT/synthetic.csv" \
    "${GOLD[@]}" | tee -a "$OUT/features-round-$r.txt"
done

echo
echo "== bars per second, median over $ROUNDS rounds (each figure a median of 5 calls); ratio = Swift / pandas in the same round =="
awk -v rounds="$ROUNDS" '
  function median(key,   n, i, j, t, v) {
    n = 0
    for (i = 1; i <= rounds; i++) if ((key, i) in val) v[++n] = val[key, i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n ? v[int((n + 1) / 2)] : 0
  }
  FNR == 1 { round++ }
  /^RESULT/ { bars[$2] = $4; val[$2 " " $3 " wall", round] = $5; val[$2 " " $3 " cpu", round] = $6 }
  END {
    for (r = 1; r <= rounds; r++) for (k in bars) for (c = 0; c < 2; c++) {
      clock = c ? "cpu" : "wall"
      split("matrix reuse reuse1 rows", kinds, " ")
      for (m = 1; m <= 4; m++) {
        p = val[k " pandas " clock, r]
        if (p > 0) val[k " " kinds[m] " " clock " ratio", r] = val[k " " kinds[m] " " clock, r] / p
      }
    }
    printf "%-10s %-7s %-5s %12s %12s %8s %12s %8s %12s %8s %12s %8s\n", "input", "bars", "clock", "pandas",
      "matrix", "x", "reuse", "x", "reuse1", "x", "rows", "x"
    split("real synthetic", inputs, " ")
    for (i = 1; i <= 2; i++) for (c = 0; c < 2; c++) {
      k = inputs[i]; clock = c ? "cpu" : "wall"
      printf "%-10s %-7d %-5s %12.0f", k, bars[k], clock, median(k " pandas " clock)
      split("matrix reuse reuse1 rows", kinds, " ")
      for (m = 1; m <= 4; m++)
        printf " %12.0f %7.1fx", median(k " " kinds[m] " " clock), median(k " " kinds[m] " " clock " ratio")
      printf "\n"
    }
    printf "(swift, one bar per resume call on real data: %.0f bars/s cpu, %.0f wall)\n", median("real resume1 cpu"), median("real resume1 wall")
    print "(threads: matrix and reuse use all cores for series of 8192 bars or more; reuse1 and rows use one;"
    print " pandas is single-threaded. cpu = process CPU time, summed over threads.)"
  }' "$OUT"/features-round-*.txt | tee "$OUT/features-table.txt"
