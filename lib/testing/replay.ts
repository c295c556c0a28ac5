// Replay: the events of a capture made with `vsevents watch --all --json` (or `watch --json`, the
// server's stream) fired again, in order, as the host's own history, so that an incident seen in
// production becomes a test. Each record is checked before anything fires; the message names its line.
import type { NativeValue } from '../binding';
import { JSON_SCHEMA, jsonFields } from '../cli/format';
import { VMState } from '../events';
import { invalidArgType, invalidArgValue, oneOf, optionsObject } from '../validate';
import { VmRecord, World } from './world';

export interface ReplayOptions {
  /**
   * 'none' (default): the events fire one after another at once. 'recorded': with the gaps between their
   * recorded times, divided by `speed`.
   */
  timing?: 'none' | 'recorded';
  /** How many times faster than recorded (default 1), with timing 'recorded'. */
  speed?: number;
}

export interface ReplayResult {
  /** Events fired. */
  fired: number;
  /** Records that are the watching client's, not the host's (reconnected, disconnected, vmNotWatched): not fired. */
  skipped: number;
  /** VMs the capture named that the host did not have: defined, TurnedOff, before the first event. */
  defined: string[];
}

/** One record of the capture, as eventJson() (lib/cli/format.ts) printed it. */
interface CapturedEvent {
  /** JSON_SCHEMA; absent in captures made before the field was written (the same fields otherwise). */
  schema?: number;
  type: string;
  time?: string;
  vm?: string;
  state?: number;
  key?: string;
  value?: NativeValue;
  messageId?: number;
}

type Fire = (world: World, record: CapturedEvent, vm: VmRecord) => void;

const vmEvents: Record<string, Fire> = {
  stateChange: (world, r, vm) => world.fireStateChange(vm, r.state as VMState),
  vmStateChange: (world, r, vm) => world.fireStateChange(vm, r.state as VMState),
  heartbeatStopped: (world, _r, vm) => world.fireHeartbeatStopped(vm),
  vmHeartbeatStopped: (world, _r, vm) => world.fireHeartbeatStopped(vm),
  // What the host did about the request is in the capture: the state changes that followed.
  requestShutdown: (world, _r, vm) => world.fireVmEvent(vm, 'OnRequestShutdown', []),
  reset: (world, _r, vm) => world.fireVmEvent(vm, 'OnReset', []),
  tripleFault: (world, _r, vm) => world.fireVmEvent(vm, 'OnTripleFault', []),
  configurationChanged: (world, r, vm) => world.fireVmEvent(vm, 'OnConfigurationChanged', [r.key, r.value]),
};
const serverEvents: Record<string, (world: World, record: CapturedEvent) => void> = {
  eventLogged: (world, r) => world.fireServerEvent('OnEventLogged', [r.messageId]),
  serviceEvent: (world, r) => world.fireServerEvent('OnServiceEvent', [r.messageId]),
};
const clientRecords = ['reconnected', 'disconnected', 'vmNotWatched'];
const STATE_TYPES = ['stateChange', 'vmStateChange'];

/** Checks the options and every record at the call (bad ones throw), then fires them. */
export function replayCapture(
  world: World,
  capture: string | readonly object[],
  options?: ReplayOptions,
): Promise<ReplayResult> {
  const given = optionsObject<ReplayOptions>('options', options, { known: ['timing', 'speed'] });
  const timing = oneOf('options.timing', given.timing, ['none', 'recorded'], 'none');
  const speed = given.speed === undefined ? 1 : given.speed;
  if (typeof speed !== 'number' || !(speed > 0) || speed === Infinity)
    throw invalidArgValue('options.speed', speed, 'must be a number above 0 (2 replays twice as fast as recorded)');
  return fireAll(world, parseCapture(capture), timing, speed);
}

async function fireAll(
  world: World,
  records: Array<{ record: CapturedEvent }>,
  timing: ReplayOptions['timing'],
  speed: number,
): Promise<ReplayResult> {
  const defined: string[] = [];
  for (const { record } of records) {
    if (record.vm !== undefined && !clientRecords.includes(record.type) && !world.find(record.vm)) {
      world.define({ name: record.vm, state: VMState.TurnedOff });
      defined.push(record.vm);
    }
  }
  let fired = 0;
  let previous: number | undefined;
  for (const { record } of records) {
    if (clientRecords.includes(record.type)) continue;
    if (timing === 'recorded' && record.time !== undefined) {
      const at = Date.parse(record.time);
      if (previous !== undefined && at > previous) await sleep((at - previous) / speed);
      previous = at;
    }
    const fire = vmEvents[record.type];
    if (fire) fire(world, record, world.find(record.vm as string) as VmRecord);
    else serverEvents[record.type](world, record);
    fired++;
  }
  await world.idle();
  return { fired, skipped: records.length - fired, defined };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The capture's records, each checked; `where` says which line (or array index) a message is about. */
function parseCapture(capture: unknown): Array<{ record: CapturedEvent; where: string }> {
  let items: Array<{ value: unknown; where: string }>;
  if (typeof capture === 'string') {
    items = [];
    capture.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `capture (line ${index + 1})`;
      try {
        items.push({ value: JSON.parse(line), where });
      } catch {
        throw invalidArgValue(
          where,
          line,
          'is not JSON: replay takes what `vsevents watch --all --json` prints, one JSON object a line',
        );
      }
    });
  } else if (Array.isArray(capture)) {
    items = (capture as unknown[]).map((value, index) => ({ value, where: `capture[${index}]` }));
  } else {
    throw invalidArgType(
      'capture',
      'a string (the lines of `vsevents watch --all --json`) or an array of its records',
      capture,
    );
  }
  return items.map(({ value, where }) => ({ record: checkRecord(value, where), where }));
}

function checkRecord(value: unknown, where: string): CapturedEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidArgType(where, 'an event record (an object with a type)', value);
  const record = value as CapturedEvent;
  const known = Object.keys(vmEvents).concat(Object.keys(serverEvents), clientRecords);
  if (typeof record.type !== 'string' || !known.includes(record.type))
    throw invalidArgValue(
      `${where}.type`,
      record.type,
      `must be an event type of a watch capture: ${known.join(', ')}`,
    );
  if (record.schema !== undefined && record.schema !== JSON_SCHEMA)
    throw invalidArgValue(
      `${where}.schema`,
      record.schema,
      `must be ${JSON_SCHEMA}: this version reads the records of \`vsevents watch --json\` schema ${JSON_SCHEMA} (docs/API.md)`,
    );
  // Exactly the format watch --json writes: a field it never writes is a typo or another tool's record.
  const allowed = ['schema', 'type', 'time', 'host'].concat(jsonFields[record.type]);
  const stray = Object.keys(record).find((field) => !allowed.includes(field));
  if (stray !== undefined)
    throw invalidArgValue(
      `${where}.${stray}`,
      (record as unknown as Record<string, unknown>)[stray],
      `is no field of a ${record.type} record (its fields: ${allowed.join(', ')})`,
    );
  if (clientRecords.includes(record.type)) return record;
  if (record.time !== undefined && (typeof record.time !== 'string' || Number.isNaN(Date.parse(record.time))))
    throw invalidArgValue(`${where}.time`, record.time, 'must be an ISO time, as watch --json prints it');
  if (vmEvents[record.type] && (typeof record.vm !== 'string' || record.vm === ''))
    throw invalidArgValue(`${where}.vm`, record.vm, `must name the virtual machine of the ${record.type} event`);
  if (STATE_TYPES.includes(record.type) && (typeof record.state !== 'number' || VMState[record.state] === undefined))
    throw invalidArgValue(`${where}.state`, record.state, 'must be a VMState (0 to 10)');
  if (record.type === 'configurationChanged' && typeof record.key !== 'string')
    throw invalidArgValue(`${where}.key`, record.key, 'must be the configuration key (a string)');
  if (serverEvents[record.type] && !Number.isInteger(record.messageId))
    throw invalidArgValue(`${where}.messageId`, record.messageId, 'must be the message ID (a whole number)');
  return record;
}
