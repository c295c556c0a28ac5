// The bounded async iterator between a native subscription (push) and a `for await` loop (pull): the
// subscription's life. Subscribes on the first next() (a stream never iterated holds nothing),
// unsubscribes on return(), throw(), abort and on every error path (for-await does not call return()
// when next() rejects), and keeps the process alive exactly while a next() waits. The queue is
// lib/pull-queue.ts's, the reconnection loop lib/reconnection.ts's.
import { InspectOptionsStylized, inspect } from 'util';
import type { NativeEventRecord, NativeError, NativeSubscription } from './binding';
import { debug } from './debug';
import { AbortError, ErrorCodes, VirtualServerError, fromNativeError } from './errors';
import type { EventMapper } from './events';
import { inspectAs } from './inspection';
import { PullQueue } from './pull-queue';
import { ReconnectPolicy, Reconnection } from './reconnection';
import type { AbortSignalLike } from './validate';

export type OverflowPolicy = 'error' | 'drop-oldest';

export type { ReconnectPolicy };

export interface SubscribeHandlers {
  // Properties, not methods: the addon calls them unbound.
  onEvents: (batch: NativeEventRecord[], dropped: number) => void;
  onEnd: (error: NativeError | null) => void;
}

/** What a stream needs from its owner (a VirtualServer or a VirtualMachine). */
export interface EventSource<E> {
  /** For messages and traces, e.g. 'virtual machine "web01"'. */
  readonly label: string;
  readonly map: EventMapper<E>;
  subscribe(
    handlers: SubscribeHandlers,
    queue: { maxQueue: number; overflow: OverflowPolicy },
  ): Promise<NativeSubscription>;
  /** Re-establishes the connection after ERR_VS_DISCONNECTED (reconnect: true only). */
  reconnect(): Promise<void>;
  /** The 'reconnected' record to yield once subscribed again: the state to resynchronise from. */
  snapshot(): Promise<E>;
  /** Called once when the stream has ended, whatever ended it. */
  ended(): void;
}

export interface EventStreamOptions {
  signal?: AbortSignalLike;
  maxQueue: number;
  overflow: OverflowPolicy;
  /** Event types to deliver; undefined for all. 'reconnected' is always delivered. */
  types?: ReadonlySet<string>;
  reconnect?: ReconnectPolicy;
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class EventStream<E extends { type: string }> implements AsyncIterableIterator<E> {
  /** Events lost to overflow: 'drop-oldest', here and in the native queue. */
  dropped = 0;

  private readonly queue = new PullQueue<E>(() => this.updateRef());
  private subscription?: NativeSubscription;
  /** Each subscription's callbacks carry its generation, so that a replaced one is ignored. */
  private generation = 0;
  private opening?: Promise<void>;
  /** The latest subscribe attempt (first one or a reconnection), settled or not. */
  private subscribing?: Promise<void>;
  private closing?: Promise<void>;
  /** The error the stream ended with, kept after next() delivered it. */
  private endError?: Error;
  private referenced = false;
  /** Set by detachFromLoop(): the reader keeps the process alive itself. */
  private detached = false;
  /** Events of a new subscription that arrive before its 'reconnected' record is queued. */
  private held?: E[];
  private readonly reconnection?: Reconnection;
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly source: EventSource<E>,
    private readonly options: EventStreamOptions,
  ) {
    if (options.reconnect) {
      this.reconnection = new Reconnection(options.reconnect, {
        label: source.label,
        attempt: () => this.attemptReconnect(),
        isEnded: () => this.finished,
        giveUp: (error) => this.end(error),
      });
    }
    const { signal } = options;
    if (signal) {
      if (signal.aborted) this.end(new AbortError(signal.reason), { discardQueued: true });
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Events received and not read yet: never more than maxQueue. */
  get queued(): number {
    return this.queue.length;
  }

  /** True once the stream has ended: no more events will be queued (those queued may still be read). */
  get finished(): boolean {
    return this.queue.ended;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** What console.log shows, instead of the queued events and the native subscription. */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    const { maxQueue, overflow } = this.options;
    const state = {
      source: this.source.label,
      queued: this.queued,
      dropped: this.dropped,
      finished: this.finished,
      maxQueue,
      overflow,
    };
    return inspectAs('EventStream', state, depth, options);
  }

  next(): Promise<IteratorResult<E, undefined>> {
    // A failure ends the stream, and the pending next() rejects with it.
    if (this.queue.length === 0 && !this.finished) this.ready().catch(() => undefined);
    return this.queue.next();
  }

  /** Unsubscribes, discards what is queued, ends pending next() calls; resolves once the native side has let go. */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.end(undefined, { discardQueued: true });
    this.queue.forgetError();
    await this.released();
    return done;
  }

  /** Ends the stream like return(), then rejects with the error given (as an async generator's throw() does). */
  async throw(error?: unknown): Promise<IteratorReturnResult<undefined>> {
    await this.return();
    throw error;
  }

  /**
   * Subscribes now instead of at the first next(), and resolves once events flow: what happens from then
   * on will be delivered. Rejects with the error that ended the stream, if it ended before that.
   */
  ready(): Promise<void> {
    if (!this.opening && this.finished) return this.endError ? Promise.reject(this.endError) : Promise.resolve();
    if (!this.opening) {
      this.opening = this.subscribe().catch((error) => {
        const converted = fromNativeError(error, `subscribing to the events of ${this.source.label}`);
        this.end(converted);
        throw converted;
      });
    }
    return this.opening;
  }

  private subscribe(): Promise<void> {
    const attempt = this.subscribeOnce();
    this.subscribing = attempt.catch(() => undefined);
    return attempt;
  }

  private async subscribeOnce(): Promise<void> {
    const generation = ++this.generation;
    const subscription = await this.source.subscribe(
      {
        onEvents: (batch, dropped) => {
          if (generation === this.generation) this.receive(batch, dropped);
        },
        onEnd: (error) => {
          if (generation === this.generation) this.lost(error);
        },
      },
      { maxQueue: this.options.maxQueue, overflow: this.options.overflow },
    );
    if (this.finished || generation !== this.generation) {
      // Ended (return(), abort) while the subscription was being made: let go of it at once.
      await subscription.close();
      return;
    }
    const { eventInterface } = subscription;
    if (!eventInterface.methods.some((method) => this.source.map.methods.includes(method.name))) {
      // Every record would be dropped as an unknown method: a stream that never yields is worse than an error.
      this.generation++; // its onEnd(null) must not end the stream before this error does
      await subscription.close();
      throw new VirtualServerError(
        ErrorCodes.EVENTS_UNAVAILABLE,
        `${this.source.label} fires ${eventInterface.name} ${eventInterface.iid}, whose methods ` +
          `(${eventInterface.methods.map((method) => method.name).join(', ') || 'none'}) include none of the events this package ` +
          `knows (${this.source.map.methods.join(', ')}): it is not the Virtual Server event interface. ` +
          '`vsevents inspect` shows what the host offers; please report it with that output',
      );
    }
    this.subscription = subscription;
    this.referenced = false;
    subscription.unref();
    this.updateRef();
    debug(
      'subscribed to %s (%s %s)',
      this.source.label,
      subscription.eventInterface.name,
      subscription.eventInterface.kind,
    );
  }

  private receive(batch: NativeEventRecord[], dropped: number): void {
    if (this.finished) return;
    this.dropped += dropped;
    for (const record of batch) {
      const event = this.source.map(record);
      if (event === undefined) {
        debug('%s: ignoring unknown event method %s', this.source.label, record.method);
        continue;
      }
      if (this.options.types && !this.options.types.has(event.type)) continue;
      if (this.held) this.held.push(event);
      else if (!this.enqueue(event)) return;
    }
  }

  /** Queues one event; false when that ended the stream (overflow: 'error'). */
  private enqueue(event: E): boolean {
    const { queued, dropped } = this.queue.push(event, this.options.maxQueue, this.options.overflow);
    this.dropped += dropped;
    if (queued) return true;
    this.end(
      new VirtualServerError(
        ErrorCodes.EVENT_QUEUE_OVERFLOW,
        `more than ${this.options.maxQueue} events of ${this.source.label} were waiting to be read, so the stream ended. ` +
          "Read events faster, raise maxQueue, or pass overflow: 'drop-oldest' to drop the oldest instead",
      ),
    );
    return false;
  }

  /** The native subscription ended by itself (server gone, native overflow) or after close(). */
  private lost(error: NativeError | null): void {
    this.subscription = undefined;
    if (this.finished) return;
    if (error === null) {
      this.end();
      return;
    }
    const converted = fromNativeError(error, `the event stream of ${this.source.label} ended`);
    debug('%s: subscription ended: %s', this.source.label, converted.message);
    if (converted.code === ErrorCodes.DISCONNECTED && this.reconnection) this.reconnection.start(converted);
    else this.end(converted);
  }

  private async attemptReconnect(): Promise<void> {
    if (this.finished) return;
    await this.source.reconnect();
    if (this.finished) return;
    this.held = [];
    try {
      await this.subscribe();
      if (this.finished) return;
      const record = await this.source.snapshot();
      if (this.finished) return;
      if (!this.subscription) {
        throw new VirtualServerError(
          ErrorCodes.DISCONNECTED,
          `${this.source.label} went away again while the stream resynchronised`,
        );
      }
      const held = this.held;
      this.held = undefined;
      debug('%s: reconnected', this.source.label);
      for (const event of [record, ...held]) if (!this.enqueue(event)) return;
    } catch (error) {
      this.held = undefined;
      this.closeSubscription();
      throw error;
    }
  }

  private abort(): void {
    const { signal } = this.options;
    this.end(new AbortError(signal && signal.reason), { discardQueued: true });
  }

  /** Ends the stream once: no more events are accepted; error (if any) is thrown after the queue drains. */
  private end(error?: Error, { discardQueued = false } = {}): void {
    if (!this.queue.end(error, { discardQueued })) return;
    this.endError = error;
    this.source.ended();
    if (this.options.signal) this.options.signal.removeEventListener('abort', this.onAbort);
    if (this.reconnection) this.reconnection.cancel();
    if (error) debug('%s: stream ended: %s', this.source.label, error.message);
    this.closeSubscription();
    this.updateRef();
  }

  private closeSubscription(): void {
    const subscription = this.subscription;
    if (!subscription) return;
    this.subscription = undefined;
    this.generation++;
    this.closing = subscription.close().catch((error) => {
      debug('%s: closing the subscription failed: %s', this.source.label, (error as Error).message);
    });
  }

  /** Resolves when no native subscription is held or being made any more. */
  private async released(): Promise<void> {
    if (this.subscribing) await this.subscribing;
    this.closeSubscription();
    if (this.closing) await this.closing;
  }

  /**
   * @internal For a stream read by another iterator (watch() in lib/farm.ts), which always has a next()
   * waiting and keeps the process alive itself while its own reader waits: this stream never does.
   */
  detachFromLoop(): void {
    this.detached = true;
    this.updateRef();
  }

  /** Keeps the process alive exactly while someone awaits an event of this stream. */
  private updateRef(): void {
    const wanted = this.queue.waiting && !this.detached;
    if (!this.subscription || wanted === this.referenced) return;
    this.referenced = wanted;
    if (wanted) this.subscription.ref();
    else this.subscription.unref();
  }
}
