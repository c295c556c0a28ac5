'use strict';
// npm run test:stress: the reliability campaign. Repeats each fault, teardown race and load case of
// test/stress/cases/ on each simulator build, counts outcomes, and prints a table and a JSON summary
// (runs, passes, failures with their first error, timings min/median/max, each case's figures), also
// written to test/stress/results.json; a case's first failure also leaves the backtraces of the other
// processes in test/stress/backtraces/ (backtraces.js). Exits 1 on any failure. Runs on Windows node under
// Wine (scripts/wine-node.js). npm test runs it with --reduced, where each case is one test of its summary.
// The results start with what scripts/run-record.js records of the run (commit, date, machine, Node, Wine,
// command line); each case's outcome says what it is (`what`) and what each figure is (`measures`).
// --keep also copies them into docs/results/, from which scripts/results-docs.js writes docs/reliability.md.
//
// Usage: test/stress/run.js [--reduced] [--builds dispatch,vtable] [--cases crash,freeze,...] [--runs N] [--keep]
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const h = require('../support/harness');
const { runRecord, keepResults } = require('../../scripts/run-record');
const { clearBacktraces, takeBacktraces } = require('./backtraces');

const cases = [
  require('./cases/crash').plain,
  require('./cases/crash').reconnect,
  require('./cases/freeze'),
  require('./cases/hung-reconnect'),
  ...require('./cases/teardown'),
  require('./cases/load'),
  ...require('./cases/slow-consumer'),
  require('./cases/connections'),
];
const resultsFile = path.join(__dirname, 'results.json');

function usage(problem) {
  process.stderr.write(
    `test/stress/run.js: ${problem}\n` +
      'usage: test/stress/run.js [--reduced] [--builds dispatch,vtable] [--cases NAME,...] [--runs N] [--keep]\n' +
      `cases: ${cases.map((c) => c.name).join(', ')}\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  /** @type {{ reduced: boolean, builds: string[], names: string[], runs: number | undefined, keep: boolean }} */
  const options = {
    reduced: false,
    builds: h.sim.BUILDS,
    names: cases.map((c) => c.name),
    runs: undefined,
    keep: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      i += 1;
      return argv[i];
    };
    if (arg === '--reduced') options.reduced = true;
    else if (arg === '--builds') options.builds = value().split(',');
    else if (arg === '--cases') options.names = value().split(',');
    else if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--keep') options.keep = true;
    else usage(`unknown argument ${arg}`);
  }
  for (const build of options.builds) if (!h.sim.BUILDS.includes(build)) usage(`no simulator build "${build}"`);
  for (const name of options.names) if (!cases.some((c) => c.name === name)) usage(`no case "${name}"`);
  if (options.runs !== undefined && !(Number.isInteger(options.runs) && options.runs > 0)) {
    usage('--runs takes a whole number above 0');
  }
  return options;
}

function firstLine(error) {
  return String((error && (error.stack || error.message)) || error).split('\n')[0];
}

function stats(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

// Every run of a case has this long; a run past it is a hang, recorded as a failure.
function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function runCase(stressCase, build, options) {
  const runs = options.runs || stressCase.runs[options.reduced ? 'reduced' : 'full'];
  const context = { build, reduced: options.reduced, runs, figures: {} };
  /**
   * @type {{ case: string, build: string, what: string, runs: number, passes: number,
   *   failures: { run: number | string, error: string, backtraces?: string }[], ms?: ReturnType<typeof stats>,
   *   [figure: string]: unknown }}
   */
  const outcome = {
    case: stressCase.name,
    build,
    what: stressCase.what,
    measures: Object.assign({ ms: 'ms each run took, its checks included' }, stressCase.measures),
    runs,
    passes: 0,
    failures: [],
  };
  const times = [];
  const perRun = [];
  try {
    if (stressCase.setUp) await withDeadline(stressCase.setUp(context), 120000, `${stressCase.name} set-up`);
    for (let run = 1; run <= runs; run += 1) {
      const started = Date.now();
      try {
        const figures = await withDeadline(stressCase.once(context, run), stressCase.deadlineMs, `run ${run}`);
        outcome.passes += 1;
        if (figures) perRun.push(figures);
      } catch (error) {
        const failure = { run, error: firstLine(error) };
        // The first failure of a case only: one look at a hang while it hangs, and a bounded output.
        if (outcome.failures.length === 0) failure.backtraces = takeBacktraces(stressCase.name, build, run);
        outcome.failures.push(failure);
        if (stressCase.recover) await withDeadline(stressCase.recover(context), 120000, 'recovery after a failure');
      }
      times.push(Date.now() - started);
    }
    if (stressCase.tearDown) await withDeadline(stressCase.tearDown(context), 120000, `${stressCase.name} tear-down`);
  } catch (error) {
    outcome.failures.push({ run: 'set-up/tear-down', error: firstLine(error) });
  }
  outcome.ms = stats(times);
  // Figures each run reported, as min/median/max; and what the case measured across its runs.
  for (const key of Object.keys(perRun[0] || {})) outcome[key] = stats(perRun.map((figures) => figures[key]));
  Object.assign(outcome, context.figures);
  return outcome;
}

function describe(failure) {
  return failure.backtraces ? `${failure.error} (backtraces: ${failure.backtraces})` : failure.error;
}

function table(outcomes) {
  const rows = outcomes.map((o) => [
    o.case,
    o.build,
    `${o.passes}/${o.runs}`,
    o.ms ? `${o.ms.min}/${o.ms.median}/${o.ms.max}` : '-',
    o.failures.length ? o.failures[0].error.slice(0, 100) : '',
  ]);
  const header = ['case', 'build', 'passed', 'ms min/median/max', 'first failure'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n');
}

// Keeps every process id of the campaign taken until the runner ends (vssim-client's process_id_hold.cc:
// under Wine a reused id is a reused OXID). Its stdin closes when the runner exits, however it exits.
function holdProcessIds() {
  const holder = spawn(h.sim.simulatorPaths('dispatch').client, ['--hold-process-ids'], {
    stdio: ['pipe', 'ignore', 'inherit'],
    windowsHide: true,
  });
  holder.on('error', (error) => process.stderr.write(`stress: cannot hold process ids: ${error.message}\n`));
  holder.unref();
  /** @type {import('net').Socket} */ (holder.stdin).unref(); // the exit of the runner is not held up by it
  return holder;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  let run;
  try {
    run = runRecord('stress', { keep: options.keep }); // before the campaign: --keep fails now, not in an hour
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const started = Date.now();
  const selected = cases.filter((c) => options.names.includes(c.name));
  clearBacktraces();
  const holder = holdProcessIds();
  const outcomes = [];
  for (const build of options.builds) {
    process.env.VSE_SIMULATOR_BUILD = build; // the simulator helpers' and the fixtures' build
    h.sim.registerSimulator(build);
    for (const stressCase of selected) {
      process.stdout.write(`stress: ${stressCase.name} (${build}) ...\n`);
      const outcome = await runCase(stressCase, build, options);
      process.stdout.write(
        `stress: ${stressCase.name} (${build}): ${outcome.passes}/${outcome.runs} passed` +
          `${outcome.failures.length ? `, first failure: ${describe(outcome.failures[0])}` : ''}\n`,
      );
      outcomes.push(outcome);
    }
  }
  h.sim.killSimulators();
  holder.stdin.end();
  const results = {
    ...run,
    size: options.reduced ? 'reduced' : 'full',
    // Fewer builds, cases or runs than the campaign of that size: not a full campaign, whatever its size.
    narrowed:
      new Set(options.builds).size < h.sim.BUILDS.length ||
      selected.length < cases.length ||
      options.runs !== undefined,
    seconds: Math.round((Date.now() - started) / 1000),
    cases: outcomes,
  };
  const text = JSON.stringify(results, null, 2) + '\n';
  fs.writeFileSync(resultsFile, text);
  process.stdout.write(`\n${table(outcomes)}\n\n${JSON.stringify(results)}\n`);
  if (options.keep) process.stdout.write(`stress: kept as ${keepResults(results, text)}\n`);
  if (process.env.VSE_TEST_SUMMARY) {
    const failed = outcomes.filter((o) => o.failures.length > 0);
    const summary = {
      passed: outcomes.length - failed.length,
      failed: failed.length,
      skipped: 0,
      failures: failed.map((o) => ({ title: `stress ${o.case} (${o.build})`, error: o.failures[0].error })),
    };
    fs.writeFileSync(process.env.VSE_TEST_SUMMARY, JSON.stringify(summary));
  }
  process.exitCode = outcomes.some((o) => o.failures.length > 0) ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`test/stress/run.js failed: ${(error && error.stack) || error}\n`);
  process.exitCode = 1;
});
