'use strict';
// A host that hangs: alive, answering nothing (the simulator's process frozen with SIGSTOP from the
// Linux side, as a deadlocked vssrvc.exe or a host that drops packets looks to DCOM, which has no
// timeout of its own). Every public operation settles by its own deadline, streams end with
// ERR_VS_DISCONNECTED whose cause is ERR_VS_UNRESPONSIVE, later calls reject at once, close() is quick,
// and the process exits by itself. A child process does the freezing and the calls, because under
// Wine 8.0 a process that held proxies of a server that was then killed cannot activate it again.
const assert = require('assert');
const h = require('../support/harness');
const { linuxPidsOf, thawProcess } = require('../support/process-freeze');

const build = h.sim.simulatorBuild();
const connectOptions = { probeInterval: 500, probeTimeout: 1000, callTimeout: 3000 };
const waits = { waitTimeout: 600, abortAfter: 300 }; // both before a probe can find the host unresponsive
// What the figures may exceed their deadline by: these machines are shared and slow (Wine, 2 cores).
const SLACK_MS = 2500;

function thawAndKill(pid) {
  thawProcess(pid);
  h.sim.killSimulators();
}

describe(`a hung host (build: ${build})`, function () {
  this.timeout(120000);
  let result;
  let frozenPid;

  before(async function () {
    h.sim.registerSimulator(build); // this process never holds a proxy of the server it freezes
    const child = await h.runChild('hung-host.js', [JSON.stringify(connectOptions), JSON.stringify(waits)], {
      timeoutMs: 60000,
    });
    const exitedAt = Date.now();
    assert.strictEqual(child.status, 0, `the child failed: ${child.stderr}${child.stdout}`);
    result = child.messages[0];
    frozenPid = result.linuxPid;
    result.exitLagMs = exitedAt - result.doneAt;
    process.stdout.write(
      `      figures: ${JSON.stringify({ build, connectOptions, waits, settled: result.settled, lateCall: result.lateCall, quietLateCall: result.quietLateCall, closeMs: result.closeMs, exitLagMs: result.exitLagMs }, (k, v) => (k === 'message' ? undefined : v))}\n`,
    );
  });

  after(function () {
    if (frozenPid !== undefined) thawAndKill(frozenPid);
  });

  it('waitForState rejects ERR_VS_TIMEOUT at its timeout', function () {
    const { waitForState } = result.settled;
    assert.strictEqual(waitForState.code, 'ERR_VS_TIMEOUT', waitForState.message);
    assert.ok(
      waitForState.ms >= waits.waitTimeout - 50 && waitForState.ms < waits.waitTimeout + SLACK_MS,
      `settled after ${waitForState.ms} ms`,
    );
  });

  it('a control call without a timeout of its own is ended by callTimeout or by the probe that found the host unresponsive', function () {
    const { startup } = result.settled;
    assert.ok(['ERR_VS_TIMEOUT', 'ERR_VS_UNRESPONSIVE'].includes(startup.code), `${startup.code}: ${startup.message}`);
    assert.ok(startup.ms < connectOptions.callTimeout + SLACK_MS, `settled after ${startup.ms} ms`);
  });

  it('an aborted control call rejects AbortError at the abort', function () {
    const { abortedTurnOff } = result.settled;
    assert.strictEqual(abortedTurnOff.name, 'AbortError', abortedTurnOff.message);
    assert.ok(abortedTurnOff.ms < waits.abortAfter + SLACK_MS, `settled after ${abortedTurnOff.ms} ms`);
  });

  it('open streams end with ERR_VS_DISCONNECTED whose cause is ERR_VS_UNRESPONSIVE, within a probe interval and timeout', function () {
    for (const key of ['vmStream', 'serverStream']) {
      const stream = result.settled[key];
      assert.strictEqual(stream.code, 'ERR_VS_DISCONNECTED', `${key}: ${stream.message}`);
      assert.strictEqual(stream.cause, 'ERR_VS_UNRESPONSIVE', `${key}: ${stream.message}`);
      assert.match(stream.message, /stopped answering/);
      assert.ok(
        stream.ms < connectOptions.probeInterval + connectOptions.probeTimeout + SLACK_MS,
        `${key} ended after ${stream.ms} ms`,
      );
    }
  });

  it('on a connection without streams, a call rejects ERR_VS_TIMEOUT at callTimeout, and the connection is unresponsive after', function () {
    const { quietCall } = result.settled;
    assert.strictEqual(quietCall.code, 'ERR_VS_TIMEOUT', quietCall.message);
    assert.match(quietCall.message, /did not answer within the call timeout of 3000 ms/);
    assert.ok(
      quietCall.ms >= connectOptions.callTimeout - 50 && quietCall.ms < connectOptions.callTimeout + SLACK_MS,
      `settled after ${quietCall.ms} ms`,
    );
    assert.strictEqual(result.quietLateCall.code, 'ERR_VS_UNRESPONSIVE', result.quietLateCall.message);
    assert.match(result.quietLateCall.message, /did not return from a call even after it was cancelled/);
  });

  it('a call queued behind a release the host never answers: the connection is unresponsive 2 s after callTimeout, and the release settles', function () {
    const { behindRelease, release } = result.settled;
    assert.strictEqual(behindRelease.code, 'ERR_VS_UNRESPONSIVE', behindRelease.message);
    assert.match(behindRelease.message, /did not return from a call within the call timeout of 3000 ms/);
    const lostMs = connectOptions.callTimeout + 2000; // host_connection.cc: WatchQueued
    assert.ok(
      behindRelease.ms >= lostMs - 50 && behindRelease.ms < lostMs + SLACK_MS,
      `settled after ${behindRelease.ms} ms`,
    );
    assert.strictEqual(release.code, undefined, `release() never rejects: ${release.message}`);
    assert.ok(release.ms < lostMs + SLACK_MS, `release() settled after ${release.ms} ms`);
  });

  it("the release of a connection's last object settles by the connection's deadlines though the connection goes with it", function () {
    const { lastRelease } = result.settled;
    assert.strictEqual(lastRelease.code, undefined, `release() never rejects: ${lastRelease.message}`);
    const lostMs = connectOptions.callTimeout + 2000; // host_connection.cc: WatchQueued
    assert.ok(lastRelease.ms < lostMs + SLACK_MS, `release() settled after ${lastRelease.ms} ms`);
  });

  it('a call after the loss rejects ERR_VS_UNRESPONSIVE at once, and close() does not wait for the host', function () {
    for (const late of [result.lateCall, result.quietLateCall]) {
      assert.strictEqual(late.code, 'ERR_VS_UNRESPONSIVE', late.message);
      assert.ok(late.ms < 500, `rejected after ${late.ms} ms`);
    }
    assert.ok(result.closeMs < 500, `close() took ${result.closeMs} ms`);
  });

  it('the process exits by itself while the host is still frozen', function () {
    assert.ok(
      linuxPidsOf(/vssim-/i).includes(frozenPid),
      'the simulator was still there (frozen) when the child exited',
    );
    assert.ok(result.exitLagMs < 5000, `the child exited ${result.exitLagMs} ms after it was done`);
  });
});

describe(`a hung host that answers again (build: ${build})`, function () {
  this.timeout(120000);
  const frozenMs = 4000;

  after(function () {
    h.sim.killSimulators();
  });

  it('a stream with reconnect rides out the hang: it yields reconnected once the host answers, then events again', async function () {
    h.sim.registerSimulator(build);
    const child = await h.runChild('hung-host-reconnect.js', [JSON.stringify(connectOptions), String(frozenMs)], {
      timeoutMs: 60000,
    });
    assert.strictEqual(child.status, 0, `the child failed: ${child.stderr}${child.stdout}`);
    const { first, firstMs, second } = child.messages[0];
    process.stdout.write(`      figures: ${JSON.stringify({ build, frozenMs, reconnectedAfterMs: firstMs })}\n`);
    assert.strictEqual(first.type, 'reconnected');
    assert.strictEqual(first.state, h.sim.VMVMState.TurnedOff);
    assert.ok(firstMs >= frozenMs, `reconnected ${firstMs} ms after the freeze, before the thaw at ${frozenMs} ms`);
    assert.strictEqual(second.type, 'tripleFault');
  });
});

describe(`one hung host among two (build: ${build})`, function () {
  this.timeout(180000);
  const samples = 15;
  let result;

  before(async function () {
    h.sim.registerSimulator(build, { hosts: ['A', 'B'] });
    const child = await h.runChild('hung-host-isolation.js', [JSON.stringify(connectOptions), String(samples)], {
      timeoutMs: 120000,
    });
    assert.strictEqual(child.status, 0, `the child failed: ${child.stderr}${child.stdout}`);
    result = child.messages[0];
    process.stdout.write(
      `      figures (ms, host B): ${JSON.stringify({ build, samples, before: result.before, whileHostAHangs: result.whileHanging, afterHostALost: result.afterLoss, hostAEnded: result.aEnded })}\n`,
    );
  });

  after(function () {
    if (result) thawAndKill(result.linuxPid);
    h.sim.registerSimulator(build);
  });

  it('host A is found unresponsive as usual', function () {
    assert.strictEqual(result.aEnded.code, 'ERR_VS_DISCONNECTED');
    assert.strictEqual(result.aEnded.cause, 'ERR_VS_UNRESPONSIVE');
    assert.ok(['ERR_VS_TIMEOUT', 'ERR_VS_UNRESPONSIVE'].includes(result.hungCall), result.hungCall);
  });

  it("host B's calls, events and new streams keep their latency while host A hangs and after it is lost", function () {
    assert.ok(
      result.whileHangingMs < connectOptions.probeInterval + connectOptions.probeTimeout + 5000,
      'measured while host A hung',
    );
    for (const phase of ['whileHanging', 'afterLoss']) {
      for (const kind of ['calls', 'events', 'opens']) {
        const { median, max } = result[phase][kind];
        // Nothing of host B waits for host A: no figure comes near host A's call deadline.
        assert.ok(max < connectOptions.callTimeout / 2, `${phase} ${kind}: max ${max} ms`);
        assert.ok(
          median < result.before[kind].median + 250,
          `${phase} ${kind}: median ${median} ms, before ${result.before[kind].median} ms`,
        );
      }
    }
  });

  it("host B's stream stays open: its probes keep answering while host A is frozen", function () {
    assert.ok(result.bStreamOpen);
  });
});

describe(`a slow host that answers each call in time (build: ${build})`, function () {
  this.timeout(60000);
  const callTimeoutMs = 1200;
  const calls = 4;
  const eachMs = 500; // each well within callTimeoutMs, all of them together well past it
  let binding;
  let server;
  let control;

  h.connectForSuite((connected) => ({ binding, server, control } = connected));

  it('calls queued on one connection wait their turn: each has callTimeout from when it goes out', async function () {
    const name = await h.defineVm(binding, control, 'slow');
    const vm = h.objectOf(await binding.call(server, 'FindVirtualMachine', [name]), `the VM ${name}`);
    // The startup's Running event is scheduled 4 s on: until then WaitForIdle(ms) takes its full ms.
    await binding.put(control, 'PacingMilliseconds', 4000);
    const slow = await binding.connect({ progId: h.sim.CONTROL_PROGID, callTimeoutMs });
    try {
      await binding.call(vm, 'Startup', []);
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: calls }, () => binding.call(slow, 'WaitForIdle', [eachMs])),
      );
      const elapsed = Date.now() - started;
      assert.deepStrictEqual(
        answers,
        answers.map(() => false),
        'the host stayed busy: every call took its time',
      );
      assert.ok(elapsed > callTimeoutMs, `the ${calls} calls took ${elapsed} ms in all, past callTimeout`);
    } finally {
      await binding.put(control, 'PacingMilliseconds', 0);
      await binding.release(slow);
      binding.release(vm);
      await h.waitIdle(binding, control);
      await binding.call(control, 'RemoveVirtualMachine', [name]);
    }
  });
});
