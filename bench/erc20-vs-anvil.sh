#!/usr/bin/env bash
# ERC20 block throughput, side by side in one run: anvil (revm) then Lockstep's EVM, same workload
# (OpenZeppelin ERC20, TXS transfers from SENDERS senders to fresh recipients, one block, timed with its state root).
set -euo pipefail
cd "$(dirname "$0")/.."
TXS=${TXS:-20000} SENDERS=${SENDERS:-100} RUNS=${RUNS:-5}
(cd tools && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
dotnet build -c Release bench/Lockstep.Benchmarks -v q -nologo >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
node tools/bench/anvil-erc20.mjs --txs "$TXS" --senders "$SENDERS" --runs "$RUNS"
dotnet bench/Lockstep.Benchmarks/bin/Release/net10.0/Lockstep.Benchmarks.dll erc20 --txs "$TXS" --senders "$SENDERS" --runs "$RUNS"
