// Loads the native addon and declares its raw API: the one contract between native/src (generic COM)
// and the TypeScript layer (Virtual Server meaning). Nothing here knows about virtual machines.
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode, ErrorCodes } from './error-codes';
import { KnownHresult, knownHresults } from './hresults';

/** An opaque handle to a COM object (an IDispatch) of one connection, called on that connection's COM thread. */
export interface NativeObject {
  readonly __nativeObjectBrand: never;
}

/**
 * A VARIANT as JS sees it: VT_EMPTY -> undefined, VT_NULL -> null, VT_DATE -> Date (the DATE read as UTC),
 * VT_DISPATCH -> NativeObject (null when NULL), one-dimensional SAFEARRAY -> array, VT_I8/VT_UI8 -> bigint,
 * every other number type -> number. Going in: whole numbers that fit are VT_I4, other numbers VT_R8.
 * An event argument the addon cannot convert arrives as an Error (code ERR_VS_UNSUPPORTED_VARIANT).
 */
export type NativeValue = undefined | null | boolean | number | bigint | string | Date | NativeObject | NativeValue[];

export interface NativeConnectOptions {
  /** ProgID to activate; default 'VirtualServer.Application'. Ignored when clsid is given. */
  progId?: string;
  /** '{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}': for remote hosts whose ProgID is not registered locally. */
  clsid?: string;
  /** Remote host name: CoCreateInstanceEx with COSERVERINFO. Omit for this host. */
  host?: string;
  /** Explicit credentials (COAUTHIDENTITY); never logged, never copied into error messages. */
  user?: string;
  password?: string;
  domain?: string;
  /**
   * Deadline (ms) of every call on this connection, connect included. A call past it rejects with
   * ERR_VS_TIMEOUT (and is cancelled where COM can); one that still does not return makes the connection
   * unresponsive: its pending and later calls reject with ERR_VS_UNRESPONSIVE. Default 15000.
   */
  callTimeoutMs?: number;
}

export type NativeParamDirection = 'in' | 'out' | 'inout';

export interface NativeEventParam {
  name: string;
  /** VARTYPE of the parameter without VT_BYREF, e.g. 3 for VT_I4. */
  vt: number;
  /** Readable type, e.g. 'BSTR', 'long', 'VARIANT', 'VARIANT_BOOL*', or the enum's name from the type library. */
  type: string;
  direction: NativeParamDirection;
}

export interface NativeEventMethod {
  name: string;
  dispid: number;
  /** vtable slot index (FUNCDESC.oVft / sizeof(void*)); for a dispinterface the IDispatch::Invoke path is used. */
  vtableSlot: number;
  params: NativeEventParam[];
}

/** A source interface as discovered from an object's connection points and its type library. */
export interface NativeEventInterface {
  name: string;
  iid: string;
  kind: 'dispinterface' | 'vtable';
  methods: NativeEventMethod[];
}

/** One event as the sink saw it, copied on the RPC thread that called it and delivered in arrival order. */
export interface NativeEventRecord {
  method: string;
  /** [in] arguments in declaration order. */
  args: NativeValue[];
  /** ms since the epoch, taken when the COM call arrived. */
  time: number;
  /** For methods with [out] parameters: what the sink answered, by parameter name. */
  answered?: Record<string, NativeValue>;
}

/**
 * An Error from the addon: code is one of ERR_VS_COM_ERROR, ERR_VS_DISCONNECTED, ERR_VS_RELEASED,
 * ERR_VS_EVENT_QUEUE_OVERFLOW, ERR_VS_EVENTS_UNAVAILABLE (the object fires no events, or its source
 * interface cannot be read or sunk), ERR_VS_TIMEOUT (a call outlived callTimeoutMs), ERR_VS_UNRESPONSIVE
 * (the connection's server stopped answering) or ERR_INVALID_ARG_VALUE (outAnswers naming what the
 * interface lacks); hresult is unsigned where COM gave one; cause is the error that led to this one.
 * Bad arguments (wrong types, values out of range) are not rejections: every function throws Node's
 * TypeError/RangeError (code ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE / ERR_OUT_OF_RANGE) synchronously.
 */
export interface NativeError extends Error {
  code: string;
  hresult?: number;
  cause?: NativeError;
}

export interface NativeSubscribeOptions {
  /** IID of the connection point to advise; default: the object's only (or default) source interface. */
  iid?: string;
  /** Bound of the native queue between the COM threads and the JS thread. */
  maxQueue: number;
  /** What the native queue does when full: end the subscription with ERR_VS_EVENT_QUEUE_OVERFLOW, or drop the oldest event. */
  overflow: 'error' | 'drop-oldest';
  /**
   * How often the server's liveness is probed; a dead server ends the subscription with ERR_VS_DISCONNECTED.
   * A connection sends one probe for all its subscriptions, at the shortest interval any of them asked for.
   */
  probeIntervalMs: number;
  /**
   * How long a probe may go unanswered, counted from when it goes out (the shortest any subscription of the
   * connection asked for): then the connection is unresponsive and every subscription of it ends with
   * ERR_VS_DISCONNECTED whose cause has code ERR_VS_UNRESPONSIVE.
   */
  probeTimeoutMs: number;
  /** Answers for [out] parameters, given before any event arrives: method name -> parameter name -> value. */
  outAnswers?: Record<string, Record<string, NativeValue>>;
  /** Called on the JS thread with every event queued since the previous call; dropped counts drop-oldest losses. */
  onEvents(batch: NativeEventRecord[], dropped: number): void;
  /** Called once on the JS thread when the subscription has ended: null after close(), else the error that ended it. */
  onEnd(error: NativeError | null): void;
}

/** Garbage collection of the handle without close() unadvises too (onEnd(null) follows while the env lives). */
export interface NativeSubscription {
  readonly eventInterface: NativeEventInterface;
  /** Unadvise and release; resolves when done. Events already queued are delivered before onEnd. Idempotent. */
  close(): Promise<void>;
  /** By default a subscription does not keep the process alive; ref() makes it do so. */
  ref(): void;
  unref(): void;
}

export interface NativeBinding {
  readonly addonVersion: string;
  /** The Node-API version of the running Node. */
  readonly napiVersion: number;
  connect(options: NativeConnectOptions): Promise<NativeObject>;
  /** Property get (with optional index arguments) through IDispatch, DISPIDs cached. */
  get(target: NativeObject, name: string, args?: NativeValue[]): Promise<NativeValue>;
  put(target: NativeObject, name: string, value: NativeValue): Promise<void>;
  call(target: NativeObject, name: string, args: NativeValue[]): Promise<NativeValue>;
  /** The items of a collection through _NewEnum. */
  items(collection: NativeObject): Promise<NativeValue[]>;
  /**
   * Releases the COM reference now instead of at garbage collection; later use rejects ERR_VS_RELEASED.
   * Resolves once the release has gone out to the server (by the call deadline at the latest), and keeps
   * the process alive until then. Never rejects.
   */
  release(target: NativeObject): Promise<void>;
  describeEvents(target: NativeObject): Promise<NativeEventInterface[]>;
  subscribe(target: NativeObject, options: NativeSubscribeOptions): Promise<NativeSubscription>;
  /**
   * Who may call into this process's COM objects (the event sinks), as SDDL: this process's user,
   * LocalSystem, NetworkService, LocalService and the accounts VSE_EVENT_CALLERS lists (SIDs or
   * DOMAIN\name, comma-separated). Read once, at the first connect(); a wrong entry throws
   * ERR_INVALID_ARG_VALUE there and here. In force only while diagnostics().comSecurity is 'ours'.
   */
  callerAccess(): string;
  /**
   * Ends every subscription of this thread and waits (1 s at most, blocking) while their servers are told:
   * for process.on('exit'), since process.exit() runs no cleanup of the addon's. Objects stay usable.
   */
  closeForExit(): void;
  /** What the addon holds process-wide (COM threads, timers): for tests and bug reports. */
  diagnostics(): NativeDiagnostics;
  /** Hands the addon lib/hresults.ts's table, which names HRESULTs in its messages and errors (loadBinding does). */
  useKnownHresults(table: readonly KnownHresult[]): void;
}

/** A census of the addon's process-wide resources (native/src/com_thread.h). */
export interface NativeDiagnostics {
  /** COM threads running: each connection's worker and prober, idle ones, abandoned ones, the local one. */
  threads: number;
  /** Threads waiting in the pool for the next connection. */
  idleThreads: number;
  /** Threads abandoned to a host that stopped answering, still in their call. */
  abandonedThreads: number;
  /** Timers (call deadlines, probes) waiting on the local thread. */
  timers: number;
  /**
   * Whose COM security the process runs with: 'not set yet' (no connect() so far), 'ours' (the callers'
   * list of callerAccess() is in force), 'host process' (it had set security first: callerAccess() is not
   * in force) or 'defaults' (setting it failed: COM's machine-wide defaults hold).
   */
  comSecurity: 'not set yet' | 'ours' | 'host process' | 'defaults';
  /** The addon's own objects alive in the process, to tell a leak of them exactly. */
  live: { connections: number; objects: number; subscriptions: number; deliveries: number };
}

/** Thrown when the addon cannot be had on this host; lib turns it into ERR_VS_UNSUPPORTED_PLATFORM or a build hint. */
export class BindingUnavailableError extends Error {
  readonly code: ErrorCode;
  constructor(
    message: string,
    code: ErrorCode,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'BindingUnavailableError';
    this.code = code;
  }
}

let loaded: NativeBinding | undefined;

/** Names an addon binary to load instead of the one the package ships or builds (tests, custom builds). */
export const ADDON_PATH_VARIABLE = 'VSE_ADDON_PATH';

// The binary to load: VSE_ADDON_PATH's, else the one node-gyp-build picks (build/Release, then prebuilds/).
function addonFile(packageRoot: string): string {
  const override = process.env[ADDON_PATH_VARIABLE];
  if (override) {
    const file = path.resolve(override);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new BindingUnavailableError(
        `${ADDON_PATH_VARIABLE} names ${file}, which is not a file: point it at a virtual_server_events.node, ` +
          'or unset it to load the addon the package ships',
        ErrorCodes.ADDON_NOT_FOUND,
      );
    }
    return file;
  }
  // Required here, not imported: importing the package must work where no binary is (Linux, macOS).
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  try {
    return nodeGypBuild.resolve(packageRoot);
  } catch (error) {
    throw new BindingUnavailableError(
      `no native addon for win32-${process.arch} in ${packageRoot} (${(error as Error).message}). ` +
        'Reinstall the package (npm install virtual-server-events) so that it ships or builds the addon ' +
        `(a build needs Visual Studio Build Tools with the C++ workload), or set ${ADDON_PATH_VARIABLE} to a built one.`,
      ErrorCodes.ADDON_NOT_FOUND,
      error,
    );
  }
}

/** The addon, loaded on first use (never at import, so that importing works on every platform). */
export function loadBinding(): NativeBinding {
  if (loaded) return loaded;
  if (process.platform !== 'win32') {
    throw new BindingUnavailableError(
      `virtual-server-events talks to Virtual Server through COM, which exists only on Windows; this is ${process.platform}`,
      ErrorCodes.UNSUPPORTED_PLATFORM,
    );
  }
  const file = addonFile(path.join(__dirname, '..'));
  const addon = { exports: {} as NativeBinding };
  try {
    process.dlopen(addon, file);
  } catch (error) {
    throw new BindingUnavailableError(
      `the native addon ${file} was found but Windows would not load it: ${(error as Error).message}. ` +
        '"The specified module could not be found" means a DLL it needs is missing; "is not a valid Win32 ' +
        `application" a binary of another architecture than this ${process.arch} Node. Reinstall the package.`,
      ErrorCodes.ADDON_LOAD_FAILED,
      error,
    );
  }
  addon.exports.useKnownHresults(knownHresults);
  // process.exit() runs no cleanup of the addon's: its sinks would stay advised on their servers.
  const binding = addon.exports;
  process.once('exit', () => binding.closeForExit());
  loaded = addon.exports;
  return loaded;
}
