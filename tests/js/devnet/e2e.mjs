// Issue 4, "What it must show", end to end over JSON-RPC as a dapp would (ethers v6):
//   1. the seed's canonical case: burn LST on A for B, mint on B in the same superblock, roots equal;
//   2. a burn whose mint fails (paused token, mint cap, reverting target, out-of-gas action) leaves no trace;
//      a burn the user cannot afford reverts on A and mints nothing;
//   3. with 3+ rollups: A -> B -> C actions, all or nothing, messageSender/source correct, replay fails;
//   3d. ETH bridged from the reserve;
//   4. security: a 0x7F transaction is refused, an ordinary account cannot call mint/action, messageSender unfakeable;
//   5. outboxRoot(Y) on X == inboxRoot(X) on Y for every pair at the last superblock.
// Usage: node e2e.mjs <devnet.json> [summary.json]  (the summary feeds restart-check.mjs).
// Expected values come from the protocol text (docs/protocol.md: slots, type strings, selectors), ethers' ABI
// encoder and keccak, and lib.mjs's independent MPT proof verifier, never from the node's own answers.
import { readFileSync, writeFileSync } from 'node:fs';
import { ethers, Checks, rawRpc, verifyMptProof, artifact, describeError, withTimeout } from '../lib.mjs';

const descPath = process.argv[2];
if (!descPath) { console.error('usage: node e2e.mjs <devnet.json> [summary.json]'); process.exit(2); }
const desc = JSON.parse(readFileSync(descPath, 'utf8'));
const summaryPath = process.argv[3];

const MINT_BURN = '0x0000000000000000000000000000000000001001';
const MESSENGER = '0x0000000000000000000000000000000000001002';
const TREES = '0x0000000000000000000000000000000000001003';
const LST = '0x0000000000000000000000000000000000001004';
const PROTOCOL_SENDER = '0x0000000000000000000000000000000000001000';
const GAS = 1_000_000n;
const coder = ethers.AbiCoder.defaultAbiCoder();

const iface = new ethers.Interface([
  'function burn(address token, uint256 amount, uint256 destination, address to) returns (uint256)',
  'function mint(uint256 source, uint256 nonce, address token, address from, address to, uint256 amount)',
  'function trigger(uint256 destination, address target, bytes data, uint256 gasLimit) returns (uint256)',
  'function action(uint256 source, uint256 nonce, address sender, address target, uint256 gasLimit, bytes data)',
  'function balanceOf(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function setPaused(bool)',
  'function setMintCap(uint256)',
  'function outboxCount(uint256) view returns (uint256)',
  'function inboxCount(uint256) view returns (uint256)',
  'function outboxRoot(uint256) view returns (bytes32)',
  'error OnlyProtocol(address caller)',
  'error WrongNonce(uint256 source, uint256 expected, uint256 actual)',
]);
const probeArtifact = artifact('DevnetE2eProbe');
const probeIface = new ethers.Interface(probeArtifact.abi);

/** Storage slots from docs/protocol.md: keccak256(abi.encode(key, mappingSlot)); outbox = 0, inbox = 1. */
const outboxRootSlot = (dest) => ethers.keccak256(coder.encode(['uint256', 'uint256'], [dest, 0]));
const inboxRootSlot = (src) => ethers.keccak256(coder.encode(['uint256', 'uint256'], [src, 1]));
/** The MINT message hash from its type string (docs/protocol.md, "Messages"). */
const MINT_TYPEHASH = ethers.id('LockstepMint(uint256 source,uint256 destination,uint256 nonce,address token,address from,address to,uint256 amount)');
const mintHash = (src, dst, nonce, token, from, to, amount) => ethers.keccak256(coder.encode(
  ['bytes32', 'uint256', 'uint256', 'uint256', 'address', 'address', 'address', 'uint256'],
  [MINT_TYPEHASH, src, dst, nonce, token, from, to, amount]));

/** lib.mjs's Checks with a 60 s step budget: a step here sends several transactions on a shared, busy machine. */
class DevnetChecks extends Checks {
  async step(name, fn) {
    this.current = name;
    const t0 = Date.now();
    console.log(`- ${name}`);
    try { await withTimeout(fn(), 60000, name); } catch (e) {
      this.failures.push(`[${name}] threw: ${describeError(e)}`);
      console.log(`  FAIL threw: ${describeError(e)}`);
    }
    if (Date.now() - t0 > 5000) console.log(`  (took ${Date.now() - t0} ms)`);
  }
}
const checks = new DevnetChecks('devnet e2e');
const rollups = desc.rollups.map((r) => ({ ...r, id: BigInt(r.chainId), provider: new ethers.JsonRpcProvider(r.rpc, r.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 }) }));
const [A, B, C] = rollups;
// devnet.json's dev keys (account 0 administers LST; account 1 is the user; account 2 deploys the probes).
const keyOf = (i) => desc.devAccounts[i].privateKey;
const admin = keyOf(0);
const user = new ethers.Wallet(keyOf(1));
const recipient = ethers.Wallet.createRandom().address; // fresh holder on B: its balance starts at 0

const call = (r, to, data, from) => r.provider.call({ to, data, from });
const read = async (r, fn, args, to = LST, blockTag = 'latest') => iface.decodeFunctionResult(fn, await r.provider.call({ to, data: iface.encodeFunctionData(fn, args), blockTag }))[0];
const lstBalance = (r, who, tag) => read(r, 'balanceOf', [who], LST, tag);
const supplyOfSet = async () => { let s = 0n; for (const r of rollups) s += await read(r, 'totalSupply', []); return s; };
const nonces = new Map();

/** Signs and sends a type-2 transaction with an explicit nonce and gas (so nothing is estimated); returns its hash. */
async function send(r, key, to, data, { nonce, value = 0n, gas = GAS } = {}) {
  const w = new ethers.Wallet(key, r.provider);
  const n = nonce ?? await r.provider.getTransactionCount(w.address, 'latest');
  const fee = await r.provider.getFeeData();
  const signed = await w.signTransaction({ type: 2, chainId: r.id, nonce: n, to, data, value, gasLimit: gas,
    maxFeePerGas: fee.maxFeePerGas * 2n, maxPriorityFeePerGas: fee.maxPriorityFeePerGas ?? 1n });
  return r.provider.send('eth_sendRawTransaction', [signed]);
}

/** Polls eth_getTransactionReceipt (the user's view); throws with the node's status of the transaction on timeout. */
async function receipt(r, hash) {
  for (const end = Date.now() + 20000; Date.now() < end;) {
    const rc = await r.provider.getTransactionReceipt(hash);
    if (rc) return rc;
    await new Promise((res) => setTimeout(res, 40));
  }
  const s = await r.provider.send('lockstep_getMessageStatus', [hash]);
  throw new Error(`no receipt for ${hash} on ${r.name}; status ${JSON.stringify(s)}`);
}

/** Polls lockstep_getMessageStatus until the transaction leaves `pending`. */
async function statusOf(r, hash) {
  for (const end = Date.now() + 20000; Date.now() < end;) {
    const s = await r.provider.send('lockstep_getMessageStatus', [hash]);
    if (s && s.status !== 'pending') return s;
    await new Promise((res) => setTimeout(res, 40));
  }
  throw new Error(`${hash} still pending on ${r.name}`);
}

/** Sends from an admin and requires a successful receipt (setup steps). */
async function adminSend(r, to, data) {
  const h = await send(r, admin, to, data);
  const rc = await receipt(r, h);
  if (!rc || rc.status !== 1) throw new Error(`admin tx ${h} on ${r.name} failed`);
  return rc;
}

/** Polls a few times that a transaction has no receipt (a rejected bundle is on no chain). */
async function assertNoReceipt(r, hash, what) {
  for (let i = 0; i < 5; i++) {
    const rc = await r.provider.getTransactionReceipt(hash);
    if (rc) return checks.ok(false, what, `receipt in block ${rc.blockNumber}`);
    await new Promise((res) => setTimeout(res, 60));
  }
  checks.ok(true, what);
}

/** Every value a rejected bundle must not touch. */
async function snapshot() {
  const s = { heads: [], lst: [], eth: [], counts: [] };
  for (const r of rollups) {
    s.lst.push(await lstBalance(r, user.address));
    s.eth.push(await r.provider.getBalance(user.address));
    const c = [];
    for (const o of rollups) if (o !== r) c.push(await read(r, 'outboxCount', [o.id], TREES), await read(r, 'inboxCount', [o.id], TREES));
    s.counts.push(c.join(','));
  }
  s.nonceA = await A.provider.getTransactionCount(user.address, 'latest');
  return s;
}

function sameSnapshot(before, after, what) {
  checks.eq(after.nonceA, before.nonceA, `${what}: user's nonce on A unchanged`);
  rollups.forEach((r, i) => {
    checks.eq(after.lst[i], before.lst[i], `${what}: user's LST on ${r.name} unchanged`);
    checks.eq(after.eth[i], before.eth[i], `${what}: user's ETH on ${r.name} unchanged (no fee)`);
    checks.eq(after.counts[i], before.counts[i], `${what}: outbox/inbox counts on ${r.name} unchanged`);
  });
}

/** Sends a user tx on A that must be rejected; checks the status, the reason, no receipt, nothing changed. */
async function expectRejected(what, to, data, reasonPattern, failedChain) {
  const before = await snapshot();
  const supply = await supplyOfSet();
  const h = await send(A, user.privateKey, to, data, { nonce: before.nonceA });
  const s = await statusOf(A, h);
  checks.eq(s.status, 'rejected', `${what}: status`);
  checks.ok(reasonPattern.test(s.reason ?? ''), `${what}: reason names the failure`, `reason ${JSON.stringify(s.reason)}`);
  if (failedChain !== undefined) checks.eq(BigInt(s.failedLeg?.chainId ?? -1), failedChain, `${what}: failed leg's chain`);
  await assertNoReceipt(A, h, `${what}: no receipt on A`);
  sameSnapshot(before, await snapshot(), what);
  checks.eq(await supplyOfSet(), supply, `${what}: LST supply over the set unchanged`);
  return { hash: h, nonce: before.nonceA };
}

const summary = {};
let probeB, probeC;

await checks.step('set up: devnet.json, probes deployed on B and C', async () => {
  checks.ok(rollups.length >= 2, 'at least two rollups');
  for (const r of rollups) checks.eq((await r.provider.getNetwork()).chainId, r.id, `${r.name} chain id`);
  checks.eq(ethers.computeAddress(admin).toLowerCase(), desc.devAccounts[0].address.toLowerCase(), 'dev key 0 matches its address');
  for (const [r, set] of [[B, (a) => { probeB = a; }], [C, (a) => { probeC = a; }]]) {
    if (!r) continue;
    const w = new ethers.Wallet(keyOf(2), r.provider);
    const c = await new ethers.ContractFactory(probeArtifact.abi, probeArtifact.bytecode, w).deploy();
    await c.waitForDeployment();
    set(await c.getAddress());
  }
});

await checks.step('1. canonical: burn LST on A, mint on B in the same superblock', async () => {
  const amount = 1000n;
  const supply0 = await supplyOfSet();
  const balA0 = await lstBalance(A, user.address);
  const nonce0 = await read(A, 'outboxCount', [B.id], TREES);
  const h = await send(A, user.privateKey, MINT_BURN, iface.encodeFunctionData('burn', [LST, amount, B.id, recipient]));
  const rc = await receipt(A, h);
  checks.eq(rc.status, 1, 'burn receipt status 1');
  const s = await statusOf(A, h);
  checks.eq(s.status, 'included', 'status included');
  checks.eq(BigInt(s.superblock), BigInt(rc.blockNumber), 'superblock = A block height');
  const legB = (s.legs ?? []).find((l) => BigInt(l.chainId) === B.id);
  checks.ok(legB !== undefined, 'a leg on B', JSON.stringify(s.legs));
  checks.eq((s.legs ?? []).length, 2, 'two legs (burn, mint)');
  checks.eq(legB.messageHash?.toLowerCase(), mintHash(A.id, B.id, nonce0, LST, user.address, recipient, amount), 'leg message hash = keccak of the MINT type (docs/protocol.md)');
  const rcB = await B.provider.getTransactionReceipt(legB.transactionHash);
  checks.eq(rcB?.status, 1, 'mint receipt on B status 1');
  checks.eq(rcB?.blockNumber, rc.blockNumber, 'mint in the B block of the same height');
  const txB = await B.provider.getTransaction(legB.transactionHash);
  checks.eq(txB?.from?.toLowerCase(), PROTOCOL_SENDER, 'mint sent by PROTOCOL_SENDER');
  checks.eq(txB?.type, 0x7f, 'mint is a protocol transaction (type 0x7F)');
  checks.eq(txB?.data, iface.encodeFunctionData('mint', [A.id, nonce0, LST, user.address, recipient, amount]), 'mint calldata as docs/protocol.md (selector 0xdf94b864)');
  const sb = await A.provider.send('lockstep_getSuperblock', [ethers.toQuantity(rc.blockNumber)]);
  const hashOn = (r) => sb.blocks.find((b) => BigInt(b.chainId) === r.id)?.hash;
  checks.eq(sb.blocks.length, rollups.length, 'superblock has one block per rollup');
  checks.eq(hashOn(A), rc.blockHash, 'superblock holds the burn block');
  checks.eq(hashOn(B), rcB.blockHash, 'superblock holds the mint block');
  const blkA = await A.provider.getBlock(rc.blockNumber), blkB = await B.provider.getBlock(rc.blockNumber);
  checks.eq(blkA.timestamp, blkB.timestamp, 'same timestamp on A and B');
  checks.eq(await lstBalance(A, user.address), balA0 - amount, 'A balance down by the amount');
  checks.eq(await lstBalance(B, recipient), amount, 'B recipient holds the amount');
  checks.eq(await supplyOfSet(), supply0, 'total LST supply over the set unchanged');
  // outboxRoot[B] on A == inboxRoot[A] on B at the documented slots, at this height, and proven.
  const tag = ethers.toQuantity(rc.blockNumber);
  const out = await A.provider.send('eth_getStorageAt', [TREES, outboxRootSlot(B.id), tag]);
  const inn = await B.provider.send('eth_getStorageAt', [TREES, inboxRootSlot(A.id), tag]);
  checks.ok(BigInt(out) !== 0n, 'outbox root non-zero');
  checks.eq(out, inn, 'outboxRoot[B] on A == inboxRoot[A] on B');
  checks.eq(await read(A, 'outboxRoot', [B.id], TREES, tag), out, 'slot agrees with the outboxRoot getter');
  for (const [r, slot, blk, expect] of [[A, outboxRootSlot(B.id), blkA, out], [B, inboxRootSlot(A.id), blkB, inn]]) {
    const p = await r.provider.send('eth_getProof', [TREES, [slot], tag]);
    const account = verifyMptProof(blk.stateRoot, TREES, p.accountProof);
    checks.ok(account !== null, `${r.name}: account proof of MessageTrees verifies against the block's stateRoot`);
    const storageRoot = ethers.decodeRlp(account)[2];
    checks.eq(storageRoot, p.storageHash, `${r.name}: storageHash matches the proven account`);
    const v = verifyMptProof(storageRoot, ethers.zeroPadValue(slot, 32), p.storageProof[0].proof);
    checks.eq(BigInt(ethers.decodeRlp(v)), BigInt(expect), `${r.name}: proven root slot value`);
  }
  summary.canonical = { tx: h, chainId: Number(A.id), block: rc.blockNumber, recipient, amount: amount.toString() };
});

await checks.step('2a. paused token on B: burn rejected, no trace, nonce reusable', async () => {
  await adminSend(B, LST, iface.encodeFunctionData('setPaused', [true]));
  const r = await expectRejected('paused', MINT_BURN, iface.encodeFunctionData('burn', [LST, 5n, B.id, user.address]), /^mint #\d+ from chain 901 to chain 902 \(depth 1\) failed: MintPaused\(\)$/, B.id);
  await adminSend(B, LST, iface.encodeFunctionData('setPaused', [false]));
  const h = await send(A, user.privateKey, MINT_BURN, iface.encodeFunctionData('burn', [LST, 5n, B.id, user.address]), { nonce: r.nonce });
  const rc = await receipt(A, h);
  checks.eq(rc?.status, 1, 'the same nonce works once unpaused');
  checks.eq((await statusOf(A, h)).status, 'included', 'and is included with its mint');
  summary.rejected = { tx: r.hash, chainId: Number(A.id) };
});

await checks.step('2b. mint cap on B: burn above the cap rejected', async () => {
  const supplyB = await read(B, 'totalSupply', []);
  await adminSend(B, LST, iface.encodeFunctionData('setMintCap', [supplyB + 10n]));
  await expectRejected('mint cap', MINT_BURN, iface.encodeFunctionData('burn', [LST, 11n, B.id, user.address]), /failed: MintCapExceeded\(/, B.id);
  await adminSend(B, LST, iface.encodeFunctionData('setMintCap', [0n]));
});

await checks.step('2c. reverting action target on B', async () => {
  const hits = await new ethers.Contract(probeB, probeArtifact.abi, B.provider).hits();
  await expectRejected('reverting target', MESSENGER, iface.encodeFunctionData('trigger', [B.id, probeB, probeIface.encodeFunctionData('fail'), 100000n]), /DevnetE2eProbe: refused/, B.id);
  checks.eq(await new ethers.Contract(probeB, probeArtifact.abi, B.provider).hits(), hits, 'probe untouched');
});

await checks.step('2d. out-of-gas action on B', async () => {
  const r = await expectRejected('out of gas', MESSENGER, iface.encodeFunctionData('trigger', [B.id, probeB, probeIface.encodeFunctionData('exhaust'), 60000n]), /^action #\d+ from chain \d+ to chain \d+ \(depth 1\) failed: reverted without a reason$/, B.id);
  // An out-of-gas target leaves empty revert data (docs/protocol.md, Deliveries); the hash is kept for the summary.
  checks.ok(r.hash.length === 66, 'out-of-gas rejection has a transaction hash');
});

await checks.step('2e. a burn the user cannot afford reverts on A and mints nothing', async () => {
  const bal = await lstBalance(A, user.address);
  const countB = await read(B, 'inboxCount', [A.id], TREES);
  const countA = await read(A, 'outboxCount', [B.id], TREES);
  const h = await send(A, user.privateKey, MINT_BURN, iface.encodeFunctionData('burn', [LST, bal + 1n, B.id, user.address]));
  const rc = await receipt(A, h);
  checks.eq(rc?.status, 0, 'receipt status 0');
  checks.eq(await lstBalance(A, user.address), bal, 'A balance unchanged');
  checks.eq(await read(A, 'outboxCount', [B.id], TREES), countA, 'nothing in the outbox');
  checks.eq(await read(B, 'inboxCount', [A.id], TREES), countB, 'nothing minted on B');
});

if (C) {
  await checks.step('3a. A -> B -> C actions in one superblock; messageSender and source correct', async () => {
    const pB = new ethers.Contract(probeB, probeArtifact.abi, B.provider), pC = new ethers.Contract(probeC, probeArtifact.abi, C.provider);
    const inner = probeIface.encodeFunctionData('record', [8n]);
    const outer = probeIface.encodeFunctionData('recordAndForward', [7n, C.id, probeC, inner, 100000n]);
    const h = await send(A, user.privateKey, MESSENGER, iface.encodeFunctionData('trigger', [B.id, probeB, outer, 400000n]));
    const rc = await receipt(A, h);
    checks.eq(rc?.status, 1, 'trigger receipt status 1');
    const s = await statusOf(A, h);
    checks.eq(s.status, 'included', 'included');
    checks.eq((s.legs ?? []).map((l) => `${BigInt(l.chainId)}@${BigInt(l.depth)}`).join(' '), `${A.id}@0 ${B.id}@1 ${C.id}@2`, 'legs A, B (depth 1), C (depth 2)');
    for (const leg of s.legs.slice(1)) {
      const r = rollups.find((x) => x.id === BigInt(leg.chainId));
      checks.eq((await r.provider.getTransactionReceipt(leg.transactionHash))?.blockNumber, rc.blockNumber, `leg on ${r.name} at the same height`);
    }
    checks.eq((await pB.lastSender()).toLowerCase(), user.address.toLowerCase(), 'B sees messageSender = user');
    checks.eq(await pB.lastSource(), A.id, 'B sees source = A');
    checks.eq(await pB.lastValue(), 7n, 'B got its value');
    checks.eq((await pC.lastSender()).toLowerCase(), probeB.toLowerCase(), 'C sees messageSender = the B probe');
    checks.eq(await pC.lastSource(), B.id, 'C sees source = B');
    checks.eq(await pC.lastValue(), 8n, 'C got its value');
    summary.chain = { tx: h, chainId: Number(A.id) };
  });

  await checks.step('3b. A -> B -> C with C failing: all or nothing', async () => {
    const pB = new ethers.Contract(probeB, probeArtifact.abi, B.provider), pC = new ethers.Contract(probeC, probeArtifact.abi, C.provider);
    const hitsB = await pB.hits(), hitsC = await pC.hits();
    const outer = probeIface.encodeFunctionData('recordAndForward', [9n, C.id, probeC, probeIface.encodeFunctionData('fail'), 100000n]);
    await expectRejected('C fails', MESSENGER, iface.encodeFunctionData('trigger', [B.id, probeB, outer, 400000n]), /DevnetE2eProbe: refused/, C.id);
    checks.eq(await pB.hits(), hitsB, 'B probe untouched');
    checks.eq(await pB.lastValue(), 7n, 'B probe keeps the earlier value');
    checks.eq(await pC.hits(), hitsC, 'C probe untouched');
  });
}

await checks.step('3c. replaying a delivered message fails (WrongNonce), the next nonce would pass', async () => {
  // eth_call lets us pose as PROTOCOL_SENDER: this isolates the nonce check from the sender check.
  const delivered = await read(B, 'inboxCount', [A.id], TREES);
  const args = (n) => iface.encodeFunctionData('mint', [A.id, n, LST, user.address, user.address, 1n]);
  let err;
  try { await call(B, MINT_BURN, args(delivered - 1n), PROTOCOL_SENDER); } catch (e) { err = e; }
  const parsed = err?.data ? iface.parseError(err.data) : null;
  checks.eq(parsed?.name, 'WrongNonce', 'replay of the last delivered mint reverts WrongNonce');
  checks.eq(parsed?.args?.[1], delivered, 'expected nonce = inbox count');
  await call(B, MINT_BURN, args(delivered), PROTOCOL_SENDER);
  checks.ok(true, 'the next nonce passes in eth_call');
});

await checks.step('3d. ETH: burnETH on A pays on B from the reserve in the same superblock', async () => {
  const amount = ethers.parseEther('1.5');
  const to = ethers.Wallet.createRandom().address;
  const reserveA = await A.provider.getBalance(MINT_BURN), reserveB = await B.provider.getBalance(MINT_BURN);
  const h = await send(A, user.privateKey, MINT_BURN, new ethers.Interface(['function burnETH(uint256 destination, address to) payable returns (uint256)']).encodeFunctionData('burnETH', [B.id, to]), { value: amount });
  const rc = await receipt(A, h);
  checks.eq(rc.status, 1, 'burnETH receipt status 1');
  checks.eq((await statusOf(A, h)).status, 'included', 'included with its mint');
  checks.eq(await B.provider.getBalance(to, rc.blockNumber), amount, 'recipient on B paid at the same height');
  checks.eq(await A.provider.getBalance(MINT_BURN), reserveA + amount, 'reserve on A up by the amount');
  checks.eq(await B.provider.getBalance(MINT_BURN), reserveB - amount, 'reserve on B down by the amount');
});

await checks.step('4a. messageSender cannot be faked: outside an action it reverts NotInAction', async () => {
  let err;
  try { await call(B, probeB, probeIface.encodeFunctionData('record', [1n]), user.address); } catch (e) { err = e; }
  checks.eq(err?.data?.slice(0, 10), ethers.id('NotInAction()').slice(0, 10), 'a direct call of the probe reverts with NotInAction()');
  const h = await send(B, user.privateKey, probeB, probeIface.encodeFunctionData('record', [1n]), { gas: 200000n });
  checks.eq((await receipt(B, h)).status, 0, 'the same as a transaction: status 0');
});

await checks.step('4. security: 0x7F refused; mint/action from an account revert OnlyProtocol', async () => {
  const fake = '0x7f' + ethers.encodeRlp([ethers.toBeHex(A.id), '0x', '0x0f4240', MINT_BURN, '0x', iface.encodeFunctionData('mint', [B.id, 0n, LST, user.address, user.address, 10n ** 24n])]).slice(2);
  const res = await rawRpc(A.rpc, 'eth_sendRawTransaction', [fake]);
  checks.ok(res.error !== undefined, '0x7F raw transaction refused', JSON.stringify(res));
  // geth's wording for a type the pool does not take (src/Lockstep.TxPool/README.md), code -32000.
  checks.eq(res.error?.code, -32000, '0x7F refusal code');
  checks.eq(res.error?.message, 'transaction type not supported', '0x7F refusal message');
  checks.eq(await A.provider.getTransaction(ethers.keccak256(fake)), null, 'the 0x7F transaction is nowhere');
  for (const [to, data, what] of [
    [MINT_BURN, iface.encodeFunctionData('mint', [B.id, 0n, LST, user.address, user.address, 1n]), 'mint'],
    [MESSENGER, iface.encodeFunctionData('action', [B.id, 0n, user.address, user.address, 50000n, '0x']), 'action']]) {
    let err;
    try { await call(A, to, data, user.address); } catch (e) { err = e; }
    const parsed = err?.data ? iface.parseError(err.data) : null;
    checks.eq(parsed?.name, 'OnlyProtocol', `${what} from an account: eth_call reverts OnlyProtocol`);
    const h = await send(A, user.privateKey, to, data, { gas: 300000n });
    checks.eq((await receipt(A, h))?.status, 0, `${what} from an account: receipt status 0`);
  }
});

await checks.step('5. after everything: outboxRoot(Y) on X == inboxRoot(X) on Y for every pair, at one superblock', async () => {
  const sb = await A.provider.send('lockstep_getSuperblock', ['latest']);
  const tag = sb.height;
  for (const r of rollups) checks.eq((await r.provider.getBlock(tag)).hash, sb.blocks.find((b) => BigInt(b.chainId) === r.id)?.hash, `${r.name} block at superblock ${BigInt(tag)}`);
  for (const x of rollups) for (const y of rollups) {
    if (x === y) continue;
    const out = await x.provider.send('eth_getStorageAt', [TREES, outboxRootSlot(y.id), tag]);
    const inn = await y.provider.send('eth_getStorageAt', [TREES, inboxRootSlot(x.id), tag]);
    checks.eq(out, inn, `outbox ${x.name}->${y.name} == inbox on ${y.name}`);
  }
});

if (summaryPath) {
  const heads = {};
  for (const r of rollups) {
    const b = await r.provider.getBlock('latest');
    heads[r.chainId] = { number: b.number, hash: b.hash, userLst: (await lstBalance(r, user.address)).toString(), userEth: (await r.provider.getBalance(user.address)).toString() };
  }
  summary.heads = heads; summary.user = user.address;
  summary.statuses = {};
  for (const k of ['canonical', 'rejected', 'chain']) if (summary[k]) summary.statuses[summary[k].tx] = (await A.provider.send('lockstep_getMessageStatus', [summary[k].tx]));
  writeFileSync(summaryPath, JSON.stringify(summary, null, 2));
}
checks.finish();
