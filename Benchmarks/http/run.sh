#!/usr/bin/env bash
# Sentinel HTTP server vs nginx on loopback: same response bytes, wrk -t2 -c64 -d10s,
# interleaved, 3 rounds. Prints req/s, p50/p99 latency and peak RSS (VmHWM) per run,
# then the medians and the sentinel/nginx ratios.
#
# Usage: Benchmarks/http/run.sh
#   SENTINEL_BIN   server binary (default .build/release/sentinel)
#   SENTINEL_CMD   full server command, "{port}" replaced by the port
#                  (default: "$SENTINEL_BIN serve --port {port}")
#   PATH_UNDER_TEST  request path (default /v1)   ROUNDS (3)   DURATION (10s)
#   CONNECTIONS (64)   THREADS (2)   SENTINEL_PORT (18080)   NGINX_PORT (18081)
#   WARMUP (3s)    wrk run against each server before the recorded rounds (not reported)
#   EVENT_LOOPS    sentinel event-loop threads, appended as --event-loops (default: the
#                  server's default, one per CPU); EVENT_LOOPS=1 matches nginx's one worker
set -euo pipefail

cd "$(dirname "$0")/../.."
SENTINEL_BIN=${SENTINEL_BIN:-.build/release/sentinel}
SENTINEL_PORT=${SENTINEL_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
SENTINEL_CMD=${SENTINEL_CMD:-"$SENTINEL_BIN serve --port {port}"}
PATH_UNDER_TEST=${PATH_UNDER_TEST:-/v1}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
NGINX=${NGINX:-/usr/sbin/nginx}
EVENT_LOOPS=${EVENT_LOOPS:-}
WARMUP=${WARMUP:-3s}

work=$(mktemp -d)
server_pid=""
nginx_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

wait_for_port() {
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "nothing listening on port $1" >&2
    return 1
}

# --- sentinel ---------------------------------------------------------------
cmd=${SENTINEL_CMD//\{port\}/$SENTINEL_PORT}
[ -n "$EVENT_LOOPS" ] && cmd="$cmd --event-loops $EVENT_LOOPS"
echo "configuration: sentinel event loops ${EVENT_LOOPS:-default ($(nproc) CPUs)}, nginx 1 worker," \
     "wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds, $(nproc) cores"
echo "starting: $cmd"
$cmd >"$work/sentinel.log" 2>&1 &
server_pid=$!
wait_for_port "$SENTINEL_PORT"
curl -sf -o "$work/body" -D "$work/headers" "http://127.0.0.1:$SENTINEL_PORT$PATH_UNDER_TEST"
content_type=$(grep -i '^content-type:' "$work/headers" | head -1 | cut -d' ' -f2- | tr -d '\r')
content_type=${content_type:-application/json}
echo "response: $(wc -c <"$work/body") bytes, $content_type"

# --- nginx, one worker, serving the same bytes as a static file -------------
mkdir -p "$work/www" "$work/nginx"
cp "$work/body" "$work/www/body"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    open_file_cache max=16;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / { root $work/www; default_type "$content_type"; try_files /body =404; }
    }
}
CONF
"$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
wait_for_port "$NGINX_PORT"
# The worker does the serving: measure its RSS.
sleep 0.3
nginx_worker=$(pgrep -P "$nginx_pid" | head -1 || true)
nginx_worker=${nginx_worker:-$nginx_pid}

hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }   # KiB

# Parses wrk --latency output into "rps p50_ms p99_ms".
summarize() {
    awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    $1=="50%" { p50=ms($2) }
    $1=="99%" { p99=ms($2) }
    END { printf "%s %.3f %.3f\n", rps, p50, p99 }' "$1"
}

# Warm both servers up (caches, page faults, the store's pages) before anything is recorded.
for port in "$SENTINEL_PORT" "$NGINX_PORT"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$port$PATH_UNDER_TEST" >/dev/null
done

: >"$work/sentinel.results"; : >"$work/nginx.results"
for round in $(seq 1 "$ROUNDS"); do
    for target in sentinel nginx; do
        port=$SENTINEL_PORT; pid=$server_pid
        if [ "$target" = nginx ]; then port=$NGINX_PORT; pid=$nginx_worker; fi
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port$PATH_UNDER_TEST" >"$work/wrk.out"
        read -r rps p50 p99 < <(summarize "$work/wrk.out")
        rss=$(hwm "$pid")
        echo "$rps $p50 $p99 $rss" >>"$work/$target.results"
        printf "round %d %-8s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  peak RSS %6.1f MB\n" \
            "$round" "$target" "$rps" "$p50" "$p99" "$(echo "$rss/1024" | bc -l)"
    done
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$2" '{print $c}' "$work/$1.results" | median; }

echo
printf "%-10s %12s %10s %10s %10s\n" "median" "req/s" "p50 ms" "p99 ms" "RSS MB"
for target in sentinel nginx; do
    printf "%-10s %12.0f %10.3f %10.3f %10.1f\n" "$target" "$(col $target 1)" "$(col $target 2)" \
        "$(col $target 3)" "$(echo "$(col $target 4)/1024" | bc -l)"
done
ratio() { echo "scale=3; $1 / $2" | bc -l; }
echo
echo "sentinel/nginx: req/s $(ratio "$(col sentinel 1)" "$(col nginx 1)") (target >= 0.8)," \
     "p99 $(ratio "$(col sentinel 3)" "$(col nginx 3)") (target <= 2)," \
     "peak RSS $(ratio "$(col sentinel 4)" "$(col nginx 4)")"
echo "sentinel idle-after-load RSS: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$server_pid/status) (target <= 30 MB idle)"
