// Shared helpers for the real-client scripts (ethers-dapp.mjs, viem-dapp.mjs, cast.mjs, proof-check.mjs).
// Packages come from tools/node_modules (one lock file for the whole repository), loaded with createRequire so
// these scripts need no package.json of their own.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (tests/js/../..). */
export const repoRoot = path.resolve(here, '..', '..');
/** require() that resolves packages from tools/node_modules. */
export const requireTool = createRequire(path.join(repoRoot, 'tools', 'package.json'));
const { ethers } = requireTool('ethers');
export { ethers };

/** The standard test mnemonic anvil, Hardhat and `lockstep node` fund (DESIGN.md, "Dev accounts"). */
export const MNEMONIC = 'test test test test test test test test test test test junk';
/** Chain id of anvil and of `lockstep node` by default. */
export const DEV_CHAIN_ID = 31337n;

/** Private key of dev account i (BIP-44 m/44'/60'/0'/0/i of {@link MNEMONIC}). */
export function devKey(i) {
  return ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey;
}

/** Loads contracts/artifacts/<name>.json. */
export function artifact(name) {
  return JSON.parse(readFileSync(path.join(repoRoot, 'contracts', 'artifacts', name + '.json'), 'utf8'));
}

/** Path of the anvil binary shipped by @foundry-rs/anvil-linux-amd64. */
export const anvilBin = path.join(repoRoot, 'tools', 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');

/** Path of the cast binary shipped by @foundry-rs/cast-linux-amd64. */
export const castBin = path.join(repoRoot, 'tools', 'node_modules', '@foundry-rs', 'cast-linux-amd64', 'bin', 'cast');

/**
 * Reads `<httpUrl> [wsUrl]` from argv; the WebSocket URL defaults to the HTTP one with a ws scheme
 * (anvil and `lockstep node` serve both on one port).
 */
export function endpoints() {
  const http = process.argv[2];
  if (!http) {
    console.error(`usage: node ${path.basename(process.argv[1])} <http-rpc-url> [ws-rpc-url]`);
    process.exit(2);
  }
  const ws = process.argv[3] ?? http.replace(/^http/, 'ws');
  return { http, ws };
}

/**
 * Collects assertion results. A step that throws is a failure and the script goes on with the next step,
 * so one run reports every gap at once; `finish()` exits 0 only if every assertion held.
 */
export class Checks {
  constructor(name) { this.name = name; this.failures = []; this.passed = 0; this.current = ''; }

  /** Records `cond`; `detail` (string or thunk) explains a failure. */
  ok(cond, what, detail) {
    if (cond) { this.passed++; return true; }
    const d = typeof detail === 'function' ? detail() : detail;
    this.failures.push(`[${this.current}] ${what}${d === undefined ? '' : ': ' + d}`);
    console.log(`  FAIL ${what}${d === undefined ? '' : ': ' + d}`);
    return false;
  }

  /** Strict equality with both values printed on failure (bigints, strings, numbers, booleans). */
  eq(actual, expected, what) {
    return this.ok(actual === expected, what, () => `expected ${fmt(expected)}, got ${fmt(actual)}`);
  }

  /** Runs one named step; an exception fails the step with its message (and the RPC error body when ethers has one). */
  async step(name, fn) {
    this.current = name;
    const t0 = Date.now();
    console.log(`- ${name}`);
    try {
      await withTimeout(fn(), 20000, name);
    } catch (e) {
      this.failures.push(`[${name}] threw: ${describeError(e)}`);
      console.log(`  FAIL threw: ${describeError(e)}`);
    }
    const ms = Date.now() - t0;
    if (ms > 5000) console.log(`  (took ${ms} ms)`);
  }

  /** Prints the summary and exits: 0 only when nothing failed. */
  finish() {
    console.log(`${this.name}: ${this.passed} assertions passed, ${this.failures.length} failed`);
    for (const f of this.failures) console.log('FAILED ' + f);
    process.exit(this.failures.length === 0 ? 0 : 1);
  }
}

function fmt(v) { return typeof v === 'bigint' ? v.toString() + 'n' : JSON.stringify(v); }

/** One line for an error: ethers' short message plus the JSON-RPC request/response it carries, if any. */
export function describeError(e) {
  if (!e) return String(e);
  let s = e.shortMessage ?? e.message ?? String(e);
  if (e.code) s += ` (code ${e.code})`;
  if (e.info?.error) s += ` rpc error ${JSON.stringify(e.info.error)}`;
  if (e.info?.payload) s += ` request ${JSON.stringify(e.info.payload).slice(0, 300)}`;
  if (e.details && !s.includes(e.details)) s += ` details: ${e.details}`;
  return s.slice(0, 1500);
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Raw JSON-RPC POST (no client library in between), returns the parsed response body. */
export async function rawRpc(url, method, params) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return res.json();
}

// ---------------------------------------------------------------------------------------------------------
// Merkle Patricia proof verification, written here from the Yellow Paper (appendix D) so that eth_getProof
// output is checked by code that shares nothing with the node under test: walk the proof from the root,
// every node referenced by hash must hash (keccak256 of its RLP) to the reference; nodes under 32 bytes are
// embedded in their parent. Returns the RLP-encoded value at `key`, or null for a valid proof of absence.
// ---------------------------------------------------------------------------------------------------------

/** Verifies `proof` (array of hex RLP nodes) for keccak-keyed `key` (hex) under `root` (hex); throws if invalid. */
export function verifyMptProof(root, key, proof) {
  const nibbles = toNibbles(ethers.keccak256(key));
  let pos = 0;
  let expectedHash = root.toLowerCase();
  let nodeIndex = 0;
  let node = null; // decoded current node

  const takeRef = (ref) => {
    // A 32-byte string is a hash reference to the next proof node; a list is an embedded node.
    if (Array.isArray(ref)) { node = ref; return; }
    if (ref === '0x') { node = null; return; }
    if (ethers.dataLength(ref) !== 32) throw new Error(`bad child reference ${ref}`);
    if (nodeIndex >= proof.length) throw new Error(`proof ends before node ${ref}`);
    const raw = proof[nodeIndex++];
    const h = ethers.keccak256(raw);
    if (h !== ref.toLowerCase()) throw new Error(`proof node ${nodeIndex - 1} hashes to ${h}, parent references ${ref}`);
    node = ethers.decodeRlp(raw);
  };

  if (proof.length === 0) {
    // Only the empty trie has an empty proof.
    if (expectedHash !== ethers.keccak256('0x80')) throw new Error('empty proof for a non-empty root');
    return null;
  }
  takeRef(expectedHash);
  for (;;) {
    if (node === null) return finish(null);
    if (!Array.isArray(node)) throw new Error('node is not a list');
    if (node.length === 17) {
      if (pos === nibbles.length) return finish(node[16] === '0x' ? null : node[16]);
      const child = node[nibbles[pos++]];
      takeRef(child);
      continue;
    }
    if (node.length === 2) {
      const { path: p, leaf } = decodeHexPrefix(node[0]);
      const rest = nibbles.slice(pos);
      if (leaf) {
        const match = p.length === rest.length && p.every((n, i) => n === rest[i]);
        return finish(match ? node[1] : null);
      }
      const prefix = p.length <= rest.length && p.every((n, i) => n === rest[i]);
      if (!prefix) return finish(null);
      pos += p.length;
      takeRef(node[1]);
      continue;
    }
    throw new Error(`node with ${node.length} items`);
  }

  function finish(value) {
    if (nodeIndex !== proof.length) throw new Error(`${proof.length - nodeIndex} unused proof node(s)`);
    return value;
  }
}

function toNibbles(hex) {
  const bytes = ethers.getBytes(hex);
  const out = [];
  for (const b of bytes) { out.push(b >> 4, b & 15); }
  return out;
}

function decodeHexPrefix(hex) {
  const n = toNibbles(hex);
  const flag = n[0];
  const leaf = flag >= 2;
  const odd = (flag & 1) === 1;
  return { leaf, path: odd ? n.slice(1) : n.slice(2) };
}

/** RLP bytes as an unsigned integer (empty = 0). */
export function rlpInt(hex) { return hex === '0x' ? 0n : BigInt(hex); }

/**
 * Checks one eth_getProof result against `stateRoot` with {@link verifyMptProof}: the account proof yields
 * exactly [nonce, balance, storageHash, codeHash] reported, and each storage proof yields its value under
 * storageHash. Records assertions in `checks`; returns the decoded account (or null if absent).
 */
export function checkProof(checks, stateRoot, proof, label) {
  const accountRlp = verifyMptProof(stateRoot, proof.address, proof.accountProof);
  const emptyRoot = ethers.keccak256('0x80');
  const emptyCode = ethers.keccak256('0x');
  let account;
  if (accountRlp === null) {
    account = { nonce: 0n, balance: 0n, storageHash: emptyRoot, codeHash: emptyCode };
    checks.ok(BigInt(proof.balance) === 0n && BigInt(proof.nonce) === 0n, `${label}: absent account reports zero balance/nonce`);
  } else {
    const [nonce, balance, storageHash, codeHash] = ethers.decodeRlp(accountRlp);
    account = { nonce: rlpInt(nonce), balance: rlpInt(balance), storageHash, codeHash };
    checks.eq(account.nonce, BigInt(proof.nonce), `${label}: proved nonce equals reported nonce`);
    checks.eq(account.balance, BigInt(proof.balance), `${label}: proved balance equals reported balance`);
    checks.eq(storageHash.toLowerCase(), proof.storageHash.toLowerCase(), `${label}: proved storageHash equals reported`);
    checks.eq(codeHash.toLowerCase(), proof.codeHash.toLowerCase(), `${label}: proved codeHash equals reported`);
  }
  for (const sp of proof.storageProof ?? []) {
    const slotKey = ethers.zeroPadValue(ethers.toBeHex(BigInt(sp.key)), 32);
    const valueRlp = verifyMptProof(account.storageHash, slotKey, sp.proof);
    const proved = valueRlp === null ? 0n : rlpInt(ethers.decodeRlp(valueRlp));
    checks.eq(proved, BigInt(sp.value), `${label}: storage slot ${sp.key} proved value equals reported value`);
  }
  return account;
}
