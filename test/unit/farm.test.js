'use strict';
// watch() and FarmStream over fake bindings, one fake Virtual Server per host: merging, host records,
// per-host reconnection and backoff, what ends the stream, queue bounds, abort, and that no host's
// connecting, losing or closing waits on another's. No test waits on time but for the shortest backoff.
const assert = require('assert');
const { isError } = require('../support/thrown');
const util = require('util');
const { api, settle, rejectsWith, eventOf } = require('./helpers');
const { fakeVirtualServer, comError } = require('./fake-binding');

const { FarmStream } = require('../../dist/farm.js');
const { connectWith } = require('../../dist/virtual-server.js');
const { parseEventsOptions } = require('../../dist/event-options.js');

const probe = { intervalMs: 5000, timeoutMs: 5000 };
/** The shortest backoff the API allows. */
const quickReconnect = { initialDelay: 100, maxDelay: 100 };
const logged = (id) => ({ method: 'OnEventLogged', args: [id] });
const vmState = (vm, state) => ({ method: 'OnVMStateChange', args: [vm, state] });
const lost = () => comError('ERR_VS_DISCONNECTED', 'the server went away', 0x800706ba);

/**
 * A farm over fake hosts: `specs` maps a host name to its fake Virtual Server's options, plus
 * `connect` to replace how it connects (e.g. a connection that never comes).
 * @param {Record<string, {
 *   vms?: Array<{ name: string, state: number }>,
 *   connect?: () => Promise<import('../../dist/virtual-server.js').VirtualServer>,
 * }>} specs
 * @param {object} [options] what watch() takes besides the targets
 */
function fakeFarm(specs, options) {
  /** @type {Record<string, import('./fake-binding').FakeBinding>} */
  const bindings = {};
  const hosts = Object.keys(specs).map((name) => {
    const spec = specs[name];
    const binding = fakeVirtualServer({ vms: spec.vms || [{ name: `${name}-vm`, state: 5 }] });
    bindings[name] = binding;
    return { name, connect: spec.connect || (() => connectWith(binding, {}, probe)) };
  });
  const { stream } = parseEventsOptions(options, [...api.virtualServerEventTypes, 'disconnected']);
  /** @type {FarmStream<import('../../dist/index.js').HostEvent>} what watch() returns */
  const farm = new FarmStream(hosts, stream);
  return { farm, bindings };
}

/** The next `count` values of the stream, as [host, type, detail] rows. */
async function take(farm, count) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await farm.next();
    assert.ok(!done, `the stream ended after ${i} of ${count} values`);
    const detail =
      value.type === 'eventLogged'
        ? value.messageId
        : value.type === 'disconnected'
          ? value.retrying
          : value.type === 'reconnected'
            ? value.vms
            : value.state;
    rows.push([value.host, value.type, detail]);
  }
  return rows;
}

function waitUntil(condition) {
  return new Promise((resolve) => {
    const poll = () => (condition() ? resolve(undefined) : setTimeout(poll, 5));
    poll();
  });
}

describe('watch() of several hosts', () => {
  describe('its targets', () => {
    it('refuses what is not a list of hosts', () => {
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => api.watch(undefined), { code: 'ERR_INVALID_ARG_TYPE', message: /"targets" argument/ });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => api.watch({ host: 'a' }), { code: 'ERR_INVALID_ARG_TYPE' });
      assert.throws(() => api.watch([]), { code: 'ERR_INVALID_ARG_VALUE', message: /must list at least one host/ });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => api.watch([null]), { code: 'ERR_INVALID_ARG_TYPE', message: /"targets\[0\]" argument/ });
    });

    it("checks each target as connect() does, naming it targets[i], and knows 'name'", () => {
      assert.throws(() => api.watch([{ host: 'a' }, { host: 'x'.repeat(300) }]), {
        code: 'ERR_INVALID_ARG_VALUE',
        message: /'targets\[1\]\.host' must be at most 255 characters long/,
      });
      assert.throws(() => api.watch([{ clsid: 'nope' }]), { message: /'targets\[0\]\.clsid' must be a CLSID/ });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => api.watch([{ hots: 'a' }]), {
        message: /'hots' \(did you mean 'targets\[0\]\.host'\?\)\. Its keys are host, .*, name$/,
      });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => api.watch([{ name: 5 }]), { code: 'ERR_INVALID_ARG_TYPE', message: /targets\[0\]\.name/ });
      assert.throws(() => api.watch([{ host: 'a', probeInterval: 5 }]), {
        code: 'ERR_OUT_OF_RANGE',
        message: /targets\[0\]\.probeInterval/,
      });
    });

    it('never shows credentials in its messages', () => {
      const secret = 'Hunter2-secret';
      for (const bad of [
        [{ host: 'a', credentials: { user: 'svc', password: secret, extra: secret } }],
        [{ host: 'a', credentials: { user: 'svc', password: secret + 'x'.repeat(300) } }],
        [{ credentials: { user: 'svc', password: secret } }],
      ]) {
        assert.throws(
          () => api.watch(bad),
          (error) => isError(error) && !error.message.includes(secret) && !error.message.includes('svc'),
        );
      }
    });

    it("refuses two targets of one name (this host's is 'localhost'; names ignore case)", () => {
      assert.throws(() => api.watch([{}, { clsid: '{01234567-89ab-cdef-0123-456789abcdef}' }]), {
        code: 'ERR_INVALID_ARG_VALUE',
        message: /'targets\[1\]\.name' is the name of targets\[0\] too .*give each target a distinct name/,
      });
      assert.throws(() => api.watch([{ host: 'vs01' }, { host: 'VS01' }]), { message: /targets\[0\] too/ });
      assert.doesNotThrow(() => api.watch([{ host: 'vs01' }, { host: 'vs01', name: 'vs01-again' }]));
    });

    it('checks the stream options as events() does, with disconnected among the types', () => {
      assert.throws(() => api.watch([{}], { maxQueue: 0 }), { code: 'ERR_OUT_OF_RANGE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => api.watch([{}], { types: ['stateChange'] }), { message: /vmStateChange.*disconnected/ });
      // @ts-expect-error -- deliberately bad input
      assert.doesNotThrow(() => api.watch([{}], { types: ['disconnected'] }));
    });

    it('off Windows, ends at once with ERR_VS_UNSUPPORTED_PLATFORM, which no host gets past', async function () {
      if (process.platform === 'win32') this.skip();
      const farm = api.watch([{ host: 'a' }, { host: 'b' }], { reconnect: true });
      await rejectsWith(farm.next(), { code: 'ERR_VS_UNSUPPORTED_PLATFORM' });
      assert.deepStrictEqual(await farm.next(), { done: true, value: undefined });
    });
  });

  describe('merging', () => {
    it("yields every host's events as they arrive, each with its host", async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} });
      await farm.ready();
      // Each batch is a callback of its own, as the addon's are (one task each).
      bindings.A.emit('server', [logged(1)]);
      await settle();
      bindings.B.emit('server', [logged(2), vmState('B-vm', 6)]);
      await settle();
      bindings.A.emit('server', [logged(3)]);
      assert.deepStrictEqual(await take(farm, 4), [
        ['A', 'eventLogged', 1],
        ['B', 'eventLogged', 2],
        ['B', 'vmStateChange', 6],
        ['A', 'eventLogged', 3],
      ]);
      await farm.return();
    });

    it('connects on the first next() or ready(), never before, and subscribes each host once', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} });
      await settle();
      assert.strictEqual(bindings.A.connectCalls.length, 0);
      await farm.ready();
      assert.deepStrictEqual(
        ['A', 'B'].map((name) => bindings[name].subscriptionsOf('server').length),
        [1, 1],
      );
      assert.deepStrictEqual(farm.hostStates, { A: 'connected', B: 'connected' });
      await farm.return();
      assert.deepStrictEqual(
        ['A', 'B'].map((name) => bindings[name].subscriptionsOf('server').length),
        [0, 0],
      );
      assert.deepStrictEqual(farm.hostStates, { A: 'closed', B: 'closed' });
    });

    it("types filters the hosts' events; disconnected and reconnected records always come", async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { types: ['vmStateChange'], reconnect: quickReconnect });
      await farm.ready();
      bindings.A.emit('server', [logged(1), vmState('A-vm', 5)]);
      bindings.B.end('server', lost());
      assert.deepStrictEqual(await take(farm, 3), [
        ['A', 'vmStateChange', 5],
        ['B', 'disconnected', true],
        ['B', 'reconnected', [{ vm: 'B-vm', state: 5 }]],
      ]);
      await farm.return();
    });
  });

  describe('losing a host', () => {
    it('yields a disconnected record for it and goes on with the others; losing the last ends the stream', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} });
      await farm.ready();
      bindings.A.end('server', lost());
      const record = eventOf(await farm.next(), 'disconnected');
      assert.strictEqual(record.type, 'disconnected');
      assert.strictEqual(record.host, 'A');
      assert.strictEqual(record.retrying, false);
      assert.strictEqual(record.error.code, 'ERR_VS_DISCONNECTED');
      assert.ok(record.time instanceof Date);
      assert.strictEqual(bindings.A.released.includes(bindings.A.roots[0]), true, "A's connection is let go");
      bindings.B.emit('server', [logged(7)]);
      assert.deepStrictEqual(await take(farm, 1), [['B', 'eventLogged', 7]]);
      assert.deepStrictEqual(farm.hostStates, { A: 'lost', B: 'connected' });
      bindings.B.end('server', lost());
      assert.deepStrictEqual(await take(farm, 1), [['B', 'disconnected', false]]);
      const error = await rejectsWith(farm.next(), { code: 'ERR_VS_DISCONNECTED' });
      assert.match(error.message, /^every host is lost \(A: .*went away; B: .*went away\)/);
      assert.deepStrictEqual(await farm.next(), { done: true, value: undefined });
    });

    it('with reconnect: disconnected, then reconnected with its VMs, then its events; the others flow meanwhile', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { reconnect: quickReconnect });
      await farm.ready();
      bindings.A.end('server', lost());
      bindings.A.connectFailures.push(comError('ERR_VS_COM_ERROR', 'still down', 0x800706ba));
      assert.deepStrictEqual(await take(farm, 1), [['A', 'disconnected', true]]);
      assert.strictEqual(farm.hostStates.A, 'reconnecting');
      bindings.B.emit('server', [logged(1)]);
      assert.deepStrictEqual(await take(farm, 1), [['B', 'eventLogged', 1]]);
      assert.deepStrictEqual(await take(farm, 1), [['A', 'reconnected', [{ vm: 'A-vm', state: 5 }]]]);
      assert.strictEqual(
        bindings.A.connectCalls.length,
        3,
        'the first connection, one failed attempt, one that worked',
      );
      bindings.A.emit('server', [logged(2)]);
      assert.deepStrictEqual(await take(farm, 1), [['A', 'eventLogged', 2]]);
      assert.strictEqual(bindings.B.connectCalls.length, 1, 'B was never reconnected');
      await farm.return();
    });

    it("backs off per host: a host's failed attempts double its own delay only", async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { reconnect: { initialDelay: 100, maxDelay: 400 } });
      await farm.ready();
      for (let i = 0; i < 3; i++) bindings.A.connectFailures.push(comError('ERR_VS_COM_ERROR', 'down', 0x800706ba));
      const startedAt = Date.now();
      bindings.A.end('server', lost());
      await take(farm, 1);
      bindings.B.end('server', lost());
      await take(farm, 1);
      // B: one attempt after 100 ms. A: 100 + 200 + 400 + 400 ms.
      const rows = await take(farm, 2);
      assert.deepStrictEqual(
        rows.map((row) => [row[0], row[1]]),
        [
          ['B', 'reconnected'],
          ['A', 'reconnected'],
        ],
      );
      assert.ok(Date.now() - startedAt >= 1000, `A came back after ${Date.now() - startedAt} ms`);
      await farm.return();
    });

    it('gives a host up after maxAttempts with a last disconnected record, retrying: false', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { reconnect: { ...quickReconnect, maxAttempts: 2 } });
      await farm.ready();
      for (let i = 0; i < 2; i++) bindings.A.connectFailures.push(comError('ERR_VS_COM_ERROR', 'down', 0x800706ba));
      bindings.A.end('server', lost());
      assert.deepStrictEqual(await take(farm, 1), [['A', 'disconnected', true]]);
      const value = eventOf(await farm.next(), 'disconnected');
      assert.deepStrictEqual([value.host, value.type, value.retrying], ['A', 'disconnected', false]);
      assert.match(value.error.message, /^A stayed unreachable after 2 reconnection attempts: /);
      assert.strictEqual(farm.hostStates.A, 'lost');
      assert.strictEqual(farm.finished, false, 'B is still up');
      await farm.return();
    });

    it('a host that never connected yields its record and the others go on; with reconnect it joins later', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { reconnect: quickReconnect });
      bindings.A.connectFailures.push(comError('ERR_VS_COM_ERROR', 'class not registered', 0x80040154));
      await farm.ready();
      const value = eventOf(await farm.next(), 'disconnected');
      assert.deepStrictEqual([value.host, value.type, value.retrying], ['A', 'disconnected', true]);
      assert.match(value.error.message, /class not registered/);
      bindings.B.emit('server', [logged(5)]);
      assert.deepStrictEqual(await take(farm, 2), [
        ['B', 'eventLogged', 5],
        ['A', 'reconnected', [{ vm: 'A-vm', state: 5 }]],
      ]);
      await farm.return();
    });

    it('without reconnect, targets that all fail to connect end the stream with ERR_VS_DISCONNECTED after their records', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} });
      bindings.A.connectFailures.push(comError('ERR_VS_COM_ERROR', 'A refused', 0x80070005));
      bindings.B.connectFailures.push(comError('ERR_VS_COM_ERROR', 'B refused', 0x80070005));
      const rows = await take(farm, 2);
      assert.deepStrictEqual(rows.map((row) => row[1]).sort(), ['disconnected', 'disconnected']);
      await rejectsWith(farm.next(), { code: 'ERR_VS_DISCONNECTED', message: /A refused.*B refused/ });
    });

    it('a failure while resynchronising counts as a failed attempt', async () => {
      const { farm, bindings } = fakeFarm({ A: {} }, { reconnect: quickReconnect });
      await farm.ready();
      bindings.A.subscribeFailures.push(comError('ERR_VS_DISCONNECTED', 'gone again', 0x800706ba));
      bindings.A.end('server', lost());
      assert.deepStrictEqual(await take(farm, 2), [
        ['A', 'disconnected', true],
        ['A', 'reconnected', [{ vm: 'A-vm', state: 5 }]],
      ]);
      assert.strictEqual(bindings.A.connectCalls.length, 3);
      assert.strictEqual(bindings.A.subscriptionsOf('server').length, 1, 'one subscription, not two');
      await farm.return();
    });
  });

  describe('one host never delays another', () => {
    it("a host whose connection never comes holds up neither the others' events nor return()", async () => {
      let connecting = 0;
      const { farm, bindings } = fakeFarm({
        A: {
          connect: () => {
            connecting++;
            return new Promise(() => undefined);
          },
        },
        B: {},
      });
      const first = farm.next();
      await waitUntil(() => bindings.B.subscriptionsOf('server').length === 1);
      bindings.B.emit('server', [logged(1)]);
      assert.strictEqual((await first).value?.host, 'B');
      assert.strictEqual(connecting, 1);
      assert.deepStrictEqual(farm.hostStates, { A: 'connecting', B: 'connected' });
      await farm.return();
      assert.strictEqual(bindings.B.subscriptionsOf('server').length, 0);
    });

    it("return() lets every host go at once: B's subscription is closed while A's close still hangs", async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} });
      await farm.ready();
      const [subscriptionA] = bindings.A.subscriptionsOf('server');
      /** @type {((value?: unknown) => void) | undefined} */
      let finishA;
      subscriptionA.close = () => new Promise((resolve) => (finishA = resolve));
      const returned = farm.return();
      await waitUntil(() => bindings.B.subscriptionsOf('server').length === 0 && finishA);
      let settled = false;
      void returned.then(() => (settled = true));
      await settle();
      assert.strictEqual(settled, false, 'return() resolves once every host is let go');
      assert.ok(finishA);
      finishA();
      await returned;
    });

    it("a host's connection that comes after return() is let go at once", async () => {
      /** @type {((server: import('../../dist/virtual-server.js').VirtualServer) => void) | undefined} */
      let arrive;
      const binding = fakeVirtualServer();
      const { farm } = fakeFarm({ A: { connect: () => new Promise((resolve) => (arrive = resolve)) } });
      void farm.next().catch(() => undefined);
      await settle();
      await farm.return();
      const server = await connectWith(binding, {}, probe);
      assert.ok(arrive);
      arrive(server);
      await waitUntil(() => binding.released.includes(binding.roots[0]));
      assert.strictEqual(binding.subscriptions.size, 0, 'and it never subscribed');
    });
  });

  describe('queue, abort, inspection', () => {
    it("maxQueue bounds the merged queue; overflow: 'error' delivers what was queued, then rejects", async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { maxQueue: 2 });
      await farm.ready();
      bindings.A.emit('server', [logged(1)]);
      await settle();
      bindings.B.emit('server', [logged(2), logged(3)]);
      await settle();
      assert.deepStrictEqual(await take(farm, 2), [
        ['A', 'eventLogged', 1],
        ['B', 'eventLogged', 2],
      ]);
      await rejectsWith(farm.next(), {
        code: 'ERR_VS_EVENT_QUEUE_OVERFLOW',
        message: /more than 2 events of the hosts "A", "B"/,
      });
      assert.deepStrictEqual(
        ['A', 'B'].map((name) => bindings[name].subscriptionsOf('server').length),
        [0, 0],
      );
    });

    it("overflow: 'drop-oldest' drops the oldest and counts them", async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { maxQueue: 2, overflow: 'drop-oldest' });
      await farm.ready();
      bindings.A.emit('server', [logged(1), logged(2)]);
      await settle();
      bindings.B.emit('server', [logged(3)]);
      await settle();
      assert.strictEqual(farm.queued, 2);
      assert.strictEqual(farm.dropped, 1);
      assert.deepStrictEqual(await take(farm, 2), [
        ['A', 'eventLogged', 2],
        ['B', 'eventLogged', 3],
      ]);
      await farm.return();
    });

    it('a host stream that overflows in the addon ends the merged stream with its error', async () => {
      const { farm, bindings } = fakeFarm({ A: {}, B: {} });
      await farm.ready();
      bindings.A.end('server', comError('ERR_VS_EVENT_QUEUE_OVERFLOW', 'the native queue was full'));
      await rejectsWith(farm.next(), { code: 'ERR_VS_EVENT_QUEUE_OVERFLOW' });
      assert.strictEqual(bindings.B.subscriptionsOf('server').length, 0);
    });

    it('abort rejects the pending next() with AbortError, drops the queue and lets every host go', async () => {
      const controller = new AbortController();
      const { farm, bindings } = fakeFarm({ A: {}, B: {} }, { signal: controller.signal });
      await farm.ready();
      bindings.A.emit('server', [logged(1)]);
      await settle();
      controller.abort('enough');
      await rejectsWith(farm.next(), { name: 'AbortError', cause: 'enough' });
      await waitUntil(
        () => bindings.A.subscriptionsOf('server').length + bindings.B.subscriptionsOf('server').length === 0,
      );
      assert.deepStrictEqual(await farm.next(), { done: true, value: undefined });
    });

    it('an already aborted signal ends it before it connects anything', async () => {
      const { farm, bindings } = fakeFarm({ A: {} }, { signal: AbortSignal.abort() });
      await rejectsWith(farm.next(), { name: 'AbortError' });
      await farm.ready().catch(() => undefined);
      assert.strictEqual(bindings.A.connectCalls.length, 0);
    });

    it('keeps the process alive exactly while a next() waits', async () => {
      const { farm, bindings } = fakeFarm({ A: {} });
      await farm.ready();
      assert.strictEqual(bindings.A.subscriptionsOf('server')[0].referenced, false, 'the host stream never refs');
      const handles = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      const idle = handles();
      const pending = farm.next();
      assert.strictEqual(handles(), idle + 1, 'held while waiting');
      bindings.A.emit('server', [logged(1)]);
      await pending;
      assert.strictEqual(handles(), idle, 'let go once nothing waits');
      await farm.return();
    });

    it('shows hosts and their states when inspected, never credentials', async () => {
      const farm = api.watch([
        { host: 'vs01', credentials: { user: 'svc', password: 'Hunter2-secret' } },
        { host: 'vs02' },
      ]);
      const shown = util.inspect(farm, { breakLength: Infinity });
      assert.match(shown, /^FarmStream \{ hosts: \{ vs01: 'connecting', vs02: 'connecting' \}, queued: 0/);
      assert.ok(!shown.includes('Hunter2') && !shown.includes('svc'));
      await farm.return();
    });
  });
});
