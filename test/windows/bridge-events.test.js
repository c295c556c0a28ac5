'use strict';
// The event bridge against the simulator build of this run (VSE_SIMULATOR_BUILD: dispatch or vtable):
// every event of both interfaces with its arguments and order, non-ASCII text, every VARIANT type,
// two subscriptions on one object, subscribing and closing while events fire, [out] answers, batching.
const assert = require('assert');
const h = require('../support/harness');
const { isError } = require('../support/thrown');

const { VMVMState } = h.sim;
const build = h.sim.simulatorBuild();

describe(`bridge events (simulator build: ${build})`, function () {
  this.timeout(120000);
  let binding;
  let server;
  let control;

  h.connectForSuite((connected) => ({ binding, server, control } = connected));

  async function newVm(prefix, state) {
    const name = await h.defineVm(binding, control, prefix, state);
    return { name, vm: await binding.call(server, 'FindVirtualMachine', [name]) };
  }

  function fire(verb, ...args) {
    return binding.call(control, verb, args);
  }

  it("turns a Virtual Server failure into its HRESULT, its VM_E_* name and the server's own words", async function () {
    const { vm } = await newVm('failing', VMVMState.Running);
    await assert.rejects(binding.call(vm, 'Startup', []), (error) => {
      assert.ok(isError(error));
      assert.strictEqual(error.code, 'ERR_VS_COM_ERROR');
      assert.strictEqual(error.hresult, 0xa0040500);
      assert.match(error.message, /^calling "Startup" failed: 0xA0040500 VM_E_VM_RUNNING: .+ \(the server says: .+\)$/);
      return true;
    });
    binding.release(vm);
  });

  it('describes both source interfaces from the type library the objects serve', async function () {
    const { vm } = await newVm('describe');
    const [serverEvents] = await binding.describeEvents(server);
    const [vmEvents] = await binding.describeEvents(vm);
    const kind = build === 'dispatch' ? 'dispinterface' : 'vtable';
    assert.strictEqual(serverEvents.name, 'IVMVirtualServerEvents');
    assert.strictEqual(vmEvents.name, 'IVMVirtualMachineEvents');
    for (const events of [serverEvents, vmEvents]) {
      assert.strictEqual(events.kind, kind);
      assert.match(events.iid, /^\{[0-9A-F-]{36}\}$/);
      const slots = events.methods.map((m) => m.vtableSlot);
      if (kind === 'vtable') {
        assert.ok(
          slots.every((s) => s >= 3),
          `vtable slots after IUnknown's: ${slots}`,
        );
        assert.strictEqual(new Set(slots).size, slots.length, 'one slot a method');
      } else {
        assert.ok(
          slots.every((s) => s === -1),
          'a pure dispinterface has no vtable slots',
        );
        assert.strictEqual(new Set(events.methods.map((m) => m.dispid)).size, events.methods.length);
      }
    }
    const signature = (events) =>
      Object.fromEntries(
        events.methods.map((m) => [m.name, m.params.map((p) => `${p.direction} ${p.type} ${p.name}`)]),
      );
    assert.deepStrictEqual(signature(serverEvents), {
      OnVMStateChange: ['in BSTR virtualMachineConfig', 'in VMVMState virtualMachineState'],
      OnHeartbeatStopped: ['in BSTR virtualMachineConfig'],
      OnEventLogged: ['in long logMessageID'],
      OnServiceEvent: ['in long logMessageID'],
    });
    assert.deepStrictEqual(signature(vmEvents), {
      OnStateChange: ['in VMVMState virtualMachineState'],
      OnHeartbeatStopped: [],
      OnRequestShutdown: build === 'vtable' ? ['out VARIANT_BOOL* isAllowed'] : [],
      OnReset: [],
      OnTripleFault: [],
      OnConfigurationChanged: ['in BSTR configKey', 'in VARIANT configData'],
    });
    binding.release(vm);
  });

  it('delivers every virtual machine event with its arguments, in order', async function () {
    const { name, vm } = await newVm('vm-events');
    const events = h.collector();
    const subscription = await binding.subscribe(vm, events.options());
    assert.strictEqual(subscription.eventInterface.name, 'IVMVirtualMachineEvents');
    const before = Date.now();
    await fire('FireStateChange', name, VMVMState.Paused);
    await fire('FireHeartbeatStopped', name);
    await fire('FireTripleFault', name);
    await fire('FireReset', name);
    await fire('FireConfigurationChanged', name, 'Memory', 512);
    await fire('FireRequestShutdown', name); // the VM is not running: nothing follows it
    await h.waitIdle(binding, control);
    await events.waitForCount(6);
    assert.deepStrictEqual(h.rows(events.records), [
      ['OnStateChange', VMVMState.Paused],
      ['OnHeartbeatStopped'],
      ['OnTripleFault'],
      ['OnReset'],
      ['OnConfigurationChanged', 'Memory', 512],
      ['OnRequestShutdown'],
    ]);
    const times = events.records.map((r) => r.time);
    assert.ok(
      times.every((t, i) => t >= before - 1000 && t <= Date.now() && (i === 0 || t >= times[i - 1])),
      `arrival times in order and in the test's window: ${times}`,
    );
    await subscription.close();
    assert.strictEqual(events.ended, null);
    binding.release(vm);
  });

  it('delivers every server event with its arguments, in order', async function () {
    const { name } = await newVm('server-events');
    const mine = (r) => r.args[0] === name || (typeof r.args[0] === 'number' && r.args[0] >= 7001 && r.args[0] <= 7002);
    const events = h.collector(mine);
    const subscription = await binding.subscribe(server, events.options());
    assert.strictEqual(subscription.eventInterface.name, 'IVMVirtualServerEvents');
    await fire('FireEventLogged', 7001);
    await fire('FireServiceEvent', 7002);
    await fire('FireHeartbeatStopped', name);
    await fire('FireStateChange', name, VMVMState.Running);
    await h.waitIdle(binding, control);
    await events.waitForCount(4);
    assert.deepStrictEqual(h.rows(events.records), [
      ['OnEventLogged', 7001],
      ['OnServiceEvent', 7002],
      ['OnHeartbeatStopped', name],
      ['OnVMStateChange', name, VMVMState.Running],
    ]);
    await subscription.close();
  });

  it('follows a VM through its documented state sequences on both interfaces', async function () {
    const { name, vm } = await newVm('lifecycle');
    const vmEvents = h.collector();
    const serverEvents = h.collector((r) => r.args[0] === name);
    const vmSubscription = await binding.subscribe(vm, vmEvents.options());
    const serverSubscription = await binding.subscribe(server, serverEvents.options());
    const S = VMVMState;
    const expected = [];
    for (const [verb, states] of [
      ['Startup', [S.TurningOn, S.Running]],
      ['Pause', [S.Paused]],
      ['Resume', [S.Running]],
      ['Save', [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff]],
      ['Startup', [S.TurningOn, S.Restoring, S.Running]],
      ['Reset', [S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running]],
      ['TurnOff', [S.TurningOff, S.DeleteMachine, S.TurnedOff]],
    ]) {
      await binding.call(vm, verb, []);
      await h.waitIdle(binding, control);
      expected.push(...states);
    }
    await vmEvents.waitForCount(expected.length);
    await serverEvents.waitForCount(expected.length);
    assert.deepStrictEqual(
      h.rows(vmEvents.records),
      expected.map((s) => ['OnStateChange', s]),
    );
    assert.deepStrictEqual(
      h.rows(serverEvents.records),
      expected.map((s) => ['OnVMStateChange', name, s]),
    );
    await vmSubscription.close();
    await serverSubscription.close();
    binding.release(vm);
  });

  it('keeps non-ASCII text intact both ways', async function () {
    const { name, vm } = await newVm('Сервер ☃ 𝄞 Grüße 仮想');
    const vmEvents = h.collector();
    const serverEvents = h.collector((r) => r.args[0] === name);
    const vmSubscription = await binding.subscribe(vm, vmEvents.options());
    const serverSubscription = await binding.subscribe(server, serverEvents.options());
    await fire('FireConfigurationChanged', name, 'Ключ ✓', 'значение 🚀 ü');
    await fire('FireHeartbeatStopped', name);
    await h.waitIdle(binding, control);
    await vmEvents.waitForCount(2);
    await serverEvents.waitForCount(1);
    assert.deepStrictEqual(h.rows(vmEvents.records), [
      ['OnConfigurationChanged', 'Ключ ✓', 'значение 🚀 ü'],
      ['OnHeartbeatStopped'],
    ]);
    assert.deepStrictEqual(h.rows(serverEvents.records), [['OnHeartbeatStopped', name]]);
    assert.strictEqual(await binding.get(vm, 'Name'), name);
    await vmSubscription.close();
    await serverSubscription.close();
    binding.release(vm);
  });

  it('converts every VARIANT type the simulator passes through', async function () {
    const { name, vm } = await newVm('variants');
    const events = h.collector();
    const subscription = await binding.subscribe(vm, events.options());
    const samples = [
      42,
      -7,
      2 ** 31,
      -2.5,
      0.1,
      'text',
      '',
      true,
      false,
      new Date(Date.UTC(2005, 11, 31, 23, 59, 58, 500)),
      new Date(Date.UTC(1899, 11, 29, 6, 0, 0)),
      undefined,
      null,
      2n ** 40n,
      -(2n ** 40n),
      [1, 'a', [true, null]],
      [],
      JSON.parse(`${'['.repeat(32)}"deepest"${']'.repeat(32)}`), // as deep as arrays may nest, both ways
    ];
    for (const sample of samples) await fire('FireConfigurationChanged', name, 'k', sample);
    await h.waitIdle(binding, control);
    await events.waitForCount(samples.length);
    assert.deepStrictEqual(
      events.records.map((r) => r.args[1]),
      samples,
    );
    await subscription.close();
    binding.release(vm);
  });

  it('gives two subscriptions on one object every event each, and closes them independently', async function () {
    const { name, vm } = await newVm('two-subs');
    const first = h.collector();
    const second = h.collector();
    const a = await binding.subscribe(vm, first.options());
    const b = await binding.subscribe(vm, second.options());
    assert.strictEqual(await fire('AdvisedSinkCount', name), 2);
    for (const state of [VMVMState.Running, VMVMState.Paused, VMVMState.Running])
      await fire('FireStateChange', name, state);
    await h.waitIdle(binding, control);
    await first.waitForCount(3);
    await second.waitForCount(3);
    await a.close();
    assert.strictEqual(first.ended, null);
    assert.strictEqual(await fire('AdvisedSinkCount', name), 1);
    await fire('FireReset', name);
    await fire('FireTripleFault', name);
    await h.waitIdle(binding, control);
    await second.waitForCount(5);
    assert.deepStrictEqual(h.rows(first.records), [
      ['OnStateChange', 5],
      ['OnStateChange', 6],
      ['OnStateChange', 5],
    ]);
    assert.deepStrictEqual(h.rows(second.records), [...h.rows(first.records), ['OnReset'], ['OnTripleFault']]);
    await b.close();
    await b.close(); // idempotent
    assert.strictEqual(await fire('AdvisedSinkCount', name), 0);
    binding.release(vm);
  });

  it('subscribes and closes while a burst fires, losing and reordering nothing in between', async function () {
    const { name, vm } = await newVm('churn');
    const count = 1500;
    const steady = h.collector();
    const steadySubscription = await binding.subscribe(vm, steady.options());
    await fire('FireBurst', 'OnConfigurationChanged', count, name);
    const churned = [];
    while (steady.records.length < count * 0.8 && churned.length < 40) {
      const events = h.collector();
      const subscription = await binding.subscribe(vm, events.options());
      await h.waitUntil(
        () => events.records.length > 0 || steady.records.length >= count * 0.8,
        'a churned subscription to see events',
      );
      await subscription.close();
      churned.push(events);
    }
    await h.waitIdle(binding, control);
    await steady.waitForCount(count);
    await steadySubscription.close();
    const values = (c) => c.records.map((r) => r.args[1]);
    assert.deepStrictEqual(
      values(steady),
      Array.from({ length: count }, (_, i) => i + 1),
    );
    assert.ok(churned.length > 0, 'at least one subscription opened and closed during the burst');
    for (const events of churned) {
      const seen = values(events);
      seen.forEach((v, i) =>
        assert.ok(i === 0 || v === seen[i - 1] + 1, `a churned subscription saw a gap or reorder: ${seen}`),
      );
      assert.strictEqual(events.ended, null);
    }
    assert.strictEqual(await fire('AdvisedSinkCount', name), 0, 'every sink was unadvised');
    binding.release(vm);
  });

  it('batches: one wake-up of the JS thread carries every event queued since the last', async function () {
    const { name, vm } = await newVm('batch');
    const events = h.collector();
    const subscription = await binding.subscribe(vm, events.options());
    const count = 300;
    await fire('FireBurst', 'OnReset', count, name);
    // Block the JS thread while the burst fires (2 s: hundreds of event times): the events queue natively.
    h.blockJsThread(2000);
    await h.waitIdle(binding, control);
    await events.waitForCount(count);
    assert.ok(Math.max(...events.batches) > 1, `batches of ${events.batches.slice(0, 20)}...`);
    assert.strictEqual(
      events.batches.reduce((a, b) => a + b, 0),
      count,
    );
    await subscription.close();
    binding.release(vm);
  });

  if (build === 'vtable') {
    it("answers OnRequestShutdown's [out] isAllowed from the policy: allow by default", async function () {
      const { name, vm } = await newVm('shutdown-allow', VMVMState.Running);
      const events = h.collector();
      const subscription = await binding.subscribe(vm, events.options());
      await fire('FireRequestShutdown', name);
      await h.waitIdle(binding, control);
      await events.waitForCount(4);
      assert.deepStrictEqual(
        events.records[0],
        Object.assign({}, events.records[0], { method: 'OnRequestShutdown', args: [], answered: { isAllowed: true } }),
      );
      assert.strictEqual(await fire('ShutdownOutcome', name), 'proceeded');
      assert.deepStrictEqual(h.rows(events.records.slice(1)), [
        ['OnStateChange', 8],
        ['OnStateChange', 10],
        ['OnStateChange', 1],
      ]);
      await subscription.close();
      binding.release(vm);
    });

    it("answers OnRequestShutdown's [out] isAllowed from the policy: refuse when told to", async function () {
      const { name, vm } = await newVm('shutdown-refuse', VMVMState.Running);
      const events = h.collector();
      const subscription = await binding.subscribe(
        vm,
        events.options({ outAnswers: { OnRequestShutdown: { isAllowed: false } } }),
      );
      await fire('FireRequestShutdown', name);
      await h.waitIdle(binding, control);
      await events.waitForCount(1);
      assert.deepStrictEqual(events.records[0].answered, { isAllowed: false });
      assert.strictEqual(await fire('ShutdownOutcome', name), 'refused');
      assert.strictEqual(await binding.get(vm, 'State'), VMVMState.Running);
      await subscription.close();
      binding.release(vm);
    });
  } else {
    it('refuses answers for an [out] parameter the dispinterface does not have', async function () {
      const { vm } = await newVm('shutdown-dispatch', VMVMState.Running);
      const events = h.collector();
      await assert.rejects(
        binding.subscribe(vm, events.options({ outAnswers: { OnRequestShutdown: { isAllowed: false } } })),
        (error) => {
          assert.ok(isError(error));
          assert.strictEqual(error.code, 'ERR_INVALID_ARG_VALUE');
          assert.match(
            error.message,
            /isAllowed, which is not an \[out\] parameter of IVMVirtualMachineEvents\.OnRequestShutdown/,
          );
          return true;
        },
      );
      assert.strictEqual(events.ended, undefined, 'a subscription that never started never ends');
      binding.release(vm);
    });
  }
});
