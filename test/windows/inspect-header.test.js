'use strict';
// `vsevents inspect --header` and readMidlHeader()/compareWithHeader() against the simulator build of this
// run (VSE_SIMULATOR_BUILD), with the MIDL-style headers widl wrote for both builds during the build
// (build/test/simulator/<build>/vssim.h): the running build's header matches, the other build's differs
// in IIDs, kind and vtable order, each difference named; files that are no usable header fail clearly.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('../support/harness');
const runner = require('../support/vsevents-runner');

const api = require('../..'); // the package, through its main (dist/index.js) and types
const build = h.sim.simulatorBuild();
const otherBuild = build === 'dispatch' ? 'vtable' : 'dispatch';

/** @param {string} which a simulator build */
function headerOf(which) {
  return path.join(h.repoRoot, 'build', 'test', 'simulator', which, 'vssim.h');
}

/** vsevents run to its end: { status, stdout, stderr }. @param {...string} args */
function vsevents(...args) {
  return runner.vsevents(...args).done;
}

describe(`inspect --header against the simulator (build: ${build})`, function () {
  this.timeout(120000);
  /** @type {import('../../dist/index.js').VirtualServer | undefined} */
  let server;
  let binding;
  let control;
  let vmName = '';
  let scratch = '';

  afterEach(runner.killRunning); // what a failed test left running
  h.connectForSuite((connected) => ({ binding, control } = connected), { keepServer: false });
  after(async function () {
    if (server) await server.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });
  before(async function () {
    server = await api.connect();
    vmName = await h.defineVm(binding, control, 'inspect-header');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-header-'));
  });

  async function discovered() {
    assert.ok(server, 'connected in before()');
    const vm = await server.findVirtualMachine(vmName);
    return (await server.eventInterfaces()).concat(await vm.eventInterfaces());
  }

  it("the running build's header matches discovery, through the API and the command", async function () {
    const header = await api.readMidlHeader(headerOf(build));
    assert.strictEqual(header.generator, 'WIDL 7.0');
    const comparison = api.compareWithHeader(await discovered(), header);
    assert.deepStrictEqual(
      comparison.interfaces.map((item) => [item.name, item.matches, item.differences]),
      [
        ['IVMVirtualServerEvents', true, []],
        ['IVMVirtualMachineEvents', true, []],
      ],
    );
    assert.strictEqual(comparison.matches, true);

    const run = await vsevents('inspect', '--header', headerOf(build), '--vm', vmName);
    assert.strictEqual(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /IVMVirtualServerEvents \{[0-9A-F-]{36}\}, header line \d+: matches\n/);
    assert.match(run.stdout, /IVMVirtualMachineEvents \{[0-9A-F-]{36}\}, header line \d+: matches\n/);
    assert.match(run.stdout, /\nmatches\n$/);
    if (build === 'dispatch') {
      assert.match(
        run.stdout,
        /not compared: its methods, DISPIDs and parameters: a dispinterface's C\+\+ declaration/,
      );
    } else {
      assert.match(run.stdout, /not compared: parameter directions: the header writes no \[in\]\/\[out\] comments/);
    }
    assert.strictEqual(run.stderr, '');
  });

  it("the other build's header: each difference is named (IIDs, kind, vtable slots), exit 1", async function () {
    const comparison = api.compareWithHeader(await discovered(), await api.readMidlHeader(headerOf(otherBuild)));
    assert.strictEqual(comparison.matches, false);
    for (const item of comparison.interfaces) {
      const aspects = item.differences.map((d) => d.aspect);
      assert.deepStrictEqual(aspects.slice(0, 2), ['iid', 'kind'], item.name);
      if (build === 'dispatch') {
        // The header's vtable interface puts each method in a slot; discovery's dispinterface has none,
        // and its OnRequestShutdown() lacks the vtable build's [out] isAllowed.
        const slots = item.name === 'IVMVirtualServerEvents' ? 4 : 6;
        const expected = Array(slots).fill('vtableSlot');
        if (item.name === 'IVMVirtualMachineEvents') expected.splice(4, 0, 'parameter');
        assert.deepStrictEqual(aspects.slice(2), expected, item.name);
      } else {
        assert.strictEqual(item.differences.length, 2, item.name);
        assert.match(item.notCompared[0], /a dispinterface's C\+\+ declaration carries only its DIID/);
      }
    }

    const run = await vsevents('inspect', '--header', headerOf(otherBuild), '--vm', vmName);
    assert.strictEqual(run.status, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /IVMVirtualServerEvents \{[0-9A-F-]{36}\}, header line \d+: \d+ differences\n/);
    assert.match(run.stdout, /- IID: \{[0-9A-F-]{36}\} in the header \(.*\), \{[0-9A-F-]{36}\} discovered\n/);
    const kinds =
      build === 'dispatch'
        ? /- kind: an IUnknown-derived \(vtable\) interface in the header, a dispinterface discovered\n/
        : /- kind: a dispinterface in the header, an IUnknown-derived \(vtable\) interface discovered\n/;
    assert.match(run.stdout, kinds);
    if (build === 'dispatch') {
      assert.match(
        run.stdout,
        /- OnServiceEvent: vtable slot 4 in the header; discovered as a dispinterface method \(DISPID 33\), with no vtable slot\n/,
      );
    }
    const total = comparison.interfaces.reduce((sum, item) => sum + item.differences.length, 0);
    assert.match(run.stdout, new RegExp(`\\n${total} differences\\n$`));
    assert.match(
      run.stderr,
      new RegExp(`^vsevents: discovery differs from .*vssim\\.h in ${total} ways \\(listed above\\)`),
    );

    const json = await vsevents('inspect', '--header', headerOf(otherBuild), '--vm', vmName, '--json');
    assert.strictEqual(json.status, 1);
    assert.deepStrictEqual(JSON.parse(json.stdout).interfaces, JSON.parse(JSON.stringify(comparison.interfaces)));
  });

  it('a method out of its vtable order is named with both slots', async function () {
    if (build !== 'vtable') this.skip(); // only a vtable interface has an order to get wrong
    // The running build's header with OnServiceEvent and OnHeartbeatStopped of IVMVirtualServerEvents swapped.
    const text = fs.readFileSync(headerOf(build), 'utf8');
    const service = '    virtual HRESULT STDMETHODCALLTYPE OnServiceEvent(\n        LONG logMessageID) = 0;\n';
    const heartbeat =
      '    virtual HRESULT STDMETHODCALLTYPE OnHeartbeatStopped(\n        BSTR virtualMachineConfig) = 0;\n';
    const swapped = text.replace(`${service}\n${heartbeat}`, `${heartbeat}\n${service}`);
    assert.notStrictEqual(swapped, text, 'the header has the methods where this test expects them');
    const file = path.join(scratch, 'reordered.h');
    fs.writeFileSync(file, swapped);
    const run = await vsevents('inspect', '--header', file, '--vm', vmName);
    assert.strictEqual(run.status, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /IVMVirtualServerEvents .*: 2 differences\n/);
    assert.match(run.stdout, /- OnHeartbeatStopped: vtable slot 4 in the header, 5 discovered\n/);
    assert.match(run.stdout, /- OnServiceEvent: vtable slot 5 in the header, 4 discovered\n/);
    assert.match(run.stdout, /IVMVirtualMachineEvents .*: matches\n/);
  });

  it('a header without the interfaces, a truncated one and binary files fail with exit 1 and say why', async function () {
    const other = path.join(h.repoRoot, 'build', 'test', 'windows', 'fixtures', 'bridge', 'abi_probe.h');
    const none = await vsevents('inspect', '--header', other);
    assert.strictEqual(none.status, 1, none.stderr);
    assert.match(
      none.stderr,
      /^vsevents: .*abi_probe\.h: declares none of the event interfaces discovered \(IVMVirtualServerEvents, IVMVirtualMachineEvents\): it declares 3 other interfaces \(IAbiProbeEvents, IAbiProbeUnsinkable, IAbiProbe\)\. .*\[ERR_VS_HEADER_UNUSABLE\]\n$/,
    );
    assert.strictEqual(none.stdout, '');

    const text = fs.readFileSync(headerOf(build), 'utf8');
    const truncated = path.join(scratch, 'truncated.h');
    fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    const cut = await vsevents('inspect', '--header', truncated);
    assert.strictEqual(cut.status, 1, cut.stderr);
    assert.match(
      cut.stderr,
      /truncated\.h: cannot be read as a header: .*the file looks truncated \[ERR_VS_HEADER_UNUSABLE\]\n$/,
    );

    const tlb = path.join(h.repoRoot, 'build', 'test', 'simulator', build, 'vssim.tlb');
    assert.match(
      (await vsevents('inspect', '--header', tlb)).stderr,
      /vssim\.tlb: is a type library \(\.tlb\), not a header/,
    );
    const exe = path.join(h.repoRoot, 'build', 'simulator', `vssim-${build}.exe`);
    const program = await vsevents('inspect', '--header', exe);
    assert.strictEqual(program.status, 1);
    assert.match(program.stderr, /is a Windows program or DLL, not a header \[ERR_VS_HEADER_UNUSABLE\]\n$/);
  });

  it('a missing path or a folder is a bad command line (exit 2)', async function () {
    const missing = await vsevents('inspect', '--header', path.join(scratch, 'VSComInterfaces.h'));
    assert.strictEqual(missing.status, 2);
    assert.match(
      missing.stderr,
      /^vsevents: --header ".*\\VSComInterfaces\.h" no such file \(see vsevents --help\)\n$/,
    );
    const folder = await vsevents('inspect', '--header', scratch);
    assert.strictEqual(folder.status, 2);
    assert.match(folder.stderr, /is a folder: name the header file in it/);
  });
});
