'use strict';
// watch() of two simulated hosts at once (A and B, each a simulator process of its own, reached by
// CLSID): events of both in one stream, one crashed and restarted while the other keeps flowing, one
// frozen (SIGSTOP) while the other keeps flowing. Each scenario runs in a child process
// (fixtures/farm/farm-child.js), which prints what it saw and measured; the figures are printed too.
const assert = require('assert');
const path = require('path');
const h = require('../support/harness');
const { linuxPidsOf, thawProcess } = require('../support/process-freeze');

const build = h.sim.simulatorBuild();
const child = path.join(__dirname, 'fixtures', 'farm', 'farm-child.js');
const connectOptions = { probeInterval: 500, probeTimeout: 1000, callTimeout: 3000 };
// What the figures may exceed their deadline by: these machines are shared and slow (Wine, 2 cores).
const SLACK_MS = 2500;

async function runScenario(scenario) {
  const result = await h.runChild(child, [scenario, JSON.stringify(connectOptions)], { timeoutMs: 120000 });
  assert.strictEqual(result.status, 0, `the child failed: ${result.stderr}${result.stdout}`);
  const [outcome] = result.messages;
  process.stdout.write(`      figures (${scenario}, ms): ${JSON.stringify(Object.assign({ build }, outcome))}\n`);
  return Object.assign(outcome, { exitedAt: Date.now() });
}

describe(`watch() of two hosts (build: ${build})`, function () {
  this.timeout(180000);

  before(function () {
    h.sim.registerSimulator(build, { hosts: ['A', 'B'] });
  });

  after(function () {
    h.sim.registerSimulator(build); // as the other suites expect: host A only
  });

  describe('both answering', function () {
    let outcome;
    before(async function () {
      outcome = await runScenario('interleave');
    });
    after(function () {
      h.sim.killSimulators();
    });

    it('yields the events of both in one stream, each with its host, each host in its order', function () {
      const logged = outcome.seen.filter((row) => row[1] === 'eventLogged');
      assert.deepStrictEqual(
        logged.map((row) => [row[0], row[2]]).sort((x, y) => x[1] - y[1]),
        outcome.fired,
        'every event, with the host that fired it',
      );
      for (const host of ['A', 'B']) {
        const ids = logged.filter((row) => row[0] === host).map((row) => row[2]);
        assert.deepStrictEqual(
          ids,
          ids.slice().sort((x, y) => x - y),
          `${host}'s events in the order fired`,
        );
      }
      const hostsInTurn = logged.map((row) => row[0]).join('');
      assert.notStrictEqual(
        hostsInTurn,
        'AAAAAAAAAABBBBBBBBBB',
        'interleaved as they arrived, not one host after the other',
      );
    });

    it("carries A's state changes with host A", function () {
      const states = outcome.seen.filter((row) => row[1] === 'vmStateChange').map((row) => [row[0], row[3]]);
      assert.deepStrictEqual(states, [
        ['A', h.sim.VMVMState.TurningOn],
        ['A', h.sim.VMVMState.Running],
      ]);
    });
  });

  describe('one host crashes and is restarted', function () {
    let outcome;
    before(async function () {
      outcome = await runScenario('crash');
    });
    after(function () {
      h.sim.killSimulators();
    });

    it('yields disconnected for it within a probe interval, then reconnected with its fresh state, then its events', function () {
      assert.strictEqual(outcome.disconnected.code, 'ERR_VS_DISCONNECTED');
      assert.strictEqual(outcome.disconnected.retrying, true);
      assert.ok(
        outcome.disconnected.ms < connectOptions.probeInterval + SLACK_MS,
        `after ${outcome.disconnected.ms} ms`,
      );
      assert.deepStrictEqual(outcome.reconnected.vms, [], 'a fresh server, which knows no VM');
      assert.strictEqual(outcome.afterRestart, 'eventLogged');
      assert.deepStrictEqual(outcome.order.slice(-3), ['disconnected', 'reconnected', 'eventLogged']);
    });

    it("host B's events keep flowing meanwhile, at their usual latency", function () {
      assert.ok(outcome.bEventsWhileDown > 0, 'B yielded events while A was down');
      const { before, whileADown } = outcome.latencyOfB;
      assert.ok(whileADown.max < connectOptions.callTimeout / 2, `max ${whileADown.max} ms`);
      assert.ok(whileADown.median < before.median + 250, `median ${whileADown.median} ms, before ${before.median} ms`);
    });
  });

  describe('one host freezes', function () {
    let outcome;
    before(async function () {
      outcome = await runScenario('freeze');
    });
    after(function () {
      if (outcome) thawProcess(outcome.linuxPid);
      h.sim.killSimulators();
    });

    it('yields disconnected for it (cause ERR_VS_UNRESPONSIVE) within a probe interval and timeout', function () {
      const { disconnected } = outcome;
      assert.strictEqual(disconnected.code, 'ERR_VS_DISCONNECTED');
      assert.strictEqual(disconnected.cause, 'ERR_VS_UNRESPONSIVE');
      assert.strictEqual(disconnected.retrying, false);
      assert.ok(
        disconnected.ms < connectOptions.probeInterval + connectOptions.probeTimeout + SLACK_MS,
        `after ${disconnected.ms} ms`,
      );
    });

    it("host B's events keep their latency while A hangs, after A is lost, and while A's connecting hangs", function () {
      const { before } = outcome.latencyOfB;
      assert.ok(outcome.latencyOfB.whileHanging.samples >= 5, 'sampled all the while A hung, until it was found lost');
      for (const phase of ['whileHanging', 'afterLoss', 'whileAConnects']) {
        const { median, max } = outcome.latencyOfB[phase];
        assert.ok(max < connectOptions.callTimeout / 2, `${phase}: max ${max} ms`);
        assert.ok(median < before.median + 250, `${phase}: median ${median} ms, before ${before.median} ms`);
      }
      assert.ok(outcome.bSubscribedMs < connectOptions.callTimeout, `B subscribed after ${outcome.bSubscribedMs} ms`);
      assert.strictEqual(outcome.statesWhileAConnects.A, 'connecting', "A's connect() was still hanging");
      assert.strictEqual(outcome.statesWhileAConnects.B, 'connected');
    });

    it('return() does not wait for the frozen host: not for its lost stream, nor for its connect() still hanging', function () {
      assert.ok(outcome.returnMs < 500, `return() after the loss took ${outcome.returnMs} ms`);
      assert.ok(outcome.secondReturnMs < 500, `return() while A's connect() hung took ${outcome.secondReturnMs} ms`);
      assert.strictEqual(outcome.bSinksAfter, 0, "B's sink was unadvised");
    });

    it('the process exits by itself while A is still frozen', function () {
      assert.ok(linuxPidsOf(/vssim-/i).includes(outcome.linuxPid), 'A was still there (frozen)');
      assert.ok(
        outcome.exitedAt - outcome.doneAt < 5000 + connectOptions.callTimeout,
        `exited ${outcome.exitedAt - outcome.doneAt} ms after it was done`,
      );
    });
  });
});
