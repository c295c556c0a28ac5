// VirtualMachine: one IVMVirtualMachine, called late-bound by name, with its events and control methods.
import { InspectOptionsStylized, inspect } from 'util';
import type { NativeEventInterface, NativeObject, NativeSubscribeOptions, NativeSubscription } from './binding';
import { ControlName, controlMethods } from './control-methods';
import { Deadline } from './deadline';
import { GuestOS } from './guest-os';
import { debug } from './debug';
import { ErrorCodes, VirtualServerError } from './errors';
import { EventsOptions, parseEventsOptions } from './event-options';
import { EventSource, EventStream, OverflowPolicy, SubscribeHandlers } from './event-stream';
import {
  REQUEST_SHUTDOWN_ANSWER,
  VMState,
  VirtualMachineEvent,
  VirtualMachineEventType,
  stateName,
  virtualMachineEventMapper,
  virtualMachineEventTypes,
} from './events';
import { inspectAs } from './inspection';
import type { Session } from './session';
import {
  AbortSignalLike,
  invalidArgType,
  invalidArgValue,
  oneOf,
  optionalInteger,
  optionalSignal,
  optionsObject,
} from './validate';
import { expectNumber, expectString, isNativeObject } from './values';
import { waitForTask } from './vm-task';

export interface VirtualMachineEventsOptions<
  T extends VirtualMachineEventType = VirtualMachineEventType,
> extends EventsOptions<T> {
  /**
   * The answer given when the host's OnRequestShutdown has an [out] isAllowed parameter: 'allow'
   * (default) or 'deny'. It is given at once by the native sink (a pull-based stream could not answer in
   * time); the requestShutdown event says what was answered. Hosts whose interface has no such parameter
   * ask nothing, and the VM shuts down whatever this says.
   */
  requestShutdown?: 'allow' | 'deny';
}

export interface WaitOptions {
  /** Milliseconds before rejecting with ERR_VS_TIMEOUT (default: no limit). */
  timeout?: number;
  signal?: AbortSignal | AbortSignalLike;
}

/** The events yielded by a stream filtered to the types T (a 'reconnected' record always passes). */
export type VirtualMachineEventOf<T extends VirtualMachineEventType> = Extract<
  VirtualMachineEvent,
  { type: T | 'reconnected' }
>;

const MAX_TIMEOUT_MS = 0x7fffffff;

/**
 * The states whose stateChange event waitForState takes at its word: Running and Paused end their
 * sequences and none passes through them (virtual-machine-state-diagram.md); no documented sequence fires
 * Saved or Invalid. Every other event says less than its state: TurnedOff ends Save as well as TurnOff,
 * and State then reads Saved (ivmvirtualmachine-save.md); TurningOff and DeleteMachine are passed through
 * by Save, TurnOff and Reset alike; TurningOn, Restoring and Saving are passed through too, and
 * MergingDrives (vmvmstate.md) is in no documented sequence. After those the wait reads State.
 */
const statesEventsTell: ReadonlySet<VMState> = new Set([
  VMState.Running,
  VMState.Paused,
  VMState.Saved,
  VMState.Invalid,
]);

const waitOptionKeys: ReadonlyArray<keyof WaitOptions> = ['timeout', 'signal'];

export function parseWaitOptions(options: unknown): { timeout?: number; signal?: AbortSignalLike } {
  const given = optionsObject<WaitOptions>('options', options, { known: waitOptionKeys });
  const timeout =
    given.timeout === undefined ? undefined : optionalInteger('options.timeout', given.timeout, 0, MAX_TIMEOUT_MS, 0);
  return { timeout, signal: optionalSignal('options.signal', given.signal) };
}

export class VirtualMachine {
  private nativeObject: NativeObject;
  private generation: number;
  /** The lookup of the VM after a reconnection, while it runs. */
  private refetching?: { generation: number; found: Promise<NativeObject> };

  /** @internal VirtualServer makes these; use server.virtualMachines() or server.findVirtualMachine(). */
  constructor(
    private readonly session: Session,
    nativeObject: NativeObject,
    readonly name: string,
  ) {
    this.nativeObject = session.adopt(nativeObject);
    this.generation = session.generation;
  }

  /** For messages: 'virtual machine "web01"'. */
  get label(): string {
    return `virtual machine "${this.name}"`;
  }

  /** What console.log shows, instead of the session and COM handle behind it. */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    return inspectAs(
      'VirtualMachine',
      { name: this.name, where: this.session.where, closed: this.session.isClosed },
      depth,
      options,
    );
  }

  async state(): Promise<VMState> {
    const target = await this.target();
    return expectNumber(
      await this.session.get(target, 'State', `reading the state of ${this.label}`),
      `the state of ${this.label}`,
    );
  }

  /** The unique ID of the virtual machine (ConfigID). */
  async configId(): Promise<string> {
    const target = await this.target();
    return expectString(
      await this.session.get(target, 'ConfigID', `reading the ConfigID of ${this.label}`),
      `the ConfigID of ${this.label}`,
    );
  }

  /** The path of its .vmc configuration file. */
  async file(): Promise<string> {
    const target = await this.target();
    return expectString(
      await this.session.get(target, 'File', `reading the File of ${this.label}`),
      `the File of ${this.label}`,
    );
  }

  /**
   * The guest operating system (IVMVirtualMachine.GuestOS, an IVMGuestOS): its Additions, heartbeat, name
   * and graceful shutdown. Each of its calls reads GuestOS afresh, so it outlives reconnections.
   */
  guestOS(): GuestOS {
    return new GuestOS(this.session, () => this.target(), this.label);
  }

  /** What discovery found for this object's connection points (names, IIDs, kinds, DISPIDs, vtable slots). */
  async eventInterfaces(): Promise<NativeEventInterface[]> {
    const target = await this.target();
    return this.session.run(`discovering the event interfaces of ${this.label}`, (binding) =>
      binding.describeEvents(target),
    );
  }

  events<T extends VirtualMachineEventType = VirtualMachineEventType>(
    options?: VirtualMachineEventsOptions<T>,
  ): EventStream<VirtualMachineEventOf<T>> {
    const { stream, given } = parseEventsOptions<VirtualMachineEventsOptions>(options, virtualMachineEventTypes, [
      'requestShutdown',
    ]);
    const requestShutdown = oneOf('options.requestShutdown', given.requestShutdown, ['allow', 'deny'], 'allow');
    return this.session.openStream(this.eventSource(requestShutdown === 'allow'), stream) as EventStream<
      VirtualMachineEventOf<T>
    >;
  }

  /**
   * Resolves with the state once the virtual machine is in one of `states` (at once if it already is);
   * subscribes before reading the state, so a change in between is not missed. The state it resolves
   * with is one State read, but for Running and Paused, which it takes from their events: after any other
   * state's event it reads State again (Save fires TurnedOff last, and State then reads Saved).
   */
  waitForState(states: VMState | readonly VMState[], options?: WaitOptions): Promise<VMState> {
    return this.waitForStates(parseStates(states), parseWaitOptions(options));
  }

  private async waitForStates(
    wanted: Set<VMState>,
    { timeout, signal }: { timeout?: number; signal?: AbortSignalLike },
  ): Promise<VMState> {
    const names = Array.from(wanted, stateName).join(' or ');
    const stream = this.events({ types: ['stateChange', 'reconnected'] });
    const deadline = new Deadline(timeout, signal, () => `${this.label} to reach ${names}`);
    deadline.onCancel(() => {
      stream.return().catch(() => undefined);
    });
    try {
      deadline.check();
      await deadline.race(stream.ready());
      const current = await deadline.race(this.state());
      if (wanted.has(current)) return current;
      for await (const event of stream) {
        // A reconnected record's state was read; a stateChange's is read where its event cannot tell it.
        const state =
          event.type === 'stateChange' && !statesEventsTell.has(event.state)
            ? await deadline.race(this.state())
            : event.state;
        if (wanted.has(state)) return state;
      }
      deadline.check();
      throw new VirtualServerError(
        ErrorCodes.CLOSED,
        `the connection closed while waiting for ${this.label} to reach ${names}`,
      );
    } catch (error) {
      deadline.check(); // a timeout or abort explains the end of the stream better than the stream does
      throw error;
    } finally {
      // Past the deadline, closing the stream may wait on a hung server: the addon bounds it, we do not wait.
      const closing = stream.return();
      if (deadline.passed) closing.catch(() => undefined);
      else await closing;
      deadline.dispose();
    }
  }

  /** Starts the virtual machine (restoring it if saved); resolves when Virtual Server reports the task complete. */
  startup(options?: WaitOptions): Promise<void> {
    return this.control('startup', options);
  }

  /** Turns the virtual machine off, like pulling the power. */
  turnOff(options?: WaitOptions): Promise<void> {
    return this.control('turnOff', options);
  }

  /** Saves the virtual machine's state; it is off (Saved) when this resolves. */
  save(options?: WaitOptions): Promise<void> {
    return this.control('save', options);
  }

  reset(options?: WaitOptions): Promise<void> {
    return this.control('reset', options);
  }

  pause(options?: WaitOptions): Promise<void> {
    return this.control('pause', options);
  }

  resume(options?: WaitOptions): Promise<void> {
    return this.control('resume', options);
  }

  private control(which: ControlName, options: unknown): Promise<void> {
    return this.runControl(which, parseWaitOptions(options));
  }

  private async runControl(
    which: ControlName,
    { timeout, signal }: { timeout?: number; signal?: AbortSignalLike },
  ): Promise<void> {
    const { method, doing } = controlMethods[which];
    const what = `${doing} ${this.label}`;
    const deadline = new Deadline(timeout, signal, () => `${doing} ${this.label} to complete`);
    try {
      deadline.check();
      const target = await deadline.race(this.target());
      debug('%s', what);
      const task = await deadline.race(this.session.call(target, method, [], what));
      // Those that return an IVMTask (returnsTask in lib/control-methods.ts) are done when it completes;
      // whatever the table says, an object that comes back is polled, so nothing is left running unseen.
      if (isNativeObject(task)) await waitForTask(this.session, task, what, deadline);
    } finally {
      deadline.dispose();
    }
  }

  private eventSource(allowShutdown: boolean): Omit<EventSource<VirtualMachineEvent>, 'ended'> {
    let subscribedGeneration = this.generation;
    return {
      label: this.label,
      map: virtualMachineEventMapper(this.name),
      subscribe: async (
        handlers: SubscribeHandlers,
        queue: { maxQueue: number; overflow: OverflowPolicy },
      ): Promise<NativeSubscription> => {
        const target = await this.target();
        subscribedGeneration = this.generation;
        const outAnswers = allowShutdown ? undefined : await this.shutdownDenial(target);
        return this.session.run(`subscribing to the events of ${this.label}`, (binding) =>
          binding.subscribe(target, {
            maxQueue: queue.maxQueue,
            overflow: queue.overflow,
            probeIntervalMs: this.session.probe.intervalMs,
            probeTimeoutMs: this.session.probe.timeoutMs,
            outAnswers,
            onEvents: handlers.onEvents,
            onEnd: handlers.onEnd,
          }),
        );
      },
      reconnect: () => this.session.reconnect(subscribedGeneration),
      snapshot: async () => ({ type: 'reconnected', vm: this.name, time: new Date(), state: await this.state() }),
    };
  }

  /**
   * outAnswers that refuse OnRequestShutdown, where the host's interface has the [out] isAllowed parameter
   * (the addon answers allow by default, and refuses answers for parameters an interface lacks).
   */
  private async shutdownDenial(target: NativeObject): Promise<NativeSubscribeOptions['outAnswers']> {
    const interfaces = await this.session.run(`discovering the event interface of ${this.label}`, (binding) =>
      binding.describeEvents(target),
    );
    const method =
      interfaces.length > 0 ? interfaces[0].methods.find((m) => m.name === 'OnRequestShutdown') : undefined;
    const canAnswer =
      method !== undefined && method.params.some((p) => p.name === REQUEST_SHUTDOWN_ANSWER && p.direction !== 'in');
    if (!canAnswer) {
      debug('%s: OnRequestShutdown has no [out] %s here, so it cannot be refused', this.label, REQUEST_SHUTDOWN_ANSWER);
      return undefined;
    }
    return { OnRequestShutdown: { [REQUEST_SHUTDOWN_ANSWER]: false } };
  }

  /** The COM object, fetched again by name after the session reconnected. */
  private async target(): Promise<NativeObject> {
    this.session.assertOpen();
    const generation = this.session.generation;
    if (this.generation === generation) return this.nativeObject;
    // Callers after the same reconnection share one lookup: a second one would release the handle the
    // first just adopted, under a stream that is using it.
    if (!this.refetching || this.refetching.generation !== generation) {
      const found = this.findAgain(generation);
      this.refetching = { generation, found };
      found.catch(() => {
        if (this.refetching && this.refetching.found === found) this.refetching = undefined;
      });
    }
    return this.refetching.found;
  }

  private async findAgain(generation: number): Promise<NativeObject> {
    const found = await this.session.call(
      this.session.root,
      'FindVirtualMachine',
      [this.name],
      `finding ${this.label} again after reconnecting`,
    );
    if (!isNativeObject(found)) {
      throw new VirtualServerError(ErrorCodes.VM_NOT_FOUND, `${this.label} no longer exists on ${this.session.where}`);
    }
    if (found !== this.nativeObject) void this.session.release(this.nativeObject);
    this.nativeObject = this.session.adopt(found);
    this.generation = generation;
    return this.nativeObject;
  }
}

function parseStates(states: unknown): Set<VMState> {
  const list = Array.isArray(states) ? states : [states];
  if (list.length === 0) throw invalidArgValue('states', states, 'must name at least one VMState');
  for (const state of list) {
    if (typeof state !== 'number') throw invalidArgType('states', 'a VMState or an array of VMState', states);
    if (VMState[state] === undefined) throw invalidArgValue('states', state, 'must be a VMState (0 to 10)');
  }
  return new Set(list as VMState[]);
}
