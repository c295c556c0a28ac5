'use strict';
// Checks of the build rig that need no Windows: the two build files share one source list, the
// cross-built addon imports only system DLLs (and node.exe, delay-loaded), and Windows node runs on pipes.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const gypi = JSON.parse(fs.readFileSync(path.join(repoRoot, 'native', 'sources.gypi'), 'utf8')).variables;
const addonPath = path.join(repoRoot, 'build', 'Release', 'virtual_server_events.node');
const onLinuxRig = process.platform === 'linux';

describe('rig: build files', function () {
  it('lists only sources that exist', function () {
    for (const source of gypi.addon_sources) {
      assert.ok(fs.existsSync(path.join(repoRoot, source)), `native/sources.gypi lists ${source}, which does not exist`);
    }
  });

  it('binding.gyp takes its sources, defines and libraries from native/sources.gypi', function () {
    const gyp = fs.readFileSync(path.join(repoRoot, 'binding.gyp'), 'utf8');
    assert.match(gyp, /"includes":\s*\["native\/sources\.gypi"\]/);
    for (const variable of ['addon_sources', 'addon_defines', 'addon_libraries']) {
      assert.ok(gyp.includes(`<@(${variable})`), `binding.gyp does not use ${variable}`);
    }
  });

  it('the CMake build compiled every listed source with every listed define', function () {
    if (!onLinuxRig) this.skip();
    const ninja = fs.readFileSync(path.join(repoRoot, 'build', 'build.ninja'), 'utf8');
    for (const source of gypi.addon_sources) {
      assert.ok(ninja.includes(path.join(repoRoot, source)), `the CMake build does not compile ${source}`);
    }
    for (const define of gypi.addon_defines) {
      assert.ok(ninja.includes(`-D${define}`), `the CMake build does not define ${define}`);
    }
  });
});

describe('rig: the cross-built addon', function () {
  before(function () {
    if (!onLinuxRig) this.skip();
  });

  it('is a PE DLL for x64 that imports only system DLLs', function () {
    const dump = spawnSync('x86_64-w64-mingw32-objdump', ['-p', addonPath], { encoding: 'utf8' });
    assert.strictEqual(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, /file format pei-x86-64/);
    assert.match(dump.stdout, /Characteristics [^\n]*\n(?:\t[^\n]*\n)*\tDLL/);
    const imports = [...dump.stdout.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1].toLowerCase());
    const systemDlls = /^(kernel32|msvcrt|ole32|oleaut32|user32|advapi32|rpcrt4|ws2_32|shell32|api-ms-win-[a-z0-9-]+)\.dll$/;
    for (const dll of imports) assert.match(dll, systemDlls, `the addon imports ${dll}, which is not a system DLL`);
  });

  it('binds to node.exe through delay-loading only', function () {
    const bytes = fs.readFileSync(addonPath).toString('latin1');
    assert.ok(bytes.includes('NODE.EXE'), 'no delay-load import of NODE.EXE found');
    const dump = spawnSync('x86_64-w64-mingw32-objdump', ['-p', addonPath], { encoding: 'utf8' });
    assert.doesNotMatch(dump.stdout, /DLL Name: node\.exe/i, 'node.exe is a regular import: the addon would not load in a renamed host');
  });
});

describe('rig: Windows node under Wine', function () {
  before(function () {
    if (!onLinuxRig) this.skip();
  });

  it('writes to pipes and keeps the exit code', function () {
    this.timeout(60000);
    const script = 'console.log("out " + process.platform); console.error("err"); process.exit(7)';
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'wine-node.js'), '-e', script], { encoding: 'utf8' });
    assert.strictEqual(run.stdout, 'out win32\n');
    assert.strictEqual(run.stderr, 'err\n');
    assert.strictEqual(run.status, 7);
  });
});
