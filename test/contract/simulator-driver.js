'use strict';
// The contract suite's driver for the real addon and the simulator (Windows node; Wine on Linux): the
// simulator build of this run (VSE_SIMULATOR_BUILD), started and connected as every windows suite does
// (test/support/harness.js), driven through its control surface (test/simulator/README.md).
const h = require('../support/harness');

const api = require(h.repoRoot);

function simulatorDriver() {
  let binding;
  let control;
  const call = (verb, ...args) => binding.call(control, verb, args).then(() => undefined);
  return {
    label: 'the real addon and the simulator',
    build: h.sim.simulatorBuild(),
    hooks() {
      after(async function () {
        if (control) await binding.put(control, 'PacingMilliseconds', 0);
      });
      h.connectForSuite((connected) => ({ binding, control } = connected), { keepServer: false });
    },
    connect: () => api.connect(),
    defineVm: (prefix, state) => h.defineVm(binding, control, prefix, state),
    setPacing: (ms) => binding.put(control, 'PacingMilliseconds', ms),
    idle: () => h.waitIdle(binding, control),
    setGuestAdditions: (vm, installed) => call('SetGuestAdditions', vm, installed),
    sinkCount: (vm) => binding.call(control, 'AdvisedSinkCount', [vm]),
    fire: {
      stateChange: (vm, state) => call('FireStateChange', vm, state),
      heartbeatStopped: (vm) => call('FireHeartbeatStopped', vm),
      tripleFault: (vm) => call('FireTripleFault', vm),
      reset: (vm) => call('FireReset', vm),
      requestShutdown: (vm) => call('FireRequestShutdown', vm),
      configurationChanged: (vm, key, value) => call('FireConfigurationChanged', vm, key, value),
      eventLogged: (id) => call('FireEventLogged', id),
      serviceEvent: (id) => call('FireServiceEvent', id),
    },
  };
}

module.exports = { simulatorDriver };
