'use strict';
const assert = require('assert');

const { isNativeObject } = require('../../dist/values.js');

describe('values', () => {
  it('takes only what stands for a COM object for one', () => {
    assert.strictEqual(isNativeObject({}), true);
    for (const value of [undefined, null, 1, 'text', 2n, new Date(0), [1], new Error('VT_RECORD is not supported')]) {
      assert.strictEqual(isNativeObject(value), false, `${String(value)} is not a COM object`);
    }
  });
});
