'use strict';
// The public API (require of the repo as the package) end to end against the simulator build of this run
// (VSE_SIMULATOR_BUILD): queue bounds, filters, abort, several streams, close, discovery, a dying server.
// Lookup, the typed events of both interfaces, the shutdown answer and the control methods are the
// contract suite's (test/contract), which runs them against the simulator and the fake. Waits are on conditions.
const assert = require('assert');
const h = require('../support/harness');
const { isError } = require('../support/thrown');
const { take } = require('../support/take');

const api = require('../..'); // the package, through its main (dist/index.js) and types
const { VMState } = api;
const build = h.sim.simulatorBuild();

describe(`public API against the simulator (build: ${build})`, function () {
  this.timeout(120000);
  let binding;
  let control;
  let server;

  h.connectForSuite((connected) => ({ binding, control } = connected), { keepServer: false });
  after(async function () {
    if (server) await server.close();
  });
  before(async function () {
    server = await api.connect();
  });

  function fire(verb, ...args) {
    return binding.call(control, verb, args);
  }

  async function newVm(prefix, state = VMState.TurnedOff) {
    const name = await h.defineVm(binding, control, prefix, state);
    return server.findVirtualMachine(name);
  }

  it('types filters the stream', async function () {
    const vm = await newVm('types');
    const stream = vm.events({ types: ['configurationChanged'] });
    await stream.ready();
    await fire('FireHeartbeatStopped', vm.name);
    await fire('FireReset', vm.name);
    await fire('FireConfigurationChanged', vm.name, 'only', 'this');
    const [event] = await take(stream, 1);
    assert.deepStrictEqual([event.type, event.key], ['configurationChanged', 'only']);
    await stream.return();
  });

  it("a burst beyond maxQueue with overflow 'error' delivers what was queued, then ERR_VS_EVENT_QUEUE_OVERFLOW", async function () {
    const vm = await newVm('overflow');
    const stream = vm.events({ maxQueue: 50 });
    await stream.ready();
    await fire('FireBurst', 'OnConfigurationChanged', 500, vm.name);
    await h.waitIdle(binding, control);
    const values = [];
    /** @type {unknown} */
    let failure;
    try {
      for await (const event of stream) values.push(event.value);
    } catch (error) {
      failure = error;
    }
    assert.ok(isError(failure), 'the stream ended with an error');
    assert.strictEqual(failure.code, 'ERR_VS_EVENT_QUEUE_OVERFLOW');
    assert.ok(values.length >= 50 && values.length < 500, `delivered ${values.length}`);
    assert.deepStrictEqual(
      values.slice(0, 50),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'in order, from the first',
    );
    await h.waitUntil(async () => (await fire('AdvisedSinkCount', vm.name)) === 0, 'the sink to be unadvised');
  });

  it("overflow 'drop-oldest' keeps the newest and counts what it dropped", async function () {
    const vm = await newVm('drop');
    const stream = vm.events({ maxQueue: 10, overflow: 'drop-oldest' });
    await stream.ready();
    await fire('FireBurst', 'OnConfigurationChanged', 300, vm.name);
    await h.waitIdle(binding, control);
    // Wait until the last value has arrived in the queue: the newest is always kept.
    const values = [];
    for (;;) {
      const { value } = await stream.next();
      values.push(value.value);
      if (value.value === 300) break;
    }
    assert.strictEqual(values.length + stream.dropped, 300, `read ${values.length}, dropped ${stream.dropped}`);
    assert.ok(stream.dropped > 0);
    await stream.return();
  });

  it('several streams on one VM each get every event', async function () {
    const vm = await newVm('fanout');
    const streams = [vm.events(), vm.events(), (await server.findVirtualMachine(vm.name)).events()];
    await Promise.all(streams.map((s) => s.ready()));
    assert.strictEqual(await fire('AdvisedSinkCount', vm.name), 3);
    await fire('FireBurst', 'OnConfigurationChanged', 20, vm.name);
    for (const stream of streams) {
      assert.deepStrictEqual(
        (await take(stream, 20)).map((e) => e.value),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    }
    await Promise.all(streams.map((s) => s.return()));
    assert.strictEqual(await fire('AdvisedSinkCount', vm.name), 0, 'return() unadvised every sink');
  });

  it('abort rejects the pending next() with AbortError (cause: the reason) and unadvises', async function () {
    const vm = await newVm('abort');
    const controller = new AbortController();
    const stream = vm.events({ signal: controller.signal });
    const pending = stream.next();
    await stream.ready();
    assert.strictEqual(await fire('AdvisedSinkCount', vm.name), 1);
    const reason = new Error('stop watching');
    controller.abort(reason);
    await assert.rejects(pending, (error) => isError(error) && error.name === 'AbortError' && error.cause === reason);
    await h.waitUntil(async () => (await fire('AdvisedSinkCount', vm.name)) === 0, 'the sink to be unadvised');
  });

  it('waitForState resolves on a state fired after it subscribed', async function () {
    const vm = await newVm('wait');
    const waiting = vm.waitForState([VMState.Running, VMState.Paused], { timeout: 60000 });
    await h.waitUntil(async () => (await fire('AdvisedSinkCount', vm.name)) === 1, 'waitForState to subscribe');
    await fire('FireStateChange', vm.name, VMState.Paused);
    assert.strictEqual(await waiting, VMState.Paused);
    assert.strictEqual(await fire('AdvisedSinkCount', vm.name), 0);
  });

  it('waitForState times out with ERR_VS_TIMEOUT and unadvises', async function () {
    const vm = await newVm('wait-timeout');
    await assert.rejects(vm.waitForState(VMState.Running, { timeout: 200 }), { code: 'ERR_VS_TIMEOUT' });
    await h.waitUntil(async () => (await fire('AdvisedSinkCount', vm.name)) === 0, 'the sink to be unadvised');
  });

  it('close() ends every stream of the server and its VMs and unadvises them', async function () {
    const other = await api.connect();
    const vm = await other.findVirtualMachine((await newVm('close')).name);
    const streams = [vm.events(), other.events()];
    const pending = streams.map((s) => s.next());
    await Promise.all(streams.map((s) => s.ready()));
    assert.strictEqual(await fire('AdvisedSinkCount', vm.name), 1);
    await other.close();
    for (const result of await Promise.all(pending)) assert.deepStrictEqual(result, { done: true, value: undefined });
    assert.strictEqual(await fire('AdvisedSinkCount', vm.name), 0);
    await assert.rejects(other.name(), { code: 'ERR_VS_CLOSED' });
  });

  it('lists the discovered event interfaces of the server and a VM', async function () {
    const vm = await newVm('inspect');
    const [serverEvents] = await server.eventInterfaces();
    const [vmEvents] = await vm.eventInterfaces();
    assert.strictEqual(serverEvents.name, 'IVMVirtualServerEvents');
    assert.strictEqual(vmEvents.name, 'IVMVirtualMachineEvents');
    assert.strictEqual(vmEvents.kind, build === 'dispatch' ? 'dispinterface' : 'vtable');
  });

  it('a stream whose server dies ends with ERR_VS_DISCONNECTED, or reconnects with reconnect: true (last: it kills the simulator)', async function () {
    // Under Wine 8.0 a process that held proxies of a killed server cannot activate the class again, so
    // this process lets go of everything first and a child process watches the crash.
    await server.close();
    binding.release(control);
    server = control = undefined;
    const child = `
      const api = require(${JSON.stringify(h.repoRoot)});
      const binding = api.loadBinding();
      const CONTROL = ${JSON.stringify(h.sim.CONTROL_PROGID)};
      (async () => {
        const control = await binding.connect({ progId: CONTROL });
        const name = 'dies-' + process.pid;
        await binding.call(control, 'DefineVirtualMachine', [name, 5]);
        const server = await api.connect({ probeInterval: 500 });
        const plain = (await server.findVirtualMachine(name)).events();
        const resilient = server.events({ reconnect: { initialDelay: 100 } });
        await Promise.all([plain.ready(), resilient.ready()]);
        binding.call(control, 'Crash', [3]).catch(() => undefined);
        binding.release(control);
        const outcome = {};
        try {
          for await (const event of plain) void event;
          outcome.plain = { code: 'ended without error' };
        } catch (error) {
          outcome.plain = { code: error.code, hresult: error.hresult, message: error.message };
        }
        outcome.first = (await resilient.next()).value;
        // The new server process knows no VM and fires what the new control object asks.
        const again = await binding.connect({ progId: CONTROL });
        await binding.call(again, 'FireEventLogged', [77]);
        outcome.second = (await resilient.next()).value;
        binding.release(again);
        await server.close();
        console.log(JSON.stringify(outcome));
      })().catch((error) => { console.error(error); process.exitCode = 1; });`;
    const { spawnSync } = require('child_process');
    const result = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8', timeout: 110000 });
    assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
    const outcome = JSON.parse(String(result.stdout.trim().split('\n').pop()));
    assert.strictEqual(outcome.plain.code, 'ERR_VS_DISCONNECTED', outcome.plain.message);
    assert.ok(outcome.plain.hresult >= 0x80000000, `with the HRESULT: ${outcome.plain.message}`);
    assert.match(outcome.plain.message, /virtual machine "dies-\d+"/);
    assert.deepStrictEqual(
      [outcome.first.type, outcome.first.vms],
      ['reconnected', []],
      'a fresh server, resynchronised',
    );
    assert.deepStrictEqual([outcome.second.type, outcome.second.messageId], ['eventLogged', 77], 'events flow again');
    await h.sim.waitForNoSimulator();
  });
});
