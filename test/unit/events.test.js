'use strict';
// VMState and its names, as documented in vmvmstate.md.
const assert = require('assert');
const { api } = require('./helpers');

const { VMState, stateName, parseState } = api;

describe('VMState', () => {
  it('has the documented values 0..10', () => {
    const documented = [
      'Invalid',
      'TurnedOff',
      'Saved',
      'TurningOn',
      'Restoring',
      'Running',
      'Paused',
      'Saving',
      'TurningOff',
      'MergingDrives',
      'DeleteMachine',
    ];
    documented.forEach((name, value) => {
      assert.strictEqual(VMState[name], value);
      assert.strictEqual(VMState[value], name);
      assert.strictEqual(stateName(value), name);
    });
  });

  it('names values outside the range', () => {
    assert.strictEqual(stateName(42), 'Unknown(42)');
  });

  it('parses names case-insensitively and numbers', () => {
    assert.strictEqual(parseState('running'), VMState.Running);
    assert.strictEqual(parseState('TurnedOff'), VMState.TurnedOff);
    assert.strictEqual(parseState('6'), VMState.Paused);
    assert.strictEqual(parseState(2), VMState.Saved);
    assert.strictEqual(parseState('sleeping'), undefined);
    assert.strictEqual(parseState('11'), undefined);
  });

  it('the helpers throw ERR_INVALID_ARG_TYPE for a wrong type (parseState(null) crashed, stateName("Running") answered 5)', () => {
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => parseState(null), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"text" argument must be of type string or number/,
    });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => parseState({ name: 'Running' }), { code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => stateName('Running'), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"state" argument must be of type number/,
    });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => api.hresultName('E_ACCESSDENIED'), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"hresult" argument must be of type number/,
    });
    assert.strictEqual(api.hresultName(0x80070005), 'E_ACCESSDENIED');
  });
});
