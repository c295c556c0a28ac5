'use strict';
// Bad arguments to every native entry point: wrong types and values throw Node's TypeError/RangeError
// (code ERR_INVALID_ARG_*, naming the argument); released objects reject with ERR_VS_RELEASED; objects
// without events reject with ERR_VS_EVENTS_UNAVAILABLE. Never a crash. Needs no simulator.
const assert = require('assert');
const h = require('../support/harness');
const { isError } = require('../support/thrown');

function throwsArg(fn, code, pattern) {
  assert.throws(fn, (error) => {
    assert.ok(isError(error));
    assert.ok(error instanceof TypeError || error instanceof RangeError, `${error.name}: ${error.message}`);
    assert.strictEqual(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

// Arrays nested `levels` deep, the innermost holding 'core'.
function nested(levels) {
  /** @type {import('../../dist/binding.js').NativeValue} */
  let value = 'core';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('bridge arguments: every native entry point refuses bad input clearly', function () {
  let binding;
  let object;
  const validSubscribe = () => ({
    maxQueue: 10,
    overflow: 'error',
    probeIntervalMs: 1000,
    probeTimeoutMs: 1000,
    onEvents() {},
    onEnd() {},
  });

  before(async function () {
    binding = h.loadAddon();
    object = await binding.connect({ progId: 'Scripting.Dictionary' });
  });

  after(function () {
    binding.release(object);
  });

  it('connect()', function () {
    throwsArg(() => binding.connect(42), 'ERR_INVALID_ARG_TYPE', /"options" argument must be an object/);
    throwsArg(
      () => binding.connect({ progId: 7 }),
      'ERR_INVALID_ARG_TYPE',
      /"options\.progId" argument must be a string/,
    );
    throwsArg(() => binding.connect({ progId: '' }), 'ERR_INVALID_ARG_VALUE', /"options\.progId".*non-empty/);
    throwsArg(
      () => binding.connect({ clsid: 'not-a-clsid' }),
      'ERR_INVALID_ARG_VALUE',
      /"options\.clsid".*\{xxxxxxxx-/,
    );
    throwsArg(() => binding.connect({ host: 'h', user: 'u' }), 'ERR_INVALID_ARG_VALUE', /both user and password/);
    throwsArg(() => binding.connect({ user: 'u', password: 'secret-pw' }), 'ERR_INVALID_ARG_VALUE', /given a host/);
    assert.throws(
      () => binding.connect({ user: 'u', password: 'secret-pw' }),
      (e) => isError(e) && !e.message.includes('secret-pw'),
    );
    throwsArg(
      () => binding.connect({ callTimeoutMs: '1s' }),
      'ERR_INVALID_ARG_TYPE',
      /"options\.callTimeoutMs" argument must be a number/,
    );
    throwsArg(() => binding.connect({ callTimeoutMs: 0 }), 'ERR_OUT_OF_RANGE', /"options\.callTimeoutMs"/);
  });

  it('connect() with a well-formed CLSID nobody registered rejects with the HRESULT', async function () {
    await assert.rejects(binding.connect({ clsid: '{00000000-1111-2222-3333-444444444444}' }), (error) => {
      assert.ok(isError(error));
      assert.strictEqual(error.code, 'ERR_VS_COM_ERROR');
      assert.strictEqual(error.hresult, 0x80040154);
      assert.match(error.message, /CLSID \{00000000-1111-2222-3333-444444444444\} on this host.*REGDB_E_CLASSNOTREG/);
      return true;
    });
  });

  it('connect() to a remote host names the host and never the credentials', async function () {
    // Windows answers an unknown host with an RPC error after name resolution; Wine 8.0, which has no
    // DCOM, answers REGDB_E_CLASSNOTREG at once. Either way the rejection must say where, not with what.
    const options = { host: 'no-such-host.invalid', user: 'someone', password: 'pw-secret-1234', domain: 'LAB' };
    await assert.rejects(binding.connect(options), (error) => {
      assert.ok(isError(error));
      assert.match(String(error.code), /^ERR_VS_/);
      assert.ok(
        typeof error.hresult === 'number' && error.hresult >= 0x80000000,
        `a failure HRESULT: ${error.hresult}`,
      );
      assert.match(error.message, /on host no-such-host\.invalid failed: 0x[0-9A-F]{8}/);
      assert.ok(
        !error.message.includes('pw-secret-1234') && !String(error.stack).includes('pw-secret-1234'),
        'no password',
      );
      return true;
    });
  });

  it('get(), put(), call(), items(), release(), describeEvents() and subscribe() check their target', function () {
    const notObjects = [undefined, null, 1, 'x', {}, [], () => {}];
    for (const bad of notObjects) {
      const pattern = /argument must be a NativeObject/;
      throwsArg(() => binding.get(bad, 'Count'), 'ERR_INVALID_ARG_TYPE', pattern);
      throwsArg(() => binding.put(bad, 'Count', 1), 'ERR_INVALID_ARG_TYPE', pattern);
      throwsArg(() => binding.call(bad, 'Add', []), 'ERR_INVALID_ARG_TYPE', pattern);
      throwsArg(() => binding.items(bad), 'ERR_INVALID_ARG_TYPE', pattern);
      throwsArg(() => binding.release(bad), 'ERR_INVALID_ARG_TYPE', pattern);
      throwsArg(() => binding.describeEvents(bad), 'ERR_INVALID_ARG_TYPE', pattern);
      throwsArg(() => binding.subscribe(bad, validSubscribe()), 'ERR_INVALID_ARG_TYPE', pattern);
    }
  });

  it('get(), put() and call() check names, argument lists and values', function () {
    throwsArg(() => binding.get(object, 5), 'ERR_INVALID_ARG_TYPE', /"name" argument must be a string/);
    throwsArg(() => binding.get(object, ''), 'ERR_INVALID_ARG_VALUE', /"name" argument must be a non-empty string/);
    throwsArg(
      () => binding.get(object, 'Item', 'key'),
      'ERR_INVALID_ARG_TYPE',
      /"args" argument must be an array or undefined/,
    );
    throwsArg(() => binding.call(object, 'Add'), 'ERR_INVALID_ARG_TYPE', /"args" argument must be an array/);
    throwsArg(
      () => binding.call(object, 'Add', ['k', Symbol('s')]),
      'ERR_INVALID_ARG_TYPE',
      /"args\[1\]" argument must be a VARIANT-compatible value/,
    );
    throwsArg(() => binding.call(object, 'Add', ['k', { plain: true }]), 'ERR_INVALID_ARG_TYPE', /"args\[1\]"/);
    throwsArg(
      () => binding.call(object, 'Add', ['k', [1, [2, () => 3]]]),
      'ERR_INVALID_ARG_TYPE',
      /"args\[1\]\[1\]\[1\]"/,
    );
    throwsArg(() => binding.call(object, 'Add', ['k', 2n ** 70n]), 'ERR_OUT_OF_RANGE', /"args\[1\]".*64-bit/);
    throwsArg(() => binding.put(object, 'CompareMode', () => 1), 'ERR_INVALID_ARG_TYPE', /"value" argument/);
    /** @type {import('../../dist/binding.js').NativeValue[]} */
    const cyclic = [1];
    cyclic.push(cyclic);
    throwsArg(
      () => binding.call(object, 'Add', ['k', cyclic]),
      'ERR_INVALID_ARG_VALUE',
      /"args\[1\](\[1\]){32}".*within 32 levels of nested arrays/,
    );
    throwsArg(
      () => binding.call(object, 'Add', ['k', nested(33)]),
      'ERR_INVALID_ARG_VALUE',
      /within 32 levels of nested arrays/,
    );
  });

  it('subscribe() checks every option', function () {
    const cases = [
      [undefined, 'ERR_INVALID_ARG_TYPE', /"options" argument must be an object/],
      [Object.assign(validSubscribe(), { maxQueue: 0 }), 'ERR_OUT_OF_RANGE', /"options\.maxQueue".*>= 1/],
      [Object.assign(validSubscribe(), { maxQueue: 1.5 }), 'ERR_OUT_OF_RANGE', /"options\.maxQueue"/],
      [
        Object.assign(validSubscribe(), { maxQueue: '10' }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.maxQueue" argument must be a number/,
      ],
      [
        Object.assign(validSubscribe(), { overflow: 'ignore' }),
        'ERR_INVALID_ARG_VALUE',
        /"options\.overflow".*'error' or 'drop-oldest'/,
      ],
      [Object.assign(validSubscribe(), { probeIntervalMs: -1 }), 'ERR_OUT_OF_RANGE', /"options\.probeIntervalMs"/],
      [
        Object.assign(validSubscribe(), { probeIntervalMs: Infinity }),
        'ERR_OUT_OF_RANGE',
        /"options\.probeIntervalMs"/,
      ],
      [
        Object.assign(validSubscribe(), { probeTimeoutMs: undefined }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.probeTimeoutMs" argument must be a number/,
      ],
      [Object.assign(validSubscribe(), { probeTimeoutMs: 5 }), 'ERR_OUT_OF_RANGE', /"options\.probeTimeoutMs"/],
      [
        Object.assign(validSubscribe(), { onEvents: undefined }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.onEvents" argument must be a function/,
      ],
      [
        Object.assign(validSubscribe(), { onEnd: 'x' }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.onEnd" argument must be a function/,
      ],
      [
        Object.assign(validSubscribe(), { iid: 42 }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.iid" argument must be a string/,
      ],
      [Object.assign(validSubscribe(), { iid: '{nope}' }), 'ERR_INVALID_ARG_VALUE', /"options\.iid".*IID/],
      [Object.assign(validSubscribe(), { outAnswers: 5 }), 'ERR_INVALID_ARG_TYPE', /"options\.outAnswers"/],
      [
        Object.assign(validSubscribe(), { outAnswers: { OnX: 5 } }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.outAnswers\.OnX"/,
      ],
      [
        Object.assign(validSubscribe(), { outAnswers: { OnX: { a: {} } } }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.outAnswers\.OnX\.a"/,
      ],
      [
        Object.assign(validSubscribe(), { outAnswers: { OnX: { a: [true] } } }),
        'ERR_INVALID_ARG_TYPE',
        /"options\.outAnswers\.OnX\.a"/,
      ],
    ];
    for (const [options, code, pattern] of cases) throwsArg(() => binding.subscribe(object, options), code, pattern);
  });

  it('describeEvents() and subscribe() explain an object that fires no events', async function () {
    for (const promise of [binding.describeEvents(object), binding.subscribe(object, validSubscribe())]) {
      await assert.rejects(promise, (error) => {
        assert.ok(isError(error));
        assert.strictEqual(error.code, 'ERR_VS_EVENTS_UNAVAILABLE');
        assert.match(error.message, /no connection points/);
        return true;
      });
    }
  });

  it('rejects every use of a released object with ERR_VS_RELEASED', async function () {
    const released = await binding.connect({ progId: 'Scripting.Dictionary' });
    binding.release(released);
    for (const promise of [
      binding.get(released, 'Count'),
      binding.put(released, 'CompareMode', 1),
      binding.call(released, 'Add', ['a', 1]),
      binding.items(released),
      binding.describeEvents(released),
      binding.subscribe(released, validSubscribe()),
    ]) {
      await assert.rejects(
        promise,
        (error) =>
          isError(error) && error.code === 'ERR_VS_RELEASED' && /released with release\(\)/.test(error.message),
      );
    }
    await assert.rejects(binding.call(object, 'Add', ['k', released]), { code: 'ERR_VS_RELEASED' });
    throwsArg(() => binding.subscribe(released, { maxQueue: 0 }), 'ERR_OUT_OF_RANGE', /maxQueue/);
  });

  it('cannot construct its handle classes from JS', async function () {
    const Handle = object.constructor;
    assert.throws(() => new Handle(), /NativeObject cannot be constructed/);
    assert.throws(() => new Handle({}), TypeError);
  });
});
