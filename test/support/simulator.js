'use strict';
// Registers, drives and kills the simulated Virtual Server (test/simulator/README.md) from tests that
// run on Windows node (scripts/wine-node.js on Linux).
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { simulatorBuilds: BUILDS, simulatorDir } = require('../../scripts/rig-paths');
const PROGID = 'VirtualServer.Application';
const CONTROL_PROGID = 'VirtualServerSimulator.Control';
// The simulated hosts (README.md, "More hosts"): A is what clients find under VirtualServer.Application; any
// other host is the same build under invented CLSIDs and ProgIDs derived from its name (src/host.cc), served by
// a process of its own.
const HOST_NAME = /^[A-Za-z0-9]{1,12}$/;
const SERVER_DATA1 = '137A20F7';
const CONTROL_DATA1 = 'E69D996F';
/** The simulated host named `name` (1 to 12 ASCII letters and digits, case-insensitive). @param {string} name */
function simulatedHost(name) {
  if (typeof name !== 'string' || !HOST_NAME.test(name)) {
    throw new Error(`a simulated host's name is 1 to 12 ASCII letters and digits, not ${JSON.stringify(name)}`);
  }
  const upper = name.toUpperCase();
  if (upper === 'A') {
    return {
      name: 'A',
      clsid: '{91E55FE5-6D20-4757-BB0A-F5BC602CC904}',
      controlClsid: '{CE427E8F-D324-463C-B6A2-00DC88D5964C}',
      progId: PROGID,
      controlProgId: CONTROL_PROGID,
    };
  }
  // The name's bytes, zero-padded to 12, are Data2, Data3 and Data4 of both CLSIDs.
  const hex = Buffer.concat([Buffer.from(upper, 'ascii'), Buffer.alloc(12 - upper.length)])
    .toString('hex')
    .toUpperCase();
  const tail = `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12)}`;
  return {
    name: upper,
    clsid: `{${SERVER_DATA1}-${tail}}`,
    controlClsid: `{${CONTROL_DATA1}-${tail}}`,
    progId: `${PROGID}.Host${upper}`,
    controlProgId: `${CONTROL_PROGID}.Host${upper}`,
  };
}
const HOST_A = simulatedHost('A');
const HOST_B = simulatedHost('B');
const LIBID = '{D7526A6D-CF83-48A4-87FD-4FBE2AEC5D93}';
const VMVMState = {
  Invalid: 0,
  TurnedOff: 1,
  Saved: 2,
  TurningOn: 3,
  Restoring: 4,
  Running: 5,
  Paused: 6,
  Saving: 7,
  TurningOff: 8,
  MergingDrives: 9,
  DeleteMachine: 10,
};
const { knownHresults, disconnectionHresults } = require('../../dist/hresults.js');
/** An HRESULT as vssim-client.exe prints it: 0x and eight upper-case hex digits. */
const hex = (/** @type {number} */ hresult) => `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
/**
 * Names -> hex, from lib/hresults.ts (the one table); the simulator returns them (test/simulator/src/errors.h).
 * @type {Record<string, string>}
 */
const HRESULTS = {
  S_OK: hex(0),
  ...Object.fromEntries(knownHresults.map(([hresult, name]) => [name, hex(hresult)])),
};
/** Those flagged `disconnects` in lib/hresults.ts, in hex: what the addon reports as ERR_VS_DISCONNECTED. */
const DISCONNECTIONS = Array.from(disconnectionHresults, hex);
const TOOL_TIMEOUT_MS = 60000;

function requireWindows() {
  if (process.platform !== 'win32') {
    throw new Error('the simulator runs on Windows node only: run this under node scripts/wine-node.js');
  }
}

function simulatorBuild() {
  const build = process.env.VSE_SIMULATOR_BUILD || 'dispatch';
  if (!BUILDS.includes(build)) {
    throw new Error(`VSE_SIMULATOR_BUILD must be one of ${BUILDS.join(', ')}, not "${build}"`);
  }
  return build;
}

function simulatorPaths(build) {
  requireWindows();
  if (!BUILDS.includes(build)) throw new Error(`unknown simulator build "${build}": use ${BUILDS.join(' or ')}`);
  const paths = {
    dir: simulatorDir,
    exe: path.join(simulatorDir, `vssim-${build}.exe`),
    client: path.join(simulatorDir, 'vssim-client.exe'),
  };
  for (const file of [paths.exe, paths.client]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first`);
  }
  return paths;
}

// Runs a simulator tool to completion; throws with its output when it fails.
function runTool(file, args) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: TOOL_TIMEOUT_MS, windowsHide: true });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(file)} ${args.join(' ')} exited with ${result.status}: ${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

function clientTool(args) {
  return JSON.parse(runTool(simulatorPaths('dispatch').client, args).trim());
}

// What process `pid` holds: { pid, handles, handleSource, threads } (vssim-client.exe --census).
function census(pid = process.pid) {
  return clientTool(['--census', String(pid)]);
}

// Running simulator servers of either build: [{ name, pid, host }] (host: 'A' or 'B', the simulated host the
// process serves; null if its command line could not be read).
function simulatorProcesses() {
  return clientTool(['--processes']).processes;
}

// Terminates every simulator server (either build) and waits until each is gone; returns their pids.
function killSimulators() {
  return clientTool(['--kill']).killed;
}

// `hosts` itself, once checked: names of HOSTS, at least one.
/** The names of `hosts`, checked, upper case. @param {string[]} hosts */
function hostNames(hosts) {
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw new Error(`hosts must name simulated hosts (['A', 'B', ...]), not ${JSON.stringify(hosts)}`);
  }
  return hosts.map((name) => simulatedHost(name).name);
}

// Registers `build` (HKLM) for each host in `hosts` and unregisters every other host, of either build, so
// that no host is left registered to another build (every host serves the one type library). Both builds
// share ProgIDs, CLSIDs and LIBID, so no server of either build may still be running: a running one would
// keep serving the old build.
function registerSimulator(build = simulatorBuild(), { hosts = ['A'] } = {}) {
  const paths = simulatorPaths(build);
  const names = hostNames(hosts);
  killSimulators();
  runTool(paths.exe, ['/host:*', '/unregserver']);
  registerHosts(build, names);
  return paths;
}

// Registers `build` for each host in `hosts` as well, leaving the registered ones and running servers be:
// for hosts added while others serve (the bench's scale case). The registered hosts must be of `build` too.
function registerHosts(build, hosts) {
  for (const name of hostNames(hosts)) runTool(simulatorPaths(build).exe, [`/host:${name}`, '/regserver']);
}

// Unregisters `hosts` (default: every registered host; the type library goes with the last one).
function unregisterSimulator(build = simulatorBuild(), { hosts = ['*'] } = {}) {
  const names = hosts.length === 1 && hosts[0] === '*' ? ['*'] : hostNames(hosts);
  for (const name of names) runTool(simulatorPaths(build).exe, [`/host:${name}`, '/unregserver']);
}

// Polls `condition` (sync or async) every `pollMs` until it returns a truthy value or `timeoutMs` passes.
async function waitFor(condition, timeoutMs, what, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

// Waits until no simulator server runs (the last release, an idle exit or a crash took effect).
function waitForNoSimulator(timeoutMs = 30000) {
  return waitFor(() => simulatorProcesses().length === 0, timeoutMs, 'every simulator process to exit');
}

// Mocha hooks of a suite that drives the simulator through vssim-client processes: registers `build` before
// it; after each test quits the client `current()` returns (if any) and waits until the server has exited;
// kills whatever is left after the suite.
function clientSuiteHooks(build, current) {
  before(function () {
    registerSimulator(build);
  });
  afterEach(async function () {
    const client = current();
    if (client) await client.close();
    await waitForNoSimulator();
  });
  after(function () {
    killSimulators();
  });
}

// One vssim-client.exe process: command() sends a TAB-separated command and resolves with its result
// line; events (JSON lines with "event") collect in `events`.
class SimulatorClient {
  constructor(child) {
    this.child = child;
    /** @type {number | undefined} the client's Windows process id, from its ready line */
    this.pid = undefined;
    this.events = [];
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.unexpected = []; // result lines nobody asked for (a protocol bug)
    this._waiters = [];
    this._eventWaiters = new Set();
    this._stderr = '';
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) this._onLine(JSON.parse(line));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      this._stderr += chunk;
    });
    this.exited.then((code) => {
      const error = new Error(`vssim-client exited (${code}) ${this._stderr}`);
      for (const waiter of this._waiters.splice(0)) waiter.reject(error);
    });
  }

  _onLine(message) {
    if (message.event) {
      this.events.push(message);
      for (const check of [...this._eventWaiters]) check();
    } else {
      const waiter = this._waiters.shift();
      if (waiter) waiter.resolve(message);
      else this.unexpected.push(message);
    }
  }

  // Resolves with the next result line: the ready line at start, then each command's answer, in order.
  nextResult() {
    return new Promise((resolve, reject) => this._waiters.push({ resolve, reject }));
  }

  // Sends one command (fields are joined with TAB) and resolves with its result line.
  command(...fields) {
    const text = fields.join('\t');
    if (/[\r\n]/.test(text)) throw new Error(`a command field cannot hold a line break: ${JSON.stringify(fields)}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to "${text}" within ${TOOL_TIMEOUT_MS} ms`)),
        TOOL_TIMEOUT_MS,
      );
      const settle = (fn) => (value) => {
        clearTimeout(timer);
        fn(value);
      };
      this._waiters.push({ resolve: settle(resolve), reject: settle(reject) });
      this.child.stdin.write(`${text}\n`);
    });
  }

  // Late-bound call: kind is 'method', 'get' or 'put'; args are typed fields ('s:text', 'i:1'...).
  call(handle, kind, member, outHandle, ...args) {
    return this.command('call', handle, kind, member, outHandle || '-', ...args);
  }

  // Resolves with the events matching `predicate` (among those received from index `since` on) once
  // there are at least `count` of them.
  waitForEvents(predicate, { count = 1, since = 0, timeoutMs = 30000 } = {}) {
    const matching = () => this.events.slice(since).filter(predicate);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matching();
        if (found.length < count) return;
        this._eventWaiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this._eventWaiters.delete(check);
        reject(new Error(`only ${matching().length} of ${count} expected events within ${timeoutMs} ms`));
      }, timeoutMs);
      this._eventWaiters.add(check);
      check();
    });
  }

  // Quits: the client releases everything it holds and exits.
  async close() {
    if (this.child.exitCode === null) this.child.stdin.end('quit\n');
    return this.exited;
  }
}

// Starts a client; `env` adds variables the server inherits when this client activates it under Wine
// (VSSIM_PACING_MS, VSSIM_EXIT_DELAY_MS, VSSIM_IDLE_EXIT_MS, VSSIM_SCENARIO, VSSIM_SERVICE).
/** @param {{ env?: Record<string, string> }} [options] */
async function startClient({ env } = {}) {
  const child = spawn(simulatorPaths('dispatch').client, [], {
    env: Object.assign({}, process.env, env),
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const client = new SimulatorClient(child);
  const ready = await new Promise((resolve, reject) => {
    child.on('error', reject);
    client.nextResult().then(resolve, reject);
  });
  if (!ready.ready) throw new Error(`vssim-client did not start: ${JSON.stringify(ready)}`);
  client.pid = ready.pid;
  return client;
}

module.exports = {
  BUILDS,
  PROGID,
  CONTROL_PROGID,
  HOST_A,
  HOST_B,
  simulatedHost,
  LIBID,
  VMVMState,
  HRESULTS,
  DISCONNECTIONS,
  simulatorBuild,
  simulatorPaths,
  registerSimulator,
  registerHosts,
  unregisterSimulator,
  killSimulators,
  simulatorProcesses,
  census,
  waitFor,
  waitForNoSimulator,
  clientSuiteHooks,
  startClient,
  SimulatorClient,
};
