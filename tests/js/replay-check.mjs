#!/usr/bin/env node
// Independent recomputation of a chain: replays every block of a node on anvil (revm) and compares the roots.
// For each block 1..head of the node under test, the transactions are re-serialized from the node's JSON
// (keccak256 of the result must equal the node's transaction hash, so the JSON is complete), sent to an anvil
// started with `--no-mining --order fifo` and mined there as one block with `evm_mine`. anvil's block must then
// have the same stateRoot, receiptsRoot, transactionsRoot, logsBloom, gasUsed and baseFeePerGas.
// Both chains must start from the same genesis allocation (the standard mnemonic's 10 accounts with 10000 ETH,
// coinbase 0x0, 30M gas limit; anvil without its CREATE2 deployer predeploy) and the transactions must not read the
// timestamp or randomness.
// The script starts its own anvil. anvil gives block 1 the configured base fee itself, where EIP-1559 (and geth)
// derive it from the London genesis (1 gwei, 0 gas used: 0.875 gwei); so anvil gets `--base-fee` = the node's
// block-1 base fee, and from block 2 on both derive every base fee from the parent block.
// Usage: node tests/js/replay-check.mjs <node-http-url>
import { spawn } from 'node:child_process';
import { ethers, Checks, rawRpc, anvilBin } from './lib.mjs';

const url = process.argv[2];
if (!url) { console.error('usage: node replay-check.mjs <node-http-url>'); process.exit(2); }
const c = new Checks('replay-check');
const block1 = (await rawRpc(url, 'eth_getBlockByNumber', ['0x1', false])).result;
if (!block1) { console.log('replay-check: the node has no block 1, nothing to replay'); process.exit(1); }
const anvil = spawn(anvilBin, ['--host', '127.0.0.1', '--port', '0', '--hardfork', 'cancun', '--no-mining', '--order', 'fifo', '--disable-default-create2-deployer',
  '--base-fee', BigInt(block1.baseFeePerGas).toString()], { stdio: ['ignore', 'pipe', 'inherit'] });
const anvilUrl = await new Promise((resolve, reject) => {
  let out = '';
  anvil.stdout.on('data', d => { out += d; const m = out.match(/Listening on 127\.0\.0\.1:(\d+)/); if (m) resolve(`http://127.0.0.1:${m[1]}`); });
  anvil.on('exit', code => reject(new Error('anvil exited with ' + code)));
  setTimeout(() => reject(new Error('anvil did not start in 30 s')), 30000).unref();
});
process.on('exit', () => anvil.kill('SIGKILL'));

async function call(u, method, params) {
  const r = await rawRpc(u, method, params);
  if (r.error) throw new Error(`${method} on ${u === url ? 'node' : 'anvil'}: ${JSON.stringify(r.error)}`);
  return r.result;
}

/** Rebuilds the signed transaction from its JSON-RPC fields. */
function serialize(t) {
  const type = Number(t.type);
  const fields = { type, nonce: Number(t.nonce), to: t.to, value: BigInt(t.value), data: t.input, gasLimit: BigInt(t.gas),
    chainId: t.chainId !== undefined ? BigInt(t.chainId) : undefined };
  if (type === 0 || type === 1) fields.gasPrice = BigInt(t.gasPrice);
  else { fields.maxFeePerGas = BigInt(t.maxFeePerGas); fields.maxPriorityFeePerGas = BigInt(t.maxPriorityFeePerGas); }
  if (type !== 0) fields.accessList = t.accessList ?? [];
  const v = type === 0 ? BigInt(t.v) : BigInt(t.yParity ?? t.v);
  fields.signature = ethers.Signature.from({ r: t.r, s: t.s, v: type === 0 ? v : 27n + v });
  if (type === 0 && v >= 35n) fields.chainId = (v - 35n) / 2n;
  return ethers.Transaction.from(fields).serialized;
}

await c.step('replay every block on anvil and compare roots', async () => {
  const head = Number(BigInt(await call(url, 'eth_blockNumber', [])));
  const anvilStart = Number(BigInt(await call(anvilUrl, 'eth_blockNumber', [])));
  if (!c.eq(anvilStart, 0, 'anvil starts at genesis')) return;
  let txs = 0;
  for (let n = 1; n <= head; n++) {
    const b = await call(url, 'eth_getBlockByNumber', ['0x' + n.toString(16), true]);
    for (const t of b.transactions) {
      const raw = serialize(t);
      if (!c.eq(ethers.keccak256(raw), t.hash, `block ${n}: transaction ${t.hash} re-serializes to its hash`)) continue;
      await call(anvilUrl, 'eth_sendRawTransaction', [raw]);
      txs++;
    }
    await call(anvilUrl, 'evm_mine', []);
    const a = await call(anvilUrl, 'eth_getBlockByNumber', ['0x' + n.toString(16), false]);
    c.eq(a.transactions.length, b.transactions.length, `block ${n}: anvil included every transaction`);
    for (const f of ['stateRoot', 'receiptsRoot', 'transactionsRoot', 'logsBloom', 'gasUsed', 'baseFeePerGas'])
      c.eq(a[f], b[f], `block ${n}: ${f} equals anvil's`);
    if (c.failures.length > 20) { c.ok(false, 'stopping after 20 differences'); break; }
  }
  console.log(`  ${head} blocks, ${txs} transactions replayed on anvil`);
});

c.finish();
