'use strict';
// README's "Testing your scripts" example runs as written: its code block goes into a fresh folder where
// the package is installed (node_modules/virtual-server-events is this repo, linked), and mocha runs it.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');

function readmeExample() {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('\n## Testing your scripts\n')[1];
  assert.ok(section, 'README.md has a "## Testing your scripts" section');
  const block = /```js\n([\s\S]*?)```/.exec(section.split('\n## ')[0]);
  assert.ok(block, 'the section has a ```js code block');
  return block[1];
}

describe("README's testing example", function () {
  this.timeout(60000);
  let dir;

  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes under mocha, in a project that installed the package', function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-readme-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'virtual-server-events'), 'junction');
    fs.writeFileSync(path.join(dir, 'example.test.js'), readmeExample());
    const mocha = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const run = spawnSync(process.execPath, [mocha, '--reporter', 'dot', 'example.test.js'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 50000,
    });
    const output = `${run.stdout}${run.stderr}`;
    assert.strictEqual(run.status, 0, output);
    assert.match(output, /3 passing/);
  });
});
