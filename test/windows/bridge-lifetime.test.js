'use strict';
// Lifetimes the bridge must survive: queue overflow, garbage collection, worker threads terminated
// mid-burst, process exit mid-burst (with and without ref), and the server killed mid-stream.
const assert = require('assert');
const { Worker } = require('worker_threads');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const h = require('../support/harness');
const { disconnectionHresults } = require('../../dist/hresults.js');

const build = h.sim.simulatorBuild();

describe(`bridge lifetime (simulator build: ${build})`, function () {
  this.timeout(180000);
  let binding;
  let server;
  let control;

  h.connectForSuite((connected) => ({ binding, server, control } = connected));

  async function newVm(prefix) {
    const name = await h.defineVm(binding, control, prefix);
    return { name, vmObject: await binding.call(server, 'FindVirtualMachine', [name]) };
  }

  function sinkCount(name) {
    return binding.call(control, 'AdvisedSinkCount', [name]);
  }

  it("ends with ERR_VS_EVENT_QUEUE_OVERFLOW when JS falls maxQueue behind with overflow 'error'", async function () {
    const { name, vmObject } = await newVm('overflow');
    const events = h.collector();
    // Held: a handle collected by GC closes its subscription, which would end it before the overflow could.
    const subscription = await binding.subscribe(vmObject, events.options({ maxQueue: 5, overflow: 'error' }));
    await binding.call(control, 'FireBurst', ['OnReset', 200, name]);
    // Under load a first batch can reach JS before the block: from then on only the native queue fills.
    const readBeforeBlock = events.records.length;
    h.blockJsThread(2000);
    await events.waitForEnd();
    assert.ok(events.ended, 'ended with an error');
    assert.strictEqual(events.ended.code, 'ERR_VS_EVENT_QUEUE_OVERFLOW');
    assert.match(events.ended.message, /maxQueue \(5 /);
    assert.ok(
      events.records.length <= readBeforeBlock + 5,
      `${events.records.length} events came before the end, ${readBeforeBlock} of them before JS stopped reading`,
    );
    await h.waitUntil(async () => (await sinkCount(name)) === 0, 'the overflowed sink to be unadvised');
    await h.waitIdle(binding, control);
    await subscription.close(); // after the end: resolves at once
    binding.release(vmObject);
  });

  it("keeps the newest events and counts the rest with overflow 'drop-oldest'", async function () {
    const { name, vmObject } = await newVm('drop');
    const events = h.collector();
    const subscription = await binding.subscribe(vmObject, events.options({ maxQueue: 5, overflow: 'drop-oldest' }));
    const count = 200;
    await binding.call(control, 'FireBurst', ['OnConfigurationChanged', count, name]);
    h.blockJsThread(2000);
    await h.waitIdle(binding, control);
    await h.waitUntil(() => events.records.length + events.dropped === count, 'every event to be delivered or counted');
    assert.ok(events.dropped > 0, 'some events were dropped while JS was blocked');
    const values = events.records.map((r) => Number(r.args[1]));
    assert.strictEqual(values[values.length - 1], count, 'the newest event is kept');
    values.forEach((v, i) => assert.ok(i === 0 || v > values[i - 1], `in order: ${values}`));
    await subscription.close();
    binding.release(vmObject);
  });

  it('unadvises a subscription whose handle was garbage-collected', async function () {
    const { name, vmObject } = await newVm('gc');
    const events = h.collector();
    await binding.subscribe(vmObject, events.options()); // the handle is dropped at once
    assert.strictEqual(await sinkCount(name), 1);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    await h.waitUntil(() => {
      gc();
      return events.ended !== undefined;
    }, 'the collected subscription to end');
    assert.strictEqual(events.ended, null);
    await h.waitUntil(async () => (await sinkCount(name)) === 0, 'the collected subscription to be unadvised');
    binding.release(vmObject);
  });

  it('survives worker threads that subscribe and are terminated mid-burst', async function () {
    for (let round = 0; round < 3; round += 1) {
      const worker = new Worker(path.join(__dirname, 'fixtures', 'bridge', 'worker-subscriber.js'));
      let name;
      await new Promise(
        /** @param {(value?: void) => void} resolve */ (resolve, reject) => {
          worker.on('error', reject);
          worker.on('message', (message) => {
            if (message.error) reject(new Error(message.error));
            if (message.vm) name = message.vm;
            // Round 0 terminates at the first events, round 1 once subscribed (the burst just asked for),
            // round 2 while subscribe() is still in flight.
            if (
              (round === 0 && message.firstEvents) ||
              (round === 1 && message.subscribed) ||
              (round === 2 && message.subscribing)
            )
              resolve();
          });
        },
      );
      await worker.terminate();
      assert.ok(name, 'the worker said which VM it used');
      await h.waitUntil(async () => (await sinkCount(name)) === 0, `worker ${round}'s sink to be unadvised`);
    }
    // This thread's bridge is unharmed.
    const { name, vmObject } = await newVm('after-workers');
    const events = h.collector();
    const subscription = await binding.subscribe(vmObject, events.options());
    await binding.call(control, 'FireReset', [name]);
    await events.waitForCount(1);
    await subscription.close();
    binding.release(vmObject);
    await h.waitIdle(binding, control);
  });

  for (const mode of ['exit', 'natural', 'ref-unref']) {
    it(`lets a process with a live subscription exit mid-burst (${mode})`, async function () {
      const child = await h.runChild('exit-mid-burst.js', [mode]);
      assert.strictEqual(child.stderr, '', 'nothing on stderr');
      assert.strictEqual(child.status, 0, `exit status ${child.status} (${child.signal})`);
      const name = child.messages.find((m) => m.vm).vm;
      if (mode !== 'natural')
        assert.ok(
          child.messages.some((m) => m.firstBatch > 0),
          'it had events before exiting',
        );
      await h.waitIdle(binding, control);
      await h.waitUntil(async () => (await sinkCount(name)) === 0, "the dead client's sink to go");
    });
  }

  it('ends with ERR_VS_DISCONNECTED within the probe interval when the server is killed mid-stream', async function () {
    // Under Wine 8.0 a process that held proxies of a killed server cannot activate the class again, so
    // this process lets go of everything first (the round trip makes sure the releases went out).
    binding.release(server);
    binding.release(control);
    server = control = undefined;
    binding.release(await binding.connect({ progId: 'Scripting.Dictionary' }));
    const probeIntervalMs = 1000;
    const child = await h.runChild('crash-server.js', [String(probeIntervalMs)]);
    assert.strictEqual(child.status, 0, `child: ${child.stderr}${child.stdout}`);
    const [result] = child.messages;
    assert.ok(result.eventsBefore >= 10, 'events flowed before the crash');
    assert.ok(result.inOrder, 'and in order');
    assert.strictEqual(result.end.code, 'ERR_VS_DISCONNECTED', result.end.message);
    assert.ok(
      disconnectionHresults.has(result.end.hresult),
      `an HRESULT flagged disconnects in lib/hresults.ts: 0x${result.end.hresult.toString(16)}`,
    );
    assert.match(result.end.message, /probing the server .* failed: 0x[0-9A-F]{8}/);
    assert.ok(result.msAfterCrash < 2 * probeIntervalMs + 3000, `ended ${result.msAfterCrash} ms after the crash`);
    await h.sim.waitForNoSimulator();
  });
});
