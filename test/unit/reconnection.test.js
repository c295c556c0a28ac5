'use strict';
// lib/reconnection.ts alone: backoff, one loop at a time, giving up after maxAttempts, cancel().
const assert = require('assert');

const { Reconnection } = require('../../dist/reconnection.js');
const { VirtualServerError } = require('../../dist/index.js');

const lost = new VirtualServerError('ERR_VS_DISCONNECTED', 'the host went away');

function target(outcomes) {
  /** @type {{ attempts: number[], gaveUp: InstanceType<typeof VirtualServerError> | null, ended: boolean }} */
  const calls = { attempts: [], gaveUp: null, ended: false };
  const start = Date.now();
  return {
    calls,
    label: 'host A',
    isEnded: () => calls.ended,
    attempt: () => {
      calls.attempts.push(Date.now() - start);
      const outcome = outcomes.shift();
      return outcome === 'ok'
        ? Promise.resolve()
        : Promise.reject(new VirtualServerError('ERR_VS_DISCONNECTED', 'still gone'));
    },
    giveUp: (error) => {
      calls.gaveUp = error;
    },
  };
}

/** @returns {Promise<void>} */
function waitFor(condition, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () =>
      condition() ? resolve() : Date.now() - started > timeoutMs ? reject(new Error('timed out')) : setTimeout(poll, 5);
    poll();
  });
}

describe('Reconnection', () => {
  it('retries with a doubling delay until an attempt succeeds, then is idle', async () => {
    const t = target(['fail', 'fail', 'ok']);
    const loop = new Reconnection({ initialDelay: 20, maxDelay: 1000, maxAttempts: Infinity }, t);
    loop.start(lost);
    assert.strictEqual(loop.active, true);
    await waitFor(() => t.calls.attempts.length === 3 && !loop.active);
    const [a, b, c] = t.calls.attempts;
    assert.ok(a >= 15 && b - a >= 35 && c - b >= 75, `delays ${t.calls.attempts} do not double from 20 ms`);
    assert.strictEqual(t.calls.gaveUp, null);
  });

  it('a second start() while a loop runs starts no second loop', async () => {
    const t = target(['ok']);
    const loop = new Reconnection({ initialDelay: 20, maxDelay: 20, maxAttempts: Infinity }, t);
    loop.start(lost);
    loop.start(lost);
    await waitFor(() => !loop.active);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.strictEqual(t.calls.attempts.length, 1);
  });

  it('gives up after maxAttempts with ERR_VS_DISCONNECTED whose cause is the last failure', async () => {
    const t = target(['fail', 'fail']);
    const loop = new Reconnection({ initialDelay: 10, maxDelay: 10, maxAttempts: 2 }, t);
    loop.start(lost);
    await waitFor(() => t.calls.gaveUp !== null);
    const { gaveUp } = t.calls;
    assert.ok(gaveUp);
    assert.strictEqual(gaveUp.code, 'ERR_VS_DISCONNECTED');
    assert.match(gaveUp.message, /host A stayed unreachable after 2 reconnection attempts/);
    assert.ok(gaveUp.cause instanceof Error);
    assert.match(gaveUp.cause.message, /still gone/);
    assert.strictEqual(loop.active, false);
  });

  it('cancel() stops the loop before its next attempt', async () => {
    const t = target(['fail', 'fail']);
    const loop = new Reconnection({ initialDelay: 30, maxDelay: 30, maxAttempts: Infinity }, t);
    loop.start(lost);
    loop.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.strictEqual(t.calls.attempts.length, 0);
    assert.strictEqual(loop.active, false);
  });
});
