// The command line of `vsevents`, parsed by hand: util.parseArgs needs Node >= 18.3 and the CLI must run
// on Node 12. commander 8 does run there, but would not remove this code: what the CLI promises is in its
// refusals (-p/--password pointed at VSEVENTS_PASSWORD, a stray word next to --user reported by position
// only since it may be the password, echoed values cut by message-text.ts, HOST=VALUE per-host options,
// our own did-you-mean, exit 2 with one line), and each would be an override of commander's own
// behaviour (exitOverride, configureOutput, custom option parsers) on top of a dependency.
import { ControlCommand, controlMethods, controlNames } from '../control-methods';
import { noQuotes, quoted } from '../message-text';
import { closest } from '../suggest';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface OptionSpec {
  /** Takes a value (--name value or --name=value); otherwise a flag. */
  value: boolean;
  repeatable?: boolean;
}

const optionSpecs: Record<string, OptionSpec> = {
  // Repeatable for a farm; lib/cli/targets.ts checks how often each may be given.
  host: { value: true, repeatable: true },
  local: { value: true, repeatable: true },
  clsid: { value: true, repeatable: true },
  'prog-id': { value: true, repeatable: true },
  user: { value: true, repeatable: true },
  domain: { value: true, repeatable: true },
  vm: { value: true, repeatable: true },
  types: { value: true, repeatable: true },
  state: { value: true, repeatable: true },
  timeout: { value: true },
  duration: { value: true },
  count: { value: true },
  header: { value: true },
  'call-timeout': { value: true },
  'probe-interval': { value: true },
  'ask-password': { value: false },
  'password-stdin': { value: false },
  json: { value: false },
  reconnect: { value: false },
  all: { value: false },
  help: { value: false },
  version: { value: false },
};

/** Where --user asks for the password; the command line never carries it. */
export const PASSWORD_VARIABLE = 'VSEVENTS_PASSWORD';
const noPassword = `vsevents takes no password on the command line: put it in the ${PASSWORD_VARIABLE} environment variable, or use --ask-password or --password-stdin`;
const passwordOption = /^(-p|--(pass|passwd|password|pwd))(=|$)/i;
const credentialOption = /^--(user|domain)(=|$)/;

function didYouMean(word: string, candidates: readonly string[], prefix = ''): string {
  const near = closest(word, candidates);
  return near === undefined ? '' : ` (did you mean ${prefix}${near}?)`;
}

/** The control commands (start, stop, ...), in the order of lib/control-methods.ts. */
const controlCommands = controlNames.map((name) => controlMethods[name].command);

export type Command = 'watch' | 'list' | 'wait' | ControlCommand | 'shutdown' | 'inspect';
export const commands: readonly Command[] = ['watch', 'list', 'wait', ...controlCommands, 'shutdown', 'inspect'];

/** Options each command accepts besides the connection ones (host, local, clsid, prog-id, user, domain). */
const commandOptions: Record<Exclude<Command, ControlCommand>, readonly string[]> = {
  watch: ['vm', 'all', 'types', 'json', 'duration', 'count', 'reconnect'],
  list: ['json'],
  wait: ['vm', 'state', 'timeout', 'json'],
  shutdown: ['vm', 'timeout', 'json'],
  inspect: ['vm', 'json', 'header'],
};
/** Those of every control command. */
const controlOptions: readonly string[] = ['vm', 'timeout', 'json'];

function optionsOf(command: Command): readonly string[] {
  return (controlCommands as readonly string[]).includes(command)
    ? controlOptions
    : commandOptions[command as Exclude<Command, ControlCommand>];
}
const connectionOptions = [
  'host',
  'local',
  'clsid',
  'prog-id',
  'user',
  'domain',
  'call-timeout',
  'probe-interval',
  'ask-password',
  'password-stdin',
];

export interface ParsedArgs {
  command?: Command;
  help: boolean;
  version: boolean;
  /** Values by option name; repeatable options (and comma lists) are flattened. */
  values: Record<string, string[]>;
  flags: Set<string>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { help: false, version: false, values: {}, flags: new Set() };
  // With --user on the command line a stray word may be the password typed after it: never echo one then.
  const mayHoldPassword = argv.some((arg) => credentialOption.test(arg));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      parsed.help = true;
      continue;
    }
    if (passwordOption.test(arg)) throw new UsageError(noPassword);
    if (arg.startsWith('-') && !arg.startsWith('--'))
      throw new UsageError(`unknown option ${quoted(arg, noQuotes)}: options are long, like --json`);
    if (!arg.startsWith('--')) {
      const known = (commands as readonly string[]).includes(arg);
      if (parsed.command === undefined && known) {
        parsed.command = arg as Command;
        continue;
      }
      if (mayHoldPassword) {
        throw new UsageError(
          `unexpected argument ${i + 1} (not shown: it may be a password, which goes in the ${PASSWORD_VARIABLE} environment variable)`,
        );
      }
      if (parsed.command !== undefined) throw new UsageError(`unexpected argument ${quoted(arg)}`);
      throw new UsageError(
        `unknown command ${quoted(arg)}${didYouMean(arg, commands)}; commands: ${commands.join(', ')}`,
      );
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = Object.prototype.hasOwnProperty.call(optionSpecs, name) ? optionSpecs[name] : undefined;
    if (!spec)
      throw new UsageError(
        `unknown option ${quoted(`--${name}`, noQuotes)}${didYouMean(name, Object.keys(optionSpecs), '--')}`,
      );
    if (!spec.value) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      if (name === 'help') parsed.help = true;
      else if (name === 'version') parsed.version = true;
      else parsed.flags.add(name);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else throw new UsageError(`--${name} needs a value`);
    if (value === '') throw new UsageError(`--${name} needs a non-empty value`);
    const list = parsed.values[name] || (parsed.values[name] = []);
    if (list.length > 0 && !spec.repeatable) throw new UsageError(`--${name} was given more than once`);
    list.push(value);
  }
  if (parsed.command) {
    const allowed = optionsOf(parsed.command).concat(connectionOptions);
    for (const name of Object.keys(parsed.values).concat(Array.from(parsed.flags))) {
      if (!allowed.includes(name)) throw new UsageError(`${parsed.command} takes no --${name}`);
    }
  }
  return parsed;
}

/** The single value of an option, or undefined. */
export function single(args: ParsedArgs, name: string): string | undefined {
  const list = args.values[name];
  return list ? list[0] : undefined;
}

/** Every value of a repeatable option, comma lists split (`--types a,b --types c`). */
export function list(args: ParsedArgs, name: string): string[] {
  const values = args.values[name] || [];
  return values.reduce<string[]>(
    (all, v) =>
      all.concat(
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    [],
  );
}

/** A positive whole number, or undefined. */
export function count(args: ParsedArgs, name: string): number | undefined {
  const text = single(args, name);
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--${name} must be a whole number above 0, not ${quoted(text)}`);
  const value = Number(text);
  // Past 2^53 the count would be rounded, and 100,000 digits make Infinity: refuse rather than guess.
  if (!Number.isSafeInteger(value))
    throw new UsageError(`--${name} must be at most ${Number.MAX_SAFE_INTEGER}, not ${quoted(text)}`);
  return value;
}

const MAX_TIMER_MS = 2147483647;

/** A duration in seconds (decimals allowed) as milliseconds. */
export function seconds(args: ParsedArgs, name: string): number | undefined {
  const text = single(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${name} must be a number of seconds, not ${quoted(text)}`);
  const ms = Math.round(value * 1000);
  // Timers overflow past 2^31-1 ms (about 24.8 days) and would fire at once; 400 digits make Infinity.
  if (ms > MAX_TIMER_MS)
    throw new UsageError(`--${name} must be at most ${MAX_TIMER_MS / 1000} seconds, not ${quoted(text)}`);
  return ms;
}

export const usage = `Usage: vsevents <command> [options]

Watch and drive Microsoft Virtual Server 2005 R2 virtual machines.

Commands:
  watch [--vm NAME]... [--all] [--types T,...] [--json] [--duration S] [--count N] [--reconnect]
        Print events until Ctrl-C (or for S seconds, or until N events): every VM's
        state changes, heartbeats and log events (server events); with --vm, the events
        of those VMs (state, heartbeat, shutdown requests, resets, triple faults,
        configuration changes); with --all, both: every event of every VM that exists
        when watch starts, and the log events. --reconnect survives a service restart.
        A farm (--host A --host B): its hosts' server events in one stream, with a
        HOST column, and a line when a host is lost (and, with --reconnect, is back).
  list [--json]                       Virtual machines, their states and their guests'
                                      heartbeats (of every host).
  wait --vm NAME --state S[,S] [--timeout S]
                                      Wait until the VM is in one of the states
                                      (names like Running, or numbers 0-10).
  ${controlCommands.join('|')} --vm NAME [--timeout S]
                                      Control a VM (stop = turn off); returns when
                                      Virtual Server reports the task complete.
  shutdown --vm NAME [--timeout S]    Shut the guest OS down cleanly (needs the Virtual
                                      Machine Additions); returns when it is off. Fails
                                      (exit 1) when the guest cannot shut down: nothing
                                      else is tried.
  inspect [--vm NAME] [--json]        The event interfaces discovered on this host:
                                      names, IIDs, kinds, DISPIDs, vtable slots,
                                      parameter types (paste this into bug reports).
  inspect --header PATH [--vm NAME] [--json]
                                      Compare them with a MIDL header (Virtual Server's
                                      Documentation\\VSComInterfaces.h): prints "matches"
                                      (exit 0) or each difference (exit 1).

Connection (every command; watch and list take a farm):
  --host NAME        a remote Virtual Server host (DCOM); default: this host
  --local NAME       this machine's Virtual Server, called NAME beside other hosts
  --clsid {GUID}     the class to activate, for hosts whose ProgID is not registered here
  --prog-id ID       default VirtualServer.Application
  --user NAME        explicit credentials for --host; the password is read from the
                     VSEVENTS_PASSWORD_<HOST> environment variable (the host name in
                     capitals, other characters as _), else VSEVENTS_PASSWORD, never
                     from the command line
  --ask-password     ask for the --user password on the terminal (not echoed)
  --password-stdin   read it from the first line of stdin (for scripts)
  --domain NAME
  --call-timeout S   how long one call to a host may take (default 15); past it the
                     command fails with ERR_VS_TIMEOUT, exit 1
  --probe-interval S how often watch and wait check that a host is alive (default 5)
                     --clsid, --prog-id, --user and --domain apply to every host, or
                     to one as HOST=VALUE (e.g. --user vs02=admin)

  --json             one JSON object a line (list: one JSON array)
On a terminal, stderr says what the command waits for (connecting, a state), with
the seconds spent; nothing of it when stderr is a pipe or a file.
  -h, --help         this text;  --version  the package version

Exit codes: 0 success (also when the reader of stdout goes away, as with | head -1),
  1 failure (one line on stderr), 2 bad command line, 124 wait, a control command or
  shutdown reached its --timeout, 130 interrupted (Ctrl-C, Ctrl-Break), 129 SIGHUP, 143 SIGTERM.
NODE_DEBUG=virtual-server-events traces connections, subscriptions and errors.
`;
