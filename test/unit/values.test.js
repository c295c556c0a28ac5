'use strict';
const assert = require('assert');

const { isNativeObject } = require('../../dist/values.js');

describe('values', () => {
  it('takes only what stands for a COM object for one', () => {
    // @ts-expect-error -- a COM object is a plain object at run time; only its type is branded
    assert.strictEqual(isNativeObject({}), true);
    for (const value of [undefined, null, 1, 'text', 2n, new Date(0), [1], new Error('VT_RECORD is not supported')]) {
      // @ts-expect-error -- an Error is not a NativeValue, though the addon hands over an unconvertible argument as one
      assert.strictEqual(isNativeObject(value), false, `${String(value)} is not a COM object`);
    }
  });
});
