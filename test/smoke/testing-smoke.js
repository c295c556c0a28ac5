'use strict';
// Smoke run of virtual-server-events/testing on the oldest supported Node (12.16.1), whose require()
// ignores package.json's exports: it resolves 'virtual-server-events/testing' to the package's
// testing.js, which this requires the same way (by the package folder and the subpath); and a script's
// calls, events and refusals work on the fake. Node 12 syntax only.
const assert = require('assert');
const path = require('path');
const harness = require('../support/smoke-harness');

const repoRoot = path.resolve(__dirname, '..', '..');
const subpath = path.join(repoRoot, 'testing');

harness.test(
  "the subpath testing resolves to testing.js and the package's classes on Node " + process.version,
  function () {
    assert.strictEqual(require.resolve(subpath), path.join(repoRoot, 'testing.js'));
    const testing = require(subpath);
    assert.strictEqual(typeof testing.FakeVirtualServer, 'function');
    assert.strictEqual(testing.VMState, require(repoRoot).VMState);
  },
);

harness.test('a VM starts through the fake and its stream sees TurningOn, Running', async function () {
  const { FakeVirtualServer, VMState } = require(subpath);
  const host = new FakeVirtualServer({ virtualMachines: ['web01'] });
  const server = await host.connect();
  try {
    const vm = await server.findVirtualMachine('web01');
    const stream = vm.events({ types: ['stateChange'] });
    await stream.ready();
    await vm.startup();
    const states = [(await stream.next()).value.state, (await stream.next()).value.state];
    assert.deepStrictEqual(states, [VMState.TurningOn, VMState.Running]);
    await assert.rejects(vm.startup(), { hresultName: 'VM_E_VM_RUNNING' });
  } finally {
    await server.close();
  }
});

harness.run();
