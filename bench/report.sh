#!/usr/bin/env bash
# Times the monitoring report on SQLite and PostgreSQL at 10k cases (filled by the demo
# generator, through the domain rules) and 100k (the 10k copied nine times with fresh
# ids by `sanctuary-bench replicate`: the generator takes ~4 min per 10k, as every step
# is its own durable transaction). `BASE=1000 bench/report.sh` for a quick run.
# Figures go to stdout; BENCHMARKS.md records them. Not part of CI's pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-10000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SEED=${SEED:-1}

cargo build --release --locked -q -p sanctuary-server --bin sanctuary
cargo build --release --locked -q -p sanctuary-bench
bin=$PWD/target/release/sanctuary
bench=$PWD/target/release/sanctuary-bench
work=${WORK:-$(mktemp -d)}
"$bin" keys generate --key-id bench > "$work/keys.json"

# The reporting year that holds the most recent generated cases: the latest 1 April.
year=$(date +%Y); [ "$(date +%m%d)" -lt 0401 ] && year=$((year - 1))
year_start="$year-04-01"

echo "== SQLite: $BASE cases from the generator"
dir="$work/sqlite"; mkdir -p "$dir"
start=$(date +%s)
SANCTUARY_DATA_DIR="$dir" "$bin" seed-demo --cases "$BASE" --years 2 --seed "$SEED"
echo "seeded in $(( $(date +%s) - start )) s"
sqlite="sqlite://$dir/sanctuary.db"
"$bench" report --database-url "$sqlite" --year-start "$year_start"
echo "== SQLite: x10"
"$bench" replicate --database-url "$sqlite" --times 9
"$bench" report --database-url "$sqlite" --year-start "$year_start"

echo "== PostgreSQL: $BASE cases from the generator"
db="sanctuary_bench"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export SANCTUARY_DATABASE_URL="$PG/$db" SANCTUARY_ENCRYPTION__KEYS_FILE="$work/keys.json"
"$bin" admin init --config deploy/darlington.toml > /dev/null
start=$(date +%s)
"$bin" seed-demo --cases "$BASE" --years 2 --seed "$SEED"
echo "seeded in $(( $(date +%s) - start )) s"
"$bench" report --database-url "$PG/$db" --year-start "$year_start"
echo "== PostgreSQL: x10"
"$bench" replicate --database-url "$PG/$db" --times 9
"$bench" report --database-url "$PG/$db" --year-start "$year_start"
