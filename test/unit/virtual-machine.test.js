'use strict';
// VirtualMachine on a fake binding: properties, control methods and their IVMTask, waitForState.
const assert = require('assert');
const { api, fakeConnection, settle, rejectsWith, eventOf } = require('./helpers');
const { fakeTask } = require('./fake-binding');

const { VMState } = api;

async function vmOf(fakeOptions) {
  const { server, binding } = await fakeConnection(fakeOptions);
  const vm = await server.findVirtualMachine('web01');
  return { server, binding, vm, target: binding.vms[0] };
}

describe('VirtualMachine', () => {
  it('reads state, ConfigID and File late-bound', async () => {
    const { vm } = await vmOf({ vms: [{ name: 'web01', state: VMState.Saved }] });
    assert.strictEqual(await vm.state(), VMState.Saved);
    assert.strictEqual(await vm.configId(), 'config-web01');
    assert.strictEqual(await vm.file(), 'C:\\VMs\\web01.vmc');
  });

  describe('control methods', () => {
    it('startup() waits until the task reports complete, then lets go of it', async () => {
      const tasks = [];
      const { vm, binding } = await vmOf({
        taskFor: () => {
          const t = fakeTask({ polls: 3 });
          tasks.push(t);
          return t;
        },
      });
      await vm.startup();
      assert.strictEqual(tasks.length, 1);
      assert.strictEqual(tasks[0].reads, 4, 'IsComplete read until true');
      assert.ok(binding.released.includes(tasks[0]));
    });

    it('every control method calls its COM method', async () => {
      const { vm, target } = await vmOf({ taskFor: () => fakeTask() });
      await vm.startup();
      await vm.pause();
      assert.strictEqual(target.props.State, VMState.Paused);
      await vm.resume();
      await vm.reset();
      await vm.save();
      assert.strictEqual(target.props.State, VMState.Saved);
      await vm.startup();
      await vm.turnOff();
      assert.strictEqual(target.props.State, VMState.TurnedOff);
    });

    it('rejects with the documented error: VM_E_VM_RUNNING for startup of a running machine', async () => {
      const { vm } = await vmOf({ vms: [{ name: 'web01', state: VMState.Running }] });
      const error = await rejectsWith(vm.startup(), {
        hresult: 0xa0040500,
        hresultName: 'VM_E_VM_RUNNING',
        name: 'VirtualServerError',
      });
      assert.match(error.message, /^starting virtual machine "web01"/);
    });

    it('rejects VM_E_VM_NOT_RUNNING for turnOff of a machine that is off', async () => {
      const { vm } = await vmOf();
      await rejectsWith(vm.turnOff(), { hresultName: 'VM_E_VM_NOT_RUNNING' });
    });

    it('rejects ERR_VS_TASK_FAILED with the result and IVMTask2 error when the task fails', async () => {
      const { vm } = await vmOf({
        taskFor: () => fakeTask({ result: 4, error: 0xa0040203, errorDescription: 'disk full' }),
      });
      const error = await rejectsWith(vm.startup(), { code: 'ERR_VS_TASK_FAILED', hresult: 0xa0040203 });
      assert.match(error.message, /DiskRelatedError: disk full/);
    });

    it('a failed task of a host without IVMTask2 still rejects with its result', async () => {
      const { vm } = await vmOf({ taskFor: () => fakeTask({ result: 1 }) });
      const error = await rejectsWith(vm.startup(), { code: 'ERR_VS_TASK_FAILED', hresult: undefined });
      assert.match(error.message, /Cancelled/);
    });

    it('times out with ERR_VS_TIMEOUT when the task never completes', async () => {
      const never = fakeTask({ polls: Infinity });
      const { vm, binding } = await vmOf({ taskFor: () => never });
      await rejectsWith(vm.startup({ timeout: 1 }), { code: 'ERR_VS_TIMEOUT' });
      assert.ok(binding.released.includes(never));
    });

    it('an abort stops the wait with an AbortError', async () => {
      const controller = new AbortController();
      const { vm } = await vmOf({ taskFor: () => fakeTask({ polls: Infinity }) });
      const waiting = vm.startup({ signal: controller.signal });
      controller.abort('stop');
      const error = await rejectsWith(waiting, { name: 'AbortError' });
      assert.strictEqual(error.cause, 'stop');
    });

    it('checks options at the call', async () => {
      const { vm } = await vmOf();
      assert.throws(() => vm.startup({ timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.pause({ signal: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.save(1), { code: 'ERR_INVALID_ARG_TYPE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.startup({ timout: 1000 }), {
        code: 'ERR_INVALID_ARG_VALUE',
        message: /'timout' \(did you mean 'options\.timeout'\?\)/,
      });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.reset({ force: true }), {
        code: 'ERR_INVALID_ARG_VALUE',
        message: /unknown key: 'force'\. Its keys are timeout, signal/,
      });
    });
  });

  describe('waitForState()', () => {
    it('resolves at once when the machine is already in a wanted state, and unsubscribes', async () => {
      const { vm, binding, target } = await vmOf({ vms: [{ name: 'web01', state: VMState.Running }] });
      assert.strictEqual(await vm.waitForState([VMState.Paused, VMState.Running]), VMState.Running);
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('subscribes before reading the state, then resolves on the stateChange', async () => {
      const { vm, binding, target } = await vmOf();
      // A change between reading the state and subscribing would be missed: the order is the point.
      const order = [];
      const get = binding.get.bind(binding);
      const subscribe = binding.subscribe.bind(binding);
      binding.get = (object, name, args) => {
        if (object === target && name === 'State') order.push('read State');
        return get(object, name, args);
      };
      binding.subscribe = (object, options) => {
        if (object === target) order.push('subscribe');
        return subscribe(object, options);
      };
      const waiting = vm.waitForState(VMState.Running);
      while (binding.subscriptionsOf(target).length === 0 || !order.includes('read State')) await settle();
      binding.emit(target, [
        { method: 'OnStateChange', args: [VMState.TurningOn] },
        { method: 'OnStateChange', args: [VMState.Running] },
      ]);
      assert.strictEqual(await waiting, VMState.Running);
      // Read again after TurningOn, a passing state: its event does not say where the VM is.
      assert.deepStrictEqual(order, ['subscribe', 'read State', 'read State']);
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    /**
     * A wait on web01 whose State reads `script.state` (reads counted in `script.reads`), once it has
     * subscribed and read the state the first time.
     */
    async function scriptedWait(states, options, initial = VMState.Running) {
      const { vm, binding, target } = await vmOf({ vms: [{ name: 'web01', state: initial }] });
      /** @type {{ state: number, reads: number, read: () => unknown }} read: what a read answers */
      const script = { state: initial, reads: 0, read: () => script.state };
      target.props.State = () => {
        script.reads++;
        return script.read();
      };
      const waiting = vm.waitForState(states, options);
      waiting.catch(() => undefined); // each test judges it
      await until(() => binding.subscriptionsOf(target).length === 1 && script.reads === 1, 'the wait to read State');
      return { waiting, script, binding, target };
    }

    /** Lets queued callbacks run until `condition()` holds (a bounded number of turns). */
    async function until(condition, what) {
      for (let turn = 0; !condition(); turn++) {
        if (turn === 1000) throw new Error(`gave up waiting for ${what}`);
        await settle();
      }
    }

    const saveEvents = [VMState.Saving, VMState.TurningOff, VMState.DeleteMachine, VMState.TurnedOff].map((state) => ({
      method: 'OnStateChange',
      args: [state],
    }));

    it('reads State after the TurnedOff that ends a save, and resolves a wait for Saved with it', async () => {
      const { waiting, script, binding, target } = await scriptedWait(VMState.Saved);
      script.state = VMState.Saved; // ivmvirtualmachine-save.md: no event carries Saved; State reads it
      binding.emit(target, saveEvents);
      assert.strictEqual(await waiting, VMState.Saved);
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('does not resolve a wait for TurnedOff on the TurnedOff event of a save: State reads Saved', async () => {
      const { waiting, script, binding, target } = await scriptedWait(VMState.TurnedOff, { timeout: 200 });
      script.state = VMState.Saved;
      binding.emit(target, saveEvents);
      await rejectsWith(waiting, { code: 'ERR_VS_TIMEOUT' });
      assert.strictEqual(script.reads, 5, 'once at the start, then after each of the four events');
    });

    it("resolves with the state State reads after a passing state's event, not the event's", async () => {
      // The reading of ivmvirtualmachine-save.md where State reads Saving all through the save.
      const { waiting, script, binding, target } = await scriptedWait([VMState.TurningOff, VMState.Saving]);
      script.state = VMState.Saving;
      binding.emit(target, [{ method: 'OnStateChange', args: [VMState.TurningOff] }]);
      assert.strictEqual(await waiting, VMState.Saving);
    });

    it('takes Running and Paused at their word: the states sequences end in, never pass through', async () => {
      const { waiting, script, binding, target } = await scriptedWait(VMState.Paused);
      binding.emit(target, [{ method: 'OnStateChange', args: [VMState.Paused] }]);
      assert.strictEqual(await waiting, VMState.Paused);
      assert.strictEqual(script.reads, 1, 'State read once, at the start');
    });

    it('bounds the read after an event by its timeout, and unsubscribes', async () => {
      const { waiting, script, binding, target } = await scriptedWait(VMState.Saved, { timeout: 100 });
      script.read = () => new Promise(() => undefined); // the host stops answering
      binding.emit(target, saveEvents);
      await rejectsWith(waiting, { code: 'ERR_VS_TIMEOUT' });
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('bounds the read after an event by its signal', async () => {
      const controller = new AbortController();
      const { waiting, script, binding, target } = await scriptedWait(VMState.Saved, { signal: controller.signal });
      script.read = () => new Promise(() => undefined);
      binding.emit(target, saveEvents);
      await until(() => script.reads === 2, 'the read after the first event');
      controller.abort();
      await rejectsWith(waiting, { name: 'AbortError' });
    });

    it('rejects with the error of a read after an event that fails', async () => {
      const { comError } = require('./fake-binding');
      const { waiting, script, binding, target } = await scriptedWait(VMState.TurnedOff);
      script.read = () => {
        throw comError('ERR_VS_COM_ERROR', 'The virtual machine "web01" was removed', 0xa0040207);
      };
      binding.emit(target, [{ method: 'OnStateChange', args: [VMState.DeleteMachine] }]);
      await rejectsWith(waiting, { code: 'ERR_VS_COM_ERROR', hresult: 0xa0040207 });
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('rejects ERR_VS_TIMEOUT and unsubscribes when the state does not come', async () => {
      const { vm, binding, target } = await vmOf();
      const error = await rejectsWith(vm.waitForState(VMState.Running, { timeout: 1 }), { code: 'ERR_VS_TIMEOUT' });
      assert.match(error.message, /virtual machine "web01" to reach Running/);
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('rejects AbortError on abort', async () => {
      const controller = new AbortController();
      const { vm, binding, target } = await vmOf();
      const waiting = vm.waitForState(VMState.Running, { signal: controller.signal });
      while (binding.subscriptionsOf(target).length === 0) await settle();
      controller.abort();
      await rejectsWith(waiting, { name: 'AbortError' });
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('passes on the error that ended its stream', async () => {
      const { comError } = require('./fake-binding');
      const { vm, binding, target } = await vmOf();
      const waiting = vm.waitForState(VMState.Running);
      while (binding.subscriptionsOf(target).length === 0) await settle();
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone'));
      await rejectsWith(waiting, { code: 'ERR_VS_DISCONNECTED' });
    });

    it('checks its arguments at the call', async () => {
      const { vm } = await vmOf();
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.waitForState('Running'), { code: 'ERR_INVALID_ARG_TYPE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.waitForState(11), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => vm.waitForState([]), { code: 'ERR_INVALID_ARG_VALUE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.waitForState(5, { timeout: 'soon' }), { code: 'ERR_INVALID_ARG_TYPE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.waitForState(5, { timeoutMs: 1000 }), {
        code: 'ERR_INVALID_ARG_VALUE',
        message: /did you mean 'options\.timeout'/,
      });
    });
  });

  describe('deadlines while the server does not answer', () => {
    const never = () => new Promise(() => undefined);

    async function hungVm(hang) {
      const connection = await vmOf();
      hang(connection);
      return connection;
    }

    it('a control method rejects ERR_VS_TIMEOUT at its timeout while its COM call has not returned', async () => {
      const { vm } = await hungVm(({ target }) => {
        target.methods.Startup = never;
      });
      const error = await rejectsWith(vm.startup({ timeout: 50 }), { code: 'ERR_VS_TIMEOUT' });
      assert.match(error.message, /starting virtual machine "web01" to complete/);
    });

    it('a control method rejects AbortError on abort while its COM call has not returned', async () => {
      const { vm } = await hungVm(({ target }) => {
        target.methods.TurnOff = never;
      });
      const controller = new AbortController();
      const stopping = vm.turnOff({ signal: controller.signal });
      await settle();
      controller.abort();
      await rejectsWith(stopping, { name: 'AbortError' });
    });

    it('a control method rejects at its timeout while its task never answers IsComplete', async () => {
      const task = fakeTask();
      task.props.IsComplete = never;
      const { vm } = await vmOf({ vms: [{ name: 'web01', state: 1 }], taskFor: () => task });
      await rejectsWith(vm.startup({ timeout: 50 }), { code: 'ERR_VS_TIMEOUT' });
    });

    it('waitForState rejects at its timeout while subscribing has not returned, and does not wait for the close', async () => {
      const { vm } = await hungVm(({ binding }) => {
        binding.subscribe = never;
      });
      await rejectsWith(vm.waitForState(VMState.Running, { timeout: 50 }), { code: 'ERR_VS_TIMEOUT' });
    });

    it('waitForState rejects at its timeout while reading the state has not returned', async () => {
      const { vm, binding, target } = await hungVm(({ target }) => {
        target.props.State = never;
      });
      await rejectsWith(vm.waitForState(VMState.Running, { timeout: 50 }), { code: 'ERR_VS_TIMEOUT' });
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('waitForState rejects at its timeout while closing its stream does not return', async () => {
      const { vm, binding, target } = await vmOf();
      const waiting = vm.waitForState(VMState.Running, { timeout: 100 });
      while (binding.subscriptionsOf(target).length === 0) await settle();
      for (const subscription of binding.subscriptionsOf(target)) subscription.close = never;
      await rejectsWith(waiting, { code: 'ERR_VS_TIMEOUT' });
    });
  });

  it('a stream whose object fires an interface with none of the known event methods rejects ERR_VS_EVENTS_UNAVAILABLE', async () => {
    const { vm, binding, target } = await vmOf();
    target.eventInterface = {
      name: 'IOtherEvents',
      iid: '{00000000-0000-0000-0000-0000000000ff}',
      kind: 'dispinterface',
      methods: [{ name: 'OnSomethingElse', dispid: 1, vtableSlot: 0, params: [] }],
    };
    const error = await rejectsWith(vm.events().next(), { code: 'ERR_VS_EVENTS_UNAVAILABLE' });
    assert.match(
      error.message,
      /IOtherEvents \{[0-]+ff\}, whose methods \(OnSomethingElse\) include none of the events this package knows \(OnStateChange, /,
    );
    assert.strictEqual(binding.subscriptionsOf(target).length, 0, 'the useless subscription was closed');
  });

  it('a stream ended by an unresponsive server rejects ERR_VS_DISCONNECTED whose cause says so', async () => {
    const { comError } = require('./fake-binding');
    const { vm, binding, target } = await vmOf();
    const events = vm.events();
    await events.ready();
    const lost = comError('ERR_VS_DISCONNECTED', 'the events stopped: Virtual Server stopped answering');
    lost.cause = comError('ERR_VS_UNRESPONSIVE', 'Virtual Server stopped answering');
    binding.end(target, lost);
    const error = await rejectsWith(events.next(), { code: 'ERR_VS_DISCONNECTED' });
    assert.ok(error.cause instanceof api.VirtualServerError, 'the cause is a VirtualServerError');
    assert.strictEqual(error.cause.code, 'ERR_VS_UNRESPONSIVE');
  });

  it('events() checks requestShutdown', async () => {
    const { vm } = await vmOf();
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => vm.events({ requestShutdown: 'maybe' }), { code: 'ERR_INVALID_ARG_VALUE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => vm.events({ types: ['vmStateChange'] }), { code: 'ERR_INVALID_ARG_VALUE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => vm.events({ requestShutdwon: 'deny' }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /did you mean 'options\.requestShutdown'/,
    });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => vm.events({ type: ['reset'] }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /did you mean 'options\.types'/,
    });
  });

  it('maps every IVMVirtualMachineEvents method by name, with the shutdown answer', async () => {
    const { vm, binding, target } = await vmOf();
    const stream = vm.events();
    await stream.ready();
    const when = Date.UTC(2026, 10, 25, 8, 0, 0);
    binding.emit(target, [
      { method: 'OnStateChange', args: [VMState.Saving], time: when },
      { method: 'OnHeartbeatStopped' },
      { method: 'OnRequestShutdown', answered: { isAllowed: true } },
      { method: 'OnRequestShutdown' },
      { method: 'OnReset' },
      { method: 'OnTripleFault' },
      { method: 'OnConfigurationChanged', args: ['name', 'Grüße'] },
    ]);
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await stream.next());
    const got = results.map((r) => {
      assert.ok(!r.done, 'the stream ended');
      return r.value;
    });
    assert.deepStrictEqual(
      got.map((e) => e.type),
      [
        'stateChange',
        'heartbeatStopped',
        'requestShutdown',
        'requestShutdown',
        'reset',
        'tripleFault',
        'configurationChanged',
      ],
    );
    assert.strictEqual(got[0].time.getTime(), when);
    assert.strictEqual(eventOf(results[2], 'requestShutdown').allowed, true);
    assert.strictEqual(eventOf(results[3], 'requestShutdown').allowed, null, 'null when the interface asked nothing');
    const configuration = eventOf(results[6], 'configurationChanged');
    assert.deepStrictEqual([configuration.key, configuration.value], ['name', 'Grüße']);
    assert.ok(got.every((e) => e.vm === 'web01'));
    await stream.return();
  });
});
