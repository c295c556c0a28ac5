'use strict';
// Backtraces of every thread of every process of this Wine prefix (winedbg's `info proc` and `bt all`),
// taken when a case first fails and before its recovery, so that a hang is caught while it still hangs:
// how the lock-up of issue 12 was found (late_release.cc in the simulator). Wine only: Windows has no
// winedbg (there, take dumps with procdump or WinDbg by hand).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const backtracesDir = path.join(__dirname, 'backtraces');
// `bt all` of the runner, the simulator and Wine's services takes a few seconds; a wedged winedbg is cut off.
const WINEDBG_TIMEOUT_MS = 300000;

/** Starts a campaign with no backtraces of an earlier one. */
function clearBacktraces() {
  fs.rmSync(backtracesDir, { recursive: true, force: true });
}

function winedbg(command) {
  return spawnSync('winedbg', ['--command', command], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: WINEDBG_TIMEOUT_MS,
  });
}

/**
 * Writes the backtraces for run `run` of `caseName` on `build`.
 * @returns {string} the file written (relative to the working folder), or why none was
 */
function takeBacktraces(caseName, build, run) {
  const processes = winedbg('info proc');
  if (processes.error) return `not taken: winedbg (Wine's) could not run: ${processes.error.message}`;
  const threads = winedbg('bt all');
  fs.mkdirSync(backtracesDir, { recursive: true });
  const file = path.join(backtracesDir, `${caseName}-${build}-run${run}.txt`);
  const cutOff = threads.error ? `\n(cut off: ${threads.error.message})\n` : '';
  fs.writeFileSync(file, `${processes.stdout}${processes.stderr}\n${threads.stdout}${threads.stderr}${cutOff}`);
  return path.relative(process.cwd(), file);
}

module.exports = { clearBacktraces, takeBacktraces };
