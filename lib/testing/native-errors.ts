// The errors the fake binding rejects with, shaped and worded as the addon's (native/src/hresult.cc,
// host_connection.cc, subscription.cc), so that lib/ converts them exactly as it converts the real ones.
import type { NativeError } from '../binding';
import { ErrorCode, ErrorCodes } from '../error-codes';
import { formatHresult } from '../errors';
import { disconnectionHresults, knownHresults } from '../hresults';

/** Names of the HRESULTs the fake answers with (lib/hresults.ts has their numbers and messages). */
export type FakeHresultName =
  | 'E_FAIL'
  | 'VM_E_VM_RUNNING'
  | 'VM_E_VM_NOT_RUNNING'
  | 'VM_E_VM_PAUSED'
  | 'VM_E_VM_UNKNOWN'
  | 'VM_E_ADDITIONS_NOT_AVAIL'
  | 'VM_E_ADDITIONS_FEATURE_NOT_AVAIL'
  | 'E_NOTIMPL'
  | 'DISP_E_UNKNOWNNAME'
  | 'DISP_E_MEMBERNOTFOUND'
  | 'DISP_E_TYPEMISMATCH'
  | 'DISP_E_BADINDEX'
  | 'CO_E_CLASSSTRING'
  | 'REGDB_E_CLASSNOTREG'
  | 'RPC_S_SERVER_UNAVAILABLE';

function known(name: FakeHresultName): { hresult: number; message?: string } {
  const entry = knownHresults.find((candidate) => candidate[1] === name);
  if (!entry) throw new Error(`lib/hresults.ts has no ${name}: add it there`);
  return { hresult: entry[0], message: entry[2] };
}

export function nativeError(code: ErrorCode, message: string, hresult?: number, cause?: NativeError): NativeError {
  const error = new Error(message) as NativeError & { hresultName?: string };
  error.code = code;
  if (hresult !== undefined) error.hresult = hresult >>> 0;
  if (cause) error.cause = cause;
  return error;
}

/** A failed COM call, as ErrorFromHresult words it: what was done, the HRESULT, the server's own text. */
export function comFailure(doing: string, name: FakeHresultName, serverText?: string): NativeError {
  const { hresult, message } = known(name);
  // Flagged `disconnects` in lib/hresults.ts, as the addon's IsDisconnection says.
  const lost = disconnectionHresults.has(hresult);
  let text = `${doing} failed: ${formatHresult(hresult)} ${name}${message ? `: ${message}` : ''}`;
  if (serverText) text += ` (the server says: ${serverText})`;
  if (lost) text += '. The server process is gone or unreachable: connect again once it runs.';
  return nativeError(lost ? ErrorCodes.DISCONNECTED : ErrorCodes.COM_ERROR, text, hresult);
}

export function releasedError(what: string): NativeError {
  return nativeError(
    ErrorCodes.RELEASED,
    `The "${what}" object was released with release(): get a new one from the server`,
  );
}
