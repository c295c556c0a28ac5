#!/usr/bin/env node
'use strict';
// Builds dist/ (TypeScript) and the Windows addon (and, on Linux, the test simulator).
// On Linux: installs the cross toolchain when missing, then cross-builds with MinGW-w64 through cmake-js.
// On Windows: builds binding.gyp with node-gyp (MSVC), as a user's `npm install` would.
// Usage: node scripts/build.js [--ts-only]
const fs = require('fs');
const path = require('path');
const rig = require('./rig-paths');
const { runChecked } = require('./run-checked');

function run(command, args) {
  runChecked(command, args, { cwd: rig.repoRoot });
}

function buildTypeScript() {
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', rig.repoRoot]);
}

function buildNative() {
  if (process.platform === 'linux') {
    run(process.execPath, [path.join(__dirname, 'setup-rig.js'), '--quiet']);
    run(process.execPath, [
      require.resolve('cmake-js/bin/cmake-js'),
      'build',
      '--log-level',
      'warn',
      '--generator',
      'Ninja',
      '--out',
      'build',
      `--CDCMAKE_TOOLCHAIN_FILE=${path.join(rig.repoRoot, 'cmake', 'mingw-w64-x86_64.cmake')}`,
      `--CDWINE_IDL_DIR=${rig.wineIdlDir}`,
    ]);
    // The prebuildify layout that node-gyp-build loads from an installed package (build/ is not shipped).
    // The shipped binary is stripped of its symbols and DWARF sections (about 60% of its size); they stay beside the
    // build as <addon>.debug, which the stripped binary names (.gnu_debuglink), so a crash dump can be read.
    const prebuildDir = path.join(rig.repoRoot, 'prebuilds', 'win32-x64');
    const debugFile = `${rig.addonBuildPath}.debug`;
    fs.mkdirSync(prebuildDir, { recursive: true });
    run('x86_64-w64-mingw32-objcopy', ['--only-keep-debug', rig.addonBuildPath, debugFile]);
    run('x86_64-w64-mingw32-objcopy', [
      '--strip-all',
      `--add-gnu-debuglink=${debugFile}`,
      rig.addonBuildPath,
      path.join(prebuildDir, 'virtual-server-events.napi.node'),
    ]);
  } else if (process.platform === 'win32') {
    run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild']);
  } else {
    throw new Error(`the addon is Windows-only and this rig cross-builds it from Linux, not ${process.platform}`);
  }
}

try {
  buildTypeScript();
  if (!process.argv.includes('--ts-only')) buildNative();
} catch (error) {
  process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
