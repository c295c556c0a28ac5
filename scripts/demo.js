#!/usr/bin/env node
'use strict';
// `npm run demo`: builds what is missing, registers the simulated Virtual Server under Wine, and runs
// `vsevents watch --all` with Windows node against it while the simulator, in service mode, drives four
// VMs through realistic life cycles. Stops by itself after a while, or on Ctrl-C, and leaves nothing running.
// Usage: node scripts/demo.js [--seconds=N] [--build=dispatch|vtable] [--json]
//        (env VSE_DEMO_SECONDS also sets the length; CI and tests use it to keep the run short)
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const rig = require('./rig-paths');
const { runChecked } = require('./run-checked');
const { resolveVersion, spawnWindowsNode } = require('./wine-node');
const { toWindowsPath } = rig;
const { wineFor } = require('./wines');

const DEFAULT_SECONDS = 60;
const BUILDS = rig.simulatorBuilds;

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

function parseOptions(argv) {
  const options = { seconds: Number(process.env.VSE_DEMO_SECONDS || DEFAULT_SECONDS), build: 'dispatch', json: false };
  for (const arg of argv) {
    const [name, value] = arg.split('=');
    if (name === '--seconds') options.seconds = Number(value);
    else if (name === '--build') options.build = value;
    else if (name === '--json' && value === undefined) options.json = true;
    else fail(`unknown argument ${arg}; usage: npm run demo -- [--seconds=N] [--build=dispatch|vtable] [--json]`);
  }
  if (!(options.seconds > 0)) fail('the length must be a number of seconds above 0 (--seconds=N or VSE_DEMO_SECONDS)');
  if (!BUILDS.includes(options.build)) fail(`--build must be one of ${BUILDS.join(', ')}`);
  return options;
}

const { simulatorDir } = rig;
const outputs = (build) => [
  path.join(rig.repoRoot, 'dist', 'cli', 'main.js'),
  rig.addonBuildPath,
  path.join(simulatorDir, `vssim-${build}.exe`),
  path.join(simulatorDir, 'vssim-client.exe'),
];

// Output is shown only when a step fails (in its error).
const quietly = { stdio: ['ignore', 'pipe', 'pipe'] };

function step(what, runIt) {
  try {
    runIt();
  } catch (error) {
    fail(`${what} failed: ${(error instanceof Error ? error.message : String(error)).trim()}`);
  }
}

// Runs a simulator tool under the Wine of the demo's Windows node: the registration and the running
// servers belong to that Wine's prefix.
function runSimulatorTool(exe, args, what) {
  const wine = wineFor(resolveVersion('main'));
  step(what, () => wine.run('wine', [toWindowsPath(path.join(simulatorDir, exe)), ...args], quietly));
}

// The build is incremental, but a warm tree needs none of it: build only when something is missing.
function buildWhatIsMissing(build) {
  const missing = outputs(build).filter((file) => !fs.existsSync(file));
  if (missing.length === 0) {
    step('setting up Wine and Windows node', () =>
      runChecked(process.execPath, [path.join(__dirname, 'setup-rig.js'), '--quiet'], quietly),
    );
    return;
  }
  process.stdout.write(
    `demo: building (${missing.map((f) => path.relative(rig.repoRoot, f)).join(', ')} missing); the first time takes a few minutes\n`,
  );
  const result = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
  if (result.status !== 0) fail('the build failed (see above)');
}

// Ends every simulator process of this prefix (either build), so the one registered next is the one served.
function stopSimulators() {
  runSimulatorTool('vssim-client.exe', ['--kill'], 'stopping old simulator processes');
}

function runWatch(options) {
  const cliArgs = [
    toWindowsPath(path.join(rig.repoRoot, 'dist', 'cli', 'main.js')),
    'watch',
    '--all',
    `--duration=${options.seconds}`,
  ];
  if (options.json) cliArgs.push('--json');
  // Under Wine a LocalServer launched by activation inherits the activating client's environment:
  // VSSIM_SERVICE=1 makes the simulator run like the real service, with its demo VMs going through their
  // life cycles from the start, up whether or not a client is connected (stopSimulators() ends it).
  const child = spawnWindowsNode('main', cliArgs, { env: { VSSIM_SERVICE: '1' } });
  // Wine turns SIGINT into a console Ctrl-C for node.exe, which vsevents handles as a clean stop.
  const forward = () => child.kill('SIGINT');
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (status, signal) => {
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      resolve(status === null ? `signal ${signal}` : status);
    });
  });
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  buildWhatIsMissing(options.build);
  stopSimulators();
  runSimulatorTool(`vssim-${options.build}.exe`, ['/regserver'], `registering the ${options.build} simulator`);
  process.stdout.write(
    `demo: a simulated Virtual Server (${options.build} build) runs four VMs under Wine; ` +
      `vsevents watches every event for ${options.seconds} s (Ctrl-C stops it sooner)\n`,
  );
  const status = await runWatch(options);
  // The simulator runs as a service: it stays up until stopped.
  stopSimulators();
  if (status !== 0) fail(`vsevents exited with ${status}`);
  process.stdout.write('demo: done; nothing is left running\n');
}

main().catch((error) => fail(error.message));
