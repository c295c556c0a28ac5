'use strict';
// The vsevents command line on this host: parsing, usage errors (exit 2, one line on stderr) and, off
// Windows, the platform error (exit 1). The commands themselves run against the simulator in test/windows.
const assert = require('assert');
const { spawnSync } = require('child_process');
const path = require('path');
const { dist } = require('./helpers');

const { parseArgs, list, seconds, UsageError } = require('../../dist/cli/args.js');
const cli = path.join(dist, 'cli', 'main.js');

function vsevents(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: Object.assign({}, process.env, { VSEVENTS_PASSWORD: '' }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vsevents arguments', () => {
  it('parses a command, repeatable and comma-separated values, flags and --name=value', () => {
    const args = parseArgs(['watch', '--vm', 'a', '--vm=b c', '--types', 'stateChange,reset', '--json', '--host=h']);
    assert.strictEqual(args.command, 'watch');
    assert.deepStrictEqual(args.values.vm, ['a', 'b c']);
    assert.deepStrictEqual(list(args, 'types'), ['stateChange', 'reset']);
    assert.ok(args.flags.has('json'));
    assert.deepStrictEqual(args.values.host, ['h']);
  });

  it('reads seconds with decimals as milliseconds', () => {
    assert.strictEqual(seconds(parseArgs(['wait', '--timeout', '1.5']), 'timeout'), 1500);
    assert.throws(() => seconds(parseArgs(['wait', '--timeout', '-1']), 'timeout'), UsageError);
    assert.strictEqual(seconds(parseArgs(['watch', '--duration', '2147483.647']), 'duration'), 2147483647);
    assert.throws(
      () => seconds(parseArgs(['watch', '--duration', '2147484']), 'duration'),
      /at most 2147483.647 seconds/,
    );
  });

  /** @type {[string[], RegExp][]} the command line, the message */
  const usageErrors = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['list', '--nope'], /unknown option --nope/],
    [['list', '--vm', 'x'], /list takes no --vm/],
    [['list', '--host'], /--host needs a value/],
    [['list', '--clsid', 'x', '--clsid', 'y'], /more than once/],
    [['list', '--json=yes'], /--json takes no value/],
    [['list', 'extra'], /unexpected argument "extra"/],
    [['wait', '--vm', 'a'], /wait needs --state/],
    [['wait', '--state', 'Running'], /exactly one --vm/],
    [['wait', '--vm', 'a', '--state', 'Asleep'], /"Asleep" is not a VM state/],
    [['start'], /start needs exactly one --vm/],
    [['watch', '--types', 'stateChange'], /"stateChange" is not one of vmStateChange/],
    [['watch', '--vm', 'a', '--types', 'vmStateChange'], /"vmStateChange" is not one of stateChange/],
    [['list', '--user', 'u'], /--user is for a remote --host/],
    [['list', '--domain', 'd'], /--domain goes with --user/],
    [
      ['list', '--host', 'h', '--user', 'u'],
      /--user needs the password in the VSEVENTS_PASSWORD environment variable, and it is empty/,
    ],
    [['wait', '--vm', 'a', '--state', '5', '--timeout', 'soon'], /--timeout must be a number of seconds/],
    [[], /no command given/],
  ];
  for (const [argv, message] of usageErrors) {
    it(`exits 2 with one line for: vsevents ${argv.join(' ')}`, () => {
      const { status, stdout, stderr } = vsevents(...argv);
      assert.strictEqual(status, 2, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /^vsevents: [^\n]*\n$/, 'one line');
      assert.strictEqual(stdout, '');
    });
  }

  it('--help prints usage and exits 0', () => {
    const { status, stdout } = vsevents('--help');
    assert.strictEqual(status, 0);
    assert.match(stdout, /^Usage: vsevents <command>/);
    for (const command of ['watch', 'list', 'wait', 'start|stop|save|pause|resume|reset', 'inspect'])
      assert.ok(stdout.includes(command), command);
  });

  it('--version prints the package version', () => {
    const { status, stdout } = vsevents('--version');
    assert.strictEqual(status, 0);
    assert.strictEqual(stdout.trim(), require('../../package.json').version);
  });

  it('exits 1 with ERR_VS_UNSUPPORTED_PLATFORM on a host without COM', function () {
    if (process.platform === 'win32') this.skip();
    const { status, stderr } = vsevents('list');
    assert.strictEqual(status, 1);
    assert.match(stderr, /^vsevents: .*only on Windows.* \[ERR_VS_UNSUPPORTED_PLATFORM\]\n$/);
  });
});
