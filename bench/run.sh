#!/usr/bin/env bash
# The benchmark harness: builds the release binary, fills a database with the demo
# generator, starts the server and drives it with `sanctuary-bench load` (and with wrk,
# where installed, for health and GET case), on SQLite and on PostgreSQL; prints one
# JSON line per measurement and the ratios (the performance goals: absolute figures on
# a shared 2-core machine are noise, ratios measured in the same run are not).
# BENCHMARKS.md records the figures.
#
#   bench/run.sh            1k generated cases, grown to 10k and 100k by replication
#   bench/run.sh --quick    200 generated, grown to 2k and 20k; fewer requests
#   bench/run.sh --smoke    the debug build, 50 cases, a few requests: the harness works
#   options: --db sqlite|postgres|both (default both), --out DIR (kept afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=full db=both out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; shift ;;
    --smoke) mode=smoke; shift ;;
    --db) db=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
case $mode in
  full)  base=1000 grow=10 requests=20000 big=100000 profile=release wrk_seconds=10 ;;
  quick) base=200  grow=10 requests=5000  big=20000  profile=release wrk_seconds=5 ;;
  smoke) base=50   grow=2  requests=200   big=1000   profile=debug   wrk_seconds=1 ;;
esac
if [ "$profile" = release ]; then
  cargo build --release --locked -q -p sanctuary-server -p sanctuary-bench
else
  cargo build --locked -q -p sanctuary-server -p sanctuary-bench
fi
bin=$PWD/target/$profile/sanctuary
bench=$PWD/target/$profile/sanctuary-bench
out=${out:-$(mktemp -d)}
mkdir -p "$out"
PG=${PG:-postgres://postgres@127.0.0.1:5432}
port=${PORT:-18700}
results=$out/results.jsonl
: > "$results"
year=$(date +%Y); [ "$(date +%m%d)" -lt 0401 ] && year=$((year - 1))
year_start="$year-04-01"
"$bin" keys generate --key-id bench > "$out/keys.json"

note() { echo "# $*" >&2; }
record() { # label, then JSON members: tagged with the database and size, appended
  local line="{\"db\":\"$dbname\",\"cases\":$cases,\"what\":\"$1\",$2}"
  echo "$line" | tee -a "$results"
}
members() { local inner=${1#\{}; echo "${inner%\}}"; } # a JSON object's inside

server_pid=""
start_server() {
  # The rate limit is off: one organisation sends it all.
  # Webhooks may go to the bench's own receiver on loopback.
  env SANCTUARY_BIND=127.0.0.1:$port SANCTUARY_RATE_LIMIT__PER_MINUTE=0 SANCTUARY_RATE_LIMIT__PER_ADDRESS_PER_MINUTE=0 \
    SANCTUARY_WEBHOOKS__ALLOW_HTTP_LOOPBACK=true SANCTUARY_LOG__LEVEL=warn "$@" "$bin" > "$out/server.txt" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/health/ready" > /dev/null && return 0
    sleep 0.2
  done
  cat "$out/server.txt"; exit 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT
# Tokens: demo mode prints them on SQLite; on PostgreSQL (no demo mode) they are
# signed with a key made here, which the server trusts through its config.
coordinator_org="Darlington Borough Council Sanctuary Team"
referrer_org="Harbour Support Services"
token() { # role
  if [ "$dbname" = sqlite ]; then
    grep -A1 "^  $1 (" "$out/server.txt" | tail -n1 | tr -d ' '
  else
    local org=$coordinator_org; [ "$1" = referrer ] && org=$referrer_org
    "$bench" token --key-dir "$out/pgkey" --database-url "$url" --org "$org" --role "$1"
  fi
}
rss_kb() { awk "/^$1:/ {print \$2}" "/proc/$server_pid/status"; }
load() { # label, requests, concurrency, url path, extra args
  local label=$1 n=$2 c=$3 path=$4; shift 4
  "$bench" load --label "$label" --requests "$n" --concurrency "$c" \
    --url "http://127.0.0.1:$port$path" "$@"
}

wrk_load() { # label, url path, token: 10 s of wrk (2 threads, 16 connections), as JSON
  local label=$1 path=$2 token=$3 text requests rps bad
  text=$(wrk -t2 -c16 -d"${wrk_seconds}s" -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port$path")
  requests=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' <<<"$text")
  rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p' <<<"$text")
  bad=$(sed -nE 's/^ *Non-2xx or 3xx responses: *([0-9]+).*/\1/p' <<<"$text")
  echo "{\"scenario\":\"$label\",\"tool\":\"wrk\",\"requests\":$requests,\"throughput\":$rps,\"errors\":${bad:-0}}"
}

measure_http() { # the request scenarios at the current size
  local coordinator referrer
  coordinator=$(token coordinator); referrer=$(token referrer)
  load health "$requests" 16 /health/live >> "$out/http.jsonl"
  load get_case "$requests" 16 "/api/v1/cases/$case_id" --token "$coordinator" >> "$out/http.jsonl"
  load case_list "$((requests / 4))" 16 "/api/v1/cases?limit=25" --token "$coordinator" \
    >> "$out/http.jsonl"
  load breached_queue "$((requests / 4))" 16 "/api/v1/cases?clock_state=breached&limit=25" \
    --token "$coordinator" >> "$out/http.jsonl"
  # A partner keeping its own system in step: the changes of the last 30 days, oldest
  # first (idx_cases_scheme_updated), and one case by its reference (unique index).
  load changes_since "$((requests / 4))" 16 \
    "/api/v1/cases?updated_since=$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)&limit=25" \
    --token "$coordinator" >> "$out/http.jsonl"
  load by_reference "$((requests / 4))" 16 "/api/v1/cases?reference=$reference" \
    --token "$coordinator" >> "$out/http.jsonl"
  # Latency at a fixed arrival rate, well under capacity (no coordinated omission).
  load get_case_paced "$((requests / 10))" 64 "/api/v1/cases/$case_id" --token "$coordinator" \
    --rate 100 >> "$out/http.jsonl"
  # The same two with wrk, where installed: a second opinion on the headline ratio
  # from a load generator that is not ours.
  if command -v wrk > /dev/null; then
    wrk_load health_wrk /health/live "$coordinator" >> "$out/http.jsonl"
    wrk_load get_case_wrk "/api/v1/cases/$case_id" "$coordinator" >> "$out/http.jsonl"
  fi
  # Last: every referral adds a case (to the scratch copy, see run_http).
  load post_referral "$((requests / 4))" 16 /api/v1/referrals --token "$referrer" \
    --body-file openapi/examples/referral-minimal.json --unique /external_reference \
    >> "$out/http.jsonl"
}

# The HTTP scenarios run on a scratch copy of the database, so the referrals they post
# do not grow the database the sizes and the report timings are measured on.
scratch_copy() {
  if [ "$dbname" = sqlite ]; then
    rm -rf "$out/sqlite-http"; cp -a "$out/sqlite" "$out/sqlite-http"
    http_env=(SANCTUARY_DATA_DIR="$out/sqlite-http" SANCTUARY_DEMO=true)
  else
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS sanctuary_bench_http WITH (FORCE)" \
      -c "CREATE DATABASE sanctuary_bench_http TEMPLATE sanctuary_bench"
    http_env=("${env[@]}" SANCTUARY_DATABASE_URL="$PG/sanctuary_bench_http")
  fi
}

run_http() { # the scenarios, recorded; with memory after many requests when asked
  scratch_copy
  start_server "${http_env[@]}"
  : > "$out/http.jsonl"
  measure_http
  while read -r line; do record http "$(members "$line")" > /dev/null; done < "$out/http.jsonl"
  if [ "${1:-}" = memory ]; then
    # Webhooks (once per database): referral throughput with three endpoints ÷ without,
    # and event-to-receiver latency at 50 events/s (bench/src/hooks.rs).
    "$bench" webhooks --api "http://127.0.0.1:$port" --referrer-token "$(token referrer)" \
      --coordinator-token "$(token coordinator)" --body-file openapi/examples/referral-minimal.json \
      --requests "$((requests / 4))" --rate 50 --events "$((requests / 20))" > "$out/hooks.jsonl"
    while read -r line; do record http "$(members "$line")" > /dev/null; done < "$out/hooks.jsonl"
    # Memory: after big/10 and after big requests (GET case), same server.
    local coordinator rss_small
    coordinator=$(token coordinator)
    load rss_warmup "$((big / 10))" 16 "/api/v1/cases/$case_id" --token "$coordinator" > /dev/null
    rss_small=$(rss_kb VmRSS)
    load rss_more "$((big - big / 10))" 16 "/api/v1/cases/$case_id" --token "$coordinator" \
      > /dev/null
    record rss "\"after_requests\":[$((big / 10)),$big],\"rss_kb\":[$rss_small,$(rss_kb VmRSS)],\"peak_kb\":$(rss_kb VmHWM)"
  fi
  stop_server
}

# Planner statistics after each fill, as autovacuum would gather them in production:
# this machine's PostgreSQL runs with autovacuum off, and with no statistics at all the
# planner took the breached queue at 1k cases for a 100 ms plan (0.4 ms once analysed).
# SQLite is left as the service leaves it (no ANALYZE).
analyze() { if [ "$dbname" = postgres ]; then psql "$url" -qc ANALYZE; fi; }

run_db() { # sqlite | postgres
  dbname=$1
  local env=() http_env=()
  if [ "$dbname" = sqlite ]; then
    local dir=$out/sqlite; rm -rf "$dir"; mkdir -p "$dir"
    env=(SANCTUARY_DATA_DIR="$dir" SANCTUARY_DEMO=true)
    url="sqlite://$dir/sanctuary.db"
  else
    local name=sanctuary_bench
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
    url=$PG/$name
    mkdir -p "$out/pgkey"
    rm -f "$out/pgkey/demo-signing-key.pem"
    openssl genpkey -algorithm ed25519 -out "$out/pgkey/demo-signing-key.pem"
    openssl pkey -in "$out/pgkey/demo-signing-key.pem" -pubout -out "$out/pgkey/public.pem"
    cat > "$out/pg.toml" <<TOML
[[auth.issuers]]
issuer = "bench"
keys = [{ kid = "$("$bench" kid --key-dir "$out/pgkey")", algorithm = "EdDSA", public_key_file = "$out/pgkey/public.pem" }]
TOML
    env=(SANCTUARY_DATABASE_URL="$url" SANCTUARY_ENCRYPTION__KEYS_FILE="$out/keys.json"
         SANCTUARY_DATA_DIR="$out/pgdata" SANCTUARY_CONFIG="$out/pg.toml")
    mkdir -p "$out/pgdata"
    env "${env[@]}" "$bin" admin init --config deploy/darlington.toml > /dev/null
  fi
  note "$dbname: seeding $base cases through the domain rules"
  local began=$SECONDS
  env "${env[@]}" "$bin" seed-demo --cases "$base" --years 2 --seed 1 > /dev/null
  cases=$base
  record seed "\"seconds\":$((SECONDS - began))"
  analyze

  # The case every GET reads: a generated one. Replicated copies cannot be opened, by
  # design: their sealed fields are bound to the original rows (see replicate.rs).
  start_server "${env[@]}"
  first=$(curl -fs -H "Authorization: Bearer $(token coordinator)" \
    "http://127.0.0.1:$port/api/v1/cases?limit=1")
  case_id=$(sed -E 's/.*"items":\[\{"id":"([^"]+)".*/\1/' <<<"$first")
  reference=$(grep -o '"reference":"[^"]*"' <<<"$first" | head -n1 | cut -d'"' -f4)
  stop_server
  run_http memory

  # Grow by replication, report at each size, the HTTP scenarios again at the largest.
  for _ in 1 2; do
    "$bench" replicate --database-url "$url" --times $((grow - 1)) >&2
    cases=$((cases * grow))
    analyze
    local timing
    local timings
    timings=$("$bench" report --database-url "$url" --year-start "$year_start" --iterations 10)
    median() { sed -nE "s/^$1 .*: median ([0-9.]+) ms.*/\\1/p" <<<"$timings"; }
    record report "\"median_ms\":$(median report)"
    record budget "\"median_ms\":$(median budget)"
    record safe_accommodation_return "\"median_ms\":$(median safe-accommodation)"
  done
  "$bench" report-sql --database-url "$url" --year-start "$year_start" > "$out/report.sql"
  local runs=() t0 t1
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N)
    if [ "$dbname" = sqlite ]; then sqlite3 "$out/sqlite/sanctuary.db" < "$out/report.sql" > /dev/null
    else psql "$url" -q -f "$out/report.sql" > /dev/null; fi
    t1=$(date +%s%N)
    runs+=($(( (t1 - t0) / 1000000 )))
  done
  record report_raw_sql "\"median_ms\":$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p),\"shell\":\"$([ "$dbname" = sqlite ] && echo sqlite3 || echo psql)\""
  run_http
}

case $db in
  sqlite) run_db sqlite ;;
  postgres) run_db postgres ;;
  both) run_db sqlite; run_db postgres ;;
esac
python3 bench/ratios.py "$results"
echo "raw results: $results" >&2
