// The errors this package gives its users: VirtualServerError with stable codes, AbortError, and the
// conversion of whatever the addon rejected with into one of them.
import { BindingUnavailableError } from './binding';
import { invalidArgType } from './validate';

/** Every code a VirtualServerError can carry. Stable: scripts may switch on them. */
export const ErrorCodes = {
  /** Not Windows: COM, and so Virtual Server, does not exist here. */
  UNSUPPORTED_PLATFORM: 'ERR_VS_UNSUPPORTED_PLATFORM',
  /** Windows, but the native addon could not be loaded (reinstall the package). */
  ADDON_NOT_FOUND: 'ERR_VS_ADDON_NOT_FOUND',
  /** No virtual machine has that name (FindVirtualMachine answered S_FALSE / NULL). */
  VM_NOT_FOUND: 'ERR_VS_VM_NOT_FOUND',
  /** An event stream's queue reached maxQueue with overflow: 'error'. */
  EVENT_QUEUE_OVERFLOW: 'ERR_VS_EVENT_QUEUE_OVERFLOW',
  /** The server went away (service stopped, crashed or unreachable). */
  DISCONNECTED: 'ERR_VS_DISCONNECTED',
  /** A Virtual Server task (IVMTask) completed with a result other than success. */
  TASK_FAILED: 'ERR_VS_TASK_FAILED',
  /** waitForState() or a control method ran out of its timeout, or a call ran out of the connection's callTimeout. */
  TIMEOUT: 'ERR_VS_TIMEOUT',
  /** The VirtualServer was closed; its objects and streams can no longer be used. */
  CLOSED: 'ERR_VS_CLOSED',
  /** Virtual Server answered with a value of an unexpected type. */
  UNEXPECTED_VALUE: 'ERR_VS_UNEXPECTED_VALUE',
  /**
   * The server stopped answering: a call did not return even after its deadline, or a liveness probe went
   * unanswered. Nothing more is asked of that connection; connect() again (streams with reconnect do).
   */
  UNRESPONSIVE: 'ERR_VS_UNRESPONSIVE',
  /**
   * The object fires no events this package can use: no connection point, one whose interface cannot be
   * sunk, or one with none of the Virtual Server event methods (another interface than the documented one).
   */
  EVENTS_UNAVAILABLE: 'ERR_VS_EVENTS_UNAVAILABLE',
  /** A COM call failed; hresult and message say why. Codes the addon gives (ERR_VS_*) are passed on as they are. */
  COM_ERROR: 'ERR_VS_COM_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** HRESULTs a user is likely to meet, by name (hresult-codes-specific-to-the-virtual-server.md and winerror.h). */
const hresultNames: Record<number, string> = {
  0x80004005: 'E_FAIL',
  0x80070005: 'E_ACCESSDENIED',
  0x80004003: 'E_POINTER',
  0x80020009: 'DISP_E_EXCEPTION',
  0x80010108: 'RPC_E_DISCONNECTED',
  0x80010007: 'RPC_E_SERVER_DIED',
  0x800706ba: 'RPC_S_SERVER_UNAVAILABLE',
  0x80010002: 'RPC_E_CALL_CANCELED',
  0x80070542: 'ERROR_BAD_IMPERSONATION_LEVEL',
  0x80040154: 'REGDB_E_CLASSNOTREG',
  0x800401f3: 'CO_E_CLASSSTRING',
  0xa0040202: 'VM_E_TIMED_OUT',
  0xa0040203: 'VM_E_OUT_OF_RESOURCE',
  0xa0040204: 'VM_E_TOO_MANY_VMS',
  0xa0040206: 'VM_E_VM_NOT_RUNNING',
  0xa0040207: 'VM_E_VM_UNKNOWN',
  0xa0040209: 'VM_E_APP_SHUTTING_DOWN',
  0xa0040500: 'VM_E_VM_RUNNING',
  0xa0040501: 'VM_E_VM_NO_SAVED_STATE',
  0xa0040507: 'VM_E_VM_PAUSED',
};

/** The symbolic name of an HRESULT (e.g. 'VM_E_VM_NOT_RUNNING'), or undefined when this package does not know it. */
export function hresultName(hresult: number): string | undefined {
  if (typeof hresult !== 'number') throw invalidArgType('hresult', 'of type number', hresult);
  return hresultNames[hresult >>> 0];
}

export function formatHresult(hresult: number): string {
  return '0x' + (hresult >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

export interface VirtualServerErrorOptions {
  hresult?: number;
  cause?: unknown;
}

/** An error from Virtual Server or from this package's use of it. `code` is stable (see ErrorCodes). */
export class VirtualServerError extends Error {
  readonly code: string;
  /** The HRESULT (unsigned) where COM gave one. */
  readonly hresult?: number;
  /** The HRESULT's symbolic name where this package knows it, e.g. 'VM_E_VM_RUNNING'. */
  readonly hresultName?: string;
  readonly cause?: unknown;

  constructor(code: string, message: string, options: VirtualServerErrorOptions = {}) {
    super(message);
    this.name = 'VirtualServerError';
    this.code = code;
    if (options.hresult !== undefined) {
      this.hresult = options.hresult >>> 0;
      this.hresultName = hresultName(this.hresult);
    }
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** What an aborted operation rejects with, as Node's own APIs do; `cause` is the signal's reason. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  readonly cause?: unknown;

  constructor(cause?: unknown) {
    super('The operation was aborted');
    this.name = 'AbortError';
    if (cause !== undefined) this.cause = cause;
  }
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  hresult?: unknown;
  cause?: unknown;
}

/** Turns whatever the addon (or its loader) threw into a VirtualServerError, keeping code and hresult. */
export function fromNativeError(error: unknown, context?: string): VirtualServerError {
  if (error instanceof VirtualServerError) return error;
  const prefix = context ? `${context}: ` : '';
  if (error instanceof BindingUnavailableError) {
    return new VirtualServerError(error.code, prefix + error.message, { cause: error.cause });
  }
  const like = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const message = typeof like.message === 'string' ? like.message : String(error);
  const code = typeof like.code === 'string' && like.code.startsWith('ERR_VS_') ? like.code : ErrorCodes.COM_ERROR;
  const hresult = typeof like.hresult === 'number' ? like.hresult : undefined;
  // The addon's own cause (e.g. ERR_VS_UNRESPONSIVE under ERR_VS_DISCONNECTED) is the one worth keeping.
  const cause = like.cause instanceof Error ? fromNativeError(like.cause) : error;
  return new VirtualServerError(code, prefix + message, { hresult, cause });
}
