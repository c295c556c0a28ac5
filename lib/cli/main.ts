#!/usr/bin/env node
// `vsevents`: watch, list, wait for and control Virtual Server VMs from a shell or a script.
// Exit codes: 0 success, 1 failure (one line on stderr), 2 bad command line, 124 the command's own
// --timeout passed, 130 Ctrl-C (128 + the signal's number for SIGHUP and SIGTERM). Signals end cleanly.
import * as fs from 'fs';
import * as path from 'path';
import { PASSWORD_VARIABLE, ParsedArgs, UsageError, count, list, parseArgs, seconds, single, usage } from './args';
import {
  describeComparison,
  describeInterfaces,
  eventJson,
  eventLine,
  hostEventJson,
  hostEventLine,
  notWatchedJson,
  notWatchedLine,
  toJson,
} from './format';
import { CliTarget, passwordFlag, readPassword, targetsOf } from './targets';
import { ControlCommand, controlOfCommand } from '../control-methods';
import { AbortError, ErrorCodes, VirtualServerError } from '../errors';
import { FarmStream, HostEvent, fatalCodes, parseTargets, watch as watchTargets } from '../farm';
import { VMState, parseState, stateName, virtualMachineEventTypes, virtualServerEventTypes } from '../events';
import { compareWithHeader } from '../header/compare';
import { MidlHeader, readMidlHeader } from '../header/parse';
import { headerPathProblem } from '../header/read';
import { Interrupt } from './interrupt';
import { AllVmsStream, NotWatched } from './watch-all';
import { quoted } from '../message-text';
import { VirtualServer, connect } from '../virtual-server';
import type { NativeEventInterface } from '../binding';
import type { VirtualMachine } from '../virtual-machine';
import { GuestHeartbeat, isGuestUnavailable } from '../guest-os';

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Set once stdout's reader has gone (`vsevents watch --json | head -1`): nothing more is written. */
let stdoutClosed = false;

/**
 * What the command waits for, on a terminal only (stderr a TTY): one line redrawn in place, with the
 * seconds spent ("waiting for web01 to reach Running... 12 s"), gone before anything else is printed.
 * Scripts, which read stderr from a pipe or a file, get nothing of it.
 */
class Status {
  private text?: string;
  private started = 0;
  private timer?: ReturnType<typeof setInterval>;

  show(text: string): void {
    if (!process.stderr.isTTY) return;
    this.clear();
    this.text = text;
    this.started = Date.now();
    this.draw();
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.text === undefined) return;
    this.text = undefined;
    process.stderr.write('\r\x1b[K');
  }

  private draw(): void {
    const elapsed = Math.floor((Date.now() - this.started) / 1000);
    const width = process.stderr.columns || 80;
    const line = `${this.text}...${elapsed > 0 ? ` ${elapsed} s` : ''}`;
    // One line that fits: a longer one wraps, and \r would redraw only its last part.
    process.stderr.write(`\r\x1b[K${line.length < width ? line : `${line.slice(0, width - 4)}...`}`);
  }
}

const status = new Status();

function out(line: string): void {
  status.clear();
  if (!stdoutClosed) process.stdout.write(line + '\n');
}

/** A line on stderr, after the status line is gone. */
function say(line: string): void {
  status.clear();
  process.stderr.write(`${line}\n`);
}

/**
 * EPIPE on stdout means the reader has what it wanted: the command stops as at --count (streams closed,
 * sinks unadvised) and exits 0, saying nothing. Any other write error stops it too, and fails it.
 */
function watchStdout(interrupt: Interrupt): { failure?: Error } {
  const state: { failure?: Error } = {};
  process.stdout.on('error', (error: Error & { code?: string }) => {
    if (stdoutClosed) return;
    stdoutClosed = true;
    if (error.code !== 'EPIPE') state.failure = new Error(`cannot write to stdout: ${error.message}`);
    interrupt.abort('stdout closed');
  });
  return state;
}

function oneVm(args: ParsedArgs, command: string): string {
  const vms = args.values.vm || [];
  if (vms.length !== 1) throw new UsageError(`${command} needs exactly one --vm NAME`);
  return vms[0];
}

function checkedTypes(args: ParsedArgs, known: readonly string[]): string[] | undefined {
  const types = list(args, 'types');
  if (types.length === 0) {
    // `--types ,` names nothing: taking it for "every type" would hide the slip.
    if (args.values.types) throw new UsageError(`--types needs at least one event type, like --types ${known[0]}`);
    return undefined;
  }
  for (const type of types) {
    if (!known.includes(type)) throw new UsageError(`--types: ${quoted(type)} is not one of ${known.join(', ')}`);
  }
  return types;
}

function wantedStates(args: ParsedArgs): VMState[] {
  const names = list(args, 'state');
  if (names.length === 0) throw new UsageError('wait needs --state (e.g. --state Running)');
  return names.map((name) => {
    const state = parseState(name);
    if (state === undefined) {
      throw new UsageError(
        `--state: ${quoted(name)} is not a VM state; use one of ${Object.keys(VMState)
          .filter((k) => Number.isNaN(Number(k)))
          .join(', ')} or 0-10`,
      );
    }
    return state;
  });
}

/** Checks what each command needs before connecting (startConnecting checks the connection options), so that usage errors exit 2 without COM work. */
function checkCommand(args: ParsedArgs, targets: CliTarget[]): void {
  seconds(args, 'timeout');
  seconds(args, 'duration');
  count(args, 'count');
  const several = targets.length > 1;
  if (several && args.command !== 'watch' && args.command !== 'list')
    throw new UsageError(`${args.command} takes one --host or --local; watch and list take several`);
  switch (args.command) {
    case 'watch':
      if (args.values.vm && args.flags.has('all')) throw new UsageError('watch takes --vm NAME... or --all, not both');
      if (several && (args.values.vm || args.flags.has('all'))) {
        throw new UsageError(
          `watch ${args.values.vm ? '--vm' : '--all'} takes one host; with several, watch prints their server events (every VM's state changes and heartbeats, and the log events)`,
        );
      }
      distinctVms(args);
      checkedTypes(args, watchableTypes(args));
      break;
    case 'wait':
      oneVm(args, 'wait');
      wantedStates(args);
      break;
    case 'inspect': {
      if ((args.values.vm || []).length > 1) throw new UsageError('inspect takes at most one --vm');
      const header = single(args, 'header');
      const problem = header === undefined ? undefined : headerPathProblem(header);
      // A path is shown whole (up to MAX_PATH), so that the user sees which one was taken.
      if (header !== undefined && problem)
        throw new UsageError(`--header ${header.length <= 260 ? `"${header}"` : quoted(header)} ${problem}`);
      break;
    }
    case 'list':
      break;
    default:
      oneVm(args, args.command as string);
  }
}

/** watch opens one stream per --vm: a VM named twice (names ignore case) would print each event twice. */
function distinctVms(args: ParsedArgs): void {
  const seen = new Set<string>();
  for (const name of args.values.vm || []) {
    if (seen.has(name.toLowerCase())) throw new UsageError(`--vm ${quoted(name)} was given twice: name each VM once`);
    seen.add(name.toLowerCase());
  }
}

/** The command-line spelling of each connect() option, for its argument errors. */
const optionFlags: Record<string, string> = {
  'options.host': '--host',
  'options.name': '--local',
  'options.progId': '--prog-id',
  'options.clsid': '--clsid',
  'options.credentials.user': '--user',
  'options.credentials.domain': '--domain',
  'options.callTimeout': '--call-timeout',
  'options.probeInterval': '--probe-interval',
};

/**
 * --call-timeout and --probe-interval (seconds) as connect()'s callTimeout and probeInterval (ms), for
 * every host; checked here in seconds, connect()'s ranges: a call 1 ms to about 24.8 days, a probe
 * every 0.1 s to 1 hour.
 */
function connectionTimings(args: ParsedArgs): { callTimeout?: number; probeInterval?: number } {
  const timings: { callTimeout?: number; probeInterval?: number } = {};
  const callTimeout = seconds(args, 'call-timeout');
  if (callTimeout !== undefined) {
    if (callTimeout < 1) throw new UsageError('--call-timeout must be above 0 seconds (e.g. --call-timeout 30)');
    timings.callTimeout = callTimeout;
  }
  const probeInterval = seconds(args, 'probe-interval');
  if (probeInterval !== undefined) {
    if (probeInterval < 100 || probeInterval > 3600000) {
      throw new UsageError(
        `--probe-interval must be from 0.1 to 3600 seconds, not ${quoted(single(args, 'probe-interval') as string)}`,
      );
    }
    timings.probeInterval = probeInterval;
  }
  return timings;
}

/**
 * connect() checks its options at the call: what it refuses (a malformed --clsid, a --host too long) is a
 * bad command line, so it exits 2 in the command line's words rather than 1 in the API's.
 */
function inCommandLineWords<T>(targets: CliTarget[], start: () => T): T {
  try {
    return start();
  } catch (error) {
    const err = error as { code?: string; message?: string };
    if (!/^ERR_(INVALID_ARG_|OUT_OF_RANGE)/.test(String(err.code))) throw error;
    const parts = /^The argument '(?:options|targets\[(\d+)\])(\.[^']+)' (.*?)\. Received /s.exec(String(err.message));
    const target = parts && targets[parts[1] === undefined ? 0 : Number(parts[1])];
    const flag =
      parts &&
      target &&
      (parts[2] === '.credentials.password'
        ? target.passwordVariable || PASSWORD_VARIABLE
        : optionFlags[`options${parts[2]}`]);
    if (!parts || !target || !flag) throw new UsageError(oneLine(String(err.message)));
    const name = target.options.name;
    throw new UsageError(`${flag}${name === undefined ? '' : ` (for ${quoted(name)})`} ${parts[3]}`);
  }
}

function startConnecting(target: CliTarget): Promise<VirtualServer> {
  return inCommandLineWords([target], () => connect(target.options));
}

type WatchedEvent = Parameters<typeof eventLine>[0] | NotWatched;
type WatchStream = AsyncIterableIterator<WatchedEvent> & { ready(): Promise<void>; return(): Promise<unknown> };

/** Server events only in --all mode: the VMs' own streams carry their state changes and heartbeats. */
const serverOnlyTypes = ['eventLogged', 'serviceEvent', 'reconnected'];

function watchableTypes(args: ParsedArgs): readonly string[] {
  if (args.values.vm) return virtualMachineEventTypes;
  if (args.flags.has('all')) return Array.from(new Set([...virtualMachineEventTypes, ...serverOnlyTypes]));
  return virtualServerEventTypes;
}

/** Narrows the --types filter to the types one kind of stream has; undefined = no filter. */
function typesFor<T extends string>(
  wanted: string[] | undefined,
  known: readonly T[],
  fallback?: T[],
): T[] | undefined {
  if (!wanted) return fallback;
  return known.filter((type) => wanted.includes(type));
}

async function openWatchStreams(
  server: VirtualServer,
  args: ParsedArgs,
  interrupt: Interrupt,
): Promise<{ streams: WatchStream[]; what: string }> {
  const reconnect = args.flags.has('reconnect');
  const wanted = checkedTypes(args, watchableTypes(args));
  const vmStream = (vm: VirtualMachine): WatchStream =>
    vm.events({ signal: interrupt, reconnect, types: typesFor(wanted, virtualMachineEventTypes) });
  const names = args.values.vm;
  if (names) {
    const vms = await Promise.all(names.map((name) => server.findVirtualMachine(name)));
    return { streams: vms.map(vmStream), what: names.map((n) => `"${n}"`).join(', ') };
  }
  if (!args.flags.has('all')) {
    return {
      streams: [server.events({ signal: interrupt, reconnect, types: typesFor(wanted, virtualServerEventTypes) })],
      what: `every VM on ${server.where}`,
    };
  }
  // Every VM's own events, those created or registered later included (lib/cli/watch-all.ts).
  const all = new AllVmsStream(server, {
    signal: interrupt,
    reconnect,
    vmTypes: typesFor(wanted, virtualMachineEventTypes),
    serverTypes: typesFor(wanted, ['eventLogged', 'serviceEvent', 'reconnected'] as const),
  });
  return { streams: [all], what: `every event of every VM on ${server.where}` };
}

async function watch(server: VirtualServer, args: ParsedArgs, interrupt: Interrupt): Promise<void> {
  const json = args.flags.has('json');
  const { streams, what } = await openWatchStreams(server, args, interrupt);
  // A VM watch --all cannot watch: a record with --json, else a line on stderr; no event, so not counted.
  const print = (event: WatchedEvent): boolean => {
    if (event.type !== 'vmNotWatched') out(json ? eventJson(event) : eventLine(event));
    else if (json) out(notWatchedJson(event));
    else say(`vsevents: ${notWatchedLine(event)}`);
    return event.type !== 'vmNotWatched';
  };
  await printStreams(streams, print, what, args, interrupt);
}

/**
 * Prints every stream's events until they end, Ctrl-C, --duration or --count; lets go of them all in any
 * case. `print` answers false for a record that is no event (not counted by --count).
 */
async function printStreams<E>(
  streams: Array<AsyncIterableIterator<E> & { ready(): Promise<void>; return(): Promise<unknown> }>,
  print: (event: E) => boolean | void,
  what: string,
  args: ParsedArgs,
  interrupt: Interrupt,
): Promise<void> {
  try {
    await Promise.all(streams.map((stream) => stream.ready()));
    const duration = seconds(args, 'duration');
    const timer = duration === undefined ? undefined : setTimeout(() => interrupt.abort('duration'), duration);
    let remaining = count(args, 'count');
    if (!args.flags.has('json')) say(`watching ${what}; Ctrl-C stops`);
    else status.clear();
    try {
      await Promise.all(
        streams.map(async (stream) => {
          try {
            for await (const event of stream) {
              if (print(event) === false) continue;
              if (remaining !== undefined && --remaining === 0) interrupt.abort('count');
            }
          } catch (error) {
            if (!(error instanceof AbortError)) throw error;
          }
        }),
      );
    } finally {
      if (timer) clearTimeout(timer);
    }
  } finally {
    await Promise.all(streams.map((stream) => stream.return()));
  }
}

interface VmRow {
  /** Set when a farm is listed: a HOST column, a host field. */
  host?: string;
  name: string;
  state: VMState;
  /** The guest's heartbeat; null when the VM is not running or its guest cannot tell (no Additions). */
  heartbeat: GuestHeartbeat | null;
}

async function vmRows(server: VirtualServer, host?: string): Promise<VmRow[]> {
  const vms = await server.virtualMachines();
  return Promise.all(
    vms.map(async (vm) => {
      const state = await vm.state();
      // Only a running guest has a heartbeat (ivmguestos-isheartbeating.md): no calls for the others.
      const heartbeat = state === VMState.Running ? await vm.guestOS().heartbeat() : null;
      return { host, name: vm.name, state, heartbeat };
    }),
  );
}

/** The HEARTBEAT column: `yes (100%)`, `no (0%)`, or `-` where the guest cannot tell. */
function heartbeatText(heartbeat: GuestHeartbeat | null): string {
  if (heartbeat === null) return '-';
  return `${heartbeat.isHeartbeating ? 'yes' : 'no'} (${heartbeat.percentage}%)`;
}

/** `NAME  STATE` lines (after a HOST column for a farm), or one JSON array. */
function printVms(rows: VmRow[], args: ParsedArgs, several: boolean): void {
  if (args.flags.has('json')) {
    out(
      toJson(
        rows.map((row) =>
          Object.assign(several ? { host: row.host } : {}, {
            name: row.name,
            state: row.state,
            stateName: stateName(row.state),
            heartbeating: row.heartbeat === null ? null : row.heartbeat.isHeartbeating,
            heartbeatPercentage: row.heartbeat === null ? null : row.heartbeat.percentage,
          }),
        ),
      ),
    );
    return;
  }
  if (rows.length === 0) return;
  const hostColumn = (text: string): string =>
    several ? `${text.padEnd(Math.max(4, ...rows.map((row) => (row.host as string).length)))}  ` : '';
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  const stateWidth = Math.max(5, ...rows.map((row) => stateName(row.state).length));
  out(`${hostColumn('HOST')}${'NAME'.padEnd(width)}  ${'STATE'.padEnd(stateWidth)}  HEARTBEAT`);
  for (const row of rows) {
    out(
      `${hostColumn(row.host as string)}${row.name.padEnd(width)}  ${stateName(row.state).padEnd(stateWidth)}  ${heartbeatText(row.heartbeat)}`,
    );
  }
}

async function listVms(server: VirtualServer, args: ParsedArgs): Promise<void> {
  const rows = await vmRows(server);
  printVms(rows, args, false);
  if (rows.length === 0 && !args.flags.has('json')) out(`no virtual machines on ${server.where}`);
}

function printState(vm: VirtualMachine, state: VMState, args: ParsedArgs): void {
  out(
    args.flags.has('json')
      ? toJson({ vm: vm.name, state, stateName: stateName(state) })
      : `${vm.name}: ${stateName(state)}`,
  );
}

/** Exit codes besides 0 (success) and 1 (failure): documented in usage and docs/API.md. */
export const exitCodes = { usage: 2, timedOut: 124, interrupted: 130 } as const;

/** 128 + the signal's number, as shells report a command it ended; Ctrl-Break is Ctrl-C's twin on Windows. */
const signalExitCodes: Record<string, number> = {
  SIGINT: exitCodes.interrupted,
  SIGBREAK: exitCodes.interrupted,
  SIGHUP: 129,
  SIGTERM: 143,
};

/** Errors that are the command's own --timeout passing (exit 124), not a call's deadline (callTimeout, exit 1). */
const ownTimeouts = new WeakSet<object>();

/**
 * Runs `work` with the command's --timeout. A timer of the same length started first fires first (Node
 * runs timers of one duration in the order they were set), so an ERR_VS_TIMEOUT after it is the command's.
 */
async function withOwnTimeout<T>(args: ParsedArgs, work: (timeout: number | undefined) => Promise<T>): Promise<T> {
  const timeout = seconds(args, 'timeout');
  let passed = false;
  const timer = timeout === undefined ? undefined : setTimeout(() => (passed = true), timeout);
  try {
    return await work(timeout);
  } catch (error) {
    const err = error as { code?: string };
    if (passed && err && err.code === ErrorCodes.TIMEOUT) ownTimeouts.add(err);
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function waitCommand(server: VirtualServer, args: ParsedArgs, interrupt: Interrupt): Promise<void> {
  const vm = await server.findVirtualMachine(oneVm(args, 'wait'));
  const wanted = wantedStates(args);
  status.show(`waiting for ${vm.name} to reach ${wanted.map((state) => stateName(state)).join(' or ')}`);
  const state = await withOwnTimeout(args, (timeout) => vm.waitForState(wanted, { timeout, signal: interrupt }));
  printState(vm, state, args);
}

/** A control command: the VirtualMachine method its row of lib/control-methods.ts names (stop -> turnOff). */
async function control(
  server: VirtualServer,
  args: ParsedArgs,
  interrupt: Interrupt,
  command: ControlCommand,
): Promise<void> {
  const method = controlOfCommand(command);
  const vm = await server.findVirtualMachine(oneVm(args, command));
  status.show(`waiting for ${vm.name} to ${command === 'stop' ? 'turn off' : command}`);
  await withOwnTimeout(args, (timeout) => vm[method]({ timeout, signal: interrupt }));
  printState(vm, await vm.state(), args);
}

/**
 * shutdown: the guest's own shutdown (IVMGuestOS.Shutdown), waited to its task. A guest that cannot shut
 * down (no Additions, CanShutdown false, the VM not running) fails with what to do; nothing else is tried.
 */
async function shutdownGuest(server: VirtualServer, args: ParsedArgs, interrupt: Interrupt): Promise<void> {
  const vm = await server.findVirtualMachine(oneVm(args, 'shutdown'));
  const guest = vm.guestOS();
  let canShutdown: boolean;
  try {
    canShutdown = await guest.canShutdown();
  } catch (error) {
    throw isGuestUnavailable(error) ? await cannotShutDown(vm, error) : error;
  }
  if (!canShutdown) throw await cannotShutDown(vm);
  status.show(`waiting for the guest of ${vm.name} to shut down`);
  try {
    await withOwnTimeout(args, (timeout) => guest.shutdown({ timeout, signal: interrupt }));
  } catch (error) {
    throw isGuestUnavailable(error) ? await cannotShutDown(vm, error) : error;
  }
  printState(vm, await vm.state(), args);
}

/** The failure of a guest that cannot shut down: why (Virtual Server's HRESULT, or its state), and what to do. */
async function cannotShutDown(vm: VirtualMachine, refusal?: unknown): Promise<Error> {
  const refused = refusal as VirtualServerError | undefined;
  const additions = refused !== undefined && refused.hresultName !== 'VM_E_VM_NOT_RUNNING';
  const vmArg = JSON.stringify(vm.name);
  let why: string;
  let todo: string;
  if (additions) {
    why = `its Virtual Machine Additions are not installed, or it has not run with them (${refused.hresultName})`;
    todo = `install the Additions in the guest, or turn the VM off with \`vsevents stop --vm ${vmArg}\` (like pulling the power)`;
  } else {
    const state = await vm.state().catch(() => undefined);
    const name = state === undefined ? 'in an unknown state' : stateName(state);
    why = `it is ${name}${refused ? ` (${refused.hresultName})` : ''}: only a Running guest can be asked to shut down`;
    if (state === VMState.TurnedOff || state === VMState.Saved) todo = 'the VM is off already';
    else if (state === VMState.Paused) todo = `resume it first (\`vsevents resume --vm ${vmArg}\`)`;
    else todo = `wait until it is Running (\`vsevents wait --vm ${vmArg} --state Running\`), then try again`;
  }
  const message = `the guest of ${vm.name} cannot shut down: ${why}. Nothing else was tried: ${todo}`;
  return refused && refused.hresult !== undefined
    ? new VirtualServerError(ErrorCodes.COM_ERROR, message, { hresult: refused.hresult, cause: refusal })
    : new Error(message);
}

async function inspect(server: VirtualServer, args: ParsedArgs, header: MidlHeader | undefined): Promise<void> {
  const name = single(args, 'vm');
  const vm = name ? await server.findVirtualMachine(name) : (await server.virtualMachines())[0];
  const serverInterfaces = await server.eventInterfaces();
  const vmInterfaces = vm ? await vm.eventInterfaces() : undefined;
  if (header) return compareInspected(header, serverInterfaces.concat(vmInterfaces || []), server, vm, args);
  if (args.flags.has('json')) {
    out(toJson({ server: serverInterfaces, vm: vm ? { name: vm.name, interfaces: vmInterfaces } : null }));
    return;
  }
  out(describeInterfaces(`Virtual Server on ${server.where} (IVMVirtualServer)`, serverInterfaces));
  if (vm && vmInterfaces) out(describeInterfaces(`virtual machine "${vm.name}" (IVMVirtualMachine)`, vmInterfaces));
  else out('no virtual machine to inspect: define one, or pass --vm NAME');
}

/** watch of a farm: its hosts' server events in one stream (lib/farm.ts). Bad targets throw here. */
function openFarm(targets: CliTarget[], args: ParsedArgs, interrupt: Interrupt): FarmStream<HostEvent> {
  return inCommandLineWords(targets, () =>
    watchTargets(
      targets.map((target) => target.options),
      {
        signal: interrupt,
        reconnect: args.flags.has('reconnect'),
        types: typesFor(checkedTypes(args, virtualServerEventTypes), virtualServerEventTypes),
      },
    ),
  );
}

function watchFarm(farm: FarmStream<HostEvent>, args: ParsedArgs, interrupt: Interrupt): Promise<void> {
  const json = args.flags.has('json');
  const width = Math.max(4, ...farm.hostNames.map((name) => name.length));
  const print = (event: HostEvent): void => out(json ? hostEventJson(event) : hostEventLine(event, width));
  status.show(`connecting to ${farm.hostNames.join(', ')}`);
  return printStreams([farm], print, `every VM on ${farm.hostNames.join(', ')}`, args, interrupt);
}

/** list of a farm: each host connected and listed at once; a host that fails is said on stderr, and exits 1. */
async function listFarm(targets: CliTarget[], args: ParsedArgs): Promise<number> {
  status.show(`connecting to ${targets.map((target) => target.options.name).join(', ')}`);
  const outcomes = await Promise.all(
    targets.map(async ({ options }) => {
      const { name, ...connectOptions } = options;
      const host = name as string;
      let server: VirtualServer | undefined;
      try {
        server = await connect(connectOptions);
        return { host, rows: await vmRows(server, host) };
      } catch (error) {
        return { host, rows: [], error: error as Error & { code?: string } };
      } finally {
        if (server) await server.close();
      }
    }),
  );
  const failed = outcomes.filter((o) => o.error);
  // What no host gets past (not Windows, no addon) is said once, as for one host.
  const fatal = failed.length === outcomes.length ? failed[0].error : undefined;
  if (fatal && fatalCodes.includes(String(fatal.code))) throw fatal;
  const rows = outcomes.reduce<VmRow[]>((all, o) => all.concat(o.rows), []);
  printVms(rows, args, true);
  const listed = outcomes.filter((o) => !o.error).map((o) => o.host);
  if (rows.length === 0 && listed.length > 0 && !args.flags.has('json'))
    out(`no virtual machines on ${listed.join(', ')}`);
  for (const { host, error } of failed) say(`vsevents: ${host}: ${failureText(error)}`);
  return failed.length > 0 ? 1 : 0;
}

function failureText(error: unknown): string {
  const err = error as { message?: string; code?: string };
  return `${oneLine(error instanceof AbortError ? 'interrupted' : String(err.message))}${err.code ? ` [${err.code}]` : ''}`;
}

/** inspect --header: discovery compared with the header; a difference fails the command (exit 1). */
function compareInspected(
  header: MidlHeader,
  discovered: NativeEventInterface[],
  server: VirtualServer,
  vm: VirtualMachine | undefined,
  args: ParsedArgs,
): void {
  const comparison = compareWithHeader(discovered, header);
  const missing = vm
    ? undefined
    : 'IVMVirtualMachineEvents was not compared: there is no virtual machine to discover it on (define one, or pass --vm NAME)';
  if (args.flags.has('json')) out(toJson(Object.assign({}, comparison, missing ? { notCompared: missing } : {})));
  else
    out(
      describeComparison(comparison, server.where) +
        (missing ? `${comparison.matches ? ', but ' : '\n'}${missing}` : ''),
    );
  if (!comparison.matches) {
    const count = comparison.interfaces.reduce((sum, item) => sum + item.differences.length, 0);
    throw new Error(
      `discovery differs from ${header.path} in ${count} way${count === 1 ? '' : 's'} (listed above): put that list in the bug report`,
    );
  }
}

async function run(
  connecting: Promise<VirtualServer>,
  args: ParsedArgs,
  interrupt: Interrupt,
  header: MidlHeader | undefined,
  where: string,
): Promise<void> {
  status.show(`connecting to ${where}`);
  const server = await connecting;
  status.clear();
  try {
    switch (args.command) {
      case 'watch':
        return await watch(server, args, interrupt);
      case 'list':
        return await listVms(server, args);
      case 'wait':
        return await waitCommand(server, args, interrupt);
      case 'shutdown':
        return await shutdownGuest(server, args, interrupt);
      case 'inspect':
        return await inspect(server, args, header);
      default:
        return await control(server, args, interrupt, args.command as ControlCommand);
    }
  } finally {
    await server.close();
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  let job: () => Promise<number | void>;
  const interrupt = new Interrupt();
  const stdout = watchStdout(interrupt);
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(usage);
      return 0;
    }
    if (args.version) {
      out(packageVersion());
      return 0;
    }
    if (!args.command) throw new UsageError('no command given');
    const targets = targetsOf(args);
    const timings = connectionTimings(args);
    for (const target of targets) Object.assign(target.options, timings);
    checkCommand(args, targets);
    const flag = passwordFlag(args);
    // Asked for (or read) once the command line is known to be good: a typo costs no typing.
    if (flag) await readPassword(flag, targets);
    const parsed = args;
    if (targets.length === 1) {
      const headerPath = args.command === 'inspect' ? single(args, 'header') : undefined;
      // Read before connecting: a file that is no header costs no COM work (nor a wait for a slow host).
      const header = headerPath === undefined ? undefined : await readMidlHeader(headerPath);
      const connecting = startConnecting(targets[0]);
      const where = targets[0].options.host || 'this host';
      job = () => run(connecting, parsed, interrupt, header, where);
    } else if (args.command === 'watch') {
      const farm = openFarm(targets, args, interrupt);
      job = () => watchFarm(farm, parsed, interrupt);
    } else {
      // Every host checked before any is connected: a bad one is a bad command line, and leaves nothing open.
      inCommandLineWords(targets, () => parseTargets(targets.map((target) => target.options)));
      job = () => listFarm(targets, parsed);
    }
  } catch (error) {
    if (error instanceof VirtualServerError) {
      say(`vsevents: ${failureText(error)}`);
      return 1;
    }
    if (error instanceof AbortError) {
      say('vsevents: interrupted');
      return exitCodes.interrupted;
    }
    if (!(error instanceof UsageError)) throw error;
    say(`vsevents: ${error.message} (see vsevents --help)`);
    return exitCodes.usage;
  }
  // The first Ctrl-C (Ctrl-Break, SIGHUP when the console closes, SIGTERM) ends what the command waits
  // for, cleanly: streams closed, sinks unadvised. A second one (or one during a call that cannot be
  // interrupted, such as connecting to an unreachable host) exits at once.
  let signalled: string | undefined;
  const onSignal = (signal: string): void => {
    if (interrupt.aborted) {
      say('vsevents: interrupted');
      process.exit(signalExitCodes[signal] || exitCodes.interrupted);
    }
    signalled = signal;
    interrupt.abort('interrupted');
  };
  const signals = Object.keys(signalExitCodes);
  for (const signal of signals) process.on(signal as NodeJS.Signals, onSignal);
  const interrupted = (): number => {
    // watch is meant to run until stopped: its stop needs no word; any other command did not finish.
    if (args.command !== 'watch') say('vsevents: interrupted');
    else status.clear();
    return signalExitCodes[signalled as string];
  };
  try {
    const code = await job();
    if (stdout.failure) throw stdout.failure;
    if (stdoutClosed) return 0;
    // A command that finished although interrupted (list, inspect: one call each, not interruptible)
    // reports the interruption like any other, so a script never takes it for a full success.
    if (signalled) return interrupted();
    return code || 0;
  } catch (thrown) {
    if (stdoutClosed && !stdout.failure) return 0;
    const error = stdout.failure || thrown;
    if (signalled && error instanceof AbortError) return interrupted();
    // --duration and --count end watch through the same abort: a success.
    if (error instanceof AbortError && args.command === 'watch') return 0;
    say(`vsevents: ${failureText(error)}`);
    return ownTimeouts.has(error as object) ? exitCodes.timedOut : 1;
  } finally {
    for (const signal of signals) process.removeListener(signal, onSignal);
  }
}

/** Runs the CLI as the process: sets the exit code when it ends (the loop then empties and node exits). */
export function start(argv: readonly string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(
        `vsevents: internal error: ${oneLine(String(error instanceof Error ? error.stack : error))}\n`,
      );
      process.exitCode = 1;
    },
  );
}

if (require.main === module) void start(process.argv.slice(2));
