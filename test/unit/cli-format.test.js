'use strict';
// How vsevents prints events and discovery results.
const assert = require('assert');

const { eventLine, eventJson, describeInterfaces, localTime } = require('../../dist/cli/format.js');

const time = new Date(2026, 10, 25, 9, 5, 7, 42); // local time
const at = '09:05:07.042';

describe('vsevents output', () => {
  it('writes local time with milliseconds', () => {
    assert.strictEqual(localTime(time), at);
  });

  /** @type {[Parameters<typeof eventLine>[0], string][]} the event, its line */
  const lines = [
    [{ type: 'stateChange', vm: 'web01', time, state: 5 }, `${at}  web01  stateChange  Running`],
    // @ts-expect-error -- a state the enum does not know, as a newer Virtual Server could send
    [{ type: 'vmStateChange', vm: 'db', time, state: 42 }, `${at}  db  vmStateChange  Unknown(42)`],
    [
      { type: 'configurationChanged', vm: 'web01', time, key: 'notes', value: 'Grüße' },
      `${at}  web01  configurationChanged  notes = "Grüße"`,
    ],
    [
      { type: 'configurationChanged', vm: 'web01', time, key: 'empty', value: undefined },
      `${at}  web01  configurationChanged  empty = (empty)`,
    ],
    [
      { type: 'configurationChanged', vm: 'web01', time, key: 'sizes', value: [1, 2n ** 63n] },
      `${at}  web01  configurationChanged  sizes = [1,"9223372036854775808"]`,
    ],
    [
      // @ts-expect-error -- lib/ types event values as NativeValue, which has no Error, yet an unconvertible one arrives as one
      { type: 'configurationChanged', vm: 'web01', time, key: 'odd', value: [new Error('VT_RECORD is not supported')] },
      `${at}  web01  configurationChanged  odd = ["(VT_RECORD is not supported)"]`,
    ],
    [{ type: 'requestShutdown', vm: 'web01', time, allowed: false }, `${at}  web01  requestShutdown  refused`],
    [
      { type: 'requestShutdown', vm: 'web01', time, allowed: null },
      `${at}  web01  requestShutdown  (the host asked nothing)`,
    ],
    [{ type: 'heartbeatStopped', vm: 'web01', time }, `${at}  web01  heartbeatStopped`],
    [{ type: 'eventLogged', time, messageId: 7 }, `${at}  -  eventLogged  message 7`],
    [{ type: 'reconnected', vm: 'web01', time, state: 6 }, `${at}  web01  reconnected  now Paused`],
    [
      {
        type: 'reconnected',
        time,
        vms: [
          { vm: 'a', state: 1 },
          { vm: 'b', state: 5 },
        ],
      },
      `${at}  -  reconnected  a: TurnedOff, b: Running`,
    ],
  ];
  for (const [event, line] of lines) {
    it(`prints ${event.type} as a line (${JSON.stringify(line.split('  ').pop())})`, () =>
      assert.strictEqual(eventLine(event), line));
  }

  it('prints JSON with ISO time, state names and bigints as text', () => {
    const json = JSON.parse(
      eventJson({
        type: 'configurationChanged',
        vm: 'x',
        time: new Date(Date.UTC(2026, 0, 1)),
        key: 'big',
        value: 2n ** 64n,
      }),
    );
    assert.deepStrictEqual(json, {
      schema: 1,
      type: 'configurationChanged',
      time: '2026-01-01T00:00:00.000Z',
      vm: 'x',
      key: 'big',
      value: '18446744073709551616',
    });
    assert.strictEqual(JSON.parse(eventJson({ type: 'stateChange', vm: 'x', time, state: 2 })).stateName, 'Saved');
  });

  it('describes discovered interfaces with DISPIDs, slots and parameters', () => {
    const text = describeInterfaces('vm "x"', [
      {
        name: 'IVMVirtualMachineEvents',
        iid: '{1}',
        kind: 'vtable',
        methods: [
          {
            name: 'OnRequestShutdown',
            dispid: 3,
            vtableSlot: 5,
            params: [{ name: 'isAllowed', vt: 11, type: 'VARIANT_BOOL*', direction: 'out' }],
          },
        ],
      },
    ]);
    assert.strictEqual(
      text,
      'vm "x":\n  IVMVirtualMachineEvents {1} (vtable)\n    OnRequestShutdown([out] VARIANT_BOOL* isAllowed)  dispid 3  slot 5',
    );
    assert.match(describeInterfaces('server', []), /no connection points/);
  });
});
