#!/usr/bin/env bash
# CPU time of each case of GeneralStateTests files, one `lockstep statetest` process per case (issue 2: "no test
# transaction that takes more than a few seconds"). Default: vmPerformance/loopMul.json, whose three cases are a
# 10M-iteration ADD loop, a 10M-iteration DIV + checked-ADD loop and a 2M-iteration MULMOD loop (unoptimized solc:
# 75, 189 and 80 instructions an iteration, mostly PUSH/DUP/SWAP/POP/JUMP).
# Usage: bench/statetest-cases.sh [FILE.json ...]      prints: case, pass, user s, sys s
# CLI=/path/to/lockstep runs that build instead of building this tree (A/B: copy one build aside, run both in turn).
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=("$@")
[ ${#FILES[@]} -gt 0 ] || FILES=(../shared/conformance/ethereum-tests/GeneralStateTests/VMTests/vmPerformance/loopMul.json)
if [ -z "${CLI:-}" ]; then
  dotnet build -c Release src/Lockstep.Cli -v q -nologo >/dev/null
  CLI=src/Lockstep.Cli/bin/Release/net10.0/lockstep
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
for f in "${FILES[@]}"; do
  # One file per Cancun case, keeping only that entry of "post".
  node -e '
    const fs = require("fs"); const [file, dir] = process.argv.slice(1);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [name, t] of Object.entries(doc)) {
      (t.post.Cancun || []).forEach((c, i) => {
        const one = { ...t, post: { Cancun: [c] } };
        fs.writeFileSync(`${dir}/${name}-${String(i).padStart(3, "0")}.json`, JSON.stringify({ [name]: one }));
      });
    }' "$f" "$TMP"
  for c in "$TMP"/*.json; do
    TIMEFORMAT="%U %S"
    { t=$( { time "$CLI" statetest "$c" >"$TMP/out" 2>&1; } 2>&1 ); } || true
    printf '%s\t%s\tuser %s s\tsys %s s\n' "$(basename "$c" .json)" "$(tail -1 "$TMP/out")" ${t}
    rm -f "$c"
  done
done
