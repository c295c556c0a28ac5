// connect() and VirtualServer: the IVMVirtualServer of this host or of a remote one, called late-bound.
import { InspectOptionsStylized, inspect } from 'util';
import {
  NativeBinding,
  NativeConnectOptions,
  NativeEventInterface,
  NativeObject,
  NativeSubscription,
  NativeValue,
  loadBinding,
} from './binding';
import { ErrorCodes, VirtualServerError, fromNativeError } from './errors';
import { EventsOptions, parseEventsOptions } from './event-options';
import { EventSource, EventStream, OverflowPolicy, SubscribeHandlers } from './event-stream';
import {
  VMState,
  VirtualServerEvent,
  VirtualServerEventType,
  virtualServerEventMapper,
  virtualServerEventTypes,
} from './events';
import { inspectAs } from './inspection';
import { quoted } from './message-text';
import { ProbeTiming, Session } from './session';
import {
  OptionKeys,
  invalidArgType,
  invalidArgValue,
  optionalInteger,
  optionalString,
  optionsObject,
  requiredString,
} from './validate';
import { expectNumber, expectObject, expectString, isNativeObject } from './values';
import { VirtualMachine } from './virtual-machine';

export interface Credentials {
  user: string;
  password: string;
  domain?: string;
}

export interface ConnectOptions {
  /** Remote host name (DCOM). Omit for this host. */
  host?: string;
  /** ProgID to activate (default 'VirtualServer.Application'). */
  progId?: string;
  /** '{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}': for a remote host whose ProgID is not registered here. */
  clsid?: string;
  /** Explicit credentials for a remote host; never logged nor kept in error messages. */
  credentials?: Credentials;
  /** How often (ms) event streams check that the server is alive (default 5000). */
  probeInterval?: number;
  /**
   * How long (ms) a liveness probe may go unanswered before the server counts as unresponsive (default
   * 5000): its streams then end with ERR_VS_DISCONNECTED (cause ERR_VS_UNRESPONSIVE) or reconnect.
   */
  probeTimeout?: number;
  /**
   * Deadline (ms) of every call to the server, connect() included (default 15000), counted from when
   * the call goes out (calls of one connection go out in turn). A call past it rejects with
   * ERR_VS_TIMEOUT; a server that does not even return then is unresponsive, and every later call on
   * this connection rejects with ERR_VS_UNRESPONSIVE at once.
   */
  callTimeout?: number;
}

export type VirtualServerEventOf<T extends VirtualServerEventType> = Extract<
  VirtualServerEvent,
  { type: T | 'reconnected' }
>;

const DEFAULT_PROBE_INTERVAL_MS = 5000;
const DEFAULT_PROBE_TIMEOUT_MS = 5000;
const MAX_TIMER_MS = 0x7fffffff;
const CLSID_PATTERN = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;

const connectOptionNames: ReadonlyArray<keyof ConnectOptions> = [
  'host',
  'progId',
  'clsid',
  'credentials',
  'probeInterval',
  'probeTimeout',
  'callTimeout',
];
const connectOptionKeys: OptionKeys = {
  known: connectOptionNames,
  elsewhere: {
    user: 'credentials.user',
    username: 'credentials.user',
    password: 'credentials.password',
    domain: 'credentials.domain',
    timeout: 'callTimeout',
  },
};
/**
 * The longest strings Windows takes (DNS names, documented ProgIDs, CRED_MAX_USERNAME_LENGTH, PWLEN): a
 * longer one cannot be right, and is refused before it floods messages or reaches the addon.
 */
const MAX_LENGTH = { host: 255, progId: 39, user: 513, password: 256, domain: 255 };
const credentialNames: ReadonlyArray<keyof Credentials> = ['user', 'password', 'domain'];
const credentialKeys: OptionKeys = {
  known: credentialNames,
  elsewhere: { username: 'user', pwd: 'password' },
};

function parseCredentials(
  value: unknown,
  host: string | undefined,
  name: string,
): Pick<NativeConnectOptions, 'user' | 'password' | 'domain'> {
  if (value === undefined) return {};
  const given = optionsObject<Credentials>(`${name}.credentials`, value, credentialKeys);
  if (host === undefined) {
    throw invalidArgValue(
      `${name}.credentials`,
      value,
      'needs options.host: credentials are for a remote host; this host uses your own logon',
    );
  }
  const user = requiredString(`${name}.credentials.user`, given.user, { maxLength: MAX_LENGTH.user });
  const password = optionalString(`${name}.credentials.password`, given.password, {
    nonEmpty: false,
    maxLength: MAX_LENGTH.password,
  });
  if (password === undefined) throw invalidArgType(`${name}.credentials.password`, 'of type string', password);
  // Refused here, with the reason; the addon refuses it too, but only as a backstop, without one.
  if (password === '') {
    throw invalidArgValue(
      `${name}.credentials.password`,
      password,
      'must not be empty: Windows refuses blank passwords over the network unless a security policy allows them, which it does not by default. ' +
        "Give the account's password, or leave out credentials to connect as your own logon",
    );
  }
  return {
    user,
    password,
    domain: optionalString(`${name}.credentials.domain`, given.domain, { maxLength: MAX_LENGTH.domain }),
  };
}

/**
 * Checks connect() options; `name` is what messages call them (a watch() target: 'targets[1]'), and
 * `ownKeys` are keys the caller takes besides them (and checks itself).
 */
export function parseConnectOptions(
  options: unknown,
  name = 'options',
  ownKeys: readonly string[] = [],
): { native: NativeConnectOptions; probe: ProbeTiming } {
  const keys =
    ownKeys.length === 0 ? connectOptionKeys : { ...connectOptionKeys, known: [...connectOptionNames, ...ownKeys] };
  const given = optionsObject<ConnectOptions>(name, options, keys);
  const host = optionalString(`${name}.host`, given.host, { maxLength: MAX_LENGTH.host });
  const progId = optionalString(`${name}.progId`, given.progId, { maxLength: MAX_LENGTH.progId });
  const clsid = optionalString(`${name}.clsid`, given.clsid);
  if (clsid !== undefined && !CLSID_PATTERN.test(clsid)) {
    throw invalidArgValue(
      `${name}.clsid`,
      clsid,
      "must be a CLSID in braces, like '{01234567-89ab-cdef-0123-456789abcdef}'",
    );
  }
  const callTimeoutMs =
    given.callTimeout === undefined
      ? undefined
      : optionalInteger(`${name}.callTimeout`, given.callTimeout, 1, MAX_TIMER_MS, 0);
  const native: NativeConnectOptions = Object.assign(
    { host, progId, clsid, callTimeoutMs },
    parseCredentials(given.credentials, host, name),
  );
  for (const key of Object.keys(native) as Array<keyof NativeConnectOptions>)
    if (native[key] === undefined) delete native[key];
  const probe: ProbeTiming = {
    intervalMs: optionalInteger(`${name}.probeInterval`, given.probeInterval, 100, 3600000, DEFAULT_PROBE_INTERVAL_MS),
    timeoutMs: optionalInteger(`${name}.probeTimeout`, given.probeTimeout, 100, 3600000, DEFAULT_PROBE_TIMEOUT_MS),
  };
  return { native, probe };
}

/**
 * Connects to Virtual Server on this host or options.host. Bad options throw at the call; on a host
 * without COM (not Windows) the promise rejects with ERR_VS_UNSUPPORTED_PLATFORM.
 */
export function connect(options?: ConnectOptions): Promise<VirtualServer> {
  const parsed = parseConnectOptions(options);
  return new Promise<NativeBinding>((resolve) => resolve(loadBinding()))
    .catch((error) => {
      throw fromNativeError(error);
    })
    .then((binding) => connectWith(binding, parsed.native, parsed.probe));
}

/**
 * @internal connect() with a given binding (the tests' fake one). Options are the checked ones.
 * `reconnects: false` for a connection whose streams never reconnect (watch() connects a lost host anew):
 * it keeps no options, credentials included, once connected.
 */
export async function connectWith(
  binding: NativeBinding,
  native: NativeConnectOptions,
  probe: ProbeTiming,
  { reconnects = true }: { reconnects?: boolean } = {},
): Promise<VirtualServer> {
  return new VirtualServer(await Session.open(binding, native, probe, reconnects));
}

// Merged with the interface below, which declares the asyncDispose method added where the runtime has it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class VirtualServer {
  /** @internal use connect(). */
  constructor(private readonly session: Session) {}

  /** 'this host' or 'host "name"'. */
  get where(): string {
    return this.session.where;
  }

  async name(): Promise<string> {
    return expectString(
      await this.session.get(this.session.root, 'Name', 'reading the server name'),
      'the server name',
    );
  }

  async version(): Promise<string> {
    return expectString(
      await this.session.get(this.session.root, 'Version', 'reading the server version'),
      'the server version',
    );
  }

  async virtualMachines(): Promise<VirtualMachine[]> {
    const what = 'listing the virtual machines';
    const collection = expectObject(await this.session.get(this.session.root, 'VirtualMachines', what), what);
    let items: NativeValue[] = [];
    let listed = false;
    try {
      items = await this.session.run(what, (binding) => binding.items(collection));
      const objects = items.map((item) => expectObject(item, what));
      // Every name first: a VirtualMachine is made only once the whole listing has succeeded.
      const names = await Promise.all(objects.map((object) => this.nameOf(object)));
      listed = true;
      return objects.map((object, index) => new VirtualMachine(this.session, object, names[index]));
    } finally {
      void this.session.release(collection);
      // A failed listing gives no VirtualMachine: its objects go now, not at garbage collection, and none
      // is left with the session (which holds what it adopts until close() where there is no WeakRef).
      if (!listed) for (const item of items) if (isNativeObject(item)) void this.session.release(item);
    }
  }

  /**
   * @internal Every VM's name and state, for the 'reconnected' record of a stream or a watch(): read from
   * the listed objects, which are let go of at once. VirtualMachines that nobody could use would be held
   * by the session until close() where the runtime has no WeakRef (Node 12): N more each reconnection.
   */
  async virtualMachineStates(): Promise<Array<{ vm: string; state: VMState }>> {
    const what = 'listing the virtual machines';
    const collection = expectObject(await this.session.get(this.session.root, 'VirtualMachines', what), what);
    let items: NativeValue[] = [];
    try {
      items = await this.session.run(what, (binding) => binding.items(collection));
      const objects = items.map((item) => expectObject(item, what));
      return await Promise.all(
        objects.map(async (object) => {
          const vm = await this.nameOf(object);
          const doing = `the state of virtual machine ${quoted(vm)}`;
          return { vm, state: expectNumber(await this.session.get(object, 'State', `reading ${doing}`), doing) };
        }),
      );
    } finally {
      void this.session.release(collection);
      for (const item of items) if (isNativeObject(item)) void this.session.release(item);
    }
  }

  /** The virtual machine of that name (case-insensitive); rejects ERR_VS_VM_NOT_FOUND when there is none. */
  findVirtualMachine(name: string): Promise<VirtualMachine> {
    const wanted = requiredString('name', name);
    return (async () => {
      const found = await this.session.call(
        this.session.root,
        'FindVirtualMachine',
        [wanted],
        `finding virtual machine ${quoted(wanted)}`,
      );
      // FindVirtualMachine answers S_FALSE with a NULL object for an unknown name; through IDispatch that is a null result.
      if (!isNativeObject(found)) {
        throw new VirtualServerError(
          ErrorCodes.VM_NOT_FOUND,
          `no virtual machine is named ${quoted(wanted)} on ${this.session.where}; \`vsevents list\` shows the names`,
        );
      }
      return this.wrap(found);
    })();
  }

  /** What discovery found for the server's connection points (names, IIDs, kinds, DISPIDs, vtable slots). */
  eventInterfaces(): Promise<NativeEventInterface[]> {
    return this.session.run('discovering the event interfaces of the server', (binding) =>
      binding.describeEvents(this.session.root),
    );
  }

  /** Events of every virtual machine on this server (IVMVirtualServerEvents). */
  events<T extends VirtualServerEventType = VirtualServerEventType>(
    options?: EventsOptions<T>,
  ): EventStream<VirtualServerEventOf<T>> {
    const { stream } = parseEventsOptions(options, virtualServerEventTypes);
    return this.session.openStream(this.eventSource(), stream) as EventStream<VirtualServerEventOf<T>>;
  }

  /** Ends every event stream of this server and its virtual machines, and lets go of the connection. Idempotent. */
  close(): Promise<void> {
    return this.session.close();
  }

  /** What console.log shows: where, whether credentials were given (never what they are), and the state. */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    const credentials = this.session.hasCredentials ? { credentials: '<hidden>' } : {};
    const state = Object.assign({ where: this.where }, credentials, {
      closed: this.session.isClosed,
      streams: this.session.streamCount,
    });
    return inspectAs('VirtualServer', state, depth, options);
  }

  private async wrap(object: NativeObject): Promise<VirtualMachine> {
    return new VirtualMachine(this.session, object, await this.nameOf(object));
  }

  private async nameOf(object: NativeObject): Promise<string> {
    return expectString(
      await this.session.get(object, 'Name', 'reading a virtual machine name'),
      'a virtual machine name',
    );
  }

  private eventSource(): Omit<EventSource<VirtualServerEvent>, 'ended'> {
    let subscribedGeneration = this.session.generation;
    return {
      label: `Virtual Server on ${this.session.where}`,
      map: virtualServerEventMapper,
      subscribe: (
        handlers: SubscribeHandlers,
        queue: { maxQueue: number; overflow: OverflowPolicy },
      ): Promise<NativeSubscription> => {
        subscribedGeneration = this.session.generation;
        const root = this.session.root;
        return this.session.run('subscribing to the server events', (binding) =>
          binding.subscribe(root, {
            maxQueue: queue.maxQueue,
            overflow: queue.overflow,
            probeIntervalMs: this.session.probe.intervalMs,
            probeTimeoutMs: this.session.probe.timeoutMs,
            onEvents: handlers.onEvents,
            onEnd: handlers.onEnd,
          }),
        );
      },
      reconnect: () => this.session.reconnect(subscribedGeneration),
      snapshot: async () => {
        const vms = await this.virtualMachineStates();
        return { type: 'reconnected', time: new Date(), vms };
      },
    };
  }
}

// `await using server = await connect()` where the runtime has Symbol.asyncDispose (Node >= 20.4 / 18.18).
// A class method would be named "undefined" on older runtimes, whose Symbol has no asyncDispose.
// The declaration must not name Symbol.asyncDispose either: a user whose TypeScript (before 5.2) or
// @types/node has none could not compile ours. The key is read from SymbolConstructor where it has one,
// and the member is absent from the type where it has not (test/unit/package.test.js compiles a consumer
// with TypeScript 4.9 and the @types/node of Node 16).
type AsyncDisposeKey = SymbolConstructor extends { readonly asyncDispose: infer Key } ? Extract<Key, symbol> : never;
/** `[Symbol.asyncDispose](): Promise<void>` (close()), where the TypeScript lib in use declares that symbol. */
type AsyncDisposableIfAvailable = { [Key in AsyncDisposeKey]: () => Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface VirtualServer extends AsyncDisposableIfAvailable {}
const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
if (typeof asyncDispose === 'symbol') {
  Object.defineProperty(VirtualServer.prototype, asyncDispose, {
    value: function (this: VirtualServer) {
      return this.close();
    },
    writable: true,
    configurable: true,
  });
}
