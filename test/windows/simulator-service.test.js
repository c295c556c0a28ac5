'use strict';
// The simulator's process lifetime as clients see it (test/simulator/README.md): activations that follow one
// another from separate processes all succeed, whether the server exits after its last client (default) or
// stays up like the real service (VSSIM_SERVICE=1, /service); and a second simulated host runs in a process
// of its own. Runs in the build named by VSE_SIMULATOR_BUILD.
const assert = require('assert');
const { spawn } = require('child_process');
const sim = require('../support/simulator');

const { VMVMState: S, HRESULTS: H } = sim;
const build = sim.simulatorBuild();
const ACTIVATIONS = 20;

function ok(result) {
  assert.strictEqual(result.hr, H.S_OK, JSON.stringify(result));
  return result;
}

describe(`simulator lifetime and hosts (${build} build)`, function () {
  this.timeout(120000);
  let client;

  sim.clientSuiteHooks(build, () => client);

  // `count` clients, one after another, each in its own process: activates VirtualServer.Application, runs
  // `each(client, index)`, quits. Returns the activation results, the serving process ids and the time taken.
  /**
   * @param {number} count
   * @param {Record<string, string>} env
   * @param {(client: Awaited<ReturnType<typeof sim.startClient>>, index: number) => Promise<void>} [each]
   */
  async function activateInTurn(count, env, each = async () => {}) {
    const results = [];
    const pids = [];
    const started = Date.now();
    for (let index = 0; index < count; index += 1) {
      client = await sim.startClient({ env });
      const created = await client.command('create', 'vs', sim.PROGID);
      results.push(created.hr);
      if (created.hr === H.S_OK) {
        ok(await client.command('create', 'ctl', sim.CONTROL_PROGID));
        pids.push(ok(await client.call('ctl', 'get', 'ProcessId')).result.value);
        await each(client, index);
      }
      await client.close();
      client = null;
    }
    return { results, pids, elapsed: Date.now() - started };
  }

  function report(mode, { results, pids, elapsed }) {
    const succeeded = results.filter((hr) => hr === H.S_OK).length;
    console.log(
      `      ${mode}: ${succeeded}/${results.length} activations in ${elapsed} ms, ` +
        `${new Set(pids).size} server process(es) (${build} build)`,
    );
    assert.deepStrictEqual(
      results,
      results.map(() => H.S_OK),
      'every activation succeeds',
    );
  }

  it(`default lifetime: ${ACTIVATIONS} activations in turn all succeed, and the server exits after the last`, async function () {
    // VSSIM_SCENARIO=1: the demo scenario runs while clients activate the server one after another, as
    // Microsoft's samples do.
    const run = await activateInTurn(ACTIVATIONS, { VSSIM_SCENARIO: '1' });
    report('default lifetime', run);
    await sim.waitForNoSimulator();
  });

  it(`service mode (VSSIM_SERVICE=1): ${ACTIVATIONS} activations in turn reach one process that keeps its VMs`, async function () {
    const run = await activateInTurn(ACTIVATIONS, { VSSIM_SERVICE: '1' }, async (c, index) => {
      if (index === 0) ok(await c.call('ctl', 'method', 'DefineVirtualMachine', '-', 's:Kept', `i:${S.Running}`));
      const kept = ok(await c.call('vs', 'method', 'FindVirtualMachine', 'kept', 's:Kept'));
      assert.deepStrictEqual(kept.result, { vt: 9, value: 'object' }, `client ${index} finds the VM client 0 defined`);
    });
    report('service mode', run);
    assert.strictEqual(new Set(run.pids).size, 1, 'one server process served every client');
    assert.deepStrictEqual(
      sim.simulatorProcesses().map((p) => p.pid),
      [run.pids[0]],
      'it outlives its clients',
    );
    client = await sim.startClient();
    ok(await client.command('create', 'vs', sim.PROGID));
    ok(await client.call('vs', 'method', 'FindVirtualMachine', 'web', 's:Web Server'));
    ok(await client.command('create', 'ctl', sim.CONTROL_PROGID));
    ok(await client.call('ctl', 'method', 'StopScenario'));
    // Stopped, it is an ordinary server again: it exits after this last client (afterEach waits for that).
  });

  it('service mode by hand (/service): clients reach the started process, and StopScenario ends it', async function () {
    const { exe } = sim.simulatorPaths(build);
    const service = spawn(exe, ['/service'], { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
    const exited = new Promise((resolve) => service.on('exit', (code) => resolve(code)));
    let output = '';
    service.stdout.setEncoding('utf8');
    service.stdout.on('data', (chunk) => {
      output += chunk;
    });
    await sim.waitFor(() => output.includes('serving host A as a service'), 30000, 'the service to register');
    for (let index = 0; index < 3; index += 1) {
      client = await sim.startClient();
      ok(await client.command('create', 'ctl', sim.CONTROL_PROGID));
      assert.strictEqual(ok(await client.call('ctl', 'get', 'ProcessId')).result.value, service.pid);
      if (index === 2) ok(await client.call('ctl', 'method', 'StopScenario'));
      await client.close();
      client = null;
    }
    assert.strictEqual(await exited, 0, 'it exits once stopped and unused');
  });

  describe('a second simulated host', function () {
    before(function () {
      sim.registerSimulator(build, { hosts: ['A', 'B'] });
    });

    after(function () {
      sim.registerSimulator(build);
    });

    it('serves host B from a process of its own, with VMs of its own', async function () {
      client = await sim.startClient({ env: { VSSIM_PACING_MS: '30' } });
      const pids = {};
      for (const host of [sim.HOST_A, sim.HOST_B]) {
        const created = ok(await client.command('create', `vs${host.name}`, host.progId));
        assert.strictEqual(created.clsid, host.clsid);
        assert.strictEqual(
          ok(await client.command('create', `ctl${host.name}`, host.controlProgId)).clsid,
          host.controlClsid,
        );
        assert.strictEqual(ok(await client.call(`ctl${host.name}`, 'get', 'Build')).result.value, build);
        pids[host.name] = ok(await client.call(`ctl${host.name}`, 'get', 'ProcessId')).result.value;
      }
      assert.notStrictEqual(pids.A, pids.B, 'two processes');
      const processes = sim.simulatorProcesses().map(({ pid, host }) => ({ pid, host }));
      assert.deepStrictEqual(
        processes.sort((a, b) => a.host.localeCompare(b.host)),
        [
          { pid: pids.A, host: 'A' },
          { pid: pids.B, host: 'B' },
        ],
      );
      ok(await client.call('ctlB', 'method', 'DefineVirtualMachine', '-', 's:Only On B', `i:${S.TurnedOff}`));
      const onB = ok(await client.call('vsB', 'method', 'FindVirtualMachine', 'vm', 's:Only On B'));
      assert.deepStrictEqual(onB.result, { vt: 9, value: 'object' });
      const onA = ok(await client.call('vsA', 'method', 'FindVirtualMachine', 'none', 's:Only On B'));
      assert.deepStrictEqual(onA.result, { vt: 9, value: null }, "host A does not know host B's VM");
      assert.deepStrictEqual(sim.killSimulators().sort(), [pids.A, pids.B].sort(), 'killSimulators ends both hosts');
    });
  });
});
