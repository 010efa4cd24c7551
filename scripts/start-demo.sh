#!/usr/bin/env bash
# Runs the whole system on this machine with the demo city (Quzhou):
# installs what is missing, starts PostgreSQL and a real Kafka broker, creates the database, migrates,
# seeds, builds and starts the canteen and risk services, and prints the URLs. Ctrl-C stops everything it started.
#
# Options (environment):
#   MEAL_EMBEDDED_KAFKA=1   no broker: the services use the embedded in-process transport
#   DATABASE_URL            default postgres://root@127.0.0.1:5432/official_meal
#   SEED=20220701 SCALE=1   demo city generator seed and scale
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

export NODE_ENV=development
export DATABASE_URL="${DATABASE_URL:-postgres://root@127.0.0.1:5432/official_meal}"
export AUTH_PRIVATE_KEY_FILE="${AUTH_PRIVATE_KEY_FILE:-$REPO_ROOT/.run/keys/identity-private.pem}"
export AUTH_PUBLIC_KEY_FILE="${AUTH_PUBLIC_KEY_FILE:-$REPO_ROOT/.run/keys/identity-public.pem}"
export CANTEEN_PORT="${CANTEEN_PORT:-3000}" RISK_PORT="${RISK_PORT:-3001}"
mkdir -p .run/logs

ensure_node_modules
ensure_postgres
ensure_build
cli() { node dist/apps/canteen/scripts/cli.js "$@"; }

started_kafka=0
if [ "${MEAL_EMBEDDED_KAFKA:-0}" = 1 ]; then
  export KAFKA_BROKERS=""
  say "Kafka: embedded in-process transport (MEAL_EMBEDDED_KAFKA=1)"
else
  if ! bash scripts/kafka/kafka.sh status; then bash scripts/kafka/kafka.sh start; started_kafka=1; fi
  export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
fi

cli keys
cli migrate
if [ "$(psql "$DATABASE_URL" -tAc 'SELECT count(*) FROM canteens' 2>/dev/null || echo 0)" = 0 ]; then
  say "seeding the demo city (seed ${SEED:-20220701}, scale ${SCALE:-1})"
  cli seed --seed "${SEED:-20220701}" --scale "${SCALE:-1}" > .run/logs/seed-summary.json
else
  say "demo city already seeded; keeping it"
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  say "stopping services"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$started_kafka" = 1 ]; then bash scripts/kafka/kafka.sh stop || true; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ "${MEAL_EMBEDDED_KAFKA:-0}" = 1 ]; then
  # One process, one embedded event bus shared by both services (see scripts/all-in-one.ts).
  node dist/apps/canteen/scripts/all-in-one.js >> .run/logs/all-in-one.log 2>&1 & pids+=($!)
else
  node dist/apps/canteen/apps/canteen/src/main.js >> .run/logs/canteen.log 2>&1 & pids+=($!)
  # the heap limit of docker/risk.Dockerfile (memory budget 512 MB)
  node --max-old-space-size=384 --max-semi-space-size=16 dist/apps/risk/apps/risk/src/main.js >> .run/logs/risk.log 2>&1 & pids+=($!)
fi

wait_healthy() {
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { say "a service exited; see .run/logs/"; tail -20 .run/logs/*.log >&2; exit 1; }; done
    sleep 1
  done
  say "service on port $1 did not become healthy; see .run/logs/"; exit 1
}
wait_healthy "$CANTEEN_PORT"
wait_healthy "$RISK_PORT"
say "issuing the meal codes of the demo canteens"
node scripts/demo-issue-codes.js "http://127.0.0.1:$CANTEEN_PORT" .run/logs/seed-summary.json > .run/logs/demo-canteens.txt || say "could not issue the demo meal codes (see above)"

cat <<URLS

  公务餐 official-meal platform is running (Ctrl-C stops it)

  Canteen service   http://127.0.0.1:$CANTEEN_PORT          OpenAPI: http://127.0.0.1:$CANTEEN_PORT/docs
  Risk service      http://127.0.0.1:$RISK_PORT          OpenAPI: http://127.0.0.1:$RISK_PORT/docs
  Health / metrics  http://127.0.0.1:$CANTEEN_PORT/health   http://127.0.0.1:$CANTEEN_PORT/metrics
  Kafka             ${KAFKA_BROKERS:-embedded in-process transport}
  Logs              .run/logs/*.log (JSON lines)
  Seed summary      .run/logs/seed-summary.json

  Pages (zh-CN)     diner     http://127.0.0.1:$CANTEEN_PORT/app/diner      (浙政钉 id e.g. zzd-diner-1)
                    terminal  http://127.0.0.1:$CANTEEN_PORT/app/terminal   (terminal code, see below)
                    admin     http://127.0.0.1:$CANTEEN_PORT/app/admin      (zzd-admin: codes, posters, rotation)
  Demo canteens and terminals:
$(cat .run/logs/demo-canteens.txt 2>/dev/null)

  Development login (stand-in for 浙政钉), e.g. an administrator:
    curl -s -X POST http://127.0.0.1:$CANTEEN_PORT/auth/dev-login -H 'content-type: application/json' \\
         -d '{"externalIdentityId":"zzd-admin"}'

URLS
wait -n "${pids[@]}" || true
say "a service stopped unexpectedly; see .run/logs/"
exit 1
