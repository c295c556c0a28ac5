'use strict';
// The next `count` events of a stream, failing the test if it ends before: shared by the suites that
// read streams event by event (windows, contract, unit).
const assert = require('assert');

async function take(stream, count) {
  const events = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await stream.next();
    assert.ok(!done, `the stream ended after ${i} of ${count} events`);
    events.push(value);
  }
  return events;
}

module.exports = { take };
