'use strict';
// The simulated Virtual Server (test/simulator), driven through vssim-client.exe as a COM client, in
// the build named by VSE_SIMULATOR_BUILD (npm test runs this file once per build).
const assert = require('assert');
const sim = require('../support/simulator');

const { VMVMState: S, HRESULTS: H, DISCONNECTIONS } = sim;
const build = sim.simulatorBuild();
const PACING_MS = '30';
const VM_EVENTS_IID = {
  dispatch: '{81EFE609-2132-4901-8150-17278794DEDC}',
  vtable: '{313B7BC3-3C9A-4501-B3A7-373987963A0F}',
};
const VM_EVENT_NAMES = [
  'OnConfigurationChanged',
  'OnHeartbeatStopped',
  'OnRequestShutdown',
  'OnReset',
  'OnStateChange',
  'OnTripleFault',
];
// The HRESULTs flagged `disconnects` in lib/hresults.ts: seen here RPC_S_SERVER_UNAVAILABLE, RPC_S_CALL_FAILED
// (Wine, for the call that crashed), RPC_E_DISCONNECTED, RPC_E_SERVER_DIED.
const RPC_FAILURES = DISCONNECTIONS;

function ok(result) {
  assert.strictEqual(result.hr, H.S_OK, JSON.stringify(result));
  return result;
}

// Through IDispatch a failing HRESULT arrives as DISP_E_EXCEPTION with EXCEPINFO.scode.
function failsWith(result, scode) {
  assert.strictEqual(result.hr, H.DISP_E_EXCEPTION, JSON.stringify(result));
  assert.strictEqual(result.scode, scode, JSON.stringify(result));
  assert.ok(result.description.length > 10, `a description says what went wrong: ${JSON.stringify(result)}`);
}

const argValues = (event) => event.args.map((arg) => arg.value);

describe(`simulated Virtual Server (${build} build)`, function () {
  let client;

  sim.clientSuiteHooks(build, () => client);

  // Each test waits for the server to exit: a short exit delay keeps that quick.
  async function connect(env) {
    client = await sim.startClient({
      env: Object.assign({ VSSIM_PACING_MS: PACING_MS, VSSIM_EXIT_DELAY_MS: '250' }, env),
    });
    ok(await client.command('create', 'ctl', sim.CONTROL_PROGID));
    ok(await client.command('create', 'vs', sim.PROGID));
    return client;
  }

  async function defineVm(name, state) {
    ok(await client.call('ctl', 'method', 'DefineVirtualMachine', '-', `s:${name}`, `i:${state}`));
  }

  async function findVm(name, handle) {
    const found = ok(await client.call('vs', 'method', 'FindVirtualMachine', handle, `s:${name}`));
    assert.deepStrictEqual(found.result, { vt: 9, value: 'object' }, `${name} is found`);
  }

  async function advise(handle, label) {
    const advised = ok(await client.command('advise', handle, label));
    assert.strictEqual(advised.points.length, 1, JSON.stringify(advised));
    ok({ hr: advised.points[0].adviseHr });
    return advised.points[0];
  }

  async function state(handle) {
    return ok(await client.call(handle, 'get', 'State')).result.value;
  }

  async function waitForIdle() {
    assert.strictEqual(ok(await client.call('ctl', 'method', 'WaitForIdle', '-', 'i:30000')).result.value, true);
  }

  describe('registration and late-bound access', function () {
    it('serves VirtualServer.Application and the control object from the registered build', async function () {
      await connect();
      const created = ok(await client.command('create', 'vs2', sim.PROGID));
      assert.strictEqual(created.clsid, sim.HOST_A.clsid);
      assert.strictEqual(ok(await client.call('ctl', 'get', 'Build')).result.value, build);
      const library = ok(await client.command('typelib', 'vs'));
      assert.strictEqual(library.libid, sim.LIBID, 'the real LIBID survives widl (dual interfaces first)');
      assert.strictEqual(library.version, '1.1');
      assert.strictEqual(library.name, 'VirtualServer');
      const kinds = Object.fromEntries(library.types.map((type) => [type.name, type.kind]));
      assert.strictEqual(kinds.IVMVirtualServer, 'dispatch');
      assert.strictEqual(kinds.IVMVirtualMachine, 'dispatch');
      const eventKind = build === 'dispatch' ? 'dispatch' : 'interface';
      assert.strictEqual(kinds.IVMVirtualMachineEvents, eventKind);
      assert.strictEqual(kinds.IVMVirtualServerEvents, eventKind);
    });

    it('registering the other build replaces this one, and back', async function () {
      const other = build === 'dispatch' ? 'vtable' : 'dispatch';
      try {
        sim.registerSimulator(other);
        await connect();
        assert.strictEqual(ok(await client.call('ctl', 'get', 'Build')).result.value, other);
        await client.close();
        client = null;
        await sim.waitForNoSimulator();
      } finally {
        sim.registerSimulator(build);
      }
      const reconnected = await connect();
      assert.strictEqual(ok(await reconnected.call('ctl', 'get', 'Build')).result.value, build);
    });

    it('unregisters with /unregserver: the ProgIDs are gone until registered again', async function () {
      try {
        sim.unregisterSimulator(build);
        client = await sim.startClient();
        const created = await client.command('create', 'vs', sim.PROGID);
        assert.strictEqual(created.hr, '0x800401F3', `CO_E_CLASSSTRING: ${JSON.stringify(created)}`);
      } finally {
        sim.registerSimulator(build);
      }
      ok(await client.command('create', 'vs', sim.PROGID));
    });

    it('answers Name, Version, VirtualMachines (Count, 1-based Item, _NewEnum) and VM properties', async function () {
      await connect();
      assert.match(ok(await client.call('vs', 'get', 'Name')).result.value, /Virtual Server/);
      assert.match(ok(await client.call('vs', 'get', 'Version')).result.value, /^1\.1\.\d+\.\d+ /);
      await defineVm('Alpha', S.TurnedOff);
      await defineVm('Beta', S.Running);
      ok(await client.call('vs', 'get', 'VirtualMachines', 'vms'));
      assert.strictEqual(ok(await client.call('vms', 'get', 'Count')).result.value, 2);
      ok(await client.call('vms', 'get', 'Item', 'second', 'i:2'));
      assert.strictEqual(ok(await client.call('second', 'get', 'Name')).result.value, 'Beta');
      assert.strictEqual(await state('second'), S.Running);
      failsWith(await client.call('vms', 'get', 'Item', '-', 'i:0'), H.DISP_E_BADINDEX);
      failsWith(await client.call('vms', 'get', 'Item', '-', 'i:3'), H.DISP_E_BADINDEX);
      assert.strictEqual(ok(await client.command('enum', 'vms', 'each')).count, 2);
      assert.strictEqual(ok(await client.call('each1', 'get', 'Name')).result.value, 'Alpha');
      assert.match(ok(await client.call('each1', 'get', 'ConfigID')).result.value, /^\{[0-9A-F-]{36}\}$/);
      assert.match(ok(await client.call('each1', 'get', 'File')).result.value, /\\Alpha\.vmc$/);
      assert.strictEqual(await state('each1'), S.TurnedOff);
    });

    it('finds VMs case-insensitively, and answers S_FALSE with no VM for unknown names', async function () {
      await connect();
      await defineVm('Mixed Case VM', S.TurnedOff);
      await findVm('mixed CASE vm', 'vm');
      assert.strictEqual(ok(await client.call('vm', 'get', 'Name')).result.value, 'Mixed Case VM');
      // Through IDispatch::Invoke, S_FALSE arrives as S_OK with a NULL VT_DISPATCH result.
      const missing = ok(await client.call('vs', 'method', 'FindVirtualMachine', 'none', 's:No Such VM'));
      assert.deepStrictEqual(missing.result, { vt: 9, value: null });
    });

    it('describes its event interfaces in the type library (kind, invented IIDs, method order)', async function () {
      await connect();
      await defineVm('Gamma', S.TurnedOff);
      await findVm('Gamma', 'vm');
      const point = await advise('vm', 'vm');
      assert.strictEqual(point.iid, VM_EVENTS_IID[build]);
      assert.strictEqual(point.interface, 'IVMVirtualMachineEvents');
      assert.strictEqual(point.kind, build === 'dispatch' ? 'dispinterface' : 'interface');
      assert.deepStrictEqual([...point.methods].sort(), VM_EVENT_NAMES);
      assert.notDeepStrictEqual(point.methods, VM_EVENT_NAMES, "not the docs' alphabetical order");
    });
  });

  describe('state sequences of virtual-machine-state-diagram.md', function () {
    // Calls `method` and checks that each state fires OnStateChange on the VM, then OnVMStateChange on
    // the server, in order, and that State ends as `finalState`.
    async function expectSequence(method, states, finalState) {
      const since = client.events.length;
      const called = ok(await client.call('vm', 'method', method, 'task'));
      const seen = await client.waitForEvents((e) => e.event === 'OnStateChange' || e.event === 'OnVMStateChange', {
        count: states.length * 2,
        since,
      });
      const expected = [];
      for (const s of states) {
        expected.push({ label: 'vm', event: 'OnStateChange', args: [s] });
        expected.push({ label: 'server', event: 'OnVMStateChange', args: ['Seq', s] });
      }
      assert.deepStrictEqual(
        seen.map((e) => ({ label: e.label, event: e.event, args: argValues(e) })),
        expected,
        `${method} fires ${states.join(', ')}`,
      );
      if (called.result.vt === 9) {
        ok(await client.call('task', 'method', 'WaitForCompletion', '-', 'i:30000'));
        assert.strictEqual(ok(await client.call('task', 'get', 'IsComplete')).result.value, true);
        assert.strictEqual(ok(await client.call('task', 'get', 'PercentCompleted')).result.value, 100);
      }
      await waitForIdle();
      assert.strictEqual(await state('vm'), finalState, `${method} leaves the VM in state ${finalState}`);
    }

    it('fires every documented sequence, in order, on both connection points', async function () {
      await connect();
      await defineVm('Seq', S.TurnedOff);
      await findVm('Seq', 'vm');
      await advise('vm', 'vm');
      await advise('vs', 'server');
      await expectSequence('Startup', [S.TurningOn, S.Running], S.Running);
      await expectSequence('Pause', [S.Paused], S.Paused);
      await expectSequence('Resume', [S.Running], S.Running);
      // ivmvirtualmachine-save.md: State reads Saved once the save completed.
      await expectSequence('Save', [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff], S.Saved);
      await expectSequence('Startup', [S.TurningOn, S.Restoring, S.Running], S.Running);
      await expectSequence('Reset', [S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running], S.Running);
      await expectSequence('TurnOff', [S.TurningOff, S.DeleteMachine, S.TurnedOff], S.TurnedOff);
      await expectSequence('Startup', [S.TurningOn, S.Running], S.Running);
      await expectSequence('Pause', [S.Paused], S.Paused);
      await expectSequence('Save', [S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff], S.Saved);
      await expectSequence('Startup', [S.TurningOn, S.Restoring, S.Running], S.Running);
      await expectSequence('Pause', [S.Paused], S.Paused);
      await expectSequence('TurnOff', [S.TurningOff, S.DeleteMachine, S.TurnedOff], S.TurnedOff);
    });
  });

  describe('injected events', function () {
    beforeEach(async function () {
      await connect();
      await defineVm('Inj', S.Running);
      await findVm('Inj', 'vm');
      await advise('vm', 'vm');
      await advise('vs', 'server');
    });

    it('fires every VM and server event with its arguments', async function () {
      const since = client.events.length;
      ok(await client.call('ctl', 'method', 'FireHeartbeatStopped', '-', 's:Inj'));
      ok(await client.call('ctl', 'method', 'FireTripleFault', '-', 's:inj'));
      ok(await client.call('ctl', 'method', 'FireReset', '-', 's:Inj'));
      ok(await client.call('ctl', 'method', 'FireEventLogged', '-', 'i:4242'));
      ok(await client.call('ctl', 'method', 'FireServiceEvent', '-', 'i:77'));
      ok(await client.call('ctl', 'method', 'FireStateChange', '-', 's:Inj', `i:${S.MergingDrives}`));
      await waitForIdle();
      const seen = await client.waitForEvents(() => true, { count: 8, since });
      assert.deepStrictEqual(
        seen.map((e) => [e.label, e.event, argValues(e)]),
        [
          ['vm', 'OnHeartbeatStopped', []],
          ['server', 'OnHeartbeatStopped', ['Inj']],
          ['vm', 'OnTripleFault', []],
          ['vm', 'OnReset', []],
          ['server', 'OnEventLogged', [4242]],
          ['server', 'OnServiceEvent', [77]],
          ['vm', 'OnStateChange', [S.MergingDrives]],
          ['server', 'OnVMStateChange', ['Inj', S.MergingDrives]],
        ],
      );
      assert.strictEqual(await state('vm'), S.MergingDrives);
    });

    it('passes any VARIANT through OnConfigurationChanged', async function () {
      const values = [
        ['i:42', { vt: 3, value: 42 }],
        ['r:2.5', { vt: 5, value: 2.5 }],
        ['s:Grüße ✓ 日本語 \u{1F600}', { vt: 8, value: 'Grüße ✓ 日本語 \u{1F600}' }],
        ['s:', { vt: 8, value: '' }],
        ['b:true', { vt: 11, value: true }],
        ['b:false', { vt: 11, value: false }],
        ['d:45000.25', { vt: 7, value: 45000.25 }],
        ['e:', { vt: 0, value: null }],
        ['n:', { vt: 1, value: null }],
      ];
      const since = client.events.length;
      for (const [index, [field]] of values.entries()) {
        ok(await client.call('ctl', 'method', 'FireConfigurationChanged', '-', 's:Inj', `s:key/${index}`, field));
      }
      const seen = await client.waitForEvents((e) => e.event === 'OnConfigurationChanged', {
        count: values.length,
        since,
      });
      assert.deepStrictEqual(
        seen.map((e) => e.args),
        values.map(([, expected], index) => [{ vt: 8, value: `key/${index}` }, expected]),
      );
    });

    it('honours OnRequestShutdown as the build allows', async function () {
      const since = client.events.length;
      if (build === 'vtable') {
        assert.strictEqual((await client.command('answer-shutdown', 'false')).allowed, false);
        ok(await client.call('ctl', 'method', 'FireRequestShutdown', '-', 's:Inj'));
        await waitForIdle();
        assert.strictEqual(
          ok(await client.call('ctl', 'method', 'ShutdownOutcome', '-', 's:Inj')).result.value,
          'refused',
        );
        assert.strictEqual(await state('vm'), S.Running, 'a refused shutdown leaves the VM on');
        assert.strictEqual((await client.command('answer-shutdown', 'true')).allowed, true);
      }
      ok(await client.call('ctl', 'method', 'FireRequestShutdown', '-', 's:Inj'));
      await waitForIdle();
      assert.strictEqual(
        ok(await client.call('ctl', 'method', 'ShutdownOutcome', '-', 's:Inj')).result.value,
        'proceeded',
      );
      assert.strictEqual(await state('vm'), S.TurnedOff);
      const requests = client.events.slice(since).filter((e) => e.event === 'OnRequestShutdown');
      assert.deepStrictEqual(
        requests.map((e) => e.answered),
        build === 'vtable' ? [false, true] : [undefined],
      );
      const states = client.events
        .slice(since)
        .filter((e) => e.event === 'OnStateChange')
        .map((e) => e.args[0].value);
      assert.deepStrictEqual(states, [S.TurningOff, S.DeleteMachine, S.TurnedOff]);
      ok(await client.call('ctl', 'method', 'FireRequestShutdown', '-', 's:Inj'));
      await waitForIdle();
      assert.strictEqual(
        ok(await client.call('ctl', 'method', 'ShutdownOutcome', '-', 's:Inj')).result.value,
        'ignored',
      );
    });

    it('fires a burst of events back to back, in order', async function () {
      const count = 1000;
      const since = client.events.length;
      const started = Date.now();
      ok(await client.call('ctl', 'method', 'FireBurst', '-', 's:OnEventLogged', `i:${count}`, 's:'));
      const seen = await client.waitForEvents((e) => e.event === 'OnEventLogged', { count, since, timeoutMs: 50000 });
      const elapsed = Date.now() - started;
      assert.deepStrictEqual(
        seen.map((e) => e.args[0].value),
        Array.from({ length: count }, (_, i) => i + 1),
      );
      ok(await client.call('ctl', 'method', 'FireBurst', '-', 's:OnConfigurationChanged', 'i:100', 's:Inj'));
      const changes = await client.waitForEvents((e) => e.event === 'OnConfigurationChanged', { count: 100, since });
      assert.deepStrictEqual(
        changes.map((e) => e.args[1].value),
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      console.log(`      ${count} out-of-process events in ${elapsed} ms (${build} build)`);
    });

    it('fires events from its own thread, never inside the call that caused them', async function () {
      // While the client holds its sinks, the server's event thread blocks in its first sink call: the
      // calls below could not return if they delivered their events themselves.
      assert.strictEqual((await client.command('hold-events', 'true')).held, true);
      const since = client.events.length;
      ok(await client.call('ctl', 'method', 'FireEventLogged', '-', 'i:1'));
      ok(await client.call('vm', 'method', 'Pause'));
      ok(await client.call('ctl', 'method', 'FireEventLogged', '-', 'i:2'));
      assert.strictEqual(ok(await client.call('ctl', 'method', 'WaitForIdle', '-', 'i:200')).result.value, false);
      assert.strictEqual(client.events.length, since, 'no event was delivered while held');
      assert.strictEqual((await client.command('hold-events', 'false')).held, false);
      const seen = await client.waitForEvents(() => true, { count: 4, since });
      assert.deepStrictEqual(
        seen.map((e) => [e.event, argValues(e)]),
        [
          ['OnEventLogged', [1]],
          ['OnStateChange', [S.Paused]],
          ['OnVMStateChange', ['Inj', S.Paused]],
          ['OnEventLogged', [2]],
        ],
      );
    });

    it('counts the sinks advised on each connection point', async function () {
      const count = async (target) =>
        ok(await client.call('ctl', 'method', 'AdvisedSinkCount', '-', `s:${target}`)).result.value;
      assert.strictEqual(await count(''), 1);
      assert.strictEqual(await count('Inj'), 1);
      await advise('vs', 'server2');
      assert.strictEqual(await count(''), 2);
      ok(await client.command('unadvise', 'vs'));
      assert.strictEqual(await count(''), 0);
      ok(await client.command('unadvise', 'vm'));
      assert.strictEqual(await count('Inj'), 0);
    });
  });

  describe('errors', function () {
    it('returns the documented HRESULTs with descriptions', async function () {
      await connect();
      await defineVm('Err', S.TurnedOff);
      await findVm('Err', 'vm');
      for (const method of ['TurnOff', 'Save', 'Reset', 'Pause']) {
        failsWith(await client.call('vm', 'method', method), H.VM_E_VM_NOT_RUNNING);
      }
      failsWith(await client.call('vm', 'method', 'Resume'), H.E_FAIL);
      ok(await client.call('vm', 'method', 'Startup', 'task'));
      failsWith(await client.call('vm', 'method', 'Startup'), H.VM_E_VM_RUNNING); // busy or running
      ok(await client.call('task', 'method', 'WaitForCompletion', '-', 'i:30000'));
      failsWith(await client.call('vm', 'method', 'Startup'), H.VM_E_VM_RUNNING);
      failsWith(await client.call('vm', 'method', 'Resume'), H.E_FAIL);
      ok(await client.call('vm', 'method', 'Pause'));
      await waitForIdle();
      failsWith(await client.call('vm', 'method', 'Pause'), H.E_FAIL);
      failsWith(await client.call('vm', 'method', 'Reset'), H.VM_E_VM_PAUSED);
      failsWith(await client.call('task', 'method', 'Cancel'), H.E_FAIL);
      failsWith(
        await client.call('ctl', 'method', 'DefineVirtualMachine', '-', 's:ERR', 'i:1'),
        H.VM_E_CONFIG_DUPLICATE_NAME,
      );
      failsWith(await client.call('ctl', 'method', 'DefineVirtualMachine', '-', 's:', 'i:1'), H.VM_E_CONFIG_NO_NAME);
      failsWith(await client.call('ctl', 'method', 'DefineVirtualMachine', '-', 's:Other', 'i:3'), H.E_INVALIDARG);
      failsWith(await client.call('ctl', 'method', 'FireBurst', '-', 's:OnNothing', 'i:1', 's:Err'), H.E_INVALIDARG);
      failsWith(await client.call('ctl', 'method', 'FireReset', '-', 's:Nobody'), H.VM_E_VM_UNKNOWN);
      failsWith(await client.call('ctl', 'put', 'PacingMilliseconds', '-', 'i:-1'), H.E_INVALIDARG);
      ok(await client.call('vm', 'method', 'Resume'));
      await waitForIdle();
      ok(await client.call('ctl', 'put', 'PacingMilliseconds', '-', 'i:2500')); // busy for 5 s
      ok(await client.call('vm', 'method', 'TurnOff', 'slowTask'));
      // Busy: Startup finds the VM on, every other call finds it not running.
      failsWith(await client.call('vm', 'method', 'Startup'), H.VM_E_VM_RUNNING);
      for (const method of ['TurnOff', 'Save', 'Reset', 'Pause']) {
        failsWith(await client.call('vm', 'method', method), H.VM_E_VM_NOT_RUNNING);
      }
      ok(await client.call('ctl', 'method', 'RemoveVirtualMachine', '-', 's:Err'));
      // A VM removed mid-sequence fires nothing more, but its task still completes (nobody waits forever).
      ok(await client.call('slowTask', 'method', 'WaitForCompletion', '-', 'i:-1'));
      failsWith(await client.call('vm', 'get', 'State'), H.VM_E_VM_UNKNOWN);
      failsWith(await client.call('vm', 'method', 'Startup'), H.VM_E_VM_UNKNOWN);
      failsWith(await client.call('ctl', 'method', 'RemoveVirtualMachine', '-', 's:Err'), H.VM_E_VM_UNKNOWN);
    });
  });

  describe('guest OS (IVMGuestOS, ivmguestos.md)', function () {
    it('refuses without Additions, answers with them, loses the heartbeat, and shuts the guest down', async function () {
      await connect();
      await defineVm('Guest', S.Running);
      await findVm('Guest', 'vm');
      const guestOS = ok(await client.call('vm', 'get', 'GuestOS', 'guest'));
      assert.deepStrictEqual(guestOS.result, { vt: 9, value: 'object' });
      const library = ok(await client.command('typelib', 'guest'));
      assert.strictEqual(
        Object.fromEntries(library.types.map((type) => [type.name, type.kind])).IVMGuestOS,
        'dispatch',
      );
      // No Additions when defined: the refusals of each member's page.
      for (const property of ['AdditionsVersion', 'CanShutdown', 'IsHeartbeating', 'HeartbeatPercentage']) {
        failsWith(await client.call('guest', 'get', property), H.VM_E_ADDITIONS_NOT_AVAIL);
      }
      failsWith(await client.call('guest', 'get', 'OSName'), H.VM_E_ADDITIONS_FEATURE_NOT_AVAIL);
      failsWith(await client.call('guest', 'method', 'Shutdown'), H.VM_E_ADDITIONS_FEATURE_NOT_AVAIL);
      failsWith(await client.call('guest', 'method', 'InstallAdditions'), H.E_NOTIMPL);
      failsWith(await client.call('ctl', 'method', 'SetGuestAdditions', '-', 's:Nobody', 'b:true'), H.VM_E_VM_UNKNOWN);

      ok(await client.call('ctl', 'method', 'SetGuestAdditions', '-', 's:Guest', 'b:true'));
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'CanShutdown')).result, { vt: 11, value: true });
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'IsHeartbeating')).result, { vt: 11, value: true });
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'HeartbeatPercentage')).result, {
        vt: 3,
        value: 100,
      });
      assert.strictEqual(
        ok(await client.call('guest', 'get', 'OSName')).result.value,
        'Windows Server 2003, Enterprise Edition',
      );
      assert.strictEqual(ok(await client.call('guest', 'get', 'AdditionsVersion')).result.value, '13.813');

      ok(await client.call('ctl', 'method', 'FireHeartbeatStopped', '-', 's:Guest'));
      await waitForIdle();
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'IsHeartbeating')).result, { vt: 11, value: false });
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'HeartbeatPercentage')).result, { vt: 3, value: 0 });
      ok(await client.call('ctl', 'method', 'SetGuestAdditions', '-', 's:Guest', 'b:true'));
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'IsHeartbeating')).result, { vt: 11, value: true });

      await advise('vm', 'vm');
      ok(await client.call('guest', 'method', 'Shutdown', 'task'));
      ok(await client.call('task', 'method', 'WaitForCompletion', '-', 'i:30000'));
      assert.deepStrictEqual(ok(await client.call('task', 'get', 'IsComplete')).result, { vt: 11, value: true });
      assert.strictEqual(await state('vm'), S.TurnedOff);
      const states = await client.waitForEvents((e) => e.label === 'vm' && e.event === 'OnStateChange', { count: 3 });
      assert.deepStrictEqual(
        states.map((e) => argValues(e)[0]),
        [S.TurningOff, S.DeleteMachine, S.TurnedOff],
      );
      failsWith(await client.call('guest', 'get', 'IsHeartbeating'), H.VM_E_VM_NOT_RUNNING);
      failsWith(await client.call('guest', 'method', 'Shutdown'), H.VM_E_VM_NOT_RUNNING);
      assert.deepStrictEqual(ok(await client.call('guest', 'get', 'CanShutdown')).result, { vt: 11, value: false });
    });
  });

  describe('process lifetime', function () {
    it('exits after the last object is released, while the client lives on', async function () {
      await connect();
      await defineVm('Life', S.Running);
      await findVm('Life', 'vm');
      await advise('vm', 'vm');
      const pid = ok(await client.call('ctl', 'get', 'ProcessId')).result.value;
      assert.ok(sim.simulatorProcesses().some((p) => p.pid === pid));
      ok(await client.command('unadvise', 'vm'));
      for (const handle of ['vm', 'vs', 'ctl']) {
        const released = await client.command('release', handle);
        assert.strictEqual(released.error, undefined, JSON.stringify(released));
      }
      await sim.waitForNoSimulator();
      assert.strictEqual(client.child.exitCode, null, 'the client still runs');
    });

    it('dies abruptly on Crash; calls then fail and a new activation starts a fresh server', async function () {
      await connect();
      const pid = ok(await client.call('ctl', 'get', 'ProcessId')).result.value;
      const crashed = await client.call('ctl', 'method', 'Crash', '-', 'i:3');
      assert.ok(RPC_FAILURES.includes(crashed.hr), `Crash fails with an RPC error: ${JSON.stringify(crashed)}`);
      await sim.waitFor(() => !sim.simulatorProcesses().some((p) => p.pid === pid), 30000, 'the crashed server to go');
      const after = await client.call('vs', 'get', 'Name');
      assert.ok(RPC_FAILURES.includes(after.hr), `calls on the dead server fail: ${JSON.stringify(after)}`);
      ok(await client.command('create', 'ctl2', sim.CONTROL_PROGID));
      assert.notStrictEqual(ok(await client.call('ctl2', 'get', 'ProcessId')).result.value, pid);
    });

    it('drops the sinks of a client that died, and then exits when idle (Wine has no DCOM pinging)', async function () {
      // The first client activates the server, so the server inherits its VSSIM_IDLE_EXIT_MS.
      const doomed = await sim.startClient({ env: { VSSIM_IDLE_EXIT_MS: '3000' } });
      try {
        ok(await doomed.command('create', 'vs', sim.PROGID));
        ok({ hr: ok(await doomed.command('advise', 'vs', 'doomed')).points[0].adviseHr });
      } finally {
        doomed.child.kill(); // TerminateProcess: nothing is unadvised or released
      }
      await doomed.exited;
      await connect();
      const sinks = async () => ok(await client.call('ctl', 'method', 'AdvisedSinkCount', '-', 's:')).result.value;
      assert.strictEqual(await sinks(), 1, "the dead client's sink is still advised");
      await advise('vs', 'mine');
      assert.strictEqual(await sinks(), 2);
      ok(await client.call('ctl', 'method', 'FireEventLogged', '-', 'i:5'));
      await client.waitForEvents((e) => e.event === 'OnEventLogged');
      await waitForIdle();
      assert.strictEqual(await sinks(), 1, 'only the live sink is left');
      // The dead client's references are never released: only the idle guard ends the process.
      await client.close();
      client = null;
      await sim.waitForNoSimulator();
    });

    it('exits on its own when idle for VSSIM_IDLE_EXIT_MS although references are held', async function () {
      await connect({ VSSIM_IDLE_EXIT_MS: '3000' });
      await sim.waitForNoSimulator();
      const after = await client.call('vs', 'get', 'Name');
      assert.ok(RPC_FAILURES.includes(after.hr), `calls fail once it exited: ${JSON.stringify(after)}`);
    });
  });

  describe('demo scenario', function () {
    it('cycles several VMs through life cycles until stopped', async function () {
      await connect({ VSSIM_PACING_MS: '10' });
      await advise('vs', 'server');
      ok(await client.call('ctl', 'method', 'StartScenario'));
      await client.waitForEvents((e) => e.event === 'OnVMStateChange' && e.args[1].value === S.Running, {
        count: 6,
        timeoutMs: 50000,
      });
      ok(await client.call('ctl', 'method', 'StopScenario'));
      await waitForIdle();
      const names = new Set(client.events.filter((e) => e.event === 'OnVMStateChange').map((e) => e.args[0].value));
      assert.ok(names.size >= 3, `several VMs changed state: ${[...names].join(', ')}`);
      ok(await client.call('vs', 'get', 'VirtualMachines', 'vms'));
      assert.strictEqual(ok(await client.call('vms', 'get', 'Count')).result.value, 4);
    });
  });
});
