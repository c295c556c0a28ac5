'use strict';
// Load: 50 VMs firing at once into 50 VM streams and one server stream of one connection, for 60 s (10 s
// reduced). Every event arrives exactly once and in its VM's order; reports events/s and the deepest any
// stream's queue got. Bursts of each VM number their events 1..BURST, so a VM's n-th event must carry
// ((n - 1) % BURST) + 1; a few rounds of bursts stay in flight, never an unbounded backlog.
const { h, api, binding, probe, openControl, waitForNoSinks, waitIdle, sleep } = require('../support');

const VMS = 50;
const BURST = 200;
const ROUNDS_IN_FLIGHT = 2;

async function consume(stream, tally, valueOf) {
  for await (const event of stream) {
    tally.received += 1;
    if (valueOf(event) !== ((tally.received - 1) % BURST) + 1) tally.outOfOrder += 1;
    if (stream.queued > tally.deepest) tally.deepest = stream.queued;
  }
}

async function loadOnce(context) {
  const seconds = context.reduced ? 10 : 60;
  const control = await openControl();
  const server = await api.connect(probe);
  const names = Array.from({ length: VMS }, (_, i) => `load-${process.pid}-${i}`);
  try {
    for (const name of names) await binding.call(control, 'DefineVirtualMachine', [name, h.sim.VMVMState.Running]);
    const streams = [];
    const tallies = [];
    for (const name of names) {
      streams.push((await server.findVirtualMachine(name)).events({ types: ['configurationChanged'] }));
    }
    streams.push(server.events({ types: ['eventLogged'] }));
    await Promise.all(streams.map((stream) => stream.ready()));
    const reading = streams.map((stream, i) => {
      const tally = { received: 0, outOfOrder: 0, deepest: 0, fired: 0 };
      tallies.push(tally);
      const valueOf = i < VMS ? (event) => event.value : (event) => event.messageId;
      return consume(stream, tally, valueOf);
    });
    const started = Date.now();
    let rounds = 0;
    const total = () => tallies.reduce((sum, tally) => sum + tally.received, 0);
    while (Date.now() - started < seconds * 1000) {
      if (rounds * (VMS + 1) * BURST - total() > ROUNDS_IN_FLIGHT * (VMS + 1) * BURST) {
        await sleep(5);
        continue;
      }
      for (let i = 0; i < VMS; i += 1) {
        await binding.call(control, 'FireBurst', ['OnConfigurationChanged', BURST, names[i]]);
        tallies[i].fired += BURST;
      }
      await binding.call(control, 'FireBurst', ['OnEventLogged', BURST, '']);
      tallies[VMS].fired += BURST;
      rounds += 1;
    }
    await waitIdle(control);
    await h.waitUntil(() => tallies.every((tally) => tally.received >= tally.fired), 'every event to arrive', 30000);
    const elapsed = (Date.now() - started) / 1000;
    await server.close();
    await Promise.all(reading);
    const wrong = tallies.filter((tally) => tally.received !== tally.fired || tally.outOfOrder > 0);
    if (wrong.length > 0) {
      const [first] = wrong;
      throw new Error(
        `${wrong.length} streams got other than every event once in order (one: ${first.received} of ${first.fired}, ${first.outOfOrder} out of order)`,
      );
    }
    for (const name of names) await waitForNoSinks(control, name);
    return {
      events: total(),
      eventsPerSecond: Math.round(total() / elapsed),
      deepestQueue: Math.max(...tallies.map((tally) => tally.deepest)),
    };
  } finally {
    await server.close();
    for (const name of names) await binding.call(control, 'RemoveVirtualMachine', [name]).catch(() => undefined);
    binding.release(control);
  }
}

module.exports = {
  name: 'load',
  what: `${VMS} VMs and the server firing at once into ${VMS + 1} streams of one connection: every event once, in order`,
  runs: { full: 1, reduced: 1 },
  measures: {
    events: "events delivered in all, each once and in its stream's order",
    eventsPerSecond: 'events delivered per second, over the whole run',
    deepestQueue: "the most events any stream's queue held",
  },
  deadlineMs: 180000,
  once: loadOnce,
};
