// watch(): the server events of a farm (several Virtual Server hosts) as one async iterator. Each host has its
// own connection (COM threads, probes, deadlines), its own stream and its own reconnection backoff;
// losing one yields a record for it and never ends or delays the others.
import { InspectOptionsStylized, inspect } from 'util';
import { NativeBinding, loadBinding } from './binding';
import { debug } from './debug';
import { AbortError, ErrorCodes, VirtualServerError, fromNativeError } from './errors';
import { EventsOptions, parseEventsOptions } from './event-options';
import type { EventStream, EventStreamOptions, ReconnectPolicy } from './event-stream';
import { VMState, VirtualServerEvent, VirtualServerEventType, virtualServerEventTypes } from './events';
import { Hidden, hide } from './hidden';
import { inspectAs } from './inspection';
import { quoted } from './message-text';
import { PullQueue } from './pull-queue';
import {
  ConnectOptions,
  VirtualServer,
  VirtualServerEventOf,
  connectWith,
  parseConnectOptions,
} from './virtual-server';
import { invalidArgType, invalidArgValue, optionalString } from './validate';

export interface WatchTarget extends ConnectOptions {
  /** What events call this host (their `host`); default: `host`, or 'localhost' for this host. */
  name?: string;
}

/** A host was lost, or could not be connected: its events stop until a `reconnected` record for it. */
export interface HostDisconnectedEvent {
  type: 'disconnected';
  host: string;
  time: Date;
  /** Why: ERR_VS_DISCONNECTED (cause ERR_VS_UNRESPONSIVE for a hung host), or what connecting failed with. */
  error: VirtualServerError;
  /** True when `reconnect` will try again; false: this host's last record. */
  retrying: boolean;
}

/** An event of one host of a watch(): the host's server event with its `host`, or a disconnection. */
export type HostEvent<E = VirtualServerEvent> = (E & { host: string }) | HostDisconnectedEvent;
export type HostEventOf<T extends VirtualServerEventType> = HostEvent<VirtualServerEventOf<T>>;

/** connecting (first attempt), connected, reconnecting (lost, backing off or trying again), lost (for good), closed. */
export type HostState = 'connecting' | 'connected' | 'reconnecting' | 'lost' | 'closed';

const LOCAL_NAME = 'localhost';
const MAX_NAME_LENGTH = 255;
const hostRecordTypes = ['disconnected'];
/** Failures that no host can get past: the merged stream ends with them at once. */
export const fatalCodes: readonly string[] = [ErrorCodes.UNSUPPORTED_PLATFORM, ErrorCodes.ADDON_NOT_FOUND];

/** @internal One host of a farm: its name, how to connect to it, and how to forget its options. */
export interface FarmHost {
  name: string;
  /** Connects; reads the host's options at the call, so that forget() may follow at once. */
  connect(): Promise<VirtualServer>;
  /** Lets go of the host's options (credentials): called once no attempt can follow. Idempotent. */
  forget?(): void;
}

/**
 * @internal The host of a checked target: connects with its options, which it holds out of inspection's
 * reach until forget(). Its connections keep none: a farm reconnects a host by connecting it anew.
 */
export function targetHost(
  name: string,
  options: Hidden<ReturnType<typeof parseConnectOptions>>,
  binding: () => NativeBinding,
): FarmHost {
  return {
    name,
    connect: () => {
      const { native, probe } = options.reveal();
      return new Promise<NativeBinding>((resolve) => resolve(binding()))
        .catch((error) => {
          throw fromNativeError(error);
        })
        .then((loaded) => connectWith(loaded, native, probe, { reconnects: false }));
    },
    forget: () => options.forget(),
  };
}

/**
 * The targets, checked at the call: each as connect() checks its options, with a distinct name.
 * `ownKeys` are keys a caller takes besides them (the testing entry's `server`), and checks itself.
 */
export function parseTargets(
  targets: unknown,
  ownKeys: readonly string[] = [],
): Array<{ name: string; options: Hidden<ReturnType<typeof parseConnectOptions>> }> {
  if (!Array.isArray(targets)) throw invalidArgType('targets', 'an instance of Array', targets);
  if (targets.length === 0) throw invalidArgValue('targets', targets, 'must list at least one host');
  const seen = new Map<string, number>();
  return targets.map((target: unknown, index) => {
    const label = `targets[${index}]`;
    const parsed = parseConnectOptions(target, label, ['name', ...ownKeys]);
    const given = (target || {}) as WatchTarget;
    const name =
      optionalString(`${label}.name`, given.name, { maxLength: MAX_NAME_LENGTH }) || parsed.native.host || LOCAL_NAME;
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw invalidArgValue(
        `${label}.name`,
        name,
        `is the name of targets[${first}] too (a target is named by its host, or 'localhost'): give each target a distinct name`,
      );
    }
    seen.set(key, index);
    return { name, options: hide(parsed) };
  });
}

/**
 * The server events of every target (connect() options, plus an optional `name`) as one stream. Each
 * event carries the `host` it came from; a host that is lost or cannot be connected yields a
 * `disconnected` record and, with `reconnect`, a `reconnected` record (its VMs and their states) once it
 * is back, with a backoff of its own. The stream ends by return(), abort or overflow, or with
 * ERR_VS_DISCONNECTED once no host is left. Bad targets or options throw at the call.
 */
export function watch<T extends VirtualServerEventType = VirtualServerEventType>(
  targets: readonly WatchTarget[],
  options?: EventsOptions<T>,
): FarmStream<HostEventOf<T>> {
  let binding: NativeBinding | undefined;
  const load = (): NativeBinding => binding || (binding = loadBinding());
  const hosts = parseTargets(targets).map(({ name, options: hidden }) => targetHost(name, hidden, load));
  return watchFarmHosts<T>(hosts, options);
}

/** @internal watch() over hosts that know how to connect (the testing entry's fake hosts). */
export function watchFarmHosts<T extends VirtualServerEventType = VirtualServerEventType>(
  hosts: FarmHost[],
  options?: EventsOptions<T>,
): FarmStream<HostEventOf<T>> {
  const { stream } = parseEventsOptions(options, [...virtualServerEventTypes, ...hostRecordTypes]);
  return new FarmStream<HostEventOf<T>>(hosts, stream);
}

type AnyHostEvent = HostEvent<VirtualServerEvent>;

/** One host's connection, stream and backoff, feeding the farm. */
class HostWatcher {
  state: HostState = 'connecting';
  lastError?: VirtualServerError;
  private server?: VirtualServer;
  private stream?: EventStream<VirtualServerEvent>;
  /** Events dropped by streams of this host that were replaced. */
  private droppedBefore = 0;
  /** Failed reconnection attempts since the last success. */
  private attempts = 0;
  /** A disconnected record was yielded: the next success yields reconnected. */
  private reported = false;
  private stopped = false;
  private timer?: ReturnType<typeof setTimeout>;
  private settleFirst?: () => void;
  /** Settles once the first attempt succeeded or failed. */
  readonly firstAttempt = new Promise<void>((resolve) => {
    this.settleFirst = resolve;
  });

  constructor(
    private readonly host: FarmHost,
    private readonly farm: { deliver(event: AnyHostEvent): void; fatal(error: Error): void; gone(): void },
    private readonly streamOptions: EventsOptions<VirtualServerEventType>,
    private readonly policy: ReconnectPolicy | undefined,
  ) {}

  get name(): string {
    return this.host.name;
  }

  get dropped(): number {
    return this.droppedBefore + (this.stream ? this.stream.dropped : 0);
  }

  start(): void {
    void this.attempt();
  }

  /** Stops everything of this host; resolves once its connection is let go (never waits for one still being made). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.state = 'closed';
    this.forgetOptions();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.firstDone();
    await this.release();
  }

  private async release(): Promise<void> {
    const server = this.server;
    if (this.stream) this.droppedBefore += this.stream.dropped;
    this.server = undefined;
    this.stream = undefined;
    if (!server) return;
    try {
      await server.close();
    } catch (error) {
      debug('%s: closing failed: %s', this.name, (error as Error).message);
    }
  }

  /** No attempt can follow: the host's options (credentials) go. */
  private forgetOptions(): void {
    if (this.host.forget) this.host.forget();
  }

  private firstDone(): void {
    if (this.settleFirst) this.settleFirst();
    this.settleFirst = undefined;
  }

  private async attempt(): Promise<void> {
    let stream: EventStream<VirtualServerEvent>;
    let snapshot: Array<{ vm: string; state: VMState }> | undefined;
    try {
      const connecting = this.host.connect();
      // Without reconnect this is the host's only attempt: its options were read, and are needed no more.
      if (!this.policy) this.forgetOptions();
      const server = await connecting;
      if (this.stopped) {
        void server.close();
        return;
      }
      this.server = server;
      stream = server.events(this.streamOptions);
      stream.detachFromLoop();
      this.stream = stream;
      await stream.ready();
      // Events that arrive meanwhile wait in the stream, and are read after the reconnected record.
      if (this.reported && !this.stopped) snapshot = await server.virtualMachineStates();
      if (this.stopped) return;
    } catch (error) {
      if (this.stopped) return;
      // Let go of in the background: the record does not wait for it, and the next attempt is a backoff away.
      void this.release();
      this.failed(fromNativeError(error, `connecting to ${this.name}`));
      return;
    }
    if (snapshot) {
      debug('%s: reconnected', this.name);
      this.farm.deliver({ type: 'reconnected', host: this.name, time: new Date(), vms: snapshot });
    }
    this.state = 'connected';
    this.attempts = 0;
    this.reported = false;
    this.firstDone();
    void this.pump(stream);
  }

  /** Moves the host stream's events into the farm until the stream ends. */
  private async pump(stream: EventStream<VirtualServerEvent>): Promise<void> {
    let error: VirtualServerError;
    try {
      for (;;) {
        const result = await stream.next();
        if (result.done) break;
        this.farm.deliver(Object.assign({ host: this.name }, result.value));
      }
      if (this.stopped || stream !== this.stream) return;
      error = new VirtualServerError(ErrorCodes.DISCONNECTED, `the event stream of ${this.name} ended`);
    } catch (thrown) {
      if (this.stopped || stream !== this.stream) return;
      error = fromNativeError(thrown);
    }
    if (error.code === ErrorCodes.EVENT_QUEUE_OVERFLOW) {
      this.farm.fatal(error); // overflow: 'error' is the user's word that nothing may be lost
      return;
    }
    void this.release(); // in the background, as above
    this.failed(error);
  }

  /** After a failed attempt or a loss: a record, then another attempt after the backoff, or the end of this host. */
  private failed(error: VirtualServerError): void {
    if (fatalCodes.includes(error.code)) {
      this.firstDone();
      this.farm.fatal(error);
      return;
    }
    debug('%s: %s', this.name, error.message);
    this.lastError = error;
    const policy = this.policy;
    if (this.reported) {
      // A reconnection attempt failed: its loss was reported already.
      this.attempts++;
      if (policy && this.attempts < policy.maxAttempts) {
        this.retry(policy);
        return;
      }
      const final = new VirtualServerError(
        ErrorCodes.DISCONNECTED,
        `${this.name} stayed unreachable after ${this.attempts} reconnection attempts: ${error.message}`,
        { hresult: error.hresult, cause: error },
      );
      this.lastError = final;
      this.lose(final, false);
      return;
    }
    this.reported = true;
    this.lose(error, policy !== undefined);
    if (policy) this.retry(policy);
  }

  private lose(error: VirtualServerError, retrying: boolean): void {
    this.state = retrying ? 'reconnecting' : 'lost';
    this.firstDone();
    this.farm.deliver({ type: 'disconnected', host: this.name, time: new Date(), error, retrying });
    if (retrying) return;
    this.forgetOptions();
    this.farm.gone();
  }

  private retry(policy: ReconnectPolicy): void {
    const delay = Math.min(policy.initialDelay * Math.pow(2, this.attempts), policy.maxDelay);
    debug('%s: reconnecting in %d ms (attempt %d)', this.name, delay, this.attempts + 1);
    this.state = 'reconnecting';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.attempt();
    }, delay);
    // The farm keeps the process alive while its reader waits; a backoff alone must not.
    if (typeof this.timer.unref === 'function') this.timer.unref();
  }
}

/**
 * The merged stream of watch(): an AsyncIterableIterator like EventStream (lazy, bounded, return() and
 * throw(), signal), over the hosts of a farm.
 */
export class FarmStream<E extends { type: string; host: string }> implements AsyncIterableIterator<E> {
  private readonly hosts: HostWatcher[];
  private readonly queue = new PullQueue<E>(() => this.updateRef());
  private endError?: Error;
  private started = false;
  private ownDropped = 0;
  private released?: Promise<void>;
  private keepAlive?: ReturnType<typeof setInterval>;
  private readonly onAbort = (): void => {
    const { signal } = this.options;
    this.end(new AbortError(signal && signal.reason), { discardQueued: true });
  };

  /** @internal use watch(). */
  constructor(
    hosts: readonly FarmHost[],
    private readonly options: EventStreamOptions,
  ) {
    const serverTypes = options.types && virtualServerEventTypes.filter((type) => options.types?.has(type));
    const hostOptions: EventsOptions<VirtualServerEventType> = {
      maxQueue: options.maxQueue,
      overflow: options.overflow,
      types: serverTypes,
    };
    const farm = {
      deliver: (event: AnyHostEvent) => this.deliver(event as unknown as E),
      fatal: (error: Error) => this.end(error),
      gone: () => this.checkGone(),
    };
    this.hosts = hosts.map((host) => new HostWatcher(host, farm, hostOptions, options.reconnect));
    const { signal } = options;
    if (signal) {
      if (signal.aborted) this.onAbort();
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The hosts' names, in the order of the targets. */
  get hostNames(): string[] {
    return this.hosts.map((host) => host.name);
  }

  /** Each host's state by name. */
  get hostStates(): Record<string, HostState> {
    const states: Record<string, HostState> = {};
    for (const host of this.hosts) states[host.name] = host.state;
    return states;
  }

  /** Events lost to overflow: 'drop-oldest', here and in every host's queues. */
  get dropped(): number {
    return this.hosts.reduce((sum, host) => sum + host.dropped, this.ownDropped);
  }

  /** Events received and not read yet: never more than maxQueue. */
  get queued(): number {
    return this.queue.length;
  }

  get finished(): boolean {
    return this.queue.ended;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    const { maxQueue, overflow } = this.options;
    const state = {
      hosts: this.hostStates,
      queued: this.queued,
      dropped: this.dropped,
      finished: this.finished,
      maxQueue,
      overflow,
    };
    return inspectAs('FarmStream', state, depth, options);
  }

  next(): Promise<IteratorResult<E, undefined>> {
    if (this.queue.length === 0) this.start();
    return this.queue.next();
  }

  /**
   * Connects to every host now instead of at the first next(); resolves once each host's first attempt
   * has succeeded (its events flow) or failed (its disconnected record is queued). Rejects with the
   * error that ended the stream, if one did.
   */
  async ready(): Promise<void> {
    this.start();
    await Promise.all(this.hosts.map((host) => host.firstAttempt));
    if (this.endError) throw this.endError;
  }

  /** Ends the stream, discards what is queued; resolves once every host's connection is let go, all at once. */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.end(undefined, { discardQueued: true });
    this.queue.forgetError();
    await this.released;
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorReturnResult<undefined>> {
    await this.return();
    throw error;
  }

  private start(): void {
    if (this.started || this.queue.ended) return;
    this.started = true;
    debug('watching %d hosts: %s', this.hosts.length, this.hostNames.join(', '));
    for (const host of this.hosts) host.start();
  }

  private deliver(event: E): void {
    if (this.queue.ended) return;
    const { queued, dropped } = this.queue.push(event, this.options.maxQueue, this.options.overflow);
    this.ownDropped += dropped;
    if (queued) return;
    this.end(
      new VirtualServerError(
        ErrorCodes.EVENT_QUEUE_OVERFLOW,
        `more than ${this.options.maxQueue} events of the hosts ${this.hostNames.map((n) => quoted(n)).join(', ')} ` +
          'were waiting to be read, so the stream ended. ' +
          "Read events faster, raise maxQueue, or pass overflow: 'drop-oldest' to drop the oldest instead",
      ),
    );
  }

  /** Ends the stream once every host is lost for good. */
  private checkGone(): void {
    if (this.queue.ended || !this.hosts.every((host) => host.state === 'lost')) return;
    const last = this.hosts.map((host) => host.lastError).filter((e): e is VirtualServerError => !!e);
    const reasons = this.hosts.map((host) => `${host.name}: ${host.lastError ? host.lastError.message : 'lost'}`);
    this.end(
      new VirtualServerError(ErrorCodes.DISCONNECTED, `every host is lost (${reasons.join('; ')})`, {
        cause: last[last.length - 1],
      }),
    );
  }

  private end(error?: Error, { discardQueued = false } = {}): void {
    if (!this.queue.end(error, { discardQueued })) return;
    this.endError = error;
    if (this.options.signal) this.options.signal.removeEventListener('abort', this.onAbort);
    if (error) debug('watch of %s ended: %s', this.hostNames.join(', '), error.message);
    // Every host is let go at once: a hung one is bounded by its own deadlines and holds up no other.
    this.released = Promise.all(this.hosts.map((host) => host.stop())).then(() => undefined);
  }

  /** Keeps the process alive exactly while a next() waits (the hosts' streams never do: detachFromLoop()). */
  private updateRef(): void {
    const wanted = this.queue.waiting;
    if (wanted && this.keepAlive === undefined) {
      this.keepAlive = setInterval(() => undefined, 0x7fffffff);
    } else if (!wanted && this.keepAlive !== undefined) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}
