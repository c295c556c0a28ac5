// One connection to a Virtual Server: the binding, the root object, what must be let go at close(), and
// reconnection after the server was lost. Shared by VirtualServer and its VirtualMachines.
import type { NativeBinding, NativeConnectOptions, NativeObject, NativeValue } from './binding';
import { debug } from './debug';
import { ErrorCodes, VirtualServerError, fromNativeError } from './errors';
import { EventSource, EventStream, EventStreamOptions } from './event-stream';

export class Session {
  /** Bumped by every reconnection; objects fetched under an older generation must be fetched again. */
  generation = 0;
  private closed = false;
  private reconnecting?: Promise<void>;
  private readonly streams = new Set<EventStream<{ type: string }>>();

  constructor(
    readonly binding: NativeBinding,
    private readonly connectOptions: NativeConnectOptions,
    readonly probeIntervalMs: number,
    /** Where it is, for messages: 'this host' or 'host "vshost01"'. */
    readonly where: string,
    private rootObject: NativeObject,
  ) {}

  static async open(binding: NativeBinding, connectOptions: NativeConnectOptions, probeIntervalMs: number): Promise<Session> {
    const where = connectOptions.host ? `host "${connectOptions.host}"` : 'this host';
    debug('connecting to Virtual Server on %s (%s)', where, connectOptions.clsid || connectOptions.progId || 'VirtualServer.Application');
    let root: NativeObject;
    try {
      root = await binding.connect(connectOptions);
    } catch (error) {
      throw fromNativeError(error, `connecting to Virtual Server on ${where}`);
    }
    debug('connected to Virtual Server on %s', where);
    return new Session(binding, connectOptions, probeIntervalMs, where, root);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get root(): NativeObject {
    this.assertOpen();
    return this.rootObject;
  }

  assertOpen(): void {
    if (this.closed) {
      throw new VirtualServerError(ErrorCodes.CLOSED, `the connection to Virtual Server on ${this.where} was closed; connect() again`);
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

  /** Lets go of a COM reference now; a failure here only matters to the trace. */
  release(target: NativeObject): void {
    try {
      this.binding.release(target);
    } catch (error) {
      debug('release failed: %s', (error as Error).message);
    }
  }

  /** A stream over this connection; close() ends it, and it is forgotten once it has ended. */
  openStream<E extends { type: string }>(source: Omit<EventSource<E>, 'ended'>, options: EventStreamOptions): EventStream<E> {
    this.assertOpen();
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
    if (!this.reconnecting) {
      this.reconnecting = (async () => {
        debug('reconnecting to Virtual Server on %s', this.where);
        try {
          const root = await this.binding.connect(this.connectOptions);
          if (this.closed) {
            this.release(root);
            this.assertOpen();
          }
          this.release(this.rootObject);
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

  /** Ends every stream, then lets go of the root object. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const streams = Array.from(this.streams);
    this.streams.clear();
    await Promise.all(streams.map((stream) => stream.return()));
    this.release(this.rootObject);
    debug('closed the connection to Virtual Server on %s', this.where);
  }
}
