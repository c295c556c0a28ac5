#!/usr/bin/env node
'use strict';
// `node scripts/results-docs.js [--check]` (plain Node, Linux or Windows): writes docs/performance.md from
// the newest bench run kept in docs/results/, and docs/reliability.md from the newest full-size stress
// campaign kept there, with every reduced or narrowed campaign kept there listed as such (a run is kept
// with `--keep`: docs/results/README.md). Every figure on those pages comes from a results file, and each
// table names the commit, date, machine and command of the run that made it and says what each row
// measured (the runners record that too: test/bench/table.js, the `measures` of test/stress/cases/).
// A file that is not what the runners write fails the whole generation, naming the file and what is wrong.
// `--check` writes nothing and exits 1 when the docs differ from what it would write
// (test/unit/results-docs.test.js holds the docs to it the same way).
const fs = require('fs');
const path = require('path');
const { FORMAT, KEPT_NAME, resultsDir } = require('./run-record');

const repoRoot = path.resolve(__dirname, '..');
const PAGES = { performance: 'docs/performance.md', reliability: 'docs/reliability.md' };

// ---------------------------------------------------------------- reading and checking the files

/** A results file that is not what the runners write. */
class MalformedResults extends Error {
  /** @param {string} file @param {string} problem */
  constructor(file, problem) {
    super(`${file}: ${problem}`);
    this.name = 'MalformedResults';
  }
}

const isObject = (/** @type {unknown} */ value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (/** @type {unknown} */ value) => typeof value === 'number' && Number.isFinite(value);
/** A figure as the runners summarise one: its median, min and max (and the bench's runs). */
const isStats = (/** @type {any} */ value) => isObject(value) && 'median' in value && 'min' in value && 'max' in value;

/**
 * The value at a dotted path of a results object ('calls.ratio'), or undefined.
 * @param {any} results @param {string} at
 */
function valueAt(results, at) {
  return at.split('.').reduce((value, key) => (isObject(value) ? value[key] : undefined), results);
}

/**
 * Throws MalformedResults unless `object` (at `where` in the file) has each of `fields` as its check asks.
 * @param {string} file @param {any} object @param {Record<string, (value: any) => boolean>} fields
 * @param {string} [where] the object's path in the file, for the message ('cases[3].')
 */
function expectFields(file, object, fields, where = '') {
  for (const [at, check] of Object.entries(fields)) {
    const value = valueAt(object, at);
    if (!check(value)) {
      const expected = check.name.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`); // anIsoDate: an iso date
      throw new MalformedResults(file, `"${where}${at}" is ${JSON.stringify(value)}, not ${expected}`);
    }
  }
}

// Named for the messages: aString says "not a string".
const aString = (/** @type {unknown} */ value) => typeof value === 'string' && value !== '';
const aText = (/** @type {unknown} */ value) => typeof value === 'string'; // '' too
const aNumber = (/** @type {unknown} */ value) => isNumber(value);
const anObject = (/** @type {unknown} */ value) => isObject(value);
const anArray = (/** @type {unknown} */ value) => Array.isArray(value);
const aBoolean = (/** @type {unknown} */ value) => typeof value === 'boolean';
const aListOfStrings = (/** @type {unknown} */ value) =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');
const anIsoDate = (/** @type {unknown} */ value) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value) && !Number.isNaN(Date.parse(value));
const aNumberOrFigure = (/** @type {any} */ value) => isNumber(value) || (isStats(value) && isNumber(value.median));

/** @param {string} file @param {any} results */
function checkBench(file, results) {
  expectFields(file, results, { size: aString, runs: aNumber, simulatorBuild: aString, table: anArray });
  results.table.forEach((/** @type {any} */ row, /** @type {number} */ i) => {
    const where = `table[${i}]`;
    if (!isObject(row)) throw new MalformedResults(file, `${where} is not an object`);
    expectFields(
      file,
      row,
      {
        measure: aString,
        what: aString,
        baseline: aListOfStrings,
        measured: aListOfStrings,
        ratio: aListOfStrings,
        target: aText,
      },
      `${where}.`,
    );
    const also = row.also === undefined ? [] : row.also;
    if (!Array.isArray(also) || !also.every((a) => isObject(a) && aString(a.label) && aString(a.figure))) {
      throw new MalformedResults(file, `${where}.also is not a list of { label, figure }`);
    }
    const paths = [...row.baseline, ...row.measured, ...row.ratio, ...also.map((a) => a.figure)];
    for (const at of paths) {
      if (!aNumberOrFigure(valueAt(results, at))) {
        throw new MalformedResults(file, `${where} ("${row.measure}") names "${at}", which is no figure of the file`);
      }
    }
  });
}

/** @param {string} file @param {any} results */
function checkStress(file, results) {
  expectFields(file, results, { size: aString, narrowed: aBoolean, cases: anArray });
  if (!['full', 'reduced'].includes(results.size)) throw new MalformedResults(file, `"size" is ${results.size}`);
  results.cases.forEach((/** @type {any} */ outcome, /** @type {number} */ i) => {
    if (!isObject(outcome)) throw new MalformedResults(file, `cases[${i}] is not an object`);
    expectFields(
      file,
      outcome,
      {
        case: aString,
        build: aString,
        what: aString,
        measures: anObject,
        runs: aNumber,
        passes: aNumber,
        failures: anArray,
      },
      `cases[${i}].`,
    );
    if (!outcome.failures.every((/** @type {unknown} */ f) => isObject(f) && aString(/** @type {any} */ (f).error))) {
      throw new MalformedResults(file, `cases[${i}].failures is not a list of { run, error }`);
    }
  });
}

/**
 * The kept results of `dir`, each checked, newest first.
 * @param {string} dir
 * @returns {{ file: string, results: any }[]}
 */
function readResults(dir) {
  const kept = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue; // README.md
    const name = KEPT_NAME.exec(file);
    if (!name) throw new MalformedResults(file, 'not named <bench|stress>-<YYYY-MM-DD>-<short commit>.json');
    let results;
    try {
      results = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      throw new MalformedResults(file, `not JSON (${error instanceof Error ? error.message : error})`);
    }
    if (!isObject(results)) throw new MalformedResults(file, 'not a JSON object');
    if (results.format !== FORMAT) {
      throw new MalformedResults(
        file,
        `format ${JSON.stringify(results.format)}: this generator reads format ${FORMAT}`,
      );
    }
    expectFields(file, results, {
      kind: aString,
      commit: aString,
      date: anIsoDate,
      'command.argv': aListOfStrings,
      'command.env': anObject,
      'machine.cpus': aNumber,
      'machine.totalMemoryMb': aNumber,
      'machine.os': aString,
      node: aString,
    });
    const [, kind, day, commit] = name;
    if (results.kind !== kind) throw new MalformedResults(file, `its name says ${kind}, its "kind" ${results.kind}`);
    if (results.commit !== commit)
      throw new MalformedResults(file, `its name says ${commit}, its "commit" ${results.commit}`);
    if (results.date.slice(0, 10) !== day)
      throw new MalformedResults(file, `its name says ${day}, its "date" ${results.date}`);
    if (kind === 'bench') checkBench(file, results);
    else checkStress(file, results);
    kept.push({ file, results });
  }
  return kept.sort((a, b) => b.results.date.localeCompare(a.results.date) || b.file.localeCompare(a.file));
}

// ---------------------------------------------------------------- rendering

/**
 * A figure as the pages show it: thousands separated; whole from 1,000 up, else at most 1 decimal from 100
 * up and 2 below, and 2 significant digits below 0.01.
 */
function formatNumber(/** @type {number} */ value) {
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (abs < 0.01) return value.toLocaleString('en-US', { maximumSignificantDigits: 2 });
  return value.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 1 : 2 });
}

/** A code span that holds `text` whatever backticks it has. */
function code(/** @type {string} */ text) {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** Text for a table cell: no line breaks, no bare bars. */
const cell = (/** @type {string} */ text) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** @param {string[]} header @param {string[][]} rows */
function markdownTable(header, rows) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A shell word as typed: quoted when it has anything a shell would read. */
const shellWord = (/** @type {string} */ word) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;

/**
 * The command that made a run, as typed: its environment, the npm script, the runner's arguments.
 * @param {any} results
 */
function commandOf(results) {
  const script = results.kind === 'bench' ? 'npm run bench' : 'npm run test:stress';
  const env = Object.entries(results.command.env).map(([name, value]) => `${name}=${shellWord(String(value))}`);
  const args = results.command.argv.length > 0 ? ['--', ...results.command.argv.map(shellWord)] : [];
  return [...env, script, ...args].join(' ');
}

/**
 * What a page says of the run it shows: the file, commit, date, command, machine, Node and Wine.
 * @param {string} file @param {any} r
 */
function runDescription(file, r) {
  const m = r.machine;
  const machine = [
    `${m.cpus} CPUs${m.cpuModel ? ` (${m.cpuModel})` : ''}`,
    `${formatNumber(m.totalMemoryMb)} MB of memory`,
    m.os,
  ].join(', ');
  const lines = [
    r.fixture ? `- **A hand-written fixture, not a measurement**: ${r.fixture}` : null,
    `- Results file: [${file}](results/${file})`,
    `- Commit: ${code(r.commit)}${r.dirty ? ', with changes to tracked files that were not committed' : ''}`,
    `- Date: ${r.date}${isNumber(r.seconds) ? `; the run took ${formatNumber(r.seconds)} s` : ''}`,
    `- Command: ${code(commandOf(r))}`,
    `- Machine as the runner saw it: ${machine}${m.host ? `; host: ${m.host}` : ''}`,
    `- Node: ${r.node}; Wine: ${r.wine || 'not recorded (the runner was not started by scripts/wine-node.js)'}`,
  ];
  return lines.filter((line) => line !== null).join('\n');
}

/** Older kept runs of a page, as links. @param {{ file: string, results: any }[]} runs */
function earlierRuns(runs) {
  if (runs.length === 0) return '';
  const links = runs.map(({ file, results }) => `[${file}](results/${file}) (${results.size})`);
  return `\nEarlier kept runs, not shown here: ${links.join(', ')}.\n`;
}

const GENERATED = (/** @type {string[]} */ files) =>
  `<!-- Generated by scripts/results-docs.js from ${files.length > 0 ? files.map((f) => `docs/results/${f}`).join(', ') : 'docs/results/ (no kept run)'}: edit the generator or keep another run, not this page. -->`;

// ---------------------------------------------------------------- docs/performance.md

const PERFORMANCE_INTRO = `# Performance

\`npm run bench\` (Windows node under Wine; \`-- --quick\` runs smaller counts) measures the bridge against
baselines built for it in \`test/bench/native\` and run in the same process and run: a counting C++ sink in
its own client process (out of process, against the simulator), raw threadsafe functions fired from an MTA
thread and a plain \`IDispatch::Invoke\` loop (in process, against a bench-only in-process event source).
Every figure of the table is the median of the run's repetitions (the results file has each one; the list
under the table gives min and max); every ratio is taken within one repetition by the runner, and its
median shown.`;

const PERFORMANCE_READING = `## Reading the table

- The machine may be shared with other work, so absolute figures are noisy: the within-run ratios are
  what count. The ratios are medians of per-repetition ratios, so they differ a little from the ratio of
  the medians.
- Out of process, the simulator's events come more slowly than JS drains them, so each one is a batch of
  one and costs one event-loop wake-up: the CPU rows show what that costs in the receiving process and in
  Wine's wineserver, against the counting raw sink.
- The "naive" threadsafe function is not naive: Node drains many queued calls per wake-up, so it already
  batches its wake-ups. What is left is one JS call per event, which the bridge makes too while also
  typing each event and handing it to a \`for await\`.
- The latency baseline is the batched raw threadsafe function, paced like the source: its p99 is the part
  of the bridge's p99 that is Node and the machine, not the bridge.
- A late-bound call through the public API makes one thread hop and back, as the one-thread-hop addon does;
  the shared / per-call row isolates what making a threadsafe function per call costs.`;

/** @param {any} results @param {string[]} paths */
const medians = (results, paths) =>
  paths
    .map((at) => {
      const value = valueAt(results, at);
      return formatNumber(isStats(value) ? value.median : value);
    })
    .join(' / ');

/** "min – max" of a figure over the repetitions, or its value. @param {any} results @param {string} at */
function spread(results, at) {
  const value = valueAt(results, at);
  if (!isStats(value)) return formatNumber(value);
  return value.min === value.max
    ? formatNumber(value.median)
    : `${formatNumber(value.min)} to ${formatNumber(value.max)}`;
}

/** True for a figure whose repetitions differ. @param {any} value */
const varies = (value) => isStats(value) && value.min !== value.max;

/** The scale case's curve (test/bench/scale.js), or nothing for a run without it. @param {any} r */
function scaleSection(r) {
  if (!r.scale) return '';
  const s = r.scale;
  const median = (/** @type {any} */ value) => formatNumber(isStats(value) ? value.median : value);
  const rows = s.sizes.map((/** @type {any} */ row) => [
    String(row.hosts),
    `${row.held.threads} / ${row.held.handles} / ${formatNumber(row.held.rssMb)}`,
    row.perHostAdded
      ? `${formatNumber(row.perHostAdded.threads)} / ${formatNumber(row.perHostAdded.handles)} / ${formatNumber(row.perHostAdded.rssMb)}`
      : '',
    median(row.idleCpuPercent),
    row.probesPerHostPerMinute === undefined ? '' : formatNumber(row.probesPerHostPerMinute),
    row.latencyMs ? `${median(row.latencyMs.p50)} / ${median(row.latencyMs.p99)} / ${median(row.latencyMs.max)}` : '',
  ]);
  const verdict = s.limitBeyondSizes
    ? `p99 stayed under ${s.p99TargetMs} ms at every size measured, up to ${s.hostsUnderTarget} hosts: the limit lies beyond.`
    : s.hostsUnderTarget > 0
      ? `p99 stayed under ${s.p99TargetMs} ms up to ${s.hostsUnderTarget} hosts, and not at the next size measured.`
      : `p99 was not under ${s.p99TargetMs} ms at any size measured.`;
  return `
## One process, many hosts

Each host is a simulator process of its own (\`test/bench/scale.js\`), reached through \`connect({ clsid })\`
with one stream on one VM, all in this one Node process; hosts are added size by size. At each size:
what the process holds once settled (threads and handles from outside it, RSS after a collection), the
growth from the size before divided by the hosts added, this process's CPU over ${r.scale.sizes[0].idleCpuPercent.runs.length} idle windows of
${formatNumber(s.idleWindowMs / 1000)} s (median), the liveness probes (\`GetTypeInfoCount\`) each host received a minute
meanwhile, and the delay from firing to reading of stamped events while every host fires ${formatNumber(s.perSecondPerHost)}
a second for ${formatNumber(s.seconds)} s (p50 / p99 / max over all hosts' events of a run, median of the runs). The
simulators share this machine's 2 cores with the collector, which a real farm's hosts do not.

${markdownTable(
  [
    'hosts',
    'threads / handles / RSS MB',
    'per host added: threads / handles / RSS MB',
    'idle CPU %',
    'probes per host a minute',
    'latency p50 / p99 / max (ms)',
  ],
  rows,
)}

${verdict}
`;
}

/** @param {{ file: string, results: any }[]} kept */
function performancePage(kept) {
  const runs = kept.filter(({ results }) => results.kind === 'bench');
  if (runs.length === 0) {
    return `${GENERATED([])}

${PERFORMANCE_INTRO}

No kept bench run exists yet, so this page has no figures: none of docs/results/ is a bench run. A run is
kept with \`npm run bench -- --keep\`, and this page written from it with \`node scripts/results-docs.js\`
([docs/results/README.md](results/README.md)).
`;
  }
  const [{ file, results: r }] = runs;
  const rows = r.table.map((/** @type {any} */ row) => [
    row.measure,
    medians(r, row.baseline),
    medians(r, row.measured),
    medians(r, row.ratio),
    row.target,
  ]);
  const notes = r.table.map((/** @type {any} */ row) => {
    const spreads = [
      row.measured.length > 0 ? `measured ${row.measured.map((at) => spread(r, at)).join(' / ')}` : null,
      row.baseline.length > 0 ? `baseline ${row.baseline.map((at) => spread(r, at)).join(' / ')}` : null,
      row.ratio.length > 0 ? `ratio ${row.ratio.map((at) => spread(r, at)).join(' / ')}` : null,
      ...(row.also || []).map(
        (/** @type {any} */ also) =>
          `${also.label} ${medians(r, [also.figure])}${varies(valueAt(r, also.figure)) ? ` (${spread(r, also.figure)})` : ''}`,
      ),
    ].filter(Boolean);
    return `- **${row.measure}**: ${row.what} Over the ${r.runs} repetitions: ${spreads.join('; ')}.`;
  });
  return `${GENERATED([file])}

${PERFORMANCE_INTRO}

## The run shown

${runDescription(file, r)}
- Size: ${r.size}; simulator build ${r.simulatorBuild}; each figure the median of ${r.runs} repetitions
${earlierRuns(runs.slice(1))}
${markdownTable(['measure', 'baseline', 'measured', 'measured / baseline', 'target'], rows)}

## What each row measured

${notes.join('\n')}
${scaleSection(r)}
${PERFORMANCE_READING}
`;
}

// ---------------------------------------------------------------- docs/reliability.md

const RELIABILITY_INTRO = `# Reliability

\`npm run test:stress\` (Windows node under Wine; \`-- --reduced\` is the size \`npm test\` runs) repeats each
fault, teardown race and load case of \`test/stress/cases/\` on each simulator build, counts outcomes and
prints a table and JSON (runs, passes, each failure's first error, ms min/median/max and each case's
figures), kept in \`test/stress/results.json\` (git-ignored). \`-- --builds dispatch --cases crash,freeze --runs 5\`
narrows it. Handles and threads are read from outside the process (\`vssim-client.exe --census\`: Wine 10's
\`GetProcessHandleCount\` answers 0, so there the system handle list is counted). Each case's file under
\`test/stress/cases/\` says how it judges a run, and why.

On a case's first failure (and before a hung fixture child is killed), winedbg backtraces of every other
process (the simulator, the child, Wine's services) go to \`test/stress/backtraces/\`, before recovery,
naming the interface of any thread stuck unregistering one; \`VSE_STRESS_BACKTRACE_RUNNER=1\` adds the runner
itself, at the risk of a winedbg that hangs it.`;

/**
 * A stress figure's columns: stats and plain values by key, objects flattened to key.sub; lists apart.
 * @param {any} value @param {string} key @param {Map<string, any>} columns @param {Map<string, any>} lists
 */
function collectFigure(value, key, columns, lists) {
  if (Array.isArray(value)) lists.set(key, value);
  else if (isStats(value) && !isObject(value.median)) columns.set(key, value);
  else if (isStats(value))
    collectFigure(value.median, key, columns, lists); // one run's object
  else if (isObject(value))
    for (const [sub, v] of Object.entries(value)) collectFigure(v, `${key}.${sub}`, columns, lists);
  else columns.set(key, value);
}

const OUTCOME_FIELDS = new Set(['case', 'build', 'what', 'measures', 'runs', 'passes', 'failures']);

/** A figure of a table cell: "median (min to max)" over the runs, or the value. */
function figureCell(/** @type {any} */ value) {
  if (value === undefined || value === null) return '-';
  if (isStats(value)) {
    if (!isNumber(value.median)) return String(value.median);
    return value.min === value.max
      ? formatNumber(value.median)
      : `${formatNumber(value.median)} (${formatNumber(value.min)} to ${formatNumber(value.max)})`;
  }
  return isNumber(value) ? formatNumber(value) : String(value);
}

/** One case of a campaign: what it is, a row per build, what each figure is, the lists and failures. */
function caseSection(/** @type {any[]} */ outcomes) {
  const [first] = outcomes;
  const perBuild = outcomes.map((outcome) => {
    const columns = new Map();
    const lists = new Map();
    for (const [key, value] of Object.entries(outcome)) {
      if (!OUTCOME_FIELDS.has(key)) collectFigure(value, key, columns, lists);
    }
    return { outcome, columns, lists };
  });
  const keys = [...new Set(perBuild.flatMap(({ columns }) => [...columns.keys()]))];
  const rows = perBuild.map(({ outcome, columns }) => [
    outcome.build,
    `${outcome.passes} of ${outcome.runs}`,
    ...keys.map((key) => figureCell(columns.get(key))),
  ]);
  const measures = Object.assign({}, ...outcomes.map((outcome) => outcome.measures));
  // A flattened figure (outcomes.refused) has its object's description (outcomes), and its own name.
  const describe = (/** @type {string} */ key) => {
    for (let at = key; at !== ''; at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '') {
      if (measures[at]) return at === key ? measures[at] : `${measures[at]}: ${key.slice(at.length + 1)}`;
    }
    return 'no description in the results file';
  };
  const shown = [...keys, ...new Set(perBuild.flatMap(({ lists }) => [...lists.keys()]))];
  const legend = shown.map((key) => `- ${code(key)}: ${describe(key)}`);
  const listLines = perBuild.flatMap(({ outcome, lists }) =>
    [...lists].map(([key, list]) =>
      list.every(isNumber)
        ? `- ${code(key)}, ${outcome.build}: ${list.map(formatNumber).join(', ')}`
        : `- ${code(key)}, ${outcome.build}: ${list.length} entries, in the results file`,
    ),
  );
  const failureLines = outcomes.flatMap((outcome) => {
    const shownFailures = outcome.failures
      .slice(0, 3)
      .map((/** @type {any} */ failure) => `- ${outcome.build}, run ${failure.run}: ${code(failure.error)}`);
    const more = outcome.failures.length - shownFailures.length;
    return more > 0 ? [...shownFailures, `- ${outcome.build}: ${more} more, in the results file`] : shownFailures;
  });
  return [
    `### ${first.case}`,
    '',
    `${first.what.charAt(0).toUpperCase()}${first.what.slice(1)}.`,
    '',
    markdownTable(['build', 'runs passed', ...keys], rows),
    '',
    'Each figure is the median over the runs (min to max), or the one value the case measured across them:',
    '',
    ...legend,
    ...(listLines.length > 0 ? ['', 'Series:', '', ...listLines] : []),
    ...(failureLines.length > 0 ? ['', 'Failures (first error of each):', '', ...failureLines] : []),
  ].join('\n');
}

/** A campaign: what ran, a summary table, then each case. @param {string} file @param {any} r */
function campaignSection(file, r) {
  const byCase = new Map();
  for (const outcome of r.cases) byCase.set(outcome.case, [...(byCase.get(outcome.case) || []), outcome]);
  const builds = [...new Set(r.cases.map((/** @type {any} */ outcome) => outcome.build))];
  const summary = [...byCase].map(([name, outcomes]) => [
    name,
    String(outcomes[0].runs),
    ...builds.map((build) => {
      const outcome = outcomes.find((/** @type {any} */ o) => o.build === build);
      return outcome ? `${outcome.passes}` : '-';
    }),
  ]);
  const failed = r.cases.filter((/** @type {any} */ outcome) => outcome.failures.length > 0).length;
  return [
    runDescription(file, r),
    `- ${r.cases.length} case runs (a case on a build), ${failed === 0 ? 'none' : failed} with a failure`,
    '',
    markdownTable(['case', 'runs', ...builds.map((build) => `${build} passed`)], summary),
    '',
    ...[...byCase.values()].map((outcomes) => caseSection(outcomes) + '\n'),
  ].join('\n');
}

/** What sets a kept campaign apart from the full one. @param {any} r */
function campaignKind(r) {
  const kinds = [
    r.size === 'reduced' ? 'reduced size' : null,
    r.narrowed ? 'narrowed (fewer builds, cases or runs)' : null,
  ];
  return kinds.filter(Boolean).join(', ');
}

/** @param {{ file: string, results: any }[]} kept */
function reliabilityPage(kept) {
  const runs = kept.filter(({ results }) => results.kind === 'stress');
  const full = runs.filter(({ results }) => results.size === 'full' && !results.narrowed);
  const partial = runs.filter(({ results }) => !(results.size === 'full' && !results.narrowed));
  const files = [...full.slice(0, 1), ...partial].map(({ file }) => file);
  const sections = [];
  if (runs.length === 0) {
    sections.push(`No kept stress campaign exists yet, so this page has no figures: none of docs/results/ is a
stress run. A campaign is kept with \`npm run test:stress -- --keep\`, and this page written from it with
\`node scripts/results-docs.js\` ([docs/results/README.md](results/README.md)).
`);
  } else if (full.length === 0) {
    sections.push(`## The full campaign

No kept full-size campaign exists yet, so this section has no figures: only the runs below, which are not
the full campaign. A campaign is kept with \`npm run test:stress -- --keep\`.
`);
  } else {
    const [{ file, results }] = full;
    sections.push(`## The full campaign of ${results.date.slice(0, 10)}\n\n${campaignSection(file, results)}`);
    const earlier = earlierRuns(full.slice(1)).trim();
    if (earlier) sections.push(earlier + '\n');
  }
  for (const { file, results } of partial) {
    sections.push(
      `## Not the full campaign: ${campaignKind(results)}, ${results.date.slice(0, 10)}\n\n` +
        `These figures are of a ${campaignKind(results)} run, not of the full campaign.\n\n${campaignSection(file, results)}`,
    );
  }
  return `${GENERATED(files)}\n\n${RELIABILITY_INTRO}\n\n${sections.join('\n')}`;
}

// ---------------------------------------------------------------- the pages

/**
 * The pages as the kept results of `dir` make them, formatted as `npm run format` would.
 * @param {string} [dir] docs/results/ unless another
 * @returns {Promise<Record<string, string>>} page path (repo-relative) -> text
 */
async function renderDocs(dir = resultsDir) {
  const kept = fs.existsSync(dir) ? readResults(dir) : [];
  const prettier = require('prettier');
  /** @type {Record<string, string>} */
  const pages = {};
  for (const [page, text] of [
    [PAGES.performance, performancePage(kept)],
    [PAGES.reliability, reliabilityPage(kept)],
  ]) {
    const filepath = path.join(repoRoot, page);
    const options = (await prettier.resolveConfig(filepath)) || {};
    pages[page] = await prettier.format(text, { ...options, filepath });
  }
  return pages;
}

async function main(/** @type {string[]} */ argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(
      `results-docs: unknown argument ${unknown[0]}\nusage: node scripts/results-docs.js [--check]\n`,
    );
    return 2;
  }
  const pages = await renderDocs();
  let stale = 0;
  for (const [page, text] of Object.entries(pages)) {
    const file = path.join(repoRoot, page);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      stale += 1;
      process.stderr.write(`results-docs: ${page} is not what docs/results/ makes: run node scripts/results-docs.js\n`);
    } else {
      fs.writeFileSync(file, text);
      process.stdout.write(`results-docs: wrote ${page}\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`results-docs: ${error instanceof Error ? error.message : error}\n`);
      process.exit(1);
    },
  );
}

module.exports = { renderDocs, readResults, MalformedResults, PAGES };
