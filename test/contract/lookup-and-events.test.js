'use strict';
// Contract: what the fake and the real addon + simulator both do, through the public API: lookup, and
// the typed events of both interfaces (test/contract/drivers.js says which runs).
const assert = require('assert');
const path = require('path');
const { take } = require('../support/take');
const { contractDrivers } = require('./drivers');

const repoRoot = path.resolve(__dirname, '..', '..');
const { VMState } = require(repoRoot);
// The event methods the package knows by name: the one list, lib/events.ts's.
const { virtualMachineEventMapper, virtualServerEventMapper } = require(path.join(repoRoot, 'dist', 'events.js'));
// `vsevents watch --all`'s stream: every VM, those defined after it started included.
const { AllVmsStream } = require(path.join(repoRoot, 'dist', 'cli', 'watch-all.js'));
const { Interrupt } = require(path.join(repoRoot, 'dist', 'cli', 'interrupt.js'));

for (const driver of contractDrivers()) {
  describe(`contract: lookup and events (${driver.label}, build: ${driver.build})`, function () {
    this.timeout(120000);
    let server;
    driver.hooks();
    before(async function () {
      server = await driver.connect();
    });
    after(async function () {
      if (server) await server.close();
    });

    async function newVm(prefix, state = VMState.TurnedOff) {
      return server.findVirtualMachine(await driver.defineVm(prefix, state));
    }

    it('reads the server, and finds VMs by name, case-insensitively, with their state, GUID ConfigID and .vmc File', async function () {
      assert.strictEqual(typeof (await server.name()), 'string');
      assert.match(await server.version(), /^1\.1\.603\.0 /);
      const vm = await newVm('lookup', VMState.Saved);
      assert.strictEqual((await server.findVirtualMachine(vm.name.toUpperCase())).name, vm.name);
      assert.ok((await server.virtualMachines()).some((v) => v.name === vm.name));
      assert.strictEqual(await vm.state(), VMState.Saved);
      assert.match(await vm.configId(), /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i);
      assert.strictEqual(await vm.file(), `C:\\Virtual Machines\\${vm.name}\\${vm.name}.vmc`);
    });

    it('rejects ERR_VS_VM_NOT_FOUND for an unknown name', async function () {
      await assert.rejects(server.findVirtualMachine('no such vm here'), {
        code: 'ERR_VS_VM_NOT_FOUND',
        name: 'VirtualServerError',
      });
    });

    it('discovers both event interfaces in the form of the build', async function () {
      const vm = await newVm('describe');
      const [[serverEvents], [vmEvents]] = await Promise.all([server.eventInterfaces(), vm.eventInterfaces()]);
      const kind = driver.build === 'dispatch' ? 'dispinterface' : 'vtable';
      assert.deepStrictEqual([serverEvents.name, serverEvents.kind], ['IVMVirtualServerEvents', kind]);
      assert.deepStrictEqual([vmEvents.name, vmEvents.kind], ['IVMVirtualMachineEvents', kind]);
      const names = (described) => described.methods.map((m) => m.name).sort();
      assert.deepStrictEqual(names(vmEvents), virtualMachineEventMapper('any').methods.slice().sort());
      assert.deepStrictEqual(names(serverEvents), virtualServerEventMapper.methods.slice().sort());
    });

    it('yields every IVMVirtualMachineEvents event, typed, in order', async function () {
      const vm = await newVm('vm-events', VMState.Paused);
      const stream = vm.events();
      await stream.ready();
      const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
      await driver.fire.stateChange(vm.name, VMState.Running);
      await driver.fire.heartbeatStopped(vm.name);
      await driver.fire.tripleFault(vm.name);
      await driver.fire.reset(vm.name);
      await driver.fire.configurationChanged(vm.name, 'note', 'Grüße, 世界');
      await driver.fire.configurationChanged(vm.name, 'memory', 512);
      await driver.fire.configurationChanged(vm.name, 'when', when);
      await driver.fire.configurationChanged(vm.name, 'flag', true);
      await driver.fire.requestShutdown(vm.name);
      const events = await take(stream, 9);
      assert.deepStrictEqual(
        events.map((e) => e.type),
        [
          'stateChange',
          'heartbeatStopped',
          'tripleFault',
          'reset',
          'configurationChanged',
          'configurationChanged',
          'configurationChanged',
          'configurationChanged',
          'requestShutdown',
        ],
      );
      assert.ok(events.every((e) => e.vm === vm.name && e.time instanceof Date));
      assert.strictEqual(events[0].state, VMState.Running);
      // Only the vtable form's OnRequestShutdown has the [out] isAllowed; unasked, the answer is allow.
      assert.strictEqual(events[8].allowed, driver.build === 'vtable' ? true : null);
      assert.deepStrictEqual(
        events.slice(4, 8).map((e) => [e.key, e.value]),
        [
          ['note', 'Grüße, 世界'],
          ['memory', 512],
          ['when', when],
          ['flag', true],
        ],
      );
      // The running VM shuts down on the request it allowed: let that end here, not in the next test's streams.
      await driver.idle();
      await stream.return();
    });

    it('yields every IVMVirtualServerEvents event, typed, in order', async function () {
      const vm = await newVm('server-events');
      const stream = server.events();
      await stream.ready();
      await driver.fire.stateChange(vm.name, VMState.Running);
      await driver.fire.heartbeatStopped(vm.name);
      await driver.fire.eventLogged(4711);
      await driver.fire.serviceEvent(815);
      const events = await take(stream, 4);
      assert.deepStrictEqual(
        events.map((e) => [e.type, e.vm || e.messageId]),
        [
          ['vmStateChange', vm.name],
          ['vmHeartbeatStopped', vm.name],
          ['eventLogged', 4711],
          ['serviceEvent', 815],
        ],
      );
      assert.strictEqual(events[0].state, VMState.Running);
      await stream.return();
    });

    it('messageId is the signed long as fired, its high bit included, unchanged (the reference defines no split of it)', async function () {
      const stream = server.events({ types: ['eventLogged', 'serviceEvent'] });
      await stream.ready();
      // 0xC0000001 and 0x80000000 as a long: what a severity-coded message identifier would look like.
      await driver.fire.eventLogged(-1073741823);
      await driver.fire.serviceEvent(-2147483648);
      await driver.fire.eventLogged(2147483647);
      const events = await take(stream, 3);
      assert.deepStrictEqual(
        events.map((e) => [e.type, e.messageId]),
        [
          ['eventLogged', -1073741823],
          ['serviceEvent', -2147483648],
          ['eventLogged', 2147483647],
        ],
      );
      assert.deepStrictEqual(Object.keys(events[0]).sort(), ['messageId', 'time', 'type']);
      await stream.return();
    });

    it('watch --all: a VM defined after the start is subscribed to once a server event names it', async function () {
      const stream = new AllVmsStream(server, { signal: new Interrupt(), reconnect: false });
      try {
        await stream.ready();
        const name = await driver.defineVm('watch-all-late');
        assert.strictEqual(await driver.sinkCount(name), 0, 'nothing named it yet');
        await driver.fire.stateChange(name, VMState.Running);
        // Other VMs of the host are watched too: only this one's records are looked at.
        const next = async () => {
          for (;;) {
            const { value } = await stream.next();
            if (value.vm === name) return value;
          }
        };
        const first = await next();
        assert.deepStrictEqual([first.type, first.state], ['vmStateChange', VMState.Running]);
        const deadline = Date.now() + 10000;
        while ((await driver.sinkCount(name)) < 1) {
          if (Date.now() > deadline) assert.fail(`no subscription to ${name} within 10 s`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
        await driver.fire.stateChange(name, VMState.Paused);
        const own = await next();
        assert.deepStrictEqual([own.type, own.state], ['stateChange', VMState.Paused]);
      } finally {
        await stream.return();
      }
    });

    it('OnRequestShutdown: refused where the interface can answer (vtable), else the running VM shuts down', async function () {
      const vm = await newVm('shutdown', VMState.Running);
      const stream = vm.events({ requestShutdown: 'deny' });
      await stream.ready();
      await driver.fire.requestShutdown(vm.name);
      const [request] = await take(stream, 1);
      assert.strictEqual(request.type, 'requestShutdown');
      await driver.idle();
      if (driver.build === 'vtable') {
        assert.strictEqual(request.allowed, false);
        assert.strictEqual(VMState[await vm.state()], 'Running');
      } else {
        assert.strictEqual(request.allowed, null);
        const states = (await take(stream, 3)).map((e) => VMState[e.state]);
        assert.deepStrictEqual(states, ['TurningOff', 'DeleteMachine', 'TurnedOff']);
        assert.strictEqual(VMState[await vm.state()], 'TurnedOff');
      }
      await stream.return();
    });
  });
}
