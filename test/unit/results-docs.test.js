'use strict';
// docs/performance.md and docs/reliability.md are what scripts/results-docs.js makes of the kept results
// of docs/results/, so they cannot drift from them; the generator renders every figure from a results file
// (here the hand-written fixtures of test/unit/fixtures/results/, which follow what the runners write), and
// refuses a malformed file, saying which and why.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { renderDocs, readResults, PAGES } = require('../../scripts/results-docs.js');
const { table } = require('../bench/table.js');

const repoRoot = path.join(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures', 'results');
const benchFixture = 'bench-2000-01-01-0000000.json';

/** @param {string} file */
const readFixture = (file) => JSON.parse(fs.readFileSync(path.join(fixtures, file), 'utf8'));

describe('docs generated from results files (scripts/results-docs.js)', function () {
  this.timeout(20000); // prettier's first load

  it('docs/performance.md and docs/reliability.md are what docs/results/ makes', async () => {
    const pages = await renderDocs();
    for (const page of [PAGES.performance, PAGES.reliability]) {
      assert.strictEqual(
        fs.readFileSync(path.join(repoRoot, page), 'utf8'),
        pages[page],
        `${page} is not what docs/results/ makes: run node scripts/results-docs.js`,
      );
    }
  });

  it('says plainly when no run is kept', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-results-'));
    try {
      const pages = await renderDocs(empty);
      assert.match(pages[PAGES.performance], /No kept bench run exists yet/);
      assert.match(pages[PAGES.reliability], /No kept stress campaign exists yet/);
      assert.doesNotMatch(pages[PAGES.performance], /\| measure/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("the bench fixture's table is the one test/bench/table.js makes of it", () => {
    const bench = readFixture(benchFixture);
    assert.deepStrictEqual(bench.table, table(bench));
  });

  describe('from the fixtures', () => {
    /** @type {Record<string, string>} */
    let pages;
    before(async () => {
      pages = await renderDocs(fixtures);
    });

    it('names the commit, date, machine and command of the run, and that it is a fixture', () => {
      const page = pages[PAGES.performance];
      assert.match(page, /hand-written fixture, not a measurement/);
      assert.match(page, /Commit: `0000000`/);
      assert.match(page, /Date: 2000-01-01T10:00:00.000Z; the run took 600 s/);
      assert.match(page, /Command: `VSE_SIMULATOR_BUILD=dispatch npm run bench -- --keep`/);
      assert.match(page, /2 CPUs \(Fixture CPU\), 4,096 MB of memory, Windows 10 Pro/);
      assert.match(page, /Wine: wine-10.0 \(fixture\), Debian 13 chroot/);
      assert.match(page, /\[bench-2000-01-01-0000000.json\]\(results\/bench-2000-01-01-0000000.json\)/);
    });

    it('shows each row with its medians and ratio from the file, and what it measured', () => {
      const page = pages[PAGES.performance];
      const bench = readFixture(benchFixture);
      for (const row of bench.table) {
        assert.ok(page.includes(`**${row.measure}**: ${row.what}`), `no note for ${row.measure}`);
      }
      // The one-thread-hop row: the file's medians and its own ratio, never one worked out here.
      assert.match(page, /\| property reads\/s: API vs one-thread-hop addon +\| 3,200 +\| 3,000 +\| 0\.94 +\|/);
      assert.match(page, /consumer keeping up \(MB\)[^\n]*delivered 1,000,000/);
      assert.match(page, /consumer falling behind \(MB\)[^\n]*delivered 6,000 \(5,000 to 7,000\); dropped 994,000/);
    });

    it('shows the newest full campaign, and the reduced one as such', () => {
      const page = pages[PAGES.reliability];
      assert.match(page, /## The full campaign of 2000-01-02/);
      assert.match(page, /## Not the full campaign: reduced size, 2000-01-03/);
      assert.match(page, /Command: `npm run test:stress -- --reduced --keep`/);
      assert.match(page, /\| crash +\| 50 +\| 50 +\| 49 +\|/);
      assert.match(page, /vtable, run 7: `Error: the VM stream ended 1200 ms after the crash \(bound 1000\)`/);
      assert.match(page, /- `vmEndMs`: ms from the crash to the end of the VM stream/);
      assert.match(page, /`rssMbSamples`, dispatch: 200, 210.5, 214, 215/);
      assert.ok(page.indexOf('2000-01-02') < page.indexOf('2000-01-03'), 'the full campaign comes first');
    });
  });

  describe('refuses a malformed file', () => {
    /** @type {string} */
    let dir;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-results-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /**
     * Writes the bench fixture into `dir`, changed by `change`, under `name`.
     * @param {(results: any) => void} change @param {string} [name]
     */
    function writeBench(change, name = benchFixture) {
      const results = readFixture(benchFixture);
      change(results);
      fs.writeFileSync(path.join(dir, name), JSON.stringify(results));
    }

    it('that is not JSON', async () => {
      fs.writeFileSync(path.join(dir, benchFixture), '{"kind": "bench",');
      await assert.rejects(renderDocs(dir), {
        name: 'MalformedResults',
        message: /^bench-2000-01-01-0000000\.json: not JSON/,
      });
    });

    it('whose name is not <kind>-<date>-<commit>.json', async () => {
      writeBench(() => undefined, 'bench-latest.json');
      await assert.rejects(
        renderDocs(dir),
        /bench-latest\.json: not named <bench\|stress>-<YYYY-MM-DD>-<short commit>\.json/,
      );
    });

    it('without a commit, or with one its name does not say', async () => {
      writeBench((results) => delete results.commit);
      assert.throws(() => readResults(dir), /bench-2000-01-01-0000000\.json: "commit" is undefined, not a string/);
      writeBench((results) => (results.commit = 'abcdef1'));
      assert.throws(() => readResults(dir), /its name says 0000000, its "commit" abcdef1/);
    });

    it('of another format', async () => {
      writeBench((results) => (results.format = 0));
      assert.throws(() => readResults(dir), /format 0: this generator reads format 1/);
    });

    it('whose table names a figure the file does not have', async () => {
      writeBench((results) => (results.table[0].ratio = ['outOfProcess.noSuchRatio']));
      assert.throws(
        () => readResults(dir),
        /table\[0\] \("out of process, burst of 5,000 \(events\/s\)"\) names "outOfProcess\.noSuchRatio", which is no figure/,
      );
    });

    it('a stress campaign whose case says not what it is', async () => {
      const stress = readFixture('stress-2000-01-03-0000000.json');
      delete stress.cases[1].what;
      fs.writeFileSync(path.join(dir, 'stress-2000-01-03-0000000.json'), JSON.stringify(stress));
      assert.throws(
        () => readResults(dir),
        /stress-2000-01-03-0000000\.json: "cases\[1\]\.what" is undefined, not a string/,
      );
    });
  });
});
