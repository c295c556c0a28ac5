'use strict';
// vm.guestOS() (lib/guest-os.ts) over virtual-server-events/testing: what only the fake shows beside the
// contract suite (test/contract/guest-os.test.js): the fake's Additions switch and its argument checks,
// the deadline and signal of shutdown(), a removed VM, a busy VM, the members the fake does not model.
const assert = require('assert');
const { inspect } = require('util');
const { api } = require('./helpers');

const { FakeVirtualServer } = require('virtual-server-events/testing');
const S = api.VMState;

async function connected(vms, pacing = 0) {
  const host = new FakeVirtualServer({ virtualMachines: vms, pacing });
  const server = await host.connect();
  return { host, server };
}

describe('vm.guestOS() over the fake', () => {
  it('defineVirtualMachine({ additions: true }) installs them; virtualMachine() reports them and a lost heartbeat', async () => {
    const { host, server } = await connected([{ name: 'web01', state: S.Running, additions: true }, 'bare']);
    try {
      assert.strictEqual(host.virtualMachine('web01').additions, true);
      assert.strictEqual(host.virtualMachine('bare').additions, false);
      assert.strictEqual(host.virtualMachine('web01').heartbeatLost, false);
      const guest = (await server.findVirtualMachine('web01')).guestOS();
      assert.ok(guest instanceof api.GuestOS);
      assert.strictEqual(await guest.osName(), 'Windows Server 2003, Enterprise Edition');
      assert.strictEqual(await guest.additionsVersion(), '13.813');
      assert.strictEqual(await guest.heartbeatPercentage(), 100);
      host.fireHeartbeatStopped('web01');
      await host.idle();
      assert.strictEqual(host.virtualMachine('web01').heartbeatLost, true);
      assert.strictEqual(await guest.isHeartbeating(), false);
      assert.match(inspect(guest), /GuestOS/);
      assert.match(inspect(guest), /web01/);
    } finally {
      await server.close();
    }
  });

  it('a lost heartbeat comes back with startup() after a turn-off', async () => {
    const { host, server } = await connected([{ name: 'web01', state: S.Running, additions: true }]);
    try {
      const vm = await server.findVirtualMachine('web01');
      host.fireHeartbeatStopped('web01');
      await host.idle();
      await vm.turnOff();
      await vm.startup();
      assert.strictEqual(await vm.guestOS().isHeartbeating(), true);
    } finally {
      await server.close();
    }
  });

  it('setGuestAdditions() checks its arguments', () => {
    const host = new FakeVirtualServer({ virtualMachines: ['web01'] });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => host.setGuestAdditions('web01', 'yes'), { code: 'ERR_INVALID_ARG_TYPE', message: /installed/ });
    assert.throws(() => host.setGuestAdditions('nope', true), { code: 'ERR_INVALID_ARG_VALUE', message: /nope/ });
    // @ts-expect-error -- deliberately bad input
    assert.throws(() => host.defineVirtualMachine({ name: 'x', additions: 1 }), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /vm\.additions/,
    });
  });

  it('shutdown() takes the control methods options: a timeout rejects ERR_VS_TIMEOUT, a signal AbortError', async () => {
    const { host, server } = await connected([{ name: 'web01', state: S.Running, additions: true }], 500);
    try {
      const vm = await server.findVirtualMachine('web01');
      await assert.rejects(vm.guestOS().shutdown({ timeout: 50 }), { code: 'ERR_VS_TIMEOUT', message: /guest/ });
      await host.idle();
      assert.strictEqual(S[await vm.state()], 'TurnedOff', 'the shutdown itself went on');
      await vm.startup();
      const controller = new AbortController();
      const shutting = vm.guestOS().shutdown({ signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await assert.rejects(shutting, { name: 'AbortError' });
      await host.idle();
      assert.throws(() => vm.guestOS().shutdown({ timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => vm.guestOS().shutdown({ nope: 1 }), /nope/);
    } finally {
      await server.close();
    }
  });

  it('while a sequence runs, shutdown() rejects VM_E_VM_NOT_RUNNING and canShutdown() reads false', async () => {
    const { host, server } = await connected([{ name: 'web01', state: S.Running, additions: true }], 200);
    try {
      const vm = await server.findVirtualMachine('web01');
      const saving = vm.save();
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.strictEqual(await vm.guestOS().canShutdown(), false);
      await assert.rejects(vm.guestOS().shutdown(), { hresultName: 'VM_E_VM_NOT_RUNNING', message: /changing state/ });
      assert.strictEqual(await vm.guestOS().heartbeat(), null);
      await saving;
      await host.idle();
    } finally {
      await server.close();
    }
  });

  it('a removed VM: every member rejects VM_E_VM_UNKNOWN, heartbeat() too', async () => {
    const { host, server } = await connected([{ name: 'web01', state: S.Running, additions: true }]);
    try {
      const guest = (await server.findVirtualMachine('web01')).guestOS();
      host.removeVirtualMachine('web01');
      for (const member of ['canShutdown', 'isHeartbeating', 'osName', 'shutdown', 'heartbeat']) {
        await assert.rejects(guest[member](), { hresultName: 'VM_E_VM_UNKNOWN' }, member);
      }
    } finally {
      await server.close();
    }
  });

  it('IVMGuestOS members the fake does not model answer E_NOTIMPL', async () => {
    const host = new FakeVirtualServer({ virtualMachines: [{ name: 'web01', state: S.Running, additions: true }] });
    const { binding } = host;
    const root = await binding.connect({});
    const vm = /** @type {import('../../dist/binding').NativeObject} */ (
      await binding.call(root, 'FindVirtualMachine', ['web01'])
    );
    const guest = /** @type {import('../../dist/binding').NativeObject} */ (await binding.get(vm, 'GuestOS'));
    await assert.rejects(binding.get(guest, 'IsHostTimeSyncEnabled'), { hresult: 0x80004001 });
    await assert.rejects(binding.call(guest, 'InstallAdditions', []), { hresult: 0x80004001 });
    await assert.rejects(binding.call(guest, 'ExecuteCommand', []), /DISP_E_UNKNOWNNAME/);
  });
});
