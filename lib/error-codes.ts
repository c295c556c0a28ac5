// The error codes of this package, in one place: lib/ uses these constants, the addon's C++ spells the
// ones it raises in native/src/hresult.h, and README's "Error codes" table documents them; a unit test
// (test/unit/error-codes.test.js) holds all three to this list.

/**
 * Every code a VirtualServerError can carry: the one list. Stable: scripts may switch on them. The addon
 * raises some of them itself (native/src/hresult.h names them again, for C++); a unit test checks that
 * it raises no other, and that README's table lists exactly these.
 */
export const ErrorCodes = {
  /** Not Windows: COM, and so Virtual Server, does not exist here. */
  UNSUPPORTED_PLATFORM: 'ERR_VS_UNSUPPORTED_PLATFORM',
  /** Windows, but no addon binary for this architecture was found (or VSE_ADDON_PATH names no file). */
  ADDON_NOT_FOUND: 'ERR_VS_ADDON_NOT_FOUND',
  /** An addon binary was found but Windows would not load it (the cause says why: a missing DLL, another architecture). */
  ADDON_LOAD_FAILED: 'ERR_VS_ADDON_LOAD_FAILED',
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
  /**
   * The file given as a MIDL-generated header (`inspect --header`, readMidlHeader()) cannot be used: not a
   * readable ASCII header, truncated, or declaring none of the event interfaces discovered.
   */
  HEADER_UNUSABLE: 'ERR_VS_HEADER_UNUSABLE',
  /** A COM call failed; hresult and message say why. Codes the addon gives (ERR_VS_*) are passed on as they are. */
  COM_ERROR: 'ERR_VS_COM_ERROR',
  /** From the addon: a native object was used after release() (or after close() released it). */
  RELEASED: 'ERR_VS_RELEASED',
  /** From the addon: a value could not be converted (also a hostile one: nested too deep, or an array that is not what it claims). */
  UNSUPPORTED_VARIANT: 'ERR_VS_UNSUPPORTED_VARIANT',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
