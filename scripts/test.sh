#!/usr/bin/env bash
# Runs every test: type check, then jest (unit tests and integration tests against the real PostgreSQL and a
# real Kafka broker, which the jest setup starts if none runs). Ends with the line `N passed, N failed`.
# Extra arguments go to jest, e.g. `npm test -- libs/auth`.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

ensure_node_modules || exit 1
ensure_postgres || exit 1
# Browser tests drive Debian's Chromium; QR tests decode with zbarimg; screenshots need a CJK font.
ensure_debian_packages chromium zbar-tools fonts-noto-cjk || exit 1

failed_checks=0
say "type check (tsc --noEmit, strict)"
if ! npx tsc -p tsconfig.json --noEmit; then failed_checks=1; say "type check failed"; fi

mkdir -p .run
report=.run/jest-report.json
rm -f "$report"
say "jest (real PostgreSQL, real Kafka)"
npx jest --json --outputFile="$report" "$@"
jest_status=$?

if [ ! -s "$report" ]; then
  say "jest wrote no report"
  echo "0 passed, $((1 + failed_checks)) failed"
  exit 1
fi
read -r passed failed < <(node -e '
  const r = require(process.argv[1]);
  const suiteErrors = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(r.numPassedTests, r.numFailedTests + suiteErrors);
' "$REPO_ROOT/$report")
failed=$((failed + failed_checks))
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$jest_status" -eq 0 ]
