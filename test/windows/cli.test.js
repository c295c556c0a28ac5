'use strict';
// `vsevents` spawned with Windows node against the simulator build of this run (VSE_SIMULATOR_BUILD):
// output parsed, exit codes checked. Runs that must see events wait until the CLI's sink is advised.
const assert = require('assert');
const { spawn } = require('child_process');
const h = require('../support/harness');
const { isError } = require('../support/thrown');
const { vsevents, killRunning, cli } = require('../support/vsevents-runner');

const api = require('../..'); // the package, through its main (dist/index.js) and types
const { VMState } = api;
const build = h.sim.simulatorBuild();

function jsonLines(text) {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe(`vsevents against the simulator (build: ${build})`, function () {
  this.timeout(120000);
  let binding;
  let control;

  h.connectForSuite((connected) => ({ binding, control } = connected), { keepServer: false });

  // A test that failed while vsevents ran must not leave it behind, holding the simulator's objects.
  afterEach(function () {
    killRunning();
  });

  /** Waits until vsevents has subscribed (`subscribed()` true); a timeout error shows what vsevents printed. */
  async function untilSubscribed(run, subscribed) {
    try {
      await h.waitUntil(subscribed, 'vsevents to subscribe');
    } catch (error) {
      assert.ok(isError(error));
      error.message += `; vsevents printed: ${JSON.stringify(run.result)}`;
      throw error;
    }
  }

  function fire(verb, ...args) {
    return binding.call(control, verb, args);
  }

  function sinksOn(vmName) {
    return fire('AdvisedSinkCount', vmName);
  }

  it('list prints each VM with its state name, and --json an array', async function () {
    const name = await h.defineVm(binding, control, 'cli list', VMState.Paused);
    const text = await vsevents('list').done;
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stdout, /^NAME +STATE +HEARTBEAT\n/);
    assert.ok(
      text.stdout.split('\n').some((line) => line.startsWith(name) && /\bPaused +-$/.test(line)),
      text.stdout,
    );
    const json = await vsevents('list', '--json').done;
    assert.strictEqual(json.status, 0, json.stderr);
    const row = JSON.parse(json.stdout).find((r) => r.name === name);
    // A paused guest has no heartbeat to read: null, never left out.
    assert.deepStrictEqual(row, {
      name,
      state: VMState.Paused,
      stateName: 'Paused',
      heartbeating: null,
      heartbeatPercentage: null,
    });
  });

  it('watch --vm --json prints one JSON object an event, and --count ends it with 0', async function () {
    const name = await h.defineVm(binding, control, 'cli-watch');
    const run = vsevents('watch', '--vm', name, '--json', '--count', '3');
    await untilSubscribed(run, async () => (await sinksOn(name)) === 1);
    await fire('FireStateChange', name, VMState.Running);
    await fire('FireConfigurationChanged', name, 'note', 'Grüße');
    await fire('FireHeartbeatStopped', name);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    const events = jsonLines(stdout);
    assert.deepStrictEqual(
      events.map((e) => e.type),
      ['stateChange', 'configurationChanged', 'heartbeatStopped'],
    );
    assert.deepStrictEqual([events[0].vm, events[0].state, events[0].stateName], [name, 5, 'Running']);
    assert.deepStrictEqual([events[1].key, events[1].value], ['note', 'Grüße']);
    assert.ok(!Number.isNaN(Date.parse(events[0].time)), 'time is an ISO date');
    await h.waitUntil(async () => (await sinksOn(name)) === 0, 'its sink to be unadvised');
  });

  it('watch --json whose reader goes away (| head -1) exits 0 quietly, its sink unadvised', async function () {
    const name = await h.defineVm(binding, control, 'cli-epipe');
    const run = vsevents('watch', '--vm', name, '--json');
    await untilSubscribed(run, async () => (await sinksOn(name)) === 1);
    await fire('FireStateChange', name, VMState.Running);
    await h.waitUntil(() => run.result.stdout.includes('\n'), 'the first line');
    run.child.stdout.destroy(); // as head does once it has its line
    // The next write meets the closed pipe (EPIPE on Windows too, from ERROR_NO_DATA).
    await fire('FireStateChange', name, VMState.Paused);
    await fire('FireHeartbeatStopped', name);
    const { status, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    assert.strictEqual(stderr, '');
    await h.waitUntil(async () => (await sinksOn(name)) === 0, 'its sink to be unadvised');
  });

  it('watch prints human-readable lines of server events with local time and state names', async function () {
    const name = await h.defineVm(binding, control, 'cli-human');
    const run = vsevents('watch', '--types', 'vmStateChange,eventLogged', '--count', '2');
    await untilSubscribed(run, () => run.result.stderr.includes('watching'));
    await fire('FireHeartbeatStopped', name); // filtered out by --types
    await fire('FireStateChange', name, VMState.Saving);
    await fire('FireEventLogged', 1234);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.strictEqual(lines.length, 2, stdout);
    assert.match(lines[0], new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${name}  vmStateChange  Saving$`));
    assert.match(lines[1], /^\d\d:\d\d:\d\d\.\d{3} {2}- {2}eventLogged {2}message 1234$/);
  });

  it("watch --all prints every VM's own events and the server's log events, without duplicate state changes", async function () {
    const name = await h.defineVm(binding, control, 'cli-all');
    const run = vsevents('watch', '--all', '--json', '--count', '3');
    await untilSubscribed(run, async () => (await sinksOn(name)) === 1);
    await fire('FireStateChange', name, VMState.Running);
    // Lines appear only once every stream is subscribed, the server's included.
    await h.waitUntil(() => run.result.stdout.includes('"stateChange"'), 'the first event line');
    await fire('FireConfigurationChanged', name, 'cpu', 2);
    await fire('FireEventLogged', 99);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    const events = jsonLines(stdout);
    assert.deepStrictEqual(
      events.map((e) => [e.type, e.vm]),
      [
        ['stateChange', name],
        ['configurationChanged', name],
        ['eventLogged', undefined],
      ],
    );
  });

  it('watch --all picks up a VM defined after it started, when a server event first names it', async function () {
    const early = await h.defineVm(binding, control, 'cli-all-early');
    const run = vsevents('watch', '--all', '--json', '--count', '3');
    // The VMs of the start are subscribed to after the server: once this one is, a VM defined is new.
    await untilSubscribed(run, async () => (await sinksOn(early)) === 1);
    const name = await h.defineVm(binding, control, 'cli-all-late');
    await fire('FireStateChange', name, VMState.Running);
    await untilSubscribed(run, async () => (await sinksOn(name)) === 1);
    await h.waitUntil(() => run.result.stdout.includes('"vmStateChange"'), 'the server event that named it');
    await fire('FireStateChange', name, VMState.Paused);
    await fire('FireEventLogged', 98);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    const events = jsonLines(stdout);
    assert.deepStrictEqual(
      events.map((e) => [e.type, e.vm, e.stateName]),
      [
        ['vmStateChange', name, 'Running'],
        ['stateChange', name, 'Paused'],
        ['eventLogged', undefined, undefined],
      ],
    );
    await h.waitUntil(async () => (await sinksOn(name)) === 0, 'its sink to be unadvised');
  });

  it('wait exits 0 once the VM reaches a wanted state', async function () {
    const name = await h.defineVm(binding, control, 'cli-wait');
    const run = vsevents('wait', '--vm', name, '--state', 'Running,Paused', '--timeout', '60');
    await untilSubscribed(run, async () => (await sinksOn(name)) === 1);
    await fire('FireStateChange', name, VMState.Paused);
    const { status, stdout, stderr } = await run.done;
    assert.strictEqual(status, 0, stderr);
    assert.strictEqual(stdout, `${name}: Paused\n`);
  });

  // No event carries Saved: save fires TurnedOff last, and State then reads Saved (ivmvirtualmachine-save.md).
  it('wait --state Saved exits 0 once a save ends', async function () {
    const name = await h.defineVm(binding, control, 'cli-wait-saved', VMState.Running);
    // 200 ms a step: wait has read Running long before the save ends, so it follows the save's events.
    await binding.put(control, 'PacingMilliseconds', 200);
    try {
      const run = vsevents('wait', '--vm', name, '--state', 'Saved', '--timeout', '60');
      await untilSubscribed(run, async () => (await sinksOn(name)) === 1);
      const saved = await vsevents('save', '--vm', name).done;
      assert.strictEqual(saved.status, 0, saved.stderr);
      const { status, stdout, stderr } = await run.done;
      assert.strictEqual(status, 0, stderr);
      assert.strictEqual(stdout, `${name}: Saved\n`);
    } finally {
      await binding.put(control, 'PacingMilliseconds', 0);
    }
  });

  it('wait exits 124 (as timeout(1)) with one line on stderr when it times out', async function () {
    const name = await h.defineVm(binding, control, 'cli-timeout');
    const { status, stdout, stderr } = await vsevents('wait', '--vm', name, '--state', 'Running', '--timeout', '0.3')
      .done;
    assert.strictEqual(status, 124);
    assert.strictEqual(stdout, '');
    assert.match(
      stderr,
      /^vsevents: timed out after 300 ms waiting for virtual machine "cli-timeout-[^"]+" to reach Running \[ERR_VS_TIMEOUT\]\n$/,
    );
  });

  it('shutdown shuts a guest with Additions down, and fails (exit 1) for one without, saying what to do', async function () {
    const name = await h.defineVm(binding, control, 'cli-shutdown', VMState.Running);
    await fire('SetGuestAdditions', name, true);
    const listed = await vsevents('list', '--json').done;
    assert.strictEqual(listed.status, 0, listed.stderr);
    const row = JSON.parse(listed.stdout).find((r) => r.name === name);
    assert.deepStrictEqual([row.heartbeating, row.heartbeatPercentage], [true, 100]);
    const done = await vsevents('shutdown', '--vm', name).done;
    assert.strictEqual(done.status, 0, done.stderr);
    assert.strictEqual(done.stdout, `${name}: TurnedOff\n`);

    const bare = await h.defineVm(binding, control, 'cli-no-additions', VMState.Running);
    const refused = await vsevents('shutdown', '--vm', bare).done;
    assert.strictEqual(refused.status, 1);
    assert.strictEqual(refused.stdout, '');
    assert.match(refused.stderr, /cannot shut down: its Virtual Machine Additions are not installed/);
    assert.match(refused.stderr, /VM_E_ADDITIONS_NOT_AVAIL/);
    assert.match(refused.stderr, /vsevents stop --vm/);
  });

  it('pause and resume a VM, printing its state', async function () {
    const name = await h.defineVm(binding, control, 'cli-pause', VMState.Running);
    const paused = await vsevents('pause', '--vm', name).done;
    assert.strictEqual(paused.status, 0, paused.stderr);
    assert.strictEqual(paused.stdout, `${name}: Paused\n`);
    const resumed = await vsevents('resume', '--vm', name, '--json').done;
    assert.strictEqual(resumed.status, 0, resumed.stderr);
    assert.deepStrictEqual(JSON.parse(resumed.stdout), { vm: name, state: VMState.Running, stateName: 'Running' });
  });

  it('a refused control exits 1 with the documented error in one line', async function () {
    const name = await h.defineVm(binding, control, 'cli-refused', VMState.TurnedOff);
    const { status, stderr } = await vsevents('pause', '--vm', name).done;
    assert.strictEqual(status, 1);
    assert.match(
      stderr,
      /^vsevents: pausing virtual machine "cli-refused-[^"]+": .*VM_E_VM_NOT_RUNNING.* \[ERR_VS_COM_ERROR\]\n$/,
    );
  });

  it('an unknown VM exits 1 with ERR_VS_VM_NOT_FOUND', async function () {
    const { status, stderr } = await vsevents('wait', '--vm', 'no such vm', '--state', 'Running').done;
    assert.strictEqual(status, 1);
    assert.match(stderr, /^vsevents: no virtual machine is named "no such vm".*\[ERR_VS_VM_NOT_FOUND\]\n$/);
  });

  it('inspect prints what discovery found: names, IIDs, kinds, DISPIDs, slots, parameter types', async function () {
    const name = await h.defineVm(binding, control, 'cli-inspect');
    const text = await vsevents('inspect', '--vm', name).done;
    assert.strictEqual(text.status, 0, text.stderr);
    const kind = build === 'dispatch' ? 'dispinterface' : 'vtable';
    assert.match(text.stdout, new RegExp(`IVMVirtualServerEvents \\{[0-9A-F-]{36}\\} \\(${kind}\\)`));
    assert.match(text.stdout, new RegExp(`IVMVirtualMachineEvents \\{[0-9A-F-]{36}\\} \\(${kind}\\)`));
    assert.match(
      text.stdout,
      /OnVMStateChange\(\[in\] BSTR virtualMachineConfig, \[in\] VMVMState virtualMachineState\) {2}dispid \d+ {2}slot /,
    );
    if (build === 'vtable')
      assert.match(text.stdout, /OnRequestShutdown\(\[out\] VARIANT_BOOL\* isAllowed\) {2}dispid \d+ {2}slot \d+/);
    const json = await vsevents('inspect', '--vm', name, '--json').done;
    const parsed = JSON.parse(json.stdout);
    assert.strictEqual(parsed.vm.name, name);
    assert.strictEqual(parsed.vm.interfaces[0].name, 'IVMVirtualMachineEvents');
    assert.strictEqual(parsed.server[0].kind, kind);
  });

  it('NODE_DEBUG=virtual-server-events traces connection and subscription on stderr', async function () {
    const child = spawn(process.execPath, [cli, 'list'], {
      env: Object.assign({}, process.env, { NODE_DEBUG: 'virtual-server-events' }),
      windowsHide: true,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const status = await new Promise((resolve) => child.on('close', resolve));
    assert.strictEqual(status, 0, stderr);
    assert.match(stderr, /VIRTUAL-SERVER-EVENTS \d+: connecting to Virtual Server on this host/);
    assert.match(stderr, /closed the connection/);
  });
});
