'use strict';
// A host that stays hung while a script keeps connecting and calling it (a monitor polling every second,
// a watch() reconnecting): the threads abandoned to it stay capped (past eight, later connects are refused
// at once with ERR_VS_UNRESPONSIVE), the process's threads, handles and RSS stay bounded, and once
// the host answers again the stuck threads end. Full size: 10 minutes at one attempt a second; reduced:
// 30 seconds at four a second.
const { h, runFixture, roundMb } = require('../support');

const CALL_TIMEOUT_MS = 1000;
// native/src/host_connection.cc: a connection is found unresponsive callTimeout and the cancel's grace
// (1 s) after its call went out, and only then counts among the stuck ones.
const LOST_AFTER_MS = CALL_TIMEOUT_MS + 1000;
// kMaxStuckThreadsPerServer (8), plus the worker and prober each attempt abandons once given up (the
// prober is held by the connection that the stuck call holds) that were admitted while the first ones were
// not yet given up.
function maxAbandoned(everyMs) {
  return 8 + 2 * Math.ceil(LOST_AFTER_MS / everyMs) + 2;
}
// Threads: the stuck ones, the worker and prober of each attempt in flight, and the idle pool's few.
function maxThreadGrowth(everyMs) {
  return maxAbandoned(everyMs) + 2 * Math.ceil(LOST_AFTER_MS / everyMs) + 8;
}
const BOUNDS = { handles: 400, rssMb: 40 };

async function once(context) {
  const size = context.reduced
    ? { durationMs: 30000, everyMs: 250, sampleMs: 5000 }
    : { durationMs: 600000, everyMs: 1000, sampleMs: 60000 };
  const { messages } = await runFixture(
    'hung-reconnect',
    [JSON.stringify(Object.assign({ callTimeout: CALL_TIMEOUT_MS }, size))],
    { timeoutMs: size.durationMs + 120000 },
  );
  const result = messages[messages.length - 1];
  if (!result || !result.samples) throw new Error('hung-reconnect.js reported nothing');
  const { before, samples, after, outcomes } = result;
  const peak = (key) => Math.max(...samples.map((s) => s[key]));
  const figures = {
    attempts: result.attempts,
    outcomes,
    abandonedPeak: peak('abandoned'),
    threadGrowth: peak('threads') - before.threads,
    handleGrowth: peak('handles') - before.handles,
    rssGrowthMb: roundMb(peak('rssMb') - before.rssMb),
    msToEndAfterThaw: after.msToEnd,
    threadsAfterThaw: after.comThreads,
  };
  context.figures.samples = samples;
  const over = [];
  const cap = maxAbandoned(size.everyMs);
  if (figures.abandonedPeak > cap) over.push(`abandoned threads ${figures.abandonedPeak} > ${cap}`);
  const threadBound = maxThreadGrowth(size.everyMs);
  if (figures.threadGrowth > threadBound) over.push(`threads +${figures.threadGrowth} > ${threadBound}`);
  if (figures.handleGrowth > BOUNDS.handles) over.push(`handles +${figures.handleGrowth} > ${BOUNDS.handles}`);
  if (figures.rssGrowthMb > BOUNDS.rssMb) over.push(`RSS +${figures.rssGrowthMb} MB > ${BOUNDS.rssMb}`);
  if (!outcomes.refused) over.push('no connect() was refused for the calls stuck on the host');
  if (after.abandoned !== 0) over.push(`${after.abandoned} threads still stuck 30 s after the thaw`);
  if (over.length > 0) throw new Error(`${over.join('; ')}: ${JSON.stringify(figures)}`);
  return figures;
}

module.exports = {
  name: 'hung-reconnect',
  what: `a host hung while a script keeps connecting (callTimeout 1000 ms): stuck threads capped, process bounded`,
  runs: { full: 1, reduced: 1 },
  measures: {
    attempts: 'connect-and-call attempts made while the host hung',
    outcomes: 'what the attempts settled with (each kind counted)',
    abandonedPeak: 'most threads stuck in calls to the hung host at once',
    threadGrowth: 'peak growth of the threads of the process',
    handleGrowth: 'peak growth of the handles of the process',
    rssGrowthMb: 'peak growth of the RSS (MB)',
    msToEndAfterThaw: 'ms from the thaw to the last stuck call ending',
    threadsAfterThaw: 'COM threads of the addon after the thaw',
    samples: "the process's threads, handles and RSS, sampled while the host hung",
  },
  deadlineMs: 900000,
  once,
  // The host was frozen and its calls abandoned: start from a fresh simulator.
  recover: async (context) => h.sim.registerSimulator(context.build),
};
