'use strict';
// Every ```js / ```ts block of README.md and docs/API.md runs as written (test/support/doc-examples.js
// says how blocks are marked): each compiles as the CommonJS module a user would save it as (no top-level
// await), fragments compile inside an async function, and those that need no Virtual Server run here, in
// a fresh folder where the package is installed: scripts with node, mocha files with mocha. Scripts that
// need a host run in test/windows/doc-examples.test.js against the simulator.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const vm = require('vm');
const docs = require('../support/doc-examples');

const examples = docs.allExamples();
const mochaBin = path.join(docs.repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');

describe('the code examples of README.md and docs/API.md', function () {
  this.timeout(60000);
  const dirs = [];

  after(function () {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are found: scripts, a mocha file and fragments in README.md, scripts in docs/API.md', function () {
    const readme = examples.filter((e) => e.document === 'README.md');
    const api = examples.filter((e) => e.document === 'docs/API.md');
    assert.ok(readme.filter((e) => e.kind !== 'fragment').length >= 3, examples.map((e) => e.name).join('\n'));
    assert.strictEqual(readme.filter((e) => e.kind === 'mocha').length, 1);
    assert.ok(api.filter((e) => e.needsHost && e.kind !== 'fragment').length >= 3);
  });

  it('every marker names a known kind and comes right before a ```js or ```ts block', function () {
    for (const document of docs.documents) {
      for (const { line, kind, block } of docs.parse(document).markers) {
        assert.ok(docs.kinds.includes(kind), `${document}:${line}: unknown kind "${kind}" (${docs.kinds.join(', ')})`);
        assert.ok(block, `${document}:${line}: the marker is not followed by a js or ts block`);
      }
    }
  });

  it('a script or mocha file compiles as a CommonJS module (no top-level await)', function () {
    for (const example of examples.filter((e) => e.kind !== 'fragment')) {
      assert.doesNotThrow(
        () => new vm.Script(Module.wrap(docs.javaScriptOf(example)), { filename: example.name }),
        `${example.name} is not a CommonJS module as written: wrap it in async function main()`,
      );
    }
  });

  it('a fragment compiles inside an async function', function () {
    for (const example of examples.filter((e) => e.kind === 'fragment')) {
      const wrapped = `(async function fragment() {\n${docs.javaScriptOf(example)}\n})`;
      assert.doesNotThrow(() => new vm.Script(wrapped, { filename: example.name }), example.name);
    }
  });

  for (const example of examples.filter((e) => !e.needsHost && e.kind !== 'fragment')) {
    it(`${example.name} runs in a project that installed the package`, function () {
      const { dir, file } = docs.projectFor(example, os.tmpdir());
      dirs.push(dir);
      const args = example.kind === 'mocha' ? [mochaBin, '--reporter', 'dot', path.basename(file)] : [file];
      const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 50000 });
      const output = `${run.stdout}${run.stderr}`;
      assert.strictEqual(run.status, 0, output);
      if (example.kind === 'mocha') assert.match(output, /[1-9]\d* passing/, output);
      if (example.kind === 'mocha') assert.doesNotMatch(output, /failing|pending/, output);
    });
  }
});
