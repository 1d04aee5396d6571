#!/usr/bin/env bash
# Lints the committed contract with Spectral (pinned, npm, into target/spectral):
# `spectral:oas` must give no error and no warning; `.spectral.yaml` (spectral:oas plus
# the OWASP API Security ruleset, with the rules that do not apply turned off there,
# each with its reason) must give no error. Prints the counts per ruleset.
set -euo pipefail
cd "$(dirname "$0")/../.."
CLI=6.16.3
OWASP=2.0.1
dir=$PWD/target/spectral
if ! grep -qs "\"version\": \"$CLI\"" "$dir/node_modules/@stoplight/spectral-cli/package.json" \
  || ! grep -qs "\"version\": \"$OWASP\"" "$dir/node_modules/@stoplight/spectral-owasp-ruleset/package.json"; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --silent \
    "@stoplight/spectral-cli@$CLI" "@stoplight/spectral-owasp-ruleset@$OWASP"
fi
spectral=$dir/node_modules/.bin/spectral
# The committed ruleset names the OWASP package; Node finds it through NODE_PATH.
export NODE_PATH=$dir/node_modules
printf 'extends: ["spectral:oas"]\n' > "$dir/oas.yaml"
count() { python3 -c 'import json,sys,collections
r=json.load(sys.stdin); c=collections.Counter(x["severity"] for x in r)
print(f"{c[0]} errors, {c[1]} warnings")'; }
# Counts first (spectral exits non-zero when it finds errors), then the verdicts.
echo "spectral:oas: $({ "$spectral" lint -q -f json -r "$dir/oas.yaml" openapi/openapi.json || true; } | count)"
echo ".spectral.yaml (with OWASP): $({ "$spectral" lint -q -f json openapi/openapi.json || true; } | count)"
"$spectral" lint -q -r "$dir/oas.yaml" --fail-severity warn openapi/openapi.json
"$spectral" lint -q --fail-severity error -D openapi/openapi.json
echo "ok"
