'use strict';
// What the stress cases share: the public API and the raw binding, a control connection to the running
// simulator, its advised-sink counts, and the fixtures that run a case in a child Windows node.
const path = require('path');
const h = require('../support/harness');
const { takeBacktraces } = require('./backtraces');

const api = require(h.repoRoot);
const binding = h.loadAddon();
const fixturesDir = path.join(__dirname, 'fixtures');
// The probe timing of every case's connections: failures are found within about a second.
const probe = { probeInterval: 500, probeTimeout: 1000, callTimeout: 3000 };
// How long a growth of handles or threads may last before it counts: twice the call timeout, so that a
// call in flight when its connection closed has ended.
const SETTLE_MS = 2 * probe.callTimeout;

// The simulator's control object, for a case that does not kill the simulator (a process that holds
// proxies of a killed server cannot activate it again under Wine 8.0): release() it in tearDown.
async function openControl() {
  const { server, control } = await h.connectSimulator(binding);
  binding.release(server);
  return control;
}

/** Resolves once the simulator counts no advised sink on `vmName` ('' for the server), or throws. */
function waitForNoSinks(control, vmName, timeoutMs = 10000) {
  let count;
  return h.sim
    .waitFor(
      async () => {
        count = await binding.call(control, 'AdvisedSinkCount', [vmName]);
        return count === 0;
      },
      timeoutMs,
      `no sink advised on ${vmName ? `VM ${vmName}` : 'the server'}`,
      20,
    )
    .catch(() => {
      throw new Error(
        `${count} sink(s) still advised on ${vmName ? `VM ${vmName}` : 'the server'} after ${timeoutMs} ms`,
      );
    });
}

/**
 * Resolves once the simulator has fired everything queued. Each WaitForIdle call stays well inside the
 * control connection's call deadline; a simulator still busy after `timeoutMs` in all is a failure.
 */
async function waitIdle(control, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await binding.call(control, 'WaitForIdle', [5000]))) {
    if (Date.now() > deadline) throw new Error(`the simulator was still firing after ${timeoutMs} ms`);
  }
}

/** Runs test/stress/fixtures/<name>.js in a child Windows node; its JSON lines as messages. */
async function runFixture(name, args, { timeoutMs = 60000 } = {}) {
  const started = Date.now();
  // A hung child is gone by the time the runner looks: its backtraces are taken before it is killed.
  const onHang = () => `backtraces: ${takeBacktraces(`${name}-child`, process.env.VSE_SIMULATOR_BUILD || '', started)}`;
  const result = await h.runChild(path.join(fixturesDir, `${name}.js`), args.map(String), { timeoutMs, onHang });
  const failed = result.messages.find((message) => message.error);
  if (failed) throw new Error(`${name}.js: ${failed.error}`);
  if (result.status !== 0) {
    // The first line says what failed (child-common's "child failed: <message>"); the stack follows it.
    throw new Error(`${name}.js exited with ${result.status}: ${result.stderr.trim().split('\n')[0]}`);
  }
  return { ms: Date.now() - started, messages: result.messages };
}

// This process's memory in MB: its RSS and the JS heap in use. Cheap: no census.
function memory() {
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / 1048576, heapMb: usage.heapUsed / 1048576 };
}

// Handles and threads of this process, and its memory, to compare before and after a case.
function resources() {
  const census = h.sim.census();
  return Object.assign({ handles: census.handles, threads: census.threads }, memory());
}

/** A figure in MB, to one decimal, as the cases report memory. */
function roundMb(mb) {
  return Math.round(mb * 10) / 10;
}

/**
 * Throws when handles or threads grew by more than `slack` since `before` and stay so for SETTLE_MS.
 * Collects garbage first, and again while it waits: handles a collected JS object held go with its
 * finalizer, which runs later, and a COM thread of a connection closed at the last moment may still be
 * finishing its last call (a worker terminated mid-subscribe). A leak stays; those go.
 */
async function assertNoGrowth(before, what, slack = { handles: 10, threads: 2 }) {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    if (global.gc) global.gc();
    await sleep(300);
    const after = resources();
    const grown = ['handles', 'threads'].filter((key) => after[key] - before[key] > slack[key]);
    const figures = { handleGrowth: after.handles - before.handles, threadGrowth: after.threads - before.threads };
    if (grown.length === 0) return figures;
    if (Date.now() >= deadline) {
      throw new Error(
        `${what}: ${grown.map((key) => `${key} ${before[key]} -> ${after[key]}`).join(', ')} (more than ${grown
          .map((key) => slack[key])
          .join('/')} allowed, for ${SETTLE_MS} ms)`,
      );
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = {
  h,
  api,
  binding,
  probe,
  openControl,
  waitForNoSinks,
  waitIdle,
  runFixture,
  memory,
  resources,
  assertNoGrowth,
  roundMb,
  sleep,
};
