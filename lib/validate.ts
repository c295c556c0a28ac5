// Argument checks that run at the call, before any COM work, and throw what Node's own APIs throw:
// TypeError ERR_INVALID_ARG_TYPE, TypeError ERR_INVALID_ARG_VALUE, RangeError ERR_OUT_OF_RANGE.
import { inspect } from 'util';
import { cut, quoted } from './message-text';
import { closest } from './suggest';

export type ArgumentError = (TypeError | RangeError) & { code: string };

/** Arguments whose values never appear in a message: the credentials and everything in them. */
const SECRET_ARGUMENT = /(^|\.)(credentials|user|password|domain)(\.|$)/;

/** Any received value as Node's messages show it (util.inspect), cut by message-text.ts. */
function inspected(value: unknown): string {
  return typeof value === 'string'
    ? quoted(value, (text) => inspect(text))
    : cut(inspect(value, { depth: 0, breakLength: Infinity }));
}

/**
 * What was received, as Node's own messages say it (with its type in a type error); for a secret argument
 * only its type.
 */
function describeReceived(name: string, value: unknown, { typed = false } = {}): string {
  if (value === null) return 'Received null';
  if (value === undefined) return 'Received undefined';
  if (SECRET_ARGUMENT.test(name)) {
    const constructorName = typeof value === 'object' && value.constructor ? value.constructor.name : '';
    const kind =
      typeof value !== 'object'
        ? `type ${typeof value}`
        : constructorName
          ? `an instance of ${constructorName}`
          : 'an object';
    return `Received ${kind} (its value is not shown: credentials never appear in messages)`;
  }
  if (typeof value === 'function') return `Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') return `Received ${inspected(value)}`;
  return typed ? `Received type ${typeof value} (${inspected(value)})` : `Received ${inspected(value)}`;
}

function withCode<T extends Error>(error: T, code: string): T & { code: string } {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return error as T & { code: string };
}

export function invalidArgType(name: string, expected: string, value: unknown): ArgumentError {
  return withCode(
    new TypeError(`The "${name}" argument must be ${expected}. ${describeReceived(name, value, { typed: true })}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

export function invalidArgValue(name: string, value: unknown, reason: string): ArgumentError {
  return withCode(
    new TypeError(`The argument '${name}' ${reason}. ${describeReceived(name, value)}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** True for an error these checks (or the addon's, which throw the same) make. */
export function isArgumentError(error: unknown): error is ArgumentError {
  if (!(error instanceof TypeError || error instanceof RangeError)) return false;
  return ['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE'].includes(
    (error as { code?: unknown }).code as string,
  );
}

export function outOfRange(name: string, range: string, value: unknown): ArgumentError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. ${describeReceived(name, value)}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** The keys an options object takes, and keys that belong elsewhere (user -> 'credentials.user'). */
export interface OptionKeys {
  readonly known: readonly string[];
  /** Key -> where it goes instead, relative to this object. */
  readonly elsewhere?: Readonly<Record<string, string>>;
}

/**
 * Refuses keys an options object does not take: ignoring one (a typo, `user` beside `credentials`) would
 * quietly do something else than asked, e.g. connect as the process's own logon. Values are never shown;
 * under a secret argument, only keys that look like slips for a known one are.
 */
function rejectUnknownKeys(name: string, given: object, { known, elsewhere = {} }: OptionKeys): void {
  const unknown = Object.keys(given).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const candidates = known.concat(Object.keys(elsewhere));
  const listed: string[] = [];
  for (const key of unknown) {
    const near = closest(key, candidates);
    const better = near !== undefined && Object.prototype.hasOwnProperty.call(elsewhere, near) ? elsewhere[near] : near;
    if (better !== undefined) listed.push(`${inspected(key)} (did you mean '${name}.${better}'?)`);
    else if (!SECRET_ARGUMENT.test(name)) listed.push(inspected(key));
  }
  const hidden = unknown.length - listed.length;
  if (hidden > 0) listed.push(`${hidden} not shown (credentials never appear in messages)`);
  const what = unknown.length === 1 ? 'an unknown key' : `${unknown.length} unknown keys`;
  throw withCode(
    new TypeError(`The argument '${name}' has ${what}: ${listed.join(', ')}. Its keys are ${known.join(', ')}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** An options bag: undefined gives {}; anything but a plain object, or one with keys not in `keys`, throws. */
export function optionsObject<T extends object>(name: string, value: unknown, keys: OptionKeys): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidArgType(name, 'of type object', value);
  rejectUnknownKeys(name, value, keys);
  return value;
}

export function optionalString(
  name: string,
  value: unknown,
  { nonEmpty = true, maxLength = Infinity } = {},
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (nonEmpty && value.length === 0) throw invalidArgValue(name, value, 'must be a non-empty string');
  if (value.length > maxLength) throw invalidArgValue(name, value, `must be at most ${maxLength} characters long`);
  return value;
}

export function requiredString(name: string, value: unknown, { maxLength = Infinity } = {}): string {
  if (value === undefined) throw invalidArgType(name, 'of type string', value);
  return optionalString(name, value, { maxLength }) as string;
}

/** An integer in [min, max], or the default when undefined. */
export function optionalInteger(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max)
    throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value);
  return value;
}

export function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidArgValue(name, value, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/**
 * The part of AbortSignal this package uses. Checked by shape, not by class, so that Node 12 (which has
 * no AbortController) can pass a polyfilled signal, and any realm's signal works.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function isAbortSignalLike(value: unknown): value is AbortSignalLike {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<AbortSignalLike>;
  return (
    typeof candidate.aborted === 'boolean' &&
    typeof candidate.addEventListener === 'function' &&
    typeof candidate.removeEventListener === 'function'
  );
}

export function optionalSignal(name: string, value: unknown): AbortSignalLike | undefined {
  if (value === undefined) return undefined;
  if (!isAbortSignalLike(value)) throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value;
}
