// One subscription of the fake binding, with the addon's delivery rules (native/src/delivery.cc,
// subscription.cc): a bounded queue drained in batches on a later turn of the loop, [out] answers given
// at once, a liveness probe every probeIntervalMs (a crashed host ends it with ERR_VS_DISCONNECTED, one
// that does not answer within probeTimeoutMs makes the connection unresponsive), onEnd exactly once.
import type {
  NativeError,
  NativeEventInterface,
  NativeEventRecord,
  NativeSubscribeOptions,
  NativeSubscription,
  NativeValue,
} from '../binding';
import { ErrorCodes } from '../error-codes';
import type { FakeConnection, LossListener } from './connection';
import { comFailure, nativeError } from './native-errors';
import type { Sink } from './world';

/** What the sink answers for an [out] parameter nobody gave an answer for: allow, as the addon does. */
const DEFAULT_ANSWER = true;
/** A long interval: a ref()'d subscription keeps the process alive with it, as the addon's handle does. */
const KEEP_ALIVE_MS = 0x7fffffff;

export class FakeSubscription implements NativeSubscription, Sink, LossListener {
  private queue: NativeEventRecord[] = [];
  private dropped = 0;
  private ending = false;
  private endError: NativeError | null = null;
  private drainScheduled = false;
  private ended?: Promise<void>;
  private resolveEnded?: () => void;
  private probeTimer?: ReturnType<typeof setTimeout>;
  private keepAlive?: ReturnType<typeof setInterval>;

  constructor(
    private readonly connection: FakeConnection,
    private readonly sinks: Set<Sink>,
    readonly eventInterface: NativeEventInterface,
    private readonly options: NativeSubscribeOptions,
  ) {
    sinks.add(this);
    connection.listeners.add(this);
    this.scheduleProbe();
  }

  deliver(method: string, args: NativeValue[]): boolean | undefined {
    if (this.ending) return undefined;
    const record: NativeEventRecord = { method, args, time: Date.now() };
    const answered = this.answersFor(method);
    if (answered) record.answered = answered;
    this.push(record);
    if (!answered) return undefined;
    const answers = Object.keys(answered).map((name) => answered[name]);
    return answers.every((answer) => answer !== false);
  }

  private answersFor(method: string): Record<string, NativeValue> | undefined {
    const described = this.eventInterface.methods.find((m) => m.name === method);
    const outs = described ? described.params.filter((p) => p.direction !== 'in') : [];
    if (outs.length === 0) return undefined;
    const given = (this.options.outAnswers && this.options.outAnswers[method]) || {};
    const answered: Record<string, NativeValue> = {};
    for (const param of outs) answered[param.name] = param.name in given ? given[param.name] : DEFAULT_ANSWER;
    return answered;
  }

  private push(record: NativeEventRecord): void {
    if (this.queue.length >= this.options.maxQueue) {
      if (this.options.overflow === 'drop-oldest') {
        this.queue.shift();
        this.dropped++;
      } else {
        void this.end(
          nativeError(
            ErrorCodes.EVENT_QUEUE_OVERFLOW,
            `the subscription's queue reached maxQueue (${this.options.maxQueue} events not yet taken by JS) and ` +
              "overflow is 'error': read events faster, raise maxQueue, or use overflow 'drop-oldest'",
          ),
        );
        return;
      }
    }
    this.queue.push(record);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    if (this.queue.length > 0 || this.dropped > 0) {
      const batch = this.queue;
      const dropped = this.dropped;
      this.queue = [];
      this.dropped = 0;
      this.options.onEvents(batch, dropped);
    }
    if (this.ending && this.resolveEnded) {
      const resolve = this.resolveEnded;
      this.resolveEnded = undefined;
      this.unref();
      this.options.onEnd(this.endError);
      resolve();
    }
  }

  /** Stops taking events; what was queued is delivered, then onEnd(error). */
  private end(error: NativeError | null): Promise<void> {
    if (this.ended) return this.ended;
    this.ending = true;
    this.endError = error;
    this.sinks.delete(this);
    this.connection.listeners.delete(this);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));
    this.scheduleDrain();
    return this.ended;
  }

  /** The connection became unresponsive. */
  lost(unresponsive: NativeError): void {
    void this.end(
      nativeError(
        ErrorCodes.DISCONNECTED,
        `the events of ${this.eventInterface.name} stopped: ${unresponsive.message}`,
        undefined,
        unresponsive,
      ),
    );
  }

  close(): Promise<void> {
    if (this.ended) return this.ended;
    // Unadvise is a call: on a hung host it waits for its deadline, then the sink is cut off locally.
    return this.connection
      .run('unadvising', () => this.sinks.delete(this))
      .catch(() => undefined)
      .then(() => this.end(null));
  }

  ref(): void {
    if (!this.keepAlive && !this.ending) this.keepAlive = setInterval(() => undefined, KEEP_ALIVE_MS);
  }

  unref(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private scheduleProbe(): void {
    this.probeTimer = setTimeout(() => this.probe(), this.options.probeIntervalMs);
    this.probeTimer.unref();
  }

  private probe(): void {
    if (this.ending) return;
    const timeoutMs = this.options.probeTimeoutMs;
    let answered = false;
    const unanswered = setTimeout(() => {
      if (!answered) this.connection.markUnresponsive(`did not answer a liveness probe within ${timeoutMs} ms`);
    }, timeoutMs);
    unanswered.unref();
    this.connection.world
      .answer(this.connection.incarnation, () => true)
      .then(
        () => {
          answered = true;
          clearTimeout(unanswered);
          if (!this.ending) this.scheduleProbe();
        },
        () => {
          answered = true;
          clearTimeout(unanswered);
          const error = comFailure(
            `probing the server of ${this.eventInterface.name} events`,
            'RPC_S_SERVER_UNAVAILABLE',
          );
          void this.end(error);
        },
      );
  }
}
