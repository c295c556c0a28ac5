// One connection of the fake binding, with the addon's deadline rules (native/src/host_connection.cc):
// every call has callTimeoutMs; past it the call rejects ERR_VS_TIMEOUT; one that has not returned a
// grace period later (the fake, like Wine, cannot cancel a call) makes the connection unresponsive: its
// pending and later calls reject ERR_VS_UNRESPONSIVE at once, and its subscriptions end.
import type { NativeError } from '../binding';
import { ErrorCodes } from '../error-codes';
import { comFailure, nativeError } from './native-errors';
import { HostLost, HostRefusal, World } from './world';

/** How long a call past its deadline may take to come back before the connection counts as unresponsive. */
const CANCEL_GRACE_MS = 1000;
/** The addon's default callTimeoutMs. */
export const DEFAULT_CALL_TIMEOUT_MS = 15000;

/** Told when its connection became unresponsive (a subscription, which then ends). */
export interface LossListener {
  lost(unresponsive: NativeError): void;
}

export class FakeConnection {
  /** Set once the connection is unresponsive: what every later call rejects with. */
  private unresponsive?: NativeError;
  private readonly pending = new Set<(error: NativeError) => void>();
  readonly listeners = new Set<LossListener>();
  /** The incarnation of the host this connection reached: a crash leaves it talking to a dead process. */
  readonly incarnation: number;

  constructor(
    readonly world: World,
    /** As the addon words it in messages: the host name, or 'this host'. */
    readonly where: string,
    private readonly callTimeoutMs: number,
  ) {
    this.incarnation = world.incarnation;
  }

  /** Runs `work` on the host as one call; a refusal or a lost host becomes the addon's error for `doing`. */
  run<T>(doing: string, work: () => T): Promise<T> {
    if (this.unresponsive) return Promise.reject(this.unresponsive);
    return new Promise<T>((resolve, reject) => {
      let returned = false;
      const expire = (error: NativeError): void => {
        this.pending.delete(expire);
        clearTimeout(deadline);
        reject(error);
      };
      const deadline = setTimeout(() => {
        expire(
          nativeError(
            ErrorCodes.TIMEOUT,
            `Virtual Server (${this.where}) did not answer within the call timeout of ${this.callTimeoutMs} ms. ` +
              'Raise callTimeout in connect() if the host is only slow',
          ),
        );
        const grace = setTimeout(() => {
          if (!returned) this.markUnresponsive('did not return from a call even after it was cancelled');
        }, CANCEL_GRACE_MS);
        grace.unref();
      }, this.callTimeoutMs);
      this.pending.add(expire);
      this.world.answer(this.incarnation, work).then(
        (value) => {
          returned = true;
          if (!this.pending.delete(expire)) return; // expired meanwhile: nobody waits for it any more
          clearTimeout(deadline);
          resolve(value);
        },
        (error: unknown) => {
          returned = true;
          if (!this.pending.delete(expire)) return;
          clearTimeout(deadline);
          reject(toNativeError(error, doing));
        },
      );
    });
  }

  markUnresponsive(why: string): void {
    if (this.unresponsive) return;
    const error = nativeError(
      ErrorCodes.UNRESPONSIVE,
      `Virtual Server (${this.where}) stopped answering: it ${why}. Nothing more is asked of this connection: ` +
        'connect() again once the host answers (event streams with reconnect do so by themselves)',
    );
    this.unresponsive = error;
    for (const expire of Array.from(this.pending)) expire(error);
    for (const listener of Array.from(this.listeners)) listener.lost(error);
  }

  get isUnresponsive(): boolean {
    return this.unresponsive !== undefined;
  }
}

function toNativeError(error: unknown, doing: string): NativeError {
  if (error instanceof HostRefusal) return comFailure(doing, error.hresultName, error.message);
  if (error instanceof HostLost) return comFailure(doing, 'RPC_S_SERVER_UNAVAILABLE');
  return error as NativeError;
}
