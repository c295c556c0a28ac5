'use strict';
// Replay (lib/testing/replay.ts): a `vsevents watch --all --json` capture fired again as the fake host's
// history: the events in order with their payloads, the VMs' states, the client's own records skipped,
// the recorded pacing, and every malformed capture refused with the line it is on.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { api, dist, isError } = require('./helpers');

const { FakeVirtualServer } = require('virtual-server-events/testing');
const { eventJson } = require(path.join(dist, 'cli', 'format.js'));
const S = api.VMState;
const incident = fs.readFileSync(path.join(__dirname, 'fixtures', 'replay', 'incident.jsonl'), 'utf8');

/** What a stream yields, without the times (they are this run's). */
function shape(event) {
  const copy = Object.assign({}, event);
  delete copy.time;
  return copy;
}

async function collect(stream, count) {
  const events = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

describe('testing: replay', () => {
  it('fires a capture of an incident in order, defines the VMs it names, and skips the watcher’s own records', async () => {
    const host = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const server = await host.connect();
    const stream = server.events();
    await stream.ready();
    assert.deepStrictEqual(await host.replay(incident, { timing: 'none' }), {
      fired: 9,
      skipped: 1,
      defined: ['db01'],
    });
    assert.deepStrictEqual(
      (await collect(stream, 5)).map((e) => [e.type, e.vm || e.messageId, S[e.state]]),
      [
        ['vmStateChange', 'web01', 'Running'],
        ['vmHeartbeatStopped', 'web01', undefined],
        ['eventLogged', 1010, undefined],
        ['vmStateChange', 'db01', 'TurningOff'],
        ['vmStateChange', 'db01', 'TurnedOff'],
      ],
    );
    assert.strictEqual(host.virtualMachine('web01').state, S.Running);
    assert.strictEqual(host.virtualMachine('db01').state, S.TurnedOff, 'the state its last stateChange gave');
    await server.close();
  });

  it('a capture of one host, replayed on another, gives a script the same events (both interfaces)', async () => {
    const original = new FakeVirtualServer({ virtualMachines: [{ name: 'web01', state: S.Running }] });
    const first = await original.connect();
    const vm = await first.findVirtualMachine('web01');
    const recorded = [vm.events(), first.events({ types: ['eventLogged', 'serviceEvent'] })];
    await Promise.all(recorded.map((stream) => stream.ready()));
    await vm.pause();
    // Pause returns before its state has fired, and the VM refuses Resume until it has (as the simulator does).
    await vm.waitForState(S.Paused);
    original.fireConfigurationChanged('web01', 'note', 'Grüße');
    original.fireEventLogged(7);
    await vm.resume();
    original.fireServiceEvent(8);
    await original.idle();
    const vmEvents = await collect(recorded[0], 3);
    const serverEvents = await collect(recorded[1], 2);
    const capture = vmEvents
      .concat(serverEvents)
      .sort((a, b) => a.time - b.time)
      .map(eventJson)
      .join('\n');
    await first.close();

    const replayed = new FakeVirtualServer({ virtualMachines: [{ name: 'web01', state: S.Running }] });
    const second = await replayed.connect();
    const again = await second.findVirtualMachine('web01');
    const streams = [again.events(), second.events({ types: ['eventLogged', 'serviceEvent'] })];
    await Promise.all(streams.map((stream) => stream.ready()));
    await replayed.replay(capture);
    assert.deepStrictEqual((await collect(streams[0], 3)).map(shape), vmEvents.map(shape));
    assert.deepStrictEqual((await collect(streams[1], 2)).map(shape), serverEvents.map(shape));
    assert.strictEqual(await again.state(), S.Running);
    await second.close();
  });

  it("timing 'recorded' keeps the gaps between the recorded times, divided by speed", async () => {
    const host = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const capture = [
      { type: 'eventLogged', time: '2026-11-30T02:00:00.000Z', messageId: 1 },
      { type: 'eventLogged', time: '2026-11-30T02:00:01.000Z', messageId: 2 },
    ];
    const started = Date.now();
    await host.replay(capture, { timing: 'recorded', speed: 5 });
    const took = Date.now() - started;
    assert.ok(took >= 190 && took < 1000, `a 1 s gap at speed 5 took ${took} ms`);
  });

  describe('refuses a capture it cannot replay, naming the line', () => {
    const host = new FakeVirtualServer();
    /** @type {[unknown, RegExp][]} the capture, the message */
    const cases = [
      [
        '12:00:01.000  web01  stateChange  Running',
        /capture \(line 1\)' is not JSON: replay takes what `vsevents watch --all --json` prints/,
      ],
      ['{"type":"stateChange","state":5}', /capture \(line 1\)\.vm' must name the virtual machine/],
      ['\n{"type":"stateChange","vm":"a","state":12}', /capture \(line 2\)\.state' must be a VMState/],
      ['{"type":"poweredOn","vm":"a"}', /\.type' must be an event type of a watch capture: stateChange/],
      ['{"type":"eventLogged","messageId":"7"}', /\.messageId' must be the message ID/],
      ['{"type":"eventLogged","messageId":7,"time":"yesterday"}', /\.time' must be an ISO time/],
      [[{ type: 'configurationChanged', vm: 'a' }], /capture\[0\]\.key' must be the configuration key/],
      [42, /"capture" argument must be a string/],
    ];
    for (const [capture, message] of cases) {
      it(String(message), () => {
        assert.throws(
          // @ts-expect-error -- deliberately bad input
          () => host.replay(capture),
          (error) => {
            assert.ok(isError(error));
            assert.match(String(error.code), /^ERR_INVALID_ARG_(TYPE|VALUE)$/);
            assert.match(error.message, message);
            return true;
          },
        );
        assert.deepStrictEqual(host.virtualMachineNames(), [], 'nothing was defined or fired');
      });
    }
    it('options: timing and speed', () => {
      // @ts-expect-error -- deliberately bad input
      assert.throws(() => host.replay('', { timing: 'fast' }), /'none', 'recorded'/);
      assert.throws(() => host.replay('', { speed: 0 }), /must be a number above 0/);
    });
  });
});
