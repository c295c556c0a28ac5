'use strict';
// `npm pack` gives a package that installs on Windows x64 without a compiler: packed and installed into
// an empty folder with npm running on Windows node, then loaded and run there against the simulator.
// It needs no particular simulator build, so the vtable run of `npm test` skips it.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('./fixtures/bridge/harness');

const build = h.sim.simulatorBuild();
const NPM_TIMEOUT_MS = 300000;

// Windows node sees the Linux root as drive Z:.
function fromLinuxPath(linuxPath) {
  return 'Z:' + linuxPath.replace(/\//g, '\\');
}

/** npm's own CLI script: the one running `npm test` (npm_execpath), else the usual Linux install. */
function npmCli() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(process.env.npm_execpath.startsWith('/') ? fromLinuxPath(process.env.npm_execpath) : process.env.npm_execpath);
  candidates.push(fromLinuxPath('/usr/lib/node_modules/npm/bin/npm-cli.js'), fromLinuxPath('/usr/local/lib/node_modules/npm/bin/npm-cli.js'));
  return candidates.find((file) => /npm-cli\.js$/.test(file) && fs.existsSync(file));
}

/**
 * The Linux npm cache, which `npm ci` filled with the package's dependencies: the install runs offline
 * from it, because Wine's node cannot reach the registry on these machines (and needs not).
 * npm passes npm_config_cache to `npm test`; Wine does not pass HOME on, hence the fallback.
 */
function npmCache() {
  const candidates = [process.env.npm_config_cache, '/root/.npm'].filter(Boolean)
    .map((dir) => (dir.startsWith('/') ? fromLinuxPath(dir) : dir));
  return candidates.find((dir) => fs.existsSync(path.join(dir, '_cacache')));
}

/** A Windows user has node on PATH, which the package's install script (`node scripts/install.js`) relies on. */
function withNodeOnPath() {
  const key = Object.keys(process.env).find((name) => name.toUpperCase() === 'PATH') || 'PATH';
  return Object.assign({}, process.env, { [key]: `${path.dirname(process.execPath)};${process.env[key] || ''}` });
}

function npm(cli, args, cwd) {
  const cache = npmCache();
  const result = spawnSync(process.execPath, [cli, ...args, ...(cache ? ['--cache', cache] : []), '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS, windowsHide: true, env: withNodeOnPath(),
  });
  assert.strictEqual(result.status, 0, `npm ${args.join(' ')}: ${result.error || ''}${result.stderr}${result.stdout}`);
  return result.stdout;
}

function node(args, cwd) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60000, windowsHide: true, env: withNodeOnPath() });
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
    assert.ok(cli, 'npm-cli.js found (npm_execpath, /usr/lib/node_modules/npm or /usr/local/lib/node_modules/npm)');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-package-'));
    const [info] = JSON.parse(npm(cli, ['pack', '--json', '--pack-destination', workDir], h.repoRoot));
    packed = info;
    const consumer = path.join(workDir, 'consumer');
    fs.mkdirSync(consumer);
    // Offline, npm can only install the dependency versions `npm ci` cached: pin them to the lockfile's.
    const lock = require(path.join(h.repoRoot, 'package-lock.json'));
    const dependencies = Object.keys(require(path.join(h.repoRoot, 'package.json')).dependencies);
    const overrides = Object.fromEntries(dependencies.map((name) => [name, lock.packages[`node_modules/${name}`].version]));
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, overrides }));
    npm(cli, ['install', '--offline', path.join(workDir, packed.filename)], consumer);
    installed = { consumer, root: path.join(consumer, 'node_modules', 'virtual-server-events') };
    binding = require(path.join(h.repoRoot, 'dist', 'binding.js')).loadBinding();
    ({ control } = await h.connectSimulator(binding, build));
  });

  after(function () {
    if (control) binding.release(control);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('ships dist with types, the CLI, the prebuilt addon, README and LICENSE, and no tests or simulator', function () {
    const files = packed.files.map((f) => f.path.replace(/\\/g, '/'));
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/events.d.ts',
      'prebuilds/win32-x64/virtual-server-events.napi.node']) {
      assert.ok(files.includes(file), `${file} is in the package`);
    }
    assert.deepStrictEqual(files.filter((f) => /^(test|build|lib)\//.test(f) || /\.exe$/i.test(f)), [], 'no tests, build output, sources of lib or executables');
  });

  it('installs without building: no build/ folder, the prebuilt addon is what loads', function () {
    assert.ok(!fs.existsSync(path.join(installed.root, 'build')), 'nothing was compiled at install');
    const result = node(['-e', `
      const api = require('virtual-server-events');
      const binding = api.loadBinding();
      console.log(JSON.stringify({ addonVersion: binding.addonVersion, napiVersion: binding.napiVersion, exports: Object.keys(api).sort() }));
    `], installed.consumer);
    assert.strictEqual(result.status, 0, result.stderr);
    const loaded = JSON.parse(result.stdout);
    assert.ok(loaded.napiVersion >= 5);
    assert.ok(loaded.exports.includes('connect') && loaded.exports.includes('VMState'));
  });

  it('import() of the installed package gives the named exports', function () {
    const result = node(['--input-type=module', '-e', "import { connect, VMState } from 'virtual-server-events'; console.log(typeof connect, VMState.Running);"], installed.consumer);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout.trim(), 'function 5');
  });

  it('talks to Virtual Server from the installed package, through the API and the vsevents CLI', async function () {
    const name = await h.defineVm(binding, control, 'pkg', h.sim.VMVMState.Saved);
    const api = node(['-e', `
      require('virtual-server-events').connect().then(async (server) => {
        const vm = await server.findVirtualMachine(${JSON.stringify(name)});
        console.log(await vm.state());
        await server.close();
      }).catch((error) => { console.error(error); process.exitCode = 1; });
    `], installed.consumer);
    assert.strictEqual(api.status, 0, api.stderr);
    assert.strictEqual(api.stdout.trim(), String(h.sim.VMVMState.Saved));
    assert.ok(fs.existsSync(path.join(installed.consumer, 'node_modules', '.bin', 'vsevents.cmd')), 'npm made the vsevents command');
    const list = node([path.join(installed.root, 'dist', 'cli.js'), 'list', '--json'], installed.consumer);
    assert.strictEqual(list.status, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).some((row) => row.name === name && row.stateName === 'Saved'));
  });
});
