// FakeVirtualServer: the public face of the in-memory host. Defines and drives VMs, fires any event of
// either interface, crashes, freezes and restarts the host, and connects the package's real classes to
// it. Every argument is checked here, with the message saying what was wrong; the model trusts them.
import type { NativeBinding, NativeValue } from '../binding';
import { VMState, stateName } from '../events';
import { quoted } from '../message-text';
import {
  invalidArgType,
  invalidArgValue,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionsObject,
  requiredString,
} from '../validate';
import { ConnectOptions, VirtualServer, connectWith, parseConnectOptions } from '../virtual-server';
import type { EventInterfaceKind } from './event-interfaces';
import { FakeNativeBinding } from './native-binding';
import { ReplayOptions, ReplayResult, replayCapture } from './replay';
import { ShutdownOutcome, VmRecord, World } from './world';

export type { ShutdownOutcome };

export interface VirtualMachineDefinition {
  name: string;
  /** Any VMState (default TurnedOff); a VM defined in a passing state (TurningOn...) stays in it until told otherwise. */
  state?: VMState;
  /** Default: a new GUID in braces. */
  configId?: string;
  /** Default: C:\Virtual Machines\<name>\<name>.vmc. */
  file?: string;
  /** Virtual Machine Additions installed in the guest (default false): what IVMGuestOS answers (vm.guestOS()). */
  additions?: boolean;
}

export interface FakeVirtualServerOptions {
  /** IVMVirtualServer.Name (default 'FAKEHOST'). */
  name?: string;
  /** IVMVirtualServer.Version (default '1.1.603.0 EE R2 SP1 (fake)'). */
  version?: string;
  /** The VMs the host starts with. */
  virtualMachines?: Array<string | VirtualMachineDefinition>;
  /** ms between the states of a control method's sequence (default 0: one after another, at once). */
  pacing?: number;
  /**
   * The form of the event interfaces discovery finds (default 'vtable', whose OnRequestShutdown has the
   * [out] isAllowed that `events({ requestShutdown: 'deny' })` answers; 'dispinterface' has none).
   */
  eventInterfaces?: EventInterfaceKind;
}

/** What host.virtualMachine(name) tells about a VM. */
export interface VirtualMachineStatus {
  name: string;
  state: VMState;
  configId: string;
  file: string;
  /** A control method's state sequence is in progress. */
  busy: boolean;
  /** Virtual Machine Additions are installed (setGuestAdditions()). */
  additions: boolean;
  /** fireHeartbeatStopped() fired, and the guest has not booted again nor had setGuestAdditions() since. */
  heartbeatLost: boolean;
}

const MAX_PACING_MS = 600000;
const allStates = Object.values(VMState).filter((value): value is VMState => typeof value === 'number');
const optionKeys = { known: ['name', 'version', 'virtualMachines', 'pacing', 'eventInterfaces'] };
const definitionKeys = { known: ['name', 'state', 'configId', 'file', 'additions'] };

export class FakeVirtualServer {
  private readonly world: World;
  /** The raw NativeBinding over this host, for tools that use the native layer (loadBinding()'s interface). */
  readonly binding: NativeBinding;

  constructor(options?: FakeVirtualServerOptions) {
    const given = optionsObject<FakeVirtualServerOptions>('options', options, optionKeys);
    const name = given.name === undefined ? 'FAKEHOST' : requiredString('options.name', given.name);
    const version =
      given.version === undefined ? '1.1.603.0 EE R2 SP1 (fake)' : requiredString('options.version', given.version);
    const kind = oneOf('options.eventInterfaces', given.eventInterfaces, ['vtable', 'dispinterface'], 'vtable');
    this.world = new World(name, version, kind, checkPacing('options.pacing', given.pacing, 0));
    this.binding = new FakeNativeBinding(this.world);
    const vms = given.virtualMachines === undefined ? [] : given.virtualMachines;
    if (!Array.isArray(vms)) throw invalidArgType('options.virtualMachines', 'an array', vms);
    vms.forEach((vm, index) => this.define(vm, `options.virtualMachines[${index}]`));
  }

  /** A VirtualServer (the package's own class) connected to this host; takes connect()'s options. */
  connect(options?: ConnectOptions): Promise<VirtualServer> {
    const { native, probe } = parseConnectOptions(options);
    return connectWith(this.binding, native, probe);
  }

  get pacing(): number {
    return this.world.pacing;
  }

  set pacing(ms: number) {
    this.world.pacing = checkPacing('pacing', ms, this.world.pacing);
  }

  /** Adds a VM: a name, or { name, state, configId, file }. Names are unique, case-insensitively. */
  defineVirtualMachine(vm: string | VirtualMachineDefinition): void {
    this.define(vm, 'vm');
  }

  /** Removes a VM: its objects' calls then fail with VM_E_VM_UNKNOWN, as on the real host. */
  removeVirtualMachine(name: string): void {
    this.world.remove(this.vm(name));
  }

  virtualMachineNames(): string[] {
    return this.world.all().map((vm) => vm.name);
  }

  virtualMachine(name: string): VirtualMachineStatus {
    const { name: actual, state, configId, file, busy, additions, heartbeatLost } = this.vm(name);
    return { name: actual, state, configId, file, busy, additions, heartbeatLost };
  }

  /**
   * Installs (true) or removes (false) the guest's Virtual Machine Additions, at once: with them, IVMGuestOS
   * answers and Shutdown works on a running VM; without them it refuses with the reference's HRESULTs.
   * Either way the heartbeat is back (IsHeartbeating true while the VM runs) after a fireHeartbeatStopped().
   */
  setGuestAdditions(vm: string, installed: boolean): void {
    const record = this.vm(vm);
    if (typeof installed !== 'boolean') throw invalidArgType('installed', 'of type boolean', installed);
    this.world.setGuestAdditions(record, installed);
  }

  // IVMVirtualMachineEvents (and their IVMVirtualServerEvents counterparts where the host fires both).
  /** Sets the VM's state and fires OnStateChange and the server's OnVMStateChange, as a state change does. */
  fireStateChange(vm: string, state: VMState): void {
    this.world.fireStateChange(this.vm(vm), checkState('state', state, allStates));
  }

  /**
   * OnHeartbeatStopped of the VM and of the server; from then on IsHeartbeating reads false and
   * HeartbeatPercentage 0, until the guest boots again (startup(), reset()) or setGuestAdditions().
   */
  fireHeartbeatStopped(vm: string): void {
    this.world.fireHeartbeatStopped(this.vm(vm));
  }

  fireTripleFault(vm: string): void {
    this.world.fireVmEvent(this.vm(vm), 'OnTripleFault', []);
  }

  fireReset(vm: string): void {
    this.world.fireVmEvent(this.vm(vm), 'OnReset', []);
  }

  /**
   * OnRequestShutdown; resolves with what the host did: 'proceeded' (a running, idle VM that no stream
   * refused shuts down: TurningOff, DeleteMachine, TurnedOff), 'refused' (a stream answered deny), or
   * 'ignored' (the VM was not running, or busy).
   */
  fireRequestShutdown(vm: string): Promise<ShutdownOutcome> {
    return this.world.fireRequestShutdown(this.vm(vm));
  }

  /** OnConfigurationChanged(key, value); value is any VARIANT: string, number, boolean, Date, null, undefined, bigint, arrays. */
  fireConfigurationChanged(vm: string, key: string, value: NativeValue): void {
    const record = this.vm(vm);
    this.world.fireVmEvent(record, 'OnConfigurationChanged', [
      requiredString('key', key),
      checkVariant('value', value),
    ]);
  }

  // IVMVirtualServerEvents
  fireEventLogged(messageId: number): void {
    this.world.fireServerEvent('OnEventLogged', [checkMessageId(messageId)]);
  }

  fireServiceEvent(messageId: number): void {
    this.world.fireServerEvent('OnServiceEvent', [checkMessageId(messageId)]);
  }

  /** Resolves once every event fired or queued so far (sequences included) has reached the streams. */
  idle(): Promise<void> {
    return this.world.idle();
  }

  /** Open subscriptions on the server, or on the VM named: what a script left open. */
  advisedSinkCount(vm?: string): number {
    return vm === undefined ? this.world.serverSinks.size : this.vm(vm).sinks.size;
  }

  /** Alive, answering nothing: calls hang until their callTimeout, streams end by their probe. */
  freeze(): void {
    this.world.freeze();
  }

  /** Answers again: what it held (calls, due events) runs in order. Unresponsive connections stay so. */
  thaw(): void {
    this.world.thaw();
  }

  /**
   * The host process dies: every connection made so far is dead (calls and probes fail with
   * RPC_S_SERVER_UNAVAILABLE, streams end with ERR_VS_DISCONNECTED at their next probe), connect()
   * fails until restart(). Queued events are lost; VMs keep the state they were in.
   */
  crash(): void {
    this.world.crash();
  }

  /** The host runs again: connect() (and streams with `reconnect`) reach it. */
  restart(): void {
    this.world.restart();
  }

  get isRunning(): boolean {
    return this.world.running;
  }

  get isFrozen(): boolean {
    return this.world.frozen;
  }

  /** Fires the events of a `vsevents watch --all --json` capture in order; see ReplayOptions. */
  replay(capture: string | readonly object[], options?: ReplayOptions): Promise<ReplayResult> {
    return replayCapture(this.world, capture, options);
  }

  private define(vm: unknown, name: string): void {
    const given =
      typeof vm === 'string' ? { name: vm } : optionsObject<VirtualMachineDefinition>(name, vm, definitionKeys);
    const vmName = requiredString(typeof vm === 'string' ? name : `${name}.name`, given.name);
    const existing = this.world.find(vmName);
    if (existing) {
      throw invalidArgValue(
        name,
        vm,
        `names a virtual machine that exists (${quoted(existing.name)}; names are case-insensitive): pick another name or remove it first`,
      );
    }
    this.world.define({
      name: vmName,
      state: given.state === undefined ? VMState.TurnedOff : checkState(`${name}.state`, given.state, allStates),
      configId: given.configId === undefined ? undefined : requiredString(`${name}.configId`, given.configId),
      file: given.file === undefined ? undefined : requiredString(`${name}.file`, given.file),
      additions: optionalBoolean(`${name}.additions`, given.additions, false),
    });
  }

  private vm(name: string): VmRecord {
    const wanted = requiredString('vm', name);
    const found = this.world.find(wanted);
    if (!found) {
      const names = this.virtualMachineNames();
      throw invalidArgValue(
        'vm',
        name,
        `names no virtual machine of this host (it has ${names.length === 0 ? 'none' : names.map((n) => quoted(n)).join(', ')}): defineVirtualMachine() it first`,
      );
    }
    return found;
  }
}

function checkPacing(name: string, value: unknown, fallback: number): number {
  return optionalInteger(name, value, 0, MAX_PACING_MS, fallback);
}

function checkState(name: string, value: unknown, allowed: readonly number[]): VMState {
  if (typeof value !== 'number') throw invalidArgType(name, 'a VMState (a number)', value);
  if (!allowed.includes(value)) {
    throw invalidArgValue(name, value, `must be one of ${allowed.map((s) => `VMState.${stateName(s)}`).join(', ')}`);
  }
  return value;
}

function checkMessageId(value: unknown): number {
  if (typeof value !== 'number') throw invalidArgType('messageId', 'of type number (a long)', value);
  return optionalInteger('messageId', value, -0x80000000, 0x7fffffff, 0);
}

/** A value a VARIANT can carry, as the addon converts them (lib/binding.ts's NativeValue, without objects). */
function checkVariant(name: string, value: unknown): NativeValue {
  const simple = ['undefined', 'boolean', 'number', 'bigint', 'string'];
  if (value === null || simple.includes(typeof value) || value instanceof Date) return value as NativeValue;
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkVariant(`${name}[${index}]`, item));
    return value as NativeValue[];
  }
  throw invalidArgType(
    name,
    'a value a VARIANT carries (string, number, bigint, boolean, Date, null, undefined, or an array of them)',
    value,
  );
}
