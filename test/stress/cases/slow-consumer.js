'use strict';
// A slow consumer under a fast burst, with each overflow policy. 'error': everything queued is
// delivered, in order, then the stream rejects ERR_VS_EVENT_QUEUE_OVERFLOW. 'drop-oldest': what arrives
// plus stream.dropped is exactly the burst, and what arrives is in order. Memory stays bounded: RSS grows
// by less than RSS_BOUND_MB over the runs.
const { h, api, binding, probe, openControl, waitIdle, sleep, memory, roundMb } = require('../support');

// The bridge delivers some 800-1,000 events/s out of process under Wine; the reader takes about 100.
const BURST = 5000;
const MAX_QUEUE = 1000;
const RSS_BOUND_MB = 20;

// Reads slowly (10 ms every 2 events) until the stream ends; values must only grow.
async function readSlowly(stream) {
  const outcome = { delivered: 0, inOrder: true, last: 0 };
  try {
    for await (const event of stream) {
      outcome.delivered += 1;
      if (event.value <= outcome.last) outcome.inOrder = false;
      outcome.last = event.value;
      if (outcome.delivered % 2 === 0) await sleep(10);
    }
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

function slowCase(overflow) {
  return {
    name: `slow-consumer-${overflow}`,
    what: `slow consumer, burst of ${BURST}, maxQueue ${MAX_QUEUE}, overflow '${overflow}'; RSS growth bound ${RSS_BOUND_MB} MB`,
    runs: { full: 10, reduced: 2 },
    measures: Object.assign(
      { delivered: 'events the consumer read, in order' },
      overflow === 'drop-oldest' ? { dropped: 'events dropped (stream.dropped); with delivered, the burst' } : {},
      { rssGrowthMb: 'RSS growth over all the runs, between collections (MB)' },
    ),
    deadlineMs: 120000,
    async setUp(context) {
      context.control = await openControl();
      context.vmName = `slow-${overflow}-${process.pid}`;
      await binding.call(context.control, 'DefineVirtualMachine', [context.vmName, h.sim.VMVMState.Running]);
      context.server = await api.connect(probe);
      context.vm = await context.server.findVirtualMachine(context.vmName);
      context.rssMbBefore = memory().rssMb;
    },
    async once(context) {
      const stream = context.vm.events({ types: ['configurationChanged'], maxQueue: MAX_QUEUE, overflow });
      await stream.ready();
      const reading = readSlowly(stream);
      await binding.call(context.control, 'FireBurst', ['OnConfigurationChanged', BURST, context.vmName]);
      await waitIdle(context.control);
      // Once the burst is fired, 'drop-oldest' has its last maxQueue events queued: read them, then stop.
      // 'error' has overflowed long before, unless the bridge waited for the reader (a failure below).
      if (overflow === 'drop-oldest') await h.waitUntil(() => stream.queued === 0, 'the queue to be read', 60000);
      await sleep(200);
      if (overflow === 'drop-oldest' || !stream.finished) await stream.return();
      const outcome = await reading;
      if (!outcome.inOrder) throw new Error('events arrived out of order');
      if (overflow === 'error') {
        if (!outcome.error || outcome.error.code !== 'ERR_VS_EVENT_QUEUE_OVERFLOW') {
          throw new Error(`the stream ended with ${outcome.error ? outcome.error.code : 'no overflow'}`);
        }
        if (outcome.delivered < MAX_QUEUE)
          throw new Error(`only ${outcome.delivered} events delivered before the overflow`);
        return { delivered: outcome.delivered };
      }
      if (outcome.error) throw outcome.error;
      if (outcome.delivered + stream.dropped !== BURST) {
        throw new Error(`${outcome.delivered} delivered + ${stream.dropped} dropped is not the ${BURST} fired`);
      }
      return { delivered: outcome.delivered, dropped: stream.dropped };
    },
    async tearDown(context) {
      if (global.gc) global.gc();
      const growthMb = memory().rssMb - context.rssMbBefore;
      context.figures.rssGrowthMb = roundMb(growthMb);
      await context.server.close();
      await binding.call(context.control, 'RemoveVirtualMachine', [context.vmName]);
      binding.release(context.control);
      if (growthMb > RSS_BOUND_MB) throw new Error(`RSS grew by ${growthMb.toFixed(1)} MB (bound ${RSS_BOUND_MB})`);
    },
  };
}

module.exports = [slowCase('error'), slowCase('drop-oldest')];
