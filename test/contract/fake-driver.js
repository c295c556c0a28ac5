'use strict';
// The contract suite's driver for virtual-server-events/testing: a FakeVirtualServer per suite, whose
// event interfaces take the form of the simulator build named (dispatch: dispinterfaces; vtable: custom
// interfaces with OnRequestShutdown's [out] isAllowed).
const { FakeVirtualServer } = require('virtual-server-events/testing');

function fakeDriver(build) {
  let host;
  let counter = 0;
  return {
    label: `the fake (virtual-server-events/testing, ${build} interfaces)`,
    build,
    hooks() {
      before(function () {
        host = new FakeVirtualServer({ eventInterfaces: build === 'dispatch' ? 'dispinterface' : 'vtable' });
      });
    },
    connect: () => host.connect(),
    async defineVm(prefix, state) {
      counter += 1;
      const name = `${prefix}-${counter}`;
      host.defineVirtualMachine({ name, state });
      return name;
    },
    async setPacing(ms) {
      host.pacing = ms;
    },
    idle: () => host.idle(),
    /** Installs or removes the guest's Virtual Machine Additions (IVMGuestOS answers with them). */
    setGuestAdditions: async (vm, installed) => host.setGuestAdditions(vm, installed),
    /** Event sinks advised on the VM named (a waitForState's subscription counts as one). */
    sinkCount: async (vm) => host.advisedSinkCount(vm),
    fire: {
      stateChange: async (vm, state) => host.fireStateChange(vm, state),
      heartbeatStopped: async (vm) => host.fireHeartbeatStopped(vm),
      tripleFault: async (vm) => host.fireTripleFault(vm),
      reset: async (vm) => host.fireReset(vm),
      // What the host did about it is the contract's to check through the VM's state.
      requestShutdown: async (vm) => {
        host.fireRequestShutdown(vm);
      },
      configurationChanged: async (vm, key, value) => host.fireConfigurationChanged(vm, key, value),
      eventLogged: async (id) => host.fireEventLogged(id),
      serviceEvent: async (id) => host.fireServiceEvent(id),
    },
  };
}

module.exports = { fakeDriver };
