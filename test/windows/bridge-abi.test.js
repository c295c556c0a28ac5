'use strict';
// Custom (vtable) event interfaces against compiled callers: the in-process ABI probe
// (fixtures/bridge/abi_probe.idl) calls the sink through its vtable with floating-point arguments in
// registers, 8-byte values, VARIANTs and CURRENCY on the stack, and [out] / [in, out] parameters; and it
// offers a source interface the bridge must refuse. Needs no simulator: skipped on the second run.
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const h = require('../support/harness');
const { isError } = require('../support/thrown');

const CLSID = '{6E0C1B53-8B41-4C43-9A5E-0D7C2B6A1F05}';
const UNSINKABLE_IID = '{6E0C1B53-8B41-4C43-9A5E-0D7C2B6A1F03}';
const probeDll = path.join(h.repoRoot, 'build', 'fixtures', 'abi_probe.dll');

describe('bridge ABI: a custom event interface called by compiled code', function () {
  this.timeout(60000);
  let binding;
  let probe;

  before(async function () {
    if (h.sim.simulatorBuild() !== 'dispatch') this.skip(); // no simulator involved: once is enough
    assert.ok(fs.existsSync(probeDll), `${probeDll} is missing: run npm run build`);
    const key = `HKLM\\Software\\Classes\\CLSID\\${CLSID}\\InprocServer32`;
    execFileSync('reg', ['add', key, '/ve', '/d', probeDll, '/f'], { stdio: 'ignore' });
    execFileSync('reg', ['add', key, '/v', 'ThreadingModel', '/d', 'Both', '/f'], { stdio: 'ignore' });
    binding = h.loadAddon();
    probe = await binding.connect({ clsid: CLSID });
  });

  after(function () {
    if (probe) binding.release(probe);
  });

  it('describes the custom interface: slots after IUnknown, parameter types and directions', async function () {
    const [events, unsinkable] = await binding.describeEvents(probe);
    assert.strictEqual(events.name, 'IAbiProbeEvents');
    assert.strictEqual(events.kind, 'vtable');
    assert.deepStrictEqual(
      events.methods.map((m) => [m.name, m.vtableSlot]),
      [
        ['OnRegisters', 3],
        ['OnStack', 4],
        ['OnAnswers', 5],
      ],
    );
    assert.deepStrictEqual(
      events.methods[2].params.map((p) => `${p.direction} ${p.type} ${p.name}`),
      ['in long question', 'out long* number', 'out BSTR* text', 'inout VARIANT* both', 'out double* real'],
    );
    assert.strictEqual(unsinkable.iid, UNSINKABLE_IID);
  });

  it('reads every argument where the ABI put it, and answers [out] parameters from the policy', async function () {
    const events = h.collector();
    const subscription = await binding.subscribe(
      probe,
      events.options({
        outAnswers: { OnAnswers: { number: 4242, text: 'answered ☃', both: 'replaced', real: 0.25 } },
      }),
    );
    const answers = await binding.call(probe, 'FireAll', []);
    await events.waitForCount(3);
    const [registers, stack, asked] = events.records;
    assert.deepStrictEqual(registers.args, [1.5, 2.25, -3.125]);
    assert.deepStrictEqual(stack.args, [
      -42,
      6.02e23,
      'stack ☃',
      0.5,
      -9007199254740993n,
      new Date(Date.UTC(2004, 0, 14, 6, 0, 0)),
      'variant by value',
      true,
      -12,
      200,
      12345.6789,
      1e-300,
    ]);
    assert.deepStrictEqual(asked.args, [7, 99], '[in] and [in, out] arguments, in order');
    assert.deepStrictEqual(asked.answered, { number: 4242, text: 'answered ☃', both: 'replaced', real: 0.25 });
    assert.deepStrictEqual(answers, [4242, 'answered ☃', 'replaced', 0.25], 'what the caller got back');
    await subscription.close();
  });

  it('answers [out] parameters it was told nothing about with zero / empty', async function () {
    const events = h.collector();
    const subscription = await binding.subscribe(probe, events.options());
    const answers = await binding.call(probe, 'FireAll', []);
    await events.waitForCount(3);
    assert.deepStrictEqual(answers, [0, '', undefined, 0]);
    assert.deepStrictEqual(events.records[2].answered, { number: 0, text: '', both: undefined, real: 0 });
    await subscription.close();
  });

  it('refuses a source interface it cannot sink, naming the interface, method, parameter and why', async function () {
    const events = h.collector();
    await assert.rejects(binding.subscribe(probe, events.options({ iid: UNSINKABLE_IID })), (error) => {
      assert.ok(isError(error));
      assert.strictEqual(error.code, 'ERR_VS_EVENTS_UNAVAILABLE');
      assert.match(
        error.message,
        /IAbiProbeUnsinkable \{6E0C1B53-8B41-4C43-9A5E-0D7C2B6A1F03\}: its method OnObjectWanted has an \[out\] parameter wanted of type IUnknown\*\*, which the sink cannot answer/,
      );
      return true;
    });
    await assert.rejects(
      binding.subscribe(probe, events.options({ iid: '{00000000-0000-0000-0000-000000000001}' })),
      /no connection point for \{00000000-0000-0000-0000-000000000001\}; its source interfaces are: IAbiProbeEvents/,
    );
    assert.strictEqual(events.ended, undefined);
  });

  it('turns hostile VARIANTs a server could send into ERR_VS_UNSUPPORTED_VARIANT values, without crashing', async function () {
    /** @type {[string, RegExp][]} the kind of hostile VARIANT, what its refusal says */
    const cases = [
      ['mismatched-array', /SAFEARRAY whose elements are not the VT_I4 its VARIANT declares/],
      ['deep-array', /SAFEARRAYs nested more than 32 levels deep/],
      ['byref-cycle', /chain of more than 32 by-reference VARIANTs/],
    ];
    const events = h.collector();
    const subscription = await binding.subscribe(probe, events.options());
    for (const [kind] of cases) await binding.call(probe, 'FireHostile', [kind]);
    await events.waitForCount(cases.length);
    cases.forEach(([kind, message], index) => {
      let value = events.records[index].args[6];
      while (Array.isArray(value)) value = value[0]; // deep-array: the levels it could read, then the refusal
      assert.ok(isError(value), `${kind}: ${JSON.stringify(value)}`);
      assert.strictEqual(value.code, 'ERR_VS_UNSUPPORTED_VARIANT', kind);
      assert.match(value.message, message, kind);
    });
    await subscription.close();
  });

  it('a probe failing for another reason than a lost server is tolerated twice, and ends the subscription the third time in a row', async function () {
    const E_ACCESSDENIED = 0x80070005 | 0;
    const probeIntervalMs = 50;
    const survivor = h.collector();
    const surviving = await binding.subscribe(probe, survivor.options({ probeIntervalMs }));
    await binding.call(probe, 'FailProbes', [E_ACCESSDENIED, 2]);
    await new Promise((resolve) => setTimeout(resolve, 20 * probeIntervalMs));
    assert.strictEqual(survivor.ended, undefined, 'two failures in a row do not end it');
    await binding.call(probe, 'FireAll', []);
    await survivor.waitForCount(3);
    await surviving.close();

    const doomed = h.collector();
    await binding.subscribe(probe, doomed.options({ probeIntervalMs }));
    await binding.call(probe, 'FailProbes', [E_ACCESSDENIED, 1000]);
    await doomed.waitForEnd();
    assert.ok(doomed.ended, 'ended with an error');
    assert.strictEqual(doomed.ended.code, 'ERR_VS_DISCONNECTED');
    assert.strictEqual(doomed.ended.hresult, 0x80070005);
    assert.match(doomed.ended.message, /E_ACCESSDENIED.*3 probes in a row failed/);
    await binding.call(probe, 'FailProbes', [0, 0]);
  });
});
