#!/usr/bin/env node
// ERC20 throughput of anvil (revm) for docs/benchmarks.md.
// Starts anvil on a free loopback port with mining off, deploys the OpenZeppelin BenchToken, gives tokens
// to SENDERS dev accounts, pre-signs TXS transfers (each to a fresh recipient), submits them all, then times
// one `evm_mine` that puts all of them in one block: execution + state root + block assembly.
// Usage: node tools/bench/anvil-erc20.mjs [--txs 20000] [--senders 100] [--runs 3] [--json]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ethers } from 'ethers';
import { startAnvil, rpc, sendAll, MNEMONIC } from './anvil.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = path.resolve(here, '..');
const arg = (name, def) => { const i = process.argv.indexOf('--' + name); return i >= 0 ? Number(process.argv[i + 1]) : def; };
const TXS = arg('txs', 20000), SENDERS = arg('senders', 100), RUNS = arg('runs', 3);
const asJson = process.argv.includes('--json');
const artifact = JSON.parse(readFileSync(path.resolve(tools, '..', 'contracts', 'artifacts', 'BenchToken.json'), 'utf8'));

async function runOnce(url) {
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
  const chainId = (await provider.getNetwork()).chainId;
  const root = ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0");
  const wallets = Array.from({ length: SENDERS + 1 }, (_, i) => root.deriveChild(i));
  const deployer = wallets[0].connect(provider);
  const iface = new ethers.Interface(artifact.abi);
  const feeData = { maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, type: 2, chainId };

  // setup block: deploy and spread tokens
  let nonce = await provider.getTransactionCount(deployer.address, 'pending');
  const supply = 10n ** 30n;
  const deployTx = await deployer.signTransaction({ ...feeData, nonce: nonce++, gasLimit: 3_000_000n,
    data: artifact.bytecode + ethers.AbiCoder.defaultAbiCoder().encode(['uint256'], [supply]).slice(2) });
  const token = ethers.getCreateAddress({ from: deployer.address, nonce: nonce - 1 });
  const setup = [deployTx];
  for (let i = 1; i <= SENDERS; i++)
    setup.push(await deployer.signTransaction({ ...feeData, nonce: nonce++, gasLimit: 100_000n, to: token,
      data: iface.encodeFunctionData('transfer', [wallets[i].address, supply / BigInt(SENDERS + 1)]) }));
  await sendAll(url, setup);
  await rpc(url, { jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] });

  // pre-sign the measured block
  const perSender = Math.ceil(TXS / SENDERS);
  const nonces = await Promise.all(wallets.slice(1).map(w => provider.getTransactionCount(w.address, 'pending')));
  const raw = [];
  for (let k = 0; k < perSender && raw.length < TXS; k++)
    for (let s = 0; s < SENDERS && raw.length < TXS; s++) {
      const to = ethers.zeroPadValue(ethers.toBeHex(0x10000000n + BigInt(raw.length)), 20);
      raw.push(await wallets[s + 1].signTransaction({ ...feeData, nonce: nonces[s] + k, gasLimit: 60_000n, to: token,
        data: iface.encodeFunctionData('transfer', [to, 1000n]) }));
    }
  await sendAll(url, raw);

  const t0 = process.hrtime.bigint();
  const mined = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (mined.error) throw new Error(JSON.stringify(mined.error));
  const block = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['latest', false] });
  const count = block.result.transactions.length;
  const gasUsed = Number(BigInt(block.result.gasUsed));
  if (count !== TXS) throw new Error(`block holds ${count} transactions, expected ${TXS}`);
  return { txs: count, seconds, txPerSecond: count / seconds, mgasPerSecond: gasUsed / seconds / 1e6, gasUsed };
}

const results = [];
for (let r = 0; r < RUNS; r++) {
  const { child, url } = await startAnvil(SENDERS + 1);
  try { results.push(await runOnce(url)); } finally { child.kill('SIGKILL'); }
  if (!asJson) console.log(`anvil run ${r + 1}: ${results.at(-1).txs} ERC20 transfers in ${results.at(-1).seconds.toFixed(3)} s = ${results.at(-1).txPerSecond.toFixed(0)} tx/s, ${results.at(-1).mgasPerSecond.toFixed(1)} Mgas/s`);
}
const best = results.reduce((a, b) => (a.txPerSecond > b.txPerSecond ? a : b));
const median = [...results].sort((a, b) => a.txPerSecond - b.txPerSecond)[Math.floor(results.length / 2)];
const summary = { engine: 'anvil ' + '1.7.1', txs: TXS, senders: SENDERS, runs: results, medianTxPerSecond: median.txPerSecond, bestTxPerSecond: best.txPerSecond };
console.log(asJson ? JSON.stringify(summary) : `anvil median ${median.txPerSecond.toFixed(0)} tx/s (best ${best.txPerSecond.toFixed(0)})`);
