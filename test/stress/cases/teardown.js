'use strict';
// Teardown races mid-burst: break, abort, server.close(), process.exit(), worker.terminate() at a random
// step, and the garbage collection of a native subscription nobody holds. Every run: no crash, the
// simulator's advised-sink count for the VM returns to 0; over all runs this process' handles and threads
// stay within a small constant of where they started (measured after one warm-up run).
const path = require('path');
const { Worker } = require('worker_threads');
const {
  h,
  api,
  binding,
  probe,
  openControl,
  waitForNoSinks,
  waitIdle,
  runFixture,
  resources,
  assertNoGrowth,
} = require('../support');
const { isError } = require('../../support/thrown');

const BURST = 5000;

// Reads `count` events of a stream (which must still be flowing) and returns the iterator's loop state.
async function readSome(stream, count) {
  let seen = 0;
  for await (const event of stream) {
    void event;
    seen += 1;
    if (seen === count) break;
  }
  return seen;
}

// What the cases' figures are (docs/reliability.md shows them under these words).
const measures = {
  'growth.handleGrowth': 'growth of the handles of this process from after the first run to the end, once settled',
  'growth.threadGrowth': 'growth of the threads of this process from after the first run to the end, once settled',
  childMs: 'ms the child process lived, from its start to its exit',
};

// A case whose runs share one connection and one VM of this process.
function inProcess(name, what, teardownOnce) {
  return {
    name,
    what,
    runs: { full: 100, reduced: 5 },
    deadlineMs: 30000,
    measures,
    async setUp(context) {
      context.control = await openControl();
      context.vmName = `${name}-${process.pid}`;
      await binding.call(context.control, 'DefineVirtualMachine', [context.vmName, h.sim.VMVMState.Running]);
      context.server = await api.connect(probe);
      context.vm = await context.server.findVirtualMachine(context.vmName);
    },
    async once(context, run) {
      const fire = () => binding.call(context.control, 'FireBurst', ['OnConfigurationChanged', BURST, context.vmName]);
      await teardownOnce(context, fire);
      await waitForNoSinks(context.control, context.vmName);
      await waitIdle(context.control);
      if (run === 1) context.before = resources();
    },
    async tearDown(context) {
      if (context.before) context.figures.growth = await assertNoGrowth(context.before, `after ${name} runs`);
      await closeCase(context);
    },
    recover: (context) => waitIdle(context.control),
  };
}

async function closeCase(context) {
  if (context.server) await context.server.close();
  if (context.vmName) await binding.call(context.control, 'RemoveVirtualMachine', [context.vmName]);
  binding.release(context.control);
}

const breakCase = inProcess('teardown-break', 'break out of for-await mid-burst', async (context, fire) => {
  const stream = context.vm.events();
  await stream.ready();
  await fire();
  await readSome(stream, 10);
});

const abortCase = inProcess('teardown-abort', 'abort the signal of a stream mid-burst', async (context, fire) => {
  const controller = new AbortController();
  const stream = context.vm.events({ signal: controller.signal });
  await stream.ready();
  await fire();
  let seen = 0;
  try {
    for await (const event of stream) {
      void event;
      seen += 1;
      if (seen === 10) controller.abort();
    }
    throw new Error('the aborted stream ended without AbortError');
  } catch (error) {
    if (!isError(error) || error.name !== 'AbortError') throw error;
  }
});

const closeCaseRuns = inProcess(
  'teardown-close',
  'server.close() of a connection whose stream is mid-burst',
  async (context, fire) => {
    const server = await api.connect(probe);
    const stream = (await server.findVirtualMachine(context.vmName)).events();
    await stream.ready();
    await fire();
    const reading = readSome(stream, BURST);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    await server.close();
    const seen = await reading;
    if (seen === BURST) throw new Error('the whole burst arrived before close(): nothing raced');
  },
);

const gcCase = inProcess(
  'teardown-gc',
  'garbage collection of a native subscription nobody holds, mid-burst',
  async (context, fire) => {
    const { gc } = global;
    if (!gc) throw new Error('run with --expose-gc (npm run test:stress does)');
    const rawServer = await binding.connect({});
    const target = h.objectOf(await binding.call(rawServer, 'FindVirtualMachine', [context.vmName]), 'the VM');
    /** @type {import('../../../dist/binding').NativeError | null | undefined} */
    let ended;
    await binding.subscribe(target, {
      maxQueue: 100000,
      overflow: 'error',
      probeIntervalMs: probe.probeInterval,
      probeTimeoutMs: probe.probeTimeout,
      onEvents() {},
      onEnd(error) {
        ended = error;
      },
    }); // the handle is dropped at once
    await fire();
    await h.waitUntil(() => {
      gc();
      return ended !== undefined;
    }, 'the collected subscription to end');
    binding.release(target);
    binding.release(rawServer);
    if (ended) throw new Error(`the collected subscription ended with ${ended.code}`);
  },
);

// A case whose every run is a process or a worker of its own, with a VM of its own.
function isolated(name, what, runOnce) {
  return {
    name,
    what,
    runs: { full: 100, reduced: 3 },
    deadlineMs: 60000,
    measures,
    async setUp(context) {
      context.control = await openControl();
    },
    async once(context, run) {
      const vmName = `${name}-${process.pid}-${run}`;
      const figures = await runOnce(context, vmName, run);
      await waitForNoSinks(context.control, vmName);
      await waitIdle(context.control);
      await binding.call(context.control, 'RemoveVirtualMachine', [vmName]);
      if (run === 1) context.before = resources();
      return figures;
    },
    async tearDown(context) {
      if (context.before) context.figures.growth = await assertNoGrowth(context.before, `after ${name} runs`);
      binding.release(context.control);
    },
  };
}

const exitRuns = isolated('teardown-exit', 'process.exit() inside for-await mid-burst', async (context, vmName) => {
  const { ms } = await runFixture('exit', [JSON.stringify(probe), vmName]);
  return { childMs: ms };
});
// The simulator keeps the sinks of a process that died, as a host that never notices may: the child's
// sink is gone only if it unadvised as it exited (process.exit() runs no cleanup hook of the addon's).
// A child's own handles and threads end with it; what it can leave behind is on the host's side, so the
// simulator's process is counted too (hostGrowth below).
const exitCase = Object.assign({}, exitRuns, {
  measures: Object.assign({}, measures, {
    'hostGrowth.handleGrowth': "growth of the simulator process' handles from after the first run to the end",
    'hostGrowth.threadGrowth': "growth of the simulator process' threads from after the first run to the end",
  }),
  async setUp(/** @type {any} */ context) {
    await exitRuns.setUp(context);
    await binding.put(context.control, 'KeepDeadSinks', true);
    context.hostPid = await binding.get(context.control, 'ProcessId');
  },
  async once(/** @type {any} */ context, /** @type {number} */ run) {
    const figures = await exitRuns.once(context, run);
    if (run === 1) context.hostBefore = h.sim.census(context.hostPid);
    return figures;
  },
  async tearDown(/** @type {any} */ context) {
    try {
      await binding.put(context.control, 'KeepDeadSinks', false);
      if (context.hostBefore) context.figures.hostGrowth = hostGrowth(context);
    } finally {
      await exitRuns.tearDown(context);
    }
  },
});

// The simulator's growth over the exit runs. Threads: less than one a run (or, with fewer runs than
// that, HOST_SLACK: its RPC threads come and go with load). Handles: under Wine the simulator keeps 3 a
// child that exited (72 over 24 children, measured), which Windows'
// DCOM would let go once the dead client stops pinging (Wine does no pinging); a child that left more
// behind would pass HANDLES_PER_CHILD.
const HOST_SLACK = 20;
const HANDLES_PER_CHILD = 4;
function hostGrowth(/** @type {any} */ context) {
  const after = h.sim.census(context.hostPid);
  const growth = {
    handleGrowth: after.handles - context.hostBefore.handles,
    threadGrowth: after.threads - context.hostBefore.threads,
  };
  const children = context.runs - 1;
  const bounds = {
    handles: Math.max(children * HANDLES_PER_CHILD, HOST_SLACK),
    threads: Math.max(children, HOST_SLACK),
  };
  if (growth.handleGrowth >= bounds.handles || growth.threadGrowth >= bounds.threads) {
    throw new Error(
      `the simulator grew over ${children} exited children past ${JSON.stringify(bounds)}: ${JSON.stringify(growth)}`,
    );
  }
  return growth;
}

const steps = ['subscribing', 'subscribed', 'firstEvents'];
const workerCase = isolated(
  'teardown-worker',
  'worker.terminate() of a subscribing worker at a random step',
  async (context, vmName) => {
    const at = steps[Math.floor(Math.random() * steps.length)];
    const worker = new Worker(path.join(__dirname, '..', 'fixtures', 'worker.js'), {
      workerData: { vmName, probe },
    });
    await new Promise(
      /** @param {(value?: unknown) => void} resolve @param {(error: Error) => void} reject */
      (resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (message) => {
          if (message.error) reject(new Error(message.error));
          if (message.step === at) resolve();
        });
      },
    );
    await worker.terminate();
  },
);

module.exports = [breakCase, abortCase, closeCaseRuns, gcCase, exitCase, workerCase];
