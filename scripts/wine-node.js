#!/usr/bin/env node
'use strict';
// Runs a JS file (or any node arguments) with an official Windows node.exe under the rig's Wine prefix,
// with stdout/stderr working on pipes and the exit code preserved.
// Usage: node scripts/wine-node.js [--node=main|newest|oldest|<version>] <node args...>
//        npm run wine -- [--node=...] some-file.js
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const rig = require('./rig-paths');

function resolveVersion(selector) {
  return rig.nodeVersions.roles[selector] || selector;
}

// Windows node sees the Linux root as drive Z:.
function toWindowsPath(unixPath) {
  return 'Z:' + path.resolve(unixPath).replace(/\//g, '\\');
}

function windowsNodeCommand(selector, nodeArgs) {
  const version = resolveVersion(selector || process.env.VSE_WINDOWS_NODE || 'main');
  const exe = rig.windowsNodeExe(version);
  if (!fs.existsSync(exe)) {
    throw new Error(`Windows node ${version} is not installed at ${exe}: run "node scripts/setup-rig.js"`);
  }
  const preload = toWindowsPath(path.join(__dirname, 'wine-stdio-preload.js'));
  return { version, command: 'wine', args: [exe, '-r', preload, ...nodeArgs] };
}

// Spawns Windows node and returns the child. options go to child_process.spawn; options.env holds only
// the variables to add to the rig's Wine environment.
function spawnWindowsNode(selector, nodeArgs, options = {}) {
  const { command, args } = windowsNodeCommand(selector, nodeArgs);
  return spawn(command, args, Object.assign({ stdio: 'inherit' }, options, { env: rig.wineEnv(options.env) }));
}

async function main(argv) {
  let selector;
  const nodeArgs = [];
  for (const arg of argv) {
    if (arg.startsWith('--node=') && nodeArgs.length === 0) selector = arg.slice('--node='.length);
    else nodeArgs.push(arg);
  }
  if (nodeArgs.length > 0 && fs.existsSync(nodeArgs[0])) nodeArgs[0] = toWindowsPath(nodeArgs[0]);
  const child = spawnWindowsNode(selector, nodeArgs);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {});
  const { status, signal } = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve({ status: code, signal: sig }));
  });
  process.exit(status === null ? (signal === 'SIGINT' ? 130 : 1) : status);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`wine-node: ${error.message}\n`);
    process.exit(1);
  });
}

module.exports = { spawnWindowsNode, windowsNodeCommand, toWindowsPath, resolveVersion };
