#!/usr/bin/env bash
# HTTP throughput ratios on one server (wrk, fixed duration): GET a case (auth + read +
# audit record) and POST a referral (validation, encryption, audit, idempotency record)
# against /health/live, plus peak RSS. Runs on an embedded database in demo mode:
# `DATA=dir bench/http.sh` (a data directory filled by `sanctuary seed-demo`), or a
# fresh one seeded with 1,000 cases. Needs `wrk` (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18400}
cargo build --release --locked -q -p sanctuary-server --bin sanctuary
bin=$PWD/target/release/sanctuary
data=${DATA:-}
if [ -z "$data" ]; then
  data=$(mktemp -d)
  SANCTUARY_DATA_DIR="$data" "$bin" seed-demo --cases 1000 --years 2 --seed 1
fi
out=$(mktemp)
SANCTUARY_DATA_DIR="$data" SANCTUARY_BIND=127.0.0.1:$PORT SANCTUARY_RATE_LIMIT__PER_MINUTE=0 \
  SANCTUARY_LOG__LEVEL=warn "$bin" > "$out" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
token() { grep -A1 "^  $1" "$out" | tail -n1 | tr -d ' '; }
coordinator=$(token coordinator); referrer=$(token referrer)
base="http://127.0.0.1:$PORT"
id=$(curl -fs -H "Authorization: Bearer $coordinator" "$base/api/v1/cases?limit=1" \
  | sed -E 's/.*"items":\[\{"id":"([^"]+)".*/\1/')

rate() { # requests/s from wrk's output
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" | tee /dev/stderr \
    | awk '/Requests\/sec/ {print $2}'
}
lua=$(mktemp --suffix .lua)
cat > "$lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $referrer"
wrk.body = io.open("openapi/examples/referral-minimal.json"):read("a")
LUA
health=$(rate "$base/health/live")
get=$(rate -H "Authorization: Bearer $coordinator" "$base/api/v1/cases/$id")
post=$(rate -s "$lua" "$base/api/v1/referrals")
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo
echo "health/live: $health req/s; GET case: $get req/s; POST referral: $post req/s"
awk -v h="$health" -v g="$get" -v p="$post" 'BEGIN {
  printf "GET case / health = %.3f (target >= 0.35)\nPOST referral / GET case = %.3f\n", g / h, p / g }'
echo "peak RSS: $((rss / 1024)) MB (target <= 100)"
