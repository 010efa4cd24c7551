#!/usr/bin/env bash
# Single-node KRaft Kafka 3.9 broker on loopback, for development, demo and tests.
#   kafka.sh fetch    download broker jars from Maven Central into the cache (once)
#   kafka.sh start    format storage if needed, start the broker, wait until it accepts connections
#   kafka.sh stop     stop it cleanly (SIGTERM, then wait)
#   kafka.sh status   exit 0 when a broker answers on the port
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR, MEAL_CACHE_DIR.
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

write_config() {
  mkdir -p "$data/logs"
  cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
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
  if port_open "$port"; then echo "kafka.sh: a broker already answers on 127.0.0.1:$port" >&2; return 0; fi
  fetch
  # A broker that is still shutting down holds the controller port for a moment: wait for it rather than fail.
  for _ in $(seq 1 60); do port_open "$cport" || break; sleep 0.5; done
  if port_open "$cport"; then echo "kafka.sh: 127.0.0.1:$cport (controller port) is taken by another process" >&2; exit 1; fi
  write_config
  if [ ! -f "$data/logs/meta.properties" ]; then
    (java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$data/server.properties" --ignore-formatted >/dev/null)
  fi
  java_cmd kafka.Kafka "$data/server.properties" </dev/null >"$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if port_open "$port" && grep -q "BrokerServer id=1] Transition from STARTING to STARTED" "$log" 2>/dev/null; then
      echo "kafka.sh: broker ready on 127.0.0.1:$port (pid $(cat "$pidfile"), log $log)" >&2; return 0
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

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$port" ;;
  *) echo "usage: kafka.sh fetch|start|stop|status" >&2; exit 2 ;;
esac
