'use strict';
// Smoke run of the public API on the oldest supported Node (12.16.1: no AbortController, no
// Symbol.asyncDispose, no WeakRef), as a script on a Virtual Server host would use it: connect, find a VM,
// start it, read its typed events and wait for Running, turn it off, close.
// Run: node scripts/wine-node.js --node=oldest test/smoke/api-smoke.js   (Node 12 syntax only)
const assert = require('assert');
const harness = require('../support/smoke-harness');
const h = require('../support/harness');

const api = require(h.repoRoot);
const VMState = api.VMState;
const state = {};

harness.test('connects through the public API (simulator build ' + h.sim.simulatorBuild() + ')', async function () {
  state.binding = h.loadAddon();
  const connected = await h.connectSimulator(state.binding);
  state.control = connected.control;
  state.binding.release(connected.server);
  state.name = await h.defineVm(state.binding, state.control, 'api-smoke');
  state.server = await api.connect();
  state.vm = await state.server.findVirtualMachine(state.name);
  assert.strictEqual(state.vm.name, state.name);
  assert.strictEqual(await state.vm.state(), VMState.TurnedOff);
});

harness.test('startup() resolves after the task and the typed events show TurningOn, Running', async function () {
  const stream = state.vm.events({ types: ['stateChange'] });
  const first = stream.next();
  await h.waitUntil(async function () {
    return (await state.binding.call(state.control, 'AdvisedSinkCount', [state.name])) === 1;
  }, 'the stream to subscribe');
  await state.vm.startup();
  const seen = [(await first).value, (await stream.next()).value];
  await stream.return();
  assert.deepStrictEqual(
    seen.map(function (e) {
      return [e.type, e.vm, VMState[e.state]];
    }),
    [
      ['stateChange', state.name, 'TurningOn'],
      ['stateChange', state.name, 'Running'],
    ],
  );
  assert.ok(seen[0].time instanceof Date);
  assert.strictEqual(await state.vm.waitForState(VMState.Running, { timeout: 30000 }), VMState.Running);
});

harness.test('turnOff() and close() let go of everything', async function () {
  await state.vm.turnOff();
  assert.strictEqual(await state.vm.state(), VMState.TurnedOff);
  await state.server.close();
  assert.strictEqual(await state.binding.call(state.control, 'AdvisedSinkCount', [state.name]), 0);
  state.binding.release(state.control);
});

harness.run();
