'use strict';
// The bad-input table of the `vsevents` command line: every verb fed unknown verbs and options, missing,
// empty, repeated and huge values, wrong numbers and states, and credentials where the CLI refuses them.
// Each row runs dist/cli/main.js with VSEVENTS_PASSWORD set to a secret, once plainly and once under
// NODE_DEBUG=virtual-server-events, and checks the exit code (2 bad command line, 1 failure), one line
// on stderr that says what to do, nothing on stdout, and no credential anywhere. Off Windows, connect()
// fails with ERR_VS_UNSUPPORTED_PLATFORM: rows whose command line is good end there (exit 1).
const { spawnSync } = require('child_process');
const path = require('path');
const { dist } = require('./helpers');

const cli = path.join(dist, 'cli', 'main.js');
const SECRET = 'Hunter2-secret';
const USER = 'svc-monitor';
const DOMAIN = 'CONTOSO';
/** Host b's own credentials (VSEVENTS_PASSWORD_B, --user b=...). */
const SECRET_B = 'Other-secret-of-b';
const USER_B = 'svc-b-admin';
const DOMAIN_B = 'FABRIKAM';
/** What must never be printed, on stdout, on stderr or in the trace. */
const secrets = [SECRET, USER, DOMAIN, SECRET_B, USER_B, DOMAIN_B];
// One argument may hold at most 128 KiB on Linux (MAX_ARG_STRLEN).
const huge = 'x'.repeat(100000);
const hugeNumber = '9'.repeat(100000);
const clsid = '{01234567-89ab-cdef-0123-456789abcdef}';
const onWindows = process.platform === 'win32';

const see = /\(see vsevents --help\)$/;
/** Exit 2, the message matching, the usage hint after it. */
const usage = (message) => ({ status: 2, message, hint: see });
/** Exit 1 with that error code; off Windows every good command line ends in the platform error. */
const fails = (code, message) => ({ status: 1, message, code });
const platform = fails('ERR_VS_UNSUPPORTED_PLATFORM', /only on Windows/);
const remote = ['--host', 'vshost01', '--user', USER, '--domain', DOMAIN];
/** @type {string[]} */
const vmVerbs = Object.values(require('../../dist/control-methods.js').controlMethods).map((row) => row.command);
const verbs = ['watch', 'list', 'wait', ...vmVerbs, 'inspect'];

/** [what, argv, expected, env changes] */
const rows = [
  // verbs
  ['no verb', [], usage(/^no command given/)],
  ['an unknown verb', ['frobnicate'], usage(/^unknown command "frobnicate"; commands: watch, list/)],
  ['a misspelt verb', ['lsit'], usage(/^unknown command "lsit" \(did you mean list\?\)/)],
  ['a verb in capitals', ['LIST'], usage(/^unknown command "LIST" \(did you mean list\?\)/)],
  ['an empty verb', [''], usage(/^unknown command ""/)],
  ['a huge verb', [huge], usage(/^unknown command "x{20,60}"\.\.\. \(100000 characters\); commands:/)],
  ['two verbs', ['list', 'watch'], usage(/^unexpected argument "watch"/)],
  ['a stray argument', ['list', 'extra'], usage(/^unexpected argument "extra"/)],
  ['a huge stray argument', ['list', huge], usage(/^unexpected argument "x{20,60}"\.\.\. \(100000 characters\)/)],

  // options
  ...verbs.map((verb) => [`${verb} --nope`, [verb, '--nope'], usage(/^unknown option --nope/)]),
  [
    'a misspelt option',
    ['wait', '--vm', 'a', '--state', '5', '--timout', '5'],
    usage(/^unknown option --timout \(did you mean --timeout\?\)/),
  ],
  ['a huge option name', ['list', `--${huge}`], usage(/^unknown option --x{20,60}\.\.\. \(100002 characters\)/)],
  ['a bare --', ['list', '--'], usage(/^unknown option -- \(see/)],
  ['a short option', ['list', '-x'], usage(/^unknown option -x: options are long, like --json/)],
  ['a short option before the verb', ['-x', 'list'], usage(/^unknown option -x: options are long/)],
  ['a value given to a flag', ['list', '--json=yes'], usage(/^--json takes no value/)],
  ['an option the verb does not take', ['list', '--vm', 'x'], usage(/^list takes no --vm/)],
  ...vmVerbs.map((verb) => [
    `${verb} --state`,
    [verb, '--vm', 'a', '--state', 'Running'],
    usage(new RegExp(`^${verb} takes no --state`)),
  ]),
  ['inspect --timeout', ['inspect', '--timeout', '5'], usage(/^inspect takes no --timeout/)],
  ['list --count', ['list', '--count', '5'], usage(/^list takes no --count/)],
  ['wait --all', ['wait', '--vm', 'a', '--state', '5', '--all'], usage(/^wait takes no --all/)],

  // missing, empty and repeated values
  ['--host without its value', ['list', '--host'], usage(/^--host needs a value/)],
  ['--vm followed by an option', ['start', '--vm', '--json'], usage(/^--vm needs a value/)],
  ['--host=', ['list', '--host='], usage(/^--host needs a non-empty value/)],
  ["--vm ''", ['start', '--vm', ''], usage(/^--vm needs a non-empty value/)],
  ['--clsid=', ['list', '--clsid='], usage(/^--clsid needs a non-empty value/)],
  ['--clsid twice', ['list', '--clsid', clsid, '--clsid', clsid], usage(/^--clsid was given more than once/)],
  [
    '--timeout twice',
    ['wait', '--vm', 'a', '--state', '5', '--timeout', '1', '--timeout', '2'],
    usage(/^--timeout was given more than once/),
  ],
  [
    '--user twice',
    ['list', '--host', 'h', '--user', USER, '--user', 'other'],
    usage(/^--user was given more than once/),
  ],
  ...vmVerbs.map((verb) => [`${verb} without --vm`, [verb], usage(new RegExp(`^${verb} needs exactly one --vm NAME`))]),
  ['start with two VMs', ['start', '--vm', 'a', '--vm', 'b'], usage(/^start needs exactly one --vm NAME/)],
  ['start with a comma list of VMs', ['start', '--vm', 'a,b'], platform],
  ['wait without --vm', ['wait', '--state', 'Running'], usage(/^wait needs exactly one --vm NAME/)],
  ['wait without --state', ['wait', '--vm', 'a'], usage(/^wait needs --state \(e\.g\. --state Running\)/)],
  ['wait --state ,', ['wait', '--vm', 'a', '--state', ','], usage(/^wait needs --state/)],
  ['inspect with two VMs', ['inspect', '--vm', 'a', '--vm', 'b'], usage(/^inspect takes at most one --vm/)],
  ['watch --vm with --all', ['watch', '--vm', 'a', '--all'], usage(/^watch takes --vm NAME\.\.\. or --all, not both/)],
  [
    'watch the same VM twice',
    ['watch', '--vm', 'a', '--vm', 'A'],
    usage(/^--vm "A" was given twice: name each VM once/),
  ],

  // wrong numbers
  ...[
    ['abc', 'abc'],
    ['-1', '-1'],
    ['1e3', '1e3'],
    ['a hex number', '0x10'],
    ['a trailing dot', '5.'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
  ].map(([what, value]) => [
    `--timeout ${what}`,
    ['wait', '--vm', 'a', '--state', '5', '--timeout', value],
    usage(/^--timeout must be a number of seconds, not "/),
  ]),
  ['--duration -1', ['watch', '--duration', '-1'], usage(/^--duration must be a number of seconds, not "-1"/)],
  [
    '--duration past the timer limit',
    ['watch', '--duration', '2147484'],
    usage(/^--duration must be at most 2147483\.647 seconds/),
  ],
  [
    '--timeout of 100,000 digits',
    ['start', '--vm', 'a', '--timeout', hugeNumber],
    usage(/^--timeout must be at most 2147483\.647 seconds, not "9{20,60}"\.\.\. \(100000 characters\)/),
  ],
  [
    '--timeout of 100,000 letters',
    ['start', '--vm', 'a', '--timeout', huge],
    usage(/^--timeout must be a number of seconds, not "x{20,60}"\.\.\. \(100000 characters\)/),
  ],
  ...['0', '-3', '1.5', 'ten'].map((value) => [
    `--count ${value}`,
    ['watch', '--count', value],
    usage(/^--count must be a whole number above 0, not "/),
  ]),
  [
    '--count past 2^53',
    ['watch', '--count', '99999999999999999999'],
    usage(/^--count must be at most 9007199254740991, not "99999999999999999999"/),
  ],
  [
    '--count of 100,000 digits',
    ['watch', '--count', hugeNumber],
    usage(/^--count must be at most 9007199254740991, not "9{20,60}"\.\.\. \(100000 characters\)/),
  ],

  // states and event types
  [
    '--state Bogus',
    ['wait', '--vm', 'a', '--state', 'Bogus'],
    usage(/^--state: "Bogus" is not a VM state; use one of Invalid, TurnedOff/),
  ],
  ['--state 11', ['wait', '--vm', 'a', '--state', '11'], usage(/^--state: "11" is not a VM state/)],
  ['--state -1', ['wait', '--vm', 'a', '--state', '-1'], usage(/^--state: "-1" is not a VM state/)],
  ['--state 1.5', ['wait', '--vm', 'a', '--state', '1.5'], usage(/^--state: "1\.5" is not a VM state/)],
  [
    '--state with a bad name in a list',
    ['wait', '--vm', 'a', '--state', 'Running,Asleep'],
    usage(/^--state: "Asleep" is not a VM state/),
  ],
  [
    '--state huge',
    ['wait', '--vm', 'a', '--state', huge],
    usage(/^--state: "x{20,60}"\.\.\. \(100000 characters\) is not a VM state/),
  ],
  ['--types Bogus', ['watch', '--types', 'Bogus'], usage(/^--types: "Bogus" is not one of vmStateChange/)],
  [
    '--types of the VM stream without --vm',
    ['watch', '--types', 'stateChange'],
    usage(/^--types: "stateChange" is not one of vmStateChange/),
  ],
  [
    '--types of the server stream with --vm',
    ['watch', '--vm', 'a', '--types', 'vmStateChange'],
    usage(/^--types: "vmStateChange" is not one of stateChange/),
  ],
  ['--types ,', ['watch', '--types', ','], usage(/^--types needs at least one event type/)],
  ['--types huge', ['watch', '--types', huge], usage(/^--types: "x{20,60}"\.\.\. \(100000 characters\) is not one of/)],

  // connection options: what connect() refuses is a bad command line too
  [
    '--clsid not a CLSID',
    ['list', '--clsid', 'not-a-clsid'],
    usage(/^--clsid must be a CLSID in braces, like '\{01234567-/),
  ],
  ['--clsid without braces', ['list', '--clsid', clsid.slice(1, -1)], usage(/^--clsid must be a CLSID in braces/)],
  ['--clsid huge', ['list', '--clsid', huge], usage(/^--clsid must be a CLSID in braces/)],
  ['--clsid well formed', ['list', '--clsid', clsid], platform],
  ['--host huge', ['list', '--host', huge], usage(/^--host must be at most 255 characters long/)],
  ['--prog-id huge', ['list', '--prog-id', huge], usage(/^--prog-id must be at most 39 characters long/)],
  ['--user huge', ['list', '--host', 'h', '--user', huge], usage(/^--user must be at most 513 characters long/)],
  [
    '--domain huge',
    ['list', '--host', 'h', '--user', USER, '--domain', huge],
    usage(/^--domain must be at most 255 characters long/),
  ],
  ['an unreachable host', ['list', '--host', 'unreachable.invalid'], platform],
  ['an unknown VM', ['start', '--vm', 'no-such-vm'], platform],
  ['a huge VM name', ['start', '--vm', huge], platform],

  // credentials: the password only from VSEVENTS_PASSWORD
  [
    '--password',
    ['list', '--host', 'h', '--user', USER, '--password', SECRET],
    usage(/^vsevents takes no password on the command line: put it in the VSEVENTS_PASSWORD environment variable/),
  ],
  [
    '--password=',
    ['list', '--host', 'h', '--user', USER, `--password=${SECRET}`],
    usage(/^vsevents takes no password on the command line/),
  ],
  [
    '--pass',
    ['list', '--host', 'h', '--user', USER, '--pass', SECRET],
    usage(/^vsevents takes no password on the command line/),
  ],
  [
    '-p',
    ['list', '--host', 'h', '--user', USER, '-p', SECRET],
    usage(/^vsevents takes no password on the command line/),
  ],
  [
    'a password after --user',
    ['list', '--host', 'h', '--user', USER, SECRET],
    usage(
      /^unexpected argument 6 \(not shown: it may be a password, which goes in the VSEVENTS_PASSWORD environment variable\)/,
    ),
  ],
  ['a password before the verb', ['--user', USER, SECRET, 'list'], usage(/^unexpected argument 3 \(not shown/)],
  ['user:password in --user', ['list', '--host', 'h', '--user', `${DOMAIN}\\${USER}:${SECRET}`], platform],
  [
    '--user without --host',
    ['list', '--user', USER],
    usage(/^--user is for a remote --host; this host uses your own logon/),
  ],
  ['--domain without --user', ['list', '--domain', DOMAIN], usage(/^--domain goes with --user/)],
  [
    '--user without VSEVENTS_PASSWORD',
    ['list', '--host', 'h', '--user', USER],
    usage(/^--user needs the password in the VSEVENTS_PASSWORD_H or VSEVENTS_PASSWORD environment variable(?!, and)/),
    { VSEVENTS_PASSWORD: undefined },
  ],
  [
    '--user with an empty VSEVENTS_PASSWORD',
    ['list', '--host', 'h', '--user', USER],
    usage(/, and it is empty: Windows refuses blank passwords/),
    { VSEVENTS_PASSWORD: '' },
  ],
  [
    'a huge VSEVENTS_PASSWORD',
    ['list', ...remote],
    usage(/^VSEVENTS_PASSWORD must be at most 256 characters long/),
    { VSEVENTS_PASSWORD: `${SECRET}${huge}` },
  ],
  ...verbs.map((verb) => [
    `${verb} with credentials`,
    [
      verb,
      ...remote,
      ...(verb === 'wait' ? ['--vm', 'a', '--state', 'Running'] : vmVerbs.includes(verb) ? ['--vm', 'a'] : []),
    ],
    platform,
  ]),
  ...verbs.map((verb) => [
    `${verb} with credentials and a bad option`,
    [verb, ...remote, '--bogus'],
    usage(/^unknown option --bogus/),
  ]),

  // several hosts (watch, list), and credentials per host
  ['list of two hosts', ['list', '--host', 'a', '--host', 'b'], platform],
  ['list of two hosts as JSON', ['list', '--host', 'a', '--host', 'b', '--json'], platform],
  ['watch of two hosts', ['watch', '--host', 'a', '--host', 'b', '--reconnect', '--json'], platform],
  [
    'watch of a local host and a remote one',
    ['watch', '--local', 'here', '--host', 'b', '--clsid', `here=${clsid}`],
    platform,
  ],
  ['watch of two hosts, types', ['watch', '--host', 'a', '--host', 'b', '--types', 'vmStateChange'], platform],
  [
    'watch of two hosts, a VM type',
    ['watch', '--host', 'a', '--host', 'b', '--types', 'stateChange'],
    usage(/^--types: "stateChange" is not one of vmStateChange/),
  ],
  ...['wait', 'start', 'inspect'].map((verb) => [
    `${verb} of two hosts`,
    [
      verb,
      '--host',
      'a',
      '--host',
      'b',
      ...(verb === 'inspect' ? [] : ['--vm', 'x']),
      ...(verb === 'wait' ? ['--state', '5'] : []),
    ],
    usage(new RegExp(`^${verb} takes one --host or --local; watch and list take several`)),
  ]),
  [
    'watch --vm of two hosts',
    ['watch', '--host', 'a', '--host', 'b', '--vm', 'x'],
    usage(/^watch --vm takes one host; with several, watch prints their server events/),
  ],
  ['watch --all of two hosts', ['watch', '--host', 'a', '--local', 'b', '--all'], usage(/^watch --all takes one host/)],
  ['a host named twice', ['list', '--host', 'a', '--host', 'A'], usage(/^"A" was named twice: name each host once/)],
  ['a local host named as a remote one', ['list', '--local', 'a', '--host', 'a'], usage(/^"a" was named twice/)],
  [
    'a huge host among two',
    ['list', '--host', 'a', '--host', huge],
    usage(/^--host \(for "x{20,60}"\.\.\. \(100000 characters\)\) must be at most 255 characters long/),
  ],
  [
    'a huge local name',
    ['list', '--local', huge, '--host', 'b'],
    usage(/^--local \(for "x{20,60}"\.\.\. \(100000 characters\)\) must be at most 255/),
  ],
  [
    '--clsid for one host, malformed',
    ['list', '--host', 'a', '--host', 'b', '--clsid', 'b=nope'],
    usage(/^--clsid \(for "b"\) must be a CLSID in braces/),
  ],
  [
    '--clsid for one host, twice',
    ['list', '--host', 'a', '--host', 'b', '--clsid', `b=${clsid}`, '--clsid', `B=${clsid}`],
    usage(/^--clsid was given twice for "B"/),
  ],
  [
    '--clsid for one host, empty',
    ['list', '--host', 'a', '--host', 'b', '--clsid', 'b='],
    usage(/^--clsid b= needs a value after the =/),
  ],
  [
    '--prog-id for a host not named',
    ['list', '--host', 'a', '--prog-id', 'zz=Some.Id'],
    usage(/^--prog-id zz=Some\.Id: no --host or --local is named "zz" \(hosts: a\)/),
  ],
  [
    '--user for a host not named',
    ['list', '--host', 'a', '--host', 'b', '--user', `nope=${USER_B}`],
    usage(/^--user nope: no --host or --local is named "nope" \(hosts: a, b\)/),
  ],
  [
    '--user for a local host',
    ['list', '--local', 'here', '--host', 'b', '--user', `here=${USER_B}`],
    usage(/^--user for "here": a --local host uses your own logon/),
  ],
  [
    '--user with only local hosts',
    ['list', '--local', 'here', '--local', 'there', '--user', USER],
    usage(/^--user is for a remote --host; this host uses your own logon/),
  ],
  [
    '--domain for one host without a user for it',
    ['list', '--host', 'a', '--host', 'b', '--user', `a=${USER}`, '--domain', `b=${DOMAIN_B}`],
    usage(/^--domain for "b" goes with a --user for it/),
  ],
  [
    'credentials of one host, its password in VSEVENTS_PASSWORD_B',
    ['watch', '--host', 'a', '--host', 'b', '--user', `b=${USER_B}`, '--domain', `b=${DOMAIN_B}`],
    platform,
    { VSEVENTS_PASSWORD: undefined, VSEVENTS_PASSWORD_B: SECRET_B },
  ],
  [
    'credentials of two hosts, one password each',
    ['list', '--host', 'a', '--host', 'b', '--user', USER, '--user', `b=${USER_B}`, '--domain', DOMAIN],
    platform,
    { VSEVENTS_PASSWORD_A: SECRET, VSEVENTS_PASSWORD_B: SECRET_B },
  ],
  [
    "a host's password in neither variable",
    ['list', '--host', 'a', '--host', 'b-2.example.net', '--user', `b-2.example.net=${USER_B}`],
    usage(
      /^--user needs the password in the VSEVENTS_PASSWORD_B_2_EXAMPLE_NET or VSEVENTS_PASSWORD environment variable/,
    ),
    { VSEVENTS_PASSWORD: undefined },
  ],
  [
    "a host's empty password",
    ['list', '--host', 'a', '--host', 'b', '--user', `b=${USER_B}`],
    usage(/^--user needs the password in the VSEVENTS_PASSWORD_B environment variable, and it is empty/),
    { VSEVENTS_PASSWORD_B: '' },
  ],
  [
    "a host's huge password",
    ['list', '--host', 'a', '--host', 'b', '--user', `b=${USER_B}`],
    usage(/^VSEVENTS_PASSWORD_B \(for "b"\) must be at most 256 characters long/),
    { VSEVENTS_PASSWORD_B: `${SECRET_B}${huge}` },
  ],
  [
    "a password after a host's --user",
    ['list', '--host', 'a', '--host', 'b', '--user', `b=${USER_B}`, SECRET_B],
    usage(/^unexpected argument 8 \(not shown: it may be a password/),
  ],
  [
    '--password for one host',
    ['list', '--host', 'a', '--host', 'b', `--password=b=${SECRET_B}`],
    usage(/^vsevents takes no password on the command line/),
  ],
];

function run(argv, envChanges, debug) {
  const env = Object.assign({}, process.env, { VSEVENTS_PASSWORD: SECRET }, envChanges);
  delete env.NODE_DEBUG;
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  if (debug) env.NODE_DEBUG = 'virtual-server-events';
  const child = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8', env });
  return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

const traceLine = /^VIRTUAL-SERVER-EVENTS \d+: /;

/**
 * What a row expects: the exit status, the message, and the usage hint or the error code after it.
 * @typedef {{ status: number, message: RegExp, hint?: RegExp, code?: string }} Expected
 */

/**
 * Runs one row plainly and under NODE_DEBUG; returns the problems found (none when it passes).
 * @param {unknown[]} row [what, argv, expected, env changes]: the rows are of many shapes, checked here
 */
function problemsOf(row) {
  const [what, argv, expected, envChanges] =
    /** @type {[string, string[], Expected, Record<string, string | undefined> | undefined]} */ (row);
  if (onWindows && expected === platform) return []; // a good command line: test/windows runs these
  const problems = [];
  for (const debug of [false, true]) {
    const label = debug ? `${what} (NODE_DEBUG)` : what;
    const { status, signal, stdout, stderr } = run(argv, envChanges, debug);
    const lines = stderr.split('\n').filter((line) => line !== '' && !(debug && traceLine.test(line)));
    if (status !== expected.status)
      problems.push(
        `${label}: exit ${status}${signal ? ` (${signal})` : ''}, not ${expected.status}: ${stderr.slice(0, 300)}`,
      );
    if (stdout !== '') problems.push(`${label}: prints on stdout: ${stdout.slice(0, 300)}`);
    if (lines.length !== 1)
      problems.push(`${label}: ${lines.length} lines on stderr, not one: ${stderr.slice(0, 300)}`);
    const line = lines[0] || '';
    const message = line.replace(/^vsevents: /, '');
    if (message === line) problems.push(`${label}: the line does not start with "vsevents: ": ${line.slice(0, 300)}`);
    if (!expected.message.test(message))
      problems.push(`${label}: "${message.slice(0, 300)}" does not match ${expected.message}`);
    if (expected.hint && !expected.hint.test(message))
      problems.push(`${label}: "${message.slice(0, 300)}" does not end with ${expected.hint}`);
    if (expected.code && !message.endsWith(` [${expected.code}]`))
      problems.push(`${label}: "${message.slice(0, 300)}" does not end with [${expected.code}]`);
    if (line.length > 400) problems.push(`${label}: a line of ${line.length} characters`);
    if (/\n\s+at /.test(stderr) || /internal error/.test(stderr))
      problems.push(`${label}: a stack trace or an internal error: ${stderr.slice(0, 300)}`);
    for (const secret of secrets) {
      if (stdout.includes(secret) || stderr.includes(secret)) problems.push(`${label}: shows ${secret}`);
    }
  }
  return problems;
}

module.exports = { rows, problemsOf };
