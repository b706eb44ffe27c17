#!/usr/bin/env node
// Consistency check of a whole chain after a restart or a crash (used by Lockstep.ClientTests' restart and
// SIGKILL tests, works against any node):
//  - every block 0..head is readable by number and by hash, its parentHash links to the previous block,
//    every transaction it lists has a receipt naming this block and index, and the last cumulativeGasUsed
//    equals the header's gasUsed (no half-written block);
//  - every acknowledged transaction (a receipt was returned before the crash) still has its receipt, in the
//    same block (same hash);
//  - the balances and nonces of every account the chain's value transfers touched are recomputed here from the
//    genesis balances and the receipts (value + gasUsed * effectiveGasPrice), and must equal the node's
//    eth_getProof for the head block, whose proofs are verified against the head's stateRoot by lib.mjs.
// Usage: node tests/js/chain-check.mjs <http-url> [acknowledged.json]   acknowledged.json = [{hash, blockHash, blockNumber}]
import { readFileSync } from 'node:fs';
import { Checks, checkProof } from './lib.mjs';

const url = process.argv[2];
const ackFile = process.argv[3];
if (!url) { console.error('usage: node chain-check.mjs <http-url> [acknowledged.json]'); process.exit(2); }
const c = new Checks('chain-check');
let nextId = 1;

async function batch(calls) {
  if (calls.length === 0) return [];
  const body = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: nextId++, method, params }));
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!Array.isArray(out)) throw new Error(`batch answered with ${JSON.stringify(out).slice(0, 300)}`);
  const byId = new Map(out.map(r => [r.id, r]));
  return body.map(b => {
    const r = byId.get(b.id);
    if (!r) throw new Error(`no answer for ${b.method} ${JSON.stringify(b.params)}`);
    if (r.error) throw new Error(`${b.method} ${JSON.stringify(b.params)} -> ${JSON.stringify(r.error)}`);
    return r.result;
  });
}
const call = async (method, params) => (await batch([[method, params]]))[0];

const blocks = [];
const receipts = new Map(); // tx hash -> receipt
let head;

await c.step('every block 0..head is whole and linked', async () => {
  head = Number(BigInt(await call('eth_blockNumber', [])));
  for (let n = 0; n <= head; n++) {
    const [block] = await batch([['eth_getBlockByNumber', ['0x' + n.toString(16), true]]]);
    if (!c.ok(block !== null, `block ${n} readable`)) continue;
    blocks.push(block);
    c.eq(Number(BigInt(block.number)), n, `block ${n} number field`);
    if (n > 0 && blocks[n - 1]) c.eq(block.parentHash, blocks[n - 1].hash, `block ${n} parentHash links to block ${n - 1}`);
    const rs = await batch(block.transactions.map(t => ['eth_getTransactionReceipt', [t.hash]]));
    let cumulative = 0n;
    block.transactions.forEach((t, i) => {
      const r = rs[i];
      if (!c.ok(r !== null, `receipt of ${t.hash} (block ${n}, index ${i}) present`)) return;
      receipts.set(t.hash, r);
      c.eq(r.blockHash, block.hash, `receipt ${t.hash} blockHash`);
      c.eq(Number(BigInt(r.transactionIndex)), i, `receipt ${t.hash} transactionIndex`);
      c.ok(BigInt(r.cumulativeGasUsed) > cumulative, `receipt ${t.hash} cumulativeGasUsed increases`);
      cumulative = BigInt(r.cumulativeGasUsed);
    });
    c.eq(cumulative, BigInt(block.gasUsed), `block ${n}: last cumulativeGasUsed equals header gasUsed`);
  }
  const [byHash] = await batch([['eth_getBlockByHash', [blocks[blocks.length - 1]?.hash, false]]]);
  c.eq(byHash?.number, blocks[blocks.length - 1]?.number, 'head readable by hash');
  console.log(`  ${head + 1} blocks, ${receipts.size} transactions`);
});

if (ackFile) {
  await c.step('every acknowledged transaction kept its receipt and block', async () => {
    const acks = JSON.parse(readFileSync(ackFile, 'utf8'));
    let missing = 0;
    for (const a of acks) {
      const r = receipts.get(a.hash) ?? await call('eth_getTransactionReceipt', [a.hash]);
      if (!r) { missing++; c.ok(false, `acknowledged ${a.hash} (block ${a.blockNumber}) has a receipt`); continue; }
      c.eq(r.blockHash, a.blockHash, `acknowledged ${a.hash} still in block ${a.blockNumber}`);
    }
    console.log(`  ${acks.length} acknowledged transactions checked, ${missing} missing`);
  });
}

await c.step('balances and nonces recomputed from genesis and receipts match proofs at the head', async () => {
  const headBlock = blocks[blocks.length - 1];
  const miners = new Set(blocks.map(b => b.miner.toLowerCase()));
  const delta = new Map();   // address -> balance change
  const sent = new Map();    // address -> transactions sent
  const add = (a, v) => { a = a.toLowerCase(); delta.set(a, (delta.get(a) ?? 0n) + v); };
  for (const b of blocks)
    for (const t of b.transactions) {
      const r = receipts.get(t.hash);
      if (!r) continue;
      // Only plain value transfers between accounts can be recomputed without an EVM.
      if (t.input !== '0x' || r.logs.length !== 0 || !t.to) continue;
      add(t.from, -(BigInt(t.value) * (r.status === '0x1' ? 1n : 0n) + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice)));
      if (r.status === '0x1') add(t.to, BigInt(t.value));
      sent.set(t.from.toLowerCase(), (sent.get(t.from.toLowerCase()) ?? 0) + 1);
    }
  // Accounts touched by anything else (contract calls, fee recipients) are not recomputable here: skip them.
  const skip = new Set(miners);
  for (const b of blocks)
    for (const t of b.transactions)
      if (t.input !== '0x' || !t.to || (receipts.get(t.hash)?.logs.length ?? 0) !== 0) { skip.add(t.from.toLowerCase()); if (t.to) skip.add(t.to.toLowerCase()); }
  const accounts = [...delta.keys()].filter(a => !skip.has(a));
  const genesis = await batch(accounts.map(a => ['eth_getBalance', [a, '0x0']]));
  const proofs = await batch(accounts.map(a => ['eth_getProof', [a, [], headBlock.number]]));
  accounts.forEach((a, i) => {
    const acct = checkProof(c, headBlock.stateRoot, proofs[i], a);
    c.eq(acct.balance, BigInt(genesis[i]) + delta.get(a), `${a}: proved balance = genesis balance + transfers - fees`);
    c.eq(acct.nonce, BigInt(sent.get(a) ?? 0), `${a}: proved nonce = transactions sent`);
  });
  console.log(`  ${accounts.length} accounts recomputed and proved against state root ${headBlock.stateRoot}`);
});

c.finish();
