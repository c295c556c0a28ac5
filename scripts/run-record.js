'use strict';
// What a results file of the bench (test/bench/run.js) or the stress campaign (test/stress/run.js) says
// about the run that made it, so that a reader can reproduce it: the commit, the date, the machine as the
// runner saw it, Node, Wine where it is known, and the command line. With `--keep` a runner also copies
// its results into docs/results/ as <kind>-<YYYY-MM-DD>-<short commit>.json, which
// scripts/results-docs.js turns into docs/performance.md and docs/reliability.md.
//
// The runners run on Windows node under Wine, where spawning git may fail: the commit is then read from
// .git with fs. Wine's version cannot be asked from inside; scripts/wine-node.js passes the one it
// started in VSE_WINE_VERSION, and without it the record has no `wine` rather than a guess.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const resultsDir = path.join(repoRoot, 'docs', 'results');
/** The shape of the record below; scripts/results-docs.js reads only files of this format. */
const FORMAT = 1;
const KINDS = ['bench', 'stress'];
/** A kept file's name: kind, the run's UTC date, its commit, and -2, -3... when that name was taken. */
const KEPT_NAME = /^(bench|stress)-(\d{4}-\d{2}-\d{2})-([0-9a-f]{7,40})(?:-(\d+))?\.json$/;
// The variables that change what a run does (the simulator build, which Windows node, the backtraces).
const RUN_ENV = ['VSE_SIMULATOR_BUILD', 'VSE_WINDOWS_NODE', 'VSE_STRESS_BACKTRACE_RUNNER'];

/** @param {string[]} args @returns {string | null} git's answer, or null where git cannot be run */
function git(args) {
  try {
    return execFileSync('git', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10000,
      windowsHide: true,
    });
  } catch {
    return null;
  }
}

/** The repository's git folder (.git, or where a worktree's .git file points). @returns {string} */
function gitDir() {
  const dotGit = path.join(repoRoot, '.git');
  if (fs.statSync(dotGit).isDirectory()) return dotGit;
  const pointer = /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
  if (!pointer) throw new Error(`${dotGit} is neither a folder nor a gitdir pointer`);
  return path.resolve(repoRoot, pointer[1].trim());
}

/**
 * HEAD's commit read from the files of .git (HEAD, then the loose ref or packed-refs), for where git
 * cannot be run. @param {string} dir @returns {string | null}
 */
function commitFromFiles(dir) {
  const head = fs.readFileSync(path.join(dir, 'HEAD'), 'utf8').trim();
  const ref = /^ref: (.+)$/.exec(head);
  if (!ref) return /^[0-9a-f]{40}$/.test(head) ? head : null;
  // A worktree keeps its HEAD, the main repository its refs (commondir names it).
  const commonFile = path.join(dir, 'commondir');
  const common = fs.existsSync(commonFile) ? path.resolve(dir, fs.readFileSync(commonFile, 'utf8').trim()) : dir;
  for (const base of [dir, common]) {
    const loose = path.join(base, ...ref[1].split('/'));
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
  }
  const packed = path.join(common, 'packed-refs');
  if (!fs.existsSync(packed)) return null;
  const line = fs
    .readFileSync(packed, 'utf8')
    .split('\n')
    .find((entry) => entry.endsWith(` ${ref[1]}`));
  return line ? line.split(' ')[0] : null;
}

/**
 * The commit the run is of: `git rev-parse --short HEAD` and whether tracked files differ from it, or,
 * where git cannot be run, HEAD read from .git (its first 7 digits; `dirty` unknown, so left out).
 * @returns {{ commit: string | null, dirty?: boolean }}
 */
function commitOfRun() {
  const short = git(['rev-parse', '--short', 'HEAD']);
  if (short !== null && /^[0-9a-f]{7,40}$/.test(short.trim())) {
    const status = git(['status', '--porcelain', '--untracked-files=no']);
    return Object.assign({ commit: short.trim() }, status === null ? {} : { dirty: status.trim() !== '' });
  }
  try {
    const full = commitFromFiles(gitDir());
    return { commit: full && /^[0-9a-f]{40}$/.test(full) ? full.slice(0, 7) : null };
  } catch {
    return { commit: null };
  }
}

/** @param {string} file @returns {string | null} */
function readIfThere(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The Linux host under Wine, read through drive Z: (its os-release and kernel), or null where there is
 * no such drive (Windows) or nothing to read.
 * @returns {string | null}
 */
function linuxHost() {
  const root = process.platform === 'win32' ? 'Z:/' : '/';
  const release = readIfThere(`${root}etc/os-release`);
  const kernel = readIfThere(`${root}proc/sys/kernel/osrelease`);
  const name = release && /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release);
  const parts = [name ? name[1] : null, kernel ? `Linux ${kernel.trim()}` : null].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}

/** The machine as the runner sees it (under Wine: Wine's Windows, and the Linux host through Z:). */
function machine() {
  const cpus = os.cpus();
  const host = linuxHost();
  return Object.assign(
    {
      cpus: cpus.length,
      cpuModel: cpus.length > 0 ? cpus[0].model.trim() : null,
      totalMemoryMb: Math.round(os.totalmem() / 1048576),
      os: `${os.version()} ${os.release()} (${os.platform()} ${os.arch()})`,
    },
    host ? { host } : {},
  );
}

/**
 * The record a runner's results start with. Taken when the run starts: the commit is that of the code
 * that ran. Throws when `keep` is asked for and the commit cannot be told (a kept file is named by it),
 * so that a long run is not made for nothing.
 * @param {'bench' | 'stress'} kind
 * @param {{ keep: boolean }} options
 */
function runRecord(kind, { keep }) {
  if (!KINDS.includes(kind)) throw new Error(`no results kind "${kind}"`);
  const { commit, dirty } = commitOfRun();
  if (keep && commit === null) {
    throw new Error(`--keep: cannot tell this checkout's commit (no git, and no readable .git in ${repoRoot})`);
  }
  /** @type {Record<string, string>} */
  const env = {};
  for (const name of RUN_ENV) if (process.env[name] !== undefined) env[name] = String(process.env[name]);
  const wine = process.env.VSE_WINE_VERSION;
  return Object.assign(
    { kind, format: FORMAT, commit },
    dirty === undefined ? {} : { dirty },
    {
      date: new Date().toISOString(),
      command: { argv: process.argv.slice(2), env },
      machine: machine(),
      node: `${process.version} (${process.platform} ${process.arch})`,
    },
    wine ? { wine } : {},
  );
}

/**
 * Writes `text` (a runner's results) to docs/results/<kind>-<YYYY-MM-DD>-<commit>.json, or -2, -3...
 * after it when that name is taken; returns the path written.
 * @param {{ kind: string, date: string, commit: string | null }} results @param {string} text
 * @param {string} [dir] docs/results/ unless another (the tests')
 */
function keepResults(results, text, dir = resultsDir) {
  if (results.commit === null) throw new Error('--keep: the results name no commit');
  fs.mkdirSync(dir, { recursive: true });
  const stem = `${results.kind}-${results.date.slice(0, 10)}-${results.commit}`;
  for (let n = 1; ; n += 1) {
    const file = path.join(dir, `${stem}${n === 1 ? '' : `-${n}`}.json`);
    try {
      fs.writeFileSync(file, text, { flag: 'wx' });
      return file;
    } catch (error) {
      if (!(error instanceof Error && /** @type {NodeJS.ErrnoException} */ (error).code === 'EEXIST')) throw error;
    }
  }
}

module.exports = { FORMAT, KINDS, KEPT_NAME, resultsDir, runRecord, keepResults, commitFromFiles, gitDir };
