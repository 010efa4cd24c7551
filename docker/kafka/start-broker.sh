#!/usr/bin/env bash
# Entrypoint of the compose broker (apache/kafka image): single-node KRaft with SASL/SCRAM-SHA-512 on the client
# listener and the standard authorizer, like scripts/kafka/kafka.sh. The SCRAM users are created when the storage is
# formatted (first start), with the passwords of the Docker secrets /run/secrets/kafka-<user>.password.
set -euo pipefail
data=/var/lib/kafka/data
secrets=/run/secrets
users=(admin canteen-service risk-service finance-system outside-canteen)
password() { tr -d '\r\n' < "$secrets/kafka-$1.password"; }
for user in "${users[@]}"; do
  [ -s "$secrets/kafka-$user.password" ] || { echo "start-broker: secret kafka-$user.password is missing or empty (docker/make-secrets.sh)" >&2; exit 1; }
done
mkdir -p "$data/logs"
umask 077
cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
# CLIENT: services, outside producers and the broker itself, SASL/SCRAM-SHA-512. CONTROLLER: KRaft quorum traffic,
# PLAINTEXT on the container's loopback only (SCRAM cannot authenticate the KRaft controller listener).
listeners=CLIENT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=CLIENT://kafka:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(password admin)";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# ANONYMOUS is the principal of the loopback PLAINTEXT controller listener (this node's broker registers with its own
# controller over it); no client can be ANONYMOUS on CLIENT, where SASL comes first.
super.users=User:admin;User:ANONYMOUS
log.dirs=$data/logs
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
# for the health check: the administrator's client login
cat > "$data/admin-client.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(password admin)";
PROPS
if [ ! -f "$data/logs/meta.properties" ]; then
  scram=()
  for user in "${users[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password "$user")]"); done
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c "$data/server.properties" --ignore-formatted "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$data/server.properties"
