'use strict';
// Which implementation the contract suite runs against: VSE_CONTRACT_DRIVER=fake (the unit layer of
// npm test: the fake, once for each form of the event interfaces) or =simulator (the windows layer: the
// real addon and this run's simulator build). Unset: the simulator on Windows node, the fake elsewhere.
const CHOICES = ['fake', 'simulator'];

function contractDrivers() {
  const chosen = process.env.VSE_CONTRACT_DRIVER || (process.platform === 'win32' ? 'simulator' : 'fake');
  if (!CHOICES.includes(chosen)) {
    throw new Error(`VSE_CONTRACT_DRIVER is "${chosen}": set it to ${CHOICES.join(' or ')}, or leave it unset`);
  }
  if (chosen === 'simulator') return [require('./simulator-driver').simulatorDriver()];
  const { fakeDriver } = require('./fake-driver');
  return [fakeDriver('dispatch'), fakeDriver('vtable')];
}

module.exports = { contractDrivers };
