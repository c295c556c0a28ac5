'use strict';
// The rig's promise to every other Windows test: the repo folder loads as the package under Windows node,
// the addon reports its versions, and it loads in a host executable that is not named node.exe.
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const addonPath = path.join(repoRoot, 'build', 'Release', 'virtual_server_events.node');

describe(`rig: Windows node ${process.version} (Node-API ${process.versions.napi})`, function () {
  it('runs the official Windows build of node', function () {
    assert.strictEqual(process.platform, 'win32');
    assert.strictEqual(process.arch, 'x64');
  });

  it('loads the repo folder as the package', function () {
    const pkg = require(repoRoot);
    assert.ok(Object.keys(pkg).length > 0, 'the package exports nothing');
  });

  it('finds the addon through the package loader and reports its versions', function () {
    const { loadBinding } = require(path.join(repoRoot, 'dist', 'binding.js'));
    const binding = loadBinding();
    assert.strictEqual(binding.addonVersion, require(path.join(repoRoot, 'package.json')).version);
    assert.strictEqual(binding.napiVersion, Number(process.versions.napi));
    assert.ok(binding.napiVersion >= 5, `Node-API ${binding.napiVersion} is below the addon's floor of 5`);
  });

  it('loads the addon in a host executable not named node.exe (delay-load hook)', function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-host-'));
    const host = path.join(dir, 'automation-host.exe');
    try {
      fs.copyFileSync(process.execPath, host);
      const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(addonPath)})))`;
      const output = execFileSync(host, ['-e', script], { encoding: 'utf8' });
      assert.strictEqual(JSON.parse(output).napiVersion, Number(process.versions.napi));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
