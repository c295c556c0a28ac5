'use strict';
// `vsevents watch --all`'s stream (lib/cli/watch-all.ts) over the testing fake: VMs defined after it
// started are subscribed to when a server event first names them; the cap and the deadline of each
// subscribe; a failing subscribe is reported and the watch goes on; everything let go of at the end.
const assert = require('assert');
const { api, eventOf } = require('./helpers');

const { FakeVirtualServer } = require('virtual-server-events/testing');
const { AllVmsStream } = require('../../dist/cli/watch-all.js');
const { Interrupt } = require('../../dist/cli/interrupt.js');
const S = api.VMState;

/** Opens an AllVmsStream on a fake. */
async function watchAll(fake, options = {}) {
  const server = await fake.connect();
  const signal = new Interrupt();
  const stream = new AllVmsStream(server, Object.assign({ signal, reconnect: false }, options));
  await stream.ready();
  return { server, signal, stream };
}

/** The sinks advised on the fake: the server's and every VM's. */
function advised(fake) {
  return fake.advisedSinkCount() + fake.virtualMachineNames().reduce((n, vm) => n + fake.advisedSinkCount(vm), 0);
}

async function until(check, what) {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('watch --all: every VM, those defined later included', () => {
  it('subscribes to a VM defined after the start when a server event first names it', async () => {
    const fake = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const { server, stream } = await watchAll(fake);
    try {
      assert.strictEqual(fake.advisedSinkCount('web01'), 1);
      fake.defineVirtualMachine('late01');
      assert.strictEqual(fake.advisedSinkCount('late01'), 0, 'a VM nobody named yet is not subscribed to');
      fake.fireStateChange('late01', S.Running);
      // The event that named it is delivered as it came: the VM's own stream did not exist yet.
      const first = eventOf(await stream.next(), 'vmStateChange');
      assert.deepStrictEqual([first.vm, first.state], ['late01', S.Running]);
      await until(() => stream.watchedCount === 2 && fake.advisedSinkCount('late01') === 1, 'the subscribe');
      await new Promise((resolve) => setTimeout(resolve, 20));
      fake.fireStateChange('late01', S.Paused);
      fake.fireTripleFault('late01');
      fake.fireEventLogged(7);
      // From now on its own stream says it, once (no vmStateChange twin).
      const own = eventOf(await stream.next(), 'stateChange');
      assert.deepStrictEqual([own.vm, own.state], ['late01', S.Paused]);
      assert.strictEqual(eventOf(await stream.next(), 'tripleFault').vm, 'late01');
      assert.strictEqual(eventOf(await stream.next(), 'eventLogged').messageId, 7);
      fake.fireStateChange('web01', S.Running);
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').vm, 'web01');
    } finally {
      await stream.return();
      assert.strictEqual(advised(fake), 0, 'every sink let go of');
      await server.close();
    }
  });

  it('a VM named by a heartbeat, or differently cased, is subscribed to once', async () => {
    const fake = new FakeVirtualServer();
    const { server, stream } = await watchAll(fake);
    try {
      fake.defineVirtualMachine('Db01');
      fake.fireHeartbeatStopped('Db01');
      fake.fireStateChange('db01', S.Running);
      assert.strictEqual(eventOf(await stream.next(), 'vmHeartbeatStopped').vm, 'Db01');
      await until(() => fake.advisedSinkCount('db01') === 1, 'the subscribe');
      await fake.idle();
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.strictEqual(stream.watchedCount, 1);
      assert.strictEqual(fake.advisedSinkCount('db01'), 1);
    } finally {
      await stream.return();
      await server.close();
    }
  });

  it('reports a VM it cannot subscribe to, once, and goes on; its server events still come', async () => {
    const fake = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const { server, stream } = await watchAll(fake);
    try {
      fake.defineVirtualMachine('gone01');
      fake.fireStateChange('gone01', S.Running);
      // Removed before the watch can find it: FindVirtualMachine answers nothing.
      fake.removeVirtualMachine('gone01');
      assert.strictEqual(eventOf(await stream.next(), 'vmStateChange').vm, 'gone01');
      const note = eventOf(await stream.next(), 'vmNotWatched');
      assert.deepStrictEqual(
        [note.vm, note.error.code, note.time instanceof Date],
        ['gone01', 'ERR_VS_VM_NOT_FOUND', true],
      );
      fake.defineVirtualMachine('gone01');
      fake.fireStateChange('gone01', S.Paused);
      const again = eventOf(await stream.next(), 'vmStateChange');
      assert.deepStrictEqual([again.vm, again.state], ['gone01', S.Paused]);
      fake.fireStateChange('web01', S.Running);
      // Reported once: the next thing is web01's event.
      assert.strictEqual(eventOf(await stream.next(), 'stateChange').vm, 'web01', 'the watch goes on');
    } finally {
      await stream.return();
      await server.close();
    }
  });

  it('watches at most maxVms VMs, those of the start included; each one past it is reported', async () => {
    const fake = new FakeVirtualServer({ virtualMachines: ['a', 'b', 'c'] });
    const { server, stream } = await watchAll(fake, { maxVms: 2 });
    try {
      assert.strictEqual(stream.watchedCount, 2);
      const first = eventOf(await stream.next(), 'vmNotWatched');
      assert.strictEqual(first.vm, 'c');
      assert.match(first.error.message, /at most 2 virtual machines/);
      fake.defineVirtualMachine('d');
      fake.fireStateChange('d', S.Running);
      fake.fireStateChange('d', S.Paused);
      assert.strictEqual(eventOf(await stream.next(), 'vmStateChange').vm, 'd');
      assert.strictEqual(eventOf(await stream.next(), 'vmNotWatched').vm, 'd');
      const paused = eventOf(await stream.next(), 'vmStateChange');
      assert.deepStrictEqual([paused.vm, paused.state], ['d', S.Paused], 'reported once; its server events go on');
      assert.strictEqual(advised(fake), 3, 'the server and two VMs');
    } finally {
      await stream.return();
      await server.close();
    }
  });

  it('a subscribe that passes its deadline is reported ERR_VS_TIMEOUT, and does not hold the watch', async () => {
    const fake = new FakeVirtualServer();
    const { server, stream } = await watchAll(fake, { subscribeTimeout: 100 });
    try {
      const find = server.findVirtualMachine.bind(server);
      server.findVirtualMachine = (name) => (name === 'slow01' ? new Promise(() => undefined) : find(name));
      fake.defineVirtualMachine('slow01');
      fake.defineVirtualMachine('fast01');
      fake.fireStateChange('slow01', S.Running);
      fake.fireStateChange('fast01', S.Running);
      assert.strictEqual(eventOf(await stream.next(), 'vmStateChange').vm, 'slow01');
      assert.strictEqual(eventOf(await stream.next(), 'vmStateChange').vm, 'fast01');
      await until(() => fake.advisedSinkCount('fast01') === 1, 'the other subscribe');
      const note = eventOf(await stream.next(), 'vmNotWatched');
      assert.deepStrictEqual([note.vm, note.error.code], ['slow01', 'ERR_VS_TIMEOUT']);
      assert.match(note.error.message, /subscribing to the events of virtual machine "slow01"/);
    } finally {
      await stream.return();
      await server.close();
    }
  });

  it('takes the VMs of a reconnected record, and ends with an AbortError on abort, every sink let go of', async () => {
    const fake = new FakeVirtualServer({ virtualMachines: ['web01'] });
    const quick = { probeInterval: 100, probeTimeout: 100, callTimeout: 300 };
    const server = await fake.connect(quick);
    const signal = new Interrupt();
    const stream = new AllVmsStream(server, {
      signal,
      reconnect: { initialDelay: 100, maxDelay: 100 },
    });
    try {
      await stream.ready();
      fake.crash();
      fake.defineVirtualMachine('new01');
      fake.restart();
      // Each VM's stream says it reconnected too; the server's record lists the VMs.
      let back = eventOf(await stream.next(), 'reconnected');
      while (!('vms' in back)) back = eventOf(await stream.next(), 'reconnected');
      assert.strictEqual(stream.watchedCount >= 1, true);
      assert.deepStrictEqual(back.vms.map((vm) => vm.vm).sort(), ['new01', 'web01']);
      await until(() => fake.advisedSinkCount('new01') >= 1, 'the subscribe after reconnecting');
      signal.abort('done');
      // Records queued before the abort (another stream's reconnected) may still come first.
      await assert.rejects(
        async () => {
          for (;;) if ((await stream.next()).done) throw new Error('the stream ended without an AbortError');
        },
        { name: 'AbortError' },
      );
      await stream.return();
      assert.strictEqual(advised(fake), 0);
    } finally {
      await stream.return();
      await server.close();
    }
  });
});
