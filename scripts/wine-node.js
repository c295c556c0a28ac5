#!/usr/bin/env node
'use strict';
// Runs a JS file (or any node arguments) with an official Windows node.exe under Wine, with
// stdout/stderr working on pipes and the exit code preserved. Each Node runs under the Wine that can
// start it (scripts/wines.js): the system Wine, or Wine 10 from the Debian 13 chroot for Node >= 24.
// Usage: node scripts/wine-node.js [--node=main|newest|oldest|<version>|<major>] <node args...>
//        npm run wine -- [--node=...] some-file.js
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const rig = require('./rig-paths');
const { toWindowsPath } = rig;
const { wineFor } = require('./wines');

// A role of windows-node-versions.json, a pinned version, or a major ('26': the pinned build of that line).
function resolveVersion(selector) {
  const pinned = Object.keys(rig.nodeVersions.integrity);
  const version =
    rig.nodeVersions.roles[selector] || pinned.find((v) => v === selector || v.split('.')[0] === selector);
  if (!version) {
    throw new Error(
      `no pinned Windows node matches "${selector}": use a role (${Object.keys(rig.nodeVersions.roles).join(', ')}), ` +
        `a version or a major of ${pinned.join(', ')}, or pin another in scripts/windows-node-versions.json`,
    );
  }
  return version;
}

// How to run Windows node `selector` with `nodeArgs`: { version, wine, command, args }; spawn it with
// wine.env() as its environment.
function windowsNodeCommand(selector, nodeArgs) {
  const version = resolveVersion(selector || process.env.VSE_WINDOWS_NODE || 'main');
  const exe = rig.windowsNodeExe(version);
  if (!fs.existsSync(exe)) {
    throw new Error(`Windows node ${version} is not installed at ${exe}: run "node scripts/setup-rig.js"`);
  }
  const wine = wineFor(version);
  const preload = toWindowsPath(path.join(__dirname, 'wine-stdio-preload.js'));
  return Object.assign({ version, wine }, wine.command('wine', [toWindowsPath(exe), '-r', preload, ...nodeArgs]));
}

// Spawns Windows node and returns the child. options go to child_process.spawn; options.env holds only
// the variables to add to the Wine's environment. VSE_WINE_VERSION tells the child which Wine runs it
// (the bench and the stress runner record it: scripts/run-record.js), where that Wine can say.
/**
 * @param {string | undefined} selector
 * @param {string[]} nodeArgs
 * @param {import('child_process').SpawnOptions} [options]
 */
function spawnWindowsNode(selector, nodeArgs, options = {}) {
  const { wine, command, args } = windowsNodeCommand(selector, nodeArgs);
  const description = wine.description();
  const env = Object.assign(description === null ? {} : { VSE_WINE_VERSION: description }, options.env);
  return spawn(command, args, { stdio: 'inherit', ...options, env: wine.env(env) });
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

module.exports = { spawnWindowsNode, windowsNodeCommand, resolveVersion };
