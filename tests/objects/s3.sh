#!/usr/bin/env bash
# Starts an S3-compatible server for the object-store tests: moto's (pinned, from PyPI,
# into target/moto-venv on first use), in memory, on 127.0.0.1:$1 (default 18950; the client walk and the bench smoke use 18700).
# Prints its URL when it answers; it runs until this script's caller kills the pid in
# target/moto.pid.
#   tests/objects/s3.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=5.2.1
port=${1:-18950}
venv=$PWD/target/moto-venv
if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$VERSION')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "moto[server]==$VERSION"
fi
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
echo $! > target/moto.pid
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$port/" > /dev/null; then
    echo "http://127.0.0.1:$port"
    exit 0
  fi
  sleep 0.2
done
echo "moto's S3 server did not start: see target/moto.log" >&2
exit 1
