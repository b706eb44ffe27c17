#!/usr/bin/env bash
# eth_sendRawTransaction throughput of `lockstep node` and anvil on the same workload, in the same run
# (docs/benchmarks.md, "JSON-RPC: eth_sendRawTransaction throughput"). Each (node, mode) pair gets a fresh node on a
# free loopback port with SENDERS funded dev accounts and one block per second, then tools/bench/rpc-send.mjs pushes
# the same pre-signed transfers through it. SENDERS (default 200) keeps each sender's queue (txs / senders) under the
# pool's per-sender limit (64 in lockstep's TxPool) even if a whole run lands between two blocks.
# Needs a built CLI: dotnet build src/Lockstep.Cli -c Release (or LOCKSTEP_CLI_DLL=path/to/lockstep.dll).
# After each run it prints the node's process CPU time (user + system, from /proc) spent between "node ready" and
# "everything included", per accepted transaction: less sensitive to machine load than wall-clock rates.
# A/B: LOCKSTEP_CLI_DLL_B=path/to/other/lockstep.dll adds a third node, "lockstep-B", to every round (interleaved).
# NODE_ENV_B="DOTNET_X=1 DOTNET_Y=0" runs lockstep-B with those environment variables (runtime knobs), with the same
# CLI as lockstep unless LOCKSTEP_CLI_DLL_B is given too.
# MODES="single" (default "single batch") limits the modes.
# WARMUP=1 first sends one unmeasured round of the same size to each fresh node (other transfers: the next nonces),
# then measures the second round: the warm figures, without the JIT and first-use costs of a fresh process.
# Usage: [SENDERS=200] [RUNS=1] [MODES="single batch"] [WARMUP=1] [LOCKSTEP_CLI_DLL_B=...] [NODE_ENV_B=...] tools/bench/rpc-side-by-side.sh
#        [rpc-send.mjs options, e.g. --txs 10000 --concurrency 16]
set -euo pipefail
senders=${SENDERS:-200}
cd "$(dirname "$0")/../.."
anvil=tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
dll=${LOCKSTEP_CLI_DLL:-src/Lockstep.Cli/bin/Release/net10.0/lockstep.dll}
[ -f "$dll" ] || { echo "build the CLI first: dotnet build src/Lockstep.Cli -c Release" >&2; exit 1; }
[ -x "$anvil" ] || { echo "anvil missing: (cd tools && npm ci)" >&2; exit 1; }

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $(uptime | sed 's/.*load/load/')"
pid=""
log=$(mktemp)
data=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -f "$log"; [ -n "$data" ] && rm -rf "$data"; }
trap cleanup EXIT

# start_node NAME: starts it in the background, sets $url once the node printed its ready line.
start_node() {
  : > "$log"
  if [ "$1" = anvil ]; then
    "$anvil" --host 127.0.0.1 --port 0 --hardfork cancun --accounts "$senders" --block-time 1 > "$log" 2>&1 &
    pattern='Listening on 127\.0\.0\.1:([0-9]+)'; prefix='http://127.0.0.1:'
  else
    data=$(mktemp -d)
    node_dll=$dll
    node_env=()
    if [ "$1" = lockstep-B ]; then
      node_dll=${LOCKSTEP_CLI_DLL_B:-$dll}
      read -r -a node_env <<< "${NODE_ENV_B:-}"
    fi
    env "${node_env[@]}" dotnet "$node_dll" node --port 0 --data-dir "$data" --accounts "$senders" --block-time 1 > "$log" 2>&1 &
    pattern='RPC listening on (http://[^ ]+)'; prefix=''
  fi
  pid=$!
  for _ in $(seq 600); do
    if m=$(grep -oE "$pattern" "$log" | head -1) && [ -n "$m" ]; then
      url="$prefix$(echo "$m" | sed -E "s#$pattern#\1#")"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "$1 exited" >&2; exit 1; }
    sleep 0.1
  done
  cat "$log" >&2; echo "$1 did not start" >&2; exit 1
}
# cpu_ticks: user + system clock ticks of the running node so far (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
stop_node() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""; [ -n "$data" ] && rm -rf "$data"; data=""; }

# RUNS rounds, interleaved (anvil, lockstep, anvil, ...), so a change in machine load hits both alike.
names="anvil lockstep"
[ -n "${LOCKSTEP_CLI_DLL_B:-}${NODE_ENV_B:-}" ] && names="anvil lockstep lockstep-B"
hz=$(getconf CLK_TCK)
for run in $(seq "${RUNS:-1}"); do
  for mode in ${MODES:-single batch}; do
    for name in $names; do
      start_node "$name"
      if [ -n "${WARMUP:-}" ]; then
        node tools/bench/rpc-send.mjs --url "$url" --name "$name-warmup" --mode "$mode" --senders "$senders" --json "$@" > /dev/null || echo "($name $mode warm-up: not every transaction was accepted and included)"
        # Pre-sign the measured round's transfers now (cached by starting nonce), so the node idles less in the window.
        node tools/bench/rpc-send.mjs --url "$url" --sign-only --mode "$mode" --senders "$senders" "$@" > /dev/null
      fi
      before=$(cpu_ticks)
      out=$(mktemp)
      node tools/bench/rpc-send.mjs --url "$url" --name "$name" --mode "$mode" --senders "$senders" --json "$@" > "$out" || echo "($name $mode: not every transaction was accepted and included)"
      after=$(cpu_ticks)
      # One line per run: the rate and latency, then the node's CPU per accepted transaction.
      node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const cpuMs = (process.argv[2] - process.argv[3]) * 1000 / process.argv[4];
        console.log(`${r.node} ${r.mode}${r.mode === "batch" ? " x" + r.batch : ""}: ${r.accepted}/${r.txs} accepted in ${r.seconds} s = ${r.acceptedPerSecond} tx/s; ` +
          `request latency p50 ${r.latencyMsP50} ms, p99 ${r.latencyMsP99} ms; ${r.allIncluded ? "all included" : "NOT all included"}; ` +
          `node CPU ${cpuMs.toFixed(0)} ms = ${(cpuMs * 1000 / Math.max(1, r.accepted)).toFixed(1)} us per accepted tx`);' "$out" "$after" "$before" "$hz" || cat "$out"
      rm -f "$out"
      stop_node
    done
  done
done
