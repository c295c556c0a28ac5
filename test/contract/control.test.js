'use strict';
// Contract: control methods and waitForState against the documented state sequences
// (virtual-machine-state-diagram.md), their refusals with the HRESULT names, and the refusals while a
// sequence is in progress, on the fake and on the real addon + simulator (test/contract/drivers.js).
const assert = require('assert');
const path = require('path');
const { contractDrivers } = require('./drivers');

const { VMState: S } = require(path.resolve(__dirname, '..', '..'));

const sequences = [
  ['startup', S.TurnedOff, [S.TurningOn, S.Running]],
  ['startup', S.Saved, [S.TurningOn, S.Restoring, S.Running]],
  ['save', S.Running, [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff]],
  ['reset', S.Running, [S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running]],
  ['pause', S.Running, [S.Paused]],
  ['resume', S.Paused, [S.Running]],
  ['turnOff', S.Running, [S.TurningOff, S.DeleteMachine, S.TurnedOff]],
  ['turnOff', S.Paused, [S.TurningOff, S.DeleteMachine, S.TurnedOff]],
];
const refusals = [
  ['startup', S.Running, 'VM_E_VM_RUNNING'],
  ['startup', S.Paused, 'VM_E_VM_RUNNING'],
  ['turnOff', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['save', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['save', S.Saved, 'VM_E_VM_NOT_RUNNING'],
  ['pause', S.TurnedOff, 'VM_E_VM_NOT_RUNNING'],
  ['pause', S.Paused, 'E_FAIL'],
  ['resume', S.Running, 'E_FAIL'],
  ['resume', S.TurnedOff, 'E_FAIL'],
  ['reset', S.Paused, 'VM_E_VM_PAUSED'],
  ['reset', S.Saved, 'VM_E_VM_NOT_RUNNING'],
];

for (const driver of contractDrivers()) {
  describe(`contract: control methods (${driver.label}, build: ${driver.build})`, function () {
    this.timeout(120000);
    let server;
    driver.hooks();
    before(async function () {
      // Paced, so that a task is really in progress for a while and completion is really waited for.
      await driver.setPacing(30);
      server = await driver.connect();
    });
    after(async function () {
      if (server) await server.close();
    });

    async function newVm(prefix, state) {
      return server.findVirtualMachine(await driver.defineVm(prefix, state));
    }

    for (const [method, from, expected] of sequences) {
      const names = expected.map((s) => S[s]).join(', ');
      it(`${method}() from ${S[from]} fires ${names} and resolves when complete`, async function () {
        const vm = await newVm(method, from);
        const stream = vm.events({ types: ['stateChange'] });
        await stream.ready();
        await vm[method]({ timeout: 60000 });
        const states = [];
        for await (const event of stream) {
          states.push(S[event.state]);
          if (states.length === expected.length) break;
        }
        assert.deepStrictEqual(
          states,
          expected.map((s) => S[s]),
        );
        assert.strictEqual(S[await vm.state()], S[method === 'save' ? S.Saved : expected[expected.length - 1]]);
      });
    }

    for (const [method, from, hresultName] of refusals) {
      it(`${method}() from ${S[from]} rejects ${hresultName}`, async function () {
        const vm = await newVm(`no-${method}`, from);
        await assert.rejects(vm[method](), { code: 'ERR_VS_COM_ERROR', hresultName, name: 'VirtualServerError' });
        assert.strictEqual(S[await vm.state()], S[from], 'a refused call changes nothing');
      });
    }

    it('while a sequence is in progress, startup() rejects VM_E_VM_RUNNING and turnOff() VM_E_VM_NOT_RUNNING', async function () {
      const vm = await newVm('busy', S.TurnedOff);
      const stream = vm.events({ types: ['stateChange'] });
      await stream.ready();
      // A second a step, so that the sequence is still in progress when the refused calls arrive, however
      // loaded the machine (30 ms was not always enough under Wine on two shared cores).
      await driver.setPacing(1000);
      try {
        const starting = vm.startup();
        assert.strictEqual(S[(await stream.next()).value.state], 'TurningOn');
        await assert.rejects(vm.startup(), { hresultName: 'VM_E_VM_RUNNING' });
        await assert.rejects(vm.turnOff(), { hresultName: 'VM_E_VM_NOT_RUNNING' });
        await starting;
      } finally {
        await driver.setPacing(30);
        await stream.return();
      }
    });

    it('waitForState after startup() sees Running', async function () {
      const vm = await newVm('wait-running', S.TurnedOff);
      const waiting = vm.waitForState(S.Running, { timeout: 60000 });
      await vm.startup();
      assert.strictEqual(await waiting, S.Running);
    });

    // No event carries Saved: save() fires Saving, TurningOff, DeleteMachine, TurnedOff
    // (virtual-machine-state-diagram.md) and State then reads Saved (ivmvirtualmachine-save.md). A wait
    // that took each event's state for the VM's never saw Saved, and took the last event for TurnedOff.
    describe('waitForState while save() runs', function () {
      // 200 ms a step: the wait has subscribed and read Running long before State reads Saved.
      before(() => driver.setPacing(200));
      after(() => driver.setPacing(30));

      /** A wait on a VM that is running, once it has subscribed (so it follows the save by its events). */
      async function waitingOn(prefix, states) {
        const vm = await newVm(prefix, S.Running);
        const controller = new AbortController();
        const waiting = vm.waitForState(states, { timeout: 60000, signal: controller.signal });
        waiting.catch(() => undefined); // judged below; a rejection must not go unhandled meanwhile
        await untilSinks(vm.name, 1);
        return { vm, waiting, controller };
      }

      it('a wait for Saved resolves Saved', async function () {
        const { vm, waiting } = await waitingOn('wait-saved', S.Saved);
        await vm.save({ timeout: 60000 });
        assert.strictEqual(S[await waiting], 'Saved');
      });

      it('a wait for TurnedOff or Saved resolves Saved, the state the VM ends in, not TurnedOff', async function () {
        const { vm, waiting } = await waitingOn('wait-off-or-saved', [S.TurnedOff, S.Saved]);
        await vm.save({ timeout: 60000 });
        assert.strictEqual(S[await waiting], 'Saved');
      });

      it('a wait for TurnedOff does not resolve: the VM ends Saved', async function () {
        const { vm, waiting, controller } = await waitingOn('wait-off', S.TurnedOff);
        await vm.save({ timeout: 60000 });
        await driver.idle();
        // Time for the wait to act on the last event, which it took for TurnedOff before the fix.
        const outcome = await Promise.race([
          waiting.then((state) => `resolved ${S[state]}`),
          new Promise((resolve) => setTimeout(resolve, 1000, 'pending')),
        ]);
        assert.strictEqual(outcome, 'pending');
        assert.strictEqual(S[await vm.state()], 'Saved');
        controller.abort();
        await assert.rejects(waiting, { name: 'AbortError' });
      });

      it('a wait for TurnedOff during turnOff() still resolves TurnedOff', async function () {
        const { vm, waiting } = await waitingOn('wait-turned-off', S.TurnedOff);
        await vm.turnOff({ timeout: 60000 });
        assert.strictEqual(S[await waiting], 'TurnedOff');
      });
    });

    /** Resolves once `count` event sinks are advised on the VM named (within 30 s). */
    async function untilSinks(name, count) {
      const until = Date.now() + 30000;
      while ((await driver.sinkCount(name)) !== count) {
        if (Date.now() > until) throw new Error(`"${name}" never had ${count} event sink(s) advised`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  });
}
