'use strict';
// Control methods and waitForState against the documented state sequences
// (virtual-machine-state-diagram.md), on the simulator build of this run (VSE_SIMULATOR_BUILD).
const assert = require('assert');
const h = require('../support/harness');

const api = require('../..'); // the package, through its main (dist/index.js) and types
const { VMState } = api;
const build = h.sim.simulatorBuild();
const S = VMState;

describe(`control methods against the simulator (build: ${build})`, function () {
  this.timeout(120000);
  let binding;
  let control;
  let server;

  h.connectForSuite((connected) => ({ binding, control } = connected), { keepServer: false });
  after(async function () {
    if (control) await binding.put(control, 'PacingMilliseconds', 0);
    if (server) await server.close();
  });
  before(async function () {
    // Paced, so that a task is really in progress for a while and completion is really waited for.
    await binding.put(control, 'PacingMilliseconds', 30);
    server = await api.connect();
  });

  async function newVm(prefix, state) {
    const name = await h.defineVm(binding, control, prefix, state);
    return server.findVirtualMachine(name);
  }

  /** Runs `action` and returns the states the VM's stream reported until `last`. */
  async function statesDuring(vm, action, last) {
    const stream = vm.events({ types: ['stateChange'] });
    await stream.ready();
    await action();
    const states = [];
    for await (const event of stream) {
      states.push(event.state);
      if (event.state === last) break;
    }
    return states;
  }

  /** @typedef {import('../../dist/index.js').VMState} VMStateValue */
  /**
   * The control method, the state it starts from, the states it goes through.
   * @type {['startup' | 'save' | 'reset' | 'pause' | 'resume' | 'turnOff', VMStateValue, VMStateValue[]][]}
   */
  const sequences = [
    ['startup', S.TurnedOff, [S.TurningOn, S.Running]],
    ['startup', S.Saved, [S.TurningOn, S.Restoring, S.Running]],
    ['save', S.Running, [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff]],
    ['reset', S.Running, [S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running]],
    ['pause', S.Running, [S.Paused]],
    ['resume', S.Paused, [S.Running]],
    ['turnOff', S.Running, [S.TurningOff, S.DeleteMachine, S.TurnedOff]],
  ];
  for (const [method, from, expected] of sequences) {
    it(`${method}() from ${S[from]} fires ${expected.map((s) => S[s]).join(', ')} and resolves when complete`, async function () {
      const vm = await newVm(method, from);
      const states = await statesDuring(vm, () => vm[method]({ timeout: 60000 }), expected[expected.length - 1]);
      assert.deepStrictEqual(
        states.map((s) => S[s]),
        expected.map((s) => S[s]),
      );
      const after = method === 'save' ? S.Saved : expected[expected.length - 1];
      assert.strictEqual(S[await vm.state()], S[after]);
    });
  }

  it('a control method resolves only once the task is complete (the last state has fired)', async function () {
    const vm = await newVm('complete', S.TurnedOff);
    await vm.startup();
    assert.strictEqual(await vm.state(), S.Running);
  });

  it('waitForState after startup() sees Running', async function () {
    const vm = await newVm('wait-running', S.TurnedOff);
    const waiting = vm.waitForState(S.Running, { timeout: 60000 });
    await vm.startup();
    assert.strictEqual(await waiting, S.Running);
  });

  it('rejects with the documented errors', async function () {
    const running = await newVm('err-running', S.Running);
    await assert.rejects(running.startup(), { hresult: 0xa0040500, hresultName: 'VM_E_VM_RUNNING' });
    const off = await newVm('err-off', S.TurnedOff);
    await assert.rejects(off.turnOff(), { hresultName: 'VM_E_VM_NOT_RUNNING' });
    await assert.rejects(off.save(), { hresultName: 'VM_E_VM_NOT_RUNNING' });
    await assert.rejects(off.pause(), { hresultName: 'VM_E_VM_NOT_RUNNING' });
    await assert.rejects(off.resume(), { hresultName: 'E_FAIL' });
    const paused = await newVm('err-paused', S.Paused);
    await assert.rejects(paused.reset(), { hresultName: 'VM_E_VM_PAUSED' });
  });
});
