// The options of events(), checked at the call and turned into what EventStream needs.
import type { EventStreamOptions, OverflowPolicy, ReconnectPolicy } from './event-stream';
import {
  AbortSignalLike,
  invalidArgType,
  invalidArgValue,
  oneOf,
  optionalInteger,
  optionalSignal,
  optionsObject,
  outOfRange,
} from './validate';

export const DEFAULT_MAX_QUEUE = 4096;
const MAX_QUEUE_LIMIT = 1 << 24;
const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelay: 500, maxDelay: 30000, maxAttempts: Infinity };
/** The shortest reconnection delay: with 0, a lost host was asked to activate hundreds of times a second, forever. */
const MIN_RECONNECT_DELAY_MS = 100;
const MAX_RECONNECT_DELAY_MS = 3600000;
const reconnectKeys: ReadonlyArray<keyof ReconnectPolicy> = ['initialDelay', 'maxDelay', 'maxAttempts'];
const eventsOptionKeys: ReadonlyArray<keyof EventsOptions> = ['signal', 'maxQueue', 'overflow', 'types', 'reconnect'];
/** Reconnection settings given beside `reconnect` instead of in it. */
const misplacedReconnectKeys = {
  initialDelay: 'reconnect.initialDelay',
  maxDelay: 'reconnect.maxDelay',
  maxAttempts: 'reconnect.maxAttempts',
};

export interface EventsOptions<T extends string = string> {
  /** Ends the stream: the pending next() rejects with an AbortError whose cause is signal.reason. */
  signal?: AbortSignal | AbortSignalLike;
  /** Events kept while nobody reads (default 4096). */
  maxQueue?: number;
  /** When maxQueue is reached: 'error' (default) ends the stream with ERR_VS_EVENT_QUEUE_OVERFLOW once the queue is read; 'drop-oldest' drops and counts in stream.dropped. */
  overflow?: OverflowPolicy;
  /** Only these event types (default: all). */
  types?: readonly T[];
  /** After ERR_VS_DISCONNECTED, connect again with backoff and yield { type: 'reconnected' } instead of ending. */
  reconnect?: boolean | Partial<ReconnectPolicy>;
}

function parseReconnect(value: unknown): ReconnectPolicy | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_RECONNECT;
  if (value === null || typeof value !== 'object')
    throw invalidArgType('options.reconnect', 'of type boolean or object', value);
  const given = optionsObject<ReconnectPolicy>('options.reconnect', value, { known: reconnectKeys });
  const maxDelayGiven =
    given.maxDelay === undefined
      ? undefined
      : optionalInteger(
          'options.reconnect.maxDelay',
          given.maxDelay,
          MIN_RECONNECT_DELAY_MS,
          MAX_RECONNECT_DELAY_MS,
          0,
        );
  // { maxDelay: 200 } alone means never wait longer than 200 ms, so it lowers the default initialDelay.
  const initialDelayDefault =
    maxDelayGiven === undefined
      ? DEFAULT_RECONNECT.initialDelay
      : Math.min(DEFAULT_RECONNECT.initialDelay, maxDelayGiven);
  const initialDelay = optionalInteger(
    'options.reconnect.initialDelay',
    given.initialDelay,
    MIN_RECONNECT_DELAY_MS,
    MAX_RECONNECT_DELAY_MS,
    initialDelayDefault,
  );
  const maxDelay = maxDelayGiven === undefined ? Math.max(DEFAULT_RECONNECT.maxDelay, initialDelay) : maxDelayGiven;
  if (maxDelay < initialDelay) {
    throw outOfRange(
      'options.reconnect.maxDelay',
      `an integer >= options.reconnect.initialDelay (${initialDelay})`,
      maxDelay,
    );
  }
  const maxAttempts =
    given.maxAttempts === Infinity
      ? Infinity
      : optionalInteger(
          'options.reconnect.maxAttempts',
          given.maxAttempts,
          1,
          Number.MAX_SAFE_INTEGER,
          DEFAULT_RECONNECT.maxAttempts,
        );
  return { initialDelay, maxDelay, maxAttempts };
}

function parseTypes(value: unknown, known: readonly string[]): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidArgType('options.types', 'an instance of Array', value);
  for (const type of value) {
    if (typeof type !== 'string' || !known.includes(type)) {
      throw invalidArgValue('options.types', type, `must list event types of this stream (${known.join(', ')})`);
    }
  }
  return new Set(value as string[]);
}

/**
 * Checks the options every events() takes, plus the caller's own keys (`ownKeys`), which the caller reads
 * from `given` and checks itself.
 */
export function parseEventsOptions<T extends EventsOptions>(
  options: unknown,
  knownTypes: readonly string[],
  ownKeys: ReadonlyArray<keyof T & string> = [],
): { stream: EventStreamOptions; given: Partial<T> } {
  const given = optionsObject<T>('options', options, {
    known: [...eventsOptionKeys, ...ownKeys],
    elsewhere: misplacedReconnectKeys,
  });
  const stream: EventStreamOptions = {
    signal: optionalSignal('options.signal', given.signal),
    maxQueue: optionalInteger('options.maxQueue', given.maxQueue, 1, MAX_QUEUE_LIMIT, DEFAULT_MAX_QUEUE),
    overflow: oneOf<OverflowPolicy>('options.overflow', given.overflow, ['error', 'drop-oldest'], 'error'),
    types: parseTypes(given.types, knownTypes),
    reconnect: parseReconnect(given.reconnect),
  };
  return { stream, given };
}
