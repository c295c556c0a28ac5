'use strict';
// Backtraces of every thread of the other processes of this Wine prefix (the simulator, children, Wine's
// services), taken with winedbg when a case first fails and before its recovery, so that a hang is
// caught while it still hangs: how the lock-up of issue 12 was found (late_release.cc in the simulator).
// Wine only: Windows has no winedbg (there, take dumps with procdump or WinDbg by hand).
//
// The runner's own threads only with VSE_STRESS_BACKTRACE_RUNNER=1: winedbg suspends the process it
// reads, so a winedbg that hangs on the runner hangs the campaign, and killing it kills the runner (Wine
// ends a debuggee whose debugger dies). That happened once, in the connections case.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const backtracesDir = path.join(__dirname, 'backtraces');
// One process takes under a second; a wedged winedbg is cut off (and ends the process it was reading).
const WINEDBG_TIMEOUT_MS = 60000;

/** Starts a campaign with no backtraces of an earlier one. */
function clearBacktraces() {
  fs.rmSync(backtracesDir, { recursive: true, force: true });
}

function winedbg(args) {
  return spawnSync('winedbg', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: WINEDBG_TIMEOUT_MS });
}

// Runs winedbg's `commands` attached to process `pid` (hex), then detaches.
function inProcess(pid, commands) {
  const file = path.join(os.tmpdir(), `vse-winedbg-${process.pid}.txt`);
  fs.writeFileSync(file, [...commands, 'detach', 'quit', ''].join('\n'));
  const session = winedbg(['--file', file, `0x${pid}`]);
  fs.rmSync(file, { force: true });
  const cutOff = session.error ? `\n(cut off: ${session.error.message})\n` : '';
  return `${session.stdout || ''}${session.stderr || ''}${cutOff}`;
}

// `info thread`: each process (hex id and image) with its threads' hex ids.
function processesAndThreads(listing) {
  /** @type {{ pid: string, image: string, threads: string[] }[]} */
  const processes = [];
  for (const line of listing.split('\n')) {
    const owner = /^([0-9a-f]{8})\s+(.+?)\s*$/i.exec(line);
    const thread = /^\s+([0-9a-f]{8})\s/i.exec(line);
    if (owner) processes.push({ pid: owner[1], image: owner[2], threads: [] });
    else if (thread && processes.length > 0) processes[processes.length - 1].threads.push(thread[1]);
  }
  return processes;
}

// A thread stuck in RpcServerUnregisterIf is Wine's lost wake-up (simulator late_release.cc, stub_pins.cc);
// what names the fix is the interface it unregisters. Its `riid` shows in the frame of the inlined
// list_remove as a pointer into that process: read back.
function unregisteredInterface(pid, backtrace) {
  const riid = /RpcServerUnregisterIf[\s\S]*?list_remove\(riid=([0-9A-Fa-f]+)/.exec(backtrace);
  if (!riid) return null;
  const words = /0x[0-9a-f]+:\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+([0-9a-f]{8})/i.exec(
    inProcess(pid, [`x /4x 0x${riid[1]}`]),
  );
  return words ? guidOf(words.slice(1)) : `? (riid ${riid[1]})`;
}

// The GUID whose 16 bytes winedbg shows as four little-endian 32-bit words.
function guidOf(words) {
  const bytes = Buffer.alloc(16);
  words.forEach((word, i) => bytes.writeUInt32LE(parseInt(word, 16), i * 4));
  const hex = (from, to) => bytes.subarray(from, to).toString('hex');
  const data1 = bytes.readUInt32LE(0).toString(16).padStart(8, '0');
  const data2 = bytes.readUInt16LE(4).toString(16).padStart(4, '0');
  const data3 = bytes.readUInt16LE(6).toString(16).padStart(4, '0');
  return `{${data1}-${data2}-${data3}-${hex(8, 10)}-${hex(10, 16)}}`.toUpperCase();
}

/**
 * Writes the backtraces for run `run` of `caseName` on `build`.
 * @returns {string} the file written (relative to the working folder) and any interface being
 *   unregistered, or why nothing was written
 */
function takeBacktraces(caseName, build, run) {
  const listing = winedbg(['--command', 'info thread']);
  if (listing.error) return `not taken: winedbg (Wine's) could not run: ${listing.error.message}`;
  const self = process.pid.toString(16).padStart(8, '0');
  const withRunner = process.env.VSE_STRESS_BACKTRACE_RUNNER === '1';
  const sections = [];
  const unregistering = [];
  for (const { pid, image, threads } of processesAndThreads(listing.stdout)) {
    if (/winedbg/i.test(image) || (pid === self && !withRunner)) continue;
    const backtrace = inProcess(
      pid,
      threads.map((thread) => `bt 0x${thread}`),
    );
    sections.push(`=== process ${pid} ${image}, threads ${threads.join(' ')} (in this order)\n${backtrace}`);
    const iid = unregisteredInterface(pid, backtrace);
    if (iid) unregistering.push(`${image} (pid 0x${pid}) unregisters ${iid}`);
  }
  fs.mkdirSync(backtracesDir, { recursive: true });
  const file = path.join(backtracesDir, `${caseName}-${build}-run${run}.txt`);
  fs.writeFileSync(file, [...unregistering, listing.stdout, ...sections].join('\n'));
  const where = path.relative(process.cwd(), file);
  return unregistering.length ? `${where}; ${unregistering.join('; ')}` : where;
}

module.exports = { clearBacktraces, takeBacktraces };
