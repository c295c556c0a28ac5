'use strict';
// connect() and VirtualServer on a fake binding, and the argument checks that run before any COM work.
const assert = require('assert');
const { isError } = require('../support/thrown');
const { pathToFileURL } = require('url');
const path = require('path');
const util = require('util');
const { api, dist, fakeConnection, rejectsWith, settle } = require('./helpers');
const { comError } = require('./fake-binding');

describe('connect()', () => {
  it('rejects ERR_VS_UNSUPPORTED_PLATFORM on a host without COM, with the real loader', async function () {
    if (process.platform === 'win32') this.skip();
    const error = await rejectsWith(api.connect(), { code: 'ERR_VS_UNSUPPORTED_PLATFORM', name: 'VirtualServerError' });
    assert.match(error.message, /only on Windows/);
    assert.ok(error instanceof api.VirtualServerError);
  });

  /** @type {[unknown, string, ErrorConstructor][]} options that are bad on purpose, the code, the class */
  const badOptions = [
    [5, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ host: 5 }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ host: '' }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ progId: null }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ clsid: 'not-a-clsid' }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ credentials: { user: 'u', password: 'p' } }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ host: 'h', credentials: 'u:p' }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ host: 'h', credentials: { password: 'p' } }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ host: 'h', credentials: { user: 'u' } }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ probeInterval: '5s' }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ probeInterval: 10 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ probeInterval: 1.5e3 + 0.5 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ probeTimeout: '5s' }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ probeTimeout: 10 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ callTimeout: '15s' }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ callTimeout: 0 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ callTimeout: 2 ** 31 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ host: 'h'.repeat(256) }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ progId: 'VirtualServer.Application.WithAVeryLongName' }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ host: 'h', credentials: { user: 'u'.repeat(514), password: 'p' } }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ host: 'h', credentials: { user: 'u', password: 'p'.repeat(257) } }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [
      { host: 'h', credentials: { user: 'u', password: 'p', domain: 'd'.repeat(256) } },
      'ERR_INVALID_ARG_VALUE',
      TypeError,
    ],
  ];
  for (const [options, code, type] of badOptions) {
    it(`throws ${code} at the call for ${JSON.stringify(options).replace(/(\w)\1{9,}/g, (run, c) => `${c}x${run.length}`)}`, () => {
      assert.throws(
        // @ts-expect-error -- deliberately bad input
        () => api.connect(options),
        (error) => isError(error) && error instanceof type && error.code === code,
      );
    });
  }

  describe('unknown keys are refused, naming the key and what was meant, never the value', () => {
    const secret = 'Hunter2-secret';
    /** @type {[string, unknown, RegExp][]} what, options with an unknown key, the message */
    const cases = [
      [
        'user and password beside credentials',
        { host: 'h', user: 'svc', password: secret },
        /'user' \(did you mean 'options\.credentials\.user'\?\), 'password' \(did you mean 'options\.credentials\.password'\?\)/,
      ],
      [
        'credential (singular)',
        { host: 'h', credential: { user: 'svc', password: secret } },
        /'credential' \(did you mean 'options\.credentials'\?\)/,
      ],
      [
        'a misspelt credentials key',
        { host: 'h', credentials: { user: 'svc', password: secret, domian: 'CONTOSO' } },
        /'domian' \(did you mean 'options\.credentials\.domain'\?\)/,
      ],
      [
        'a credentials key unlike any other (not shown)',
        { host: 'h', credentials: { user: 'svc', password: 'p', [secret]: true } },
        /options\.credentials' has an unknown key: 1 not shown/,
      ],
      ['a transposition', { hots: 'h' }, /'hots' \(did you mean 'options\.host'\?\)/],
      ['another case', { progID: 'VirtualServer.Application' }, /'progID' \(did you mean 'options\.progId'\?\)/],
      ['timeout', { timeout: 1000 }, /'timeout' \(did you mean 'options\.callTimeout'\?\)/],
      [
        'a key like none (no suggestion)',
        { colour: 'blue' },
        /unknown key: 'colour'\. Its keys are host, progId, clsid, credentials, probeInterval, probeTimeout, callTimeout$/,
      ],
    ];
    for (const [what, options, message] of cases) {
      it(`for ${what}`, () => {
        assert.throws(
          // @ts-expect-error -- deliberately bad input
          () => api.connect(options),
          (error) => {
            assert.ok(isError(error));
            assert.strictEqual(error.code, 'ERR_INVALID_ARG_VALUE');
            assert.ok(error instanceof TypeError);
            assert.match(error.message, message);
            assert.ok(!error.message.includes(secret) && !util.inspect(error).includes(secret), error.message);
            return true;
          },
        );
      });
    }

    it('takes every documented key', async function () {
      if (process.platform === 'win32') this.skip();
      const options = {
        host: 'h',
        progId: 'VirtualServer.Application',
        clsid: '{01234567-89ab-cdef-0123-456789abcdef}',
        credentials: { user: 'u', password: 'p', domain: 'd' },
        probeInterval: 1000,
        probeTimeout: 1000,
        callTimeout: 1000,
      };
      await rejectsWith(api.connect(options), { code: 'ERR_VS_UNSUPPORTED_PLATFORM' });
    });
  });

  describe('argument errors about credentials never show the value', () => {
    const secret = 'Hunter2-secret';
    /** @type {[string, unknown, string[]][]} what, bad credentials, the texts the error must not show */
    const cases = [
      ['a number password', { host: 'h', credentials: { user: 'u', password: 12345678 } }, ['12345678']],
      [
        'a Buffer password',
        { host: 'h', credentials: { user: 'u', password: Buffer.from(secret) } },
        [secret, '48 75 6e 74'],
      ],
      ['credentials as one string', { host: 'h', credentials: `CONTOSO\\svc:${secret}` }, [secret, 'CONTOSO']],
      ['credentials as an array', { host: 'h', credentials: ['svc', secret] }, [secret]],
      ['a user of the wrong type', { host: 'h', credentials: { user: [secret], password: 'p' } }, [secret]],
      [
        'a domain of the wrong type',
        { host: 'h', credentials: { user: 'u', password: 'p', domain: { name: secret } } },
        [secret],
      ],
      ['credentials without a host', { credentials: { user: secret, password: secret } }, [secret]],
    ];
    for (const [what, options, hidden] of cases) {
      it(`for ${what}`, () => {
        assert.throws(
          // @ts-expect-error -- deliberately bad input
          () => api.connect(options),
          (error) => {
            assert.ok(isError(error));
            assert.match(String(error.code), /^ERR_INVALID_ARG_/);
            assert.match(error.message, /options\.credentials/, 'names the argument');
            for (const text of hidden) {
              assert.ok(!error.message.includes(text), `the message shows ${text}: ${error.message}`);
              assert.ok(!util.inspect(error).includes(text), `util.inspect of the error shows ${text}`);
            }
            return true;
          },
        );
      });
    }
  });

  it('refuses an empty password at the call, saying why (the addon refused it later, as ERR_VS_COM_ERROR)', () => {
    assert.throws(
      () => api.connect({ host: 'h', credentials: { user: 'u', password: '' } }),
      (error) =>
        isError(error) &&
        error instanceof TypeError &&
        error.code === 'ERR_INVALID_ARG_VALUE' &&
        /options\.credentials\.password' must not be empty: Windows refuses blank passwords over the network/.test(
          error.message,
        ) &&
        /leave out credentials/.test(error.message),
    );
  });

  it('never puts a password into an error message', () => {
    assert.throws(
      () => api.connect({ credentials: { user: 'alice', password: 'hunter2' } }),
      (error) => isError(error) && !error.message.includes('hunter2'),
    );
  });
});

describe('VirtualServer', () => {
  it('reads name and version late-bound', async () => {
    const { server } = await fakeConnection();
    assert.strictEqual(await server.name(), 'FAKEHOST');
    assert.strictEqual(await server.version(), '1.3.1');
    assert.strictEqual(server.where, 'this host');
  });

  it('passes host, clsid and credentials to the native connect', async () => {
    const native = {
      host: 'vshost01',
      clsid: '{01234567-89ab-cdef-0123-456789abcdef}',
      user: 'u',
      password: 'p',
      domain: 'd',
    };
    const { server, binding } = await fakeConnection(undefined, { native });
    assert.deepStrictEqual(binding.connectCalls, [native]);
    assert.strictEqual(server.where, 'host "vshost01"');
  });

  it('lists the virtual machines with their names and lets go of the collection', async () => {
    const { server, binding } = await fakeConnection({
      vms: [
        { name: 'web01', state: 5 },
        { name: 'db01', state: 1 },
      ],
    });
    const vms = await server.virtualMachines();
    assert.deepStrictEqual(
      vms.map((vm) => vm.name),
      ['web01', 'db01'],
    );
    assert.ok(vms.every((vm) => vm instanceof api.VirtualMachine));
    assert.ok(binding.released.some((o) => o.kind === 'collection'));
  });

  it('lets go of every listed object when the listing fails, none left for the session to hold', async () => {
    const { server, binding } = await fakeConnection({
      vms: [
        { name: 'web01', state: 5 },
        { name: 'db01', state: 1 },
        { name: 'app01', state: 1 },
      ],
    });
    const vmObjects = binding.vms.slice();
    vmObjects[1].props.Name = () => {
      throw comError('ERR_VS_COM_ERROR', 'Access is denied', 0x80070005);
    };
    await rejectsWith(server.virtualMachines(), {
      code: 'ERR_VS_COM_ERROR',
      message: /reading a virtual machine name/,
    });
    await settle();
    assert.deepStrictEqual(
      vmObjects.map((vm) => vm.released),
      [true, true, true],
      'a VM object outlived the failed listing',
    );
  });

  it('lets go of the listed objects when an item is no object', async () => {
    const { server, binding } = await fakeConnection({ vms: [{ name: 'web01', state: 5 }] });
    const [web01] = binding.vms;
    /** @type {unknown[]} */ (binding.vms).push('not an object');
    await rejectsWith(server.virtualMachines(), {
      code: 'ERR_VS_UNEXPECTED_VALUE',
      message: /listing the virtual machines: Virtual Server answered a string where an object was expected/,
    });
    await settle();
    assert.ok(web01.released);
  });

  it('finds a virtual machine by name, case-insensitively', async () => {
    const { server } = await fakeConnection();
    const vm = await server.findVirtualMachine('WEB01');
    assert.strictEqual(vm.name, 'web01');
  });

  it('cuts a huge unknown name in its messages', async () => {
    const { server } = await fakeConnection();
    const error = await rejectsWith(server.findVirtualMachine('n'.repeat(100000)), { code: 'ERR_VS_VM_NOT_FOUND' });
    assert.ok(error.message.length < 300, error.message);
    assert.match(error.message, /"n{60}"\.\.\. \(100000 characters\)/);
  });

  it('rejects ERR_VS_VM_NOT_FOUND for an unknown name (S_FALSE arrives as a null object)', async () => {
    const { server } = await fakeConnection();
    const error = await rejectsWith(server.findVirtualMachine('nope'), { code: 'ERR_VS_VM_NOT_FOUND' });
    assert.match(error.message, /"nope"/);
  });

  it('throws ERR_INVALID_ARG_TYPE for a name that is not a string, before any COM call', async () => {
    const { server } = await fakeConnection();
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.findVirtualMachine(42), { code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.findVirtualMachine(), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => server.findVirtualMachine(''), { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('checks events() options at the call', async () => {
    const { server } = await fakeConnection();
    assert.throws(() => server.events({ maxQueue: 0 }), { code: 'ERR_OUT_OF_RANGE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ maxQueue: '1' }), { code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ overflow: 'ignore' }), { code: 'ERR_INVALID_ARG_VALUE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ types: 'vmStateChange' }), { code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ types: ['stateChange'] }), { code: 'ERR_INVALID_ARG_VALUE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ signal: {} }), { code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ reconnect: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => server.events({ reconnect: { maxAttempts: 0 } }), { code: 'ERR_OUT_OF_RANGE' });
  });

  it('refuses a reconnection backoff below the documented minimum of 100 ms (0 retried without pause, forever)', async () => {
    const { server } = await fakeConnection();
    assert.throws(() => server.events({ reconnect: { initialDelay: 0 } }), {
      code: 'ERR_OUT_OF_RANGE',
      message: /initialDelay" is out of range\. It must be an integer >= 100 /,
    });
    assert.throws(() => server.events({ reconnect: { initialDelay: 99 } }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => server.events({ reconnect: { maxDelay: 50 } }), {
      code: 'ERR_OUT_OF_RANGE',
      message: /maxDelay" is out of range\. It must be an integer >= 100 /,
    });
    assert.throws(() => server.events({ reconnect: { initialDelay: 1000, maxDelay: 500 } }), {
      code: 'ERR_OUT_OF_RANGE',
      message: /maxDelay" is out of range\. It must be an integer >= options\.reconnect\.initialDelay \(1000\)/,
    });
    for (const reconnect of [
      { initialDelay: 100 },
      { initialDelay: 100, maxDelay: 100 },
      { maxDelay: 200 },
      { initialDelay: 60000 },
    ]) {
      assert.doesNotThrow(() => server.events({ reconnect }), JSON.stringify(reconnect));
    }
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events(null), { code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ maxQueu: 5 }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /'maxQueu' \(did you mean 'options\.maxQueue'\?\)/,
    });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ requestShutdown: 'deny' }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /unknown key: 'requestShutdown'/,
    });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ initialDelay: 500 }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /did you mean 'options\.reconnect\.initialDelay'/,
    });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => server.events({ reconnect: { maxAttempt: 3 } }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /'maxAttempt' \(did you mean 'options\.reconnect\.maxAttempts'\?\)/,
    });
  });

  it('keeps code and hresult of a native failure and names the HRESULT', async () => {
    const { server, binding } = await fakeConnection();
    binding.roots[0].props.Name = () => {
      throw comError('ERR_VS_COM_ERROR', 'Access is denied. (0x80070005)', 0x80070005);
    };
    const error = await rejectsWith(server.name(), {
      code: 'ERR_VS_COM_ERROR',
      hresult: 0x80070005,
      hresultName: 'E_ACCESSDENIED',
    });
    assert.match(error.message, /^reading the server name: Access is denied/);
  });

  it('rejects ERR_VS_UNEXPECTED_VALUE when Virtual Server answers the wrong type', async () => {
    const { server, binding } = await fakeConnection();
    binding.roots[0].props.Version = 13;
    await rejectsWith(server.version(), { code: 'ERR_VS_UNEXPECTED_VALUE' });
  });

  it('a failed connection rejects with a VirtualServerError saying where', async () => {
    const { fakeVirtualServer } = require('./fake-binding');
    const { connectWith } = require('../../dist/virtual-server.js');
    const binding = fakeVirtualServer();
    binding.connectFailures.push(comError('ERR_VS_COM_ERROR', 'Class not registered', 0x80040154));
    const error = await rejectsWith(connectWith(binding, { host: 'vshost01' }, { intervalMs: 5000, timeoutMs: 5000 }), {
      hresultName: 'REGDB_E_CLASSNOTREG',
    });
    assert.match(error.message, /connecting to Virtual Server on host "vshost01"/);
  });

  it("passes on the addon's argument errors as they are, not as ERR_VS_COM_ERROR", async () => {
    const { fakeVirtualServer } = require('./fake-binding');
    const { connectWith } = require('../../dist/virtual-server.js');
    const binding = fakeVirtualServer();
    /** @type {TypeError & { code?: string }} */
    const refused = new TypeError('The "options.password" argument must be a non-empty string');
    refused.code = 'ERR_INVALID_ARG_VALUE';
    binding.connect = () => {
      throw refused; // what the addon throws, synchronously, for options it refuses
    };
    const error = await connectWith(
      binding,
      { host: 'vshost01', user: 'u', password: '' },
      { intervalMs: 5000, timeoutMs: 5000 },
    ).catch((e) => e);
    assert.strictEqual(error, refused);
  });

  it('close() lets go of the root object and every VM object, is idempotent, and later use rejects ERR_VS_CLOSED', async () => {
    const { server, binding } = await fakeConnection();
    const vm = await server.findVirtualMachine('web01');
    await server.close();
    await server.close();
    assert.ok(binding.roots[0].released);
    assert.ok(binding.vms[0].released, 'the VM object too');
    await rejectsWith(vm.state(), { code: 'ERR_VS_CLOSED' });
    await rejectsWith(server.name(), { code: 'ERR_VS_CLOSED' });
    assert.throws(() => server.events(), { code: 'ERR_VS_CLOSED' });
  });

  it('supports `await using` where the runtime has Symbol.asyncDispose', async function () {
    if (typeof Symbol.asyncDispose !== 'symbol') this.skip();
    const { server, binding } = await fakeConnection();
    await server[Symbol.asyncDispose]();
    assert.ok(binding.roots[0].released);
  });

  it('lists the event interfaces discovery found', async () => {
    const { server } = await fakeConnection();
    const [described] = await server.eventInterfaces();
    assert.strictEqual(described.name, 'IVMVirtualServerEvents');
  });
});

describe('package entry', () => {
  const names = [
    'connect',
    'VirtualServer',
    'VirtualMachine',
    'EventStream',
    'VMState',
    'VMTaskResult',
    'VirtualServerError',
    'AbortError',
    'ErrorCodes',
    'stateName',
    'parseState',
    'hresultName',
  ];

  it('require() gives every named export', () => {
    for (const name of names) assert.ok(name in api, name);
  });

  it('import() of the CommonJS output gives the same named exports (statically detected)', async () => {
    const esm = await import(pathToFileURL(path.join(dist, 'index.js')).href);
    for (const name of names) assert.strictEqual(esm[name], api[name], name);
  });
});

describe('NODE_DEBUG=virtual-server-events', () => {
  it('traces connection, subscription and errors, never credentials', () => {
    const { spawnSync } = require('child_process');
    const script = `
      const { connectWith } = require(${JSON.stringify(path.join(dist, 'virtual-server.js'))});
      const { fakeVirtualServer, comError } = require(${JSON.stringify(path.join(__dirname, 'fake-binding.js'))});
      (async () => {
        const binding = fakeVirtualServer();
        const server = await connectWith(binding, { host: 'vshost01', user: 'alice', password: 'hunter2', domain: 'CONTOSO' }, { intervalMs: 5000, timeoutMs: 5000 });
        const stream = server.events();
        await stream.ready();
        binding.roots[0].props.Name = () => { throw comError('ERR_VS_COM_ERROR', 'Access is denied', 0x80070005); };
        await server.name().catch(() => undefined);
        await server.close();
      })();`;
    const result = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: Object.assign({}, process.env, { NODE_DEBUG: 'virtual-server-events' }),
    });
    assert.strictEqual(result.status, 0, result.stderr);
    assert.match(result.stderr, /connecting to Virtual Server on host "vshost01"/);
    assert.match(result.stderr, /subscribed to Virtual Server on host "vshost01" \(IVMVirtualServerEvents vtable\)/);
    assert.match(result.stderr, /reading the server name failed: .*Access is denied/);
    assert.match(result.stderr, /closed the connection/);
    assert.doesNotMatch(result.stderr, /hunter2|alice/);
  });
});

// Node 12 has no WeakRef: there a session holds every VM object it hands out until close(). What it
// makes for itself (a reconnection's snapshot of the VMs' states) must not pile up there.
describe('VM objects where the runtime has no WeakRef (Node 12)', () => {
  const { FakeVirtualServer } = require('virtual-server-events/testing');
  const { connectWith } = require('../../dist/virtual-server.js');
  const { holding } = require('../../dist/session.js');
  const v8 = require('v8');
  const vm = require('vm');

  /** @type {typeof holding.WeakRef} */
  let runtimeWeakRef;
  beforeEach(function () {
    if (typeof WeakRef !== 'function') this.skip(); // the test tells collected objects by WeakRef
    runtimeWeakRef = holding.WeakRef;
    holding.WeakRef = undefined;
  });
  afterEach(() => {
    holding.WeakRef = runtimeWeakRef;
  });

  /**
   * A fake host's binding that counts the objects it hands out and are not released yet (what the host
   * holds for this process), and remembers, weakly, those the VM listings handed out.
   * @param {FakeVirtualServer} host
   */
  function counting(host) {
    const binding = host.binding;
    const live = new Set();
    /** @type {WeakRef<object>[]} */
    const listed = [];
    const handed = (/** @type {unknown} */ value) => {
      if (typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value))
        live.add(value);
      return value;
    };
    const wrapped = Object.create(binding);
    wrapped.connect = (/** @type {any} */ options) => binding.connect(options).then(handed);
    wrapped.get = (/** @type {any[]} */ ...args) => binding.get(args[0], args[1], args[2]).then(handed);
    wrapped.call = (/** @type {any[]} */ ...args) => binding.call(args[0], args[1], args[2]).then(handed);
    wrapped.items = (/** @type {any} */ collection) =>
      binding.items(collection).then((items) => {
        for (const item of items) {
          handed(item);
          listed.push(new WeakRef(/** @type {object} */ (item)));
        }
        return items;
      });
    wrapped.release = (/** @type {any} */ target) => {
      live.delete(target);
      return binding.release(target);
    };
    return { binding: wrapped, live, listed };
  }

  it("a reconnected server stream's snapshot holds none of the VMs' objects: reconnections do not pile them up", async function () {
    this.timeout(30000);
    const host = new FakeVirtualServer({ virtualMachines: ['web01', 'web02', 'db01'] });
    const { binding, live, listed } = counting(host);
    const server = await connectWith(binding, { callTimeoutMs: 1000 }, { intervalMs: 100, timeoutMs: 100 });
    const stream = server.events({ reconnect: { initialDelay: 100, maxDelay: 100 } });
    await stream.ready();
    const afterConnect = live.size; // the root
    const reconnections = 4;
    for (let round = 1; round <= reconnections; round++) {
      host.crash();
      host.restart();
      for (;;) {
        const { value, done } = await stream.next();
        assert.ok(!done, 'the stream ended');
        if (value.type === 'reconnected') {
          assert.deepStrictEqual(
            value.vms.map((item) => item.vm),
            ['web01', 'web02', 'db01'],
          );
          break;
        }
      }
    }
    assert.strictEqual(listed.length, 3 * reconnections, 'each snapshot listed the VMs');
    assert.strictEqual(
      live.size,
      afterConnect,
      `${live.size - afterConnect} objects more are held after ${reconnections} reconnections`,
    );
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.strictEqual(listed.filter((ref) => ref.deref() !== undefined).length, 0, 'the session keeps them alive');
    await stream.return();
    await server.close();
    assert.strictEqual(live.size, 0, 'close() lets go of everything');
  });
});
