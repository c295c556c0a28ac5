'use strict';
// EventStream through VirtualMachine.events() and VirtualServer.events() on a fake binding: lazy
// subscription, queueing, overflow, filters, abort, errors and reconnection. No test waits on time
// (but for the shortest reconnection backoff): each one drives the fake and awaits the stream.
const assert = require('assert');
const { api, fakeConnection, settle, rejectsWith, eventOf } = require('./helpers');
const { comError } = require('./fake-binding');

const { VMState } = api;
/** The shortest backoff the API allows, so that reconnection tests wait as little as they can. */
const quickReconnect = { initialDelay: 100, maxDelay: 100 };
const stateChange = (state) => ({ method: 'OnStateChange', args: [state] });

async function vmStream(streamOptions, fakeOptions) {
  const { server, binding } = await fakeConnection(fakeOptions);
  const vm = await server.findVirtualMachine('web01');
  const stream = vm.events(streamOptions);
  return { server, binding, vm, stream, target: binding.vms[0] };
}

describe('EventStream', () => {
  describe('subscription lifetime', () => {
    it('holds nothing until the first next(), then subscribes once', async () => {
      const { binding, stream, target } = await vmStream();
      await settle();
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
      const first = stream.next();
      const second = stream.next();
      await stream.ready();
      assert.strictEqual(binding.subscriptionsOf(target).length, 1);
      binding.emit(target, [stateChange(3), stateChange(5)]);
      assert.deepStrictEqual(eventOf(await first, 'stateChange').state, VMState.TurningOn);
      assert.deepStrictEqual(eventOf(await second, 'stateChange').state, VMState.Running);
      await stream.return();
    });

    it('ready() subscribes without next(), so nothing after it is missed', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.ready();
      binding.emit(target, [stateChange(6)]);
      const value = eventOf(await stream.next(), 'stateChange');
      assert.strictEqual(value.vm, 'web01');
      assert.strictEqual(value.state, VMState.Paused);
      assert.ok(value.time instanceof Date);
      await stream.return();
    });

    it('passes maxQueue, overflow and the probe interval to the native subscribe', async () => {
      const { binding, stream, target } = await vmStream({ maxQueue: 7, overflow: 'drop-oldest' });
      await stream.ready();
      const [subscription] = binding.subscriptionsOf(target);
      assert.strictEqual(subscription.options.maxQueue, 7);
      assert.strictEqual(subscription.options.overflow, 'drop-oldest');
      assert.strictEqual(subscription.options.probeIntervalMs, 5000);
      assert.strictEqual(subscription.options.outAnswers, undefined, "allow is the addon's default answer");
      await stream.return();
    });

    it("requestShutdown: 'deny' answers isAllowed = false where the interface has that [out] parameter", async () => {
      const { binding, stream, target } = await vmStream({ requestShutdown: 'deny' }, { shutdownAnswer: true });
      await stream.ready();
      assert.deepStrictEqual(binding.subscriptionsOf(target)[0].options.outAnswers, {
        OnRequestShutdown: { isAllowed: false },
      });
      await stream.return();
    });

    it("requestShutdown: 'deny' asks nothing of an interface without the parameter (the addon would refuse it)", async () => {
      const { binding, stream, target } = await vmStream({ requestShutdown: 'deny' });
      await stream.ready();
      assert.strictEqual(binding.subscriptionsOf(target)[0].options.outAnswers, undefined);
      await stream.return();
    });

    it('return() unsubscribes, ends pending next() calls and later ones', async () => {
      const { binding, stream, target } = await vmStream();
      const pending = stream.next();
      await stream.ready();
      const [subscription] = binding.subscriptionsOf(target);
      const returned = stream.return();
      assert.ok(returned instanceof Promise);
      assert.deepStrictEqual(await returned, { done: true, value: undefined });
      assert.deepStrictEqual(await pending, { done: true, value: undefined });
      assert.strictEqual(subscription.open, false);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('return() during subscribe lets go of the subscription once it is made', async () => {
      const { binding, stream, target } = await vmStream();
      const pending = stream.next(); // starts subscribing
      await stream.return();
      assert.deepStrictEqual(await pending, { done: true, value: undefined });
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('break in for-await unsubscribes', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.ready();
      binding.emit(target, [stateChange(3), stateChange(5)]);
      for await (const event of stream) {
        assert.ok(event.type === 'stateChange', event.type);
        assert.strictEqual(event.state, VMState.TurningOn);
        break;
      }
      await settle();
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('throw() unsubscribes and rejects with the error given', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.ready();
      const error = new Error('consumer gave up');
      await assert.rejects(stream.throw(error), (e) => e === error);
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('a stream never iterated and then returned never subscribes', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.return();
      await settle();
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('refs the subscription only while a next() waits, so an idle stream never holds the process', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.ready();
      const [subscription] = binding.subscriptionsOf(target);
      assert.strictEqual(subscription.referenced, false);
      const pending = stream.next();
      assert.strictEqual(subscription.referenced, true);
      binding.emit(target, [stateChange(5)]);
      await pending;
      assert.strictEqual(subscription.referenced, false);
      await stream.return();
    });

    it('several streams on one VM each get every event', async () => {
      const { binding, vm, stream, target } = await vmStream();
      const other = vm.events();
      await Promise.all([stream.ready(), other.ready()]);
      binding.emit(target, [stateChange(3), stateChange(5)]);
      for (const s of [stream, other]) {
        assert.strictEqual(eventOf(await s.next(), 'stateChange').state, 3);
        assert.strictEqual(eventOf(await s.next(), 'stateChange').state, 5);
      }
      await Promise.all([stream.return(), other.return()]);
    });
  });

  describe('queue', () => {
    it('keeps arrival order across batches and concurrent next() calls', async () => {
      const { binding, stream, target } = await vmStream();
      const early = [stream.next(), stream.next()];
      await stream.ready();
      binding.emit(target, [stateChange(1)]);
      binding.emit(target, [stateChange(2), stateChange(3), stateChange(4)]);
      const late = [stream.next(), stream.next()];
      const states = (await Promise.all([...early, ...late])).map((r) => eventOf(r, 'stateChange').state);
      assert.deepStrictEqual(states, [1, 2, 3, 4]);
      await stream.return();
    });

    it("overflow 'error' delivers what was queued, then rejects ERR_VS_EVENT_QUEUE_OVERFLOW and unsubscribes", async () => {
      const { binding, stream, target } = await vmStream({ maxQueue: 3 });
      await stream.ready();
      const [subscription] = binding.subscriptionsOf(target);
      binding.emit(target, [1, 2, 3, 4, 5].map(stateChange));
      await settle();
      assert.strictEqual(subscription.open, false, 'unsubscribed at the overflow');
      const states = [];
      for (let i = 0; i < 3; i++) states.push(eventOf(await stream.next(), 'stateChange').state);
      assert.deepStrictEqual(states, [1, 2, 3]);
      const error = await rejectsWith(stream.next(), {
        code: 'ERR_VS_EVENT_QUEUE_OVERFLOW',
        name: 'VirtualServerError',
      });
      assert.match(error.message, /maxQueue|drop-oldest/);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('events handed to waiting next() calls do not count against maxQueue', async () => {
      const { binding, stream, target } = await vmStream({ maxQueue: 1 });
      const waiting = [stream.next(), stream.next(), stream.next()];
      await stream.ready();
      binding.emit(target, [1, 2, 3, 4].map(stateChange));
      assert.deepStrictEqual(
        (await Promise.all(waiting)).map((r) => eventOf(r, 'stateChange').state),
        [1, 2, 3],
      );
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').state, 4);
      await stream.return();
    });

    it("overflow 'drop-oldest' keeps the newest and counts the dropped, native drops included", async () => {
      const { binding, stream, target } = await vmStream({ maxQueue: 2, overflow: 'drop-oldest' });
      await stream.ready();
      binding.emit(target, [1, 2, 3, 4, 5].map(stateChange), 10);
      assert.strictEqual(stream.dropped, 13);
      assert.strictEqual(stream.queued, 2);
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').state, 4);
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').state, 5);
      assert.strictEqual(stream.queued, 0);
      await stream.return();
    });

    it('drains a backlog of 1,000,000 queued events within the test timeout (Array shift() took minutes)', async function () {
      this.timeout(10000);
      const backlog = 1000000;
      const { binding, stream, target } = await vmStream({ maxQueue: backlog });
      await stream.ready();
      binding.emit(
        target,
        Array.from({ length: backlog }, (_, i) => stateChange(i % 11)),
      );
      assert.strictEqual(stream.queued, backlog);
      for (let i = 0; i < backlog; i++) {
        const value = eventOf(await stream.next(), 'stateChange');
        if (value.state !== i % 11) assert.fail(`event ${i} came out of order`);
      }
      assert.strictEqual(stream.queued, 0);
      await stream.return();
    });

    it('types filters before queueing', async () => {
      const { binding, stream, target } = await vmStream({ types: ['configurationChanged'], maxQueue: 1 });
      await stream.ready();
      binding.emit(target, [
        stateChange(5),
        { method: 'OnHeartbeatStopped' },
        { method: 'OnConfigurationChanged', args: ['memory', 512] },
      ]);
      const value = eventOf(await stream.next(), 'configurationChanged');
      assert.deepStrictEqual([value.key, value.value], ['memory', 512]);
      await stream.return();
    });

    it('ignores methods it does not know (a newer host)', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.ready();
      binding.emit(target, [{ method: 'OnSomethingNew', args: [1] }, stateChange(5)]);
      eventOf(await stream.next(), 'stateChange');
      await stream.return();
    });
  });

  describe('abort', () => {
    it('rejects the pending next() with an AbortError whose cause is the reason, and unsubscribes', async () => {
      const controller = new AbortController();
      const { binding, stream, target } = await vmStream({ signal: controller.signal });
      const pending = stream.next();
      await stream.ready();
      binding.emit(target, []);
      const reason = new Error('user pressed stop');
      controller.abort(reason);
      const error = await rejectsWith(pending, { name: 'AbortError', code: 'ABORT_ERR' });
      assert.strictEqual(error.cause, reason);
      await settle();
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('discards queued events on abort', async () => {
      const controller = new AbortController();
      const { binding, stream, target } = await vmStream({ signal: controller.signal });
      await stream.ready();
      binding.emit(target, [stateChange(5)]);
      controller.abort();
      await rejectsWith(stream.next(), { name: 'AbortError' });
    });

    it('an already aborted signal rejects the first next() and never subscribes', async () => {
      const reason = new Error('too late');
      const { binding, stream, target } = await vmStream({ signal: AbortSignal.abort(reason) });
      const error = await rejectsWith(stream.next(), { name: 'AbortError' });
      assert.strictEqual(error.cause, reason);
      await rejectsWith(stream.ready(), { name: 'AbortError' });
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('accepts a signal-like object (Node 12 has no AbortController)', async () => {
      const listeners = [];
      const signal = {
        aborted: false,
        addEventListener: (type, fn) => listeners.push(fn),
        removeEventListener: (type, fn) => listeners.splice(listeners.indexOf(fn), 1),
      };
      const { stream } = await vmStream({ signal });
      const pending = stream.next();
      await stream.ready();
      signal.aborted = true;
      listeners.slice().forEach((fn) => fn());
      const error = await rejectsWith(pending, { name: 'AbortError' });
      assert.strictEqual(error.cause, undefined);
      assert.strictEqual(listeners.length, 0, 'the listener is removed');
    });

    it('removes its abort listener when the stream ends otherwise', async () => {
      const controller = new AbortController();
      const { stream } = await vmStream({ signal: controller.signal });
      await stream.ready();
      await stream.return();
      controller.abort(); // must not throw or resurrect anything
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });
  });

  describe('errors', () => {
    it('a subscription the addon ends delivers what was queued, then the error with code and hresult', async () => {
      const { binding, stream, target } = await vmStream();
      await stream.ready();
      binding.emit(target, [stateChange(5)]);
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'the server is gone', 0x800706ba));
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').state, 5);
      const error = await rejectsWith(stream.next(), {
        code: 'ERR_VS_DISCONNECTED',
        name: 'VirtualServerError',
        hresult: 0x800706ba,
      });
      assert.strictEqual(error.hresultName, 'RPC_S_SERVER_UNAVAILABLE');
      assert.match(error.message, /virtual machine "web01"/);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('a native queue overflow ends the stream with ERR_VS_EVENT_QUEUE_OVERFLOW', async () => {
      const { binding, stream, target } = await vmStream();
      const pending = stream.next();
      await stream.ready();
      binding.end(target, comError('ERR_VS_EVENT_QUEUE_OVERFLOW', 'native queue full'));
      await rejectsWith(pending, { code: 'ERR_VS_EVENT_QUEUE_OVERFLOW' });
    });

    it('a failed subscribe rejects the next() with a VirtualServerError saying what was done', async () => {
      const { binding, stream } = await vmStream();
      binding.subscribeFailures.push(comError('ERR_VS_EVENTS_UNAVAILABLE', 'no connection point', 0x80040200));
      const error = await rejectsWith(stream.next(), { code: 'ERR_VS_EVENTS_UNAVAILABLE', hresult: 0x80040200 });
      assert.match(error.message, /subscribing to the events of virtual machine "web01"/);
      assert.deepStrictEqual(await stream.next(), { done: true, value: undefined });
    });

    it('an error the addon gives without an ERR_VS_ code becomes ERR_VS_COM_ERROR', async () => {
      const { binding, stream } = await vmStream();
      binding.subscribeFailures.push(new Error('odd'));
      await rejectsWith(stream.next(), { code: 'ERR_VS_COM_ERROR' });
    });
  });

  describe('reconnect', () => {
    it('reconnects after ERR_VS_DISCONNECTED and yields reconnected with the state, then new events', async () => {
      const { binding, stream, target } = await vmStream({ reconnect: quickReconnect });
      await stream.ready();
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone', 0x800706ba));
      target.props.State = VMState.Paused;
      const value = eventOf(await stream.next(), 'reconnected');
      assert.deepStrictEqual([value.vm, value.state], ['web01', VMState.Paused]);
      assert.strictEqual(binding.connectCalls.length, 2, 'one new connection');
      binding.emit(target, [stateChange(5)]);
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').state, 5);
      await stream.return();
    });

    it('a subscription lost while resynchronising fails that attempt only: one loop, one reconnected record', async () => {
      const { binding, stream, target } = await vmStream({ reconnect: quickReconnect });
      await stream.ready();
      const get = binding.get.bind(binding);
      let loseDuringSnapshot = true;
      binding.get = (object, name, args) => {
        if (object === target && name === 'State' && loseDuringSnapshot) {
          loseDuringSnapshot = false;
          binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone again', 0x800706ba));
        }
        return get(object, name, args);
      };
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone', 0x800706ba));
      eventOf(await stream.next(), 'reconnected');
      assert.strictEqual(binding.subscriptionsOf(target).length, 1);
      binding.emit(target, [stateChange(5)]);
      assert.strictEqual(
        eventOf(await stream.next(), 'stateChange').state,
        5,
        'no second reconnected record: a second loop ran',
      );
      await stream.return();
      assert.strictEqual(binding.subscriptionsOf(target).length, 0);
    });

    it('two streams of one VM reconnecting together share one lookup of the VM', async () => {
      const { binding, vm, stream, target } = await vmStream({ reconnect: quickReconnect });
      const other = vm.events({ reconnect: quickReconnect });
      await Promise.all([stream.ready(), other.ready()]);
      // Lookups on the new connection answer only when the test says so, so that two could overlap.
      const lookups = [];
      const makeRoot = binding.makeRoot;
      binding.makeRoot = () => {
        const root = makeRoot();
        const find = root.methods.FindVirtualMachine;
        root.methods.FindVirtualMachine = (name) => new Promise((resolve) => lookups.push(() => resolve(find(name))));
        return root;
      };
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone', 0x800706ba));
      const records = Promise.all([stream.next(), other.next()]);
      while (lookups.length === 0) await settle();
      for (let i = 0; i < 20; i++) await settle();
      assert.strictEqual(
        lookups.length,
        1,
        'each stream looked the VM up: the later lookup releases the handle the earlier one adopted',
      );
      lookups[0]();
      assert.deepStrictEqual(
        (await records).map((r) => eventOf(r, 'reconnected').type),
        ['reconnected', 'reconnected'],
      );
      await Promise.all([stream.return(), other.return()]);
    });

    it('keeps trying with backoff and gives up with ERR_VS_DISCONNECTED after maxAttempts', async () => {
      const { binding, stream, target } = await vmStream({
        reconnect: Object.assign({ maxAttempts: 3 }, quickReconnect),
      });
      await stream.ready();
      for (let i = 0; i < 3; i++)
        binding.connectFailures.push(comError('ERR_VS_COM_ERROR', 'server unavailable', 0x800706ba));
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone', 0x800706ba));
      const error = await rejectsWith(stream.next(), { code: 'ERR_VS_DISCONNECTED' });
      assert.match(error.message, /3 reconnection attempts/);
      assert.strictEqual(binding.connectCalls.length, 4);
    });

    it('server streams yield every VM and its state after reconnecting', async () => {
      const { server, binding } = await fakeConnection({
        vms: [
          { name: 'a', state: 5 },
          { name: 'b', state: 1 },
        ],
      });
      const stream = server.events({ reconnect: quickReconnect });
      await stream.ready();
      binding.end('server', comError('ERR_VS_DISCONNECTED', 'gone'));
      const value = eventOf(await stream.next(), 'reconnected');
      assert.deepStrictEqual(value.vms, [
        { vm: 'a', state: 5 },
        { vm: 'b', state: 1 },
      ]);
      await stream.return();
    });

    it('without reconnect, other errors and ERR_VS_DISCONNECTED end the stream', async () => {
      const { binding, stream, target } = await vmStream({ reconnect: false });
      await stream.ready();
      binding.end(target, comError('ERR_VS_DISCONNECTED', 'gone'));
      await rejectsWith(stream.next(), { code: 'ERR_VS_DISCONNECTED' });
      assert.strictEqual(binding.connectCalls.length, 1);
    });
  });

  describe('server events', () => {
    it('maps IVMVirtualServerEvents by method name', async () => {
      const { server, binding } = await fakeConnection();
      const stream = server.events();
      await stream.ready();
      binding.emit('server', [
        { method: 'OnVMStateChange', args: ['web01', 5] },
        { method: 'OnHeartbeatStopped', args: ['web01'] },
        { method: 'OnEventLogged', args: [1042] },
        { method: 'OnServiceEvent', args: [7] },
      ]);
      const state = eventOf(await stream.next(), 'vmStateChange');
      const heartbeat = eventOf(await stream.next(), 'vmHeartbeatStopped');
      const logged = eventOf(await stream.next(), 'eventLogged');
      const service = eventOf(await stream.next(), 'serviceEvent');
      assert.deepStrictEqual(
        [state.vm, state.state, heartbeat.vm, logged.messageId, service.messageId],
        ['web01', 5, 'web01', 1042, 7],
      );
      await stream.return();
    });

    it('closing the server ends its streams and the streams of its VMs', async () => {
      const { server, binding, stream } = await vmStream();
      const serverStream = server.events();
      const pending = [stream.next(), serverStream.next()];
      await Promise.all([stream.ready(), serverStream.ready()]);
      await server.close();
      assert.deepStrictEqual(await Promise.all(pending), [
        { done: true, value: undefined },
        { done: true, value: undefined },
      ]);
      assert.strictEqual(binding.subscriptions.size, 0);
    });
  });
});
