'use strict';
// The rig's promise to every other Windows test: the repo folder loads as the package under Windows node,
// the addon reports its versions, and it loads in a host executable that is not named node.exe.
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const { addonBuildPath: addonPath } = require('../../scripts/rig-paths');

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
    const { loadBinding } = require('../../dist/binding.js');
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

// Each case in a child node: loadBinding() keeps the addon it loaded for the process.
describe('the package loader (VSE_ADDON_PATH, ERR_VS_ADDON_NOT_FOUND and ERR_VS_ADDON_LOAD_FAILED)', function () {
  this.timeout(60000);

  function loadWith(addonPath) {
    const script =
      `const { loadBinding } = require(${JSON.stringify(path.join(repoRoot, 'dist', 'binding.js'))});` +
      'try { const b = loadBinding(); process.stdout.write(JSON.stringify({ loaded: b.addonVersion })); }' +
      ' catch (e) { process.stdout.write(JSON.stringify({ code: e.code, message: e.message, cause: String(e.cause) })); }';
    const env = Object.assign({}, process.env, { VSE_ADDON_PATH: addonPath });
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env }));
  }

  it('loads the binary VSE_ADDON_PATH names', function () {
    assert.deepStrictEqual(loadWith(addonPath), { loaded: require(path.join(repoRoot, 'package.json')).version });
  });

  it('a VSE_ADDON_PATH that names no file is ERR_VS_ADDON_NOT_FOUND, naming the variable and the path', function () {
    const missing = path.join(os.tmpdir(), 'no-such-addon.node');
    const result = loadWith(missing);
    assert.strictEqual(result.code, 'ERR_VS_ADDON_NOT_FOUND');
    assert.ok(result.message.includes('VSE_ADDON_PATH') && result.message.includes(missing), result.message);
  });

  it('a file Windows will not load is ERR_VS_ADDON_LOAD_FAILED, with the loader error as cause', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-addon-'));
    const broken = path.join(dir, 'virtual_server_events.node');
    try {
      fs.writeFileSync(broken, 'not a PE image');
      const result = loadWith(broken);
      assert.strictEqual(result.code, 'ERR_VS_ADDON_LOAD_FAILED');
      assert.ok(result.message.includes(broken) && result.message.includes('Reinstall'), result.message);
      assert.notStrictEqual(result.cause, 'undefined');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the addon's own errors carry hresultName from lib/hresults.ts's table", async function () {
    const { loadBinding } = require('../../dist/binding.js');
    await assert.rejects(
      loadBinding().connect({ clsid: '{00000000-1111-2222-3333-444444444444}', callTimeoutMs: 20000 }),
      {
        hresult: 0x80040154,
        hresultName: 'REGDB_E_CLASSNOTREG',
        message: /0x80040154 REGDB_E_CLASSNOTREG/,
      },
    );
  });
});
