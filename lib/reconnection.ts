// The reconnection loop of a stream whose host was lost (reconnect: true): attempts with exponential
// backoff from initialDelay to maxDelay, at most maxAttempts, and one loop at a time, since a second
// loop would subscribe twice.
import { debug } from './debug';
import { ErrorCodes, VirtualServerError, fromNativeError } from './errors';

export interface ReconnectPolicy {
  /** Delay before the first attempt, doubled after each failed attempt up to maxDelay (ms). */
  initialDelay: number;
  maxDelay: number;
  /** Attempts before the stream gives up with ERR_VS_DISCONNECTED; Infinity for no limit. */
  maxAttempts: number;
}

export interface ReconnectionTarget {
  /** For messages and traces, e.g. 'virtual machine "web01"'. */
  readonly label: string;
  /** One attempt: reconnect and subscribe again; rejects when it failed. */
  attempt: () => Promise<void>;
  /** True once the stream has ended: stop trying. */
  isEnded: () => boolean;
  /** Every attempt failed: end the stream with this error. */
  giveUp: (error: VirtualServerError) => void;
}

export class Reconnection {
  private timer?: ReturnType<typeof setTimeout>;
  private running = false;

  constructor(
    private readonly policy: ReconnectPolicy,
    private readonly target: ReconnectionTarget,
  ) {}

  /** True from a loss until an attempt succeeded (or the loop gave up or was cancelled). */
  get active(): boolean {
    return this.running;
  }

  /**
   * Starts the loop after `lost`, unless one runs: a subscription lost during an attempt fails that
   * attempt, which schedules the next one.
   */
  start(lost: VirtualServerError): void {
    if (!this.running) this.schedule(0, lost);
  }

  /** Stops the loop: no attempt starts after this. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = false;
  }

  private schedule(attempt: number, lastError: VirtualServerError): void {
    const { policy, target } = this;
    if (attempt >= policy.maxAttempts) {
      this.running = false;
      target.giveUp(
        new VirtualServerError(
          ErrorCodes.DISCONNECTED,
          `${target.label} stayed unreachable after ${attempt} reconnection attempts: ${lastError.message}`,
          { hresult: lastError.hresult, cause: lastError },
        ),
      );
      return;
    }
    const delay = Math.min(policy.initialDelay * Math.pow(2, attempt), policy.maxDelay);
    debug('%s: reconnecting in %d ms (attempt %d)', target.label, delay, attempt + 1);
    this.running = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      target.attempt().then(
        () => {
          this.running = false;
        },
        (error) => {
          if (target.isEnded()) this.running = false;
          else this.schedule(attempt + 1, fromNativeError(error, `reconnecting to ${target.label}`));
        },
      );
    }, delay);
  }
}
