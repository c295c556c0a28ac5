'use strict';
// The bench's scale case: one process watching many hosts, as a collector for a farm does. Each host is a
// simulator process of its own (test/simulator/README.md, "More hosts"), connected through the public API
// with one stream on one VM. Hosts are added size by size in the same process; at each size it measures
// what the process holds (threads, handles, RSS), its idle CPU and the liveness probes each host receives,
// then the latency of events every host fires at once. The per-host cost is the growth from the size
// before, divided by the hosts added.
const h = require('../support/harness');
const { nowMs, sleep, summary, spread, idleCpuWindows, rssMb } = require('./measures');

const P99_TARGET_MS = 5;

/** Host names for the scale case (A is the bench's own simulator). @param {number} count */
const hostNames = (count) => Array.from({ length: count }, (_, i) => `SCALE${i + 1}`);

/**
 * Reads `count` stamped events from `events` into `delays` (ms from firing to reading); rejects after `ms`,
 * since a lost event would leave it waiting for good. The iterator stays open for the next run (a for-await
 * that stops early would end the stream).
 * @param {AsyncIterator<any>} events @param {number} count @param {number[]} delays @param {number} ms
 */
async function readStamped(events, count, delays, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const reading = (async () => {
    for (let seen = 0; seen < count; seen++) {
      const { done, value } = await events.next();
      if (done) throw new Error(`a stream ended after ${seen} of ${count} stamped events`);
      delays.push(nowMs() - value.value);
    }
  })();
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stamped events still missing after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([reading, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @param {{ api: any, binding: any, sizes: number[], runs: number, perSecond: number, seconds: number,
 *   idleMs: number }} options
 *   sizes: host counts, ascending; perSecond: events each host fires a second, for `seconds`; idleMs: each
 *   of `runs` idle windows
 */
async function scale({ api, binding, sizes, runs, perSecond, seconds, idleMs }) {
  const build = h.sim.simulatorBuild();
  const names = hostNames(sizes[sizes.length - 1]);
  h.sim.registerHosts(build, names);
  /** @type {{ name: string, control: any, server: any, stream: any, events: AsyncIterator<any>, vm: string }[]} */
  const hosts = [];
  const probes = () => Promise.all(hosts.map((host) => binding.call(host.control, 'CallCount', ['GetTypeInfoCount'])));
  const held = () => ({ ...h.sim.census(process.pid), rssMb: rssMb() });
  const idleCpu = async () => summary(await idleCpuWindows(runs, idleMs));
  const rows = [];
  try {
    await sleep(2000); // the cases before: their releases and collections would count here
    let before = held();
    rows.push({ hosts: 0, held: before, idleCpuPercent: await idleCpu() });
    for (const size of sizes) {
      for (const name of names.slice(hosts.length, size)) {
        const host = h.sim.simulatedHost(name);
        const control = await binding.connect({ clsid: host.controlClsid });
        const vm = await h.defineVm(binding, control, 'scale', h.sim.VMVMState.Running);
        const server = await api.connect({ clsid: host.clsid });
        const stream = (await server.findVirtualMachine(vm)).events({
          types: ['configurationChanged'],
          maxQueue: perSecond * seconds * 2,
        });
        await stream.ready();
        hosts.push({ name, control, server, stream, events: stream[Symbol.asyncIterator](), vm });
      }
      await sleep(1000);
      const now = held();
      const probesBefore = await probes();
      const idleStart = nowMs();
      const idleCpuPercent = await idleCpu();
      const idleMinutes = (nowMs() - idleStart) / 60000;
      const probesAfter = await probes();
      const added = size - rows[rows.length - 1].hosts;
      /** @type {{ p50: number[], p99: number[], max: number[] }} */
      const latency = { p50: [], p99: [], max: [] };
      for (let run = 0; run < runs; run++) {
        /** @type {number[]} */
        const delays = [];
        const count = perSecond * seconds;
        const reading = Promise.all(
          hosts.map((host) => readStamped(host.events, count, delays, seconds * 1000 + 60000)),
        );
        await Promise.all(hosts.map((host) => binding.call(host.control, 'FireStamped', [host.vm, count, perSecond])));
        await reading;
        const measured = spread(delays);
        latency.p50.push(measured.p50);
        latency.p99.push(measured.p99);
        latency.max.push(measured.max);
      }
      rows.push({
        hosts: size,
        held: now,
        perHostAdded: {
          threads: (now.threads - before.threads) / added,
          handles: (now.handles - before.handles) / added,
          rssMb: (now.rssMb - before.rssMb) / added,
        },
        idleCpuPercent,
        probesPerHostPerMinute:
          probesAfter.reduce((sum, count, i) => sum + count - probesBefore[i], 0) / size / idleMinutes,
        latencyMs: { p50: summary(latency.p50), p99: summary(latency.p99), max: summary(latency.max) },
      });
      before = now;
    }
  } finally {
    await Promise.allSettled(hosts.map((host) => host.stream.return()));
    await Promise.allSettled(hosts.map((host) => host.server.close()));
    for (const host of hosts) binding.release(host.control);
    h.sim.unregisterSimulator(build, { hosts: names });
  }
  const passing = rows.filter((row) => row.latencyMs && row.latencyMs.p99.median < P99_TARGET_MS);
  const largest = passing.length ? Math.max(...passing.map((row) => row.hosts)) : 0;
  return {
    perSecondPerHost: perSecond,
    seconds,
    idleWindowMs: idleMs,
    p99TargetMs: P99_TARGET_MS,
    // The largest size measured whose median p99 met the target (every size measured did, when it is the
    // last one: the limit lies beyond it).
    hostsUnderTarget: largest,
    limitBeyondSizes: largest === sizes[sizes.length - 1],
    sizes: rows,
  };
}

module.exports = { scale };
