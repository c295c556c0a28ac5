// The fake as a NativeBinding (lib/binding.ts): the objects the addon would hand out (server, VM
// collection, VM, guest OS, task) as handles on the in-memory host, answered late-bound by name as the simulator's
// type library answers them, so that VirtualServer, VirtualMachine, EventStream and Session run unchanged.
import type {
  NativeBinding,
  NativeConnectOptions,
  NativeDiagnostics,
  NativeEventInterface,
  NativeObject,
  NativeSubscribeOptions,
  NativeSubscription,
  NativeValue,
} from '../binding';
import { controlOfMethod } from '../control-methods';
import { ErrorCodes } from '../error-codes';
import type { KnownHresult } from '../hresults';
import { invalidArgType, invalidArgValue } from '../validate';
import { DEFAULT_CALL_TIMEOUT_MS, FakeConnection } from './connection';
import { virtualMachineEvents, virtualServerEvents } from './event-interfaces';
import { comFailure, nativeError, releasedError } from './native-errors';
import type { ControlMethod } from './state-diagram';
import { FakeSubscription } from './subscription';
import { GuestProperty, HostRefusal, TaskProgress, VmRecord, World } from './world';

const PROG_ID = 'VirtualServer.Application';

type Handle =
  | { kind: 'server' }
  | { kind: 'collection'; items: VmRecord[] }
  | { kind: 'vm'; vm: VmRecord }
  | { kind: 'guestOS'; vm: VmRecord }
  | { kind: 'task'; task: TaskProgress };

/** IVMGuestOS's properties the fake answers (lib/testing/world.ts), and the members it does not model. */
const guestProperties: readonly string[] = [
  'AdditionsVersion',
  'CanShutdown',
  'HeartbeatPercentage',
  'IsHeartbeating',
  'OSName',
];
const guestNotModelled: readonly string[] = ['IsHostTimeSyncEnabled', 'InstallAdditions', 'SetParameter'];

function notModelled(name: string): HostRefusal {
  return new HostRefusal('E_NOTIMPL', `IVMGuestOS.${name} is not simulated`);
}

/** What the addon's handles are to lib/: an opaque object; here it knows its connection and what it is. */
class FakeObject {
  released = false;
  constructor(
    readonly connection: FakeConnection,
    readonly handle: Handle,
  ) {}
}

function unknownName(name: string): HostRefusal {
  return new HostRefusal('DISP_E_UNKNOWNNAME', `Unknown name "${name}"`);
}

function removedCheck(vm: VmRecord): void {
  if (vm.removed) throw new HostRefusal('VM_E_VM_UNKNOWN', `The virtual machine "${vm.name}" was removed`);
}

export class FakeNativeBinding implements NativeBinding {
  readonly addonVersion = 'fake';
  readonly napiVersion = Number(process.versions.napi) || 0;

  constructor(private readonly world: World) {}

  connect(options: NativeConnectOptions): Promise<NativeObject> {
    if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
    const where = options.host !== undefined ? options.host : 'this host';
    const connection = new FakeConnection(this.world, where, options.callTimeoutMs || DEFAULT_CALL_TIMEOUT_MS);
    const doing = `connecting to Virtual Server on ${where}`;
    if (options.clsid === undefined && options.progId !== undefined && options.progId !== PROG_ID) {
      return Promise.reject(comFailure(`${doing} (ProgID ${options.progId})`, 'CO_E_CLASSSTRING'));
    }
    return connection.run(doing, () => this.object(connection, { kind: 'server' }));
  }

  get(target: NativeObject, name: string, args: NativeValue[] = []): Promise<NativeValue> {
    const object = this.check(target);
    if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name);
    return this.on(object, `reading ${name}`, () => this.property(object, name, args));
  }

  // The value is never looked at: no property of Virtual Server's objects that the fake serves is writable.
  put(target: NativeObject, name: string): Promise<void> {
    const object = this.check(target);
    if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name);
    // No property of Virtual Server's objects that the fake serves is writable.
    return this.on(object, `writing ${name}`, () => {
      throw new HostRefusal('DISP_E_MEMBERNOTFOUND', `${name} cannot be written`);
    });
  }

  call(target: NativeObject, name: string, args: NativeValue[]): Promise<NativeValue> {
    const object = this.check(target);
    if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name);
    if (!Array.isArray(args)) throw invalidArgType('args', 'an array', args);
    return this.on(object, `calling ${name}`, () => this.method(object, name, args));
  }

  items(collection: NativeObject): Promise<NativeValue[]> {
    const object = this.check(collection);
    return this.on(object, 'enumerating the collection', () => {
      const { handle } = object;
      if (handle.kind !== 'collection') throw unknownName('_NewEnum');
      return handle.items.map((vm) => this.object(object.connection, { kind: 'vm', vm }));
    });
  }

  /** The in-memory host holds no reference that could be left behind, so the release is done at once. */
  release(target: NativeObject): Promise<void> {
    this.check(target).released = true;
    return Promise.resolve();
  }

  describeEvents(target: NativeObject): Promise<NativeEventInterface[]> {
    const object = this.check(target);
    return this.on(object, 'discovering the event interfaces', () => {
      const described = this.eventInterface(object);
      return described ? [described] : [];
    });
  }

  subscribe(target: NativeObject, options: NativeSubscribeOptions): Promise<NativeSubscription> {
    const object = this.check(target);
    if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
    const given = options as unknown as Record<string, unknown>;
    for (const key of ['onEvents', 'onEnd']) {
      if (typeof given[key] !== 'function') throw invalidArgType(`options.${key}`, 'a function', given[key]);
    }
    for (const key of ['maxQueue', 'probeIntervalMs', 'probeTimeoutMs'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1)
        throw invalidArgValue(`options.${key}`, options[key], 'must be a whole number of 1 or more');
    }
    const { handle } = object;
    const described = this.eventInterface(object);
    if (!described) {
      return Promise.reject(
        nativeError(
          ErrorCodes.EVENTS_UNAVAILABLE,
          `the ${handle.kind} object has no connection point: it fires no events`,
        ),
      );
    }
    return this.on(object, `subscribing to ${described.name}`, () => {
      checkOutAnswers(described, options.outAnswers);
      if (handle.kind === 'vm') removedCheck(handle.vm);
      const sinks = handle.kind === 'vm' ? handle.vm.sinks : this.world.serverSinks;
      return new FakeSubscription(object.connection, sinks, described, options);
    });
  }

  /** The fake's sinks are plain functions in this process, called by nothing but the in-memory host. */
  callerAccess(): string {
    return 'D:(A;;0x3;;;WD)';
  }

  /** The fake's subscriptions live in this process: nothing stays advised anywhere when it exits. */
  closeForExit(): void {}

  /** The fake runs on the JS thread alone: no COM threads, no native timers. */
  diagnostics(): NativeDiagnostics {
    return {
      threads: 0,
      idleThreads: 0,
      abandonedThreads: 0,
      timers: 0,
      comSecurity: 'not set yet',
      live: { connections: 0, objects: 0, subscriptions: 0, deliveries: 0 },
    };
  }

  /** The fake words its messages from lib/hresults.ts itself; the table is checked, not needed. */
  useKnownHresults(table: readonly KnownHresult[]): void {
    if (!Array.isArray(table)) throw invalidArgType('table', 'an array', table);
  }

  private object(connection: FakeConnection, handle: Handle): NativeObject {
    return new FakeObject(connection, handle) as unknown as NativeObject;
  }

  private check(target: NativeObject): FakeObject {
    const object = target as unknown as FakeObject;
    if (!(object instanceof FakeObject) || object.connection.world !== this.world)
      throw invalidArgType('target', 'an object this fake Virtual Server handed out', target);
    return object;
  }

  /** A call on one object: refused once released, else run as one call of its connection. */
  private on<T>(object: FakeObject, doing: string, work: () => T): Promise<T> {
    if (object.released) return Promise.reject(releasedError(object.handle.kind));
    return object.connection.run(doing, work);
  }

  private eventInterface(object: FakeObject): NativeEventInterface | undefined {
    if (object.handle.kind === 'server') return virtualServerEvents(this.world.kind);
    if (object.handle.kind === 'vm') return virtualMachineEvents(this.world.kind);
    return undefined;
  }

  private property(object: FakeObject, name: string, args: NativeValue[]): NativeValue {
    const { handle, connection } = object;
    switch (handle.kind) {
      case 'server':
        if (name === 'Name') return this.world.name;
        if (name === 'Version') return this.world.version;
        if (name === 'VirtualMachines') return this.object(connection, { kind: 'collection', items: this.world.all() });
        break;
      case 'collection':
        if (name === 'Count') return handle.items.length;
        if (name === 'Item') {
          const index = args[0];
          if (typeof index !== 'number' || index < 1 || index > handle.items.length)
            throw new HostRefusal('DISP_E_BADINDEX', `Item takes an index from 1 to ${handle.items.length}`);
          return this.object(connection, { kind: 'vm', vm: handle.items[index - 1] });
        }
        break;
      case 'vm': {
        const { vm } = handle;
        removedCheck(vm);
        if (name === 'Name') return vm.name;
        if (name === 'State') return vm.state;
        if (name === 'ConfigID') return vm.configId;
        if (name === 'File') return vm.file;
        if (name === 'GuestOS') return this.object(connection, { kind: 'guestOS', vm });
        break;
      }
      case 'guestOS':
        if (guestProperties.includes(name)) return this.world.guestProperty(handle.vm, name as GuestProperty);
        if (guestNotModelled.includes(name)) throw notModelled(name);
        break;
      case 'task': {
        const { task } = handle;
        if (name === 'Description') return task.description;
        if (name === 'ID') return task.id;
        if (name === 'IsCancelable') return false;
        if (name === 'IsComplete') return task.done >= task.steps;
        if (name === 'PercentCompleted') return Math.floor((task.done * 100) / task.steps);
        if (name === 'Result') return 0; // vmTaskResult_Success: the fake's tasks, like the simulator's, never fail
        break;
      }
    }
    throw unknownName(name);
  }

  private method(object: FakeObject, name: string, args: NativeValue[]): NativeValue {
    const { handle, connection } = object;
    if (handle.kind === 'server' && name === 'FindVirtualMachine') {
      if (typeof args[0] !== 'string') throw new HostRefusal('DISP_E_TYPEMISMATCH', 'FindVirtualMachine takes a name');
      const vm = this.world.find(args[0]);
      // S_FALSE and a NULL object: through IDispatch, a null result.
      return vm ? this.object(connection, { kind: 'vm', vm }) : null;
    }
    if (handle.kind === 'vm' && controlOfMethod(name)) {
      const task = this.world.control(handle.vm, name as ControlMethod);
      return task ? this.object(connection, { kind: 'task', task }) : undefined;
    }
    if (handle.kind === 'guestOS' && name === 'Shutdown')
      return this.object(connection, { kind: 'task', task: this.world.guestShutdown(handle.vm) });
    if (handle.kind === 'guestOS' && guestNotModelled.includes(name)) throw notModelled(name);
    if (handle.kind === 'task' && name === 'Cancel')
      throw new HostRefusal('E_FAIL', 'This task is not cancelable (IsCancelable is false)');
    throw unknownName(name);
  }
}

/** The addon refuses answers for methods or parameters the interface lacks, or that are [in] only. */
function checkOutAnswers(described: NativeEventInterface, outAnswers: NativeSubscribeOptions['outAnswers']): void {
  if (outAnswers === undefined) return;
  for (const method of Object.keys(outAnswers)) {
    const found = described.methods.find((m) => m.name === method);
    for (const param of Object.keys(outAnswers[method])) {
      const answerable = found && found.params.some((p) => p.name === param && p.direction !== 'in');
      if (!answerable) {
        throw invalidArgValue(
          `options.outAnswers.${method}.${param}`,
          outAnswers[method][param],
          `names no [out] parameter of ${described.name}: describeEvents() lists its methods and parameters`,
        );
      }
    }
  }
}
