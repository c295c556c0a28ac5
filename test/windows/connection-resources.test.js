'use strict';
// What one connection costs and gives back: one liveness probe however many streams it has, with a
// timeout counted from when the probe goes out; timers of finished calls that hold nothing until their
// time; a subscribe() that timed out after its advise lets go of its stream's callbacks; and release()
// never holds up the connection's calls while its prober waits on the host; an enumerator that never ends
// is cut off. The simulator plays a slow host with SetLatency and a broken one with EndlessEnumerator
// (test/simulator/README.md).
const assert = require('assert');
const v8 = require('v8');
const vm = require('vm');
const h = require('../support/harness');

const api = require('../../dist/index.js');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe(`connection resources (build: ${h.sim.simulatorBuild()})`, function () {
  this.timeout(120000);
  /** @type {import('../../dist/binding.js').NativeBinding} */
  let binding;
  /** @type {import('../../dist/binding.js').NativeObject} */
  let control;
  h.connectForSuite(
    (connected) => {
      ({ binding, control } = connected);
    },
    { keepServer: false },
  );

  afterEach(async function () {
    await binding.call(control, 'SetLatency', ['GetTypeInfoCount', 0]);
    await binding.call(control, 'SetLatency', ['Advise', 0]);
  });

  it('sends one probe per interval for a connection with 60 streams, and a slow host is no hung host', async function () {
    // Each probe takes 60 ms to answer. Probes sent one per stream, one after another, would make the
    // last of 60 wait 3.6 s, past probeTimeout (the review's reproduction of the bug).
    const name = await h.defineVm(binding, control, 'probes', h.sim.VMVMState.Running);
    await binding.call(control, 'SetLatency', ['GetTypeInfoCount', 60]);
    const server = await api.connect({ probeInterval: 300, probeTimeout: 1500, callTimeout: 5000 });
    try {
      const machine = await server.findVirtualMachine(name);
      const streams = Array.from({ length: 60 }, () => machine.events());
      await Promise.all(streams.map((stream) => stream.ready()));
      const before = await binding.call(control, 'CallCount', ['GetTypeInfoCount']);
      const windowMs = 3000;
      await sleep(windowMs);
      const probes =
        /** @type {number} */ (await binding.call(control, 'CallCount', ['GetTypeInfoCount'])) -
        /** @type {number} */ (before);
      process.stdout.write(
        `      figures: ${JSON.stringify({ streams: 60, windowMs, probeIntervalMs: 300, probes })}\n`,
      );
      assert.ok(
        streams.every((stream) => !stream.finished),
        'a stream ended: the connection was taken for unresponsive',
      );
      await server.name(); // the connection still answers
      // One probe per interval (each answered in 60 ms), not one per stream.
      assert.ok(probes >= 3 && probes <= Math.ceil(windowMs / 300) + 1, `${probes} probes in ${windowMs} ms`);
    } finally {
      await server.close();
      await binding.call(control, 'RemoveVirtualMachine', [name]);
    }
  });

  it('keeps no timer of a finished call until its deadline', async function () {
    const server = await binding.connect({ callTimeoutMs: 600000 });
    try {
      const before = binding.diagnostics().timers;
      for (let i = 0; i < 200; i += 1) await binding.get(server, 'Name');
      const after = binding.diagnostics().timers;
      process.stdout.write(`      figures: ${JSON.stringify({ calls: 200, callTimeoutMs: 600000, before, after })}\n`);
      // Two timers a call (the queue's watch and the deadline) would leave 400 here for ten minutes.
      assert.ok(after - before <= 4, `${after - before} timers left after 200 calls`);
    } finally {
      await binding.release(server);
    }
  });

  it('a subscribe() that timed out after its advise unadvises and lets go of its callbacks', async function () {
    const name = await h.defineVm(binding, control, 'late-advise');
    // The advise returns 1.5 s after it went out: after the call's deadline (1 s), before the grace that
    // would take the connection for unresponsive (1 s more; Wine cannot cancel the call).
    const server = await binding.connect({ callTimeoutMs: 1000 });
    const machine = h.objectOf(await binding.call(server, 'FindVirtualMachine', [name]), `the VM ${name}`);
    await binding.call(control, 'SetLatency', ['Advise', 1500]);
    let onEvents = () => undefined;
    const held = new WeakRef(onEvents);
    try {
      const failure = await binding
        .subscribe(machine, {
          maxQueue: 10,
          overflow: 'error',
          probeIntervalMs: 5000,
          probeTimeoutMs: 5000,
          onEvents,
          onEnd: () => undefined,
        })
        .then(
          () => null,
          (error) => error,
        );
      onEvents = () => undefined;
      assert.ok(failure, 'subscribe() resolved, past its call timeout');
      assert.strictEqual(failure.code, 'ERR_VS_TIMEOUT', failure.message);
      // Its subscription, never handed to JS, goes when the advise returns.
      await h.waitUntil(async () => (await binding.call(control, 'AdvisedSinkCount', [name])) === 0, 'the unadvise');
      await h.waitUntil(() => {
        gc();
        return held.deref() === undefined;
      }, 'onEvents to be collected');
    } finally {
      binding.release(machine);
      await binding.release(server);
      await binding.call(control, 'RemoveVirtualMachine', [name]);
    }
  });

  it('release() does not hold up the calls behind it while the prober waits on a slow host', async function () {
    const name = await h.defineVm(binding, control, 'release-prober', h.sim.VMVMState.Running);
    // Probes take 3 s; calls 500 ms at most. A release that made the worker wait for the prober would leave
    // the next call queued 3 s behind it, and the connection would be taken for unresponsive.
    const server = await binding.connect({ callTimeoutMs: 500 });
    const machine = h.objectOf(await binding.call(server, 'FindVirtualMachine', [name]), `the VM ${name}`);
    const events = h.collector();
    const subscription = await binding.subscribe(
      machine,
      events.options({ probeIntervalMs: 100, probeTimeoutMs: 10000 }),
    );
    try {
      const probesBefore = await binding.call(control, 'CallCount', ['GetTypeInfoCount']);
      await binding.call(control, 'SetLatency', ['GetTypeInfoCount', 3000]);
      await sleep(300); // a probe is out now, answered in 3 s
      const other = h.objectOf(await binding.call(server, 'FindVirtualMachine', [name]), `the VM ${name}`);
      const released = binding.release(other);
      const started = Date.now();
      await binding.get(server, 'Name');
      const callMs = Date.now() - started;
      await released;
      process.stdout.write(`      figures: ${JSON.stringify({ callMs })}\n`);
      assert.ok(
        /** @type {number} */ (await binding.call(control, 'CallCount', ['GetTypeInfoCount'])) >
          /** @type {number} */ (probesBefore),
        'probes went out',
      );
      assert.strictEqual(events.ended, undefined, 'the stream is still open');
    } finally {
      await binding.call(control, 'SetLatency', ['GetTypeInfoCount', 0]);
      await subscription.close();
      binding.release(machine);
      await binding.release(server);
      await binding.call(control, 'RemoveVirtualMachine', [name]);
    }
  });

  it('virtualMachines() of a server whose enumerator never ends rejects, and the connection goes on', async function () {
    const server = await api.connect({ callTimeout: 60000 });
    try {
      await binding.put(control, 'EndlessEnumerator', true);
      const started = Date.now();
      const error = await server.virtualMachines().then(
        () => assert.fail('virtualMachines() resolved over an endless enumerator'),
        (/** @type {any} */ thrown) => thrown,
      );
      const ms = Date.now() - started;
      process.stdout.write(`      figures: ${JSON.stringify({ ms, code: error.code })}\n`);
      assert.strictEqual(error.code, 'ERR_VS_COM_ERROR', String(error && error.stack));
      assert.match(error.message, /more than 65536 items and did not end/);
      await binding.put(control, 'EndlessEnumerator', false);
      assert.ok(Array.isArray(await server.virtualMachines()), 'the same connection enumerates again');
    } finally {
      await binding.put(control, 'EndlessEnumerator', false);
      await server.close();
    }
  });
});
