// The pull side of a bounded async iterator: values wait in a queue until next() takes them, next()
// calls wait in order until a value comes, and after the end the queue drains before the ending error
// (if any) is thrown once. EventStream (lib/event-stream.ts) and watch()'s FarmStream (lib/farm.ts) are
// built on it.
import { Fifo } from './fifo';

interface PendingNext<E> {
  resolve(result: IteratorResult<E, undefined>): void;
  reject(error: unknown): void;
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class PullQueue<E> {
  private readonly queue = new Fifo<E>();
  private readonly pending = new Fifo<PendingNext<E>>();
  /** Set once ended; error is thrown by one next() after the queue is drained. */
  private ending?: { error?: Error };

  /** `waitingChanged` is told whenever next() calls start or stop waiting (to keep the process alive meanwhile). */
  constructor(private readonly waitingChanged: () => void) {}

  /** Values queued and not read yet. */
  get length(): number {
    return this.queue.length;
  }

  /** True while a next() waits for a value. */
  get waiting(): boolean {
    return this.pending.length > 0 && !this.ending;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  next(): Promise<IteratorResult<E, undefined>> {
    if (this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift() as E });
    if (this.ending) return this.settleEnded();
    return new Promise<IteratorResult<E, undefined>>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.waitingChanged();
    });
  }

  /**
   * Hands the value to a waiting next(), or queues it. With `maxQueue` values queued already, 'drop-oldest'
   * drops the oldest (`dropped: 1`) and 'error' queues nothing (`queued: false`: the caller ends the queue).
   */
  push(value: E, maxQueue: number, overflow: 'error' | 'drop-oldest'): { queued: boolean; dropped: number } {
    const waiter = this.queue.length === 0 ? this.pending.shift() : undefined;
    if (waiter) {
      waiter.resolve({ done: false, value });
      this.waitingChanged();
      return { queued: true, dropped: 0 };
    }
    let dropped = 0;
    if (this.queue.length >= maxQueue) {
      if (overflow === 'error') return { queued: false, dropped: 0 };
      this.queue.shift();
      dropped = 1;
    }
    this.queue.push(value);
    return { queued: true, dropped };
  }

  /** Ends the queue (once; later calls only discard or settle): what is queued is read first, then `error` is thrown. */
  end(error?: Error, { discardQueued = false } = {}): boolean {
    if (discardQueued) this.queue.clear();
    const first = this.ending === undefined;
    if (first) this.ending = { error };
    this.flush();
    return first;
  }

  /** The ending error will not be thrown (return() ended it). */
  forgetError(): void {
    if (this.ending) this.ending.error = undefined;
  }

  private flush(): void {
    while (this.pending.length > 0) {
      if (this.queue.length > 0) {
        (this.pending.shift() as PendingNext<E>).resolve({ done: false, value: this.queue.shift() as E });
      } else if (this.ending) {
        const waiter = this.pending.shift() as PendingNext<E>;
        this.settleEnded().then(
          (result) => waiter.resolve(result),
          (error: unknown) => waiter.reject(error),
        );
      } else {
        break;
      }
    }
    this.waitingChanged();
  }

  /** After the end: the first call rejects with the ending error (if any), every later one is done. */
  private settleEnded(): Promise<IteratorReturnResult<undefined>> {
    const ending = this.ending as { error?: Error };
    const error = ending.error;
    if (error) {
      ending.error = undefined;
      return Promise.reject(error);
    }
    return Promise.resolve(done);
  }
}
