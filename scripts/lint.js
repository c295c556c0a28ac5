#!/usr/bin/env node
'use strict';
// `npm run lint`: ESLint (lib/ with type information, scripts/ and test/), prettier (TS, JS, JSON,
// Markdown), clang-format (the C++ of native/, the simulator and the test fixtures) and TypeScript's
// check of the JS of test/ and scripts/ against lib/'s types (tsconfig.test.json, after tsc has written
// dist/*.d.ts), each checked with the version package-lock.json pins. `npm run format` (`--fix`) rewrites what they would change.
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
  // The tests see lib/ through dist/*.d.ts: tsc -p tsconfig.json writes them, then the tests are checked
  // (the steps run in turn, the first that fails ends the check). --fix has nothing to fix here.
  {
    name: 'typescript (tests and scripts)',
    hint: 'type errors are fixed by hand',
    steps: [
      [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'],
      [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.test.json'],
    ],
  },
];

let failed = 0;
const failures = [];
for (const { name, args, steps = [args], hint = 'npm run format fixes layout' } of checks) {
  /** @type {number | null} null when a signal ended the step */
  let status = 0;
  for (const step of steps) {
    status = spawnSync(process.execPath, step, { cwd: repoRoot, stdio: 'inherit' }).status;
    if (status !== 0) break;
  }
  const ok = status === 0;
  if (!ok) {
    failed += 1;
    failures.push({ title: `lint: ${name}`, error: `exit ${status}` });
  }
  process.stdout.write(`lint: ${name} ${ok ? 'clean' : `found problems (exit ${status}); ${hint}`}\n`);
}
if (process.env.VSE_TEST_SUMMARY) {
  const summary = { passed: checks.length - failed, failed, skipped: 0, failures };
  fs.writeFileSync(process.env.VSE_TEST_SUMMARY, JSON.stringify(summary));
}
process.exit(failed > 0 ? 1 : 0);
