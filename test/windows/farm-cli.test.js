'use strict';
// `vsevents watch` and `vsevents list` of two simulated hosts at once (A and B, one process each, both
// on this machine: --local with a CLSID each), spawned with Windows node: the HOST column and `host`
// field, a host that cannot be reached, exit codes.
const assert = require('assert');
const h = require('../support/harness');
const { isError } = require('../support/thrown');
const { vsevents, killRunning } = require('../support/vsevents-runner');

const build = h.sim.simulatorBuild();
const { HOST_A, HOST_B } = h.sim;
const bothHosts = ['--local', 'A', '--local', 'B', '--clsid', `A=${HOST_A.clsid}`, '--clsid', `B=${HOST_B.clsid}`];
/** A third host whose class is registered nowhere. */
const missing = ['--local', 'C', '--clsid', 'C={00000000-1111-2222-3333-444444444444}'];

describe(`vsevents of two hosts (build: ${build})`, function () {
  this.timeout(120000);
  const binding = h.loadAddon();
  const controls = {};

  before(async function () {
    h.sim.registerSimulator(build, { hosts: ['A', 'B'] });
    controls.A = await binding.connect({ clsid: HOST_A.controlClsid });
    controls.B = await binding.connect({ clsid: HOST_B.controlClsid });
    for (const control of Object.values(controls)) await binding.put(control, 'PacingMilliseconds', 0);
  });

  afterEach(function () {
    killRunning();
  });

  after(function () {
    for (const control of Object.values(controls)) binding.release(control);
    h.sim.killSimulators();
    h.sim.registerSimulator(build);
  });

  const sinks = (host) => binding.call(controls[host], 'AdvisedSinkCount', ['']);
  async function untilSubscribed(run, hosts) {
    try {
      await h.waitUntil(async () => {
        for (const host of hosts) if (Number(await sinks(host)) < 1) return false;
        return true;
      }, 'vsevents to subscribe');
    } catch (error) {
      assert.ok(isError(error));
      error.message += `; vsevents printed: ${JSON.stringify(run.result)}`;
      throw error;
    }
  }

  it("list prints every host's VMs with a HOST column, and --json a host field", async function () {
    const a = await h.defineVm(binding, controls.A, 'farm-list-a', h.sim.VMVMState.Paused);
    const b = await h.defineVm(binding, controls.B, 'farm-list-b', h.sim.VMVMState.Running);
    const text = await vsevents('list', ...bothHosts).done;
    assert.strictEqual(text.status, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[0], /^HOST +NAME +STATE +HEARTBEAT$/);
    assert.ok(
      lines.some((line) => new RegExp(`^A +${a} +Paused +-$`).test(line)),
      text.stdout,
    );
    assert.ok(
      lines.some((line) => new RegExp(`^B +${b} +Running +-$`).test(line)),
      text.stdout,
    );
    assert.ok(!lines.some((line) => line.includes(a) && line.startsWith('B')), 'no VM listed under the other host');

    const json = await vsevents('list', ...bothHosts, '--json').done;
    assert.strictEqual(json.status, 0, json.stderr);
    const rows = JSON.parse(json.stdout);
    assert.deepStrictEqual(
      rows.filter((row) => [a, b].includes(row.name)),
      [
        // No Additions (the simulator's default): no heartbeat to read.
        { host: 'A', name: a, state: 6, stateName: 'Paused', heartbeating: null, heartbeatPercentage: null },
        { host: 'B', name: b, state: 5, stateName: 'Running', heartbeating: null, heartbeatPercentage: null },
      ],
    );
  });

  it('list of a host that cannot be reached prints the others, says which failed, and exits 1', async function () {
    const a = await h.defineVm(binding, controls.A, 'farm-list-c');
    const run = await vsevents('list', ...bothHosts, ...missing).done;
    assert.strictEqual(run.status, 1, run.stderr);
    assert.ok(
      run.stdout.split('\n').some((line) => new RegExp(`^A +${a} +TurnedOff +-$`).test(line)),
      run.stdout,
    );
    assert.match(run.stderr, /^vsevents: C: .*REGDB_E_CLASSNOTREG.* \[ERR_VS_COM_ERROR\]\n$/);
  });

  it('watch --json prints the server events of both hosts, each with its host', async function () {
    const run = vsevents('watch', ...bothHosts, '--json', '--count', '3');
    await untilSubscribed(run, ['A', 'B']);
    await binding.call(controls.A, 'FireEventLogged', [101]);
    await binding.call(controls.B, 'FireEventLogged', [202]);
    await binding.call(controls.A, 'FireServiceEvent', [303]);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepStrictEqual(
      events.map((e) => [e.host, e.type, e.messageId]).sort((x, y) => x[2] - y[2]),
      [
        ['A', 'eventLogged', 101],
        ['B', 'eventLogged', 202],
        ['A', 'serviceEvent', 303],
      ],
    );
    assert.deepStrictEqual(Object.keys(events[0]).slice(0, 3), ['host', 'schema', 'type'], 'host first');
  });

  it('watch prints a HOST column, and a disconnected line for a host it cannot reach while the others go on', async function () {
    const run = vsevents('watch', ...bothHosts, ...missing, '--count', '2');
    await untilSubscribed(run, ['A', 'B']);
    await h.waitUntil(() => run.result.stdout.includes('disconnected'), 'the line of host C');
    await binding.call(controls.B, 'FireEventLogged', [404]);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.match(
      lines[0],
      /^\d\d:\d\d:\d\d\.\d{3} {2}C {5}- {2}disconnected {2}.*REGDB_E_CLASSNOTREG.*\[ERR_VS_COM_ERROR\]; given up$/,
    );
    assert.match(lines[1], /^\d\d:\d\d:\d\d\.\d{3} {2}B {5}- {2}eventLogged {2}message 404$/);
    assert.match(stderr, /^watching every VM on A, B, C; Ctrl-C stops\n$/);
  });
});
