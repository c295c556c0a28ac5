'use strict';
// The vsevents bad-input table (bad-input-cli-table.js): each row runs the CLI plainly and under NODE_DEBUG.
const assert = require('assert');
const { rows, problemsOf } = require('./bad-input-cli-table');

describe(`vsevents bad input (${rows.length} rows)`, () => {
  for (const row of rows) {
    it(String(row[0]), () => {
      assert.deepStrictEqual(problemsOf(row), []);
    });
  }
});
