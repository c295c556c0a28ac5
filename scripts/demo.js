#!/usr/bin/env node
'use strict';
// `npm run demo` until the live demo lands: builds everything and prints the addon's self-check
// under Windows node (Wine on Linux).
const { spawnSync } = require('child_process');
const path = require('path');

const build = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const check = 'const b = require(process.argv[1]).loadBinding(); console.log(`virtual-server-events addon ${b.addonVersion} loaded in Windows node ${process.version} (Node-API ${b.napiVersion})`)';
const bindingModule = path.join(__dirname, '..', 'dist', 'binding.js');
const args = process.platform === 'win32' ? ['-e', check, bindingModule] : [path.join(__dirname, 'wine-node.js'), '-e', check, require('./wine-node').toWindowsPath(bindingModule)];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status === null ? 1 : run.status);
