'use strict';
// The bench's clocks and statistics, shared by its cases (run.js, scale.js).
const v8 = require('v8');

v8.setFlagsFromString('--expose-gc');
const gc = require('vm').runInNewContext('gc');

/** Windows node's hrtime in ms: QueryPerformanceCounter, the clock the bench source and the simulator stamp. */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median, min and max of the runs, and the runs. @param {number[]} values */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}

/** @param {number[]} sorted ascending @param {number} p */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** p50, p99 and max of delays in ms. @param {number[]} delays */
function spread(delays) {
  const sorted = [...delays].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

/** User + system CPU time of this process so far, in ms. */
function cpuMs() {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** This process's CPU in % of one core over `runs` idle windows of `ms` each. */
async function idleCpuWindows(/** @type {number} */ runs, /** @type {number} */ ms) {
  const percent = [];
  for (let run = 0; run < runs; run++) {
    const before = cpuMs();
    const start = nowMs();
    await sleep(ms);
    percent.push(((cpuMs() - before) / (nowMs() - start)) * 100);
  }
  return percent;
}

/** The RSS of this process in MB, after a full collection. */
function rssMb() {
  gc();
  return process.memoryUsage().rss / 1048576;
}

module.exports = { nowMs, sleep, summary, percentile, spread, cpuMs, idleCpuWindows, rssMb };
