'use strict';
// What the bench and the stress runner record of a run (scripts/run-record.js): the commit, from git or,
// where git cannot be run (Windows node under Wine), from the files of .git; the command line and the
// variables that change a run, and no others; and --keep's file names.
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runRecord, keepResults, commitFromFiles, gitDir, KEPT_NAME } = require('../../scripts/run-record.js');

const repoRoot = path.join(__dirname, '..', '..');
/** HEAD as git says, or null where this checkout has no git to ask. */
function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return null;
  }
}

describe('what a results file records of its run (scripts/run-record.js)', function () {
  this.timeout(10000);

  it("reads HEAD's commit from the files of .git as git does", function () {
    const head = gitHead();
    if (head === null) this.skip();
    assert.strictEqual(commitFromFiles(gitDir()), head);
  });

  it('tells the commit without git, as under Wine', function () {
    const head = gitHead();
    if (head === null) this.skip();
    const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(
      path.join(repoRoot, 'scripts', 'run-record.js'),
    )}).runRecord('bench', { keep: true })))`;
    const record = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { PATH: '', SystemRoot: process.env.SystemRoot },
      }),
    );
    assert.strictEqual(record.commit, head.slice(0, 7));
    assert.ok(!('dirty' in record), 'without git, whether tracked files changed is unknown, so not said');
  });

  it('records the command line, the variables that change a run and no others, and the machine', () => {
    const saved = { argv: process.argv, env: { ...process.env } };
    try {
      process.argv = [process.argv[0], 'test/bench/run.js', '--quick', '--keep'];
      process.env.VSE_SIMULATOR_BUILD = 'vtable';
      process.env.VSEVENTS_PASSWORD_VS02 = 'secret';
      process.env.VSE_WINE_VERSION = 'wine-10.0 (Debian 10.0~repack-6), Debian 13 chroot';
      const record = runRecord('bench', { keep: false });
      assert.deepStrictEqual(record.command, { argv: ['--quick', '--keep'], env: { VSE_SIMULATOR_BUILD: 'vtable' } });
      assert.strictEqual(record.wine, 'wine-10.0 (Debian 10.0~repack-6), Debian 13 chroot');
      assert.strictEqual(record.kind, 'bench');
      assert.ok(record.machine.cpus > 0 && record.machine.totalMemoryMb > 0 && record.machine.os);
      assert.match(record.date, /^\d{4}-\d{2}-\d{2}T/);
      assert.ok(!JSON.stringify(record).includes('secret'));
      delete process.env.VSE_WINE_VERSION;
      assert.ok(!('wine' in runRecord('bench', { keep: false })), 'no Wine named where none was said');
    } finally {
      process.argv = saved.argv;
      for (const name of Object.keys(process.env)) if (!(name in saved.env)) delete process.env[name];
      Object.assign(process.env, saved.env);
    }
  });

  it('keeps a run as <kind>-<date>-<commit>.json, and -2 when that name is taken', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-keep-'));
    try {
      const results = { kind: 'stress', date: '2026-12-08T23:59:59.000Z', commit: 'abc1234' };
      const first = keepResults(results, '{"a":1}\n', dir);
      const second = keepResults(results, '{"a":2}\n', dir);
      assert.strictEqual(path.basename(first), 'stress-2026-12-08-abc1234.json');
      assert.strictEqual(path.basename(second), 'stress-2026-12-08-abc1234-2.json');
      assert.ok(KEPT_NAME.test(path.basename(second)));
      assert.strictEqual(fs.readFileSync(first, 'utf8'), '{"a":1}\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
