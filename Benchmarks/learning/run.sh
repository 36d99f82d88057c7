#!/usr/bin/env bash
# Learning benchmark: Sentinel's Swift learners vs scikit-learn / XGBoost on the same matrices.
# Builds the Swift benchmark once (release), makes a venv in Benchmarks/.out/venv, runs both on
# the 7-day and 30-day fixture matrices and prints the time ratios. Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=Benchmarks/.out
mkdir -p "$OUT"

if [ ! -x "$OUT/venv/bin/python" ]; then
    python3 -m venv "$OUT/venv"
    "$OUT/venv/bin/pip" install --quiet --upgrade pip
    "$OUT/venv/bin/pip" install --quiet numpy scikit-learn xgboost pandas
fi
PY="$OUT/venv/bin/python"

swift build -c release --product LearningBenchmark --scratch-path .build-bench
SWIFT_BIN="$(swift build -c release --product LearningBenchmark --scratch-path .build-bench --show-bin-path)/LearningBenchmark"

for window in 7d 30d; do
    matrix="Tests/LearningTests/Fixtures/btc-$window-matrix.csv"
    echo "=== $window: Swift ==="
    "$SWIFT_BIN" "$matrix" --json "$OUT/learning-swift-$window.json"
    echo "=== $window: Python ==="
    "$PY" Benchmarks/learning/sklearn_bench.py "$matrix" --json "$OUT/learning-python-$window.json"
done

"$PY" - "$OUT" <<'PYEOF'
import json, sys
out = sys.argv[1]
print()
print(f"{'window':<7}{'family':<22}{'swift ms':>11}{'python ms':>11}{'speed-up':>10}   scores (swift / python)")
for window in ("7d", "30d"):
    s = json.load(open(f"{out}/learning-swift-{window}.json"))
    p = json.load(open(f"{out}/learning-python-{window}.json"))
    for name, pr in p["results"].items():
        sr = s["results"].get(name)
        if sr is None:
            print(f"{window:<7}{name:<22}{'-':>11}{pr['seconds'] * 1000:>11.1f}{'-':>10}")
            continue
        ratio = pr["seconds"] / sr["seconds"] if sr["seconds"] > 0 else float("inf")
        scores = ""
        if pr["score"] is not None and sr.get("score") is not None:
            scores = f"{pr['score_name']} {sr['score']:.6g} / {pr['score']:.6g}"
        print(f"{window:<7}{name:<22}{sr['seconds'] * 1000:>11.1f}{pr['seconds'] * 1000:>11.1f}{ratio:>9.1f}x   {scores}")
    print(f"{window:<7}{'peak RSS (MiB)':<22}{s['peak_rss_mib']:>11.1f}{p['peak_rss_mib']:>11.1f}")
PYEOF
