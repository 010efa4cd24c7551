#!/usr/bin/env bash
# Runs the whole system on this machine with the demo city (Quzhou):
# installs what is missing, starts PostgreSQL and a real Kafka broker, creates the database, migrates,
# seeds, builds and starts the canteen and risk services, and prints the URLs. Ctrl-C stops everything it started.
# The broker authenticates every client (SASL/SCRAM-SHA-512) and enforces ACLs: the topics and ACLs are provisioned
# (scripts/kafka-provision.ts) and each service logs in as its own principal (canteen-service, risk-service) with the
# password from the broker's credentials file. A service that dies is restarted with backoff (1 s, 2 s, 4 s ... 30 s),
# the others keep running.
#
# Options (environment):
#   MEAL_EMBEDDED_KAFKA=1   no broker: the services use the embedded in-process transport
#   KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093 CANTEEN_PORT=3000 RISK_PORT=3001
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
export KAFKA_PORT="${KAFKA_PORT:-9092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((${KAFKA_PORT:-9092} + 1))}"
# The passwordless development login (stand-in for 浙政钉) is on only when asked for: the demo asks for it.
export AUTH_DEV_LOGIN_ENABLED=true
mkdir -p .run/logs

ensure_node_modules
ensure_postgres
ensure_build
cli() { node dist/apps/canteen/scripts/cli.js "$@"; }

started_kafka=0
credentials=""
if [ "${MEAL_EMBEDDED_KAFKA:-0}" = 1 ]; then
  export KAFKA_BROKERS=""
  say "Kafka: embedded in-process transport (MEAL_EMBEDDED_KAFKA=1)"
else
  if ! bash scripts/kafka/kafka.sh status; then bash scripts/kafka/kafka.sh start; started_kafka=1; fi
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  credentials=$(bash scripts/kafka/kafka.sh credentials) || {
    say "the broker on $KAFKA_BROKERS was not started from this checkout (no credentials); stop it or set KAFKA_PORT"; exit 1;
  }
fi
# The password of a broker principal, from the credentials file (never from code, never on a command line).
kafka_password() { local var="KAFKA_PASSWORD_${1^^}"; sed -n "s/^${var//-/_}=//p" "$credentials"; }

cli keys
cli migrate
if [ -n "$credentials" ]; then
  say "provisioning Kafka topics and ACLs (as admin)"
  KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD="$(kafka_password admin)" cli kafka-provision
fi
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
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$started_kafka" = 1 ]; then bash scripts/kafka/kafka.sh stop || true; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# supervise NAME LOG COMMAND...: runs the command, and when it exits (crash, out of memory, killed) logs the exit code
# and starts it again after 1 s, 2 s, 4 s ... at most 30 s; a run that lasted a minute resets the delay. TERM (from
# stop_all) stops the command and the supervisor; so does the command's exit on Ctrl-C (SIGINT, code 130). Runs in its
# own background subshell.
supervise() {
  local name=$1 log=$2 child="" delay=1 started code
  shift 2
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; [ -n "$child" ] && wait "$child" 2>/dev/null; exit 0' TERM
  while true; do
    started=$(date +%s)
    "$@" >> "$log" 2>&1 &
    child=$!
    wait "$child" && code=0 || code=$?
    child=""
    # 130: the service stopped on SIGINT, i.e. Ctrl-C at the terminal, which stop_all is about to handle: no restart
    if [ "$code" = 130 ]; then exit 0; fi
    if [ $(($(date +%s) - started)) -ge 60 ]; then delay=1; fi
    say "$name exited with code $code; restarting it in ${delay} s (log $log)"
    printf '{"level":50,"time":%s,"msg":"supervisor: %s exited with code %s; restarting in %s s"}\n' "$(date +%s%3N)" "$name" "$code" "$delay" >> "$log"
    sleep "$delay" & child=$!
    wait "$child" || true
    child=""
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

# as_principal USER COMMAND...: becomes the command (exec; supervise runs it in its own subshell), logged in to the
# broker as that principal: the process gets its own password only, in its environment, never on a command line.
as_principal() {
  local user=$1
  shift
  if [ -n "$credentials" ]; then
    export KAFKA_SASL_USERNAME="$user"
    KAFKA_SASL_PASSWORD="$(kafka_password "$user")"
    export KAFKA_SASL_PASSWORD
  fi
  exec "$@"
}

if [ "${MEAL_EMBEDDED_KAFKA:-0}" = 1 ]; then
  # One process, one embedded event bus shared by both services (see scripts/all-in-one.ts).
  supervise all-in-one .run/logs/all-in-one.log node dist/apps/canteen/scripts/all-in-one.js & pids+=($!)
else
  supervise canteen .run/logs/canteen.log as_principal canteen-service node dist/apps/canteen/apps/canteen/src/main.js & pids+=($!)
  # the heap limit of docker/risk.Dockerfile (memory budget 512 MB)
  supervise risk .run/logs/risk.log as_principal risk-service node --max-old-space-size=384 --max-semi-space-size=16 dist/apps/risk/apps/risk/src/main.js & pids+=($!)
fi

wait_healthy() {
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { say "a service supervisor exited; see .run/logs/"; tail -20 .run/logs/*.log >&2; exit 1; }; done
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
  Kafka             ${KAFKA_BROKERS:-embedded in-process transport}${credentials:+  (SASL/SCRAM-SHA-512 and ACLs; canteen-service, risk-service)}
  Kafka credentials ${credentials:-none (embedded transport)}
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

  A service that dies is restarted (1 s, 2 s, 4 s ... 30 s backoff; logged with its exit code in .run/logs/).

URLS
# the supervisors run until Ctrl-C (or TERM): then stop_all stops the services and the broker this script started
wait
