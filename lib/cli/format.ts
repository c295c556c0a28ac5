// How `vsevents` prints events and discovery results: human-readable lines with local time and state
// names, or one JSON object a line.
import type { NativeEventInterface, NativeValue } from '../binding';
import type { HeaderComparison } from '../header/compare';
import { VirtualMachineEvent, VirtualServerEvent, stateName } from '../events';
import type { HostEvent } from '../farm';
import type { NotWatched } from './watch-all';
import { quoted } from '../message-text';

type AnyEvent = VirtualMachineEvent | VirtualServerEvent;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local time as HH:MM:SS.mmm. */
export function localTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function showValue(value: NativeValue): string {
  if (value === undefined) return '(empty)';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value, jsonReplacer);
}

function details(event: AnyEvent): string {
  switch (event.type) {
    case 'stateChange':
    case 'vmStateChange':
      return stateName(event.state);
    case 'configurationChanged':
      return `${event.key} = ${showValue(event.value)}`;
    case 'requestShutdown':
      return event.allowed === null ? '(the host asked nothing)' : event.allowed ? 'allowed' : 'refused';
    case 'eventLogged':
    case 'serviceEvent':
      return `message ${event.messageId}`;
    case 'reconnected':
      return 'state' in event
        ? `now ${stateName(event.state)}`
        : event.vms.map((vm) => `${vm.vm}: ${stateName(vm.state)}`).join(', ');
    default:
      return '';
  }
}

export function eventLine(event: AnyEvent): string {
  const vm = 'vm' in event ? event.vm : '-';
  return `${localTime(event.time)}  ${vm}  ${event.type}  ${details(event)}`.trimRight();
}

// JSON has no bigint (VT_I8/VT_UI8), and an Error (a value the addon could not convert) has no own
// enumerable fields: print both as text.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return `(${value.message})`;
  return value;
}

/**
 * The `--json` contract of watch: version of the record format, written as each record's `schema`. A
 * field added is no new version; a field renamed, removed or changed in meaning is (docs/API.md).
 */
export const JSON_SCHEMA = 1;

/**
 * Each record type's fields after (`host` with several hosts) `schema`, `type`, `time`, in order: no
 * other field is written, and a missing value is written as null, never left out. replay() of
 * virtual-server-events/testing reads exactly these.
 */
export const jsonFields: Readonly<Record<string, readonly string[]>> = {
  stateChange: ['vm', 'state', 'stateName'],
  heartbeatStopped: ['vm'],
  requestShutdown: ['vm', 'allowed'],
  reset: ['vm'],
  tripleFault: ['vm'],
  configurationChanged: ['vm', 'key', 'value'],
  vmStateChange: ['vm', 'state', 'stateName'],
  vmHeartbeatStopped: ['vm'],
  eventLogged: ['messageId'],
  serviceEvent: ['messageId'],
  // A VM's stream: vm, state (vms null); the server's: vms (vm, state null).
  reconnected: ['vm', 'state', 'stateName', 'vms'],
  disconnected: ['retrying', 'error'],
  // watch --all: a VM it could not subscribe to (or past its cap); `error` as disconnected's.
  vmNotWatched: ['vm', 'error'],
};

/** The record of one event: host (when given), schema, type, time, then its type's fields, null where missing. */
function jsonRecord(event: AnyEvent | HostEvent, host?: string): Record<string, unknown> {
  const given = event as unknown as Record<string, unknown>;
  // `host` first, as several hosts' records always had it (a record from a host says so before anything).
  const record: Record<string, unknown> = host === undefined ? {} : { host };
  Object.assign(record, { schema: JSON_SCHEMA, type: event.type, time: event.time.toISOString() });
  const derived: Record<string, unknown> = {
    stateName: 'state' in event && typeof event.state === 'number' ? stateName(event.state) : undefined,
    vms:
      event.type === 'reconnected' && 'vms' in event
        ? event.vms.map((vm) => ({ vm: vm.vm, state: vm.state, stateName: stateName(vm.state) }))
        : undefined,
  };
  for (const field of jsonFields[event.type] || []) {
    const value = field in derived ? derived[field] : given[field];
    record[field] = value === undefined ? null : value;
  }
  return record;
}

/** One JSON object a line: the record of jsonRecord(), time as ISO text, state names beside state numbers. */
export function eventJson(event: AnyEvent): string {
  return JSON.stringify(jsonRecord(event), jsonReplacer);
}

/** An event of a farm: the line of eventLine() with a HOST column (`width` wide) after the time. */
export function hostEventLine(event: HostEvent, width: number): string {
  const host = event.host.padEnd(width);
  if (event.type !== 'disconnected') {
    return eventLine(event).replace(/^(\S+) {2}/, (time: string) => `${time}${host}  `);
  }
  const { error } = event;
  const what = event.retrying ? 'reconnecting' : 'given up';
  return `${localTime(event.time)}  ${host}  -  disconnected  ${error.message}${error.code ? ` [${error.code}]` : ''}; ${what}`;
}

type RecordedError = Error & { code?: string; hresult?: number; hresultName?: string };

/** An error in a record: its code, message and HRESULT, null where it has none. */
function errorRecord(error: RecordedError): Record<string, unknown> {
  return {
    code: error.code === undefined ? null : error.code,
    message: error.message,
    hresult: error.hresult === undefined ? null : error.hresult,
    hresultName: error.hresultName === undefined ? null : error.hresultName,
  };
}

/** One JSON object: eventJson()'s with `host` first; a disconnected record's error as its code, message and hresult. */
export function hostEventJson(event: HostEvent): string {
  if (event.type !== 'disconnected') return JSON.stringify(jsonRecord(event, event.host), jsonReplacer);
  const record = jsonRecord(event, event.host);
  record.error = errorRecord(event.error);
  return toJson(record);
}

/** watch --all --json: the record of a VM not watched, its error as a disconnected record's. */
export function notWatchedJson(record: NotWatched): string {
  return toJson({
    schema: JSON_SCHEMA,
    type: record.type,
    time: record.time.toISOString(),
    vm: record.vm,
    error: errorRecord(record.error),
  });
}

/** watch --all: the stderr line (after `vsevents: `) of a VM not watched. */
export function notWatchedLine(record: NotWatched): string {
  const { error } = record;
  return `not watching ${quoted(record.vm)}: ${error.message.replace(/\s*[\r\n]+\s*/g, ' ').trim()}${error.code ? ` [${error.code}]` : ''}`;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer);
}

/** Discovery results as indented text: interface, then one line a method with DISPID, slot and parameters. */
export function describeInterfaces(owner: string, interfaces: NativeEventInterface[]): string {
  const lines = [`${owner}:`];
  if (interfaces.length === 0) lines.push('  (no connection points)');
  for (const item of interfaces) {
    lines.push(`  ${item.name} ${item.iid} (${item.kind})`);
    for (const method of item.methods) {
      const params = method.params.map((p) => `[${p.direction}] ${p.type} ${p.name}`).join(', ');
      const slot = method.vtableSlot < 0 ? 'slot -' : `slot ${method.vtableSlot}`;
      lines.push(`    ${method.name}(${params})  dispid ${method.dispid}  ${slot}`);
    }
  }
  return lines.join('\n');
}

/**
 * A comparison with a MIDL header as text: a line an interface with its verdict, its differences and what
 * the header cannot show indented below, and last `matches` or the number of differences.
 */
export function describeComparison(comparison: HeaderComparison, where: string): string {
  const generator = comparison.generator ? ` (written by ${comparison.generator})` : '';
  const lines = [`${comparison.header}${generator} against discovery on ${where}:`];
  let count = 0;
  for (const item of comparison.interfaces) {
    const line = item.line === undefined ? '' : `, header line ${item.line}`;
    const verdict = item.matches ? 'matches' : plural(item.differences.length, 'difference');
    lines.push(`  ${item.name} ${item.iid}${line}: ${verdict}`);
    for (const difference of item.differences) lines.push(`    - ${difference.message}`);
    for (const unseen of item.notCompared) lines.push(`    not in the header, so not compared: ${unseen}`);
    count += item.differences.length;
  }
  lines.push(comparison.matches ? 'matches' : plural(count, 'difference'));
  return lines.join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
