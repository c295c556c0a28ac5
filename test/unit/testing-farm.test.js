'use strict';
// watchFakes(): the package's FarmStream over fake hosts: each event with its host, one host's crash
// yielding disconnected and, once restarted, reconnected, while the other's events go on; targets
// checked as watch() checks them.
const assert = require('assert');
const util = require('util');
const v8 = require('v8');
const vm = require('vm');
const { api, eventOf, rejectsWith, settle } = require('./helpers');

const { FakeVirtualServer, watchFakes } = require('virtual-server-events/testing');
const S = api.VMState;
const quick = { probeInterval: 100, probeTimeout: 100, callTimeout: 300 };

describe('testing: watchFakes', () => {
  it("merges the hosts' server events, and one host's crash and restart never stop the other's", async () => {
    const a = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const b = new FakeVirtualServer({ virtualMachines: ['db01'] });
    const farm = watchFakes(
      [Object.assign({ name: 'vs-a', server: a }, quick), Object.assign({ name: 'vs-b', server: b }, quick)],
      { reconnect: { initialDelay: 100, maxDelay: 100 } },
    );
    assert.ok(farm instanceof api.FarmStream);
    await farm.ready();
    a.fireEventLogged(1);
    b.fireEventLogged(2);
    const first = [eventOf(await farm.next(), 'eventLogged'), eventOf(await farm.next(), 'eventLogged')];
    assert.deepStrictEqual(first.map((e) => `${e.host} ${e.messageId}`).sort(), ['vs-a 1', 'vs-b 2']);

    a.crash();
    const lost = eventOf(await farm.next(), 'disconnected');
    assert.deepStrictEqual(
      [lost.type, lost.host, lost.retrying, lost.error.code],
      ['disconnected', 'vs-a', true, 'ERR_VS_DISCONNECTED'],
    );
    b.fireStateChange('db01', S.Running);
    const meanwhile = eventOf(await farm.next(), 'vmStateChange');
    assert.deepStrictEqual([meanwhile.host, meanwhile.type, meanwhile.vm], ['vs-b', 'vmStateChange', 'db01']);

    a.restart();
    const back = eventOf(await farm.next(), 'reconnected');
    assert.deepStrictEqual(
      [back.type, back.host, back.vms],
      ['reconnected', 'vs-a', [{ vm: 'web01', state: S.TurnedOff }]],
    );
    await farm.return();
  });

  it('refuses targets as watch() does, and a target without its FakeVirtualServer', () => {
    const a = new FakeVirtualServer();
    assert.throws(() => watchFakes([]), { code: 'ERR_INVALID_ARG_VALUE', message: /at least one host/ });
    assert.throws(
      () =>
        watchFakes([
          { name: 'x', server: a },
          { name: 'X', server: a },
        ]),
      /distinct name/,
    );
    // @ts-expect-error -- deliberately bad input: a plain object, not a FakeVirtualServer
    assert.throws(() => watchFakes([{ name: 'x', server: {} }]), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"targets\[0\]\.server" argument must be a FakeVirtualServer/,
    });
    assert.throws(() => watchFakes([{ name: 'x', server: a, probeInterval: 1 }]), { code: 'ERR_OUT_OF_RANGE' });
  });
});

// watch() and watchFakes() keep each target's credentials only while a connection may still be made:
// out of every inspection's reach meanwhile, let go of once no attempt can follow.
describe('testing: watchFakes and credentials', function () {
  this.timeout(20000); // real backoffs and probes of 100 ms: room for a loaded machine, nothing timed
  const secret = 'Hunter2-secret';
  const user = 'svc-monitor';
  const domain = 'CONTOSO';
  const credentials = () => ({ user, password: secret, domain });

  before(function () {
    if (typeof WeakRef !== 'function') this.skip(); // Node 12: nothing to tell a collected object by
  });

  /** A garbage collection, once the jobs that made the caller's WeakRefs have ended (they keep their targets until then). */
  async function collect() {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    await settle();
    gc();
    await settle();
    gc();
  }

  /**
   * A fake host whose binding remembers, weakly, the options of every connection made to it: the
   * object lib/ built from a target's credentials, which nothing should keep once no attempt can follow
   * (nor the credentials the caller gave, which farmOf() adds).
   * @param {string} name
   */
  function recordingHost(name) {
    const host = new FakeVirtualServer({ virtualMachines: [`${name}-vm`] });
    const binding = host.binding;
    /** @type {WeakRef<object>[]} */
    const connections = [];
    const wrapped = Object.create(binding);
    wrapped.connect = (/** @type {import('../../dist/binding').NativeConnectOptions} */ options) => {
      connections.push(new WeakRef(options));
      return binding.connect(options);
    };
    Object.defineProperty(host, 'binding', { value: wrapped });
    return { host, connections };
  }

  /** Every string reachable from `root` through own properties (symbols and hidden ones too), Maps and Sets. */
  function reachableStrings(root) {
    const seen = new Set();
    const strings = [];
    const stack = [root];
    while (stack.length > 0 && seen.size < 200000) {
      const value = stack.pop();
      if (typeof value === 'string') {
        strings.push(value);
        continue;
      }
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
      seen.add(value);
      if (value instanceof Map) for (const [key, item] of value) stack.push(key, item);
      if (value instanceof Set) for (const item of value) stack.push(item);
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key === 'string') strings.push(key);
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor && 'value' in descriptor) stack.push(descriptor.value);
      }
      stack.push(Object.getPrototypeOf(value));
    }
    return strings;
  }

  /** Asserts that neither inspection nor a walk of its properties shows a credential of the farm. */
  function assertShowsNone(farm, when) {
    const texts = [
      util.inspect(farm),
      util.inspect(farm, { showHidden: true, depth: Infinity, getters: true }),
      util.inspect(farm, { showHidden: true, depth: Infinity, getters: true, customInspect: false }),
      util.format('%o', farm),
      ...reachableStrings(farm),
    ];
    for (const text of texts) {
      for (const hidden of [secret, user, domain]) {
        assert.ok(!text.includes(hidden), `${when}: the farm shows ${hidden}: ${text.slice(0, 200)}`);
      }
    }
  }

  /**
   * A farm of the hosts, each target with credentials; `given` remembers those the caller gave, weakly.
   * @param {Array<{ host: FakeVirtualServer, connections: WeakRef<object>[] }>} hosts
   * @param {object} [options] watch()'s options
   */
  function farmOf(hosts, options) {
    const targets = hosts.map(({ host, connections }, index) => {
      const given = credentials();
      connections.push(new WeakRef(given));
      return Object.assign({ name: `vs-${index}`, host: `vs-${index}`, credentials: given, server: host }, quick);
    });
    return watchFakes(targets, options);
  }

  /** @param {WeakRef<object>[]} connections */
  async function held(connections) {
    await collect();
    return connections.filter((ref) => ref.deref() !== undefined).length;
  }

  it('without reconnect, lets go of them once each host has been connected', async () => {
    const a = recordingHost('a');
    const b = recordingHost('b');
    const farm = farmOf([a, b]);
    assertShowsNone(farm, 'before the first attempt');
    await farm.ready();
    assert.strictEqual(a.connections.length + b.connections.length, 4, "each host's credentials and connection");
    assertShowsNone(farm, 'while connected');
    assert.strictEqual(await held([...a.connections, ...b.connections]), 0, 'held after the only attempt');
    await farm.return();
  });

  it('with reconnect, holds them out of sight while the stream lives, and lets go at return()', async () => {
    const a = recordingHost('a');
    const farm = farmOf([a], { reconnect: { initialDelay: 100, maxDelay: 100 } });
    await farm.ready();
    a.host.crash();
    assert.strictEqual(eventOf(await farm.next(), 'disconnected').retrying, true);
    assertShowsNone(farm, 'while reconnecting');
    a.host.restart();
    eventOf(await farm.next(), 'reconnected');
    assert.strictEqual(a.connections.length, 3, 'connected again with them');
    assertShowsNone(farm, 'after reconnecting');
    await farm.return();
    assertShowsNone(farm, 'after return()');
    assert.strictEqual(await held(a.connections), 0, 'held after return()');
  });

  /** @typedef {import('../../dist/farm.js').FarmStream<import('../../dist/index.js').HostEvent>} Farm */
  /** @type {Array<[string, (farm: Farm, host: FakeVirtualServer) => Promise<void>]>} */
  const endings = [
    [
      'break',
      async (farm, host) => {
        host.fireEventLogged(1);
        for await (const event of farm) if (event.type === 'eventLogged') break;
      },
    ],
    [
      'an error (every host given up)',
      async (farm, host) => {
        host.crash();
        assert.strictEqual(eventOf(await farm.next(), 'disconnected').retrying, true);
        assert.strictEqual(eventOf(await farm.next(), 'disconnected').retrying, false);
        await rejectsWith(farm.next(), { code: 'ERR_VS_DISCONNECTED', message: /every host is lost/ });
      },
    ],
  ];
  for (const [how, end] of endings) {
    it(`with reconnect, lets go of them when the stream ends by ${how}`, async () => {
      const a = recordingHost('a');
      const reconnect = how === 'break' ? { initialDelay: 100, maxDelay: 100 } : { maxAttempts: 1, initialDelay: 100 };
      const farm = farmOf([a], { reconnect });
      await farm.ready();
      await end(farm, a.host);
      assert.ok(farm.finished);
      assertShowsNone(farm, `after ${how}`);
      assert.strictEqual(await held(a.connections), 0, `held after ${how}`);
    });
  }

  it('with reconnect, lets go of them when the stream is aborted', async () => {
    const a = recordingHost('a');
    const controller = new AbortController();
    const farm = farmOf([a], { reconnect: { initialDelay: 100, maxDelay: 100 }, signal: controller.signal });
    await farm.ready();
    const pending = farm.next();
    controller.abort();
    await rejectsWith(pending, { name: 'AbortError' });
    await settle();
    assertShowsNone(farm, 'after abort');
    assert.strictEqual(await held(a.connections), 0, 'held after abort');
  });
});
