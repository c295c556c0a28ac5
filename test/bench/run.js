'use strict';
// `npm run bench [-- --quick] [-- --keep]` (Windows node under Wine): what the bridge costs, against
// baselines measured in the same run (test/bench/native). Each figure is the median of RUNS runs (with min
// and max); every ratio is taken within one run, then its median reported, and every ratio the docs show
// is computed here. Writes test/bench/results.json (with what scripts/run-record.js records of the run, and
// `table`: the rows docs/performance.md shows, each saying what it measured) and prints that table;
// `--keep` also copies the results into docs/results/ (scripts/results-docs.js then writes the docs).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const h = require('../support/harness');
const { runRecord, keepResults } = require('../../scripts/run-record');
const { DEFAULT_MAX_QUEUE } = require('../../dist/event-options.js');
const { table } = require('./table');
const { nowMs, sleep, summary, spread, cpuMs, idleCpuWindows, rssMb } = require('./measures');
const { scale } = require('./scale');

/** @param {string} problem @returns {never} */
function usage(problem) {
  process.stderr.write(`test/bench/run.js: ${problem}\nusage: test/bench/run.js [--quick] [--keep]\n`);
  process.exit(2);
}
const args = process.argv.slice(2);
for (const arg of args) if (arg !== '--quick' && arg !== '--keep') usage(`unknown argument ${arg}`);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
// Taken before the run, so that --keep without a commit to name the file by fails now, not in ten minutes.
const run = (() => {
  try {
    return runRecord('bench', { keep });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
})();

const api = require('../..'); // the package, through its main (dist/index.js) and types
const RUNS = 5;
// Events each host fires a second in the scale case: a busy host's state changes, heartbeats and logged events.
const SCALE_PER_SECOND = 100;
const benchDir = path.join(h.repoRoot, 'build', 'bench');
const bench = require(path.join(benchDir, 'bench_addon.node'));
const IN_PROC = '{3B6F2A10-5C1D-4E7A-9B2C-6D1E0F4A8B04}';
const LOCAL = '{3B6F2A10-5C1D-4E7A-9B2C-6D1E0F4A8B05}';
const N = quick
  ? {
      oop: 1000,
      inProc: 50000,
      steady: 1000,
      burst: 2000,
      memory: 100000,
      cycles: 1000,
      idleMs: 3000,
      calls: 2000,
      scaleSizes: [1, 5],
      scaleSeconds: 2,
      scaleIdleMs: 3000,
    }
  : {
      oop: 5000,
      inProc: 200000,
      steady: 5000,
      burst: 10000,
      memory: 1000000,
      cycles: 10000,
      idleMs: 30000,
      calls: 10000,
      scaleSizes: [1, 5, 10, 20, 40],
      scaleSeconds: 3,
      scaleIdleMs: 10000,
    };

/** Reads `count` events of a stream; resolves with the ms the reading took from `start`. */
/**
 * @template E
 * @param {AsyncIterable<E>} stream
 * @param {number} count
 * @param {number} start
 * @param {(event: E) => unknown} [onEvent]
 */
async function consume(stream, count, start, onEvent = () => undefined) {
  let seen = 0;
  for await (const event of stream) {
    onEvent(event);
    if (++seen === count) break;
  }
  return nowMs() - start;
}

async function fire(server, kind, count, perSecond) {
  // The bench source's own methods, late-bound like any other call of the session.
  await server.session.call(server.session.root, 'Fire', [kind, count, perSecond], 'firing the bench source');
}

// Under Wine, Linux's /proc shows through drive Z:. The wineserver is where Wine's RPC and cross-thread
// wake-ups spend their time (one single-threaded process for the whole prefix), so its CPU per event is
// what an extra wake-up per event costs. Returns null where there is no /proc (Windows).
const CLOCK_TICKS_PER_SEC = 100; // Linux USER_HZ
function wineserverCpuMs() {
  const proc = 'Z:/proc';
  if (!fs.existsSync(`${proc}/stat`)) return null;
  let ticks = 0;
  for (const pid of fs.readdirSync(proc).filter((name) => /^\d+$/.test(name))) {
    try {
      if (!fs.readFileSync(`${proc}/${pid}/comm`, 'utf8').startsWith('wineserver')) continue;
      // Fields after the parenthesised command: state is field 3, utime 14 and stime 15.
      const fields = fs.readFileSync(`${proc}/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SEC;
}

/** µs of CPU per event over a span, from two readings in ms (null where there is no reading). */
const usPerEvent = (/** @type {number | null} */ before, /** @type {number | null} */ after, count) =>
  before === null || after === null ? null : ((after - before) * 1000) / count;

async function outOfProcess(binding, control) {
  const simulatorServer = await api.connect();
  const name = await h.defineVm(binding, control, 'bench');
  const vm = await simulatorServer.findVirtualMachine(name);
  const client = path.join(benchDir, 'raw_sink_client.exe');
  /** @type {Record<'raw' | 'bridge' | 'ratio' | 'rawCpu' | 'bridgeCpu' | 'extraCpu' | 'rawWineserver' | 'bridgeWineserver' | 'extraWineserver', number[]>} */
  const rows = {
    raw: [],
    bridge: [],
    ratio: [],
    rawCpu: [],
    bridgeCpu: [],
    extraCpu: [],
    rawWineserver: [],
    bridgeWineserver: [],
    extraWineserver: [],
  };
  for (let run = 0; run < RUNS; run++) {
    // The raw client's wineserver figure also counts its start-up and connection: if anything, an overstatement.
    const wineserverBeforeRaw = wineserverCpuMs();
    const line = execFileSync(client, [name, h.sim.CONTROL_PROGID, String(N.oop)], { encoding: 'utf8' });
    const rawWineserver = usPerEvent(wineserverBeforeRaw, wineserverCpuMs(), N.oop);
    const result = JSON.parse(String(line.trim().split('\n').pop()));
    if (result.error) throw new Error(`raw_sink_client: ${result.error}`);
    const rawPerSec = result.events / result.seconds;
    const stream = vm.events({ types: ['stateChange'] });
    await stream.ready();
    const cpuBefore = cpuMs();
    const wineserverBefore = wineserverCpuMs();
    const start = nowMs();
    await binding.call(control, 'FireBurst', ['OnStateChange', N.oop, name]);
    const bridgePerSec = N.oop / ((await consume(stream, N.oop, start)) / 1000);
    const bridgeWineserver = usPerEvent(wineserverBefore, wineserverCpuMs(), N.oop);
    const bridgeCpu = ((cpuMs() - cpuBefore) * 1000) / N.oop;
    const rawCpu = (result.cpuSeconds * 1e6) / result.events;
    rows.bridgeCpu.push(bridgeCpu);
    rows.rawCpu.push(rawCpu);
    rows.extraCpu.push(bridgeCpu - rawCpu);
    if (rawWineserver !== null && bridgeWineserver !== null) {
      rows.rawWineserver.push(rawWineserver);
      rows.bridgeWineserver.push(bridgeWineserver);
      rows.extraWineserver.push(bridgeWineserver - rawWineserver);
    }
    rows.raw.push(rawPerSec);
    rows.bridge.push(bridgePerSec);
    rows.ratio.push(bridgePerSec / rawPerSec);
  }
  await simulatorServer.close();
  return {
    events: N.oop,
    rawSinkPerSec: summary(rows.raw),
    bridgePerSec: summary(rows.bridge),
    ratio: summary(rows.ratio),
    // Where the time goes: CPU µs per event of the receiving process, and of Wine's wineserver; `extra*`
    // is the bridge's less the raw sink's, taken within each run.
    cpuUsPerEvent: {
      rawSinkProcess: summary(rows.rawCpu),
      bridgeProcess: summary(rows.bridgeCpu),
      extraProcess: summary(rows.extraCpu),
      ...(rows.rawWineserver.length
        ? {
            rawSinkWineserver: summary(rows.rawWineserver),
            bridgeWineserver: summary(rows.bridgeWineserver),
            extraWineserver: summary(rows.extraWineserver),
          }
        : {}),
    },
  };
}

/**
 * Raw threadsafe-function records (bench_addon.cc), fired as fast as possible or at `perSecond`: resolves
 * with the events/s and each record's fire-to-JS delay in ms.
 * @param {number} count @param {boolean} batched @param {number} [perSecond]
 * @returns {Promise<{ perSec: number, delays: number[] }>}
 */
function rawEvents(count, batched, perSecond = 0) {
  const start = nowMs();
  const delays = [];
  return new Promise((resolve) => {
    bench.rawEvents(
      count,
      batched,
      /** @param {{ time: number } | { time: number }[]} records */ (records) => {
        const now = nowMs();
        for (const record of Array.isArray(records) ? records : [records]) delays.push(now - record.time);
        if (delays.length === count) resolve({ perSec: count / ((now - start) / 1000), delays });
      },
      perSecond,
    );
  });
}

async function inProcess(server, vm) {
  /** @type {Record<'bridge' | 'naive' | 'batched' | 'toBatched' | 'toNaive', number[]>} */
  const rows = { bridge: [], naive: [], batched: [], toBatched: [], toNaive: [] };
  for (let run = 0; run < RUNS; run++) {
    const stream = vm.events({ maxQueue: N.inProc });
    await stream.ready();
    const start = nowMs();
    await fire(server, 'state', N.inProc, 0);
    const bridge = N.inProc / ((await consume(stream, N.inProc, start)) / 1000);
    const naive = (await rawEvents(N.inProc, false)).perSec;
    const batched = (await rawEvents(N.inProc, true)).perSec;
    rows.bridge.push(bridge);
    rows.naive.push(naive);
    rows.batched.push(batched);
    rows.toBatched.push(bridge / batched);
    rows.toNaive.push(bridge / naive);
  }
  return {
    events: N.inProc,
    bridgePerSec: summary(rows.bridge),
    rawTsfnNaivePerSec: summary(rows.naive),
    rawTsfnBatchedPerSec: summary(rows.batched),
    ratioToBatched: summary(rows.toBatched),
    ratioToNaive: summary(rows.toNaive),
  };
}

/**
 * Fire-to-consumer latency: the source stamps each event with its QueryPerformanceCounter time. Each run
 * also measures the batched raw threadsafe function at the same pace (`rawTsfnBatched`): the latency Node
 * and this machine give a COM thread's wake-up with no bridge at all, the floor of the bridge's figure.
 */
async function latency(server, vm, count, perSecond) {
  /** @type {Record<'p50' | 'p99' | 'max' | 'rawP50' | 'rawP99' | 'rawMax', number[]>} */
  const rows = { p50: [], p99: [], max: [], rawP50: [], rawP99: [], rawMax: [] };
  for (let run = 0; run < RUNS; run++) {
    const stream = vm.events({ types: ['configurationChanged'], maxQueue: Math.max(count, 4096) });
    await stream.ready();
    const delays = [];
    await fire(server, 'stamped', count, perSecond);
    await consume(stream, count, nowMs(), (event) => delays.push(nowMs() - event.value));
    const bridge = spread(delays);
    const raw = spread((await rawEvents(count, true, perSecond)).delays);
    rows.p50.push(bridge.p50);
    rows.p99.push(bridge.p99);
    rows.max.push(bridge.max);
    rows.rawP50.push(raw.p50);
    rows.rawP99.push(raw.p99);
    rows.rawMax.push(raw.max);
  }
  return {
    events: count,
    perSecond,
    p50: summary(rows.p50),
    p99: summary(rows.p99),
    max: summary(rows.max),
    rawTsfnBatched: { p50: summary(rows.rawP50), p99: summary(rows.rawP99), max: summary(rows.rawMax) },
  };
}

/** The RSS of this process in MB, without collecting first. */
const rssNowMb = () => process.memoryUsage().rss / 1048576;

/**
 * Resolves once `done()` is true, checked whenever `wake` is called; rejects if `reading` ends first, or
 * after `ms` (a bench that lost events would wait for good).
 * @param {{ wake: () => void }} progress @param {() => boolean} done @param {Promise<unknown>} reading
 */
function until(progress, done, reading, ms = 120000) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return Promise.race([
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the consumer was not done within ${ms} ms`)), ms);
      progress.wake = () => {
        if (done()) resolve(undefined);
      };
      progress.wake();
    }),
    reading.then(() => {
      throw new Error('the stream ended before the bench was done with it');
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A consumer that keeps up, over N.memory delivered events, with overflow 'error' and the default maxQueue:
 * the source fires them in chunks of half that queue, each once the consumer has read the one before, so
 * the queue never overflows (an overflow fails the bench) and every event crosses the bridge and is read.
 * RSS growth is the peak while they flow (read every 256 events) against a collected start.
 */
async function keepingUp(server, vm) {
  const chunk = DEFAULT_MAX_QUEUE / 2;
  const growth = [];
  const delivered = [];
  for (let run = 0; run < RUNS; run++) {
    const before = rssMb();
    const stream = vm.events({ overflow: 'error' });
    await stream.ready();
    let peak = before;
    let read = 0;
    const progress = { wake: () => undefined };
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type !== 'stateChange') continue;
        read += 1;
        if (read % 256 === 0) peak = Math.max(peak, rssNowMb());
        progress.wake();
      }
    })();
    for (let fired = 0; fired < N.memory;) {
      const count = Math.min(chunk, N.memory - fired);
      await fire(server, 'state', count, 0);
      fired += count;
      await until(progress, () => read >= fired, reading);
    }
    peak = Math.max(peak, rssNowMb());
    growth.push(peak - before);
    delivered.push(read);
    await stream.return();
    await reading;
  }
  return {
    fired: N.memory,
    overflow: 'error',
    maxQueue: DEFAULT_MAX_QUEUE,
    chunk,
    delivered: summary(delivered),
    rssGrowthMb: summary(growth),
  };
}

/**
 * A consumer that falls behind, with overflow 'drop-oldest' and the default maxQueue: N.memory events
 * fired as fast as the source can at a consumer that waits 1 ms after each one, so the queue stays full
 * and the oldest are dropped and counted. Once the source is idle the consumer reads what is still
 * queued; delivered + dropped must be what was fired. RSS growth is the peak while they flow (read at
 * every event delivered) against a collected start.
 */
async function fallingBehind(server, vm) {
  const growth = [];
  const delivered = [];
  const dropped = [];
  for (let run = 0; run < RUNS; run++) {
    const before = rssMb();
    const stream = vm.events({ overflow: 'drop-oldest' });
    await stream.ready();
    let peak = before;
    let read = 0;
    const progress = { wake: () => undefined };
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type !== 'stateChange') continue;
        read += 1;
        peak = Math.max(peak, rssNowMb());
        progress.wake();
        await sleep(1);
      }
    })();
    await fire(server, 'state', N.memory, 0);
    await server.session.call(server.session.root, 'WaitForIdle', [600000], 'waiting for the bench source');
    await until(progress, () => read + stream.dropped >= N.memory, reading);
    peak = Math.max(peak, rssNowMb());
    if (read + stream.dropped !== N.memory) {
      throw new Error(`${read} delivered + ${stream.dropped} dropped is not the ${N.memory} fired`);
    }
    growth.push(peak - before);
    delivered.push(read);
    dropped.push(stream.dropped);
    await stream.return();
    await reading;
  }
  return {
    fired: N.memory,
    overflow: 'drop-oldest',
    maxQueue: DEFAULT_MAX_QUEUE,
    readEveryMs: 1,
    delivered: summary(delivered),
    dropped: summary(dropped),
    rssGrowthMb: summary(growth),
  };
}

async function subscribeCycles(vm) {
  const per1000 = [];
  for (let run = 0; run < RUNS; run++) {
    const before = rssMb();
    for (let cycle = 0; cycle < N.cycles; cycle++) {
      const stream = vm.events();
      await stream.ready();
      await stream.return();
    }
    per1000.push(((rssMb() - before) * 1000) / N.cycles);
  }
  return summary(per1000);
}

// CPU of this process over idle windows, first with no stream open (the baseline: Node under Wine with
// its connections, timers and GC at rest), then with 10 idle subscriptions and their liveness probes.
async function idleCpu(server) {
  const windows = () => idleCpuWindows(RUNS, N.idleMs);
  // Settles first: the work before (collections, the last subscribe cycles' releases) would count as idle.
  await sleep(Math.min(N.idleMs, 5000));
  const baseline = await windows();
  const vms = await Promise.all(Array.from({ length: 10 }, () => server.findVirtualMachine('bench')));
  const streams = vms.map((vm) => vm.events());
  await Promise.all(streams.map((stream) => stream.ready()));
  const percent = await windows();
  await Promise.all(streams.map((stream) => stream.return()));
  return {
    subscriptions: 10,
    windowMs: N.idleMs,
    baselinePercent: summary(baseline),
    percent: summary(percent),
    addedPercent: summary(percent.map((value, run) => value - baseline[run])),
  };
}

async function calls(server) {
  /** @type {Record<'api' | 'raw' | 'perCallTsfn' | 'sharedTsfn' | 'apiToRaw' | 'apiToPerCall' | 'sharedToPerCall', number[]>} */
  const rows = {
    api: [],
    raw: [],
    perCallTsfn: [],
    sharedTsfn: [],
    apiToRaw: [],
    apiToPerCall: [],
    sharedToPerCall: [],
  };
  const rate = async (get) => {
    const start = nowMs();
    for (let i = 0; i < N.calls; i++) await get();
    return N.calls / ((nowMs() - start) / 1000);
  };
  for (let run = 0; run < RUNS; run++) {
    const apiRate = await rate(() => server.name());
    const rawRate = (N.calls * 100) / bench.invokeLoop(IN_PROC, 'Name', N.calls * 100);
    const workers = [true, false].map((perCall) => new bench.CallWorker(IN_PROC, 'Name', perCall));
    const perCall = await rate(() => workers[0].get());
    const shared = await rate(() => workers[1].get());
    workers.forEach((worker) => worker.close());
    rows.api.push(apiRate);
    rows.raw.push(rawRate);
    rows.perCallTsfn.push(perCall);
    rows.sharedTsfn.push(shared);
    rows.apiToRaw.push(apiRate / rawRate);
    rows.apiToPerCall.push(apiRate / perCall);
    rows.sharedToPerCall.push(shared / perCall);
  }
  return {
    calls: N.calls,
    apiReadsPerSec: summary(rows.api),
    rawInvokePerSec: summary(rows.raw),
    ratio: summary(rows.apiToRaw),
    workerPerCallTsfnPerSec: summary(rows.perCallTsfn),
    workerSharedTsfnPerSec: summary(rows.sharedTsfn),
    apiToPerCallTsfn: summary(rows.apiToPerCall),
    sharedToPerCallTsfn: summary(rows.sharedToPerCall),
  };
}

async function main() {
  execFileSync(path.join(benchDir, 'bench_source_server.exe'), ['/regserver'], { stdio: 'inherit' });
  const binding = h.loadAddon();
  const { server: simulator, control } = await h.connectSimulator(binding);
  binding.release(simulator);
  const inProc = await api.connect({ clsid: IN_PROC });
  const inProcVm = await inProc.findVirtualMachine('bench');
  const local = await api.connect({ clsid: LOCAL });
  const localVm = await local.findVirtualMachine('bench');
  const started = Date.now();

  const results = {
    ...run,
    size: quick ? 'quick' : 'full',
    runs: RUNS,
    simulatorBuild: h.sim.simulatorBuild(),
    counts: N,
    outOfProcess: await outOfProcess(binding, control),
    inProcess: await inProcess(inProc, inProcVm),
    latencyMs: {
      inProcess: await latency(inProc, inProcVm, N.steady, 1000),
      outOfProcess: await latency(local, localVm, N.steady, 1000),
      burstInProcess: await latency(inProc, inProcVm, N.burst, 0),
      burstOutOfProcess: await latency(local, localVm, Math.min(N.burst, N.oop), 0),
    },
    memory: {
      keepingUp: await keepingUp(inProc, inProcVm),
      fallingBehind: await fallingBehind(inProc, inProcVm),
      subscribeCycles: N.cycles,
      rssGrowthMbPer1000Subscribes: await subscribeCycles(inProcVm),
    },
    idle: await idleCpu(local),
    calls: await calls(inProc),
    scale: await scale({
      api,
      binding,
      sizes: N.scaleSizes,
      runs: 3,
      perSecond: SCALE_PER_SECOND,
      seconds: N.scaleSeconds,
      idleMs: N.scaleIdleMs,
    }),
  };
  const seconds = (Date.now() - started) / 1000;
  await Promise.all([inProc.close(), local.close()]);
  binding.release(control);

  const kept = { ...results, seconds, table: table(results) };
  const text = JSON.stringify(kept, medians, 2) + '\n';
  fs.writeFileSync(path.join(__dirname, 'results.json'), text);
  const median = (/** @type {string} */ at) => {
    const value = valueAt(kept, at);
    return (typeof value === 'object' ? value.median : value).toFixed(3);
  };
  for (const row of kept.table) {
    const cells = [row.baseline, row.measured, row.ratio].map((paths) => paths.map(median).join(' / '));
    process.stdout.write([row.measure, ...cells, row.target].join(' | ') + '\n');
  }
  if (keep) process.stdout.write(`bench: kept as ${keepResults(kept, text)}\n`);
}

/** The value at a dotted path of the results ('calls.ratio'). @param {object} results @param {string} at */
function valueAt(results, at) {
  return at.split('.').reduce((value, key) => value[key], /** @type {any} */ (results));
}

/** JSON replacer: the runs arrays stay, numbers rounded. */
function medians(_key, value) {
  return typeof value === 'number' ? Number(value.toPrecision(6)) : value;
}

main().catch((error) => {
  process.stderr.write(`${(error && error.stack) || error}\n`);
  process.exit(1);
});
