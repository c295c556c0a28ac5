'use strict';
// What util.inspect, console.log and JSON.stringify show of the public objects: useful state, never the
// credentials, which a Session keeps out of their reach, and only until close().
const assert = require('assert');
const util = require('util');
const v8 = require('v8');
const vm = require('vm');
const { settle, isError } = require('./helpers');
const { fakeVirtualServer, comError } = require('./fake-binding');

const { connectWith } = require('../../dist/virtual-server.js');

const secret = 'Hunter2-secret';
const probe = { intervalMs: 5000, timeoutMs: 5000 };

async function remoteConnection() {
  const binding = fakeVirtualServer();
  const server = await connectWith(
    binding,
    { host: 'vshost01', user: 'svc-monitor', password: secret, domain: 'CONTOSO' },
    probe,
  );
  binding.connectCalls.length = 0; // the fake's own record of what it was given
  const vmObject = await server.findVirtualMachine('web01');
  const stream = vmObject.events({ maxQueue: 10 });
  await stream.ready();
  return { binding, server, vm: vmObject, stream };
}

/** Every way a program may print an object, the deepest ones included. */
function printed(object) {
  const texts = [
    util.inspect(object),
    util.inspect(object, { showHidden: true, depth: Infinity, getters: true }),
    util.inspect(object, { showHidden: true, depth: Infinity, getters: true, customInspect: false }),
    util.format('%o', object),
    util.format('%O', object),
  ];
  try {
    texts.push(JSON.stringify(object));
  } catch (error) {
    assert.ok(isError(error));
    texts.push(error.message); // circular structures throw; what they say is printed too
  }
  return texts;
}

describe('inspection', () => {
  it('never shows the password, user or domain of a server, a VM or a stream, however deep', async () => {
    const { server, vm: vmObject, stream } = await remoteConnection();
    for (const [what, object] of [
      ['server', server],
      ['vm', vmObject],
      ['stream', stream],
    ]) {
      for (const text of printed(object)) {
        for (const hidden of [secret, 'svc-monitor', 'CONTOSO']) {
          assert.ok(!text.includes(hidden), `${what} printed shows ${hidden}: ${text.slice(0, 300)}`);
        }
      }
    }
    await server.close();
  });

  it('shows the state worth seeing', async () => {
    const { binding, server, vm: vmObject, stream } = await remoteConnection();
    binding.emit(binding.vms[0], [{ method: 'OnStateChange', args: [5] }]);
    const oneLine = (object) => util.inspect(object, { breakLength: Infinity });
    assert.strictEqual(
      oneLine(server),
      "VirtualServer { where: 'host \"vshost01\"', credentials: '<hidden>', closed: false, streams: 1 }",
    );
    assert.strictEqual(
      oneLine(vmObject),
      "VirtualMachine { name: 'web01', where: 'host \"vshost01\"', closed: false }",
    );
    assert.strictEqual(
      oneLine(stream),
      "EventStream { source: 'virtual machine \"web01\"', queued: 1, dropped: 0, finished: false, maxQueue: 10, overflow: 'error' }",
    );
    assert.strictEqual(
      util.inspect({ nested: { deeper: server } }, { depth: 1 }),
      '{ nested: { deeper: [VirtualServer] } }',
    );
    await server.close();
    assert.match(oneLine(server), /closed: true, streams: 0 \}$/);
    assert.doesNotMatch(
      util.inspect(await connectWith(fakeVirtualServer(), {}, probe)),
      /credentials/,
      'none given, none mentioned',
    );
  });

  it('lets go of the credentials at close()', async function () {
    if (typeof WeakRef !== 'function') this.skip();
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const binding = fakeVirtualServer();
    /** @type {{ host: string, user: string, password: string } | undefined} */
    let options = { host: 'vshost01', user: 'svc', password: secret };
    const server = await connectWith(binding, options, probe);
    const held = new WeakRef(options);
    // eslint-disable-next-line no-useless-assignment -- dropping the last reference is the point
    options = undefined;
    binding.connectCalls.length = 0; // the fake's own record of what it was given
    const collected = async () => {
      await settle(); // a WeakRef keeps its target until the job that made it has ended
      gc();
      return held.deref() === undefined;
    };
    assert.strictEqual(await collected(), false, 'kept while the connection is open (reconnections need it)');
    await server.close();
    assert.strictEqual(await collected(), true, 'still held after close()');
  });

  it("keeps none once connected when made not to reconnect (watch()'s connections), and refuses to reconnect", async function () {
    if (typeof WeakRef !== 'function') this.skip();
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const binding = fakeVirtualServer();
    /** @type {{ host: string, user: string, password: string } | undefined} */
    let options = { host: 'vshost01', user: 'svc', password: secret };
    const server = await connectWith(binding, options, probe, { reconnects: false });
    const held = new WeakRef(options);
    // eslint-disable-next-line no-useless-assignment -- dropping the last reference is the point
    options = undefined;
    binding.connectCalls.length = 0;
    await settle();
    gc();
    assert.strictEqual(held.deref(), undefined, 'held while connected');
    const stream = server.events({ reconnect: { initialDelay: 100, maxDelay: 100, maxAttempts: 1 } });
    await stream.ready();
    binding.end(binding.roots[0], comError('ERR_VS_DISCONNECTED', 'the server went away', 0x800706ba));
    const error = await stream.next().then(
      () => undefined,
      (/** @type {unknown} */ thrown) => thrown,
    );
    assert.ok(isError(error));
    assert.match(String(error.message), /was made not to be reconnected/);
    assert.ok(!error.message.includes(secret));
    assert.strictEqual(binding.connectCalls.length, 0, 'no connection attempted');
    await server.close();
  });
});
