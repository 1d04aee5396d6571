#!/usr/bin/env bash
# Fuzzes the live API from its committed OpenAPI contract with schemathesis: all phases,
# positive and negative data, every check, once per role token. Fails on any failure.
#   tests/schemathesis/run.sh [--bin PATH] [--examples N] [--shallow N] [--roles "a b"]
# Installs its pinned schemathesis into target/schemathesis-venv (PyPI) on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.32.5
examples=100
shallow=10
bin=$PWD/target/debug/sanctuary
roles="referrer coordinator assessor contractor fire_service police funder auditor admin"
parallel=2
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --shallow) shallow=$2; shift 2 ;;
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
(cd "$work" && exec env SANCTUARY_BIND=127.0.0.1:$port SANCTUARY_RATE_LIMIT__PER_MINUTE=0 SANCTUARY_RATE_LIMIT__PER_ADDRESS_PER_MINUTE=0 \
  SANCTUARY_LOG__LEVEL=warn "$bin" > out.txt 2> server.log) & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/health/ready" > /dev/null && break
  sleep 0.2
done
token() { grep -A1 "^  $1 (" "$work/out.txt" | tail -n1 | tr -d ' '; }

# The operations each role is for (by "METHOD /path"): under that role's token they get
# every phase with the full number of examples. Every operation is some role's; under
# the other tokens it gets a quick probe ($shallow examples, no coverage or stateful
# phase): enough to see it refuse cleanly.
deep() {
  case "$1" in
    referrer) echo '^(POST /api/v1/referrals|GET /api/v1/cases.*|PATCH /api/v1/cases/\{id\}/referral|POST /api/v1/cases/\{id\}/(withdraw|consents|risk-assessments))$' ;;
    coordinator) echo '^(GET /api/v1/cases.*|POST /api/v1/cases/.*|PATCH /api/v1/cases/.*|DELETE /api/v1/cases/.*|GET /api/v1/(measures|dash-questions|holidays|register)|PUT /api/v1/schemes/.*|GET /api/v1/schemes/.*|GET /api/v1/reports/.*|GET /health/.*)$' ;;
    assessor) echo '^(GET /api/v1/cases/\{id\}|POST /api/v1/cases/\{id\}/record-assessment)$' ;;
    contractor) echo '^POST /api/v1/cases/\{id\}/(start-works|complete-works)$' ;;
    fire_service) echo '^(POST /api/v1/cases/\{id\}/record-fire-check|GET /api/v1/register)$' ;;
    police) echo '^GET /api/v1/register$' ;;
    funder) echo '^GET /api/v1/reports/monitoring$' ;;
    auditor) echo '^GET /api/v1/audit$' ;;
    admin) echo '^(GET|POST|PUT|PATCH|DELETE) /api/v1/admin/.*$' ;;
  esac
}

fuzz() { # role, phases, examples, filter option, regex
  local role=$1 phases=$2 n=$3 filter=$4 regex=$5 t
  t=$(token "$role")
  [ -n "$t" ] || { echo "no demo token for $role"; return 1; }
  "$venv/bin/schemathesis" --config-file tests/schemathesis/schemathesis.toml run openapi/openapi.json \
    --url "http://127.0.0.1:$port" -H "Authorization: Bearer $t" \
    --phases "$phases" --mode all --checks all \
    --max-examples "$n" --seed "${SEED:-20261201}" --workers 1 --no-color \
    --suppress-health-check filter_too_much --warnings off "$filter" "$regex"
}

run_role() {
  local role=$1
  { fuzz "$role" examples,coverage,fuzzing,stateful "$examples" \
      --include-name-regex "$(deep "$role")" \
    && fuzz "$role" examples,fuzzing "$shallow" --exclude-name-regex "$(deep "$role")"; } \
    > "$work/$role.txt" 2>&1
}

report() { # pid, role: prints the run's outcome, the whole output if it failed
  if wait "$1"; then
    grep -E "^(Test cases:|  [0-9]+ generated)" "$work/$2.txt" | paste -sd' ' | sed "s/^/$2: /"
  else
    echo "== $2 FAILED"; cat "$work/$2.txt"; return 1
  fi
}

start=$SECONDS
failed=0
pids=()
names=()
for role in $roles; do
  run_role "$role" & pids+=($!); names+=("$role")
  if [ "${#pids[@]}" -ge "$parallel" ]; then
    report "${pids[0]}" "${names[0]}" || failed=1
    pids=("${pids[@]:1}"); names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  report "${pids[$i]}" "${names[$i]}" || failed=1
done
if grep -q "panicked" "$work/server.log"; then echo "the server panicked:"; grep -A5 panicked "$work/server.log"; failed=1; fi
echo "schemathesis: roles [$roles], $examples examples per operation for its roles ($shallow for the others), $((SECONDS - start)) s"
exit $failed
