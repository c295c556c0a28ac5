// Public exports of virtual-server-events. Named one by one (no export *), so that Node's ESM loader
// can detect them in the CommonJS output and `import { connect } from 'virtual-server-events'` works.
export { connect, VirtualServer } from './virtual-server';
export type { ConnectOptions, Credentials, VirtualServerEventOf } from './virtual-server';
export { watch, FarmStream } from './farm';
export type { WatchTarget, HostEvent, HostEventOf, HostDisconnectedEvent, HostState } from './farm';
export { VirtualMachine } from './virtual-machine';
export type { VirtualMachineEventsOptions, VirtualMachineEventOf, WaitOptions } from './virtual-machine';
export { GuestOS } from './guest-os';
export type { GuestHeartbeat } from './guest-os';
export { EventStream } from './event-stream';
export type { OverflowPolicy, ReconnectPolicy } from './event-stream';
export type { EventsOptions } from './event-options';
export { VMState, stateName, parseState, virtualMachineEventTypes, virtualServerEventTypes } from './events';
export type {
  VirtualMachineEvent,
  VirtualMachineEventType,
  VirtualServerEvent,
  VirtualServerEventType,
  StateChangeEvent,
  HeartbeatStoppedEvent,
  RequestShutdownEvent,
  ResetEvent,
  TripleFaultEvent,
  ConfigurationChangedEvent,
  VMReconnectedEvent,
  VMStateChangeEvent,
  VMHeartbeatStoppedEvent,
  EventLoggedEvent,
  ServiceEventEvent,
  ServerReconnectedEvent,
} from './events';
export { VMTaskResult } from './vm-task';
export { VirtualServerError, AbortError, ErrorCodes, hresultName } from './errors';
export type { ErrorCode } from './errors';
// The raw native layer, for tools that need it (the addon's own tests, inspect-like diagnostics).
export { loadBinding, BindingUnavailableError } from './binding';
export type { NativeBinding, NativeEventInterface, NativeEventMethod, NativeEventParam, NativeValue } from './binding';
// Discovery proved against a MIDL-generated header (Virtual Server's VSComInterfaces.h): `vsevents inspect --header`.
export { readMidlHeader, parseMidlHeader } from './header/parse';
export type { MidlHeader, HeaderInterface, HeaderKind, HeaderMethod, HeaderParam } from './header/parse';
export { compareWithHeader } from './header/compare';
export type { HeaderComparison, HeaderDifference, InterfaceComparison, DifferenceAspect } from './header/compare';
