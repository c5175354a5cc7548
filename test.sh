#!/usr/bin/env bash
# Runs every test of WPAI: builds the solution, starts what the tests need (PostgreSQL included, via
# scripts/postgres.sh when it is present), runs `dotnet test`, and prints one closing line
# `N passed, N failed` summed from the TRX files. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export WPAI_SHARED_DATA="${WPAI_SHARED_DATA:-$root/../shared/data}"
results="$root/TestResults"
rm -rf "$results"

cleanup() { :; }
if [ -x scripts/postgres.sh ] && [ -z "${WPAI_TEST_POSTGRES:-}" ]; then
  # Starts a private PostgreSQL on a free loopback port and exports WPAI_TEST_POSTGRES (a connection string).
  if source scripts/postgres.sh start; then
    cleanup() { scripts/postgres.sh stop || true; }
  else
    echo "warning: could not start PostgreSQL; its tests will fail with the reason" >&2
  fi
fi
trap cleanup EXIT

# The Kubernetes tests check manifests with `kubectl label --local` (offline): install kubectl when it is missing.
if [ -x scripts/kubectl.sh ]; then
  scripts/kubectl.sh || echo "warning: kubectl is not available; the manifest tests will fail with the reason" >&2
fi

# The console's browser tests drive Debian's headless Chromium through its chromedriver: install them when missing.
if [ -x scripts/chromium.sh ]; then
  scripts/chromium.sh || echo "warning: chromium or chromedriver is not available; the console's browser tests will fail with the reason" >&2
fi

if ! dotnet build WPAI.sln -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test WPAI.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@"
rc=$?

passed=0; failed=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  fl=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0}))
done
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit $rc
