'use strict';
// Smoke run of the event bridge on the oldest supported Node (12.16.1, Node-API 5), no mocha: load the
// addon, connect to the simulator, subscribe, drive a VM through startup, check the events, close.
// Run: node scripts/wine-node.js --node=oldest test/smoke/events-smoke.js   (Node 12 syntax only)
const assert = require('assert');
const harness = require('../support/smoke-harness');
const h = require('../support/harness');

const build = h.sim.simulatorBuild();
const state = {};

harness.test('Node ' + process.version + ' loads the addon (Node-API ' + process.versions.napi + ')', function () {
  state.binding = h.loadAddon();
  assert.strictEqual(state.binding.napiVersion, Number(process.versions.napi));
});

harness.test('connects to the simulator (' + build + ' build)', async function () {
  const connected = await h.connectSimulator(state.binding, build);
  state.server = connected.server;
  state.control = connected.control;
  state.name = await h.defineVm(state.binding, state.control, 'smoke');
  state.vm = await state.binding.call(state.server, 'FindVirtualMachine', [state.name]);
  assert.strictEqual(await state.binding.get(state.vm, 'Name'), state.name);
});

harness.test('subscribes to the VM and the server and sees a startup in order', async function () {
  const b = state.binding;
  const vmEvents = h.collector();
  const serverEvents = h.collector(function (r) {
    return r.args[0] === state.name;
  });
  const vmSubscription = await b.subscribe(state.vm, vmEvents.options());
  const serverSubscription = await b.subscribe(state.server, serverEvents.options());
  assert.strictEqual(vmSubscription.eventInterface.name, 'IVMVirtualMachineEvents');
  assert.strictEqual(serverSubscription.eventInterface.name, 'IVMVirtualServerEvents');
  await b.call(state.vm, 'Startup', []);
  await h.waitIdle(b, state.control);
  await vmEvents.waitForCount(2);
  await serverEvents.waitForCount(2);
  const S = h.sim.VMVMState;
  assert.deepStrictEqual(h.rows(vmEvents.records), [
    ['OnStateChange', S.TurningOn],
    ['OnStateChange', S.Running],
  ]);
  assert.deepStrictEqual(h.rows(serverEvents.records), [
    ['OnVMStateChange', state.name, S.TurningOn],
    ['OnVMStateChange', state.name, S.Running],
  ]);
  await vmSubscription.close();
  await serverSubscription.close();
  assert.strictEqual(vmEvents.ended, null);
  assert.strictEqual(serverEvents.ended, null);
  assert.strictEqual(await b.call(state.control, 'AdvisedSinkCount', [state.name]), 0);
});

harness.test('turns the VM off and lets go of every object', async function () {
  const b = state.binding;
  await b.call(state.vm, 'TurnOff', []);
  await h.waitIdle(b, state.control);
  assert.strictEqual(await b.get(state.vm, 'State'), h.sim.VMVMState.TurnedOff);
  [state.vm, state.server, state.control].forEach(function (object) {
    b.release(object);
  });
});

harness.run();
