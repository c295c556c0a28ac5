'use strict';
// Freezes a Wine process from the Linux side (SIGSTOP) and thaws it (SIGCONT): alive, holding its
// connections, answering nothing, which is how a hung Virtual Server looks to its clients (a
// deadlocked vssrvc.exe, a remote host that drops packets). Runs on Windows node under Wine, which
// sees the Linux root as drive Z: (/proc included) and runs Linux commands through start.exe /unix.
const { spawnSync } = require('child_process');
const fs = require('fs');

const PROC = 'Z:\\proc';
const SIGNAL_TIMEOUT_MS = 10000;

function readProcFile(pid, name) {
  try {
    return fs.readFileSync(`${PROC}\\${pid}\\${name}`, 'latin1').split('\0').filter(Boolean);
  } catch (error) {
    return null; // gone meanwhile, or not ours to read
  }
}

/**
 * The Linux pids of this Wine prefix's processes whose Windows command line matches `pattern`.
 * Another prefix's processes (another rig on the same machine) are left alone.
 */
function linuxPidsOf(pattern) {
  const prefix = process.env.WINEPREFIX;
  if (!prefix) throw new Error('WINEPREFIX is not set: run under scripts/wine-node.js');
  return fs
    .readdirSync(PROC)
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      const commandLine = readProcFile(pid, 'cmdline');
      if (!commandLine || !pattern.test(commandLine.join(' '))) return false;
      const environment = readProcFile(pid, 'environ');
      return environment !== null && environment.includes(`WINEPREFIX=${prefix}`);
    })
    .map(Number);
}

// start.exe /unix does not wait for the Unix program (nor pass its exit status on), so the process's
// state in /proc says when the signal took: polled until it shows `wanted`, or throws after a while.
function signal(name, pid, tookEffect) {
  spawnSync('start.exe', ['/wait', '/unix', '/bin/kill', `-${name}`, String(pid)], {
    stdio: 'ignore',
    windowsHide: true,
    timeout: 30000,
  });
  const deadline = Date.now() + SIGNAL_TIMEOUT_MS;
  while (!tookEffect(stateOf(pid))) {
    if (Date.now() > deadline)
      throw new Error(
        `process ${pid} did not take SIG${name} within ${SIGNAL_TIMEOUT_MS} ms: its state is ${stateOf(pid)}`,
      );
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function stateOf(pid) {
  const status = readProcFile(pid, 'status');
  const line =
    status &&
    status
      .join('')
      .split('\n')
      .find((l) => l.startsWith('State:'));
  return line ? line.slice('State:'.length).trim()[0] : null;
}

/** Stops the one process matching `pattern`; returns { pid, thaw() }. Throws unless exactly one matches. */
function freezeProcess(pattern) {
  const pids = linuxPidsOf(pattern);
  if (pids.length !== 1)
    throw new Error(`expected one running process matching ${pattern}, found ${pids.length} (${pids.join(', ')})`);
  const [pid] = pids;
  signal('STOP', pid, (state) => state === 'T');
  return { pid, thaw: () => thawProcess(pid) };
}

/** Lets a frozen process run again; nothing to do when it is gone. */
function thawProcess(pid) {
  if (stateOf(pid) !== null) signal('CONT', pid, (state) => state !== 'T');
}

module.exports = { freezeProcess, thawProcess, linuxPidsOf };
