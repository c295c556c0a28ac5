'use strict';
// An in-memory NativeBinding (lib/binding.ts) for unit tests of lib/: COM objects are plain objects with
// properties and methods, subscriptions are driven by the test (emit, end), nothing happens on its own.
// It follows the contract's rules that lib relies on: calls are asynchronous, a released object rejects
// ERR_VS_RELEASED, close() is idempotent and ends the subscription with onEnd(null). Unlike the public fake
// (virtual-server-events/testing, built on the same state diagram), it lets tests reach into the raw
// layer: failures to inject, raw records to emit, tasks to script, ref() calls to read.

const path = require('path');

const dist = path.join(__dirname, '..', '..', 'dist');
const { plan } = require(path.join(dist, 'testing', 'state-diagram.js'));
const { controlMethods } = require(path.join(dist, 'control-methods.js'));
const { knownHresults } = require(path.join(dist, 'hresults.js'));
const { FakeNativeBinding } = require(path.join(dist, 'testing', 'native-binding.js'));

/**
 * An Error as the addon makes them (NativeError of lib/binding.ts).
 * @param {string} code
 * @param {string} message
 * @param {number} [hresult]
 */
function comError(code, message, hresult) {
  /** @type {Error & { code?: string, hresult?: number }} */
  const error = new Error(message);
  error.code = code;
  if (hresult !== undefined) error.hresult = hresult;
  return error;
}

const DISP_E_UNKNOWNNAME = 0x80020006;

/**
 * A COM object's properties and methods by name: VARIANTs, untyped as they are to COM's IDispatch.
 * @typedef {{ [name: string]: any }} FakeMembers
 */

class FakeObject {
  /**
   * @param {string} kind
   * @param {{ props?: FakeMembers, methods?: FakeMembers, eventInterface?: object }} [options]
   */
  constructor(kind, { props = {}, methods = {}, eventInterface } = {}) {
    this.kind = kind;
    this.props = props;
    this.methods = methods;
    this.eventInterface = eventInterface;
    this.released = false;
  }
}

class FakeSubscription {
  constructor(binding, target, options) {
    this.binding = binding;
    this.target = target;
    this.options = options;
    this.eventInterface = target.eventInterface;
    this.open = true;
    this.refs = 0;
    this.refCalls = [];
  }

  async close() {
    if (!this.open) return;
    this.open = false;
    this.binding.subscriptions.delete(this);
    await Promise.resolve();
    this.options.onEnd(null);
  }

  ref() {
    this.refCalls.push('ref');
  }

  unref() {
    this.refCalls.push('unref');
  }

  /** true when the last ref()/unref() call was ref(). */
  get referenced() {
    return this.refCalls[this.refCalls.length - 1] === 'ref';
  }
}

class FakeBinding {
  constructor(makeRoot) {
    this.addonVersion = '0.0.0-fake';
    this.napiVersion = 5;
    this.makeRoot = makeRoot;
    this.connectCalls = [];
    /** Errors the next connect() calls reject with, in order. */
    this.connectFailures = [];
    this.subscriptions = new Set();
    this.subscribeFailures = [];
    this.released = [];
    this.roots = [];
    /** @type {FakeObject[]} the VMs, set by fakeVirtualServer() */
    this.vms = [];
  }

  async connect(options) {
    this.connectCalls.push(options);
    if (this.connectFailures.length > 0) throw this.connectFailures.shift();
    const root = this.makeRoot();
    this.roots.push(root);
    return root;
  }

  check(target) {
    if (!(target instanceof FakeObject)) throw new TypeError('not a native object');
    if (target.released) throw comError('ERR_VS_RELEASED', 'the object was released');
  }

  async get(target, name, args = []) {
    this.check(target);
    if (!(name in target.props)) throw comError('ERR_VS_COM_ERROR', `unknown name ${name}`, DISP_E_UNKNOWNNAME);
    const value = target.props[name];
    return typeof value === 'function' ? value(...args) : value;
  }

  async put(target, name, value) {
    this.check(target);
    target.props[name] = value;
  }

  async call(target, name, args) {
    this.check(target);
    const method = target.methods[name];
    if (!method) throw comError('ERR_VS_COM_ERROR', `unknown name ${name}`, DISP_E_UNKNOWNNAME);
    return method(...args);
  }

  async items(collection) {
    this.check(collection);
    return collection.props.items.slice();
  }

  release(target) {
    this.check(target);
    target.released = true;
    this.released.push(target);
    return Promise.resolve();
  }

  async describeEvents(target) {
    this.check(target);
    return target.eventInterface ? [target.eventInterface] : [];
  }

  async subscribe(target, options) {
    this.check(target);
    if (this.subscribeFailures.length > 0) throw this.subscribeFailures.shift();
    const subscription = new FakeSubscription(this, target, options);
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The rest of NativeBinding, which lib/ calls only through loadBinding() and the CLI. */
  callerAccess() {
    return 'O:BAG:BAD:(A;;0x3;;;WD)';
  }

  closeForExit() {}

  /** @returns {import('../../dist/binding.js').NativeDiagnostics} */
  diagnostics() {
    return FakeNativeBinding.prototype.diagnostics.call(this);
  }

  useKnownHresults() {}

  /** The open subscriptions on target (or on any object of that kind). */
  subscriptionsOf(target) {
    return Array.from(this.subscriptions).filter((s) => s.target === target || s.target.kind === target);
  }

  /** Delivers records to every open subscription of target, as the addon's JS-thread callback would. */
  emit(target, records, dropped = 0) {
    const now = Date.now();
    const full = records.map((r) => Object.assign({ args: [], time: now }, r));
    for (const subscription of this.subscriptionsOf(target)) subscription.options.onEvents(full, dropped);
  }

  /** Ends every subscription of target by itself, as the addon does when the server dies. */
  end(target, error) {
    for (const subscription of this.subscriptionsOf(target)) {
      subscription.open = false;
      this.subscriptions.delete(subscription);
      subscription.options.onEnd(error);
    }
  }
}

/** The VM's event interface; the vtable build of the simulator adds OnRequestShutdown's [out] isAllowed. */
function vmEventInterface(withShutdownAnswer) {
  return {
    name: 'IVMVirtualMachineEvents',
    iid: '{00000000-0000-0000-0000-00000000000a}',
    kind: withShutdownAnswer ? 'vtable' : 'dispinterface',
    methods: [
      {
        name: 'OnStateChange',
        dispid: 1,
        vtableSlot: 3,
        params: [{ name: 'virtualMachineState', vt: 3, type: 'VMVMState', direction: 'in' }],
      },
      {
        name: 'OnRequestShutdown',
        dispid: 2,
        vtableSlot: 4,
        params: withShutdownAnswer ? [{ name: 'isAllowed', vt: 11, type: 'VARIANT_BOOL*', direction: 'out' }] : [],
      },
    ],
  };
}
const serverEventInterface = {
  name: 'IVMVirtualServerEvents',
  iid: '{00000000-0000-0000-0000-00000000000b}',
  kind: 'vtable',
  methods: [
    {
      name: 'OnEventLogged',
      dispid: 3,
      vtableSlot: 5,
      params: [{ name: 'logMessageID', vt: 3, type: 'long', direction: 'in' }],
    },
  ],
};

/**
 * A task that completes after `polls` reads of IsComplete with the given result.
 * @param {{ polls?: number, result?: number, error?: number, errorDescription?: string }} [options]
 */
function fakeTask({ polls = 1, result = 0, error, errorDescription } = {}) {
  let reads = 0;
  const props = {
    IsComplete: () => ++reads > polls,
    Result: result,
  };
  if (error !== undefined) {
    props.Error = error;
    props.ErrorDescription = errorDescription;
  }
  const task = new FakeObject('task', { props });
  Object.defineProperty(task, 'reads', { get: () => reads });
  return task;
}

/**
 * A Virtual Server with the given VMs ({ name, state }). Control methods follow the documented state
 * diagram at once (no events: tests emit them) and return tasks from `taskFor(method, vm)` when given.
 * shutdownAnswer: the VMs' OnRequestShutdown has the [out] isAllowed parameter.
 * @param {{ vms?: { name: string, state: number }[], taskFor?: (method: string, vm: FakeObject) => unknown,
 *   shutdownAnswer?: boolean }} [options]
 */
function fakeVirtualServer({ vms = [{ name: 'web01', state: 1 }], taskFor, shutdownAnswer = false } = {}) {
  const vmObjects = vms.map((spec) => makeVm(spec, taskFor, vmEventInterface(shutdownAnswer)));
  const binding = new FakeBinding(() => {
    const collection = new FakeObject('collection', { props: { items: vmObjects, Count: vmObjects.length } });
    return new FakeObject('server', {
      props: { Name: 'FAKEHOST', Version: '1.3.1', VirtualMachines: () => collection },
      methods: {
        FindVirtualMachine: (name) =>
          vmObjects.find((vm) => vm.props.Name.toLowerCase() === String(name).toLowerCase()) || null,
      },
      eventInterface: serverEventInterface,
    });
  });
  binding.vms = vmObjects;
  return binding;
}

function makeVm({ name, state }, taskFor, eventInterface) {
  const vm = new FakeObject('vm', {
    props: { Name: name, State: state, ConfigID: `config-${name}`, File: `C:\\VMs\\${name}.vmc` },
    eventInterface,
  });
  // The state diagram and its refusals are the public fake's (lib/testing/state-diagram.ts); here a call
  // moves the VM to where its sequence ends at once, and fires nothing (the tests emit what they need).
  const transition = (method) => () => {
    const outcome = plan(method, vm.props.State, false);
    if (outcome.hresultName) {
      const [hresult] = knownHresults.find(([, known]) => known === outcome.hresultName);
      throw comError('ERR_VS_COM_ERROR', `${method} refused: the virtual machine ${outcome.reason}`, hresult);
    }
    vm.props.State = outcome.final;
    return outcome.returnsTask && taskFor ? taskFor(method, vm) : undefined;
  };
  vm.methods = {};
  for (const { method } of Object.values(controlMethods)) vm.methods[method] = transition(method);
  return vm;
}

module.exports = { FakeBinding, FakeObject, fakeVirtualServer, fakeTask, comError };
