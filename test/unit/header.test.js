'use strict';
// The MIDL header parser and its comparison with discovery, on Linux: widl's headers of both simulator
// builds (copied from build/test/simulator), a hand-written excerpt in MIDL's own form, and discovery as
// the real addon reported it against each build (fixtures/header/discovered-*.json); files that are not a
// usable header; and the command's exit codes for them (read before any COM work, so on Linux too).
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { dist, rejectsWith } = require('./helpers');

const api = require('../../dist/index.js');
const { decodeHeader, MAX_HEADER_BYTES } = require('../../dist/header/read.js');
const { tokenize, MAX_HEADER_TOKENS } = require('../../dist/header/lex.js');
const fixtures = path.join(__dirname, 'fixtures', 'header');
const cli = path.join(dist, 'cli', 'main.js');

/** @param {string} name */
function fixture(name) {
  return path.join(fixtures, name);
}

/** @param {string} build @returns {import('../../lib/binding').NativeEventInterface[]} */
function discovered(build) {
  return JSON.parse(fs.readFileSync(fixture(`discovered-${build}.json`), 'utf8'));
}

/** @param {string} text */
function parse(text) {
  return api.parseMidlHeader(text, 'test.h');
}

/** @param {unknown} error */
function messageOf(error) {
  return String(/** @type {Error} */ (error).message);
}

describe('MIDL header parser', () => {
  it("reads widl's header of the vtable build: IIDs, kind, methods in vtable order with parameter types", async () => {
    const header = await api.readMidlHeader(fixture('widl-vtable.h'));
    assert.strictEqual(header.generator, 'WIDL 7.0');
    const events = header.interfaces.find((item) => item.name === 'IVMVirtualMachineEvents');
    assert.ok(events);
    assert.strictEqual(events.iid, '{313B7BC3-3C9A-4501-B3A7-373987963A0F}');
    assert.strictEqual(events.kind, 'vtable');
    assert.deepStrictEqual(events.problems, []);
    assert.deepStrictEqual(
      (events.methods || []).map((m) => [m.name, m.vtableSlot, m.params.map((p) => `${p.type} ${p.name}`)]),
      [
        ['OnStateChange', 3, ['VMVMState virtualMachineState']],
        ['OnTripleFault', 4, []],
        ['OnConfigurationChanged', 5, ['BSTR configKey', 'VARIANT configData']],
        ['OnRequestShutdown', 6, ['VARIANT_BOOL* isAllowed']],
        ['OnHeartbeatStopped', 7, []],
        ['OnReset', 8, []],
      ],
    );
    const server = header.interfaces.find((item) => item.name === 'IVMVirtualServer');
    assert.strictEqual(server && server.kind, 'dual');
    assert.strictEqual(server && server.methods && server.methods[0].vtableSlot, 7);
    // Coclasses (__CRT_UUID_DECL(VMVirtualServer, ...)) are no interfaces.
    assert.ok(!header.interfaces.some((item) => item.name === 'VMVirtualServer'));
  });

  it("reads widl's dispinterfaces: DIID, IDispatch base, no methods in C++", async () => {
    const header = await api.readMidlHeader(fixture('widl-dispatch.h'));
    const events = header.interfaces.find((item) => item.name === 'IVMVirtualServerEvents');
    assert.ok(events);
    assert.deepStrictEqual(
      [events.iid, events.kind, events.base, events.methods],
      ['{822FB9E3-50B1-45F9-9B48-6FA63AC57757}', 'dispinterface', 'IDispatch', []],
    );
  });

  it("reads MIDL's own form: [in]/[out] comments as directions, SAL annotations skipped, ( void)", async () => {
    const header = await api.readMidlHeader(fixture('midl-excerpt.h'));
    assert.strictEqual(header.generator, 'MIDL 7.00.0500');
    const events = header.interfaces.find((item) => item.name === 'IVMVirtualMachineEvents');
    const shutdown = events && events.methods && events.methods.find((m) => m.name === 'OnRequestShutdown');
    assert.deepStrictEqual(shutdown && shutdown.params, [
      { name: 'isAllowed', type: 'VARIANT_BOOL*', direction: 'out', attributes: ['out'] },
    ]);
    assert.deepStrictEqual(events && events.problems, []);
  });

  it('reports what it cannot read in a declaration, and an IID the header gives twice differently', () => {
    const header = parse(
      [
        'DEFINE_GUID(IID_IFoo, 0x11111111, 0x2222, 0x3333, 0x44,0x44, 0x55,0x55,0x55,0x55,0x55,0x55);',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555556")',
        'IFoo : public IUnknown',
        '{',
        '    virtual HRESULT STDMETHODCALLTYPE Bar(long values[4]) = 0;',
        '    int field;',
        '};',
      ].join('\n'),
    );
    const foo = header.interfaces[0];
    assert.strictEqual(foo.iid, undefined);
    assert.match(foo.problems.join('\n'), /line 5: cannot read "virtual HRESULT STDMETHODCALLTYPE Bar/);
    assert.match(foo.problems.join('\n'), /line 6: cannot read "int field"/);
    assert.match(foo.problems.join('\n'), /gives it 2 different IIDs/);
  });

  it('numbers the slots of an interface derived from another one in the header, and says when it cannot', () => {
    const header = parse(
      [
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IBase : public IUnknown',
        '{ public: virtual HRESULT STDMETHODCALLTYPE One( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555556") IDerived : public IBase',
        '{ public: virtual HRESULT STDMETHODCALLTYPE Two( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555557") IOrphan : public INowhere',
        '{ public: virtual HRESULT STDMETHODCALLTYPE Three( void) = 0; };',
      ].join('\n'),
    );
    const [, derived, orphan] = header.interfaces;
    assert.deepStrictEqual([derived.kind, derived.methods && derived.methods[0].vtableSlot], ['vtable', 4]);
    assert.strictEqual(orphan.kind, undefined);
    assert.match(orphan.problems.join('\n'), /derives from INowhere, which the header does not declare/);
  });
});

describe('MIDL header parser on crafted input', function () {
  this.timeout(60000); // inputs of some MB: room for a loaded machine; what is asserted is counted, not timed
  const guid = (/** @type {number} */ k) => `${(k + 1).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
  /** n open include guards, then n declarations inside them all, then the n #endif. */
  const nestedGuards = (/** @type {number} */ n) =>
    [
      ...Array.from({ length: n }, (_, k) => `#ifndef __IGuard${k}_INTERFACE_DEFINED__`),
      ...Array.from({ length: n }, (_, k) => `MIDL_INTERFACE("${guid(k)}") I${k} : public IUnknown { };`),
      ...Array.from({ length: n }, () => '#endif'),
    ].join('\n');
  /** n interfaces, each derived from the one before. */
  const chain = (/** @type {number} */ n) =>
    [
      `MIDL_INTERFACE("${guid(0)}") I0 : public IUnknown { virtual HRESULT STDMETHODCALLTYPE M0( void) = 0; };`,
      ...Array.from(
        { length: n - 1 },
        (_, k) =>
          `MIDL_INTERFACE("${guid(k + 1)}") I${k + 1} : public I${k} { virtual HRESULT STDMETHODCALLTYPE M${k + 1}( void) = 0; };`,
      ),
    ].join('\n');

  /**
   * The work of parsing `text`, counted as the regular expressions run and the Map lookups made (every
   * step of the lexer and parser makes some): a count, not a clock, so that a loaded machine cannot sway it.
   * @param {string} text
   */
  function work(text) {
    const exec = RegExp.prototype.exec;
    const get = Map.prototype.get;
    let steps = 0;
    RegExp.prototype.exec = function (/** @type {string} */ input) {
      steps++;
      return exec.call(this, input);
    };
    Map.prototype.get = function (/** @type {unknown} */ key) {
      steps++;
      return get.call(this, key);
    };
    try {
      parse(text);
    } finally {
      RegExp.prototype.exec = exec;
      Map.prototype.get = get;
    }
    return steps;
  }

  /** Asserts that twice the input takes about twice the work (a quadratic step takes four times). */
  function assertLinear(/** @type {(n: number) => string} */ make, /** @type {string} */ what) {
    const [small, large] = [work(make(1000)), work(make(2000))];
    assert.ok(
      large < small * 2.5,
      `${what}: ${small} steps for 1000, ${large} for 2000 (${(large / small).toFixed(2)} times)`,
    );
  }

  it('reads the include guards open around each declaration in work linear in the input', () => {
    assertLinear(nestedGuards, 'nested guards');
    // What the guards say is unchanged: the innermost open guard of the interface's name counts.
    const header = parse(
      [
        '#ifndef __IFoo_DISPINTERFACE_DEFINED__',
        '#ifndef __IBar_INTERFACE_DEFINED__',
        '#ifndef __IFoo_DISPINTERFACE_DEFINED__',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IFoo : public IDispatch { };',
        '#endif',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555556") IBar : public IUnknown { };',
        '#endif',
        '#endif',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555557") IBaz : public IDispatch { };',
      ].join('\n'),
    );
    assert.deepStrictEqual(
      header.interfaces.map((item) => [item.name, item.kind, item.problems.length]),
      [
        ['IFoo', 'dispinterface', 0],
        ['IBar', 'vtable', 0],
        ['IBaz', undefined, 1],
      ],
    );
  });

  it('numbers the slots of a long chain of derived interfaces in work linear in it, without deep recursion', () => {
    assertLinear(chain, 'base chain');
    const header = parse(chain(30000));
    const last = header.interfaces[header.interfaces.length - 1];
    assert.deepStrictEqual(
      [last.name, last.kind, last.methods && last.methods[0].vtableSlot],
      ['I29999', 'vtable', 3 + 29999],
    );
  });

  it('says when bases go round in a circle, and numbers nothing there', () => {
    const header = parse(
      [
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IA : public IB { virtual HRESULT STDMETHODCALLTYPE A( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555556") IB : public IA { virtual HRESULT STDMETHODCALLTYPE B( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555557") IC : public IC { virtual HRESULT STDMETHODCALLTYPE C( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555558") ID : public IA { virtual HRESULT STDMETHODCALLTYPE D( void) = 0; };',
      ].join('\n'),
    );
    for (const item of header.interfaces) {
      assert.strictEqual(item.kind, undefined, item.name);
      assert.strictEqual(item.methods && item.methods[0].vtableSlot, undefined, item.name);
      assert.match(item.problems.join('\n'), /its vtable slots cannot be numbered/, item.name);
    }
    assert.deepStrictEqual(header.interfaces[0].problems, [
      'line 1: it derives from IB, whose bases lead to IA, whose bases go round in a circle: its vtable slots cannot be numbered',
    ]);
  });

  it('says which base further down stops the numbering, and why', () => {
    const header = parse(
      [
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IE : public IF { virtual HRESULT STDMETHODCALLTYPE E( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555556") IF : public INowhere { virtual HRESULT STDMETHODCALLTYPE F( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555557") IG : public IH { virtual HRESULT STDMETHODCALLTYPE G( void) = 0; };',
        'MIDL_INTERFACE("11111111-2222-3333-4444-555555555558") IH : IUnknown { };',
      ].join('\n'),
    );
    assert.deepStrictEqual(
      header.interfaces.map((item) => item.problems[0]),
      [
        'line 1: it derives from IF, whose bases lead to INowhere, which the header does not declare: its vtable slots cannot be numbered',
        'line 2: it derives from INowhere, which the header does not declare: its vtable slots cannot be numbered',
        'line 3: it derives from IH, whose declaration cannot be read: its vtable slots cannot be numbered',
        'line 4: the declaration is not of the form "IH : public Base {"',
      ],
    );
  });
});

describe('comparison with discovery', () => {
  for (const build of ['dispatch', 'vtable']) {
    it(`the ${build} build's header matches discovery on the ${build} build`, async () => {
      const comparison = api.compareWithHeader(discovered(build), await api.readMidlHeader(fixture(`widl-${build}.h`)));
      assert.strictEqual(comparison.matches, true, JSON.stringify(comparison, null, 1));
    });
  }

  it('MIDL-form directions are compared: a wrong one is named', async () => {
    const header = await api.readMidlHeader(fixture('midl-excerpt.h'));
    assert.strictEqual(api.compareWithHeader(discovered('vtable'), header).matches, true);
    const text = fs
      .readFileSync(fixture('midl-excerpt.h'), 'utf8')
      .replace('/* [out] */ __RPC__out', '/* [in][out] */');
    const differences = api.compareWithHeader(discovered('vtable'), parse(text)).interfaces[1].differences;
    assert.deepStrictEqual(
      differences.map((d) => d.message),
      ['OnRequestShutdown(isAllowed), parameter 1: [inout] in the header, [out] discovered'],
    );
  });

  it('names types, names and counts of parameters that differ, and methods on one side only', async () => {
    const text = fs
      .readFileSync(fixture('widl-vtable.h'), 'utf8')
      .replace('OnEventLogged(\n        LONG logMessageID', 'OnEventLogged(\n        BSTR messageText')
      .replace('OnReset(\n', 'OnRestart(\n');
    const comparison = api.compareWithHeader(discovered('vtable'), parse(text));
    assert.deepStrictEqual(
      comparison.interfaces[0].differences.map((d) => d.message),
      [
        'OnEventLogged(messageText), parameter 1: named messageText in the header, logMessageID discovered',
        'OnEventLogged(messageText), parameter 1: type BSTR in the header, long discovered',
      ],
    );
    assert.deepStrictEqual(
      comparison.interfaces[1].differences.map((d) => d.message),
      [
        'OnRestart: in the header (vtable slot 8, line 1281), not discovered',
        'OnReset: discovered (vtable slot 8), not in the header',
      ],
    );
  });

  it('a header that declares none of the discovered interfaces is refused, naming what it declares', async () => {
    const header = parse('MIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IFoo : public IUnknown { };');
    assert.throws(() => api.compareWithHeader(discovered('dispatch'), header), {
      code: 'ERR_VS_HEADER_UNUSABLE',
      message:
        "test.h: declares none of the event interfaces discovered (IVMVirtualServerEvents, IVMVirtualMachineEvents): it declares 1 other interface (IFoo). Virtual Server's header is VSComInterfaces.h in its Documentation folder",
    });
  });
});

describe('files that are not a usable header', () => {
  let scratch = '';
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-header-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** @param {string} name @param {string | Buffer} content */
  function write(name, content) {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, content);
    return file;
  }

  const widl = () => fs.readFileSync(fixture('widl-vtable.h'), 'utf8');
  /** @type {Array<[string, () => Buffer, RegExp]>} */
  const refused = [
    ['empty', () => Buffer.alloc(0), /is empty$/],
    [
      'UTF-16 with a BOM',
      () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(widl(), 'utf16le')]),
      /is UTF-16 little-endian text \(byte-order mark FF FE\); MIDL writes headers in ASCII/,
    ],
    ['UTF-16 without a BOM', () => Buffer.from(widl(), 'utf16le'), /is UTF-16 text without a byte-order mark/],
    [
      'Windows-1252',
      () => Buffer.from('/* caf\xe9 */\n#define X 1\n', 'latin1'),
      /neither ASCII nor UTF-8: byte 0xE9 on line 1/,
    ],
    [
      'a .lib archive',
      () => Buffer.from('!<arch>\n/               \0\0\0', 'latin1'),
      /is a library archive \(VSComInterfaces\.lib\?\)/,
    ],
    ['a type library', () => Buffer.from('MSFT\x02\x00\x01\x00\0\0', 'latin1'), /is a type library \(\.tlb\)/],
    [
      'a binary file',
      () => Buffer.from([0x41, 0x42, 0x00, 0x43, 0x44, 0x45, 0x46, 0x47]),
      /is a binary file \(a NUL byte at offset 2\)/,
    ],
  ];
  for (const [what, content, message] of refused) {
    it(`refuses ${what}, saying what it found`, () => {
      assert.throws(() => decodeHeader('x.h', content()), { code: 'ERR_VS_HEADER_UNUSABLE', message });
    });
  }

  it('accepts UTF-8 (with or without a BOM) beside ASCII', () => {
    const text = '/* \u00e9 */\nMIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IFoo : public IUnknown { };';
    assert.strictEqual(decodeHeader('x.h', Buffer.from(`\ufeff${text}`, 'utf8')), text);
  });

  it('refuses a truncated header: an open #if, a declaration cut off, a comment cut off', () => {
    const text = widl();
    const halves = [
      text.slice(0, text.indexOf('STDMETHODCALLTYPE OnHeartbeatStopped(')),
      text.slice(0, text.length / 2),
    ];
    for (const cut of halves) {
      assert.throws(
        () => parse(cut),
        (error) => /the file looks truncated/.test(messageOf(error)),
      );
    }
    assert.throws(() => parse('MIDL_INTERFACE("11111111-2222-3333-4444-555555555555") IFoo : public IUnknown {'), {
      message: /the declaration of IFoo \(line 1\) ends before its closing "};": the file looks truncated/,
    });
    assert.throws(() => parse('/* a comment'), { message: /ends inside the comment opened on line 1/ });
  });

  it('refuses text that declares no interface at all', () => {
    assert.throws(() => parse('int main(void) { return 0; }\n'), {
      message: /is not a MIDL-generated header: it declares no interface/,
    });
  });

  it('refuses a missing path, a folder and a file too large, without reading it', async () => {
    await rejectsWith(api.readMidlHeader(path.join(scratch, 'none.h')), {
      code: 'ERR_VS_HEADER_UNUSABLE',
      message: /none\.h: no such file$/,
    });
    await rejectsWith(api.readMidlHeader(scratch), { message: /is a folder: name the header file in it/ });
    const huge = path.join(scratch, 'huge.h');
    fs.closeSync(fs.openSync(huge, 'w'));
    fs.truncateSync(huge, MAX_HEADER_BYTES + 1);
    await rejectsWith(api.readMidlHeader(huge), {
      message:
        /is 4194305 bytes, more than the 4194304 \(4 MiB\) a MIDL header could be: Microsoft's VSComInterfaces\.h is about 1 MB at most; name that file/,
    });
  });

  it('refuses text of more tokens than a header has (a crafted file would make one of each character), saying so', function () {
    this.timeout(60000); // a million tokens are made before the refusal: room for a slow machine, not a measure
    const bound = 1024 * 1024;
    assert.throws(() => parse(`${'\n'.repeat(9)}${';'.repeat(bound)};`), {
      code: 'ERR_VS_HEADER_UNUSABLE',
      message:
        /^test\.h: cannot be read as a header: it has more than 1048576 tokens \(words, numbers, punctuation; line 10 passes that\), where Microsoft's VSComInterfaces\.h has some 120000: it is no MIDL header; name VSComInterfaces\.h itself$/,
    });
    assert.strictEqual(MAX_HEADER_TOKENS, bound);
    const widlTokens = tokenize(widl()).length;
    assert.ok(widlTokens * 100 < MAX_HEADER_TOKENS, `widl's header has ${widlTokens} tokens`);
  });

  it('vsevents inspect --header: a missing path or a folder exits 2, a file that is no header exits 1, before connecting', () => {
    /** @param {...string} args */
    const run = (...args) => spawnSync(process.execPath, [cli, 'inspect', ...args], { encoding: 'utf8' });
    const missing = run('--header', path.join(scratch, 'VSComInterfaces.h'));
    assert.strictEqual(missing.status, 2);
    assert.match(missing.stderr, /^vsevents: --header ".*VSComInterfaces\.h" no such file \(see vsevents --help\)\n$/);
    assert.strictEqual(run('--header', scratch).status, 2);
    assert.match(run('--header').stderr, /--header needs a value/);
    assert.match(run('list', '--header', 'x').stderr, /unexpected argument "list"|takes no --header/);
    const binary = run('--header', write('binary.h', Buffer.from([1, 0, 2])));
    assert.strictEqual(binary.status, 1);
    assert.match(
      binary.stderr,
      /^vsevents: .*binary\.h: is a binary file \(a NUL byte at offset 1\), not a header \[ERR_VS_HEADER_UNUSABLE\]\n$/,
    );
  });
});
