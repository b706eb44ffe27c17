#!/usr/bin/env node
// Compute-heavy Mgas/s of anvil (revm): one transaction calling Compute.run(ROUNDS) (arithmetic, keccak,
// memory; no storage) mined alone in a block; times `evm_mine`.
// Usage: node tools/bench/anvil-compute.mjs [--rounds 20000] [--runs 5]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ethers } from 'ethers';
import { startAnvil, rpc, sendAll, MNEMONIC } from './anvil.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, def) => { const i = process.argv.indexOf('--' + name); return i >= 0 ? Number(process.argv[i + 1]) : def; };
const ROUNDS = arg('rounds', 20000), RUNS = arg('runs', 5);
const artifact = JSON.parse(readFileSync(path.resolve(here, '..', '..', 'contracts', 'artifacts', 'Compute.json'), 'utf8'));

const { child, url } = await startAnvil(1);
try {
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const chainId = (await provider.getNetwork()).chainId;
  const wallet = ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0").deriveChild(0);
  const fee = { maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, type: 2, chainId };
  let nonce = 0;
  await sendAll(url, [await wallet.signTransaction({ ...fee, nonce: nonce++, gasLimit: 1_000_000n, data: artifact.bytecode })]);
  await rpc(url, { jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] });
  const target = ethers.getCreateAddress({ from: wallet.address, nonce: 0 });
  const data = new ethers.Interface(artifact.abi).encodeFunctionData('run', [ROUNDS]);
  const results = [];
  for (let r = 0; r < RUNS; r++) {
    await sendAll(url, [await wallet.signTransaction({ ...fee, nonce: nonce++, gasLimit: 1_000_000_000n, to: target, data })]);
    const t0 = process.hrtime.bigint();
    await rpc(url, { jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const block = (await rpc(url, { jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['latest', false] })).result;
    const gas = Number(BigInt(block.gasUsed));
    results.push(gas / seconds / 1e6);
    console.log(`anvil run ${r + 1}: Compute.run(${ROUNDS}) ${gas} gas in ${seconds.toFixed(3)} s = ${(gas / seconds / 1e6).toFixed(1)} Mgas/s`);
  }
  results.sort((a, b) => a - b);
  console.log(`anvil median ${results[Math.floor(results.length / 2)].toFixed(1)} Mgas/s (best ${results.at(-1).toFixed(1)})`);
} finally { child.kill('SIGKILL'); }
