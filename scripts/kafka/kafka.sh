#!/usr/bin/env bash
# Single-node KRaft Kafka 3.9 broker on loopback, for development, demo and tests, with authentication and ACLs:
# clients authenticate with SASL/SCRAM-SHA-512 (SASL_SSL when a keystore is given), the standard authorizer refuses
# whatever no ACL allows, and every system is its own principal (admin, canteen-service, risk-service, finance-system,
# outside-canteen). The SCRAM users are created when the storage is formatted, with random passwords generated once
# per data dir into $KAFKA_DATA_DIR/credentials.env (mode 600). Topics and ACLs: scripts/kafka-provision.ts.
#   kafka.sh fetch        download broker jars from Maven Central into the cache (once)
#   kafka.sh start        format storage if needed (with the SCRAM users), start the broker, wait until it is ready
#   kafka.sh stop         stop it cleanly (SIGTERM, then wait)
#   kafka.sh status       exit 0 when a broker answers on the port
#   kafka.sh credentials  print the path of the credentials file (exit 1 when there is none yet)
#   kafka.sh reset        stop the broker and delete its data dir (all topics, offsets and credentials)
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR, MEAL_CACHE_DIR.
# TLS on the client listener (optional): KAFKA_SSL_KEYSTORE_FILE + KAFKA_SSL_KEYSTORE_PASSWORD (PKCS12 or JKS),
#   KAFKA_SSL_KEY_PASSWORD (default: the keystore password), KAFKA_SSL_TRUSTSTORE_FILE + KAFKA_SSL_TRUSTSTORE_PASSWORD
#   (the broker talks to itself over that listener, so it must trust its own certificate's issuer).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KAFKA_VERSION=3.9.1
cache="${MEAL_CACHE_DIR:-$HOME/.cache/official-meal}/kafka-$KAFKA_VERSION"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-9093}"
data="${KAFKA_DATA_DIR:-$repo/.run/kafka-$port}"
pidfile="$data/broker.pid"
log="$data/broker.log"
credentials="$data/credentials.env"
# The principals of the platform (libs/contracts/src/topics.ts ProducerSystems) and the administrator.
USERS=(admin canteen-service risk-service finance-system outside-canteen)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
  if [ -f "$cache/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka.sh: Maven (mvn) is needed to fetch the broker jars" >&2; exit 1; }
  command -v java >/dev/null || { echo "kafka.sh: a Java runtime is needed for the broker" >&2; exit 1; }
  echo "kafka.sh: fetching Kafka $KAFKA_VERSION jars from Maven Central into $cache" >&2
  mkdir -p "$cache"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$cache/libs" >&2
  touch "$cache/.complete"
}

# KAFKA_PASSWORD_CANTEEN_SERVICE and the like: the variable name of a user's password in the credentials file.
password_var() { local u="${1^^}"; echo "KAFKA_PASSWORD_${u//-/_}"; }

# Random passwords, once per data dir; never in code. Hex, so they need no quoting in the SCRAM and JAAS syntax.
write_credentials() {
  local tmp="$credentials.tmp"
  (umask 077; {
    echo "# SCRAM-SHA-512 credentials of the Kafka broker on 127.0.0.1:$port (data dir $data), generated $(date -u +%FT%TZ)."
    echo "# One principal per system; give each service only its own password (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD)."
    echo "KAFKA_SASL_MECHANISM=scram-sha-512"
    for user in "${USERS[@]}"; do
      echo "$(password_var "$user")=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    done
  } > "$tmp")
  mv "$tmp" "$credentials"
  chmod 600 "$credentials"
}

password_of() { local var; var=$(password_var "$1"); sed -n "s/^$var=//p" "$credentials"; }

write_config() {
  mkdir -p "$data/logs"
  local protocol=SASL_PLAINTEXT ssl_props=""
  if [ -n "${KAFKA_SSL_KEYSTORE_FILE:-}" ]; then
    : "${KAFKA_SSL_KEYSTORE_PASSWORD:?kafka.sh: KAFKA_SSL_KEYSTORE_FILE needs KAFKA_SSL_KEYSTORE_PASSWORD}"
    protocol=SASL_SSL
    ssl_props="ssl.keystore.location=$KAFKA_SSL_KEYSTORE_FILE
ssl.keystore.password=$KAFKA_SSL_KEYSTORE_PASSWORD
ssl.key.password=${KAFKA_SSL_KEY_PASSWORD:-$KAFKA_SSL_KEYSTORE_PASSWORD}"
    if [ -n "${KAFKA_SSL_TRUSTSTORE_FILE:-}" ]; then
      ssl_props="$ssl_props
ssl.truststore.location=$KAFKA_SSL_TRUSTSTORE_FILE
ssl.truststore.password=${KAFKA_SSL_TRUSTSTORE_PASSWORD:-}"
    fi
  fi
  (umask 077; cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
# CLIENT: every client and the broker itself (inter-broker), authenticated with SASL/SCRAM-SHA-512.
# CONTROLLER: KRaft's own quorum traffic, PLAINTEXT on loopback only (SCRAM cannot authenticate the controller
# listener in KRaft: the SCRAM users live in the metadata log that this very listener has to serve first).
listeners=CLIENT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=CLIENT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CLIENT:$protocol,CONTROLLER:PLAINTEXT
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(password_of admin)";
$ssl_props
# ACLs: the standard KRaft authorizer; what no ACL allows is refused.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# User:admin administers (provisioning, tests). User:ANONYMOUS is the principal of the PLAINTEXT controller listener:
# this node's broker half registers and heartbeats with its controller half over it, and the authorizer checks those
# requests (CLUSTER_ACTION) like any other. ANONYMOUS cannot arise on CLIENT (SASL is required there before any
# request), so the only way to be it is to reach 127.0.0.1:$cport, i.e. to be on this host already.
super.users=User:admin;User:ANONYMOUS
log.dirs=$data/logs
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=-1
log.segment.bytes=268435456
PROPS
  )
  cat > "$data/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
PROPS
}

# Runs java in place of the calling (sub)shell, so a background call leaves one process whose pid is $!.
java_cmd() {
  exec java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$data/log4j.properties" -cp "$cache/libs/*" "$@"
}

start() {
  if port_open "$port"; then
    echo "kafka.sh: a broker already answers on 127.0.0.1:$port" >&2
    [ -f "$credentials" ] || echo "kafka.sh: warning: it was not started from $data (no credentials there); clients of this repo log in with SASL/SCRAM" >&2
    return 0
  fi
  fetch
  # A broker that is still shutting down holds the controller port for a moment: wait for it rather than fail.
  for _ in $(seq 1 60); do port_open "$cport" || break; sleep 0.5; done
  if port_open "$cport"; then echo "kafka.sh: 127.0.0.1:$cport (controller port) is taken by another process" >&2; exit 1; fi
  if [ -f "$data/logs/meta.properties" ] && [ ! -f "$credentials" ]; then
    echo "kafka.sh: $data holds a broker formatted without SCRAM users (an older plaintext broker): no client could" >&2
    echo "kafka.sh: log in to it. Delete it with \`bash $0 reset\` (same KAFKA_PORT / KAFKA_DATA_DIR; topics and offsets are lost), then start again." >&2
    exit 1
  fi
  mkdir -p "$data"
  [ -f "$credentials" ] || write_credentials
  write_config
  if [ ! -f "$data/logs/meta.properties" ]; then
    local scram=()
    for user in "${USERS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password_of "$user")]"); done
    (java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$data/server.properties" --ignore-formatted "${scram[@]}" >/dev/null)
  fi
  java_cmd kafka.Kafka "$data/server.properties" </dev/null >"$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if port_open "$port" && grep -q "BrokerServer id=1] Transition from STARTING to STARTED" "$log" 2>/dev/null; then
      echo "kafka.sh: broker ready on 127.0.0.1:$port (SASL/SCRAM-SHA-512, ACLs; pid $(cat "$pidfile"), log $log, credentials $credentials)" >&2; return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "kafka.sh: broker exited; see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "kafka.sh: broker did not become ready in 60 s; see $log" >&2; exit 1
}

stop() {
  [ -f "$pidfile" ] || { echo "kafka.sh: no broker started from $data" >&2; return 0; }
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "kafka.sh: broker did not stop in 30 s; killing" >&2; kill -KILL "$pid"; }
  fi
  rm -f "$pidfile"
  echo "kafka.sh: broker stopped" >&2
}

reset() {
  stop
  if [ -d "$data" ]; then rm -rf "$data"; echo "kafka.sh: deleted $data" >&2; fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$port" ;;
  credentials) [ -f "$credentials" ] || { echo "kafka.sh: no credentials yet in $data (run kafka.sh start)" >&2; exit 1; }; echo "$credentials" ;;
  reset) reset ;;
  *) echo "usage: kafka.sh fetch|start|stop|status|credentials|reset" >&2; exit 2 ;;
esac
