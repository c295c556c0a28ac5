'use strict';
// Checks of the build rig that need no Windows: the two build files share one source list, the
// cross-built addon imports only system DLLs (and node.exe, delay-loaded), and every pinned Windows node
// runs on pipes under the Wine picked for it, the Debian 13 chroot's leaving no mount behind.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const gypi = JSON.parse(fs.readFileSync(path.join(repoRoot, 'native', 'sources.gypi'), 'utf8')).variables;
const { addonBuildPath: addonPath } = require('../../scripts/rig-paths');
const onLinuxRig = process.platform === 'linux';

// What a build compiles, read from a ninja file it generated (paths relative to its build folder): the C++ sources of one target and the
// defines and libraries each is built with.
function readNinja(file, buildDir, targetPattern) {
  const text = fs.readFileSync(file, 'utf8').replace(/ \$\n\s*/g, ' ');
  const sources = new Set();
  const defines = new Set();
  for (const match of text.matchAll(targetPattern)) sources.add(path.resolve(buildDir, match[1]));
  for (const match of text.matchAll(/^\s*(?:defines|DEFINES) = (.*)$/gm)) {
    for (const flag of match[1].split(' ')) if (flag.startsWith('-D')) defines.add(flag.slice(2));
  }
  return { sources, defines };
}

// gyp, the engine of node-gyp, evaluates binding.gyp for Windows exactly as a Windows user's npm install
// would; its ninja generator runs on Linux, and what it lists is what MSVC would compile.
function evaluateBindingGyp() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-gyp-'));
  const gyp = path.join(path.dirname(require.resolve('node-gyp/package.json')), 'gyp', 'gyp_main.py');
  const run = spawnSync(
    'python3',
    [
      gyp,
      'binding.gyp',
      '-f',
      'ninja',
      '-D',
      'OS=win',
      '-D',
      'target_arch=x64',
      '--depth=.',
      `--generator-output=${out}`,
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  assert.strictEqual(run.status, 0, `gyp failed on binding.gyp: ${run.stderr}`);
  const ninja = path.join(out, 'out', 'Default', 'obj', 'virtual_server_events.ninja');
  const result = readNinja(ninja, path.join(out, 'out', 'Default'), /^build \S+: cxx (\S+)/gm);
  const libs = fs.readFileSync(ninja, 'utf8').match(/^libs = (.*)$/m);
  assert.ok(libs, `no libs line in ${ninja}`);
  result.libraries = new Set(libs[1].split(' '));
  fs.rmSync(out, { recursive: true, force: true });
  return result;
}

describe('rig: build files', function () {
  it('lists only sources that exist', function () {
    for (const source of gypi.addon_sources) {
      assert.ok(
        fs.existsSync(path.join(repoRoot, source)),
        `native/sources.gypi lists ${source}, which does not exist`,
      );
    }
  });

  it('binding.gyp (MSVC) and CMakeLists.txt (MinGW) compile the same sources with the same defines', function () {
    if (!onLinuxRig) this.skip();
    this.timeout(30000);
    const listed = new Set(gypi.addon_sources.map((source) => path.join(repoRoot, source)));
    const gyp = evaluateBindingGyp();
    const cmake = readNinja(
      path.join(repoRoot, 'build', 'build.ninja'),
      path.join(repoRoot, 'build'),
      /^build CMakeFiles\/virtual_server_events\.dir\/\S+: CXX_COMPILER\S* (\S+)/gm,
    );
    // The MinGW build adds its own delay-load hook; node-gyp adds the MSVC one itself.
    cmake.sources.delete(path.join(repoRoot, 'native', 'mingw', 'delay_load_hook.cc'));
    assert.deepStrictEqual(
      [...gyp.sources].sort(),
      [...listed].sort(),
      'binding.gyp compiles other sources than native/sources.gypi lists',
    );
    assert.deepStrictEqual(
      [...cmake.sources].sort(),
      [...listed].sort(),
      'CMakeLists.txt compiles other sources than native/sources.gypi lists',
    );
    for (const define of gypi.addon_defines.concat(`VSE_ADDON_VERSION=${require('../../package.json').version}`)) {
      assert.ok(gyp.defines.has(define), `binding.gyp does not define ${define}`);
      assert.ok(cmake.defines.has(define), `CMakeLists.txt does not define ${define}`);
    }
    assert.deepStrictEqual([...gyp.libraries].sort(), [...gypi.addon_libraries].sort());
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
    const systemDlls =
      /^(kernel32|msvcrt|ole32|oleaut32|user32|advapi32|rpcrt4|ws2_32|shell32|api-ms-win-[a-z0-9-]+)\.dll$/;
    for (const dll of imports) assert.match(dll, systemDlls, `the addon imports ${dll}, which is not a system DLL`);
  });

  it('binds to node.exe through delay-loading only', function () {
    const bytes = fs.readFileSync(addonPath).toString('latin1');
    assert.ok(bytes.includes('NODE.EXE'), 'no delay-load import of NODE.EXE found');
    const dump = spawnSync('x86_64-w64-mingw32-objdump', ['-p', addonPath], { encoding: 'utf8' });
    assert.doesNotMatch(
      dump.stdout,
      /DLL Name: node\.exe/i,
      'node.exe is a regular import: the addon would not load in a renamed host',
    );
  });
});

describe('rig: Windows node under Wine', function () {
  let rig;
  let wineNode;
  let wines;

  before(function () {
    if (!onLinuxRig) this.skip();
    rig = require('../../scripts/rig-paths');
    wineNode = require('../../scripts/wine-node');
    wines = require('../../scripts/wines');
  });

  it('--node= takes a role, a pinned version or a major, and refuses what is not pinned', function () {
    const { roles } = rig.nodeVersions;
    assert.strictEqual(wineNode.resolveVersion('main'), roles.main);
    assert.strictEqual(wineNode.resolveVersion(roles.newest), roles.newest);
    assert.strictEqual(wineNode.resolveVersion(roles.newest.split('.')[0]), roles.newest);
    assert.throws(
      () => wineNode.resolveVersion('3'),
      /no pinned Windows node matches "3".*windows-node-versions\.json/,
    );
  });

  it('runs Node 24 and later under Wine 10 or later', function () {
    this.timeout(30000);
    for (const version of Object.keys(rig.nodeVersions.integrity).filter((v) => Number(v.split('.')[0]) >= 24)) {
      assert.ok(
        wines.wineFor(version).major() >= 10,
        `Windows node ${version} would run under ${wines.wineFor(version).name()}`,
      );
    }
  });

  for (const role of ['main', 'newest', 'oldest']) {
    it(`writes to pipes, keeps the exit code and sees the host's paths (Windows node ${role})`, function () {
      this.timeout(60000);
      const script =
        'console.log("out " + process.platform + " " + process.cwd()); console.error("err"); process.exit(7)';
      const run = spawnSync(
        process.execPath,
        [path.join(repoRoot, 'scripts', 'wine-node.js'), `--node=${role}`, '-e', script],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      assert.strictEqual(run.stdout, `out win32 ${require('../../scripts/rig-paths').toWindowsPath(repoRoot)}\n`);
      assert.strictEqual(run.stderr, 'err\n');
      assert.strictEqual(run.status, 7);
    });
  }

  it('leaves no mount behind in the host after a run in the Debian 13 chroot', function () {
    if (!require('../../scripts/debian-chroot').isReady()) this.skip();
    this.timeout(30000);
    const mounts = () => fs.readFileSync('/proc/self/mountinfo', 'utf8');
    const before = mounts();
    const run = wines.chrootWine.spawnSync('wine', ['--version']);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(mounts(), before);
  });
});
