// A minimal AbortSignal for the CLI: Node 12 has no AbortController, and Ctrl-C must end whatever
// the command is waiting for (streams, waits, task polling) through the same path an abort takes.
import type { AbortSignalLike } from '../validate';

export class Interrupt implements AbortSignalLike {
  aborted = false;
  reason?: unknown;
  private listeners: Array<() => void> = [];

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
