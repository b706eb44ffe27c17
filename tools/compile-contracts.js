#!/usr/bin/env node
// Compiles every contracts/src/**/*.sol (or one folder with --only <folder>) with solc-js into contracts/artifacts/<Name>.json
// ({contractName, sourceName, abi, bytecode, deployedBytecode}). With --check, compiles in memory and
// fails (exit 1) when a committed artifact differs, so a stale artifact cannot pass the test suite.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..', 'contracts');
const srcDir = path.join(root, 'src');
const outDir = path.join(root, 'artifacts');
const check = process.argv.includes('--check');
// --only <folder under contracts/src>: compile just that subtree (lets people work on separate folders at once).
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1].replace(/\/+$/, '') + '/' : null;

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.sol') ? [path.join(dir, e.name)] : []);
}

const sources = {};
for (const file of walk(srcDir).sort()) {
  const rel = path.relative(srcDir, file);
  if (only === null || rel.startsWith(only)) sources[rel] = { content: fs.readFileSync(file, 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

function findImports(p) {
  for (const base of [srcDir, path.join(__dirname, 'node_modules')]) {
    const full = path.join(base, p);
    if (fs.existsSync(full)) return { contents: fs.readFileSync(full, 'utf8') };
  }
  return { error: 'not found: ' + p };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter(e => e.severity === 'error');
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}

let stale = 0;
if (!check) fs.mkdirSync(outDir, { recursive: true });
for (const [sourceName, contracts] of Object.entries(output.contracts)) {
  if (!Object.prototype.hasOwnProperty.call(sources, sourceName)) continue; // libraries pulled in by import
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = {
      contractName: name,
      sourceName,
      compiler: 'solc-js ' + solc.version(),
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    const text = JSON.stringify(artifact, null, 2) + '\n';
    const file = path.join(outDir, name + '.json');
    if (check) {
      const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (old !== text) { console.error('stale artifact: ' + path.relative(root, file)); stale++; }
    } else {
      fs.writeFileSync(file, text);
      console.log('wrote ' + path.relative(path.resolve(root, '..'), file));
    }
  }
}
if (stale) { console.error(stale + ' artifact(s) out of date: run node tools/compile-contracts.js'); process.exit(1); }
if (check) console.log('contract artifacts are up to date');
