#!/usr/bin/env node
'use strict';
// npm's install step. On Windows, node-gyp-build loads the shipped prebuilt addon or, failing that,
// builds binding.gyp with the local MSVC toolchain. Elsewhere there is nothing native to build: the
// addon is Windows-only, and the Linux rig cross-builds it with `npm run build`.
if (process.platform !== 'win32') process.exit(0);
const { spawnSync } = require('child_process');
const result = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
