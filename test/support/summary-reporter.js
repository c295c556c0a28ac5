'use strict';
// Mocha reporter for scripts/test.js: the usual spec output, plus the run's counts written as JSON to the
// file named by VSE_TEST_SUMMARY, so the runner can total every layer (Linux and Windows node alike).
const fs = require('fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.VSE_TEST_SUMMARY;
      if (!file) return;
      const { passes, failures, pending } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

module.exports = SummaryReporter;
