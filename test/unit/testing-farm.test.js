'use strict';
// watchFakes(): the package's FarmStream over fake hosts: each event with its host, one host's crash
// yielding disconnected and, once restarted, reconnected, while the other's events go on; targets
// checked as watch() checks them.
const assert = require('assert');
const { api, eventOf } = require('./helpers');

const { FakeVirtualServer, watchFakes } = require('virtual-server-events/testing');
const S = api.VMState;
const quick = { probeInterval: 100, probeTimeout: 100, callTimeout: 300 };

describe('testing: watchFakes', () => {
  it("merges the hosts' server events, and one host's crash and restart never stop the other's", async () => {
    const a = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const b = new FakeVirtualServer({ virtualMachines: ['db01'] });
    const farm = watchFakes(
      [Object.assign({ name: 'vs-a', server: a }, quick), Object.assign({ name: 'vs-b', server: b }, quick)],
      { reconnect: { initialDelay: 100, maxDelay: 100 } },
    );
    assert.ok(farm instanceof api.FarmStream);
    await farm.ready();
    a.fireEventLogged(1);
    b.fireEventLogged(2);
    const first = [eventOf(await farm.next(), 'eventLogged'), eventOf(await farm.next(), 'eventLogged')];
    assert.deepStrictEqual(first.map((e) => `${e.host} ${e.messageId}`).sort(), ['vs-a 1', 'vs-b 2']);

    a.crash();
    const lost = eventOf(await farm.next(), 'disconnected');
    assert.deepStrictEqual(
      [lost.type, lost.host, lost.retrying, lost.error.code],
      ['disconnected', 'vs-a', true, 'ERR_VS_DISCONNECTED'],
    );
    b.fireStateChange('db01', S.Running);
    const meanwhile = eventOf(await farm.next(), 'vmStateChange');
    assert.deepStrictEqual([meanwhile.host, meanwhile.type, meanwhile.vm], ['vs-b', 'vmStateChange', 'db01']);

    a.restart();
    const back = eventOf(await farm.next(), 'reconnected');
    assert.deepStrictEqual(
      [back.type, back.host, back.vms],
      ['reconnected', 'vs-a', [{ vm: 'web01', state: S.TurnedOff }]],
    );
    await farm.return();
  });

  it('refuses targets as watch() does, and a target without its FakeVirtualServer', () => {
    const a = new FakeVirtualServer();
    assert.throws(() => watchFakes([]), { code: 'ERR_INVALID_ARG_VALUE', message: /at least one host/ });
    assert.throws(
      () =>
        watchFakes([
          { name: 'x', server: a },
          { name: 'X', server: a },
        ]),
      /distinct name/,
    );
    // @ts-expect-error -- deliberately bad input: a plain object, not a FakeVirtualServer
    assert.throws(() => watchFakes([{ name: 'x', server: {} }]), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"targets\[0\]\.server" argument must be a FakeVirtualServer/,
    });
    assert.throws(() => watchFakes([{ name: 'x', server: a, probeInterval: 1 }]), { code: 'ERR_OUT_OF_RANGE' });
  });
});
