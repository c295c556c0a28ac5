'use strict';
// The addon through the package loader: it loads, reports its versions, and a COM object round-trips
// values late-bound (Scripting.Dictionary from Wine's scrrun.dll, or Windows' own).
const assert = require('assert');
const { isError } = require('../support/thrown');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');

describe('addon: loading and late-bound COM calls', function () {
  let binding;
  let dictionary;

  before(function () {
    binding = require('../../dist/binding.js').loadBinding();
  });

  beforeEach(async function () {
    dictionary = await binding.connect({ progId: 'Scripting.Dictionary' });
  });

  afterEach(function () {
    binding.release(dictionary);
  });

  it('reports the package version and the running Node-API version', function () {
    assert.strictEqual(binding.addonVersion, require(path.join(repoRoot, 'package.json')).version);
    assert.strictEqual(binding.napiVersion, Number(process.versions.napi));
  });

  it('round-trips values with put/get/call through IDispatch', async function () {
    await binding.put(dictionary, 'CompareMode', 1); // text compare; only settable while empty
    assert.strictEqual(await binding.get(dictionary, 'CompareMode'), 1);
    await binding.call(dictionary, 'Add', ['Key', 'value']);
    assert.strictEqual(await binding.get(dictionary, 'Count'), 1);
    assert.strictEqual(await binding.get(dictionary, 'Item', ['KEY']), 'value');
    assert.strictEqual(await binding.call(dictionary, 'Exists', ['key']), true);
  });

  it('keeps every VARIANT type JS can express', async function () {
    const date = new Date(Date.UTC(2006, 5, 15, 12, 30, 45));
    const samples = {
      empty: undefined,
      null: null,
      true: true,
      false: false,
      int: -123456,
      double: 2.5,
      big: 1234567890123456789n,
      text: 'Grüße, 仮想サーバー ☃ 𝄞',
      emptyText: '',
      date,
      array: [1, 'two', [3, null], true],
    };
    for (const [key, value] of Object.entries(samples)) await binding.call(dictionary, 'Add', [key, value]);
    for (const [key, value] of Object.entries(samples)) {
      assert.deepStrictEqual(await binding.get(dictionary, 'Item', [key]), value, `item ${key}`);
    }
    assert.strictEqual(await binding.get(dictionary, 'Count'), Object.keys(samples).length);
  });

  it('passes objects in and gets them back as handles that still work', async function () {
    const inner = await binding.connect({ progId: 'Scripting.Dictionary' });
    await binding.call(inner, 'Add', ['deep', 42]);
    await binding.call(dictionary, 'Add', ['inner', inner]);
    const back = await binding.get(dictionary, 'Item', ['inner']);
    assert.notStrictEqual(back, inner);
    assert.strictEqual(await binding.get(back, 'Item', ['deep']), 42);
    binding.release(inner);
    assert.strictEqual(await binding.get(back, 'Count'), 1, 'the returned handle holds its own reference');
  });

  it('enumerates a collection through _NewEnum, and arrays come back as arrays', async function () {
    for (const key of ['a', 'b', 'c']) await binding.call(dictionary, 'Add', [key, key.toUpperCase()]);
    assert.deepStrictEqual(await binding.items(dictionary), ['a', 'b', 'c']);
    assert.deepStrictEqual(await binding.call(dictionary, 'Items', []), ['A', 'B', 'C']);
  });

  it('rejects with the HRESULT in code, hresult and message', async function () {
    await assert.rejects(binding.call(dictionary, 'NoSuchMethod', []), (error) => {
      assert.ok(isError(error));
      assert.strictEqual(error.code, 'ERR_VS_COM_ERROR');
      assert.strictEqual(error.hresult, 0x80020006);
      assert.match(error.message, /"NoSuchMethod".*0x80020006 DISP_E_UNKNOWNNAME/);
      return true;
    });
    await binding.call(dictionary, 'Add', ['dup', 1]);
    await assert.rejects(binding.call(dictionary, 'Add', ['dup', 2]), (error) => {
      assert.ok(isError(error));
      assert.strictEqual(error.code, 'ERR_VS_COM_ERROR');
      assert.strictEqual(typeof error.hresult, 'number');
      assert.ok(
        typeof error.hresult === 'number' && error.hresult >= 0x80000000,
        `hresult ${error.hresult} is unsigned and a failure`,
      );
      assert.match(error.message, /calling "Add" failed: 0x[0-9A-F]{8}/);
      return true;
    });
  });

  it('explains a ProgID that is not registered', async function () {
    await assert.rejects(binding.connect({ progId: 'No.Such.Server' }), (error) => {
      assert.ok(isError(error));
      assert.strictEqual(error.code, 'ERR_VS_COM_ERROR');
      assert.strictEqual(error.hresult, 0x800401f3);
      assert.match(error.message, /No\.Such\.Server on this host.*CO_E_CLASSSTRING.*installed/);
      return true;
    });
  });

  it('rejects use of a released object with ERR_VS_RELEASED', async function () {
    const other = await binding.connect({ progId: 'Scripting.Dictionary' });
    binding.release(other);
    binding.release(other); // idempotent
    await assert.rejects(binding.get(other, 'Count'), { code: 'ERR_VS_RELEASED' });
    await assert.rejects(binding.call(other, 'Add', ['a', 1]), { code: 'ERR_VS_RELEASED' });
    await assert.rejects(binding.items(other), { code: 'ERR_VS_RELEASED' });
  });
});
