#!/usr/bin/env bash
# Fuzzes the live API from its committed OpenAPI contract with schemathesis: all phases,
# positive and negative data, every check, once per role token. Fails on any failure.
#   tests/schemathesis/run.sh [--bin PATH] [--examples N] [--roles "referrer coordinator"]
# Installs its pinned schemathesis into target/schemathesis-venv (PyPI) on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.32.5
examples=100
bin=$PWD/target/debug/sanctuary
roles="referrer coordinator assessor contractor fire_service funder auditor admin"
parallel=2
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --roles) roles=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
venv=$PWD/target/schemathesis-venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$VERSION"
fi

work=$(mktemp -d)
port=${PORT:-18600}
# Demo mode on a fresh embedded database; the rate limit is off (the fuzzer is one
# organisation sending thousands of requests); logs at warn.
(cd "$work" && exec env SANCTUARY_BIND=127.0.0.1:$port SANCTUARY_RATE_LIMIT__PER_MINUTE=0 \
  SANCTUARY_LOG__LEVEL=warn "$bin" > out.txt 2> server.log) & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/health/ready" > /dev/null && break
  sleep 0.2
done
token() { grep -A1 "^  $1 (" "$work/out.txt" | tail -n1 | tr -d ' '; }

run_role() {
  local role=$1 t
  t=$(token "$role")
  [ -n "$t" ] || { echo "no demo token for $role"; return 1; }
  "$venv/bin/schemathesis" --config-file tests/schemathesis/schemathesis.toml run openapi/openapi.json \
    --url "http://127.0.0.1:$port" -H "Authorization: Bearer $t" \
    --phases examples,coverage,fuzzing,stateful --mode all --checks all \
    --max-examples "$examples" --seed "${SEED:-20261201}" --workers 1 --no-color \
    --warnings off > "$work/$role.txt" 2>&1
}

start=$SECONDS
failed=0
pids=()
names=()
for role in $roles; do
  run_role "$role" & pids+=($!); names+=("$role")
  if [ "${#pids[@]}" -ge "$parallel" ]; then
    if ! wait "${pids[0]}"; then failed=1; echo "== $role-group: ${names[0]} FAILED"; cat "$work/${names[0]}.txt"; else tail -n 3 "$work/${names[0]}.txt" | sed "s/^/${names[0]}: /"; fi
    pids=("${pids[@]:1}"); names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed=1; echo "== ${names[$i]} FAILED"; cat "$work/${names[$i]}.txt"; else tail -n 3 "$work/${names[$i]}.txt" | sed "s/^/${names[$i]}: /"; fi
done
if grep -q "panicked" "$work/server.log"; then echo "the server panicked:"; grep -A5 panicked "$work/server.log"; failed=1; fi
echo "schemathesis: roles [$roles], $examples examples per operation, $((SECONDS - start)) s"
exit $failed
