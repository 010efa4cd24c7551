#!/usr/bin/env bash
# Shared steps of the demo and test scripts: dependencies, PostgreSQL, build. Sourced, not run.
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '\033[1m[official-meal]\033[0m %s\n' "$*" >&2; }

# Installs npm dependencies when node_modules is missing or older than package-lock.json.
ensure_node_modules() {
  # a node_modules that is a symlink is shared with another checkout: npm ci would empty the shared directory
  if [ -L "$REPO_ROOT/node_modules" ]; then return 0; fi
  if [ ! -d "$REPO_ROOT/node_modules" ] || [ "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]; then
    say "installing npm dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Makes sure the local PostgreSQL answers on 127.0.0.1:5432, starting the Debian cluster if it is down.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  say "PostgreSQL is not answering; starting the local cluster"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  say "PostgreSQL did not come up on 127.0.0.1:5432"; return 1
}

# Installs Debian packages that are missing (chromium for browser tests, zbar-tools to decode QR codes).
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then say "missing Debian packages (need root to install): ${missing[*]}"; return 1; fi
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Compiles both services with the Nest CLI (tsc builder) when any source is newer than the build.
ensure_build() {
  local stamp="$REPO_ROOT/dist/.build-stamp"
  if [ -f "$stamp" ] && [ -z "$(cd "$REPO_ROOT" && find apps libs migrations scripts/cli.ts package-lock.json tsconfig.json -newer "$stamp" -name '*.ts' -o -newer "$stamp" -name '*.json' 2>/dev/null | head -1)" ]; then
    return 0
  fi
  say "building the services (nest build, tsc builder)"
  (cd "$REPO_ROOT" && npx nest build canteen && npx nest build risk)
  touch "$stamp"
}
