// Which hosts a `vsevents` command talks to: `--host NAME` (repeatable) and `--local NAME` (this
// machine's Virtual Server under a name), with `--clsid`, `--prog-id`, `--user` and `--domain` for every
// host (`--user svc`) or for one (`--user vs02=admin`); passwords never come from the command line:
// from the environment (VSEVENTS_PASSWORD_<HOST> for that host, else VSEVENTS_PASSWORD), or for every
// --user host from a no-echo prompt (--ask-password) or stdin's first line (--password-stdin).
import { noQuotes, quoted } from '../message-text';
import { PASSWORD_VARIABLE, ParsedArgs, UsageError } from './args';
import { AbortError } from '../errors';
import type { WatchTarget } from '../farm';

/** The flags that bring the password of every --user host instead of the environment. */
export type PasswordFlag = '--ask-password' | '--password-stdin';

/** Which of --ask-password and --password-stdin was given (at most one, and only with --user). */
export function passwordFlag(args: ParsedArgs): PasswordFlag | undefined {
  const ask = args.flags.has('ask-password');
  const stdin = args.flags.has('password-stdin');
  if (ask && stdin) throw new UsageError('take --ask-password or --password-stdin, not both');
  const flag = ask ? '--ask-password' : stdin ? '--password-stdin' : undefined;
  if (flag && !args.values.user) throw new UsageError(`${flag} goes with --user (the password of a remote --host)`);
  return flag;
}

/** One host of the command line, and what its messages call its password's variable. */
export interface CliTarget {
  options: WatchTarget;
  /** The variable its password came from, when it has credentials. */
  passwordVariable?: string;
}

/** Options a host may get one of, for every host or for one. */
const perHost = ['clsid', 'prog-id', 'user', 'domain'] as const;
type PerHost = (typeof perHost)[number];
/** Values never echoed: credentials. */
const secretOptions: readonly PerHost[] = ['user', 'domain'];

/** The variable that holds the password for host `name`: VSEVENTS_PASSWORD_ and its name in capitals, other characters as _. */
export function passwordVariableFor(name: string): string {
  return `${PASSWORD_VARIABLE}_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

interface Given {
  /** The value for every host. */
  all?: string;
  /** Values for one host, by its name in lower case. */
  byHost: Map<string, string>;
}

/** `--user svc --user vs02=admin`: the general value and the per-host ones, checked against the hosts named. */
function perHostValues(args: ParsedArgs, option: PerHost, names: string[], several: boolean): Given {
  const given: Given = { byHost: new Map() };
  const secret = secretOptions.includes(option);
  for (const value of args.values[option] || []) {
    const eq = value.indexOf('=');
    // '=' is in no host name, CLSID, ProgID, Windows user or domain name: it can only mean NAME=VALUE.
    if (eq === -1) {
      if (given.all !== undefined) throw new UsageError(`--${option} was given more than once`);
      given.all = value;
      continue;
    }
    const name = value.slice(0, eq);
    const own = value.slice(eq + 1);
    const shownValue = secret ? '' : `=${own}`;
    if (!names.some((known) => known.toLowerCase() === name.toLowerCase())) {
      throw new UsageError(
        `--${option} ${quoted(`${name}${shownValue}`, noQuotes)}: no --host or --local is named ${quoted(name)}` +
          (several || names.length > 0 ? ` (hosts: ${names.join(', ') || 'none'})` : ''),
      );
    }
    if (own === '') throw new UsageError(`--${option} ${quoted(name, noQuotes)}= needs a value after the =`);
    if (given.byHost.has(name.toLowerCase())) throw new UsageError(`--${option} was given twice for ${quoted(name)}`);
    given.byHost.set(name.toLowerCase(), own);
  }
  return given;
}

function valueFor(given: Given, name: string | undefined): string | undefined {
  const own = name === undefined ? undefined : given.byHost.get(name.toLowerCase());
  return own !== undefined ? own : given.all;
}

function password(variables: string[]): { value: string; variable: string } {
  for (const variable of variables) {
    const value = process.env[variable];
    if (value === undefined) continue;
    if (value === '') {
      throw new UsageError(
        `--user needs the password in the ${variable} environment variable, and it is empty: Windows refuses blank passwords over the network`,
      );
    }
    return { value, variable };
  }
  throw new UsageError(`--user needs the password in the ${variables.join(' or ')} environment variable`);
}

/**
 * The hosts of the command line, checked: at least one (this host when none is named), names distinct,
 * per-host values naming hosts that exist, credentials only for remote hosts.
 */
export function targetsOf(args: ParsedArgs): CliTarget[] {
  const hosts = args.values.host || [];
  const locals = args.values.local || [];
  const names = [...locals, ...hosts];
  const several = names.length > 1;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name.toLowerCase())) throw new UsageError(`${quoted(name)} was named twice: name each host once`);
    seen.add(name.toLowerCase());
  }
  const given = {} as Record<PerHost, Given>;
  for (const option of perHost) given[option] = perHostValues(args, option, names, several);
  if (hosts.length === 0 && given.user.all !== undefined) {
    throw new UsageError('--user is for a remote --host; this host uses your own logon');
  }
  if (valueFor(given.domain, undefined) !== undefined && given.user.all === undefined && given.user.byHost.size === 0)
    throw new UsageError('--domain goes with --user');

  const targetOf = (name: string | undefined, remote: boolean): CliTarget => {
    const options: WatchTarget = {};
    if (name !== undefined && several) options.name = name;
    if (remote) options.host = name;
    const clsid = valueFor(given.clsid, name);
    if (clsid) options.clsid = clsid;
    const progId = valueFor(given['prog-id'], name);
    if (progId) options.progId = progId;
    const user = valueFor(given.user, name);
    const domain = valueFor(given.domain, name);
    if (user === undefined) {
      if (domain !== undefined && name !== undefined && given.domain.byHost.has(name.toLowerCase()))
        throw new UsageError(`--domain for ${quoted(name)} goes with a --user for it`);
      return { options };
    }
    if (!remote) {
      throw new UsageError(`--user for ${quoted(name || 'this host')}: a --local host uses your own logon`);
    }
    const flag = passwordFlag(args);
    // Read once the whole command line is known to be good (readPassword), then set on every such host.
    if (flag)
      return {
        options: Object.assign(options, { credentials: { user, password: '', domain } }),
        passwordVariable: flag,
      };
    const found = password([passwordVariableFor(name as string), PASSWORD_VARIABLE]);
    options.credentials = { user, password: found.value, domain };
    return { options, passwordVariable: found.variable };
  };
  if (names.length === 0) return [targetOf(undefined, false)];
  return [...locals.map((name) => targetOf(name, false)), ...hosts.map((name) => targetOf(name, true))];
}

type TerminalInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/**
 * The password --ask-password or --password-stdin brings, set on every target that has --user. Empty is
 * refused (Windows refuses blank passwords over the network); the password itself is never in a message.
 */
export async function readPassword(
  flag: PasswordFlag,
  targets: CliTarget[],
  input: TerminalInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  const withUser = targets.filter((target) => target.options.credentials);
  const hosts = withUser.map((target) => target.options.name || target.options.host).join(', ');
  let password: string;
  if (flag === '--ask-password') {
    if (!input.isTTY || !input.setRawMode) {
      throw new UsageError(
        '--ask-password needs a terminal to ask on, and stdin is not one: in a script, pipe the password to --password-stdin or set ' +
          PASSWORD_VARIABLE,
      );
    }
    password = await askPassword(input, output, `password for ${hosts}: `);
  } else {
    password = await firstLine(input);
  }
  if (password === '')
    throw new UsageError(`${flag} read an empty password: Windows refuses blank passwords over the network`);
  for (const target of withUser) (target.options.credentials as { password: string }).password = password;
}

/** The first line of `input` (without its line end), or all of it when it has none; then stops reading. */
export function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (line: string): void => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', reject);
      input.pause();
      resolve(line.replace(/\r$/, ''));
    };
    const onData = (chunk: string): void => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end !== -1) finish(text.slice(0, end));
    };
    const onEnd = (): void => finish(text);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', reject);
    input.resume();
  });
}

/**
 * Asks on the terminal without echo (raw mode: each key as typed). Enter ends; Backspace and Ctrl-U
 * edit; Ctrl-C interrupts (AbortError: exit 130), as does Ctrl-D on an empty line.
 */
export function askPassword(
  input: NodeJS.ReadableStream & { setRawMode?(raw: boolean): unknown },
  output: NodeJS.WritableStream,
  prompt: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const setRaw = (raw: boolean): void => {
      if (input.setRawMode) input.setRawMode(raw);
    };
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      setRaw(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed.join(''));
    };
    const onData = (chunk: string): void => {
      for (const key of Array.from(chunk)) {
        if (key === '\r' || key === '\n') return finish();
        if (key === '\u0003' || (key === '\u0004' && typed.length === 0))
          return finish(new AbortError('interrupted at the password prompt'));
        if (key === '\u007f' || key === '\b') typed = typed.slice(0, -1);
        else if (key === '\u0015') typed = [];
        else if (key >= ' ') typed.push(key);
      }
    };
    output.write(prompt);
    setRaw(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}
