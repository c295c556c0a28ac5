'use strict';
// Benchmark: events per second through the bridge, against the simulator (Windows node:
//   node scripts/wine-node.js test/bench/events-throughput.js [count]).
// Baseline, measured in the same run and burst: the rate at which the server's COM calls into the sink
// complete (the simulator is idle once the last sink call returned). The bridge figure is the rate at
// which the same events reach JS as records. Prints one JSON object.
const h = require('../support/harness');

async function main() {
  const count = Number(process.argv[2] || 5000);
  const binding = h.loadAddon();
  const { server, control } = await h.connectSimulator(binding);
  const name = await h.defineVm(binding, control, 'bench');
  const vm = await binding.call(server, 'FindVirtualMachine', [name]);
  const events = h.collector();
  const subscription = await binding.subscribe(vm, events.options());

  const start = process.hrtime.bigint();
  await binding.call(control, 'FireBurst', ['OnConfigurationChanged', count, name]);
  await h.waitIdle(binding, control);
  const comDone = process.hrtime.bigint();
  await events.waitForCount(count);
  const jsDone = process.hrtime.bigint();
  await subscription.close();
  [vm, server, control].forEach((object) => binding.release(object));

  const seconds = (ns) => Number(ns) / 1e9;
  const comSeconds = seconds(comDone - start);
  const jsSeconds = seconds(jsDone - start);
  process.stdout.write(
    JSON.stringify({
      benchmark: 'events-throughput',
      simulatorBuild: h.sim.simulatorBuild(),
      node: process.version,
      events: count,
      baseline: {
        what: 'server sink calls completed (COM, out of process)',
        seconds: comSeconds,
        eventsPerSecond: count / comSeconds,
      },
      bridge: { what: 'records delivered to JS', seconds: jsSeconds, eventsPerSecond: count / jsSeconds },
      jsLagAfterLastCallMs: seconds(jsDone - comDone) * 1000,
      batches: events.batches.length,
      largestBatch: Math.max(...events.batches),
      inOrder: events.records.every((r, i) => r.args[1] === i + 1),
    }) + '\n',
  );
}

main().catch((error) => {
  process.stderr.write(`${(error && error.stack) || error}\n`);
  process.exit(1);
});
