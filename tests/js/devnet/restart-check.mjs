// After `lockstep devnet` was stopped (SIGTERM) and started again on the same data dir: every head, balance and
// lockstep_getMessageStatus answer that e2e.mjs recorded before the stop is still there, and the set still works.
// Usage: node restart-check.mjs <devnet.json> <summary.json written by e2e.mjs>
import { readFileSync } from 'node:fs';
import { ethers, Checks } from '../lib.mjs';

const [descPath, summaryPath] = process.argv.slice(2);
if (!descPath || !summaryPath) { console.error('usage: node restart-check.mjs <devnet.json> <summary.json>'); process.exit(2); }
const desc = JSON.parse(readFileSync(descPath, 'utf8'));
const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
const LST = '0x0000000000000000000000000000000000001004';
const erc20 = new ethers.Interface(['function balanceOf(address) view returns (uint256)']);
const checks = new Checks('devnet restart');
const rollups = desc.rollups.map((r) => ({ ...r, provider: new ethers.JsonRpcProvider(r.rpc, r.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 }) }));

await checks.step('heads and balances preserved', async () => {
  checks.eq(rollups.length, Object.keys(summary.heads).length, 'same number of rollups');
  for (const r of rollups) {
    const before = summary.heads[r.chainId];
    const head = await r.provider.getBlock('latest');
    checks.eq(head.number, before.number, `${r.name}: head height`);
    checks.eq(head.hash, before.hash, `${r.name}: head hash`);
    const lst = erc20.decodeFunctionResult('balanceOf', await r.provider.call({ to: LST, data: erc20.encodeFunctionData('balanceOf', [summary.user]) }))[0];
    checks.eq(lst.toString(), before.userLst, `${r.name}: user's LST`);
    checks.eq((await r.provider.getBalance(summary.user)).toString(), before.userEth, `${r.name}: user's ETH`);
  }
});

await checks.step('message statuses preserved (included and rejected)', async () => {
  const a = rollups.find((r) => r.chainId === summary.canonical.chainId);
  for (const [tx, before] of Object.entries(summary.statuses)) {
    const now = await a.provider.send('lockstep_getMessageStatus', [tx]);
    checks.eq(JSON.stringify(now), JSON.stringify(before), `status of ${tx} (${before?.status})`);
  }
  const rc = await a.provider.getTransactionReceipt(summary.canonical.tx);
  checks.eq(rc?.blockNumber, summary.canonical.block, 'canonical burn receipt still in its block');
});

await checks.step('the restarted set still builds superblocks', async () => {
  const a = rollups[0];
  const w = new ethers.Wallet(ethers.HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', undefined, "m/44'/60'/0'/0/5").privateKey, a.provider);
  const tx = await w.sendTransaction({ to: w.address, value: 1n, gasLimit: 21000n });
  const rc = await tx.wait(1, 30000);
  checks.eq(rc?.status, 1, 'a transfer after restart is mined');
  checks.eq(rc?.blockNumber, summary.heads[a.chainId].number + 1, 'on top of the preserved head');
});

checks.finish();
