#!/usr/bin/env bash
# Runs the whole test suite from a clean clone: restores what the tests need, builds in Release,
# runs every test project, and ends with one "N passed, M failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Headless Chromium for the explorer's browser test (Debian package; Playwright drives it, downloads nothing).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; the browser test will fail and say why"
  else
    echo "warning: /usr/bin/chromium missing and not root: install chromium, or the browser test will fail and say why"
  fi
fi

# Node tools (solc-js, anvil, cast, ethers, viem) into tools/node_modules, exactly as locked.
(cd tools && npm ci --no-audit --no-fund --loglevel=error) || exit 1
# Committed contract artifacts must match their sources.
node tools/compile-contracts.js --check || exit 1

dotnet restore Lockstep.slnx || exit 1
dotnet build Lockstep.slnx -c Release --no-restore -warnaserror || exit 1

log=$(mktemp)
dotnet test Lockstep.slnx -c Release --no-build --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary per test assembly; add them up into the closing line CI reads.
passed=$(grep -aoE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -aoE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -aoE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
