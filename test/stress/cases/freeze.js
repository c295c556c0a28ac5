'use strict';
// A frozen service (SIGSTOP): the call deadline and the hung-host detection hold every time (a call
// rejects by callTimeout, a stream ends ERR_VS_DISCONNECTED caused by ERR_VS_UNRESPONSIVE within
// probeInterval + probeTimeout; on a connection with no stream a call rejects ERR_VS_TIMEOUT at callTimeout
// and a later one ERR_VS_UNRESPONSIVE at once), and SIGCONT afterwards resurrects nothing: the ended stream receives
// none of what the thawed service fires. Each run in a child process, which must exit by itself.
const { h, probe, runFixture } = require('../support');

// Scheduling under Wine on a shared machine: a deadline holds if it fired within this much of its time.
const SLACK_MS = 1500;

async function freezeOnce() {
  const { messages } = await runFixture('freeze', [JSON.stringify(probe)]);
  const result = messages[messages.length - 1];
  if (!result || !result.call) throw new Error('freeze.js reported nothing');
  const { call, streamEnd, quietCall, quietLate, after, closeMs } = result;
  if (!['ERR_VS_TIMEOUT', 'ERR_VS_UNRESPONSIVE'].includes(call.code)) {
    throw new Error(`the call on the frozen host settled with ${call.code}: ${call.message}`);
  }
  if (call.ms > probe.callTimeout + SLACK_MS) throw new Error(`the call settled ${call.ms} ms after the freeze`);
  if (streamEnd.code !== 'ERR_VS_DISCONNECTED' || streamEnd.cause !== 'ERR_VS_UNRESPONSIVE') {
    throw new Error(`the stream ended with ${streamEnd.code} (cause ${streamEnd.cause}): ${streamEnd.message}`);
  }
  const detection = probe.probeInterval + probe.probeTimeout;
  if (streamEnd.ms > detection + SLACK_MS) throw new Error(`the stream ended ${streamEnd.ms} ms after the freeze`);
  if (after.queued !== 0 || !after.finished || after.next.code !== 'resolved' || after.next.value !== true) {
    throw new Error(`after the thaw the ended stream had ${after.queued} queued, next() ${after.next.code}`);
  }
  if (closeMs > 500) throw new Error(`close() took ${closeMs} ms`);
  // Without a stream no probe finds the hang: the call deadline does, and the connection is lost after the
  // cancel's grace.
  if (quietCall.code !== 'ERR_VS_TIMEOUT') {
    throw new Error(`the call with no stream open settled with ${quietCall.code}: ${quietCall.message}`);
  }
  if (quietCall.ms < probe.callTimeout - 50 || quietCall.ms > probe.callTimeout + SLACK_MS) {
    throw new Error(`the call with no stream open settled ${quietCall.ms} ms after the freeze`);
  }
  if (quietLate.code !== 'ERR_VS_UNRESPONSIVE' || quietLate.ms > 500) {
    throw new Error(`a later call on that connection settled with ${quietLate.code} after ${quietLate.ms} ms`);
  }
  return { callMs: call.ms, streamEndMs: streamEnd.ms, quietCallMs: quietCall.ms, closeMs };
}

module.exports = {
  name: 'freeze',
  what: `frozen service: call rejected by callTimeout (${probe.callTimeout} ms), stream lost within probeInterval + probeTimeout, nothing after SIGCONT`,
  runs: { full: 20, reduced: 2 },
  measures: {
    callMs: 'ms from the freeze to the settling of a call on the frozen host, with a stream open',
    streamEndMs: 'ms from the freeze to the end of the stream (ERR_VS_DISCONNECTED)',
    quietCallMs: 'ms from the freeze to the settling of a call on a connection with no stream (ERR_VS_TIMEOUT)',
    closeMs: 'ms close() took after the thaw',
  },
  deadlineMs: 60000,
  once: freezeOnce,
  // A run that failed may have left the simulator frozen or held: start from a fresh one.
  recover: async (context) => h.sim.registerSimulator(context.build),
};
