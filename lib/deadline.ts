// A timeout and an AbortSignal joined into one thing a long operation can check, sleep on, race its
// native calls against and be cancelled through (waitForState, control methods and their tasks): the
// operation settles by its deadline even while a call to a hung server has not returned.
import { AbortError, ErrorCodes, VirtualServerError } from './errors';
import type { AbortSignalLike } from './validate';

export class Deadline {
  /** Why the operation must stop, once it must. */
  private reason?: Error;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly cancelHandlers: Array<(reason: Error) => void> = [];
  private readonly onAbort = (): void => this.cancel(new AbortError(this.signal && this.signal.reason));

  /** `describe` says what did not finish, for the timeout message, e.g. 'virtual machine "web01" reaching Running'. */
  constructor(
    timeoutMs: number | undefined,
    private readonly signal: AbortSignalLike | undefined,
    describe: () => string,
  ) {
    if (signal && signal.aborted) {
      this.reason = new AbortError(signal.reason);
      return;
    }
    if (signal) signal.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.cancel(
          new VirtualServerError(ErrorCodes.TIMEOUT, `timed out after ${timeoutMs} ms waiting for ${describe()}`),
        );
      }, timeoutMs);
    }
  }

  /** Throws the AbortError or timeout error once the deadline has passed or the signal fired. */
  check(): void {
    if (this.reason) throw this.reason;
  }

  /** True once the deadline has passed or the signal fired. */
  get passed(): boolean {
    return this.reason !== undefined;
  }

  /**
   * Settles as `work` does, or rejects with the timeout or abort error as soon as the deadline passes;
   * `work` is then left to settle unobserved (the addon bounds it by the connection's callTimeout).
   */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const forget = this.onCancel((reason) => reject(reason));
      work.then(
        (value) => {
          forget();
          resolve(value);
        },
        (error: unknown) => {
          forget();
          reject(error);
        },
      );
    });
  }

  /** Runs fn at once if already cancelled, else when cancelled; the function returned forgets fn. */
  onCancel(fn: (reason: Error) => void): () => void {
    if (this.reason) {
      fn(this.reason);
      return () => undefined;
    }
    this.cancelHandlers.push(fn);
    return () => {
      const index = this.cancelHandlers.indexOf(fn);
      if (index >= 0) this.cancelHandlers.splice(index, 1);
    };
  }

  /** Waits ms, or less when cancelled; then throws if cancelled. */
  async sleep(ms: number): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => {
      const forget = this.onCancel(() => {
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        forget();
        resolve();
      }, ms);
    });
    this.check();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signal) this.signal.removeEventListener('abort', this.onAbort);
    this.cancelHandlers.length = 0;
  }

  private cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    const handlers = this.cancelHandlers.splice(0);
    for (const handler of handlers) handler(reason);
  }
}
