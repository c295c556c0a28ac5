'use strict';
// Backtraces of every thread of every process of this Wine prefix (winedbg's `info proc` and `bt all`),
// taken when a case first fails and before its recovery, so that a hang is caught while it still hangs:
// how the lock-up of issue 12 was found (late_release.cc in the simulator). Wine only: Windows has no
// winedbg (there, take dumps with procdump or WinDbg by hand).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const backtracesDir = path.join(__dirname, 'backtraces');
// `bt all` of the runner, the simulator and Wine's services takes a few seconds; a wedged winedbg is cut off.
const WINEDBG_TIMEOUT_MS = 300000;

/** Starts a campaign with no backtraces of an earlier one. */
function clearBacktraces() {
  fs.rmSync(backtracesDir, { recursive: true, force: true });
}

function winedbg(args) {
  return spawnSync('winedbg', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: WINEDBG_TIMEOUT_MS });
}

// A thread stuck in RpcServerUnregisterIf is Wine's lost wake-up (simulator late_release.cc, stub_pins.cc);
// what names the fix is the interface it unregisters. Its `riid` shows in the frame of the inlined
// list_remove as a pointer into that process: read back, one line per such thread.
function unregisteringInterfaces(threads) {
  const found = [];
  for (const section of threads.split(/\n(?=Backtracing for thread )/)) {
    const header = /^Backtracing for thread (\w+) in process (\w+) \(([^)]*)\)/.exec(section);
    const riid = /RpcServerUnregisterIf[\s\S]*?list_remove\(riid=([0-9A-Fa-f]+)/.exec(section);
    if (header && riid) found.push({ thread: header[1], pid: header[2], image: header[3], riid: riid[1] });
  }
  return found.map(({ thread, pid, image, riid }) => {
    const commands = path.join(os.tmpdir(), `vse-winedbg-${process.pid}.txt`);
    fs.writeFileSync(commands, `x /4x 0x${riid}\ndetach\nquit\n`);
    const read = winedbg(['--file', commands, `0x${pid}`]);
    fs.rmSync(commands, { force: true });
    const words = /0x[0-9a-f]+:\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+([0-9a-f]{8})/i.exec(
      read.stdout || '',
    );
    return `thread ${thread} of ${image} (pid 0x${pid}) unregisters ${words ? guidOf(words.slice(1)) : `? (${riid})`}`;
  });
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
 * @returns {string} the file written (relative to the working folder), or why none was
 */
function takeBacktraces(caseName, build, run) {
  const processes = winedbg(['--command', 'info proc']);
  if (processes.error) return `not taken: winedbg (Wine's) could not run: ${processes.error.message}`;
  const threads = winedbg(['--command', 'bt all']);
  const unregistering = unregisteringInterfaces(threads.stdout || '');
  fs.mkdirSync(backtracesDir, { recursive: true });
  const file = path.join(backtracesDir, `${caseName}-${build}-run${run}.txt`);
  const cutOff = threads.error ? `\n(cut off: ${threads.error.message})\n` : '';
  const text = [...unregistering, processes.stdout + processes.stderr, threads.stdout + threads.stderr + cutOff];
  fs.writeFileSync(file, text.join('\n'));
  const where = path.relative(process.cwd(), file);
  return unregistering.length ? `${where}; ${unregistering.join('; ')}` : where;
}

module.exports = { clearBacktraces, takeBacktraces };
