'use strict';
// Mocha reporter for scripts/test.js: the usual spec output, plus the run's counts and the titles of its
// failed tests written as JSON to the file named by VSE_TEST_SUMMARY, so the runner can total every layer
// (Linux and Windows node alike) and name each failure in its last lines, which is what a CI log keeps.
const fs = require('fs');
const Mocha = require('mocha');

function firstLine(error) {
  return String((error && error.message) || error).split('\n')[0];
}

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on('fail', (test, error) => {
      failures.push({ title: test.fullTitle(), error: firstLine(error) });
    });
    runner.once('end', () => {
      const file = process.env.VSE_TEST_SUMMARY;
      if (!file) return;
      const { passes, pending } = this.stats;
      fs.writeFileSync(
        file,
        JSON.stringify({ passed: passes, failed: this.stats.failures, skipped: pending, failures }),
      );
    });
  }
}

module.exports = SummaryReporter;
