'use strict';
// What `npm pack` makes of this checkout, checked offline the way a registry's users will meet it:
// prepack refuses to pack without the prebuilt addon, builds dist/ and leaves no sourceMappingURL
// comment naming a map the package does not ship; publint and @arethetypeswrong/cli find nothing wrong
// with the tarball; and its declarations compile for a TypeScript 4.9 user with the @types/node of
// Node 16 and skipLibCheck off (TypeScript 4.9 and @types/node 16 are the aliased devDependencies
// typescript4 and types-node16).
// It packs a copy of the package's sources in a temp folder, never this checkout (whose dist/ and
// prebuilds/ it leaves alone). Whether or not this checkout has the cross-built addon, the copy gets a
// placeholder file in its place: a text file named like the addon, which is no binary. So this test
// proves the package's shape, JavaScript and types, not the addon: test/windows/package.test.js packs the
// real one and installs it on Windows node.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const packageJson = require('../../package.json');
/** What prepack needs beside the shipped files: the TypeScript sources and their build settings. */
const copied = ['package.json', 'tsconfig.json', 'lib', 'scripts/prepack.js', 'scripts/run-checked.js'];
const placeholderName = 'virtual-server-events.napi.node';
const nodeMajor = Number(process.versions.node.split('.')[0]);

/** Runs a package's bin script with this node; returns { status, output }. */
function runBin(pkg, binName, args, cwd) {
  const dir = path.join(repoRoot, 'node_modules', pkg);
  const { bin } = require(path.join(dir, 'package.json'));
  const file = typeof bin === 'string' ? bin : bin[binName];
  const run = spawnSync(process.execPath, [path.join(dir, file), ...args], { cwd, encoding: 'utf8', timeout: 120000 });
  return { status: run.status, output: `${run.error || ''}${run.stdout}${run.stderr}` };
}

/** npm, offline, as the run that started these tests has it (npm_execpath) or from PATH. */
function npm(args, cwd) {
  const cli = process.env.npm_execpath;
  const [command, prefix] = cli && /\.js$/.test(cli) ? [process.execPath, [cli]] : ['npm', []];
  const run = spawnSync(command, [...prefix, ...args, '--offline', '--no-audit', '--no-fund'], {
    cwd,
    encoding: 'utf8',
    timeout: 180000,
    shell: process.platform === 'win32' && command === 'npm',
  });
  return { status: run.status, stdout: run.stdout || '', output: `${run.error || ''}${run.stdout}${run.stderr}` };
}

/** Every file under dir, repo-relative with forward slashes. */
function filesUnder(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

describe('the packed package (npm pack of a copy, a placeholder for the addon)', function () {
  this.timeout(300000);
  let work;
  let copy;
  let tarball;
  let unpacked;

  before(function () {
    // @arethetypeswrong/cli needs Node 20; fs.cpSync 16.7.
    if (nodeMajor < 20) this.skip();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-pack-'));
    copy = path.join(work, 'package');
    for (const entry of new Set([...copied, ...packageJson.files.filter((f) => !/^(!|dist\/|prebuilds\/)/.test(f))])) {
      fs.cpSync(path.join(repoRoot, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'junction');
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('refuses to pack without prebuilds/win32-x64/*.node, saying how to build it', function () {
    const run = npm(['pack', '--json', '--pack-destination', work], copy);
    assert.notStrictEqual(run.status, 0, run.output);
    assert.match(run.output, /prepack: prebuilds\/win32-x64\/\*\.node is missing.*npm run build/s);
    assert.deepStrictEqual(
      fs.readdirSync(work).filter((f) => f.endsWith('.tgz')),
      [],
    );
  });

  it('packs dist/ built by prepack, CHANGELOG.md, and no source map nor a comment naming one', function () {
    fs.mkdirSync(path.join(copy, 'prebuilds', 'win32-x64'), { recursive: true });
    fs.writeFileSync(
      path.join(copy, 'prebuilds', 'win32-x64', placeholderName),
      'placeholder written by test/unit/package.test.js: not an addon\n',
    );
    const run = npm(['pack', '--json', '--pack-destination', work], copy);
    assert.strictEqual(run.status, 0, run.output);
    const [info] = JSON.parse(run.stdout.slice(run.stdout.indexOf('[')));
    tarball = path.join(work, info.filename);
    unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked], { encoding: 'utf8' });
    assert.strictEqual(tar.status, 0, tar.stderr);
    const files = filesUnder(path.join(unpacked, 'package'));
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/testing/index.d.ts',
      'dist/cli/main.js',
      'CHANGELOG.md',
    ]) {
      assert.ok(files.includes(file), `${file} is packed: ${files.join(', ')}`);
    }
    assert.deepStrictEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
    );
    const naming = files
      .filter((f) => /\.(js|ts)$/.test(f))
      .filter((f) => /sourceMappingURL/.test(fs.readFileSync(path.join(unpacked, 'package', f), 'utf8')));
    assert.deepStrictEqual(naming, [], 'files with a sourceMappingURL comment');
  });

  it('publint finds nothing to report in the tarball', function () {
    assert.ok(tarball, 'the tarball was packed');
    const run = runBin('publint', 'publint', ['run', tarball, '--level', 'suggestion', '--strict'], work);
    assert.strictEqual(run.status, 0, run.output);
    assert.doesNotMatch(run.output, /Errors|Warnings|Suggestions/, run.output);
  });

  it('@arethetypeswrong/cli finds no problem with the types of any entry point, in any resolution mode', function () {
    assert.ok(tarball, 'the tarball was packed');
    const run = runBin('@arethetypeswrong/cli', 'attw', [tarball, '--format', 'json', '--no-definitely-typed'], work);
    const result = JSON.parse(run.output.slice(run.output.indexOf('{')));
    const problems = Object.values(result.problems || {}).flat();
    assert.deepStrictEqual(problems, [], JSON.stringify(result.problems, null, 1));
    assert.strictEqual(run.status, 0, run.output);
  });

  it('the declarations compile with TypeScript 4.9, @types/node 16 and skipLibCheck off', function () {
    assert.ok(unpacked, 'the tarball was unpacked');
    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(path.join(consumer, 'node_modules', '@types'), { recursive: true });
    fs.renameSync(path.join(unpacked, 'package'), path.join(consumer, 'node_modules', 'virtual-server-events'));
    const typesNode = path.join(repoRoot, 'node_modules', 'types-node16');
    fs.symlinkSync(typesNode, path.join(consumer, 'node_modules', '@types', 'node'), 'junction');
    fs.writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2019',
          lib: ['ES2019'],
          module: 'commonjs',
          moduleResolution: 'node',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    fs.writeFileSync(
      path.join(consumer, 'consumer.ts'),
      [
        "import { connect, watch, VMState, VirtualServerError, ErrorCodes, VirtualServer } from 'virtual-server-events';",
        "import { FakeVirtualServer } from 'virtual-server-events/testing';",
        '',
        'export async function main(): Promise<void> {',
        '  const server: VirtualServer = await connect({ host: "vs01", callTimeout: 5000 });',
        "  const vm = await server.findVirtualMachine('web01');",
        '  for await (const event of vm.events({ types: ["stateChange"] })) {',
        '    const state: VMState = event.state;',
        '    if (state === VMState.TurnedOff) break;',
        '  }',
        "  for await (const event of watch([{ host: 'vs01' }])) console.log(event.host, event.type);",
        '  await server.close();',
        "  const host = new FakeVirtualServer({ virtualMachines: [{ name: 'web01', state: VMState.Running }] });",
        '  const fake = await host.connect();',
        '  await fake.close();',
        '}',
        '',
        'export function codeOf(error: unknown): string | undefined {',
        '  return error instanceof VirtualServerError && error.code === ErrorCodes.TIMEOUT ? error.code : undefined;',
        '}',
        '',
      ].join('\n'),
    );
    const run = runBin('typescript4', 'tsc', ['-p', consumer], consumer);
    assert.strictEqual(run.status, 0, run.output);
    const version = runBin('typescript4', 'tsc', ['--version'], consumer);
    assert.match(version.output, /Version 4\./);
  });

  it("`import` finds the named exports of both entries in the installed tarball (this node's ESM loader)", function () {
    const consumer = path.join(work, 'consumer');
    assert.ok(fs.existsSync(path.join(consumer, 'node_modules', 'virtual-server-events')), 'the tarball is installed');
    const source = [
      "import { connect, VMState, ErrorCodes } from 'virtual-server-events';",
      "import { FakeVirtualServer } from 'virtual-server-events/testing';",
      "if (typeof connect !== 'function' || VMState.Running !== 5 || !ErrorCodes.TIMEOUT) process.exit(3);",
      "const host = new FakeVirtualServer({ virtualMachines: [{ name: 'web01', state: VMState.Running }] });",
      'const server = await host.connect();',
      "console.log((await server.findVirtualMachine('web01')).name);",
      'await server.close();',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: consumer, encoding: 'utf8' });
    assert.strictEqual(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.strictEqual(run.stdout.trim(), 'web01');
  });
});
