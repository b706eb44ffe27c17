#!/usr/bin/env node
// eth_sendRawTransaction load generator for docs/benchmarks.md ("JSON-RPC: eth_sendRawTransaction throughput").
// Pre-signs TXS EIP-1559 value transfers from SENDERS dev accounts of the standard mnemonic (ethers Wallet, done
// before the clock starts), then pushes them through eth_sendRawTransaction over CONCURRENCY keep-alive HTTP
// connections, either one transaction per request (--mode single) or BATCH per JSON-RPC batch (--mode batch).
// Reports accepted tx/s, request latency p50/p99, rejections (with the first few errors), and how long the node
// then took to include everything (eth_getTransactionCount "latest" of every sender).
// Usage: node tools/bench/rpc-send.mjs --url http://127.0.0.1:8545 [--name lockstep] [--txs 20000] [--senders 100]
//        [--concurrency 16] [--mode single|batch] [--batch 100] [--json] [--sign-only]
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { ethers } = createRequire(path.join(here, '..', 'package.json'))('ethers');
const MNEMONIC = 'test test test test test test test test test test test junk';

const opt = (name, def) => { const i = process.argv.indexOf('--' + name); return i >= 0 ? process.argv[i + 1] : def; };
const URL_ = opt('url');
if (!URL_) { console.error('usage: node rpc-send.mjs --url <http-rpc-url> [--txs N] [--senders S] [--concurrency C] [--mode single|batch] [--batch B]'); process.exit(2); }
const NAME = opt('name', URL_);
const TXS = Number(opt('txs', 20000));
const SENDERS = Number(opt('senders', 100));
const CONCURRENCY = Number(opt('concurrency', 16));
const MODE = opt('mode', 'single');
const BATCH = Number(opt('batch', 100));
const asJson = process.argv.includes('--json');

const target = new URL(URL_);
const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });
let agent = newAgent();

/** One POST on the keep-alive agent; resolves with the parsed body. */
function post(body) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(body);
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': data.length } }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        try { resolve(JSON.parse(text)); } catch { reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`)); }
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}
const call = async (method, params) => {
  const r = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
  if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.result;
};

const chainId = BigInt(await call('eth_chainId', []));
const root = ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0");
const wallets = Array.from({ length: SENDERS }, (_, i) => root.deriveChild(i));
const nonces = await Promise.all(wallets.map(w => call('eth_getTransactionCount', [w.address, 'pending']).then(BigInt)));
const balances = await Promise.all(wallets.map(w => call('eth_getBalance', [w.address, 'latest']).then(BigInt)));
const poor = wallets.filter((_, i) => balances[i] < 10n ** 18n);
if (poor.length) { console.error(`${poor.length} of ${SENDERS} senders are unfunded (first ${poor[0].address}): start the node with --accounts ${SENDERS}`); process.exit(1); }

// Pre-sign outside the measured window. Each transfer goes to its own fresh address (no hot recipient account).
// Senders that all start at the same nonce (0 on a fresh node, 50 after one 10,000-transfer round of 200 senders)
// get byte-identical transactions every time, so they are cached in the temp dir between runs.
const firstNonce = nonces[0];
const fresh = nonces.every(n => n === firstNonce);
const cacheFile = path.join(os.tmpdir(), `lockstep-rpc-send-${chainId}-${SENDERS}-${TXS}${firstNonce === 0n ? '' : '-from' + firstNonce}.json`);
const t0sign = performance.now();
let raws = [];
if (fresh && existsSync(cacheFile)) raws = JSON.parse(readFileSync(cacheFile, 'utf8'));
else {
  const perSender = Math.ceil(TXS / SENDERS);
  const fee = { type: 2, chainId, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, gasLimit: 21000n };
  for (let k = 0; k < perSender && raws.length < TXS; k++)
    for (let s = 0; s < SENDERS && raws.length < TXS; s++) {
      const to = ethers.zeroPadValue(ethers.toBeHex(0x20000000n + BigInt(raws.length)), 20);
      // Signing through the wallet's SigningKey directly: Wallet.signTransaction would resolve ENS/addresses per call.
      const tx = ethers.Transaction.from({ ...fee, nonce: Number(nonces[s]) + k, to, value: 1n });
      tx.signature = wallets[s].signingKey.sign(tx.unsignedHash);
      raws.push(tx.serialized);
    }
  if (fresh) writeFileSync(cacheFile, JSON.stringify(raws));
}
const signSeconds = (performance.now() - t0sign) / 1000;
// --sign-only: fill the cache and stop (rpc-side-by-side.sh WARMUP=1 signs the measured round outside its window).
if (process.argv.includes('--sign-only')) { agent.destroy(); process.exit(0); }
// Fresh connections for the measured phase: signing can keep the idle ones unused for longer than the server's
// keep-alive timeout (Kestrel: 130 s) on a loaded machine, and reusing a socket the server is closing fails with
// "socket hang up" (seen on a second run against the same node, which signs instead of reading the cache).
agent.destroy();
agent = newAgent();

// Requests in submission order: nonce k of every sender before nonce k+1 of any, so no sender's transactions
// arrive far out of order (at most CONCURRENCY requests are in flight).
const requests = [];
if (MODE === 'batch') {
  for (let i = 0; i < raws.length; i += BATCH)
    requests.push({ count: Math.min(BATCH, raws.length - i),
      body: JSON.stringify(raws.slice(i, i + BATCH).map((r, j) => ({ jsonrpc: '2.0', id: i + j, method: 'eth_sendRawTransaction', params: [r] }))) });
} else {
  raws.forEach((r, i) => requests.push({ count: 1, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [r] }) }));
}

const latencies = new Float64Array(requests.length);
let accepted = 0, rejected = 0, next = 0;
const errors = new Map();
const start = performance.now();
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= requests.length) return;
    const t = performance.now();
    let res;
    try { res = await post(requests[i].body); } catch (e) { rejected += requests[i].count; note(e.message); continue; }
    latencies[i] = performance.now() - t;
    for (const r of Array.isArray(res) ? res : [res]) {
      if (r.error) { rejected++; note(JSON.stringify(r.error)); } else accepted++;
    }
  }
}
function note(msg) { errors.set(msg, (errors.get(msg) ?? 0) + 1); }
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const seconds = (performance.now() - start) / 1000;

// Inclusion: wait (at most 120 s) until every sender's latest nonce reached what was sent.
const expected = wallets.map((_, s) => nonces[s] + BigInt(raws.filter((_, i) => i % SENDERS === s).length));
const t0inc = performance.now();
let included = false;
while (performance.now() - t0inc < 120000) {
  const got = await Promise.all(wallets.map(w => call('eth_getTransactionCount', [w.address, 'latest']).then(BigInt)));
  if (got.every((n, s) => n >= expected[s])) { included = true; break; }
  await new Promise(r => setTimeout(r, 100));
}
const includeSeconds = (performance.now() - start) / 1000;

const sorted = Array.from(latencies).sort((a, b) => a - b);
const pct = p => sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
const result = {
  node: NAME, mode: MODE, batch: MODE === 'batch' ? BATCH : 1, txs: raws.length, senders: SENDERS, concurrency: CONCURRENCY,
  accepted, rejected, seconds: +seconds.toFixed(3), acceptedPerSecond: Math.round(accepted / seconds),
  latencyMsP50: +pct(50).toFixed(2), latencyMsP99: +pct(99).toFixed(2),
  allIncluded: included, includedPerSecond: included ? Math.round(raws.length / includeSeconds) : null,
  signSeconds: +signSeconds.toFixed(1),
};
agent.destroy();
if (asJson) console.log(JSON.stringify(result));
else {
  console.log(`${NAME} ${MODE}${MODE === 'batch' ? ' x' + BATCH : ''}: ${accepted}/${raws.length} accepted in ${seconds.toFixed(2)} s = ${result.acceptedPerSecond} tx/s; ` +
    `request latency p50 ${result.latencyMsP50} ms, p99 ${result.latencyMsP99} ms; ` +
    (included ? `all included after ${includeSeconds.toFixed(2)} s (${result.includedPerSecond} tx/s end to end)` : 'NOT all included within 120 s'));
}
for (const [msg, n] of [...errors].slice(0, 5)) console.error(`  ${n} x ${msg.slice(0, 300)}`);
process.exit(rejected === 0 && included ? 0 : 1);
