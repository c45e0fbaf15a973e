#!/usr/bin/env bash
# Runs every test (unit, API on SQLite and PostgreSQL, bUnit, browser) on a fresh machine:
# installs what is missing first (PostgreSQL 15 binaries, Chromium, Node.js), then `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm) # the build bundles the builder's rich text editor
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

dotnet tool restore >/dev/null
mkdir -p TestResults
set +e
dotnet test Sequences.sln -c Release --results-directory TestResults 2>&1 | tee TestResults/test-output.log
status=${PIPESTATUS[0]}
set -e

# One plain summary line: "N passed, N failed" (from the runner's "Passed!  - Failed: F, Passed: P, ..." lines).
totals=$(grep -aE '^(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+' TestResults/test-output.log || true)
failed=$(sed -nE 's/.*Failed: +([0-9]+), +Passed.*/\1/p' <<<"$totals" | awk '{s+=$1} END {print s+0}')
passed=$(sed -nE 's/.*, +Passed: +([0-9]+),.*/\1/p' <<<"$totals" | awk '{s+=$1} END {print s+0}')
echo "${passed} passed, ${failed} failed"
exit "$status"
