#!/usr/bin/env bash
# EVM throughput side by side in one run, anvil (revm), Lockstep and Nethereum.EVM, same workloads: ERC20 blocks
# (OpenZeppelin ERC20, TXS transfers from SENDERS senders to fresh recipients, one block, timed with its state root)
# and a compute-heavy contract (Compute.run, Mgas/s).
# Nethereum.EVM is far slower, so it gets its own smaller sizes (NETH_TXS transfers, Compute.run(NETH_ROUNDS));
# its runs fail unless its gas (and, for ERC20, the state root) equal Lockstep's on the same transactions.
set -euo pipefail
cd "$(dirname "$0")/.."
TXS=${TXS:-20000} SENDERS=${SENDERS:-100} RUNS=${RUNS:-5}
NETH_TXS=${NETH_TXS:-2000} NETH_ROUNDS=${NETH_ROUNDS:-2000}
(cd tools && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
dotnet build -c Release bench/Lockstep.Benchmarks -v q -nologo >/dev/null
BENCH=bench/Lockstep.Benchmarks/bin/Release/net10.0/Lockstep.Benchmarks.dll
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
node tools/bench/anvil-erc20.mjs --txs "$TXS" --senders "$SENDERS" --runs "$RUNS"
dotnet "$BENCH" erc20 --txs "$TXS" --senders "$SENDERS" --runs "$RUNS"
dotnet "$BENCH" erc20-nethereum --txs "$NETH_TXS" --senders "$SENDERS" --runs "$RUNS"
ROUNDS=${ROUNDS:-100000}
node tools/bench/anvil-compute.mjs --rounds "$ROUNDS" --runs "$RUNS"
dotnet "$BENCH" compute --rounds "$ROUNDS" --runs "$RUNS"
dotnet "$BENCH" compute-nethereum --rounds "$NETH_ROUNDS" --runs "$RUNS"
