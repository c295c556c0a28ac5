'use strict';
// Shared set-up for the unit tests: lib/ as compiled in dist/ (run `node scripts/build.js --ts-only` first),
// connected to a fake binding.
const path = require('path');

const dist = path.join(__dirname, '..', '..', 'dist');
const api = require('../../dist/index.js');
const { connectWith } = require('../../dist/virtual-server.js');
const { fakeVirtualServer } = require('./fake-binding');

/** A VirtualServer over a fake binding; returns { server, binding }. */
async function fakeConnection(fakeOptions, { probeIntervalMs = 5000, probeTimeoutMs = 5000, native = {} } = {}) {
  const binding = fakeVirtualServer(fakeOptions);
  const server = await connectWith(binding, native, { intervalMs: probeIntervalMs, timeoutMs: probeTimeoutMs });
  return { server, binding };
}

/** Lets every queued promise callback run (no timers involved). */
function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Asserts that a promise rejects with an error having these properties; returns the error. */
async function rejectsWith(promise, expected) {
  try {
    await promise;
  } catch (error) {
    for (const [key, value] of Object.entries(expected)) {
      if (value instanceof RegExp) {
        if (!value.test(error[key]))
          throw new Error(`error.${key} ${JSON.stringify(error[key])} does not match ${value}`, { cause: error });
      } else if (error[key] !== value) {
        throw new Error(
          `error.${key} is ${JSON.stringify(error[key])}, expected ${JSON.stringify(value)} (${error.stack})`,
          { cause: error },
        );
      }
    }
    return error;
  }
  throw new Error(`expected a rejection with ${JSON.stringify(expected)}, but it resolved`);
}

module.exports = { api, dist, fakeConnection, settle, rejectsWith };
