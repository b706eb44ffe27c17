#!/usr/bin/env node
// The dapp flow of ethers-dapp.mjs with viem's public and wallet clients over http and webSocket transports:
// chain id, ETH transfer, quick sends relying on the node's pending nonce, ERC20 deploy, simulate + write,
// receipts and event decoding, getLogs / getContractEvents by topic, gas estimation, revert decoding
// (require string, custom error, panic), watchBlocks and watchContractEvent over eth_subscribe, getProof.
// Usage: node tests/js/viem-dapp.mjs <http-url> [ws-url]   (exit 0 only when every assertion held)
import { requireTool, Checks, endpoints, devKey, artifact, DEV_CHAIN_ID, checkProof, withTimeout, ethers } from './lib.mjs';

const viem = requireTool('viem');
const { privateKeyToAccount, generatePrivateKey } = requireTool('viem/accounts');
const { http: httpTransport, webSocket, createPublicClient, createWalletClient, defineChain, parseEther, parseAbiItem,
  ContractFunctionRevertedError, BaseError, keccak256, encodeAbiParameters, pad, toHex, getContractAddress, decodeErrorResult } = viem;

const { http, ws } = endpoints();
const c = new Checks('viem-dapp');
const chain = defineChain({ id: Number(DEV_CHAIN_ID), name: 'dev', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [http], webSocket: [ws] } } });
const pub = createPublicClient({ chain, transport: httpTransport(http), pollingInterval: 100, cacheTime: 0 });
const alice = privateKeyToAccount(devKey(2));
const bob = privateKeyToAccount(devKey(3));
const wallet = createWalletClient({ chain, account: alice, transport: httpTransport(http) });
const bobWallet = createWalletClient({ chain, account: bob, transport: httpTransport(http) });
const art = artifact('ClientTestToken');
const abi = art.abi;
const SUPPLY = 1_000_000n * 10n ** 18n;
let token, deployReceipt, transferReceipt;

await c.step('chain id, block number, balance', async () => {
  c.eq(await pub.getChainId(), Number(DEV_CHAIN_ID), 'getChainId');
  const bn = await pub.getBlockNumber();
  c.ok(bn >= 0n, 'getBlockNumber', bn);
  c.ok(await pub.getBalance({ address: alice.address }) > parseEther('1000'), 'dev account 2 funded');
  const gp = await pub.getGasPrice();
  c.ok(gp > 0n, 'getGasPrice > 0', gp);
  const fees = await pub.estimateFeesPerGas();
  c.ok(fees.maxFeePerGas > 0n && fees.maxPriorityFeePerGas >= 0n, 'estimateFeesPerGas (EIP-1559)', JSON.stringify(fees, (k, v) => typeof v === 'bigint' ? v.toString() : v));
});

await c.step('ETH transfer and receipt', async () => {
  const to = privateKeyToAccount(generatePrivateKey()).address;
  const hash = await wallet.sendTransaction({ to, value: 777n });
  const r = await pub.waitForTransactionReceipt({ hash, timeout: 15000 });
  c.eq(r.status, 'success', 'status');
  c.eq(r.from.toLowerCase(), alice.address.toLowerCase(), 'from');
  c.eq(r.to?.toLowerCase(), to.toLowerCase(), 'to');
  c.eq(r.gasUsed, 21000n, 'gasUsed');
  c.eq(r.type, 'eip1559', 'type');
  c.ok(r.effectiveGasPrice > 0n, 'effectiveGasPrice');
  c.eq(await pub.getBalance({ address: to }), 777n, 'recipient balance');
  const tx = await pub.getTransaction({ hash });
  c.eq(tx.blockHash, r.blockHash, 'getTransaction blockHash');
  c.eq(tx.from.toLowerCase(), alice.address.toLowerCase(), 'getTransaction from');
  const block = await pub.getBlock({ blockNumber: r.blockNumber, includeTransactions: true });
  c.ok(block.transactions.some(t => t.hash === hash), 'full block contains the transaction');
  const byHash = await pub.getBlock({ blockHash: r.blockHash });
  c.eq(byHash.number, r.blockNumber, 'getBlock by hash');
  c.eq(await pub.getBlockTransactionCount({ blockNumber: r.blockNumber }), block.transactions.length, 'getBlockTransactionCount');
});

await c.step('several quick sends using the pending nonce', async () => {
  const start = await pub.getTransactionCount({ address: bob.address, blockTag: 'pending' });
  const to = privateKeyToAccount(generatePrivateKey()).address;
  const hashes = [];
  // viem asks eth_getTransactionCount(pending) before each send: the node must count its own pool.
  for (let i = 0; i < 4; i++) hashes.push(await bobWallet.sendTransaction({ to, value: 10n }));
  const receipts = await Promise.all(hashes.map(hash => pub.waitForTransactionReceipt({ hash, timeout: 15000 })));
  c.ok(receipts.every(r => r.status === 'success'), 'all succeeded');
  const txs = await Promise.all(hashes.map(hash => pub.getTransaction({ hash })));
  c.eq(txs.map(t => t.nonce).join(','), [0, 1, 2, 3].map(i => start + i).join(','), 'consecutive nonces');
  c.eq(await pub.getBalance({ address: to }), 40n, 'recipient got all four');
});

await c.step('deploy the ERC20 and read it', async () => {
  const nonce = await pub.getTransactionCount({ address: alice.address });
  const hash = await wallet.deployContract({ abi, bytecode: art.bytecode, args: [SUPPLY] });
  deployReceipt = await pub.waitForTransactionReceipt({ hash, timeout: 15000 });
  c.eq(deployReceipt.status, 'success', 'deploy status');
  token = deployReceipt.contractAddress;
  c.eq(token?.toLowerCase(), getContractAddress({ from: alice.address, nonce: BigInt(nonce) }).toLowerCase(), 'contractAddress = CREATE address');
  c.eq(await pub.getCode({ address: token }), art.deployedBytecode, 'getCode');
  c.eq(await pub.readContract({ address: token, abi, functionName: 'symbol' }), 'CTT', 'symbol');
  c.eq(await pub.readContract({ address: token, abi, functionName: 'balanceOf', args: [alice.address] }), SUPPLY, 'balanceOf deployer');
});

await c.step('estimate, simulate, write a transfer, decode its event', async () => {
  const amount = 3n * 10n ** 18n;
  const gas = await pub.estimateContractGas({ address: token, abi, functionName: 'transfer', args: [bob.address, amount], account: alice });
  c.ok(gas > 21000n && gas < 100000n, 'estimateContractGas in range', gas);
  const { request, result } = await pub.simulateContract({ address: token, abi, functionName: 'transfer', args: [bob.address, amount], account: alice });
  c.eq(result, true, 'simulated transfer returns true');
  const hash = await wallet.writeContract(request);
  transferReceipt = await pub.waitForTransactionReceipt({ hash, timeout: 15000 });
  c.eq(transferReceipt.status, 'success', 'status');
  c.ok(transferReceipt.gasUsed <= gas, 'gasUsed <= estimate');
  const events = viem.parseEventLogs({ abi, logs: transferReceipt.logs });
  c.eq(events.length, 1, 'one event');
  c.eq(events[0]?.eventName, 'Transfer', 'event name');
  c.eq(events[0]?.args?.to?.toLowerCase(), bob.address.toLowerCase(), 'event to');
  c.eq(events[0]?.args?.value, amount, 'event value');
  c.eq(events[0]?.logIndex, 0, 'logIndex');
  c.eq(await pub.readContract({ address: token, abi, functionName: 'balanceOf', args: [bob.address] }), amount, 'bob balance');
});

await c.step('getLogs and getContractEvents by topic', async () => {
  const event = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');
  const fromAlice = await pub.getLogs({ address: token, event, args: { from: alice.address }, fromBlock: deployReceipt.blockNumber, toBlock: 'latest' });
  c.eq(fromAlice.length, 1, 'one Transfer from alice');
  c.eq(fromAlice[0]?.transactionHash, transferReceipt.transactionHash, 'it is the transfer');
  c.eq(fromAlice[0]?.args?.value, 3n * 10n ** 18n, 'decoded value');
  const all = await pub.getContractEvents({ address: token, abi, eventName: 'Transfer', fromBlock: deployReceipt.blockNumber });
  c.eq(all.length, 2, 'mint + transfer');
  const toNobody = await pub.getLogs({ address: token, event, args: { to: '0x000000000000000000000000000000000000dEaD' }, fromBlock: deployReceipt.blockNumber });
  c.eq(toNobody.length, 0, 'no Transfer to 0xdead');
});

await c.step('revert decoding', async () => {
  let err = await revertOf(() => pub.simulateContract({ address: token, abi, functionName: 'setMarker', args: [0n], account: alice }));
  c.eq(err?.reason, 'marker must be nonzero', 'require reason');
  err = await revertOf(() => pub.readContract({ address: token, abi, functionName: 'failCustom', args: [500n], account: alice.address }));
  c.eq(err?.data?.errorName, 'LimitExceeded', 'custom error name');
  c.eq(err?.data?.args?.[1], 500n, 'custom error requested');
  c.eq(err?.data?.args?.[2], 100n, 'custom error limit');
  err = await revertOf(() => pub.simulateContract({ address: token, abi, functionName: 'transfer', args: [alice.address, 10n ** 30n], account: bob }));
  c.eq(err?.data?.errorName, 'ERC20InsufficientBalance', 'OpenZeppelin custom error');
  err = await revertOf(() => pub.readContract({ address: token, abi, functionName: 'add', args: [2n ** 256n - 1n, 1n] }));
  c.eq(err?.data?.errorName, 'Panic', 'panic');
  c.eq(err?.data?.args?.[0], 0x11n, 'panic code 0x11');
  // estimateContractGas must fail with the same reason (wallets estimate before sending).
  try {
    await pub.estimateContractGas({ address: token, abi, functionName: 'setMarker', args: [0n], account: alice });
    c.ok(false, 'estimateContractGas of a reverting call throws');
  } catch (e) {
    const r = e instanceof BaseError ? e.walk(x => x instanceof ContractFunctionRevertedError) : null;
    c.eq(r?.reason, 'marker must be nonzero', 'estimateContractGas revert reason');
  }
});

await c.step('webSocket transport: watchBlocks and watchContractEvent', async () => {
  const wsClient = createPublicClient({ chain, transport: webSocket(ws, { retryCount: 0 }) });
  try {
    c.eq(await wsClient.getChainId(), Number(DEV_CHAIN_ID), 'chain id over webSocket');
    const blocks = [];
    let resolveBlock, resolveLog;
    const blockSeen = new Promise(r => { resolveBlock = r; });
    const logSeen = new Promise(r => { resolveLog = r; });
    // poll: false makes viem use eth_subscribe("newHeads") / ("logs") instead of polling.
    const unwatchBlocks = wsClient.watchBlocks({ poll: false, onBlock: b => { blocks.push(b); resolveBlock(); }, onError: e => c.ok(false, 'watchBlocks error', e.shortMessage ?? e.message) });
    const unwatchLogs = wsClient.watchContractEvent({ address: token, abi, eventName: 'MarkerSet', poll: false, onLogs: logs => resolveLog(logs), onError: e => c.ok(false, 'watchContractEvent error', e.shortMessage ?? e.message) });
    await new Promise(r => setTimeout(r, 500));
    const hash = await wallet.writeContract({ address: token, abi, functionName: 'setMarker', args: [99n] });
    const r = await pub.waitForTransactionReceipt({ hash, timeout: 15000 });
    await withTimeout(blockSeen, 10000, 'newHeads over webSocket');
    // The head carrying the transaction may be announced just after its receipt is readable.
    await withTimeout((async () => { while (!blocks.some(b => b.number >= r.blockNumber)) await new Promise(x => setTimeout(x, 20)); })(), 10000, `newHeads up to block ${r.blockNumber}`);
    const announced = blocks.find(b => b.number === r.blockNumber);
    c.ok(announced !== undefined, 'the block with the transaction was announced', JSON.stringify(blocks.map(b => String(b.number))));
    c.eq(announced?.hash, r.blockHash, 'announced head hash equals the receipt blockHash');
    const logs = await withTimeout(logSeen, 10000, 'logs over webSocket');
    c.eq(logs[0]?.transactionHash, hash, 'MarkerSet log delivered');
    c.eq(logs[0]?.args?.value, 99n, 'MarkerSet value decoded');
    unwatchBlocks();
    unwatchLogs();
  } finally {
    await wsClient.transport.getRpcClient?.().then(rc => rc.close()).catch(() => {});
  }
});

await c.step('getProof against the state root', async () => {
  const block = await pub.getBlock({ blockTag: 'latest' });
  const balSlot = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [bob.address, 0n]));
  const proof = await pub.getProof({ address: token, storageKeys: [balSlot, pad(toHex(5))], blockNumber: block.number });
  checkProof(c, block.stateRoot, proof, 'token');
  c.eq(proof.storageProof[0].value, await pub.readContract({ address: token, abi, functionName: 'balanceOf', args: [bob.address], blockNumber: block.number }), 'proved balance slot equals balanceOf');
  c.eq(proof.storageProof[1].value, 99n, 'proved marker slot');
  const eoa = await pub.getProof({ address: alice.address, storageKeys: [], blockNumber: block.number });
  const acct = checkProof(c, block.stateRoot, eoa, 'alice');
  c.eq(acct.balance, await pub.getBalance({ address: alice.address, blockNumber: block.number }), 'proved EOA balance equals getBalance');
});

await c.step('fee history', async () => {
  const fh = await pub.getFeeHistory({ blockCount: 3, rewardPercentiles: [50] });
  c.eq(fh.baseFeePerGas.length, 4, 'baseFeePerGas entries');
  c.eq(fh.reward?.length, 3, 'reward entries');
});

c.finish();

async function revertOf(fn) {
  try {
    await fn();
    c.ok(false, 'expected a revert');
    return null;
  } catch (e) {
    const r = e instanceof BaseError ? e.walk(x => x instanceof ContractFunctionRevertedError) : null;
    if (!r) c.ok(false, 'error is a ContractFunctionRevertedError', e.shortMessage ?? e.message);
    return r;
  }
}
