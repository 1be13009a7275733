#!/usr/bin/env bash
# Runs every test of the repository: builds the solution, runs each xunit test project (unit and integration tests
# against real SQLite, a real PostgreSQL and real HTTP), then prints one line with the totals over all of them:
#   tests: N passed, M failed
# Exits non-zero when anything failed. Installs what it needs (PostgreSQL 15 server binaries) when missing.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/lib/postgresql/15/bin/initdb ] && [ -z "${TESSERA_TEST_POSTGRES:-}" ]; then
  echo "Installing PostgreSQL 15 server binaries for the test fixtures..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15) >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests of the hosted pages..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver) >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Platform.sln -c Release -nologo -v:q || { echo "tests: 0 passed, 1 failed"; exit 1; }

results=artifacts/test-results
rm -rf "$results" && mkdir -p "$results"
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  echo "== $name"
  dotnet test --project "$project" -c Release --no-build \
    --results-directory "$results" --report-xunit-trx --report-xunit-trx-filename "$name.trx" || status=1
done

echo "== compat (PouchDB against a running Tessera)"
compat_log="$results/compat.tap"
tests/compat/run.sh >"$compat_log" 2>&1 || status=1
grep -E '^(not )?ok |^# (tests|pass|fail|todo)' "$compat_log" || tail -40 "$compat_log"

echo "== deploy (docker-compose.yml, Dockerfiles, Helm chart; no engine or cluster needed)"
deploy_log="$results/deploy.tap"
eng/validate-deploy.sh >"$deploy_log" 2>&1 || status=1
grep -E '^(not )?ok |^# (tests|pass|fail)' "$deploy_log" || tail -40 "$deploy_log"

passed=0; failed=0
compat_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$compat_log" | tail -1)
compat_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$compat_log" | tail -1)
passed=$((passed + ${compat_pass:-0})); failed=$((failed + ${compat_fail:-0}))
deploy_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$deploy_log" | tail -1)
deploy_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$deploy_log" | tail -1)
passed=$((passed + ${deploy_pass:-0})); failed=$((failed + ${deploy_fail:-0}))
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a project that crashed before reporting still fails the run
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
