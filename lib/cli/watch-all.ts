// `vsevents watch --all`: every VM's own events, and the server's log events, in one stream; a VM created
// or registered after the watch started is subscribed to when a server event first names it. Bounded: at
// most `maxVms` VMs, and a deadline on each subscribe; a subscribe that fails is reported and the watch
// goes on.
import { Deadline } from '../deadline';
import { AbortError } from '../errors';
import type { EventsOptions } from '../event-options';
import type { EventStream } from '../event-stream';
import type { VirtualMachineEvent, VirtualMachineEventType, VirtualServerEvent } from '../events';
import { quoted } from '../message-text';
import { PullQueue } from '../pull-queue';
import type { AbortSignalLike } from '../validate';
import type { VirtualMachine } from '../virtual-machine';
import type { VirtualServer } from '../virtual-server';

/** At most this many VMs are watched at once by default; past it each new VM is reported, not watched. */
export const DEFAULT_MAX_VMS = 1024;
/** ms one VM's subscribe (finding it, subscribing, its first probe) may take by default. */
export const DEFAULT_SUBSCRIBE_TIMEOUT = 30000;
/** Events waiting for the reader before the streams are no longer read (each stream then queues its own, bounded). */
const MERGED_QUEUE = 4096;

/** A VM that is not watched: its subscribe failed or passed its deadline, or the cap was reached. */
export interface NotWatched {
  type: 'vmNotWatched';
  time: Date;
  vm: string;
  error: Error & { code?: string; hresult?: number; hresultName?: string };
}

export type AllVmsEvent = VirtualMachineEvent | VirtualServerEvent | NotWatched;

export interface AllVmsOptions {
  signal: AbortSignalLike;
  /** events()'s `reconnect`, for the server's stream and each VM's. */
  reconnect: EventsOptions<never>['reconnect'];
  /** The VMs' event types to deliver (undefined: all). */
  vmTypes?: VirtualMachineEventType[];
  /** The server's own events to deliver (eventLogged, serviceEvent, reconnected); undefined: all three. */
  serverTypes?: Array<'eventLogged' | 'serviceEvent' | 'reconnected'>;
  maxVms?: number;
  subscribeTimeout?: number;
}

type VmStream = EventStream<VirtualMachineEvent>;
type ServerStream = EventStream<VirtualServerEvent>;

/** The server's event that names a VM, and the VM's own event type it stands for. */
const vmCounterpart: Record<string, VirtualMachineEventType> = {
  vmStateChange: 'stateChange',
  vmHeartbeatStopped: 'heartbeatStopped',
};
/** A VM's own event type that the server fires too, and the server's. */
const twinOf: Record<string, string> = { stateChange: 'vmStateChange', heartbeatStopped: 'vmHeartbeatStopped' };

/**
 * Every VM's own events (those there at the start, then each one a server event names for the first
 * time), plus the server's log events, merged. Until a VM's own stream is subscribed (or when it cannot
 * be), the server's events about it (vmStateChange, vmHeartbeatStopped) are delivered instead, so that a
 * new VM's first state change is not lost. A VM that cannot be watched is delivered once, in order with
 * the events, as a vmNotWatched record.
 */
export class AllVmsStream implements AsyncIterableIterator<AllVmsEvent> {
  private readonly queue = new PullQueue<AllVmsEvent>(() => undefined);
  /** Lower-case names: VMs subscribed to or being subscribed to. */
  private readonly taken = new Set<string>();
  /** Lower-case names of the VMs whose own stream is ready, and when it was (ms since the epoch). */
  private readonly readyAt = new Map<string, number>();
  /** Lower-case names reported as not watched. */
  private readonly refused = new Set<string>();
  private readonly streams = new Set<VmStream | ServerStream>();
  private readonly space: Array<() => void> = [];
  private readonly maxVms: number;
  private readonly subscribeTimeout: number;
  private opening?: Promise<void>;
  private closing?: Promise<void>;
  private closed = false;
  /** An abort ends this stream as it ends each stream it merges: an AbortError, what was queued dropped. */
  private readonly onAbort = (): void => this.fail(new AbortError(this.options.signal.reason), true);

  constructor(
    private readonly server: VirtualServer,
    private readonly options: AllVmsOptions,
  ) {
    this.maxVms = options.maxVms === undefined ? DEFAULT_MAX_VMS : options.maxVms;
    this.subscribeTimeout =
      options.subscribeTimeout === undefined ? DEFAULT_SUBSCRIBE_TIMEOUT : options.subscribeTimeout;
    if (options.signal.aborted) this.onAbort();
    else options.signal.addEventListener('abort', this.onAbort);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Resolves once the server's stream and every VM of the start are subscribed (or reported not watched). */
  ready(): Promise<void> {
    if (!this.opening) this.opening = this.open();
    return this.opening;
  }

  async next(): Promise<IteratorResult<AllVmsEvent, undefined>> {
    const result = this.queue.next();
    void this.ready().catch((error: Error) => this.fail(error));
    const value = await result;
    if (this.queue.length < MERGED_QUEUE) for (const wake of this.space.splice(0)) wake();
    return value;
  }

  /** Ends every stream, those being subscribed included; resolves once each is closed. */
  return(): Promise<IteratorReturnResult<undefined>> {
    if (!this.closing) {
      this.queue.end(undefined, { discardQueued: true });
      this.queue.forgetError();
      this.close();
    }
    return (this.closing as Promise<void>).then(() => ({ done: true, value: undefined }));
  }

  /** How many VMs have a stream of their own (or are being subscribed to). */
  get watchedCount(): number {
    return this.taken.size;
  }

  private async open(): Promise<void> {
    const { signal, reconnect } = this.options;
    // The server's stream gives the log events, and names every VM that changes state or loses its heartbeat.
    const server = this.server.events({ signal, reconnect });
    this.streams.add(server);
    await server.ready();
    if (this.closed) return;
    const vms = await this.server.virtualMachines();
    this.pump(server, (event) => this.onServerEvent(event));
    await Promise.all(vms.map((vm) => this.watch(vm.name, () => Promise.resolve(vm))));
  }

  private onServerEvent(event: VirtualServerEvent): void {
    const { serverTypes, vmTypes } = this.options;
    if (event.type === 'vmStateChange' || event.type === 'vmHeartbeatStopped') {
      // Delivered for a VM that had no stream of its own ready when it happened (an event's time is when
      // it reached this process): its own stream says what happens after that.
      const readyAt = this.readyAt.get(event.vm.toLowerCase());
      const missed = readyAt === undefined || event.time.getTime() <= readyAt;
      if (missed && (!vmTypes || vmTypes.includes(vmCounterpart[event.type]))) this.deliver(event);
      void this.watch(event.vm, () => this.server.findVirtualMachine(event.vm));
      return;
    }
    if (!serverTypes || serverTypes.includes(event.type)) this.deliver(event);
    if (event.type === 'reconnected') {
      for (const { vm } of event.vms) void this.watch(vm, () => this.server.findVirtualMachine(vm));
    }
  }

  /** Subscribes to the VM once, within the cap and by its deadline; reports it when it cannot. */
  private async watch(name: string, find: () => Promise<VirtualMachine>): Promise<void> {
    const key = name.toLowerCase();
    if (this.closed || this.taken.has(key) || this.refused.has(key)) return;
    if (this.taken.size >= this.maxVms) {
      const error = new Error(
        `watch --all watches at most ${this.maxVms} virtual machines at once, and watches that many already`,
      );
      this.refuse(name, error);
      return;
    }
    this.taken.add(key);
    const { signal, reconnect, vmTypes } = this.options;
    const deadline = new Deadline(
      this.subscribeTimeout,
      signal,
      () => `subscribing to the events of virtual machine ${quoted(name)}`,
    );
    let stream: VmStream | undefined;
    try {
      const vm = await deadline.race(find());
      if (this.closed) return;
      stream = vm.events({ signal, reconnect, types: vmTypes });
      this.streams.add(stream);
      await deadline.race(stream.ready());
      if (this.closed) {
        void stream.return();
        return;
      }
    } catch (error) {
      if (stream) {
        this.streams.delete(stream);
        void stream.return();
      }
      if (this.closed || error instanceof AbortError) return;
      this.taken.delete(key);
      this.refuse(name, error as Error);
      return;
    } finally {
      deadline.dispose();
    }
    const readyAt = Date.now();
    this.readyAt.set(key, readyAt);
    // What the VM's stream got before it was ready has a server twin (vmStateChange, vmHeartbeatStopped),
    // delivered above: one of the two is enough.
    this.pump(stream, (event) => {
      if (!(event.type in twinOf) || event.time.getTime() > readyAt) this.deliver(event);
    });
  }

  private refuse(name: string, error: Error): void {
    const key = name.toLowerCase();
    if (this.refused.has(key)) return;
    this.refused.add(key);
    this.deliver({ type: 'vmNotWatched', time: new Date(), vm: name, error });
  }

  /** Reads the stream until it ends; its error (other than an abort) ends the whole watch with it. */
  private pump<E>(stream: AsyncIterableIterator<E>, take: (event: E) => void): void {
    void (async () => {
      try {
        for await (const event of stream) {
          take(event);
          if (this.queue.length >= MERGED_QUEUE && !this.closed) await new Promise<void>((r) => this.space.push(r));
        }
      } catch (error) {
        if (!(error instanceof AbortError)) this.fail(error as Error);
      }
    })();
  }

  private deliver(event: AllVmsEvent): void {
    if (!this.closed) this.queue.push(event, Infinity, 'error');
  }

  private fail(error: Error, discardQueued = false): void {
    if (this.closed) return;
    this.queue.end(error, { discardQueued });
    this.close();
  }

  private close(): void {
    this.closed = true;
    this.options.signal.removeEventListener('abort', this.onAbort);
    for (const wake of this.space.splice(0)) wake();
    // A subscribe still under way returns its stream itself once it sees `closed`.
    this.closing = Promise.all(Array.from(this.streams, (stream) => stream.return())).then(() => undefined);
  }
}
