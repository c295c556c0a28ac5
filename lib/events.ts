// Virtual Server meaning of the raw event records: VMState, the typed events of IVMVirtualMachineEvents
// and IVMVirtualServerEvents, and the mapping from a native record to a typed event by method NAME
// (never by DISPID, vtable slot or declaration order, which Microsoft never published).
import type { NativeEventRecord, NativeValue } from './binding';
import { invalidArgType } from './validate';

/** VMVMState (vmvmstate.md). `VMState[n]` gives the name. */
export enum VMState {
  Invalid = 0,
  TurnedOff = 1,
  Saved = 2,
  TurningOn = 3,
  Restoring = 4,
  Running = 5,
  Paused = 6,
  Saving = 7,
  TurningOff = 8,
  MergingDrives = 9,
  DeleteMachine = 10,
}

/** The name of a state, or 'Unknown(n)' for a value outside the documented range. */
export function stateName(state: number): string {
  if (typeof state !== 'number') throw invalidArgType('state', 'of type number (a VMState)', state);
  return VMState[state] !== undefined ? VMState[state] : `Unknown(${state})`;
}

/** A VMState from its name (case-insensitive) or number; undefined when it is neither. */
export function parseState(text: string | number): VMState | undefined {
  if (typeof text !== 'string' && typeof text !== 'number')
    throw invalidArgType('text', 'of type string or number', text);
  if (typeof text === 'number') return VMState[text] !== undefined ? text : undefined;
  if (/^\d+$/.test(text)) return parseState(Number(text));
  const wanted = text.toLowerCase();
  for (const key of Object.keys(VMState)) {
    if (key.toLowerCase() === wanted && Number.isNaN(Number(key))) return VMState[key as keyof typeof VMState];
  }
  return undefined;
}

interface EventBase {
  /** When the COM call arrived in this process. */
  time: Date;
}

interface VMEventBase extends EventBase {
  /** The virtual machine's name. */
  vm: string;
}

// IVMVirtualMachineEvents
export interface StateChangeEvent extends VMEventBase {
  type: 'stateChange';
  state: VMState;
}
export interface HeartbeatStoppedEvent extends VMEventBase {
  type: 'heartbeatStopped';
}
export interface RequestShutdownEvent extends VMEventBase {
  type: 'requestShutdown';
  /**
   * What this process answered through the event's [out] isAllowed parameter (the `requestShutdown`
   * option of events()), or null when the host's interface has no such parameter and nothing was asked.
   */
  allowed: boolean | null;
}
export interface ResetEvent extends VMEventBase {
  type: 'reset';
}
export interface TripleFaultEvent extends VMEventBase {
  type: 'tripleFault';
}
export interface ConfigurationChangedEvent extends VMEventBase {
  type: 'configurationChanged';
  key: string;
  /** The VARIANT as sent: string, number, boolean, Date, null, undefined (VT_EMPTY)... */
  value: NativeValue;
}
/** Yielded by a stream with `reconnect: true` after it re-established a lost subscription. */
export interface VMReconnectedEvent extends VMEventBase {
  type: 'reconnected';
  state: VMState;
}

export type VirtualMachineEvent =
  | StateChangeEvent
  | HeartbeatStoppedEvent
  | RequestShutdownEvent
  | ResetEvent
  | TripleFaultEvent
  | ConfigurationChangedEvent
  | VMReconnectedEvent;

// IVMVirtualServerEvents
export interface VMStateChangeEvent extends VMEventBase {
  type: 'vmStateChange';
  state: VMState;
}
export interface VMHeartbeatStoppedEvent extends VMEventBase {
  type: 'vmHeartbeatStopped';
}
export interface EventLoggedEvent extends EventBase {
  type: 'eventLogged';
  messageId: number;
}
export interface ServiceEventEvent extends EventBase {
  type: 'serviceEvent';
  messageId: number;
}
export interface ServerReconnectedEvent extends EventBase {
  type: 'reconnected';
  /** Every virtual machine and its state right after reconnecting. */
  vms: Array<{ vm: string; state: VMState }>;
}

export type VirtualServerEvent =
  VMStateChangeEvent | VMHeartbeatStoppedEvent | EventLoggedEvent | ServiceEventEvent | ServerReconnectedEvent;

export type VirtualMachineEventType = VirtualMachineEvent['type'];
export type VirtualServerEventType = VirtualServerEvent['type'];

function asNumber(value: NativeValue): number {
  return Number(value);
}

function asText(value: NativeValue): string {
  if (value === undefined || value === null) return '';
  // A COM object has no text of its own: '[object Object]' says as much as anything would.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(value);
}

function answeredBoolean(record: NativeEventRecord, parameter: string): boolean | null {
  const answered = record.answered;
  if (!answered || !(parameter in answered)) return null;
  return Boolean(answered[parameter]);
}

/** The name of OnRequestShutdown's [out] parameter (the docs' remarks, and the simulator's vtable build). */
export const REQUEST_SHUTDOWN_ANSWER = 'isAllowed';

type Mapper<E> = (record: NativeEventRecord, time: Date) => E;

/** Method name of IVMVirtualMachineEvents -> typed event. */
function vmEventMappers(vm: string): Record<string, Mapper<VirtualMachineEvent>> {
  return {
    OnStateChange: (r, time) => ({ type: 'stateChange', vm, time, state: asNumber(r.args[0]) }),
    OnHeartbeatStopped: (_r, time) => ({ type: 'heartbeatStopped', vm, time }),
    OnRequestShutdown: (r, time) => ({
      type: 'requestShutdown',
      vm,
      time,
      allowed: answeredBoolean(r, REQUEST_SHUTDOWN_ANSWER),
    }),
    OnReset: (_r, time) => ({ type: 'reset', vm, time }),
    OnTripleFault: (_r, time) => ({ type: 'tripleFault', vm, time }),
    OnConfigurationChanged: (r, time) => ({
      type: 'configurationChanged',
      vm,
      time,
      key: asText(r.args[0]),
      value: r.args[1],
    }),
  };
}

/** Method name of IVMVirtualServerEvents -> typed event. */
const serverEventMappers: Record<string, Mapper<VirtualServerEvent>> = {
  OnVMStateChange: (r, time) => ({ type: 'vmStateChange', vm: asText(r.args[0]), time, state: asNumber(r.args[1]) }),
  OnHeartbeatStopped: (r, time) => ({ type: 'vmHeartbeatStopped', vm: asText(r.args[0]), time }),
  OnEventLogged: (r, time) => ({ type: 'eventLogged', time, messageId: asNumber(r.args[0]) }),
  OnServiceEvent: (r, time) => ({ type: 'serviceEvent', time, messageId: asNumber(r.args[0]) }),
};

export const virtualMachineEventTypes: readonly VirtualMachineEventType[] = [
  'stateChange',
  'heartbeatStopped',
  'requestShutdown',
  'reset',
  'tripleFault',
  'configurationChanged',
  'reconnected',
];
export const virtualServerEventTypes: readonly VirtualServerEventType[] = [
  'vmStateChange',
  'vmHeartbeatStopped',
  'eventLogged',
  'serviceEvent',
  'reconnected',
];

/**
 * Maps raw records to typed events; records of methods it does not know give undefined (a newer host).
 * `methods` names the event methods it knows.
 */
export interface EventMapper<E> {
  (record: NativeEventRecord): E | undefined;
  readonly methods: readonly string[];
}

function mapperFrom<E>(table: Record<string, Mapper<E>>): EventMapper<E> {
  const map = (record: NativeEventRecord): E | undefined => {
    const mapper = Object.prototype.hasOwnProperty.call(table, record.method) ? table[record.method] : undefined;
    return mapper ? mapper(record, new Date(record.time)) : undefined;
  };
  return Object.assign(map, { methods: Object.keys(table) });
}

export function virtualMachineEventMapper(vm: string): EventMapper<VirtualMachineEvent> {
  return mapperFrom(vmEventMappers(vm));
}

export const virtualServerEventMapper: EventMapper<VirtualServerEvent> = mapperFrom(serverEventMappers);
