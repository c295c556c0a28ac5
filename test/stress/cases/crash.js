'use strict';
// The service crashes mid-burst: every open stream ends with ERR_VS_DISCONNECTED within twice the probe
// interval, nothing hangs, the process exits by itself; with reconnect, the stream yields `reconnected`
// from the restarted service and then events again. Each run in a child process of its own, so that this
// one never holds a proxy of a server that died.
const { h, probe, runFixture } = require('../support');

const bound = 2 * probe.probeInterval;

function expectDisconnected(stream, what) {
  if (stream.code !== 'ERR_VS_DISCONNECTED') throw new Error(`${what} ended with ${stream.code}: ${stream.message}`);
  if (stream.msAfterCrash > bound)
    throw new Error(`${what} ended ${stream.msAfterCrash} ms after the crash (bound ${bound})`);
}

async function crashOnce(mode) {
  const { ms, messages } = await runFixture('crash', [mode, JSON.stringify(probe)]);
  const result = messages[messages.length - 1];
  if (!result || !result.vm) throw new Error('crash.js reported nothing');
  expectDisconnected(result.vm, 'the VM stream');
  if (!result.vm.inOrder) throw new Error('the VM stream delivered the burst out of order');
  const figures = { vmEndMs: result.vm.msAfterCrash, eventsBeforeCrash: result.vm.events, childMs: ms };
  if (mode === 'plain') {
    expectDisconnected(result.server, 'the server stream');
    figures.serverEndMs = result.server.msAfterCrash;
  } else {
    const { first, second, messageId } = result.server;
    if (first !== 'reconnected' || second !== 'eventLogged' || messageId !== 77) {
      throw new Error(`after the restart the stream yielded ${first}, then ${second} ${messageId}`);
    }
    figures.reconnectedMs = result.reconnectedAfterMs;
  }
  await h.sim.waitForNoSimulator();
  return figures;
}

// What each figure of a run is (docs/reliability.md shows them under these words).
const measures = {
  vmEndMs: 'ms from the crash to the end of the VM stream',
  eventsBeforeCrash: 'events of the burst the VM stream delivered before it ended',
  childMs: 'ms the child process lived, from its start to its exit by itself',
};

function crashCase(mode, what) {
  return {
    name: mode === 'plain' ? 'crash' : 'crash-reconnect',
    what,
    measures: Object.assign(
      {},
      measures,
      mode === 'plain'
        ? { serverEndMs: 'ms from the crash to the end of the server stream' }
        : { reconnectedMs: 'ms from the crash to the server stream yielding `reconnected`' },
    ),
    runs: { full: 50, reduced: 3 },
    deadlineMs: 90000,
    once: () => crashOnce(mode),
    recover: () => h.sim.waitForNoSimulator().catch(() => h.sim.killSimulators()),
  };
}

module.exports = {
  plain: crashCase(
    'plain',
    `service crash mid-burst: VM and server streams end ERR_VS_DISCONNECTED within ${bound} ms, the child exits by itself`,
  ),
  reconnect: crashCase(
    'reconnect',
    'service crash mid-burst with reconnect: reconnected from the restarted service, then events',
  ),
};
