#!/usr/bin/env node
'use strict';
// `npm test`: builds what is missing, then runs every test layer and totals them.
//   lint     scripts/lint.js: ESLint, prettier and clang-format, each a test in the summary
//   unit     mocha test/unit on this node (Linux or Windows), with a fake binding where COM is needed, and
//            the contract suite (test/contract) against virtual-server-events/testing's fake
//   rig      mocha test/rig on this node: the build files, the cross-built addon's imports, Windows node
//            under each Wine (objdump, gyp and Wine: not unit tests)
//   windows  mocha test/windows on Windows node (under Wine on Linux) against the real addon and the
//            simulator, once per simulator build (event interfaces as dispinterfaces, then as vtables):
//            every suite, and the contract suite against the real addon, on the main Node (the newest
//            LTS); the rig, API, bridge and contract suites on each other
//            line scripts/windows-node-versions.json pins. On Linux each Node runs under the Wine that
//            can start it (scripts/wines.js): Node >= 24 under Wine 10 from a Debian 13 chroot on Debian 12
//   stress   test/stress/run.js --reduced on the main Windows node: each fault, teardown race and load
//            case a few times on both simulator builds (npm run test:stress runs them at full size)
//   smoke    test/smoke/*.js on the oldest supported Windows node (12.16.1), which mocha no longer runs
// Prints each runner's summary, which Node versions ran under which Wine, and a final
// 'N passed, N failed' line. Exits 1 on any failure, a runner that crashed, or a layer that ran no test.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const rig = require('./rig-paths');
const wineNode = require('./wine-node');
const { wineFor } = require('./wines');

const onLinux = process.platform === 'linux';
// The contract suite first: after the simulator's own suites (which kill, re-register and idle out its
// servers) its connect() found no server answering within callTimeout, on both builds.
const everySuite = {
  patterns: ['test/contract/**/*.test.js', 'test/windows/**/*.test.js'],
  what: 'every windows suite and the contract suite',
};
// What every other line runs: the addon loads (rig), and the public API (the contract suite's part of it
// too) and the bridge work on it.
const coreSuites = {
  patterns: [
    'test/windows/rig.test.js',
    'test/windows/api*.test.js',
    'test/windows/bridge-*.test.js',
    'test/contract/**/*.test.js',
  ],
  what: 'the rig, API, bridge and contract suites',
};
const runnerTimeoutMs = 20 * 60 * 1000;
const mochaBin = path.join(rig.repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(rig.repoRoot, 'test', 'support', 'summary-reporter.js');
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-test-'));
const results = [];
const nodeNotes = [];
// Wines this run started processes in, and the runner now running: what an interrupted run must end.
const winesUsed = new Set();
let runningChild = null;

function say(line) {
  process.stdout.write(`${line}\n`);
}

function hostPath(p) {
  return onLinux ? rig.toWindowsPath(p) : p;
}

// Ends every process of a Wine's prefix (simulator servers, Wine's services, its wineserver).
function killWine(wine) {
  if (wine) wine.spawnSync('wineserver', ['-k'], { stdio: 'ignore' });
}

function readSummary(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return null;
  }
}

// Runs one test runner to completion (or the timeout) and records its counts. `wine` is the Wine it
// runs under (null for Linux node), whose processes are ended afterwards.
async function runRunner(label, wine, start) {
  const summaryFile = path.join(summaryDir, `${results.length}.json`);
  say(`\n=== ${label} ===`);
  if (wine) winesUsed.add(wine);
  const child = start(summaryFile);
  runningChild = child;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
    killWine(wine);
  }, runnerTimeoutMs);
  const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  clearTimeout(timer);
  runningChild = null;
  killWine(wine);
  const summary = readSummary(summaryFile);
  let problem = null;
  if (timedOut) problem = `timed out after ${runnerTimeoutMs / 60000} minutes`;
  else if (!summary) problem = `exited with ${status} before reporting any result`;
  else if (summary.passed + summary.failed === 0) problem = 'ran no test';
  else if (status !== 0 && summary.failed === 0) problem = `exited with ${status} after its tests passed`;
  results.push({ label, summary: summary || { passed: 0, failed: 0, skipped: 0 }, problem });
}

function spawnLocalNode(args, env) {
  return spawn(process.execPath, args, {
    stdio: 'inherit',
    cwd: rig.repoRoot,
    env: Object.assign({}, process.env, env),
  });
}

function spawnWindowsNode(version, args, env) {
  return onLinux ? wineNode.spawnWindowsNode(version, args, { cwd: rig.repoRoot, env }) : spawnLocalNode(args, env);
}

// Why a Windows node cannot run here (it does not start under its Wine), or null when it starts.
function cannotStart(version) {
  const { wine, command, args } = wineNode.windowsNodeCommand(version, ['-e', 'process.exit(0)']);
  winesUsed.add(wine);
  const probe = spawnSync(command, args, { env: wine.env(), encoding: 'utf8', timeout: 120000 });
  if (probe.status === 0) return null;
  const output = `${probe.stdout || ''}${probe.stderr || ''}`.trim().split('\n').slice(-3).join(' | ');
  return (
    `Windows node ${version} does not start under ${wine.name()} (exit ${probe.status}): ${output}; ` +
    'scripts/wines.js picks the Wine each Node runs under'
  );
}

// The Windows node a runner runs, as the summary names it: 'Windows node 24.21.0 (main) under Wine 10.0 (Debian 13 chroot)'.
function describeNode(version) {
  const role = Object.keys(rig.nodeVersions.roles).find((name) => rig.nodeVersions.roles[name] === version);
  return `Windows node ${version}${role ? ` (${role})` : ''}${onLinux ? ` under ${wineFor(version).name()}` : ''}`;
}

// Which Windows node runs which windows suites: the main Node every suite, each other pinned line
// (but the oldest, which has its smoke run) the core suites. On Windows, this node runs every suite.
function windowsPlan() {
  if (!onLinux) return [{ version: process.version.slice(1), suites: everySuite }];
  const { main, oldest } = rig.nodeVersions.roles;
  const others = Object.keys(rig.nodeVersions.integrity).filter((version) => version !== main && version !== oldest);
  return [{ version: main, suites: everySuite }].concat(others.map((version) => ({ version, suites: coreSuites })));
}

function mochaArgs(patterns, timeoutMs, toPath) {
  return [toPath(mochaBin), '--reporter', toPath(reporter), '--timeout', String(timeoutMs), '--recursive', ...patterns];
}

async function runWindowsLayer() {
  for (const { version, suites } of windowsPlan()) {
    const node = describeNode(version);
    const reason = onLinux ? cannotStart(version) : null;
    if (reason) {
      nodeNotes.push(`${node}: did not run (${reason})`);
      results.push({
        label: `windows tests (${node})`,
        summary: { passed: 0, failed: 0, skipped: 0 },
        problem: reason,
      });
      continue;
    }
    nodeNotes.push(`${node}: ${suites.what}, both simulator builds`);
    for (const simulatorBuild of rig.simulatorBuilds) {
      await runRunner(
        `windows tests (${node}, simulator build: ${simulatorBuild})`,
        onLinux ? wineFor(version) : null,
        (summaryFile) =>
          spawnWindowsNode(version, mochaArgs(suites.patterns, 60000, hostPath), {
            VSE_SIMULATOR_BUILD: simulatorBuild,
            VSE_CONTRACT_DRIVER: 'simulator',
            VSE_TEST_SUMMARY: hostPath(summaryFile),
          }),
      );
    }
  }
}

async function runSmoke() {
  const oldest = rig.nodeVersions.roles.oldest;
  const node = describeNode(oldest);
  const reason = cannotStart(oldest);
  if (reason) {
    nodeNotes.push(`${node}: did not run (${reason})`);
    results.push({ label: `smoke (${node})`, summary: { passed: 0, failed: 0, skipped: 0 }, problem: reason });
    return;
  }
  nodeNotes.push(`${node}: smoke run of the built package`);
  const smokeDir = path.join(rig.repoRoot, 'test', 'smoke');
  for (const file of fs
    .readdirSync(smokeDir)
    .filter((f) => f.endsWith('.js'))
    .sort()) {
    await runRunner(`smoke ${file} (${node})`, wineFor(oldest), (summaryFile) =>
      spawnWindowsNode(oldest, [hostPath(path.join(smokeDir, file))], { VSE_TEST_SUMMARY: hostPath(summaryFile) }),
    );
  }
}

// The reliability campaign at its reduced size (test/stress/run.js --reduced), on the main Windows node:
// each of its cases, on both simulator builds, is one test of the summary.
async function runStress() {
  const { main } = rig.nodeVersions.roles;
  const node = describeNode(main);
  const reason = onLinux ? cannotStart(main) : null;
  if (reason) {
    results.push({ label: `stress (${node})`, summary: { passed: 0, failed: 0, skipped: 0 }, problem: reason });
    return;
  }
  const runner = path.join(rig.repoRoot, 'test', 'stress', 'run.js');
  await runRunner(`stress, reduced size (${node})`, onLinux ? wineFor(main) : null, (summaryFile) =>
    spawnWindowsNode(main, ['--expose-gc', hostPath(runner), '--reduced'], { VSE_TEST_SUMMARY: hostPath(summaryFile) }),
  );
}

function printSummary() {
  say('\n=== summary ===');
  for (const note of nodeNotes) say(note);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const { label, summary, problem } of results) {
    passed += summary.passed;
    failed += summary.failed + (problem ? 1 : 0);
    skipped += summary.skipped;
    say(
      `${label}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${problem ? ` (runner problem: ${problem})` : ''}`,
    );
  }
  const failures = results.flatMap(({ label, summary }) =>
    (summary.failures || []).map(({ title, error }) => `  ${label}: ${title}: ${error}`),
  );
  if (failures.length > 0) say(['failed tests:', ...failures].join('\n'));
  say(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed;
}

// Wine's processes do not die with their Linux parent (Wine reparents them), so an interrupted run
// ends them itself: nothing it started is left running.
function stopOnSignal(signal) {
  if (runningChild) runningChild.kill('SIGKILL');
  for (const wine of winesUsed) killWine(wine);
  fs.rmSync(summaryDir, { recursive: true, force: true });
  say(`\ntest: stopped by ${signal}; ended every Wine process this run started`);
  process.exit(128 + os.constants.signals[signal]);
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, stopOnSignal);
  const build = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], {
    stdio: 'inherit',
    cwd: rig.repoRoot,
  });
  if (build.status !== 0) {
    say('build failed: no test ran');
    say('0 passed, 1 failed');
    process.exit(1);
  }

  await runRunner('lint (npm run lint)', null, (summaryFile) =>
    spawnLocalNode([path.join(__dirname, 'lint.js')], { VSE_TEST_SUMMARY: summaryFile }),
  );
  await runRunner(`unit tests (node ${process.version}, ${process.platform})`, null, (summaryFile) =>
    spawnLocalNode(
      mochaArgs(['test/unit/**/*.test.js', 'test/contract/**/*.test.js'], 10000, (p) => p),
      { VSE_CONTRACT_DRIVER: 'fake', VSE_TEST_SUMMARY: summaryFile },
    ),
  );
  await runRunner(`rig tests (node ${process.version}, ${process.platform})`, null, (summaryFile) =>
    spawnLocalNode(
      mochaArgs(['test/rig/**/*.test.js'], 120000, (p) => p),
      { VSE_TEST_SUMMARY: summaryFile },
    ),
  );

  // Earlier runs may have left simulator servers behind in a prefix.
  if (onLinux) for (const wine of new Set(Object.keys(rig.nodeVersions.integrity).map(wineFor))) killWine(wine);
  await runWindowsLayer();
  await runStress();
  if (onLinux) await runSmoke();

  const failed = printSummary();
  fs.rmSync(summaryDir, { recursive: true, force: true });
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`test: ${error.stack || error.message}\n`);
  for (const wine of winesUsed) killWine(wine);
  process.exit(1);
});
