#!/usr/bin/env node
// Foundry's cast (from @foundry-rs/cast-linux-amd64) against a node: chain-id, block-number, balance, nonce,
// send (value transfer, contract creation, contract call) with --private-key, receipt, call, estimate, logs,
// block, code and proof (verified against the state root by lib.mjs's independent verifier).
// Usage: node tests/js/cast.mjs <http-url>   (exit 0 only when every assertion held)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ethers, Checks, endpoints, devKey, artifact, DEV_CHAIN_ID, castBin, checkProof } from './lib.mjs';

const run = promisify(execFile);
const { http } = endpoints();
const c = new Checks('cast');
const key = devKey(4);
const me = new ethers.Wallet(key).address;
const bob = new ethers.Wallet(devKey(5)).address;
const art = artifact('ClientTestToken');
let token, deployBlock;

/** Runs cast with --rpc-url, returns trimmed stdout; a non-zero exit throws with cast's stderr. */
async function cast(verb, ...args) {
  // Options go right after the verb: `send --create CODE ARGS...` takes every later word as an argument.
  args = [verb, '--rpc-url', http, ...args];
  try {
    const { stdout } = await run(castBin, args, { timeout: 20000, env: { ...process.env, FOUNDRY_DISABLE_NIGHTLY_WARNING: '1' } });
    return stdout.trim();
  } catch (e) {
    const err = new Error(`cast ${args.join(' ').slice(0, 200)} failed: ${(e.stderr || e.message).trim().slice(0, 800)}`);
    err.stderr = e.stderr ?? '';
    throw err;
  }
}
const castJson = async (verb, ...args) => JSON.parse(await cast(verb, '--json', ...args));

await c.step('chain-id, block-number, balance, nonce, gas-price', async () => {
  c.eq(BigInt(await cast('chain-id')), DEV_CHAIN_ID, 'cast chain-id');
  const bn = await cast('block-number');
  c.ok(/^\d+$/.test(bn), 'cast block-number prints a decimal number', bn);
  const bal = BigInt(await cast('balance', me));
  c.ok(bal > 1000n * 10n ** 18n, 'cast balance of dev account 4', bal);
  c.ok(/^\d+$/.test(await cast('nonce', me)), 'cast nonce prints a number');
  c.ok(BigInt(await cast('gas-price')) > 0n, 'cast gas-price > 0');
});

await c.step('send value, then receipt', async () => {
  const to = ethers.Wallet.createRandom().address;
  const r = await castJson('send', '--private-key', key, to, '--value', '123456789');
  c.eq(r.status, '0x1', 'send --json receipt status');
  c.eq(BigInt(await cast('balance', to)), 123456789n, 'recipient balance');
  const again = await castJson('receipt', r.transactionHash);
  c.eq(again.blockHash, r.blockHash, 'cast receipt blockHash');
  c.eq(BigInt(again.gasUsed), 21000n, 'cast receipt gasUsed');
  c.eq(again.from.toLowerCase(), me.toLowerCase(), 'cast receipt from');
  const field = await cast('receipt', r.transactionHash, 'status');
  c.ok(/^(1|0x1|true|success)$/.test(field), 'cast receipt <hash> status', field);
  const tx = await castJson('tx', r.transactionHash);
  c.eq(BigInt(tx.value), 123456789n, 'cast tx value');
});

await c.step('deploy with send --create, call, estimate, send a transfer', async () => {
  const args = ethers.AbiCoder.defaultAbiCoder().encode(['uint256'], [10n ** 24n]).slice(2);
  const r = await castJson('send', '--private-key', key, '--create', art.bytecode + args);
  c.eq(r.status, '0x1', 'create status');
  token = ethers.getAddress(r.contractAddress);
  deployBlock = BigInt(r.blockNumber);
  c.eq(await cast('code', token), art.deployedBytecode, 'cast code');
  c.eq(await cast('call', token, 'symbol()(string)'), '"CTT"', 'cast call symbol()');
  const bal = (await cast('call', token, 'balanceOf(address)(uint256)', me)).split(' ')[0];
  c.eq(BigInt(bal), 10n ** 24n, 'cast call balanceOf');
  const est = BigInt(await cast('estimate', '--from', me, token, 'transfer(address,uint256)', bob, '1000'));
  c.ok(est > 21000n && est < 100000n, 'cast estimate in range', est);
  const t = await castJson('send', '--private-key', key, token, 'transfer(address,uint256)', bob, '1000');
  c.eq(t.status, '0x1', 'transfer status');
  c.eq(t.logs?.length, 1, 'transfer receipt has one log');
  const bobBal = (await cast('call', token, 'balanceOf(address)(uint256)', bob)).split(' ')[0];
  c.eq(BigInt(bobBal), 1000n, 'bob token balance');
});

await c.step('revert reason through cast call and cast estimate', async () => {
  for (const verb of ['call', 'estimate']) {
    try {
      await cast(verb, '--from', me, token, 'setMarker(uint256)', '0');
      c.ok(false, `cast ${verb} of a reverting call fails`);
    } catch (e) {
      c.ok(/marker must be nonzero/.test(e.stderr), `cast ${verb} prints the revert reason`, e.stderr?.trim().slice(0, 300));
    }
  }
});

await c.step('logs by event signature and topic', async () => {
  const logs = await castJson('logs', '--from-block', String(deployBlock), '--to-block', 'latest', '--address', token,
    'Transfer(address indexed from, address indexed to, uint256 value)');
  c.eq(logs.length, 2, 'mint and transfer');
  const toBob = await castJson('logs', '--from-block', String(deployBlock), '--address', token,
    'Transfer(address indexed from, address indexed to, uint256 value)', '', bob);
  c.eq(toBob.length, 1, 'filtered by the `to` topic');
  c.eq(BigInt(toBob[0]?.data ?? '0x0'), 1000n, 'log data');
});

await c.step('node info and block-indexed lookups', async () => {
  c.ok((await cast('client')).length > 0, 'cast client (web3_clientVersion) prints a name');
  c.eq(JSON.parse(await cast('rpc', 'net_version')), DEV_CHAIN_ID.toString(), 'net_version is the chain id in decimal');
  c.eq(JSON.parse(await cast('rpc', 'eth_syncing')), false, 'eth_syncing is false');
  c.ok(BigInt(await cast('base-fee')) > 0n, 'cast base-fee');
  const r = await castJson('send', '--private-key', key, bob, '--value', '1');
  const bySlot = JSON.parse(await cast('rpc', 'eth_getTransactionByBlockNumberAndIndex', r.blockNumber, r.transactionIndex));
  c.eq(bySlot?.hash, r.transactionHash, 'eth_getTransactionByBlockNumberAndIndex finds it');
  const count = JSON.parse(await cast('rpc', 'eth_getBlockTransactionCountByHash', r.blockHash));
  c.ok(BigInt(count) >= 1n, 'eth_getBlockTransactionCountByHash counts it', count);
  const ts = BigInt((await castJson('block', r.blockNumber)).timestamp);
  c.ok(ts > 1_600_000_000n && ts < BigInt(Math.floor(Date.now() / 1000) + 60), 'block timestamp is wall-clock seconds', ts);
});

await c.step('block and proof', async () => {
  const block = await castJson('block', 'latest');
  c.ok(/^0x[0-9a-f]{64}$/.test(block.stateRoot), 'cast block has stateRoot', block.stateRoot);
  const parent = await castJson('block', String(BigInt(block.number) - 1n));
  c.eq(block.parentHash, parent.hash, 'parentHash links');
  const balSlot = ethers.keccak256(ethers.concat([ethers.zeroPadValue(bob, 32), ethers.zeroPadValue('0x00', 32)]));
  const p = await castJson('proof', token, balSlot, '--block', String(BigInt(block.number)));
  checkProof(c, block.stateRoot, p, 'token');
  c.eq(BigInt(p.storageProof[0].value), 1000n, 'proved balance slot');
});

c.finish();
