'use strict';
// The bad-input table (bad-input-table.js): each row at the call, then the whole table once more under
// NODE_DEBUG=virtual-server-events, whose trace must show what happened and never a credential.
const assert = require('assert');
const { spawnSync } = require('child_process');
const path = require('path');
const { rows, secrets, problemsOf } = require('./bad-input-table');

describe(`bad input (${rows.length} rows)`, () => {
  for (const row of rows) {
    it(String(row[0]), async () => {
      assert.deepStrictEqual(await problemsOf(row), []);
    });
  }

  it('NODE_DEBUG traces the whole table without a credential', function () {
    this.timeout(60000);
    const script = `require(${JSON.stringify(path.join(__dirname, 'bad-input-table.js'))}).runAll()
      .then((result) => process.stdout.write(JSON.stringify(result)))`;
    const child = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: Object.assign({}, process.env, { NODE_DEBUG: 'virtual-server-events' }),
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.strictEqual(child.status, 0, child.stderr.slice(-2000));
    const result = JSON.parse(child.stdout);
    assert.deepStrictEqual(result, { rows: rows.length, problems: [] });
    assert.match(child.stderr, /connecting to Virtual Server on host "vshost01"/);
    assert.match(child.stderr, /connecting to Virtual Server on host "vshost01": The RPC server is unavailable/);
    assert.match(child.stderr, /closed the connection to Virtual Server on host "vshost01"/);
    for (const secret of secrets) assert.ok(!child.stderr.includes(secret), `the trace shows ${secret}`);
  });
});
