#!/usr/bin/env bash
# Prediction routes under wrk with 1,000,000 stored predictions, each beside nginx serving
# the same bytes (via Benchmarks/http/run.sh), then inference time per asset with every
# shadow model (a fresh replay store: feature → training → training → inference, release build).
#
# Usage: Benchmarks/predictions/run.sh        (ROUNDS, DURATION, CONNECTIONS, EVENT_LOOPS passed through)
#   SENTINEL_BIN    use this binary instead of building one into .build-bench
#   LOG_LEVEL       sentinel's --log-level (default info: the access log stays on, as in production)
#   SKIP_INFERENCE  1 skips the inference timing
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${SENTINEL_BIN:-}" ]; then
    swift build -c release --product sentinel --scratch-path .build-bench >/dev/null
fi
bin=${SENTINEL_BIN:-.build-bench/release/sentinel}
LOG_LEVEL=${LOG_LEVEL:-info}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 1,000,000 predictions ---------------------------------------------------
db="$work/bench.sqlite"
"$bin" migrate --db "$db" >/dev/null
t0=$(date +%s)
sqlite3 "$db" < Benchmarks/predictions/seed.sql
echo "seeded $(sqlite3 "$db" 'SELECT count(*) FROM predictions') predictions in $(( $(date +%s) - t0 )) s"

for path in /v1/assets/bitcoin/predictions/latest "/v1/assets/bitcoin/predictions?limit=50"; do
    echo "=== $path"
    SENTINEL_CMD="$bin serve --no-scheduler --port {port} --db $db --assets bitcoin --log-level $LOG_LEVEL" \
    PATH_UNDER_TEST="$path" Benchmarks/http/run.sh
done

# --- inference per asset (release) -------------------------------------------
[ "${SKIP_INFERENCE:-0}" = 1 ] && exit 0
idb="$work/infer.sqlite"
"$bin" run feature --db "$idb" --log-level error >/dev/null
"$bin" run training --db "$idb" --log-level error >/dev/null
"$bin" run training --db "$idb" --log-level error >/dev/null   # a challenger in shadow
"$bin" run training --db "$idb" --log-level error >/dev/null
for i in 1 2 3; do
    "$bin" run inference --db "$idb" --log-level error \
      | python3 -c 'import json,sys
r=json.load(sys.stdin)["result"]["assets"]
for a,v in r.items(): print("inference %s: %.2f ms, %d models, created %d" % (a, v["seconds"]*1000, 1+v["shadow_models"], v["created"]))'
done
