'use strict';
// Benchmark: memory held for a consumer that stops pulling while a burst arrives, through the public
// API (Windows node: node scripts/wine-node.js --expose-gc test/bench/stalled-consumer-memory.js [count]).
// The same burst goes to two streams of the same VM in the same run: one bounded (maxQueue 1000,
// overflow 'drop-oldest') and one whose maxQueue holds the whole burst, the baseline of what an
// unbounded queue would keep. Prints one JSON object: heap growth of each, events kept and dropped.
const h = require('../support/harness');

const api = require(h.repoRoot);
const BOUNDED_QUEUE = 1000;

function heapUsed() {
  if (global.gc) global.gc();
  return process.memoryUsage().heapUsed;
}

// Opens a stream, waits until it is advised, and stops pulling: everything after arrives unread.
async function stalledStream(vm, maxQueue) {
  const stream = vm.events({ maxQueue, overflow: 'drop-oldest' });
  await stream.ready();
  return stream;
}

async function measure(binding, control, server, count, maxQueue) {
  const name = await h.defineVm(binding, control, `bench-mem-${maxQueue}`);
  const vm = await server.findVirtualMachine(name);
  const before = heapUsed();
  const stream = await stalledStream(vm, maxQueue);
  await binding.call(control, 'FireBurst', ['OnConfigurationChanged', count, name]);
  await h.waitIdle(binding, control);
  await h.waitUntil(() => stream.queued + stream.dropped >= count, 'the burst to reach the stream');
  const held = heapUsed() - before;
  const result = {
    maxQueue,
    kept: stream.queued,
    dropped: stream.dropped,
    heapGrowthBytes: held,
    bytesPerEventReceived: held / count,
  };
  await stream.return();
  return result;
}

async function main() {
  const count = Number(process.argv[2] || 20000);
  const binding = h.loadAddon();
  const connected = await h.connectSimulator(binding);
  const control = connected.control;
  binding.release(connected.server);
  const server = await api.connect();
  const baseline = await measure(binding, control, server, count, count);
  const bounded = await measure(binding, control, server, count, BOUNDED_QUEUE);
  await server.close();
  binding.release(control);
  process.stdout.write(
    JSON.stringify({
      benchmark: 'stalled-consumer-memory',
      simulatorBuild: h.sim.simulatorBuild(),
      node: process.version,
      exactHeap: Boolean(global.gc),
      events: count,
      baseline: Object.assign({ what: 'maxQueue holds the whole burst (what an unbounded queue keeps)' }, baseline),
      bounded: Object.assign({ what: `maxQueue ${BOUNDED_QUEUE}, overflow 'drop-oldest'` }, bounded),
      boundedToBaselineHeap: bounded.heapGrowthBytes / baseline.heapGrowthBytes,
    }) + '\n',
  );
}

main().catch((error) => {
  process.stderr.write(`${(error && error.stack) || error}\n`);
  process.exit(1);
});
