// One connection to a Virtual Server: the binding, the root object, what must be let go at close(), and
// reconnection after the server was lost. Shared by VirtualServer and its VirtualMachines.
import type { NativeBinding, NativeConnectOptions, NativeObject, NativeValue } from './binding';
import { debug } from './debug';
import { ErrorCodes, VirtualServerError, fromNativeError } from './errors';
import { EventSource, EventStream, EventStreamOptions } from './event-stream';
import { Hidden, hide } from './hidden';
import { isArgumentError } from './validate';

/** Liveness probes of event streams: how often, and how long one may go unanswered. */
export interface ProbeTiming {
  intervalMs: number;
  timeoutMs: number;
}

interface Held {
  deref(): NativeObject | undefined;
}
/**
 * @internal How sessions hold the objects they hand out: weakly where the runtime has WeakRef (Node >=
 * 14.6), strongly where it has none (Node 12). Tests set WeakRef to undefined to run as Node 12 does.
 */
export const holding: { WeakRef?: new (target: NativeObject) => Held } = {
  WeakRef: (globalThis as { WeakRef?: new (target: NativeObject) => Held }).WeakRef,
};
const hold = (target: NativeObject): Held => (holding.WeakRef ? new holding.WeakRef(target) : { deref: () => target });
/** Holders are swept of collected objects when there are this many. */
const PRUNE_AT = 256;

export class Session {
  /** Bumped by every reconnection; objects fetched under an older generation must be fetched again. */
  generation = 0;
  private closed = false;
  private reconnecting?: Promise<void>;
  private readonly streams = new Set<EventStream<{ type: string }>>();
  /**
   * COM objects handed out (the VMs'), let go of at close() so that no proxy outlives the connection.
   * Held weakly where the runtime can (Node >= 14.6), so a VirtualMachine dropped by its user is still
   * garbage-collected (the addon then releases its object); Node 12 holds them until close().
   */
  private readonly objects = new Set<Held>();
  /**
   * What reconnections connect with, credentials included: out of inspection's reach, and only until
   * close(). None for a connection that is never reconnected (watch()'s: it connects a host anew).
   */
  private readonly connectOptions?: Hidden<NativeConnectOptions>;
  /** True when connected with explicit credentials (which are never shown). */
  readonly hasCredentials: boolean;

  constructor(
    readonly binding: NativeBinding,
    connectOptions: NativeConnectOptions,
    readonly probe: ProbeTiming,
    /** Where it is, for messages: 'this host' or 'host "vshost01"'. */
    readonly where: string,
    private rootObject: NativeObject,
    reconnects = true,
  ) {
    if (reconnects) this.connectOptions = hide(connectOptions);
    this.hasCredentials = connectOptions.user !== undefined;
  }

  static async open(
    binding: NativeBinding,
    connectOptions: NativeConnectOptions,
    probe: ProbeTiming,
    reconnects = true,
  ): Promise<Session> {
    const where = connectOptions.host ? `host "${connectOptions.host}"` : 'this host';
    debug(
      'connecting to Virtual Server on %s (%s)',
      where,
      connectOptions.clsid || connectOptions.progId || 'VirtualServer.Application',
    );
    let root: NativeObject;
    try {
      root = await binding.connect(connectOptions);
    } catch (error) {
      // Options the addon refuses, should it check more than lib/ does: an argument error, not a COM failure.
      if (isArgumentError(error)) throw error;
      const converted = fromNativeError(error, `connecting to Virtual Server on ${where}`);
      debug('%s', converted.message);
      throw converted;
    }
    debug('connected to Virtual Server on %s', where);
    return new Session(binding, connectOptions, probe, where, root, reconnects);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Streams open on this connection. */
  get streamCount(): number {
    return this.streams.size;
  }

  get root(): NativeObject {
    this.assertOpen();
    return this.rootObject;
  }

  assertOpen(): void {
    if (this.closed) {
      throw new VirtualServerError(
        ErrorCodes.CLOSED,
        `the connection to Virtual Server on ${this.where} was closed; connect() again`,
      );
    }
  }

  /** Runs one native operation, turning its failure into a VirtualServerError that says what was being done. */
  async run<T>(what: string, operation: (binding: NativeBinding) => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await operation(this.binding);
    } catch (error) {
      const converted = fromNativeError(error, what);
      debug('%s failed: %s', what, converted.message);
      throw converted;
    }
  }

  get(target: NativeObject, property: string, what: string): Promise<NativeValue> {
    return this.run(what, (binding) => binding.get(target, property));
  }

  call(target: NativeObject, method: string, args: NativeValue[], what: string): Promise<NativeValue> {
    return this.run(what, (binding) => binding.call(target, method, args));
  }

  /** Keeps a COM object until release() or close(). */
  adopt(target: NativeObject): NativeObject {
    if (this.objects.size >= PRUNE_AT) this.forget(() => false);
    this.objects.add(hold(target));
    return target;
  }

  /** Drops the holders of objects that are gone (collected) or that match. */
  private forget(matches: (target: NativeObject) => boolean): void {
    for (const held of Array.from(this.objects)) {
      const target = held.deref();
      if (target === undefined || matches(target)) this.objects.delete(held);
    }
  }

  /**
   * Lets go of a COM reference now; resolves once the release has gone out to the server (never
   * rejects: a failure here only matters to the trace).
   */
  release(target: NativeObject): Promise<void> {
    this.forget((candidate) => candidate === target);
    try {
      return this.binding.release(target);
    } catch (error) {
      debug('release failed: %s', (error as Error).message);
      return Promise.resolve();
    }
  }

  /** A stream over this connection; close() ends it, and it is forgotten once it has ended. */
  openStream<E extends { type: string }>(
    source: Omit<EventSource<E>, 'ended'>,
    options: EventStreamOptions,
  ): EventStream<E> {
    this.assertOpen();
    // Declared before it is set: a stream whose signal is already aborted ends inside its constructor,
    // which calls forget() while `stream` is still undefined.
    // eslint-disable-next-line prefer-const
    let stream: EventStream<E> | undefined;
    const forget = (): void => {
      if (stream) this.streams.delete(stream);
    };
    stream = new EventStream<E>(Object.assign({}, source, { ended: forget }), options);
    if (!stream.finished) this.streams.add(stream);
    return stream;
  }

  /**
   * Connects again after the server was lost. lostGeneration is the generation the caller saw fail:
   * if another stream has reconnected since, this does nothing, so one outage makes one new connection.
   */
  reconnect(lostGeneration: number): Promise<void> {
    this.assertOpen();
    if (lostGeneration !== this.generation) return Promise.resolve();
    const connectOptions = this.connectOptions;
    if (!connectOptions) {
      return Promise.reject(
        new VirtualServerError(
          ErrorCodes.DISCONNECTED,
          `the connection to Virtual Server on ${this.where} was made not to be reconnected, and keeps nothing to reconnect with; connect() again`,
        ),
      );
    }
    if (!this.reconnecting) {
      this.reconnecting = (async () => {
        debug('reconnecting to Virtual Server on %s', this.where);
        try {
          const root = await this.binding.connect(connectOptions.reveal());
          if (this.closed) {
            void this.release(root);
            this.assertOpen();
          }
          void this.release(this.rootObject);
          this.rootObject = root;
          this.generation++;
          debug('reconnected to Virtual Server on %s', this.where);
        } finally {
          this.reconnecting = undefined;
        }
      })();
    }
    return this.reconnecting;
  }

  /**
   * Ends every stream, then lets go of every object and the root; resolves once those releases have gone
   * out to the server (by the call deadline at the latest), so a process may end right after. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.connectOptions) this.connectOptions.forget();
    const streams = Array.from(this.streams);
    this.streams.clear();
    await Promise.all(streams.map((stream) => stream.return()));
    const releases: Promise<void>[] = [];
    for (const held of Array.from(this.objects)) {
      const target = held.deref();
      if (target !== undefined) releases.push(this.release(target));
    }
    this.objects.clear();
    releases.push(this.release(this.rootObject));
    await Promise.all(releases);
    debug('closed the connection to Virtual Server on %s', this.where);
  }
}
