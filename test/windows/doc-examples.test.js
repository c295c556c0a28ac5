'use strict';
// The examples of README.md and docs/API.md that need a Virtual Server run as written against the
// simulator (test/support/doc-examples.js finds and classifies them; test/unit/doc-examples.test.js
// compiles them all and runs those that need none). Each runs with this node as `node example.js` in a
// fresh folder under build/, where require('virtual-server-events') finds the package by its own name,
// after the VMs it names are defined, turned off. A waits-for-events example is sent Running, then
// TurnedOff, on each VM it names once it has subscribed; a runs-until-interrupted one is sent a state
// change once it has subscribed to the server, and ended once it has printed it.
const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const h = require('../support/harness');
const docs = require('../support/doc-examples');

const { VMVMState } = h.sim;
const build = h.sim.simulatorBuild();
const RUN_TIMEOUT_MS = 90000;
const examples = docs.allExamples().filter((e) => e.needsHost && !['fragment', 'mocha'].includes(e.kind));

describe(`README.md and docs/API.md examples against the simulator (build: ${build})`, function () {
  this.timeout(RUN_TIMEOUT_MS + 30000);
  let binding;
  let control;
  let dir;
  let child;
  /** VMs a test defined, removed after it. */
  let defined = [];

  h.connectForSuite((connected) => ({ binding, control } = connected), { keepServer: false });

  afterEach(async function () {
    if (child && child.exitCode === null) child.kill();
    child = undefined;
    for (const name of defined) await binding.call(control, 'RemoveVirtualMachine', [name]).catch(() => {});
    defined = [];
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function fire(verb, ...args) {
    return binding.call(control, verb, args);
  }

  async function define(name) {
    await fire('DefineVirtualMachine', name, VMVMState.TurnedOff);
    defined.push(name);
  }

  /** Runs the example; `output.text` fills as it prints, `exit` resolves with its status. */
  function start(example) {
    const project = docs.projectFor(example, os.tmpdir(), { inPackage: true });
    dir = project.dir;
    child = spawn(process.execPath, [project.file], { cwd: project.dir, windowsHide: true });
    const output = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output.text += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output.text += chunk));
    const running = child;
    const exit = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        running.kill();
        reject(new Error(`${example.name} did not end within ${RUN_TIMEOUT_MS} ms; it printed: ${output.text}`));
      }, RUN_TIMEOUT_MS);
      running.on('error', reject);
      running.on('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
    return { output, exit };
  }

  it('finds the examples that need a host: README.md has three, docs/API.md three', function () {
    assert.strictEqual(examples.filter((e) => e.document === 'README.md').length, 3);
    assert.strictEqual(examples.filter((e) => e.document === 'docs/API.md').length, 3);
  });

  for (const example of examples) {
    it(`${example.name} runs as written`, async function () {
      const names = example.vmNames.length > 0 ? example.vmNames : ['doc-example'];
      for (const name of names) await define(name);
      // Sinks other suites left on the server's connection point: the example's own is one more.
      const serverSinksBefore = await fire('AdvisedSinkCount', '');
      const { output, exit } = start(example);
      if (example.kind === 'waits-for-events') {
        for (const name of names) {
          await h.waitUntil(async () => (await fire('AdvisedSinkCount', name)) > 0, `${example.name} to subscribe`);
          await fire('FireStateChange', name, VMVMState.Running);
          await fire('FireStateChange', name, VMVMState.TurnedOff);
        }
      } else if (example.kind === 'runs-until-interrupted') {
        await h.waitUntil(
          async () => (await fire('AdvisedSinkCount', '')) > serverSinksBefore,
          `${example.name} to subscribe`,
        );
        await fire('FireStateChange', names[0], VMVMState.Running);
        await h.waitUntil(() => output.text.includes('"vmStateChange"'), `${example.name} to print the event`);
        assert.ok(child);
        child.kill();
        await exit;
        assert.match(output.text, new RegExp(`"vm":"${names[0]}"`), output.text);
        return;
      }
      const status = await exit;
      assert.strictEqual(status, 0, `${example.name} exited with ${status}: ${output.text}`);
    });
  }
});
