'use strict';
// Contract: a VM's guest operating system (IVMGuestOS, ivmguestos.md) through vm.guestOS(): the Additions
// present or absent (with the reference's HRESULTs), the heartbeat and its loss (OnHeartbeatStopped), and
// the guest's shutdown, whose IVMTask completes after the states of a turn-off; on the fake and on the
// real addon + simulator (test/contract/drivers.js).
const assert = require('assert');
const path = require('path');
const { contractDrivers } = require('./drivers');

const { VMState: S } = require(path.resolve(__dirname, '..', '..'));

for (const driver of contractDrivers()) {
  describe(`contract: guest OS (${driver.label}, build: ${driver.build})`, function () {
    this.timeout(120000);
    let server;
    driver.hooks();
    before(async function () {
      await driver.setPacing(30);
      server = await driver.connect();
    });
    after(async function () {
      if (server) await server.close();
    });

    /** A VM in `state`, with or without the Additions. */
    async function newVm(prefix, state, additions) {
      const name = await driver.defineVm(prefix, state);
      if (additions) await driver.setGuestAdditions(name, true);
      return server.findVirtualMachine(name);
    }

    describe('a running VM with Additions', function () {
      it('reads CanShutdown true, IsHeartbeating true, HeartbeatPercentage 0-100, OSName, AdditionsVersion', async function () {
        const guest = (await newVm('guest', S.Running, true)).guestOS();
        assert.strictEqual(await guest.canShutdown(), true);
        assert.strictEqual(await guest.isHeartbeating(), true);
        const percentage = await guest.heartbeatPercentage();
        assert.ok(Number.isInteger(percentage) && percentage >= 0 && percentage <= 100, String(percentage));
        assert.strictEqual(typeof (await guest.osName()), 'string');
        assert.ok((await guest.osName()).length > 0);
        assert.ok((await guest.additionsVersion()).length > 0);
        assert.deepStrictEqual(await guest.heartbeat(), { isHeartbeating: true, percentage });
      });

      it('shutdown() resolves when its task completes, after TurningOff, DeleteMachine, TurnedOff', async function () {
        const vm = await newVm('guest-shutdown', S.Running, true);
        const stream = vm.events({ types: ['stateChange'] });
        await stream.ready();
        try {
          await vm.guestOS().shutdown({ timeout: 60000 });
          assert.strictEqual(S[await vm.state()], 'TurnedOff', 'the task completes with the last state');
          const states = [];
          for await (const event of stream) {
            states.push(S[event.state]);
            if (states.length === 3) break;
          }
          assert.deepStrictEqual(states, ['TurningOff', 'DeleteMachine', 'TurnedOff']);
        } finally {
          await stream.return();
        }
      });

      it('after OnHeartbeatStopped, IsHeartbeating reads false and HeartbeatPercentage 0 until SetGuestAdditions', async function () {
        const vm = await newVm('guest-heartbeat', S.Running, true);
        const guest = vm.guestOS();
        const stream = vm.events({ types: ['heartbeatStopped'] });
        await stream.ready();
        try {
          await driver.fire.heartbeatStopped(vm.name);
          assert.strictEqual((await stream.next()).value.type, 'heartbeatStopped');
          assert.strictEqual(await guest.isHeartbeating(), false);
          assert.strictEqual(await guest.heartbeatPercentage(), 0);
          assert.deepStrictEqual(await guest.heartbeat(), { isHeartbeating: false, percentage: 0 });
        } finally {
          await stream.return();
        }
        await driver.setGuestAdditions(vm.name, true);
        assert.strictEqual(await guest.isHeartbeating(), true);
      });

      it('a lost heartbeat comes back when the guest boots again (reset())', async function () {
        const vm = await newVm('guest-reboot', S.Running, true);
        await driver.fire.heartbeatStopped(vm.name);
        await driver.idle();
        assert.strictEqual(await vm.guestOS().isHeartbeating(), false);
        await vm.reset({ timeout: 60000 });
        assert.strictEqual(await vm.guestOS().isHeartbeating(), true);
      });
    });

    describe('a running VM without Additions', function () {
      const refusals = [
        ['canShutdown', 'VM_E_ADDITIONS_NOT_AVAIL'],
        ['isHeartbeating', 'VM_E_ADDITIONS_NOT_AVAIL'],
        ['heartbeatPercentage', 'VM_E_ADDITIONS_NOT_AVAIL'],
        ['additionsVersion', 'VM_E_ADDITIONS_NOT_AVAIL'],
        ['osName', 'VM_E_ADDITIONS_FEATURE_NOT_AVAIL'],
        ['shutdown', 'VM_E_ADDITIONS_FEATURE_NOT_AVAIL'],
      ];
      for (const [member, hresultName] of refusals) {
        it(`${member}() rejects ${hresultName}`, async function () {
          const vm = await newVm(`no-additions-${member}`, S.Running, false);
          await assert.rejects(vm.guestOS()[member](), {
            name: 'VirtualServerError',
            code: 'ERR_VS_COM_ERROR',
            hresultName,
          });
          assert.strictEqual(S[await vm.state()], 'Running', 'nothing changed');
        });
      }

      it('heartbeat() is null', async function () {
        const vm = await newVm('no-additions-heartbeat', S.Running, false);
        assert.strictEqual(await vm.guestOS().heartbeat(), null);
      });

      it('SetGuestAdditions(false) takes them away again', async function () {
        const vm = await newVm('additions-removed', S.Running, true);
        assert.strictEqual(await vm.guestOS().canShutdown(), true);
        await driver.setGuestAdditions(vm.name, false);
        await assert.rejects(vm.guestOS().canShutdown(), { hresultName: 'VM_E_ADDITIONS_NOT_AVAIL' });
      });
    });

    describe('a VM that is not running, with Additions', function () {
      it('isHeartbeating(), heartbeatPercentage(), osName() and shutdown() reject VM_E_VM_NOT_RUNNING', async function () {
        const guest = (await newVm('guest-off', S.TurnedOff, true)).guestOS();
        for (const member of ['isHeartbeating', 'heartbeatPercentage', 'osName', 'shutdown']) {
          await assert.rejects(guest[member](), { hresultName: 'VM_E_VM_NOT_RUNNING' }, member);
        }
        assert.strictEqual(await guest.heartbeat(), null);
      });

      it('canShutdown() reads false and additionsVersion() the cached version', async function () {
        const guest = (await newVm('guest-saved', S.Saved, true)).guestOS();
        assert.strictEqual(await guest.canShutdown(), false);
        assert.ok((await guest.additionsVersion()).length > 0);
      });

      it('a paused VM refuses shutdown() with VM_E_VM_NOT_RUNNING', async function () {
        const vm = await newVm('guest-paused', S.Paused, true);
        await assert.rejects(vm.guestOS().shutdown(), { hresultName: 'VM_E_VM_NOT_RUNNING' });
        assert.strictEqual(S[await vm.state()], 'Paused');
      });
    });
  });
}
