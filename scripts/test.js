#!/usr/bin/env node
'use strict';
// `npm test`: builds what is missing, then runs every test layer and totals them.
//   unit     mocha test/unit on this node (Linux or Windows), with a fake binding where COM is needed
//   windows  mocha test/windows on Windows node (under Wine on Linux) against the real addon and the
//            simulator, once per simulator build (event interfaces as dispinterfaces, then as vtables),
//            on the main Node (22) and on the newest (24) where this Wine can start it
//   smoke    test/smoke/*.js on the oldest supported Windows node (12.16.1), which mocha no longer runs
// Prints each runner's summary, which Node versions ran or were skipped and why, and a final
// 'N passed, N failed' line. Exits 1 on any failure, a runner that crashed, or a layer that ran no test.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const rig = require('./rig-paths');
const wine = require('./wine-node');

const onLinux = process.platform === 'linux';
const simulatorBuilds = ['dispatch', 'vtable'];
const runnerTimeoutMs = 20 * 60 * 1000;
const mochaBin = path.join(rig.repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(rig.repoRoot, 'test', 'support', 'summary-reporter.js');
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-test-'));
const results = [];
const nodeNotes = [];

function say(line) {
  process.stdout.write(`${line}\n`);
}

function hostPath(p) {
  return onLinux ? wine.toWindowsPath(p) : p;
}

function killWinePrefix() {
  if (onLinux) spawnSync('wineserver', ['-k'], { env: rig.wineEnv(), stdio: 'ignore' });
}

function readSummary(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return null;
  }
}

// Runs one test runner to completion (or the timeout) and records its counts.
async function runRunner(label, start) {
  const summaryFile = path.join(summaryDir, `${results.length}.json`);
  say(`\n=== ${label} ===`);
  const child = start(summaryFile);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
    killWinePrefix();
  }, runnerTimeoutMs);
  const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  clearTimeout(timer);
  const summary = readSummary(summaryFile);
  let problem = null;
  if (timedOut) problem = `timed out after ${runnerTimeoutMs / 60000} minutes`;
  else if (!summary) problem = `exited with ${status} before reporting any result`;
  else if (summary.passed + summary.failed === 0) problem = 'ran no test';
  else if (status !== 0 && summary.failed === 0) problem = `exited with ${status} after its tests passed`;
  results.push({ label, summary: summary || { passed: 0, failed: 0, skipped: 0 }, problem });
}

function spawnLocalNode(args, env) {
  return spawn(process.execPath, args, { stdio: 'inherit', cwd: rig.repoRoot, env: Object.assign({}, process.env, env) });
}

function spawnWindowsNode(version, args, env) {
  return onLinux ? wine.spawnWindowsNode(version, args, { cwd: rig.repoRoot, env }) : spawnLocalNode(args, env);
}

// Whether this Wine can start a given Windows node at all (Node >= 24 aborts under Wine 8.0).
function probeWindowsNode(version) {
  const { command, args } = wine.windowsNodeCommand(version, ['-e', 'process.exit(0)']);
  const probe = spawnSync(command, args, { env: rig.wineEnv(), encoding: 'utf8', timeout: 120000 });
  if (probe.status === 0) return null;
  const output = `${probe.stdout || ''}${probe.stderr || ''}`;
  const wineVersion = spawnSync('wine', ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (/SegmentedTable|out of memory/i.test(output)) {
    return `Node ${version} aborts at start under ${wineVersion} ("Fatal process out of memory: SegmentedTable::InitializeTable"), a known V8/Wine incompatibility`;
  }
  return `Node ${version} does not start under ${wineVersion} (exit ${probe.status}): ${output.trim().split('\n').slice(-3).join(' | ')}`;
}

function mochaArgs(pattern, timeoutMs, toPath) {
  return [toPath(mochaBin), '--reporter', toPath(reporter), '--timeout', String(timeoutMs), '--recursive', pattern];
}

async function main() {
  const build = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit', cwd: rig.repoRoot });
  if (build.status !== 0) {
    say('build failed: no test ran');
    say('0 passed, 1 failed');
    process.exit(1);
  }

  await runRunner(`unit tests (node ${process.version}, ${process.platform})`, (summaryFile) =>
    spawnLocalNode(mochaArgs('test/unit/**/*.test.js', 10000, (p) => p), { VSE_TEST_SUMMARY: summaryFile }));

  killWinePrefix();
  const windowsVersions = onLinux ? [rig.nodeVersions.roles.main, rig.nodeVersions.roles.newest] : [process.version.slice(1)];
  for (const version of windowsVersions) {
    const reason = onLinux ? probeWindowsNode(version) : null;
    if (reason) {
      nodeNotes.push(`skipped Windows node ${version}: ${reason}`);
      continue;
    }
    nodeNotes.push(`ran Windows node ${version}${onLinux ? ' under Wine' : ''}: windows layer, both simulator builds`);
    for (const simulatorBuild of simulatorBuilds) {
      await runRunner(`windows tests (Windows node ${version}, simulator build: ${simulatorBuild})`, (summaryFile) =>
        spawnWindowsNode(version, mochaArgs('test/windows/**/*.test.js', 60000, hostPath),
          { VSE_SIMULATOR_BUILD: simulatorBuild, VSE_TEST_SUMMARY: hostPath(summaryFile) }));
      killWinePrefix();
    }
  }

  if (onLinux) {
    const oldest = rig.nodeVersions.roles.oldest;
    const reason = probeWindowsNode(oldest);
    if (reason) {
      nodeNotes.push(`skipped the smoke run on Windows node ${oldest}: ${reason}`);
      results.push({ label: `smoke (Windows node ${oldest})`, summary: { passed: 0, failed: 0, skipped: 0 }, problem: reason });
    } else {
      nodeNotes.push(`ran Windows node ${oldest} under Wine: smoke run of the built package`);
      const smokeDir = path.join(rig.repoRoot, 'test', 'smoke');
      for (const file of fs.readdirSync(smokeDir).filter((f) => f.endsWith('.js')).sort()) {
        await runRunner(`smoke ${file} (Windows node ${oldest})`, (summaryFile) =>
          spawnWindowsNode(oldest, [hostPath(path.join(smokeDir, file))], { VSE_TEST_SUMMARY: hostPath(summaryFile) }));
        killWinePrefix();
      }
    }
  }

  say('\n=== summary ===');
  for (const note of nodeNotes) say(note);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const { label, summary, problem } of results) {
    passed += summary.passed;
    failed += summary.failed + (problem ? 1 : 0);
    skipped += summary.skipped;
    say(`${label}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${problem ? ` (runner problem: ${problem})` : ''}`);
  }
  say(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  fs.rmSync(summaryDir, { recursive: true, force: true });
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`test: ${error.stack || error.message}\n`);
  killWinePrefix();
  process.exit(1);
});
