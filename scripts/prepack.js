#!/usr/bin/env node
'use strict';
// npm's prepack step (`npm pack`, `npm publish`): the package ships dist/ and the prebuilt Windows addon,
// neither of which is in git. Refuses to pack without prebuilds/win32-x64/*.node (a package without it
// would build with MSVC at every user's install, or fail there), then builds dist/ afresh from lib/
// (TypeScript only): dist/ is emptied first, so no output of a file since deleted is shipped, and
// compiled without source maps, since the package leaves dist/**/*.map out (`files`) and a
// sourceMappingURL comment would name a file that is not there.
const fs = require('fs');
const path = require('path');
const { runChecked } = require('./run-checked');

const repoRoot = path.resolve(__dirname, '..');
const prebuildDir = path.join(repoRoot, 'prebuilds', 'win32-x64');

function fail(message) {
  process.stderr.write(`prepack: ${message}\n`);
  process.exit(1);
}

const prebuilds = fs.existsSync(prebuildDir) ? fs.readdirSync(prebuildDir).filter((f) => f.endsWith('.node')) : [];
if (prebuilds.length === 0) {
  fail(
    'prebuilds/win32-x64/*.node is missing, and the package must ship the prebuilt Windows x64 addon. ' +
      'Build it first: `npm run build` (on Linux it cross-builds the addon with MinGW-w64; on Windows, ' +
      'node-gyp with MSVC), then pack again.',
  );
}

try {
  fs.rmSync(path.join(repoRoot, 'dist'), { recursive: true, force: true });
  runChecked(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', repoRoot, '--sourceMap', 'false', '--declarationMap', 'false'],
    { cwd: repoRoot },
  );
} catch (error) {
  fail(`building dist/ failed: ${error instanceof Error ? error.message : String(error)}`);
}
