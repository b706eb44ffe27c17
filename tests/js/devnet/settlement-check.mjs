// The devnet settles on its embedded L1: superblocks are posted to L1SharedInbox by the batch poster, one L1
// transaction per superbatch, and the state root claimed for every rollup equals that rollup's own block root.
// Usage: node settlement-check.mjs <devnet.json>   (run after some transactions; waits up to 60 s for a post)
import { readFileSync } from 'node:fs';
import { ethers, Checks } from '../lib.mjs';

const [descPath] = process.argv.slice(2);
if (!descPath) { console.error('usage: node settlement-check.mjs <devnet.json>'); process.exit(2); }
const desc = JSON.parse(readFileSync(descPath, 'utf8'));
const checks = new Checks('devnet settlement');
const inboxAbi = new ethers.Interface([
  'function superbatchCount() view returns (uint256)',
  'function stateRootOf(uint256 index, uint256 chainId) view returns (bytes32)',
  'function lastBlockOf(uint256 index, uint256 chainId) view returns (uint64)',
]);

await checks.step('devnet.json describes the embedded L1', async () => {
  checks.ok(desc.l1 !== null && typeof desc.l1.rpc === 'string', 'l1.rpc present');
  checks.eq(desc.l1.chainId, 900, 'L1 chain id');
  checks.ok(ethers.isAddress(desc.l1.contracts.SharedInbox), 'SharedInbox address');
});

await checks.step('superblocks are posted and the claimed roots are the rollups\' roots', async () => {
  const l1 = new ethers.JsonRpcProvider(desc.l1.rpc, desc.l1.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const inbox = new ethers.Contract(desc.l1.contracts.SharedInbox, inboxAbi, l1);
  let count = 0n;
  for (let i = 0; i < 120 && count === 0n; i++) {
    count = await inbox.superbatchCount();
    if (count === 0n) await new Promise((r) => setTimeout(r, 500));
  }
  checks.ok(count > 0n, 'at least one superbatch on L1', () => `superbatchCount = ${count}`);
  const last = count - 1n;
  for (const r of desc.rollups) {
    const provider = new ethers.JsonRpcProvider(r.rpc, r.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const lastBlock = await inbox.lastBlockOf(last, r.chainId);
    const claimed = await inbox.stateRootOf(last, r.chainId);
    const block = await provider.getBlock(Number(lastBlock));
    checks.ok(block !== null, `${r.name}: block ${lastBlock} exists`);
    checks.eq(claimed, block.stateRoot, `${r.name}: state root on L1 = block ${lastBlock}'s state root`);
  }
  // Every superbatch is its own L1 transaction from the sequencer: the inbox's logs come from exactly
  // superbatchCount distinct transactions (read the count again: the poster may have posted meanwhile).
  // (+1 allows the inbox's deployment if its constructor logs.)
  const before = await inbox.superbatchCount();
  const logs = await l1.getLogs({ address: desc.l1.contracts.SharedInbox, fromBlock: 0, toBlock: 'latest' });
  const after = await inbox.superbatchCount();
  const txs = new Set(logs.map((l) => l.transactionHash));
  const n = BigInt(txs.size);
  checks.ok(n >= before && n <= after + 1n, 'one L1 transaction per superbatch', () => `${txs.size} transactions for ${before}..${after} superbatches`);
  for (const h of txs) {
    const tx = await l1.getTransaction(h);
    checks.eq(tx.from.toLowerCase(), desc.l1.contracts.Sequencer.toLowerCase(), 'posted by the bonded sequencer');
  }
});
checks.finish();
