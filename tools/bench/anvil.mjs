// Shared helpers for the anvil benchmarks: start anvil on a free loopback port, raw JSON-RPC, batched sends.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = path.resolve(here, '..');
export const MNEMONIC = 'test test test test test test test test test test test junk';

export function startAnvil(accounts) {
  const bin = path.join(tools, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--no-mining', '--accounts', String(accounts),
    '--disable-block-gas-limit', '--hardfork', 'cancun', '--mnemonic', MNEMONIC, '--base-fee', '1', '--order', 'fifo'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const m = out.match(/Listening on 127\.0\.0\.1:(\d+)/);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.on('exit', code => reject(new Error('anvil exited with ' + code)));
    setTimeout(() => reject(new Error('anvil did not start in 30 s')), 30000).unref();
  });
}

export async function rpc(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

export async function sendAll(url, raws) {
  for (let i = 0; i < raws.length; i += 500) {
    const batch = raws.slice(i, i + 500).map((r, j) => ({ jsonrpc: '2.0', id: i + j, method: 'eth_sendRawTransaction', params: [r] }));
    const res = await rpc(url, batch);
    const bad = res.find(r => r.error);
    if (bad) throw new Error('send failed: ' + JSON.stringify(bad.error));
  }
}

