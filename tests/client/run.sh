#!/usr/bin/env bash
# A client no one here wrote: generates a Python client from the committed contract with
# openapi-python-client (pinned, PyPI, into target/client-venv; the contract is first
# checked by openapi-spec-validator, pinned too) and walks one case through
# the whole pathway with it against the demo binary, then reads the monitoring report.
#   tests/client/run.sh [--bin PATH]
# Fails on any generator error, error response or unexpected status.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=0.29.1
VALIDATOR=0.9.0
bin=$PWD/target/debug/sanctuary
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
venv=$PWD/target/client-venv
if ! "$venv/bin/openapi-python-client" --version 2>/dev/null | grep -q "$VERSION" \
  || ! "$venv/bin/pip" show openapi-spec-validator 2>/dev/null | grep -q "^Version: $VALIDATOR$"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "openapi-python-client==$VERSION" "openapi-spec-validator==$VALIDATOR"
fi
# A generator trusts the contract; first it must be valid OpenAPI 3.1.
"$venv/bin/openapi-spec-validator" openapi/openapi.json

work=$(mktemp -d)
port=${PORT:-18700}
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
"$venv/bin/openapi-python-client" generate --path openapi/openapi.json --meta none \
  --config tests/client/generator.yaml --output-path "$work/gen/sanctuary_client"

(cd "$work" && exec env SANCTUARY_BIND=127.0.0.1:$port SANCTUARY_LOG__LEVEL=warn "$bin" > out.txt 2> server.log) & pid=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/health/ready" > /dev/null && break
  sleep 0.2
done
token() { grep -A1 "^  $1 " "$work/out.txt" | tail -n1 | tr -d ' '; }
for role in referrer coordinator assessor contractor fire_service funder; do
  export "TOKEN_${role^^}=$(token "$role")"
done
BASE_URL=http://127.0.0.1:$port REFERRAL_EXAMPLE=$PWD/openapi/examples/referral-full.json \
  PYTHONPATH=$work/gen "$venv/bin/python" tests/client/walk.py
