#!/usr/bin/env bash
# Creates the Docker secrets of docker/compose.yaml once: a random password per Kafka principal in docker/secrets/.
# Existing files are kept (the broker's SCRAM users are created with them when its volume is first formatted).
# Give an outside system (the finance system, an outside canteen system) its own file only.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
for user in admin canteen-service risk-service finance-system outside-canteen; do
  file="$dir/kafka-$user.password"
  [ -s "$file" ] && continue
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
  # the containers run as other users (appuser, node) than the one who runs compose: readable by them, not by others
  chmod 644 "$file"
  echo "created $file" >&2
done
