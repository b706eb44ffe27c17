#!/usr/bin/env node
// The mempool as a wallet sees it, on a node that builds blocks on an interval (start it with a block time of
// about 2 s so transactions stay pending for a while): a pending transaction is visible by hash with no block,
// the pending nonce counts it, a same-fee replacement is refused (REPLACEMENT_UNDERPRICED), a replacement with
// higher fees wins (the original never gets a receipt), and a speed-up that ethers tracks ends in TRANSACTION_REPLACED.
// Usage: node tests/js/ethers-pending.mjs <http-url>   (exit 0 only when every assertion held)
import { ethers, Checks, endpoints, devKey } from './lib.mjs';

const { http } = endpoints();
const c = new Checks('ethers-pending');
const provider = new ethers.JsonRpcProvider(http, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
const carol = new ethers.Wallet(devKey(8), provider);
const to = ethers.Wallet.createRandom().address;
const gwei = 10n ** 9n;

/** Waits for the next block so the pending transaction below has a whole block interval to be looked at. */
async function nextBlock() {
  const n = await provider.getBlockNumber();
  for (let i = 0; i < 200 && await provider.getBlockNumber() === n; i++) await new Promise(r => setTimeout(r, 25));
}

await c.step('a pending transaction is visible and counted', async () => {
  await nextBlock();
  const latest = await provider.getTransactionCount(carol.address, 'latest');
  const tx = await carol.sendTransaction({ to, value: 1n, gasLimit: 21000n, maxFeePerGas: 20n * gwei, maxPriorityFeePerGas: 1n * gwei });
  const seen = await provider.getTransaction(tx.hash);
  c.ok(seen !== null, 'getTransaction finds the pending transaction');
  c.eq(seen?.blockNumber ?? null, null, 'pending transaction has no block number yet');
  c.eq(seen?.from, carol.address, 'pending transaction from');
  c.eq(await provider.getTransactionReceipt(tx.hash), null, 'no receipt before it is mined');
  c.eq(await provider.getTransactionCount(carol.address, 'pending'), latest + 1, 'pending nonce counts it');
  c.eq(await provider.getTransactionCount(carol.address, 'latest'), latest, 'latest nonce does not');
  const r = await tx.wait();
  c.eq(r?.status, 1, 'then it is mined');
});

await c.step('replacement by fee', async () => {
  await nextBlock();
  const nonce = await provider.getTransactionCount(carol.address, 'pending');
  const first = await carol.sendTransaction({ to, value: 2n, nonce, gasLimit: 21000n, maxFeePerGas: 20n * gwei, maxPriorityFeePerGas: 1n * gwei });
  let e = null;
  try {
    await carol.sendTransaction({ to, value: 3n, nonce, gasLimit: 21000n, maxFeePerGas: 20n * gwei, maxPriorityFeePerGas: 1n * gwei });
  } catch (err) { e = err; }
  c.eq(e?.code, 'REPLACEMENT_UNDERPRICED', 'same-fee replacement refused with REPLACEMENT_UNDERPRICED');
  // Both fee caps raised by well over the customary 10 %.
  const second = await carol.sendTransaction({ to, value: 4n, nonce, gasLimit: 21000n, maxFeePerGas: 40n * gwei, maxPriorityFeePerGas: 3n * gwei });
  c.ok(second.hash !== first.hash, 'replacement accepted with a new hash');
  const r = await provider.waitForTransaction(second.hash, 1, 15000);
  c.eq(r?.status, 1, 'replacement mined');
  c.eq(await provider.getTransactionReceipt(first.hash), null, 'the replaced transaction has no receipt');
  c.eq(await provider.getTransactionCount(carol.address, 'latest'), nonce + 1, 'one nonce used');
  // ethers, waiting on the original, notices the replacement (it scans blocks for the sender's nonce).
  let replaced = null;
  try { await first.wait(1, 15000); } catch (err) { replaced = err; }
  c.eq(replaced?.code, 'TRANSACTION_REPLACED', 'wait() on the original reports TRANSACTION_REPLACED');
  c.eq(replaced?.reason, 'replaced', 'reason "replaced" (same nonce, different transaction)');
  c.eq(replaced?.replacement?.hash, second.hash, 'names the replacement');
});

provider.destroy();
c.finish();
