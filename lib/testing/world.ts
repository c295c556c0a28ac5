// The in-memory host behind the fake binding: its virtual machines and their state machine, the event
// sinks of both interfaces, one event queue fired in order (as the simulator's event thread does), and
// the host's life: running, frozen (alive, answering nothing) or crashed (gone until restarted).
import { randomBytes } from 'crypto';
import type { NativeValue } from '../binding';
import { VMState } from '../events';
import type { EventInterfaceKind } from './event-interfaces';
import type { FakeHresultName } from './native-errors';
import { ControlMethod, isRefusal, plan, shutdownSequence } from './state-diagram';

/** A subscription's end of an event interface: called with each event, in order. */
export interface Sink {
  /** Gets one event; answers OnRequestShutdown's [out] isAllowed where the interface has it. */
  deliver(method: string, args: NativeValue[]): boolean | undefined;
}

export interface VmRecord {
  name: string;
  configId: string;
  file: string;
  state: VMState;
  /** A state sequence is in progress. */
  busy: boolean;
  /** Removed from the host: every call on its objects fails with VM_E_VM_UNKNOWN. */
  removed: boolean;
  /** Virtual Machine Additions are installed in the guest (and it has run with them): IVMGuestOS answers. */
  additions: boolean;
  /** OnHeartbeatStopped fired and the guest has not booted since: IsHeartbeating reads false. */
  heartbeatLost: boolean;
  readonly sinks: Set<Sink>;
}

/** IVMGuestOS.OSName of a guest with Additions (one of the names ivmguestos-osname.md lists). */
export const GUEST_OS_NAME = 'Windows Server 2003, Enterprise Edition';
/** IVMGuestOS.AdditionsVersion: the reference gives no format; this is the R2 SP1 Additions' build. */
export const ADDITIONS_VERSION = '13.813';

/** An IVMGuestOS property (ivmguestos.md) the fake answers. */
export type GuestProperty = 'AdditionsVersion' | 'CanShutdown' | 'HeartbeatPercentage' | 'IsHeartbeating' | 'OSName';

/** The progress of one Startup/TurnOff/Save/Reset, as its IVMTask reports it. */
export interface TaskProgress {
  readonly id: string;
  readonly description: string;
  readonly steps: number;
  done: number;
}

export type ShutdownOutcome = 'proceeded' | 'refused' | 'ignored';

/** A call the host refuses: the HRESULT and the server's description. */
export class HostRefusal extends Error {
  constructor(
    readonly hresultName: FakeHresultName,
    message: string,
  ) {
    super(message);
    this.name = 'HostRefusal';
  }
}

/** A call reached a host that has crashed since (or is down): its proxies are dead. */
export class HostLost extends Error {
  constructor() {
    super('the host is gone');
    this.name = 'HostLost';
  }
}

export function newGuid(): string {
  const hex = randomBytes(16).toString('hex').toUpperCase();
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}}`;
}

export class World {
  private readonly vms: VmRecord[] = [];
  readonly serverSinks = new Set<Sink>();
  /** Bumped by every crash: objects and connections of an earlier incarnation belong to a dead process. */
  incarnation = 1;
  running = true;
  frozen = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** What a frozen host holds, run in order when it thaws: the calls it was asked, the events that fell due. */
  private heldCalls: Array<() => void> = [];
  private heldEvents: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly version: string,
    readonly kind: EventInterfaceKind,
    public pacing: number,
  ) {}

  define(vm: Pick<VmRecord, 'name' | 'state'> & Partial<Pick<VmRecord, 'configId' | 'file' | 'additions'>>): void {
    this.vms.push({
      name: vm.name,
      state: vm.state,
      configId: vm.configId || newGuid(),
      file: vm.file || `C:\\Virtual Machines\\${vm.name}\\${vm.name}.vmc`,
      busy: false,
      removed: false,
      additions: vm.additions === true,
      heartbeatLost: false,
      sinks: new Set(),
    });
  }

  remove(vm: VmRecord): void {
    vm.removed = true;
    this.vms.splice(this.vms.indexOf(vm), 1);
  }

  /** Case-insensitive, as FindVirtualMachine is. */
  find(name: string): VmRecord | undefined {
    const wanted = name.toLowerCase();
    return this.vms.find((vm) => vm.name.toLowerCase() === wanted);
  }

  all(): VmRecord[] {
    return this.vms.slice();
  }

  /** Runs `work` as the host answers a call: later (never inside the caller's call), held while frozen. */
  answer<T>(incarnation: number, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        if (!this.running || incarnation !== this.incarnation) reject(new HostLost());
        else {
          try {
            resolve(work());
          } catch (error) {
            reject(error);
          }
        }
      };
      if (this.frozen) this.heldCalls.push(run);
      else setImmediate(run);
    });
  }

  /** Checked now, fired later by the event queue; a VM of a removed record refuses everything. */
  control(vm: VmRecord, method: ControlMethod): TaskProgress | undefined {
    if (vm.removed) throw new HostRefusal('VM_E_VM_UNKNOWN', `The virtual machine "${vm.name}" was removed`);
    const outcome = plan(method, vm.state, vm.busy);
    if (isRefusal(outcome))
      throw new HostRefusal(outcome.hresultName, `The virtual machine "${vm.name}" ${outcome.reason}`);
    vm.busy = true;
    const task = outcome.returnsTask
      ? { id: newGuid(), description: `${method} "${vm.name}"`, steps: outcome.states.length, done: 0 }
      : undefined;
    this.queueSequence(vm, outcome.states, outcome.final, task);
    return task;
  }

  /**
   * IVMGuestOS's properties, with the refusals of their reference pages: the VM must be running (Running,
   * and no sequence in progress: "fully booted and not shutting down") for all but AdditionsVersion and
   * CanShutdown, and have Additions; VM_E_VM_NOT_RUNNING is checked first.
   */
  guestProperty(vm: VmRecord, name: GuestProperty): string | number | boolean {
    if (vm.removed) throw new HostRefusal('VM_E_VM_UNKNOWN', `The virtual machine "${vm.name}" was removed`);
    const running = vm.state === VMState.Running && !vm.busy;
    const noAdditions = `has no Virtual Machine Additions installed (or has never been started with them)`;
    switch (name) {
      case 'AdditionsVersion':
        // Read from the configuration's cache when the VM is not running (ivmguestos-additionsversion.md).
        if (!vm.additions)
          throw new HostRefusal('VM_E_ADDITIONS_NOT_AVAIL', `The virtual machine "${vm.name}" ${noAdditions}`);
        return ADDITIONS_VERSION;
      case 'CanShutdown':
        if (!vm.additions)
          throw new HostRefusal('VM_E_ADDITIONS_NOT_AVAIL', `The virtual machine "${vm.name}" ${noAdditions}`);
        return running;
      case 'IsHeartbeating':
      case 'HeartbeatPercentage':
        if (!running) throw new HostRefusal('VM_E_VM_NOT_RUNNING', `The virtual machine "${vm.name}" is not running`);
        if (!vm.additions)
          throw new HostRefusal('VM_E_ADDITIONS_NOT_AVAIL', `The virtual machine "${vm.name}" ${noAdditions}`);
        if (name === 'IsHeartbeating') return !vm.heartbeatLost;
        return vm.heartbeatLost ? 0 : 100;
      case 'OSName':
        if (!running) throw new HostRefusal('VM_E_VM_NOT_RUNNING', `The virtual machine "${vm.name}" is not running`);
        if (!vm.additions)
          throw new HostRefusal('VM_E_ADDITIONS_FEATURE_NOT_AVAIL', `The virtual machine "${vm.name}" ${noAdditions}`);
        return GUEST_OS_NAME;
    }
  }

  /** IVMGuestOS.Shutdown: a running VM with Additions shuts down as TurnOff would, with a task. */
  guestShutdown(vm: VmRecord): TaskProgress {
    if (vm.removed) throw new HostRefusal('VM_E_VM_UNKNOWN', `The virtual machine "${vm.name}" was removed`);
    if (vm.busy)
      throw new HostRefusal(
        'VM_E_VM_NOT_RUNNING',
        `The virtual machine "${vm.name}" is changing state: wait for the current task or its last OnStateChange`,
      );
    if (vm.state !== VMState.Running)
      throw new HostRefusal('VM_E_VM_NOT_RUNNING', `The virtual machine "${vm.name}" is not running`);
    if (!vm.additions) {
      throw new HostRefusal(
        'VM_E_ADDITIONS_FEATURE_NOT_AVAIL',
        `The virtual machine "${vm.name}" has no Virtual Machine Additions installed: its guest cannot be asked to shut down`,
      );
    }
    vm.busy = true;
    const task = {
      id: newGuid(),
      description: `Shutting down the guest of "${vm.name}"`,
      steps: shutdownSequence.length,
      done: 0,
    };
    this.queueSequence(vm, shutdownSequence, VMState.TurnedOff, task);
    return task;
  }

  /** Installs or removes the guest's Additions; installing them also brings a lost heartbeat back. */
  setGuestAdditions(vm: VmRecord, installed: boolean): void {
    vm.additions = installed;
    vm.heartbeatLost = false;
  }

  private queueSequence(vm: VmRecord, states: readonly VMState[], final: VMState, task?: TaskProgress): void {
    states.forEach((state, index) => {
      const last = index === states.length - 1;
      this.schedule(index * this.pacing, () => {
        // A guest that boots again sends heartbeats again.
        if (state === VMState.TurningOn) vm.heartbeatLost = false;
        // Not busy before the last event: a client reacting to it may call the next method at once.
        vm.state = last ? final : state;
        if (last) vm.busy = false;
        if (!vm.removed) this.fireState(vm, state);
        if (task) task.done++; // a removed VM's task still completes: nobody waits forever
      });
    });
  }

  private fireState(vm: VmRecord, state: VMState): void {
    deliver(vm.sinks, 'OnStateChange', [state]);
    deliver(this.serverSinks, 'OnVMStateChange', [vm.name, state]);
  }

  /** OnStateChange and OnVMStateChange; the VM's State reads `state` from then on. */
  fireStateChange(vm: VmRecord, state: VMState): void {
    this.schedule(0, () => {
      vm.state = state;
      this.fireState(vm, state);
    });
  }

  /** OnHeartbeatStopped; IsHeartbeating reads false (and HeartbeatPercentage 0) until the guest boots again. */
  fireHeartbeatStopped(vm: VmRecord): void {
    this.schedule(0, () => {
      vm.heartbeatLost = true;
      deliver(vm.sinks, 'OnHeartbeatStopped', []);
      deliver(this.serverSinks, 'OnHeartbeatStopped', [vm.name]);
    });
  }

  /** One event of IVMVirtualMachineEvents alone, with no consequence on the host (a replayed one). */
  fireVmEvent(vm: VmRecord, method: string, args: NativeValue[]): void {
    this.schedule(0, () => deliver(vm.sinks, method, args));
  }

  /** One event of IVMVirtualServerEvents alone. */
  fireServerEvent(method: string, args: NativeValue[]): void {
    this.schedule(0, () => deliver(this.serverSinks, method, args));
  }

  /**
   * OnRequestShutdown, then what the host does about it: a running, idle VM whose sinks all allowed it
   * shuts down (TurningOff, DeleteMachine, TurnedOff); any sink's refusal keeps it on.
   */
  fireRequestShutdown(vm: VmRecord): Promise<ShutdownOutcome> {
    return new Promise((resolve) => {
      this.schedule(0, () => {
        const answers = deliver(vm.sinks, 'OnRequestShutdown', []);
        if (vm.removed || vm.busy || vm.state !== VMState.Running) return resolve('ignored');
        if (answers.includes(false)) return resolve('refused');
        vm.busy = true;
        this.queueSequence(vm, shutdownSequence, VMState.TurnedOff);
        resolve('proceeded');
      });
    });
  }

  /** Runs `job` after `delayMs` on the event queue; a frozen host holds it until it thaws. */
  private schedule(delayMs: number, job: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.frozen) this.heldEvents.push(job);
      else job();
      this.checkIdle();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Resolves once every queued event has fired (and a frozen host has thawed to fire what it holds). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  private checkIdle(): void {
    if (this.timers.size > 0 || this.heldEvents.length > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    // After the deliveries those events started have reached JS (the binding drains on setImmediate).
    setImmediate(() => waiters.forEach((resolve) => resolve()));
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    this.releaseHeld().forEach((run) => run());
    this.checkIdle();
  }

  private releaseHeld(): Array<() => void> {
    const held = this.heldCalls.concat(this.heldEvents);
    this.heldCalls = [];
    this.heldEvents = [];
    return held;
  }

  /**
   * The host process dies: its queued events and sequences with it, its sinks' connections, every
   * object handed out. VMs keep the state they were in (a sequence in progress stops where it was).
   */
  crash(): void {
    this.running = false;
    this.frozen = false;
    this.incarnation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.serverSinks.clear();
    for (const vm of this.vms) {
      vm.sinks.clear();
      vm.busy = false;
    }
    // Held calls now find the host gone; held events are lost with the process.
    const calls = this.heldCalls;
    this.releaseHeld();
    calls.forEach((run) => run());
    this.checkIdle();
  }

  restart(): void {
    this.running = true;
  }
}

/** Calls every sink with one event; returns their answers. */
function deliver(sinks: Set<Sink>, method: string, args: NativeValue[]): Array<boolean | undefined> {
  return Array.from(sinks, (sink) => sink.deliver(method, args));
}
