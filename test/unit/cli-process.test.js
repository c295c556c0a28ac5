'use strict';
// vsevents as a process over the testing fake (fixtures/cli/vsevents-on-fake.js): what scripts rely on
// beside its output: a reader that goes away, signals, exit codes, terminal messages, passwords on stdin.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { PassThrough } = require('stream');
const { askPassword, firstLine } = require('../../dist/cli/targets.js');

const runner = path.join(__dirname, 'fixtures', 'cli', 'vsevents-on-fake.js');
const running = new Set();

/**
 * @typedef {{ vms?: object[], heartbeatStopped?: string[], fireEveryMs?: number, stderrTTY?: boolean, freezeAfterConnect?: boolean,
 *   pacing?: number, emit?: { signal: string, afterMs: number }, script?: object[] }} FakeSetup what the fixture's VSEVENTS_FAKE holds
 */

/**
 * Starts vsevents over a fake set up by `setup` (see the fixture); `done` resolves with
 * { status, signal, stdout, stderr, report }.
 * @param {string[]} args
 * @param {FakeSetup} [setup]
 * @param {{ input?: string, env?: object }} [options]
 */
function vsevents(args, setup = {}, { input, env = {} } = {}) {
  const report = path.join(os.tmpdir(), `vsevents-report-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(process.execPath, [runner, ...args], {
    env: Object.assign({}, process.env, { VSEVENTS_FAKE: JSON.stringify(Object.assign({ report }, setup)) }, env),
  });
  running.add(child);
  const result = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (result.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (result.stderr += chunk));
  // The child may end before reading stdin (a usage error): that EPIPE is not the test's business.
  child.stdin.on('error', () => {});
  if (input !== undefined) child.stdin.end(input);
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      running.delete(child);
      const written = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')) : undefined;
      if (written) fs.unlinkSync(report);
      resolve(Object.assign(result, { status, signal, report: written }));
    });
  });
  return { child, result, done };
}

/** Resolves once `test()` holds of what the child printed so far. */
async function until(run, test, what) {
  const start = Date.now();
  while (!test(run.result)) {
    if (Date.now() - start > 5000) throw new Error(`no ${what} within 5 s; printed: ${JSON.stringify(run.result)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const web01 = { name: 'web01', state: 5 };

describe('vsevents as a process (over the testing fake)', function () {
  this.timeout(20000);

  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  it('watch --json | head -1: the reader going away ends it quietly, exit 0, sinks unadvised', async () => {
    const run = vsevents(['watch', '--vm', 'web01', '--json'], { vms: [web01], fireEveryMs: 5 });
    await until(run, (r) => r.stdout.includes('\n'), 'first line');
    run.child.stdout.destroy(); // as head does once it has its line
    const { status, signal, stderr, report } = await run.done;
    assert.strictEqual(signal, null);
    assert.strictEqual(status, 0, stderr);
    assert.strictEqual(stderr, '');
    assert.strictEqual(report.advised, 0);
  });

  it('watch (server events) | head -1 as well', async () => {
    const run = vsevents(['watch', '--json'], { vms: [web01], fireEveryMs: 5 });
    await until(run, (r) => r.stdout.includes('\n'), 'first line');
    run.child.stdout.destroy();
    const { status, stderr, report } = await run.done;
    assert.strictEqual(status, 0, stderr);
    assert.strictEqual(stderr, '');
    assert.strictEqual(report.advised, 0);
  });

  describe('watch --all: VMs defined after it started', () => {
    // gone01 is removed before it can be found; late01 is named by a server event, then subscribed to.
    const script = [
      { define: 'gone01' },
      { fire: ['gone01', 5] },
      { remove: 'gone01' },
      { define: 'late01' },
      { fire: ['late01', 5] },
      { advised: 'late01' },
      { fire: ['late01', 6] },
    ];

    it('--json: the server event that named it, then its own events; a VM it cannot watch is a vmNotWatched record', async () => {
      const run = vsevents(['watch', '--all', '--json', '--count', '3'], { vms: [web01], script });
      const { status, stdout, stderr, report } = await run.done;
      assert.strictEqual(status, 0, stderr);
      assert.strictEqual(stderr, '');
      const records = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const brief = records.map((r) => `${r.type} ${r.vm}${r.stateName ? ` ${r.stateName}` : ''}`);
      // The report of gone01 comes once its lookup failed: before or after late01's first event.
      assert.deepStrictEqual(brief.slice(0, 3).sort(), [
        'vmNotWatched gone01',
        'vmStateChange gone01 Running',
        'vmStateChange late01 Running',
      ]);
      assert.ok(brief.indexOf('vmStateChange gone01 Running') < brief.indexOf('vmNotWatched gone01'), brief.join());
      assert.strictEqual(brief[3], 'stateChange late01 Paused');
      assert.strictEqual(brief.length, 4);
      const refused = records.find((r) => r.type === 'vmNotWatched');
      assert.deepStrictEqual(Object.keys(refused), ['schema', 'type', 'time', 'vm', 'error']);
      assert.deepStrictEqual(Object.keys(refused.error), ['code', 'message', 'hresult', 'hresultName']);
      assert.strictEqual(refused.error.code, 'ERR_VS_VM_NOT_FOUND');
      assert.strictEqual(report.advised, 0);
    });

    it('text: the VM it cannot watch is said on stderr, and the watch goes on', async () => {
      const run = vsevents(['watch', '--all', '--count', '3'], { vms: [web01], script });
      const { status, stdout, stderr } = await run.done;
      assert.strictEqual(status, 0, stderr);
      assert.match(stderr, /^watching every event of every VM on this host; Ctrl-C stops\n/);
      assert.match(
        stderr,
        /\nvsevents: not watching "gone01": no virtual machine is named "gone01" .*\[ERR_VS_VM_NOT_FOUND\]\n$/,
      );
      const lines = stdout.trim().split('\n');
      assert.strictEqual(lines.length, 3);
      assert.match(lines[2], /^\S+ {2}late01 {2}stateChange {2}Paused$/);
    });
  });

  describe('exit codes', () => {
    const watching = (r) => r.stderr.includes('watching');
    /** @type {[NodeJS.Signals, number][]} */
    const signalled = [
      ['SIGINT', 130],
      ['SIGHUP', 129],
      ['SIGTERM', 143],
    ];
    for (const [signal, code] of signalled) {
      it(`watch ended by ${signal} exits ${code}, quietly, its sink unadvised`, async function () {
        if (process.platform === 'win32') this.skip(); // Windows node cannot send a child these
        const run = vsevents(['watch', '--vm', 'web01'], { vms: [web01] });
        await until(run, watching, 'watching line');
        run.child.kill(signal);
        const { status, stderr, report } = await run.done;
        assert.strictEqual(status, code, stderr);
        assert.match(stderr, /^watching "web01"; Ctrl-C stops\n$/);
        assert.strictEqual(report.advised, 0);
      });
    }

    it('Ctrl-Break (SIGBREAK) is handled as Ctrl-C: 130', async () => {
      const run = vsevents(['watch', '--vm', 'web01'], { vms: [web01], emit: { signal: 'SIGBREAK', afterMs: 300 } });
      const { status, stderr, report } = await run.done;
      assert.strictEqual(status, 130, stderr);
      assert.strictEqual(report.advised, 0);
    });

    it('wait interrupted exits 130 with "vsevents: interrupted"', async function () {
      if (process.platform === 'win32') this.skip();
      const run = vsevents(['wait', '--vm', 'web01', '--state', 'Saved'], { vms: [web01] });
      // No word is printed while waiting (stderr is no terminal): give it time to subscribe.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      run.child.kill('SIGINT');
      const { status, stdout, stderr, report } = await run.done;
      assert.strictEqual(status, 130, stderr);
      assert.strictEqual(stdout, '');
      assert.strictEqual(stderr, 'vsevents: interrupted\n');
      assert.strictEqual(report.advised, 0);
    });

    it('wait that reaches its --timeout exits 124 with one line', async () => {
      const { status, stdout, stderr } = await vsevents(
        ['wait', '--vm', 'web01', '--state', 'Saved', '--timeout', '0.2'],
        {
          vms: [web01],
        },
      ).done;
      assert.strictEqual(status, 124, stderr);
      assert.strictEqual(stdout, '');
      assert.match(stderr, /^vsevents: timed out after 200 ms waiting for .*web01.* \[ERR_VS_TIMEOUT\]\n$/);
    });

    it('a control command that reaches its --timeout exits 124', async () => {
      const { status, stderr } = await vsevents(['save', '--vm', 'web01', '--timeout', '0.2'], {
        vms: [web01],
        pacing: 600,
      }).done;
      assert.strictEqual(status, 124, stderr);
      assert.match(stderr, /\[ERR_VS_TIMEOUT\]\n$/);
    });

    it('wait that succeeds exits 0; an unknown VM 1; a bad command line 2', async () => {
      const ok = await vsevents(['wait', '--vm', 'web01', '--state', 'Running'], { vms: [web01] }).done;
      assert.deepStrictEqual([ok.status, ok.stdout], [0, 'web01: Running\n'], ok.stderr);
      const missing = await vsevents(['wait', '--vm', 'db01', '--state', 'Running'], { vms: [web01] }).done;
      assert.strictEqual(missing.status, 1);
      assert.match(missing.stderr, /\[ERR_VS_VM_NOT_FOUND\]\n$/);
      const bad = await vsevents(['wait', '--vm', 'web01'], { vms: [web01] }).done;
      assert.strictEqual(bad.status, 2);
    });
  });

  describe('what it waits for, on a terminal', () => {
    it('says "connecting to" and "waiting for <vm> to reach <state>... N s" on a TTY stderr, and erases it', async () => {
      const run = vsevents(['wait', '--vm', 'web01', '--state', 'Saved,Paused', '--timeout', '1.4'], {
        vms: [web01],
        stderrTTY: true,
      });
      const { status, stderr } = await run.done;
      assert.strictEqual(status, 124, stderr);
      assert.ok(stderr.includes('\r\x1b[Kconnecting to this host...'), JSON.stringify(stderr));
      assert.ok(stderr.includes('\r\x1b[Kwaiting for web01 to reach Saved or Paused...'), JSON.stringify(stderr));
      assert.ok(stderr.includes('waiting for web01 to reach Saved or Paused... 1 s'), JSON.stringify(stderr));
      // Erased before the error line, which stands alone on its line.
      const last = stderr.slice(stderr.lastIndexOf('\r\x1b[K') + 4);
      assert.match(last, /^vsevents: timed out after 1400 ms [^\r]*\[ERR_VS_TIMEOUT\]\n$/);
    });

    it('erases it before printing to stdout; and writes nothing of it when stderr is no terminal', async () => {
      const tty = await vsevents(['wait', '--vm', 'web01', '--state', 'Running'], { vms: [web01], stderrTTY: true })
        .done;
      assert.strictEqual(tty.status, 0, tty.stderr);
      assert.ok(tty.stderr.endsWith('\r\x1b[K'), JSON.stringify(tty.stderr));
      const piped = await vsevents(['wait', '--vm', 'web01', '--state', 'Running'], { vms: [web01] }).done;
      assert.deepStrictEqual([piped.status, piped.stdout, piped.stderr], [0, 'web01: Running\n', '']);
    });
  });

  describe('--call-timeout and --probe-interval', () => {
    it('reach connect() as callTimeout and probeInterval, in ms', async () => {
      const { status, stderr, report } = await vsevents(['list', '--call-timeout', '2.5', '--probe-interval', '0.5'], {
        vms: [web01],
      }).done;
      assert.strictEqual(status, 0, stderr);
      assert.deepStrictEqual([report.connects[0].callTimeout, report.connects[0].probeInterval], [2500, 500]);
    });

    it('a call past --call-timeout fails the command (exit 1, not 124)', async () => {
      const { status, stderr } = await vsevents(
        [
          'wait',
          '--vm',
          'web01',
          '--state',
          'Saved',
          '--timeout',
          '30',
          '--call-timeout',
          '0.3',
          '--probe-interval',
          '0.2',
        ],
        { vms: [web01], freezeAfterConnect: true },
      ).done;
      assert.strictEqual(status, 1, stderr);
      assert.match(stderr, /\[ERR_VS_(TIMEOUT|UNRESPONSIVE|DISCONNECTED)\]\n$/);
    });

    /** @type {[string[], RegExp][]} */
    const refused = [
      [['list', '--call-timeout', '0'], /--call-timeout must be above 0 seconds/],
      [['list', '--probe-interval', '0.05'], /--probe-interval must be from 0.1 to 3600 seconds/],
      [['list', '--probe-interval', '3601'], /--probe-interval must be from 0.1 to 3600 seconds/],
      [['list', '--call-timeout', 'soon'], /--call-timeout must be a number of seconds/],
    ];
    for (const [argv, message] of refused) {
      it(`exits 2 for ${argv.slice(1).join(' ')}`, async () => {
        const { status, stderr } = await vsevents(argv, { vms: [web01] }).done;
        assert.strictEqual(status, 2, stderr);
        assert.match(stderr, message);
      });
    }
  });

  describe('passwords: --password-stdin and --ask-password', () => {
    /** A stand-in for a TTY stdin: `modes` records each setRawMode(). */
    function rawTerminal() {
      /** @type {boolean[]} */
      const modes = [];
      return Object.assign(new PassThrough(), {
        isTTY: true,
        modes,
        setRawMode: (/** @type {boolean} */ raw) => modes.push(raw),
      });
    }

    const secret = 'Hunter2-s3cret';
    const remote = ['--host', 'vs01', '--user', 'admin'];
    /** Nothing the CLI printed or traced, nor the server as util.inspect shows it, holds the password. */
    function assertUnseen(run) {
      for (const text of [run.stdout, run.stderr].concat(
        (run.report ? run.report.connects : []).map((c) => c.inspected),
      ))
        assert.ok(!text.includes(secret) && !text.includes('s3cret'), `password shown in ${JSON.stringify(text)}`);
    }
    const noVariables = { VSEVENTS_PASSWORD: '', NODE_DEBUG: 'virtual-server-events' };

    it('--password-stdin takes the first line of stdin (CRLF too) for --user, and shows it nowhere', async () => {
      for (const input of [`${secret}\nnot this\n`, `${secret}\r\n`, secret]) {
        const run = await vsevents(
          ['list', ...remote, '--password-stdin'],
          { vms: [web01] },
          { input, env: noVariables },
        ).done;
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /web01 +Running/);
        assert.deepStrictEqual([run.report.connects[0].user, run.report.connects[0].password], ['admin', secret]);
        assert.match(run.stderr, /VIRTUAL-SERVER-EVENTS \d+: connected/, 'traced');
        assertUnseen(run);
      }
    });

    it('gives it to every --user host, and a failing command shows it nowhere', async () => {
      const run = await vsevents(
        ['wait', ...remote, '--vm', 'db01', '--state', 'Running', '--password-stdin'],
        { vms: [web01] },
        {
          input: `${secret}\n`,
          env: noVariables,
        },
      ).done;
      assert.strictEqual(run.status, 1);
      assert.match(run.stderr, /\[ERR_VS_VM_NOT_FOUND\]\n$/);
      assertUnseen(run);
    });

    /** @type {[string[], string | undefined, RegExp][]} the command line, stdin, the message */
    const refused = [
      [['list', ...remote, '--password-stdin'], '\n', /--password-stdin read an empty password/],
      [['list', ...remote, '--password-stdin'], '', /--password-stdin read an empty password/],
      [
        ['list', ...remote, '--ask-password'],
        `${secret}\n`,
        /--ask-password needs a terminal to ask on, and stdin is not one/,
      ],
      [['list', ...remote, '--ask-password', '--password-stdin'], `${secret}\n`, /not both/],
      [['list', '--host', 'vs01', '--password-stdin'], `${secret}\n`, /--password-stdin goes with --user/],
      [['list', ...remote, '--password-stdin'], `${secret}${'x'.repeat(300)}\n`, /--password-stdin .*256/],
    ];
    for (const [argv, input, message] of refused) {
      it(`exits 2 for ${argv.slice(1).join(' ')} with stdin ${JSON.stringify(String(input).slice(0, 20))}`, async () => {
        const run = await vsevents(argv, { vms: [web01] }, { input, env: noVariables }).done;
        assert.strictEqual(run.status, 2, run.stderr);
        assert.match(run.stderr, message);
        assert.match(run.stderr, /^vsevents: [^\n]*\n$/, 'one line');
        assertUnseen(run);
      });
    }

    it('the prompt reads keys in raw mode without echo: Backspace and Ctrl-U edit, Enter ends', async () => {
      const input = rawTerminal();
      const output = new PassThrough();
      let shown = '';
      output.setEncoding('utf8').on('data', (chunk) => (shown += chunk));
      const asked = askPassword(input, output, 'password for vs01: ');
      input.write('wrong\u0015Hunter2-s3');
      input.write('cretx\u007f\r');
      assert.strictEqual(await asked, secret);
      assert.deepStrictEqual(input.modes, [true, false]);
      assert.strictEqual(shown, 'password for vs01: \n');
    });

    it('Ctrl-C at the prompt interrupts (AbortError: exit 130), and leaves raw mode', async () => {
      const input = rawTerminal();
      const asked = askPassword(input, new PassThrough(), 'password: ');
      input.write('abc\u0003');
      await assert.rejects(asked, { name: 'AbortError' });
      assert.deepStrictEqual(input.modes, [true, false]);
    });

    it('firstLine stops at the first line end', async () => {
      const input = new PassThrough();
      const line = firstLine(input);
      input.write('one\r');
      input.write('\ntwo\n');
      assert.strictEqual(await line, 'one');
    });
  });
});

module.exports = { vsevents, until, running };

describe('vsevents shutdown and the heartbeat in list (over the testing fake)', function () {
  this.timeout(20000);

  it('shutdown --vm: the guest shuts down, the command prints the state it ends in, exit 0', async () => {
    const { status, stdout, stderr } = await vsevents(['shutdown', '--vm', 'web01'], {
      vms: [{ name: 'web01', state: 5, additions: true }],
      pacing: 20,
    }).done;
    assert.strictEqual(status, 0, stderr);
    assert.strictEqual(stdout, 'web01: TurnedOff\n');
    const json = await vsevents(['shutdown', '--vm', 'web01', '--json'], {
      vms: [{ name: 'web01', state: 5, additions: true }],
    }).done;
    assert.deepStrictEqual(JSON.parse(json.stdout), { vm: 'web01', state: 1, stateName: 'TurnedOff' });
  });

  it('shutdown of a guest without Additions fails clearly (exit 1), says what to do', async () => {
    const { status, stdout, stderr } = await vsevents(['shutdown', '--vm', 'web01'], {
      vms: [{ name: 'web01', state: 5 }],
    }).done;
    assert.strictEqual(status, 1);
    assert.strictEqual(stdout, '');
    assert.match(
      stderr,
      /^vsevents: the guest of web01 cannot shut down: its Virtual Machine Additions are not installed/,
    );
    assert.match(stderr, /VM_E_ADDITIONS_NOT_AVAIL/);
    assert.match(stderr, /install the Additions in the guest, or turn the VM off with `vsevents stop --vm "web01"`/);
    assert.match(stderr, /\[ERR_VS_COM_ERROR\]\n$/);
    assert.strictEqual(stderr.split('\n').length, 2, 'one line');
  });

  it('shutdown of a VM that is off, or paused, fails (exit 1) with its state and what to do', async () => {
    const off = await vsevents(['shutdown', '--vm', 'web01'], { vms: [{ name: 'web01', state: 1, additions: true }] })
      .done;
    assert.strictEqual(off.status, 1);
    assert.match(off.stderr, /cannot shut down: it is TurnedOff: only a Running guest can be asked to shut down/);
    assert.match(off.stderr, /the VM is off already/);
    const paused = await vsevents(['shutdown', '--vm', 'web01'], {
      vms: [{ name: 'web01', state: 6, additions: true }],
    }).done;
    assert.strictEqual(paused.status, 1);
    assert.match(paused.stderr, /it is Paused/);
    assert.match(paused.stderr, /vsevents resume --vm "web01"/);
  });

  it('shutdown needs one --vm and takes --timeout and --json only (exit 2)', async () => {
    assert.strictEqual((await vsevents(['shutdown']).done).status, 2);
    const other = await vsevents(['shutdown', '--vm', 'a', '--state', 'Running']).done;
    assert.strictEqual(other.status, 2);
    assert.match(other.stderr, /shutdown takes no --state/);
  });

  it('shutdown reaching its --timeout exits 124', async () => {
    const { status, stderr } = await vsevents(['shutdown', '--vm', 'web01', '--timeout', '0.2'], {
      vms: [{ name: 'web01', state: 5, additions: true }],
      pacing: 1000,
    }).done;
    assert.strictEqual(status, 124, stderr);
    assert.match(stderr, /ERR_VS_TIMEOUT/);
  });

  const vms = [
    { name: 'web01', state: 5, additions: true },
    { name: 'db01', state: 5, additions: true },
    { name: 'bare', state: 5 },
    { name: 'off', state: 1, additions: true },
  ];

  it("list shows each running guest's heartbeat: yes (100%), no (0%) once lost, - where it cannot tell", async () => {
    const { status, stdout, stderr } = await vsevents(['list'], { vms, heartbeatStopped: ['db01'] }).done;
    assert.strictEqual(status, 0, stderr);
    assert.deepStrictEqual(stdout.split('\n'), [
      'NAME   STATE      HEARTBEAT',
      'web01  Running    yes (100%)',
      'db01   Running    no (0%)',
      'bare   Running    -',
      'off    TurnedOff  -',
      '',
    ]);
  });

  it('list --json adds heartbeating and heartbeatPercentage to each VM (null where the guest cannot tell)', async () => {
    const { status, stdout, stderr } = await vsevents(['list', '--json'], { vms, heartbeatStopped: ['db01'] }).done;
    assert.strictEqual(status, 0, stderr);
    assert.deepStrictEqual(JSON.parse(stdout), [
      { name: 'web01', state: 5, stateName: 'Running', heartbeating: true, heartbeatPercentage: 100 },
      { name: 'db01', state: 5, stateName: 'Running', heartbeating: false, heartbeatPercentage: 0 },
      { name: 'bare', state: 5, stateName: 'Running', heartbeating: null, heartbeatPercentage: null },
      { name: 'off', state: 1, stateName: 'TurnedOff', heartbeating: null, heartbeatPercentage: null },
    ]);
  });
});
