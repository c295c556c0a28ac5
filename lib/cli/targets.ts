// Which hosts a `vsevents` command talks to: `--host NAME` (repeatable) and `--local NAME` (this
// machine's Virtual Server under a name), with `--clsid`, `--prog-id`, `--user` and `--domain` for every
// host (`--user svc`) or for one (`--user vs02=admin`); passwords come from the environment only:
// VSEVENTS_PASSWORD_<HOST> for that host, else VSEVENTS_PASSWORD.
import { noQuotes, quoted } from '../message-text';
import { PASSWORD_VARIABLE, ParsedArgs, UsageError } from './args';
import type { WatchTarget } from '../farm';

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
    const found = password([passwordVariableFor(name as string), PASSWORD_VARIABLE]);
    options.credentials = { user, password: found.value, domain };
    return { options, passwordVariable: found.variable };
  };
  if (names.length === 0) return [targetOf(undefined, false)];
  return [...locals.map((name) => targetOf(name, false)), ...hosts.map((name) => targetOf(name, true))];
}
