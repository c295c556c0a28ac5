'use strict';
// The fake's state diagram (lib/testing/state-diagram.ts): every control method from every state a VM
// rests in, against the table of test/simulator/README.md, and the refusals while a sequence runs.
const assert = require('assert');
const path = require('path');
const { api, dist } = require('./helpers');

const { plan } = require(path.join(dist, 'testing', 'state-diagram.js'));
const S = api.VMState;

/** @typedef {import('../../dist/index').VMState} VMState */

// method, from -> the states fired (the VM's state after them in brackets when it differs) or the HRESULT name.
/** @type {[string, VMState, VMState[] | string, VMState?][]} */
const table = [
  ['Startup', S.TurnedOff, [S.TurningOn, S.Running]],
  ['Startup', S.Saved, [S.TurningOn, S.Restoring, S.Running]],
  ['Startup', S.Running, 'VM_E_VM_RUNNING'],
  ['Startup', S.Paused, 'VM_E_VM_RUNNING'],
  ['TurnOff', S.Running, [S.TurningOff, S.DeleteMachine, S.TurnedOff]],
  ['TurnOff', S.Paused, [S.TurningOff, S.DeleteMachine, S.TurnedOff]],
  ['TurnOff', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['TurnOff', S.Saved, 'VM_E_VM_NOT_RUNNING'],
  ['Save', S.Running, [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff], S.Saved],
  ['Save', S.Paused, [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff], S.Saved],
  ['Save', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['Save', S.Saved, 'VM_E_VM_NOT_RUNNING'],
  ['Reset', S.Running, [S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running]],
  ['Reset', S.Paused, 'VM_E_VM_PAUSED'],
  ['Reset', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['Reset', S.Saved, 'VM_E_VM_NOT_RUNNING'],
  ['Pause', S.Running, [S.Paused]],
  ['Pause', S.Paused, 'E_FAIL'],
  ['Pause', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['Pause', S.Saved, 'VM_E_VM_NOT_RUNNING'],
  ['Resume', S.Paused, [S.Running]],
  ['Resume', S.Running, 'E_FAIL'],
  ['Resume', S.TurnedOff, 'E_FAIL'],
  ['Resume', S.Saved, 'E_FAIL'],
];

describe('testing: the state diagram', () => {
  for (const [method, from, expected, final] of table) {
    const outcome = Array.isArray(expected) ? expected.map((s) => S[s]).join(', ') : `refused with ${expected}`;
    it(`${method} from ${S[from]}: ${outcome}`, () => {
      const result = plan(method, from, false);
      if (!Array.isArray(expected)) {
        assert.strictEqual(result.hresultName, expected);
        assert.match(result.reason, /^is /);
        return;
      }
      assert.deepStrictEqual(
        result.states.map((s) => S[s]),
        expected.map((s) => S[s]),
      );
      assert.strictEqual(S[result.final], S[final === undefined ? expected[expected.length - 1] : final]);
      assert.strictEqual(result.returnsTask, !['Pause', 'Resume'].includes(method));
    });
  }

  it('while a sequence runs, Startup is refused VM_E_VM_RUNNING and every other method VM_E_VM_NOT_RUNNING', () => {
    for (const method of ['Startup', 'TurnOff', 'Save', 'Reset', 'Pause', 'Resume']) {
      const result = plan(method, S.TurningOn, true);
      assert.strictEqual(result.hresultName, method === 'Startup' ? 'VM_E_VM_RUNNING' : 'VM_E_VM_NOT_RUNNING', method);
      assert.match(result.reason, /changing state/);
    }
  });
});
