'use strict';
// `npm pack` gives a package that installs on Windows x64 without a compiler: packed and installed into
// an empty folder with npm running on Windows node, then loaded and run there against the simulator.
// It needs no particular simulator build, so the vtable run of `npm test` skips it.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('../support/harness');
const { toWindowsPath } = require('../../scripts/rig-paths');

const build = h.sim.simulatorBuild();
const NPM_TIMEOUT_MS = 300000;

// npm_execpath is a Linux path when Linux node started the run (scripts/test.js under Wine).
function fromLinuxPath(linuxPath) {
  return linuxPath.startsWith('/') ? toWindowsPath(linuxPath) : linuxPath;
}

/** npm's own CLI script: the one running this test (`npm test` and `npm run` pass it as npm_execpath). */
function npmCli() {
  const cli = process.env.npm_execpath && fromLinuxPath(process.env.npm_execpath);
  assert.ok(
    cli && /npm-cli\.js$/.test(cli) && fs.existsSync(cli),
    `npm_execpath (${process.env.npm_execpath}) does not name npm-cli.js: run this test through npm (npm test, or npm run wine -- ...)`,
  );
  return cli;
}

/** A Windows user has node on PATH, which the package's install script (`node scripts/install.js`) relies on. */
function withNodeOnPath(extra) {
  const key = Object.keys(process.env).find((name) => name.toUpperCase() === 'PATH') || 'PATH';
  return Object.assign(
    {},
    process.env,
    { [key]: `${path.dirname(process.execPath)};${process.env[key] || ''}` },
    extra,
  );
}

/**
 * npm with a cache of its own (an empty folder when the test starts) and no network: what it installs
 * comes from the tarballs the test hands it, never from whatever an earlier npm run left in a cache.
 */
function npm(cli, cache, args, cwd) {
  const result = spawnSync(
    process.execPath,
    [cli, ...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd,
      encoding: 'utf8',
      timeout: NPM_TIMEOUT_MS,
      windowsHide: true,
      env: withNodeOnPath({ npm_config_cache: cache }),
    },
  );
  assert.strictEqual(result.status, 0, `npm ${args.join(' ')}: ${result.error || ''}${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The packages `npm install virtual-server-events` brings: the lockfile's entries outside devDependencies. */
function runtimeDependencies() {
  const lock = require(path.join(h.repoRoot, 'package-lock.json'));
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where.startsWith('node_modules/') && !entry.dev)
    .map(([where, entry]) => ({ dir: path.join(h.repoRoot, where), version: entry.version }));
}

/** Packs the package and, from node_modules as `npm ci` installed them, the exact dependency versions the lockfile names. */
function packAll(cli, cache, workDir) {
  const pack = (dir) => JSON.parse(npm(cli, cache, ['pack', dir, '--json', '--pack-destination', workDir], workDir))[0];
  const dependencies = runtimeDependencies().map(({ dir, version }) => {
    const packed = pack(dir);
    assert.strictEqual(packed.version, version, `${dir} holds the version package-lock.json names: run npm ci`);
    return path.join(workDir, packed.filename);
  });
  return { info: pack(h.repoRoot), dependencies };
}

function node(args, cwd) {
  return spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60000,
    windowsHide: true,
    env: withNodeOnPath(),
  });
}

describe('the packed package on Windows x64', function () {
  this.timeout(NPM_TIMEOUT_MS * 2);
  let cli;
  let workDir;
  let packed;
  let installed;
  let binding;
  let control;

  before(async function () {
    if (build !== 'dispatch') this.skip();
    cli = npmCli();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-package-'));
    const cache = path.join(workDir, 'npm-cache');
    fs.mkdirSync(cache);
    const { info, dependencies } = packAll(cli, cache, workDir);
    packed = info;
    const consumer = path.join(workDir, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    // The dependency tarballs go in beside the package, so that its dependency ranges resolve to them
    // and npm needs no registry metadata, which no cache of a fresh machine holds.
    npm(cli, cache, ['install', path.join(workDir, packed.filename), ...dependencies], consumer);
    installed = { consumer, root: path.join(consumer, 'node_modules', 'virtual-server-events') };
    binding = require('../../dist/binding.js').loadBinding();
    ({ control } = await h.connectSimulator(binding, build));
  });

  after(function () {
    if (control) binding.release(control);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('ships dist with types, the CLI, the prebuilt addon, README and LICENSE, and no tests or simulator', function () {
    const files = packed.files.map((f) => f.path.replace(/\\/g, '/'));
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/events.d.ts',
      'dist/testing/index.js',
      'dist/testing/index.d.ts',
      'testing.js',
      'prebuilds/win32-x64/virtual-server-events.napi.node',
    ]) {
      assert.ok(files.includes(file), `${file} is in the package`);
    }
    assert.deepStrictEqual(
      files.filter((f) => /^(test|build|lib)\//.test(f) || /\.exe$/i.test(f)),
      [],
      'no tests, build output, sources of lib or executables',
    );
  });

  it('installs without building: no build/ folder, the prebuilt addon is what loads', function () {
    assert.ok(!fs.existsSync(path.join(installed.root, 'build')), 'nothing was compiled at install');
    const result = node(
      [
        '-e',
        `
      const api = require('virtual-server-events');
      const binding = api.loadBinding();
      console.log(JSON.stringify({ addonVersion: binding.addonVersion, napiVersion: binding.napiVersion, exports: Object.keys(api).sort() }));
    `,
      ],
      installed.consumer,
    );
    assert.strictEqual(result.status, 0, result.stderr);
    const loaded = JSON.parse(result.stdout);
    assert.ok(loaded.napiVersion >= 5);
    assert.ok(loaded.exports.includes('connect') && loaded.exports.includes('VMState'));
  });

  it("require('virtual-server-events/testing') of the installed package runs a script on the fake", function () {
    const result = node(
      [
        '-e',
        `
      const { FakeVirtualServer } = require('virtual-server-events/testing');
      const host = new FakeVirtualServer({ virtualMachines: ['web01'] });
      host.connect().then(async (server) => {
        const vm = await server.findVirtualMachine('web01');
        await vm.startup();
        console.log(await vm.state());
        await server.close();
      });
    `,
      ],
      installed.consumer,
    );
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout.trim(), '5');
  });

  it('import() of the installed package gives the named exports', function () {
    const result = node(
      [
        '--input-type=module',
        '-e',
        "import { connect, VMState } from 'virtual-server-events'; console.log(typeof connect, VMState.Running);",
      ],
      installed.consumer,
    );
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout.trim(), 'function 5');
  });

  it('talks to Virtual Server from the installed package, through the API and the vsevents CLI', async function () {
    const name = await h.defineVm(binding, control, 'pkg', h.sim.VMVMState.Saved);
    const api = node(
      [
        '-e',
        `
      require('virtual-server-events').connect().then(async (server) => {
        const vm = await server.findVirtualMachine(${JSON.stringify(name)});
        console.log(await vm.state());
        await server.close();
      }).catch((error) => { console.error(error); process.exitCode = 1; });
    `,
      ],
      installed.consumer,
    );
    assert.strictEqual(api.status, 0, api.stderr);
    assert.strictEqual(api.stdout.trim(), String(h.sim.VMVMState.Saved));
    assert.ok(
      fs.existsSync(path.join(installed.consumer, 'node_modules', '.bin', 'vsevents.cmd')),
      'npm made the vsevents command',
    );
    const list = node([path.join(installed.root, 'dist', 'cli', 'main.js'), 'list', '--json'], installed.consumer);
    assert.strictEqual(list.status, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).some((row) => row.name === name && row.stateName === 'Saved'));
  });
});
