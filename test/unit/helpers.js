'use strict';
// Shared set-up for the unit tests: lib/ as compiled in dist/ (run `node scripts/build.js --ts-only` first),
// connected to a fake binding.
const assert = require('assert');
const path = require('path');

const dist = path.join(__dirname, '..', '..', 'dist');
const api = require('../../dist/index.js');
const { connectWith } = require('../../dist/virtual-server.js');
const { fakeVirtualServer } = require('./fake-binding');
const { isError } = require('../support/thrown');

/**
 * A VirtualServer over a fake binding; returns { server, binding }.
 * @param {Parameters<typeof fakeVirtualServer>[0]} [fakeOptions]
 * @param {{ probeIntervalMs?: number, probeTimeoutMs?: number, native?: object }} [options]
 */
async function fakeConnection(fakeOptions, { probeIntervalMs = 5000, probeTimeoutMs = 5000, native = {} } = {}) {
  const binding = fakeVirtualServer(fakeOptions);
  const server = await connectWith(binding, native, { intervalMs: probeIntervalMs, timeoutMs: probeTimeoutMs });
  return { server, binding };
}

/**
 * Lets every queued promise callback run (no timers involved).
 * @returns {Promise<void>}
 */
function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** @typedef {import('../support/thrown').ThrownError} RejectionError */

/**
 * Asserts that a promise rejects with an Error having these properties; returns the error.
 * @param {Promise<unknown>} promise
 * @param {{ [key: string]: unknown }} expected
 * @returns {Promise<RejectionError>}
 */
async function rejectsWith(promise, expected) {
  try {
    await promise;
  } catch (error) {
    if (!isError(error)) {
      throw new Error(`expected an Error with a string code, but it rejected with ${String(error)}`, { cause: error });
    }
    const got = error;
    for (const [key, value] of Object.entries(expected)) {
      if (value instanceof RegExp) {
        if (!value.test(String(got[key])))
          throw new Error(`error.${key} ${JSON.stringify(got[key])} does not match ${value}`, { cause: error });
      } else if (got[key] !== value) {
        throw new Error(
          `error.${key} is ${JSON.stringify(got[key])}, expected ${JSON.stringify(value)} (${got.stack})`,
          { cause: error },
        );
      }
    }
    return got;
  }
  throw new Error(`expected a rejection with ${JSON.stringify(expected)}, but it resolved`);
}

/**
 * The event of an iterator result, asserted to be of that type and narrowed to it.
 * @template {{ type: string }} E
 * @template {E['type']} T
 * @param {IteratorResult<E, unknown>} result
 * @param {T} type
 * @returns {Extract<E, { type: T }>}
 */
function eventOf(result, type) {
  assert.ok(!result.done, `expected a ${type} event, but the stream ended`);
  const event = result.value;
  assert.strictEqual(event.type, type);
  return /** @type {Extract<E, { type: T }>} */ (event);
}

module.exports = { api, dist, fakeConnection, settle, rejectsWith, eventOf, isError };
