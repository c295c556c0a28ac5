'use strict';
// The typings of virtual-server-events/testing, as a TypeScript user's project sees them: tsc compiles a
// script against the installed package (node_modules/virtual-server-events is this repo, linked) with
// moduleResolution node (typesVersions) and node16 (exports), and refuses a misuse of the types.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

const script = `
import { FakeVirtualServer, VMState, FakeVirtualServerOptions } from 'virtual-server-events/testing';
import type { StateChangeEvent } from 'virtual-server-events';

const options: FakeVirtualServerOptions = { virtualMachines: [{ name: 'web01', state: VMState.Running }] };
export async function check(): Promise<VMState> {
  const host = new FakeVirtualServer(options);
  const server = await host.connect({ callTimeout: 100 });
  const vm = await server.findVirtualMachine('web01');
  for await (const event of vm.events({ types: ['stateChange'] })) {
    const change: StateChangeEvent | { type: 'reconnected' } = event;
    void change;
    break;
  }
  const outcome: 'proceeded' | 'refused' | 'ignored' = await host.fireRequestShutdown('web01');
  void outcome;
  return host.virtualMachine('web01').state;
}
`;

function compile(dir, moduleResolution, source) {
  fs.writeFileSync(path.join(dir, 'check.ts'), source);
  const module = moduleResolution === 'node' ? 'commonjs' : 'node16';
  return spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--target',
      'ES2019',
      '--module',
      module,
      '--moduleResolution',
      moduleResolution,
      '--types',
      'node',
      '--typeRoots',
      path.join(repoRoot, 'node_modules', '@types'),
      'check.ts',
    ],
    { cwd: dir, encoding: 'utf8' },
  );
}

describe('testing: the typings a TypeScript project gets', function () {
  this.timeout(60000);
  let dir;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-types-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'virtual-server-events'), 'junction');
  });
  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const moduleResolution of ['node', 'node16']) {
    it(`compiles a script with moduleResolution ${moduleResolution}, and refuses a wrong one`, function () {
      const good = compile(dir, moduleResolution, script);
      assert.strictEqual(good.status, 0, good.stdout + good.stderr);
      const bad = compile(
        dir,
        moduleResolution,
        script.replace("host.fireRequestShutdown('web01')", 'host.fireRequestShutdown(42)'),
      );
      assert.match(bad.stdout, /TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/);
    });
  }
});
