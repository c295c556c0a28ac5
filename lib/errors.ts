// The errors this package gives its users: VirtualServerError with stable codes, AbortError, and the
// conversion of whatever the addon rejected with into one of them.
import { BindingUnavailableError } from './binding';
import { ErrorCode, ErrorCodes } from './error-codes';
import { knownHresults } from './hresults';

export { ErrorCodes };
export type { ErrorCode };
import { invalidArgType } from './validate';

const hresultNames = new Map<number, string>(knownHresults.map(([hresult, name]) => [hresult, name]));

/** The symbolic name of an HRESULT (e.g. 'VM_E_VM_NOT_RUNNING'), or undefined when this package does not know it. */
export function hresultName(hresult: number): string | undefined {
  if (typeof hresult !== 'number') throw invalidArgType('hresult', 'of type number', hresult);
  return hresultNames.get(hresult >>> 0);
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
  readonly code: ErrorCode;
  /** The HRESULT (unsigned) where COM gave one. */
  readonly hresult?: number;
  /** The HRESULT's symbolic name where this package knows it, e.g. 'VM_E_VM_RUNNING'. */
  readonly hresultName?: string;
  readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, options: VirtualServerErrorOptions = {}) {
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

const errorCodes = new Set<unknown>(Object.values(ErrorCodes));
function isErrorCode(code: unknown): code is ErrorCode {
  return errorCodes.has(code);
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
  const code = isErrorCode(like.code) ? like.code : ErrorCodes.COM_ERROR;
  const hresult = typeof like.hresult === 'number' ? like.hresult : undefined;
  // The addon's own cause (e.g. ERR_VS_UNRESPONSIVE under ERR_VS_DISCONNECTED) is the one worth keeping.
  const cause = like.cause instanceof Error ? fromNativeError(like.cause) : error;
  return new VirtualServerError(code, prefix + message, { hresult, cause });
}
