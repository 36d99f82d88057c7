#!/usr/bin/env bash
# Issue 6 benchmarks.
#  1. `sentinel simulate` over the whole bundled data set (~104 days) for bitcoin: wall time and
#     simulated days per minute (target >= 5; the replaced stack needs ~9 s per training,
#     about 0.15 simulated days per minute).
#  2. Read latency p99 of /v1/assets/bitcoin/predictions/latest (or /price when that route is
#     absent) with wrk, idle vs while training runs back to back on the same machine
#     (target: busy p99 <= 2x idle p99).
#
# Usage: Benchmarks/simulate/run.sh
#   SENTINEL_BIN=path   use this binary instead of a release build in .build-bench
#   SIM_FROM / SIM_TO   narrow the simulated range (RFC 3339 or YYYY-MM-DD; default: all the data)
#   WRK_SECONDS=10      length of each wrk run
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${SENTINEL_BIN:-}" ]; then
    swift build -c release --product sentinel --scratch-path .build-bench >&2
    SENTINEL_BIN="$(swift build -c release --scratch-path .build-bench --show-bin-path)/sentinel"
fi
WRK_SECONDS=${WRK_SECONDS:-10}
work=$(mktemp -d)
server_pid=""
trainer_pid=""
cleanup() {
    [ -n "$trainer_pid" ] && kill "$trainer_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== simulate: bitcoin, ${SIM_FROM:-data start} .. ${SIM_TO:-data end} (release, $(nproc) cores)"
range=()
[ -n "${SIM_FROM:-}" ] && range+=(--from "$SIM_FROM")
[ -n "${SIM_TO:-}" ] && range+=(--to "$SIM_TO")
start=$(date +%s.%N)
"$SENTINEL_BIN" simulate --asset bitcoin "${range[@]}" --db "$work/sim.db" --json "$work/report.json" \
    --quiet >"$work/report.txt" 2>"$work/simulate.err"
end=$(date +%s.%N)
python3 - "$work/report.json" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
days = r["simulated_days"]
runs = sum(x["succeeded"] + x["failed"] + x["cancelled"] for x in r["runs"])
t = r["trainings"]
print(f"simulated days:        {days:.2f}")
print(f"wall time:             {wall:.1f} s")
print(f"simulated days/minute: {days / (wall / 60):.2f}   (target >= 5)")
print(f"runs: {runs}  trainings: {t['succeeded']} ok / {t['failed']} failed  model versions: {t['model_versions']}")
print(f"predictions: {r['predictions']['total']}  promotions: {len(r['promotions'])}  rollbacks: {len(r['rollbacks'])}"
      f"  drift detected: {r['drift']['detected']}  alerts: {r['alerts']['total']}")
PY
echo "where the wall time went (sentinel simulate's own account):"
grep '^wall ' "$work/simulate.err" | sed 's/^/  /' || true

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SENTINEL_BIN" serve --no-scheduler --db "$work/sim.db" --assets bitcoin --port "$port" --log-level warning \
    --trigger-limit 100000 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
path=/v1/assets/bitcoin/predictions/latest
curl -fsS -o /dev/null "http://127.0.0.1:$port$path" 2>/dev/null || path=/v1/assets/bitcoin/price
url="http://127.0.0.1:$port$path"

p99() {  # wrk --latency output -> p99 in ms
    awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; print v }'
}
echo "== read latency: GET $path (wrk -t1 -c16 -d${WRK_SECONDS}s)"
wrk -t1 -c16 -d"${WRK_SECONDS}s" --latency "$url" >"$work/idle.txt"
idle=$(p99 <"$work/idle.txt")
idle_rps=$(awk '/Requests\/sec/ { print $2 }' "$work/idle.txt")

# Keep training busy: trigger a run whenever none is queued (the queue coalesces the rest).
(
    while true; do
        curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"asset":"bitcoin"}' \
            "http://127.0.0.1:$port/v1/pipelines/training/runs" || true
        sleep 0.2
    done
) &
trainer_pid=$!
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/v1/runs?pipeline=training&status=running" | grep -q '"status":"running"' && break
    sleep 0.1
done
wrk -t1 -c16 -d"${WRK_SECONDS}s" --latency "$url" >"$work/busy.txt"
busy=$(p99 <"$work/busy.txt")
busy_rps=$(awk '/Requests\/sec/ { print $2 }' "$work/busy.txt")
kill "$trainer_pid" 2>/dev/null || true
trainer_pid=""
trainings=$(curl -fsS "http://127.0.0.1:$port/v1/runs?pipeline=training&limit=1000" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["items"] if r["trigger"] == "api"))')
echo "idle: p99 ${idle} ms, ${idle_rps} req/s"
echo "busy: p99 ${busy} ms, ${busy_rps} req/s  (${trainings} training runs triggered during the run)"
python3 -c "i, b = float('$idle'), float('$busy'); print(f'busy/idle p99: {b / i:.2f}x   (target <= 2x)')"
