'use strict';
// virtual-server-events/testing: the package entry, the package's real classes over the fake host,
// defining and driving VMs, the shutdown request, queue bounds, a frozen and a crashed host, and the
// refusals of bad arguments. The behaviour shared with the simulator is the contract suite's
// (test/contract); these are what only the fake has.
const assert = require('assert');
const { spawnSync } = require('child_process');
const path = require('path');
const { inspect } = require('util');
const { api, dist, rejectsWith, eventOf, isError } = require('./helpers');
const { take } = require('../support/take');

const testing = require('virtual-server-events/testing');
const { FakeVirtualServer } = testing;
const S = api.VMState;
// Short probes and deadlines, so that a hung or lost host is found in a unit test's time.
const quick = { probeInterval: 100, probeTimeout: 100, callTimeout: 300 };

/**
 * A FakeVirtualServer and a VirtualServer connected to it.
 * @param {import('virtual-server-events/testing').FakeVirtualServerOptions} [options]
 * @param {import('../../dist/index').ConnectOptions} [connectOptions]
 */
async function connected(options, connectOptions = quick) {
  const host = new FakeVirtualServer(options);
  const server = await host.connect(connectOptions);
  return { host, server };
}

describe('testing: the package entry', () => {
  it("require('virtual-server-events/testing') is dist/testing, and its objects are the package's own classes", async () => {
    assert.strictEqual(require.resolve('virtual-server-events/testing'), path.join(dist, 'testing', 'index.js'));
    assert.strictEqual(testing.VMState, api.VMState);
    assert.strictEqual(testing.VirtualServerError, api.VirtualServerError);
    const { server } = await connected({ virtualMachines: ['web01'] });
    assert.ok(server instanceof api.VirtualServer);
    const vm = await server.findVirtualMachine('web01');
    assert.ok(vm instanceof api.VirtualMachine);
    const stream = vm.events();
    assert.ok(stream instanceof api.EventStream);
    await server.close();
  });

  it('package.json ships dist/ and testing.js, and maps the subpath for Node (exports) and TypeScript (typesVersions)', () => {
    const pkg = require(path.join(dist, '..', 'package.json'));
    assert.strictEqual(pkg.exports['./testing'], './dist/testing/index.js');
    assert.strictEqual(pkg.exports['.'], './' + pkg.main);
    assert.deepStrictEqual(pkg.typesVersions['*'].testing, ['dist/testing/index.d.ts']);
    assert.ok(pkg.files.includes('dist/') && pkg.files.includes('testing.js'));
    // What Node 12.16 (whose require() ignores exports) loads for the subpath: the same module.
    assert.strictEqual(require(path.join(dist, '..', 'testing.js')), testing);
  });

  it('import gives named exports (Node detects them in the CommonJS output)', () => {
    const code =
      "import { FakeVirtualServer, VMState, ErrorCodes } from 'virtual-server-events/testing';" +
      'console.log(typeof FakeVirtualServer, VMState.Running, ErrorCodes.TIMEOUT);';
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: path.join(dist, '..'),
      encoding: 'utf8',
    });
    assert.strictEqual(run.stdout.trim(), 'function 5 ERR_VS_TIMEOUT', run.stderr);
  });
});

describe('testing: FakeVirtualServer', () => {
  it('serves the name, version and VMs it was given', async () => {
    const { server } = await connected({
      name: 'VS01',
      version: '1.1.603.0 EE R2 SP1',
      virtualMachines: [{ name: 'web01', state: S.Running, configId: '{CFG}', file: 'D:\\web01.vmc' }, 'db01'],
    });
    assert.strictEqual(await server.name(), 'VS01');
    assert.strictEqual(await server.version(), '1.1.603.0 EE R2 SP1');
    const vms = await server.virtualMachines();
    const generatedConfigId = (await vms[1].configId()).match(/^\{[0-9A-F-]{36}\}$/);
    assert.ok(generatedConfigId, 'a GUID in braces');
    assert.deepStrictEqual(
      await Promise.all(vms.map(async (vm) => [vm.name, S[await vm.state()], await vm.configId(), await vm.file()])),
      [
        ['web01', 'Running', '{CFG}', 'D:\\web01.vmc'],
        ['db01', 'TurnedOff', generatedConfigId[0], 'C:\\Virtual Machines\\db01\\db01.vmc'],
      ],
    );
    await server.close();
  });

  it('paces a sequence by `pacing` ms a state, and idle() waits for its last one', async () => {
    const { host, server } = await connected({ virtualMachines: ['web01'], pacing: 40 });
    const vm = await server.findVirtualMachine('web01');
    const started = Date.now();
    await vm.startup();
    assert.ok(Date.now() - started >= 35, `startup() resolved after ${Date.now() - started} ms`);
    host.pacing = 0;
    await vm.turnOff();
    await host.idle();
    assert.strictEqual(host.virtualMachine('web01').state, S.TurnedOff);
    assert.strictEqual(host.virtualMachine('web01').busy, false);
    await server.close();
  });

  it('defines a VM in any state, a passing one included, where the diagram then applies', async () => {
    const { host, server } = await connected({ virtualMachines: [{ name: 'merging', state: S.MergingDrives }] });
    const vm = await server.findVirtualMachine('merging');
    assert.strictEqual(S[await vm.state()], 'MergingDrives');
    await rejectsWith(vm.startup(), { hresultName: 'VM_E_VM_RUNNING' });
    assert.strictEqual(host.virtualMachine('merging').busy, false);
    await server.close();
  });

  it('a removed VM answers VM_E_VM_UNKNOWN to every call', async () => {
    const { host, server } = await connected({ virtualMachines: ['web01'] });
    const vm = await server.findVirtualMachine('web01');
    host.removeVirtualMachine('web01');
    await rejectsWith(vm.state(), { code: 'ERR_VS_COM_ERROR', hresultName: 'VM_E_VM_UNKNOWN' });
    await rejectsWith(vm.startup(), { hresultName: 'VM_E_VM_UNKNOWN', message: /"web01" was removed/ });
    await rejectsWith(server.findVirtualMachine('web01'), { code: 'ERR_VS_VM_NOT_FOUND' });
    await server.close();
  });

  it('fireRequestShutdown: a running VM shuts down unless a stream denies it; one that is off ignores it', async () => {
    const { host, server } = await connected({ virtualMachines: [{ name: 'web01', state: S.Running }] });
    const vm = await server.findVirtualMachine('web01');
    const denying = vm.events({ requestShutdown: 'deny', types: ['requestShutdown'] });
    await denying.ready();
    assert.strictEqual(await host.fireRequestShutdown('web01'), 'refused');
    assert.strictEqual(eventOf(await denying.next(), 'requestShutdown').allowed, false);
    await denying.return();
    const allowing = vm.events();
    await allowing.ready();
    assert.strictEqual(await host.fireRequestShutdown('web01'), 'proceeded');
    const events = await take(allowing, 4);
    assert.deepStrictEqual(
      events.map((e) => (e.type === 'stateChange' ? S[e.state] : `${e.type} ${e.allowed}`)),
      ['requestShutdown true', 'TurningOff', 'DeleteMachine', 'TurnedOff'],
    );
    assert.strictEqual(await host.fireRequestShutdown('web01'), 'ignored');
    await server.close();
  });

  it("with eventInterfaces 'dispinterface' nothing is asked: allowed is null and the VM shuts down", async () => {
    const { host, server } = await connected({
      virtualMachines: [{ name: 'web01', state: S.Running }],
      eventInterfaces: 'dispinterface',
    });
    const vm = await server.findVirtualMachine('web01');
    const [events] = await vm.eventInterfaces();
    assert.strictEqual(events.kind, 'dispinterface');
    assert.ok(events.methods.every((m) => m.vtableSlot === -1));
    const stream = vm.events({ requestShutdown: 'deny', types: ['requestShutdown'] });
    await stream.ready();
    assert.strictEqual(await host.fireRequestShutdown('web01'), 'proceeded');
    assert.strictEqual(eventOf(await stream.next(), 'requestShutdown').allowed, null);
    await server.close();
  });

  it('advisedSinkCount says what a script left subscribed', async () => {
    const { host, server } = await connected({ virtualMachines: ['web01'] });
    const vm = await server.findVirtualMachine('web01');
    const vmStream = vm.events();
    const serverStream = server.events();
    await Promise.all([vmStream.ready(), serverStream.ready()]);
    assert.deepStrictEqual([host.advisedSinkCount(), host.advisedSinkCount('web01')], [1, 1]);
    await vmStream.return();
    assert.deepStrictEqual([host.advisedSinkCount(), host.advisedSinkCount('web01')], [1, 0]);
    await server.close();
    assert.strictEqual(host.advisedSinkCount(), 0);
  });

  it("bounds a stream's queue: overflow 'error' ends it after what was queued, 'drop-oldest' counts its losses", async () => {
    const { host, server } = await connected();
    const failing = server.events({ maxQueue: 3 });
    const dropping = server.events({ maxQueue: 3, overflow: 'drop-oldest' });
    await Promise.all([failing.ready(), dropping.ready()]);
    for (let id = 1; id <= 10; id++) host.fireEventLogged(id);
    await host.idle();
    const kept = [];
    const error = await (async () => {
      try {
        for await (const event of failing) kept.push(event.type === 'eventLogged' ? event.messageId : event.type);
      } catch (caught) {
        return caught;
      }
    })();
    assert.ok(isError(error), 'the stream ended with an error');
    assert.strictEqual(error.code, 'ERR_VS_EVENT_QUEUE_OVERFLOW');
    assert.deepStrictEqual(kept, [1, 2, 3]);
    assert.deepStrictEqual(
      (await take(dropping, 3)).map((e) => e.messageId),
      [8, 9, 10],
    );
    assert.strictEqual(dropping.dropped, 7);
    await server.close();
  });

  describe('a frozen host', () => {
    it('lets a call hang until callTimeout (ERR_VS_TIMEOUT), then the connection is unresponsive', async () => {
      const { host, server } = await connected({ virtualMachines: ['web01'] });
      const vm = await server.findVirtualMachine('web01');
      host.freeze();
      const started = Date.now();
      await rejectsWith(vm.state(), { code: 'ERR_VS_TIMEOUT', message: /call timeout of 300 ms/ });
      assert.ok(Date.now() - started >= 290, `rejected after ${Date.now() - started} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the grace a call past its deadline gets
      await rejectsWith(vm.state(), { code: 'ERR_VS_UNRESPONSIVE', message: /did not return from a call/ });
      host.thaw();
      await server.close();
    });

    it('ends streams with ERR_VS_DISCONNECTED whose cause is ERR_VS_UNRESPONSIVE, within probeInterval + probeTimeout', async () => {
      const { host, server } = await connected({ virtualMachines: ['web01'] });
      const stream = (await server.findVirtualMachine('web01')).events();
      await stream.ready();
      host.freeze();
      const started = Date.now();
      const error = await rejectsWith(stream.next(), { code: 'ERR_VS_DISCONNECTED', message: /stopped answering/ });
      assert.ok(isError(error.cause));
      assert.strictEqual(error.cause.code, 'ERR_VS_UNRESPONSIVE');
      assert.ok(Date.now() - started < 1000, `ended after ${Date.now() - started} ms`);
      const closing = Date.now();
      await server.close();
      assert.ok(Date.now() - closing < 100, 'close() of an unresponsive connection returns at once');
      host.thaw();
    });

    it('holds the events that fall due and fires them, in order, when it thaws', async () => {
      const { host, server } = await connected({ virtualMachines: ['web01'] }, { probeInterval: 60000 });
      const stream = server.events();
      await stream.ready();
      host.freeze();
      host.fireEventLogged(1);
      host.fireServiceEvent(2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.strictEqual(stream.queued, 0);
      host.thaw();
      assert.deepStrictEqual(
        (await take(stream, 2)).map((e) => [e.type, e.messageId]),
        [
          ['eventLogged', 1],
          ['serviceEvent', 2],
        ],
      );
      await server.close();
    });
  });

  describe('a crashed host', () => {
    it('ends streams with ERR_VS_DISCONNECTED at their next probe, and refuses connect() until restarted', async () => {
      const { host, server } = await connected({ virtualMachines: ['web01'] });
      const stream = server.events();
      await stream.ready();
      host.crash();
      await rejectsWith(stream.next(), {
        code: 'ERR_VS_DISCONNECTED',
        hresultName: 'RPC_S_SERVER_UNAVAILABLE',
        message: /gone or unreachable/,
      });
      await rejectsWith(server.name(), { code: 'ERR_VS_DISCONNECTED' });
      await rejectsWith(host.connect(quick), { code: 'ERR_VS_DISCONNECTED', message: /^connecting to Virtual Server/ });
      host.restart();
      const again = await host.connect(quick);
      assert.strictEqual(await again.name(), 'FAKEHOST');
      await Promise.all([server.close(), again.close()]);
    });

    it('a stream with reconnect yields reconnected once the host runs again, then its events', async () => {
      const { host, server } = await connected({ virtualMachines: [{ name: 'web01', state: S.Running }] });
      const vm = await server.findVirtualMachine('web01');
      const stream = vm.events({ reconnect: { initialDelay: 100, maxDelay: 100 } });
      await stream.ready();
      host.crash();
      setTimeout(() => host.restart(), 250);
      const value = eventOf(await stream.next(), 'reconnected');
      assert.deepStrictEqual([value.type, value.vm, S[value.state]], ['reconnected', 'web01', 'Running']);
      await vm.pause();
      assert.strictEqual(S[eventOf(await stream.next(), 'stateChange').state], 'Paused');
      await server.close();
    });

    it('never shows the credentials it was connected with', async () => {
      const host = new FakeVirtualServer();
      const credentials = { user: 'svc-user', password: 'pa55-w0rd', domain: 'CONTOSO' };
      const server = await host.connect(Object.assign({ host: 'vs01', credentials }, quick));
      host.crash();
      const error = await rejectsWith(server.name(), { code: 'ERR_VS_DISCONNECTED' });
      const shown = [error.message, inspect(error), inspect(server), inspect(host)].join('\n');
      for (const secret of Object.values(credentials)) assert.ok(!shown.includes(secret), `${secret} shown: ${shown}`);
      await server.close();
    });
  });

  describe('refuses bad arguments, saying what to do', () => {
    const host = new FakeVirtualServer({ virtualMachines: ['web01'] });
    /** @type {[() => unknown, RegExp][]} the bad call, the message */
    const cases = [
      // @ts-expect-error -- deliberately bad input
      [() => new FakeVirtualServer({ vms: [] }), /options.*has an unknown key/i],
      [() => new FakeVirtualServer({ pacing: -1 }), /options.pacing/],
      // @ts-expect-error -- deliberately bad input
      [() => new FakeVirtualServer({ eventInterfaces: 'custom' }), /'vtable', 'dispinterface'/],
      [() => new FakeVirtualServer({ virtualMachines: [{ name: 'a', state: S.Running + 0.5 }] }), /VMState.TurnedOff/],
      [() => host.defineVirtualMachine('WEB01'), /exists \("web01"; names are case-insensitive\)/],
      // @ts-expect-error -- deliberately bad input
      [() => host.defineVirtualMachine({ name: 'x', state: 11 }), /must be one of VMState.Invalid, VMState.TurnedOff/],
      [() => host.fireReset('db01'), /names no virtual machine of this host \(it has "web01"\)/],
      // @ts-expect-error -- deliberately bad input
      [() => host.fireStateChange('web01', 11), /must be one of/],
      // @ts-expect-error -- deliberately bad input
      [() => host.fireEventLogged('7'), /"messageId" argument must be of type number/],
      // @ts-expect-error -- deliberately bad input
      [() => host.fireConfigurationChanged('web01', 'k', { a: 1 }), /a value a VARIANT carries/],
      [() => (host.pacing = 600001), /pacing/],
    ];
    for (const [action, message] of cases) {
      it(String(message), () => {
        assert.throws(action, (error) => {
          assert.ok(isError(error));
          assert.match(String(error.code), /^ERR_(INVALID_ARG_(TYPE|VALUE)|OUT_OF_RANGE)$/);
          assert.match(error.message, message);
          return true;
        });
      });
    }
  });
});
