'use strict';
// The rows of docs/performance.md, as test/bench/run.js records them in its results (`table`), so that each
// row says what that run measured, in that run's counts. Plain Node: scripts/results-docs.js renders the
// rows and test/unit/results-docs.test.js holds its fixture to them on Linux.

const count = (/** @type {number} */ n) => n.toLocaleString('en-US');

/**
 * A row of docs/performance.md (scripts/results-docs.js): `baseline`, `measured` and `ratio` are paths of
 * the results (a cell of two shows both, "p50 / p99"); a ratio is always one test/bench/run.js computed
 * within each run; `also` are further figures of the row; `target` is the issue's.
 * @typedef {{ measure: string, what: string, baseline: string[], measured: string[], ratio: string[],
 *   target: string, also?: { label: string, figure: string }[] }} BenchRow
 */

/**
 * The rows, in the results so that each says what that run measured.
 * @param {any} r the results
 * @returns {BenchRow[]}
 */
function table(r) {
  const oop = count(r.outOfProcess.events);
  const wineserver = 'rawSinkWineserver' in r.outOfProcess.cpuUsPerEvent;
  /** @type {BenchRow[]} */
  const rows = [
    {
      measure: `out of process, burst of ${oop} (events/s)`,
      what:
        `The simulator, in a process of its own, fires ${oop} OnStateChange events at one VM as fast as it can. ` +
        'Measured: events/s from just before the burst until the last one reached a for-await of vm.events(). ' +
        'Baseline: the same burst into a counting C++ sink in a client process of its own ' +
        '(test/bench/native/raw_sink_client.cc), until the last one returned from the sink.',
      baseline: ['outOfProcess.rawSinkPerSec'],
      measured: ['outOfProcess.bridgePerSec'],
      ratio: ['outOfProcess.ratio'],
      target: '>= 0.9',
    },
    {
      measure: 'out of process, CPU µs per event: receiving process',
      what:
        'CPU time (user and system) of the receiving process over that burst, per event: this Node process ' +
        "for the bridge, the raw sink client's own for the baseline.",
      baseline: ['outOfProcess.cpuUsPerEvent.rawSinkProcess'],
      measured: ['outOfProcess.cpuUsPerEvent.bridgeProcess'],
      ratio: [],
      target: '',
    },
    ...(wineserver
      ? [
          {
            measure: 'out of process, CPU µs per event: wineserver',
            what:
              "CPU time of Wine's wineserver (one process for all of Wine's RPC and wake-ups, read from /proc " +
              "through drive Z:) over the same burst, per event; the baseline's also counts the raw client's " +
              'start-up and connection.',
            baseline: ['outOfProcess.cpuUsPerEvent.rawSinkWineserver'],
            measured: ['outOfProcess.cpuUsPerEvent.bridgeWineserver'],
            ratio: [],
            target: '',
          },
        ]
      : []),
    {
      measure: `out of process, CPU µs per event the bridge adds: process${wineserver ? ' / wineserver' : ''}`,
      what: "The bridge's CPU per event less the raw sink's, taken within each run.",
      baseline: [],
      measured: [
        'outOfProcess.cpuUsPerEvent.extraProcess',
        ...(wineserver ? ['outOfProcess.cpuUsPerEvent.extraWineserver'] : []),
      ],
      ratio: [],
      target: '',
    },
    {
      measure: `in process vs batched raw tsfn, ${count(r.inProcess.events)} events (events/s)`,
      what:
        `The bench source, loaded in this process (test/bench/native/bench_source.cc), fires ${count(r.inProcess.events)} ` +
        'OnStateChange events from an MTA thread as fast as it can. Measured: events/s until the last one reached ' +
        'a for-await of vm.events() (its maxQueue as large as the burst, so none is dropped). Baseline: a bare ' +
        'addon (test/bench/native/bench_addon.cc) firing as many records from an MTA thread through one ' +
        "threadsafe function with one wake-up per batch, the bridge's own scheme, to a JS callback.",
      baseline: ['inProcess.rawTsfnBatchedPerSec'],
      measured: ['inProcess.bridgePerSec'],
      ratio: ['inProcess.ratioToBatched'],
      target: '>= 0.5',
    },
    {
      measure: `in process vs naive raw tsfn, ${count(r.inProcess.events)} events (events/s)`,
      what: 'The same bridge figure against the bare addon calling a threadsafe function once per record.',
      baseline: ['inProcess.rawTsfnNaivePerSec'],
      measured: ['inProcess.bridgePerSec'],
      ratio: ['inProcess.ratioToNaive'],
      target: '>= 3',
    },
    {
      measure: `latency at ${count(r.latencyMs.inProcess.perSecond)}/s in process, p50 / p99 (ms)`,
      what:
        `The in-process bench source fires ${count(r.latencyMs.inProcess.events)} events paced at ` +
        `${count(r.latencyMs.inProcess.perSecond)}/s, each stamped with its firing time. Measured: the delay from ` +
        "firing to the for-await's reading it, p50 and p99 of each run. Baseline: the batched raw threadsafe " +
        'function paced alike, the part of the delay that is Node and the machine, with no bridge.',
      baseline: ['latencyMs.inProcess.rawTsfnBatched.p50', 'latencyMs.inProcess.rawTsfnBatched.p99'],
      measured: ['latencyMs.inProcess.p50', 'latencyMs.inProcess.p99'],
      ratio: [],
      target: 'p99 < 2',
    },
    {
      measure: `latency at ${count(r.latencyMs.outOfProcess.perSecond)}/s out of process, p50 / p99 (ms)`,
      what:
        `The same, ${count(r.latencyMs.outOfProcess.events)} events, with the bench source in a process of its ` +
        "own (bench_source_server.exe), so that each event crosses COM's RPC.",
      baseline: [],
      measured: ['latencyMs.outOfProcess.p50', 'latencyMs.outOfProcess.p99'],
      ratio: [],
      target: 'p99 < 5',
    },
    {
      measure: `RSS growth over ${count(r.memory.keepingUp.fired)} events delivered, consumer keeping up (MB)`,
      what:
        `A stream with overflow '${r.memory.keepingUp.overflow}' and the default maxQueue ` +
        `(${count(r.memory.keepingUp.maxQueue)}); the in-process source fires ${count(r.memory.keepingUp.fired)} ` +
        `events in chunks of ${count(r.memory.keepingUp.chunk)}, each once the consumer has read the chunk ` +
        'before, so the queue never overflows (an overflow fails the bench) and every event crosses the bridge ' +
        'and is read. Measured: the peak RSS while they flow (read every 256 events) less the RSS after a ' +
        'collection before the stream opened; it also counts garbage the collector has not reached yet.',
      baseline: [],
      measured: ['memory.keepingUp.rssGrowthMb'],
      ratio: [],
      target: '< 20',
      also: [{ label: 'delivered', figure: 'memory.keepingUp.delivered' }],
    },
    {
      measure: `RSS growth over ${count(r.memory.fallingBehind.fired)} events, consumer falling behind (MB)`,
      what:
        `A stream with overflow '${r.memory.fallingBehind.overflow}' and the default maxQueue ` +
        `(${count(r.memory.fallingBehind.maxQueue)}); the in-process source fires ` +
        `${count(r.memory.fallingBehind.fired)} events as fast as it can at a consumer that waits ` +
        `${r.memory.fallingBehind.readEveryMs} ms after each one, so the queue stays full and the oldest are ` +
        'dropped and counted; once the source is done the consumer reads what is still queued, and delivered ' +
        'plus dropped must be what was fired. Measured: the peak RSS while they flow (read at every event ' +
        'delivered) less the RSS after a collection before the stream opened.',
      baseline: [],
      measured: ['memory.fallingBehind.rssGrowthMb'],
      ratio: [],
      target: '< 20',
      also: [
        { label: 'delivered', figure: 'memory.fallingBehind.delivered' },
        { label: 'dropped', figure: 'memory.fallingBehind.dropped' },
      ],
    },
    {
      measure: `RSS per 1,000 of ${count(r.memory.subscribeCycles)} subscribe cycles (MB)`,
      what:
        `A stream of one VM opened, subscribed (ready()) and return()ed, ${count(r.memory.subscribeCycles)} ` +
        'times: the RSS growth between collections before and after, per 1,000 cycles.',
      baseline: [],
      measured: ['memory.rssGrowthMbPer1000Subscribes'],
      ratio: [],
      target: '< 1',
    },
    {
      measure: `idle CPU, ${count(r.idle.windowMs / 1000)} s windows: none open / ${r.idle.subscriptions} subscriptions (%)`,
      what:
        'CPU time of this process over idle windows, connected to the out-of-process bench source: first with ' +
        `no stream open (the baseline: Node under Wine at rest), then with ${r.idle.subscriptions} idle ` +
        'subscriptions and their liveness probes.',
      baseline: ['idle.baselinePercent'],
      measured: ['idle.percent'],
      ratio: [],
      target: '< 0.5',
      also: [{ label: 'added by the subscriptions, within each run (%)', figure: 'idle.addedPercent' }],
    },
    {
      measure: 'property reads/s: API vs one-thread-hop addon',
      what:
        `${count(r.calls.calls)} reads of the in-process bench source's Name, one after another. Measured: ` +
        "through the public API (server.name(), a late-bound call on the connection's COM thread). Baseline: " +
        "through a bare addon's MTA worker thread that resolves a Promise through a threadsafe function made " +
        'per call, as native/src/com_call.cc does: one thread hop and back.',
      baseline: ['calls.workerPerCallTsfnPerSec'],
      measured: ['calls.apiReadsPerSec'],
      ratio: ['calls.apiToPerCallTsfn'],
      target: '',
    },
    {
      measure: 'property reads/s: shared vs per-call tsfn, bare addon',
      what:
        "The bare addon's worker thread as above, with one threadsafe function kept for the worker's life " +
        '(measured) against one made per call (baseline): what making one per call costs.',
      baseline: ['calls.workerPerCallTsfnPerSec'],
      measured: ['calls.workerSharedTsfnPerSec'],
      ratio: ['calls.sharedToPerCallTsfn'],
      target: '',
    },
    {
      measure: 'property reads/s: API vs raw Invoke in a C++ loop',
      what:
        `Baseline: ${count(r.calls.calls * 100)} IDispatch::Invoke reads of the same property in a plain C++ ` +
        'loop on one thread, no hop: the ceiling of any late-bound call from Node.',
      baseline: ['calls.rawInvokePerSec'],
      measured: ['calls.apiReadsPerSec'],
      ratio: ['calls.ratio'],
      target: '',
    },
  ];
  return rows;
}

module.exports = { table };
