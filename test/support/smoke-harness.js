'use strict';
// A minimal test harness for smoke runs on the oldest supported Node (12.16.1), which current mocha
// no longer runs. Node 12 syntax only. Prints each result and 'N passed, N failed'; writes the counts
// to VSE_TEST_SUMMARY (as the mocha summary reporter does) and exits 1 on any failure.
const fs = require('fs');

const tests = [];

function test(name, fn) {
  tests.push({ name: name, fn: fn });
}

async function run() {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const t of tests) {
    try {
      await t.fn();
      passed += 1;
      process.stdout.write('  ok   ' + t.name + '\n');
    } catch (error) {
      failed += 1;
      failures.push({
        title: t.name,
        error: String((error instanceof Error && error.message) || error).split('\n')[0],
      });
      process.stdout.write(
        '  FAIL ' +
          t.name +
          '\n       ' +
          String((error instanceof Error && error.stack) || error)
            .split('\n')
            .join('\n       ') +
          '\n',
      );
    }
  }
  process.stdout.write(passed + ' passed, ' + failed + ' failed\n');
  if (process.env.VSE_TEST_SUMMARY) {
    fs.writeFileSync(
      process.env.VSE_TEST_SUMMARY,
      JSON.stringify({ passed: passed, failed: failed, skipped: 0, failures: failures }),
    );
  }
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

module.exports = { test: test, run: run };
