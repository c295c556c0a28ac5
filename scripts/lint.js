#!/usr/bin/env node
'use strict';
// `npm run lint`: ESLint (lib/ with type information, scripts/ and test/), prettier (TS, JS, JSON,
// Markdown) and clang-format (the C++ of native/, the simulator and the test fixtures), each checked
// with the version package-lock.json pins. `npm run format` (`--fix`) rewrites what they would change.
// Exits 1 when any check finds something. `npm test` runs it first, counting each check as a test in the
// summary file VSE_TEST_SUMMARY names.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const repoRoot = path.resolve(__dirname, '..');
const fix = process.argv.includes('--fix');
const cppRoots = ['native', path.join('test', 'simulator'), path.join('test', 'windows', 'fixtures')];
const cppFile = /\.(cc|h)$/;
const skippedDirs = new Set(['node_modules', 'build', 'dist']);

function bin(pkg, file) {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function cppFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory() && !skippedDirs.has(entry.name)) found.push(...cppFiles(relative));
    else if (entry.isFile() && cppFile.test(entry.name)) found.push(relative);
  }
  return found;
}

const checks = [
  { name: 'eslint', args: [bin('eslint', 'bin/eslint.js'), '.', ...(fix ? ['--fix'] : [])] },
  {
    name: 'prettier',
    args: [bin('prettier', 'bin/prettier.cjs'), fix ? '--write' : '--check', '--log-level', 'warn', '.'],
  },
  {
    name: 'clang-format',
    args: [
      bin('@wasm-fmt/clang-format', 'clang-format-cli.cjs'),
      ...(fix ? ['-i'] : ['--dry-run', '--Werror']),
      ...cppRoots.flatMap(cppFiles),
    ],
  },
];

let failed = 0;
const failures = [];
for (const { name, args } of checks) {
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  const ok = run.status === 0;
  if (!ok) {
    failed += 1;
    failures.push({ title: `lint: ${name}`, error: `exit ${run.status}` });
  }
  process.stdout.write(
    `lint: ${name} ${ok ? 'clean' : `found problems (exit ${run.status}); npm run format fixes layout`}\n`,
  );
}
if (process.env.VSE_TEST_SUMMARY) {
  const summary = { passed: checks.length - failed, failed, skipped: 0, failures };
  fs.writeFileSync(process.env.VSE_TEST_SUMMARY, JSON.stringify(summary));
}
process.exit(failed > 0 ? 1 : 0);
