'use strict';
// `vsevents watch --json` as a contract: each record type's fields whitelisted (docs/API.md), missing
// values written as null, a schema number on every record; and replay() of the testing fake reading
// exactly that format: a capture replayed and watched again prints the same records.
const assert = require('assert');
const format = require('../../dist/cli/format.js');
const { jsonFields, JSON_SCHEMA } = format;

// The events here are written by hand, loosely typed: what is checked is what the functions write.
/** @type {(event: any) => string} */
const eventJson = format.eventJson;
/** @type {(event: any) => string} */
const hostEventJson = format.hostEventJson;
const { FakeVirtualServer, VMState } = require('../../dist/testing/index.js');

const time = new Date(Date.UTC(2026, 11, 1, 8, 0, 0));

/** One event of each type as the package yields it; some with a value missing. */
const events = [
  { type: 'stateChange', vm: 'web01', time, state: VMState.Running },
  { type: 'heartbeatStopped', vm: 'web01', time },
  { type: 'requestShutdown', vm: 'web01', time, allowed: null },
  { type: 'reset', vm: 'web01', time },
  { type: 'tripleFault', vm: 'web01', time },
  { type: 'configurationChanged', vm: 'web01', time, key: 'memory', value: undefined },
  { type: 'reconnected', vm: 'web01', time, state: VMState.Paused },
  { type: 'vmStateChange', vm: 'web01', time, state: VMState.Saved },
  { type: 'vmHeartbeatStopped', vm: 'web01', time },
  { type: 'eventLogged', time, messageId: 1042 },
  { type: 'serviceEvent', time, messageId: 7 },
  { type: 'reconnected', time, vms: [{ vm: 'web01', state: VMState.Running }] },
];

describe('vsevents --json contract', () => {
  it(`writes schema ${JSON_SCHEMA}, type, time, then exactly its type's fields, null where missing`, () => {
    for (const event of events) {
      const record = JSON.parse(eventJson(Object.assign({ internal: 'never written' }, event)));
      assert.deepStrictEqual(Object.keys(record), ['schema', 'type', 'time', ...jsonFields[event.type]], event.type);
      assert.strictEqual(record.schema, JSON_SCHEMA);
      assert.strictEqual(record.time, time.toISOString());
      for (const field of jsonFields[event.type]) assert.notStrictEqual(record[field], undefined, field);
    }
    const empty = JSON.parse(eventJson(events[5]));
    assert.strictEqual(empty.value, null, 'VT_EMPTY written as null, not dropped');
    const server = JSON.parse(eventJson(events[11]));
    assert.deepStrictEqual([server.vm, server.state, server.stateName], [null, null, null]);
    assert.deepStrictEqual(server.vms, [{ vm: 'web01', state: VMState.Running, stateName: 'Running' }]);
  });

  it('several hosts: host first; a disconnected record has retrying and error, every field present', () => {
    const record = JSON.parse(hostEventJson(Object.assign({ host: 'vs01' }, events[0])));
    assert.deepStrictEqual(Object.keys(record), ['host', 'schema', 'type', 'time', 'vm', 'state', 'stateName']);
    const error = Object.assign(new Error('lost'), { code: 'ERR_VS_DISCONNECTED' });
    const lost = JSON.parse(hostEventJson({ type: 'disconnected', host: 'vs02', time, retrying: true, error }));
    assert.deepStrictEqual(Object.keys(lost).slice(0, 4), ['host', 'schema', 'type', 'time']);
    assert.deepStrictEqual(lost, {
      host: 'vs02',
      schema: JSON_SCHEMA,
      type: 'disconnected',
      time: time.toISOString(),
      retrying: true,
      error: { code: 'ERR_VS_DISCONNECTED', message: 'lost', hresult: null, hresultName: null },
    });
  });

  it('a negative messageId (a long with its high bit set) is written as it came, as text and JSON', () => {
    /** @type {any} */
    const event = { type: 'eventLogged', time, messageId: -1073741823 };
    assert.strictEqual(JSON.parse(eventJson(event)).messageId, -1073741823);
    assert.match(format.eventLine(event), / {2}eventLogged {2}message -1073741823$/);
  });

  it('watch --all: a vmNotWatched record has vm and error, every field present; replay() skips it', async () => {
    const error = Object.assign(new Error('no virtual machine is named "gone01"'), { code: 'ERR_VS_VM_NOT_FOUND' });
    const line = format.notWatchedJson({ type: 'vmNotWatched', time, vm: 'gone01', error });
    assert.deepStrictEqual(JSON.parse(line), {
      schema: JSON_SCHEMA,
      type: 'vmNotWatched',
      time: time.toISOString(),
      vm: 'gone01',
      error: { code: 'ERR_VS_VM_NOT_FOUND', message: error.message, hresult: null, hresultName: null },
    });
    assert.deepStrictEqual(Object.keys(JSON.parse(line)), ['schema', 'type', 'time', ...jsonFields.vmNotWatched]);
    const capped = JSON.parse(format.notWatchedJson({ type: 'vmNotWatched', time, vm: 'x', error: new Error('cap') }));
    assert.strictEqual(capped.error.code, null);
    const fake = new FakeVirtualServer();
    const result = await fake.replay([line, eventJson(events[0])].join('\n'));
    assert.deepStrictEqual(result, { fired: 1, skipped: 1, defined: ['web01'] }, 'the VM it names is not defined');
  });

  it('replay() of a capture, watched again, prints the same records (both directions)', async () => {
    /** @type {any} */
    const vmTypes = ['stateChange', 'heartbeatStopped', 'reset', 'tripleFault', 'configurationChanged'];
    const capture = [
      { type: 'stateChange', vm: 'web01', time, state: VMState.Running },
      { type: 'heartbeatStopped', vm: 'web01', time },
      { type: 'configurationChanged', vm: 'web01', time, key: 'memory', value: 512 },
      { type: 'configurationChanged', vm: 'web01', time, key: 'note', value: null },
      { type: 'reset', vm: 'web01', time },
      { type: 'tripleFault', vm: 'web01', time },
      { type: 'eventLogged', time, messageId: 1042 },
      { type: 'serviceEvent', time, messageId: 7 },
    ].map(eventJson);
    const fake = new FakeVirtualServer({ virtualMachines: [{ name: 'web01', state: VMState.TurnedOff }] });
    const server = await fake.connect();
    try {
      const vm = await server.findVirtualMachine('web01');
      const vmStream = vm.events({ types: vmTypes });
      /** @type {any} */
      const serverTypes = ['eventLogged', 'serviceEvent'];
      const serverStream = server.events({ types: serverTypes });
      await Promise.all([vmStream.ready(), serverStream.ready()]);
      const result = await fake.replay(capture.join('\n'));
      assert.deepStrictEqual(result, { fired: capture.length, skipped: 0, defined: [] });
      const seen = [];
      for (let i = 0; i < 6; i++) seen.push(eventJson((await vmStream.next()).value));
      for (let i = 0; i < 2; i++) seen.push(eventJson((await serverStream.next()).value));
      const withoutTime = (line) => Object.assign(JSON.parse(line), { time: null });
      assert.deepStrictEqual(seen.map(withoutTime), capture.map(withoutTime));
      await Promise.all([vmStream.return(), serverStream.return()]);
    } finally {
      await server.close();
    }
  });

  it('replay() reads records without schema (older captures), and refuses another schema or a stray field', async () => {
    const fake = new FakeVirtualServer();
    const old = { type: 'stateChange', vm: 'web01', time: time.toISOString(), state: 5, stateName: 'Running' };
    assert.strictEqual((await fake.replay([old])).fired, 1);
    assert.throws(() => fake.replay([Object.assign({ schema: 2 }, old)]), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /capture\[0\]\.schema.*must be 1/,
    });
    assert.throws(() => fake.replay([Object.assign({ schema: 1, stat: 5 }, old)]), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /capture\[0\]\.stat.*is no field of a stateChange record/,
    });
  });
});
