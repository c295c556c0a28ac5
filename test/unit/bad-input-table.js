'use strict';
// The bad-input table: every public function and option of lib/ fed wrong types, empty and huge strings,
// unknown keys, bad CLSIDs and calls after close(), each row with the answer it must give. Every answer
// is also checked for the credentials, which must never come out: not in a message, not in util.inspect
// of the error or of the objects. bad-input.test.js runs the table, and runs it again under NODE_DEBUG to
// check the trace.
const assert = require('assert');
const util = require('util');
const helpers = require('./helpers');
const { comError, fakeVirtualServer } = require('./fake-binding');

const { connectWith } = require('../../dist/virtual-server.js');

/**
 * lib/'s API with the parameters of its functions loosened to unknown: the rows pass bad input on
 * purpose, and the checker still knows each function's name and what it returns.
 * @typedef {typeof helpers.api} Api
 * @typedef {{ [K in keyof Api]: Api[K] extends (...args: never[]) => infer R ? (...args: unknown[]) => R : Api[K] }} LooseApi
 */
const api = /** @type {LooseApi} */ (helpers.api);

const SECRET = 'Hunter2-secret';
const USER = 'svc-monitor';
const DOMAIN = 'CONTOSO';
const NUMBER_PASSWORD = 12345678;
/** What must never be printed: the credentials, and how a number or a Buffer password would print. */
const secrets = [SECRET, USER, DOMAIN, String(NUMBER_PASSWORD), '48 75 6e 74 65 72 32'];

const huge = 'x'.repeat(1000000);
const probe = { intervalMs: 5000, timeoutMs: 5000 };
const nativeOptions = { host: 'vshost01', user: USER, password: SECRET, domain: DOMAIN };
const abortedSignal = { aborted: true, reason: 'stopped', addEventListener() {}, removeEventListener() {} };
const credentials = (changes) => Object.assign({ user: USER, password: SECRET, domain: DOMAIN }, changes);
const remote = (changes) => ({ host: 'vshost01', credentials: credentials(changes) });

const throws = (code, message, type) => ({ how: 'throws', code, message, type });
const rejects = (code, message, type) => ({ how: 'rejects', code, message, type });
const returns = (value) => ({ how: 'returns', value });

const TYPE = 'ERR_INVALID_ARG_TYPE';
const VALUE = 'ERR_INVALID_ARG_VALUE';
const RANGE = 'ERR_OUT_OF_RANGE';
const CLOSED = 'ERR_VS_CLOSED';
const closedMessage = /was closed; connect\(\) again/;
const onWindows = process.platform === 'win32';

const controlMethods = Object.keys(require('../../dist/control-methods.js').controlMethods);

/** [what, call(context), expected answer] */
const rows = [
  // connect(options)
  ['connect(5)', () => api.connect(5), throws(TYPE, /"options" argument must be of type object/)],
  ["connect('vshost01')", () => api.connect('vshost01'), throws(TYPE, /"options" argument must be of type object/)],
  ['connect(null)', () => api.connect(null), throws(TYPE, /"options" argument must be of type object/)],
  ['connect([])', () => api.connect([]), throws(TYPE, /"options" argument must be of type object/)],
  [
    'connect(a function)',
    () => api.connect(() => undefined),
    throws(TYPE, /"options" argument must be of type object/),
  ],
  ['host: 5', () => api.connect({ host: 5 }), throws(TYPE, /"options\.host" argument must be of type string/)],
  ['host: null', () => api.connect({ host: null }), throws(TYPE, /"options\.host" argument must be of type string/)],
  ["host: ''", () => api.connect({ host: '' }), throws(VALUE, /options\.host' must be a non-empty string/)],
  [
    'host: 1,000,000 characters',
    () => api.connect({ host: huge }),
    throws(VALUE, /options\.host' must be at most 255 characters long/),
  ],
  ['progId: 42', () => api.connect({ progId: 42 }), throws(TYPE, /"options\.progId" argument must be of type string/)],
  ["progId: ''", () => api.connect({ progId: '' }), throws(VALUE, /options\.progId' must be a non-empty string/)],
  [
    'progId: 1,000,000 characters',
    () => api.connect({ progId: huge }),
    throws(VALUE, /options\.progId' must be at most 39 characters long/),
  ],
  ['clsid: 42', () => api.connect({ clsid: 42 }), throws(TYPE, /"options\.clsid" argument must be of type string/)],
  ["clsid: ''", () => api.connect({ clsid: '' }), throws(VALUE, /options\.clsid' must be a non-empty string/)],
  ...[
    ['a word', 'not-a-clsid'],
    ['no braces', '01234567-89ab-cdef-0123-456789abcdef'],
    ['a non-hex digit', '{01234567-89ab-cdef-0123-456789abcdeg}'],
    ['too short', '{0123}'],
    ['a trailing newline', '{01234567-89ab-cdef-0123-456789abcdef}\n'],
    ['groups in the wrong places', '{89abcdef0123-4567-89ab-cdef-01234567}'],
    ['1,000,000 characters', huge],
  ].map(([what, clsid]) => [
    `clsid with ${what}`,
    () => api.connect({ clsid }),
    throws(VALUE, /options\.clsid' must be a CLSID in braces, like '\{01234567-/),
  ]),
  [
    "probeInterval: '5s'",
    () => api.connect({ probeInterval: '5s' }),
    throws(TYPE, /"options\.probeInterval" argument must be of type number/),
  ],
  [
    'probeInterval: null',
    () => api.connect({ probeInterval: null }),
    throws(TYPE, /"options\.probeInterval" argument must be of type number/),
  ],
  ...[99, -1, 3600001, 1000.5, NaN, Infinity].map((probeInterval) => [
    `probeInterval: ${probeInterval}`,
    () => api.connect({ probeInterval }),
    throws(RANGE, /"options\.probeInterval" is out of range\. It must be an integer >= 100 and <= 3600000/),
  ]),
  [
    "probeTimeout: '5s'",
    () => api.connect({ probeTimeout: '5s' }),
    throws(TYPE, /"options\.probeTimeout" argument must be of type number/),
  ],
  [
    'probeTimeout: 99',
    () => api.connect({ probeTimeout: 99 }),
    throws(RANGE, /"options\.probeTimeout" is out of range\. It must be an integer >= 100/),
  ],
  [
    "callTimeout: '15s'",
    () => api.connect({ callTimeout: '15s' }),
    throws(TYPE, /"options\.callTimeout" argument must be of type number/),
  ],
  ...[0, 2 ** 31, 1.5].map((callTimeout) => [
    `callTimeout: ${callTimeout}`,
    () => api.connect({ callTimeout }),
    throws(RANGE, /"options\.callTimeout" is out of range\. It must be an integer >= 1 and <= 2147483647/),
  ]),
  [
    'user and password beside credentials',
    () => api.connect({ host: 'vshost01', user: USER, password: SECRET }),
    throws(
      VALUE,
      /'user' \(did you mean 'options\.credentials\.user'\?\), 'password' \(did you mean 'options\.credentials\.password'\?\)/,
    ),
  ],
  [
    'domain beside credentials',
    () => api.connect({ host: 'vshost01', credentials: { user: USER, password: SECRET }, domain: DOMAIN }),
    throws(VALUE, /'domain' \(did you mean 'options\.credentials\.domain'\?\)/),
  ],
  [
    'credential (singular)',
    () => api.connect({ host: 'vshost01', credential: credentials() }),
    throws(VALUE, /'credential' \(did you mean 'options\.credentials'\?\)/),
  ],
  [
    'Host (capital)',
    () => api.connect({ Host: 'vshost01' }),
    throws(VALUE, /'Host' \(did you mean 'options\.host'\?\)/),
  ],
  [
    'probeIntervall',
    () => api.connect({ probeIntervall: 500 }),
    throws(VALUE, /did you mean 'options\.probeInterval'/),
  ],
  [
    'timeout',
    () => api.connect({ timeout: 1000 }),
    throws(VALUE, /'timeout' \(did you mean 'options\.callTimeout'\?\)/),
  ],
  [
    'maxQueue (an events() option)',
    () => api.connect({ maxQueue: 5 }),
    throws(
      VALUE,
      /unknown key: 'maxQueue'\. Its keys are host, progId, clsid, credentials, probeInterval, probeTimeout, callTimeout$/,
    ),
  ],
  [
    'a key of 1,000,000 characters',
    () => api.connect({ [huge]: 1 }),
    throws(VALUE, /unknown key: 'x+'\.\.\. \(1000000 characters\)/),
  ],
  [
    'several unknown keys',
    () => api.connect({ hots: 'h', colour: 'blue', size: 3 }),
    throws(VALUE, /has 3 unknown keys: 'hots' \(did you mean 'options\.host'\?\), 'colour', 'size'/),
  ],

  // connect({ credentials })
  [
    'credentials without host',
    () => api.connect({ credentials: credentials() }),
    throws(VALUE, /options\.credentials' needs options\.host/),
  ],
  [
    "credentials as 'DOMAIN\\user:password'",
    () => api.connect({ host: 'vshost01', credentials: `${DOMAIN}\\${USER}:${SECRET}` }),
    throws(
      TYPE,
      /"options\.credentials" argument must be of type object\. Received type string \(its value is not shown/,
    ),
  ],
  [
    'credentials as an array',
    () => api.connect({ host: 'vshost01', credentials: [USER, SECRET] }),
    throws(TYPE, /"options\.credentials" argument must be of type object/),
  ],
  [
    'credentials: null',
    () => api.connect({ host: 'vshost01', credentials: null }),
    throws(TYPE, /"options\.credentials" argument must be of type object/),
  ],
  [
    'credentials as a Buffer',
    () => api.connect({ host: 'vshost01', credentials: Buffer.from(SECRET) }),
    throws(
      VALUE,
      /options\.credentials' has 14 unknown keys: 14 not shown \(credentials never appear in messages\)\. Its keys are user, password, domain/,
    ),
  ],
  [
    'credentials without user',
    () => api.connect({ host: 'vshost01', credentials: { password: SECRET } }),
    throws(TYPE, /"options\.credentials\.user" argument must be of type string/),
  ],
  [
    'credentials without password',
    () => api.connect({ host: 'vshost01', credentials: { user: USER } }),
    throws(TYPE, /"options\.credentials\.password" argument must be of type string/),
  ],
  [
    'user: 42',
    () => api.connect(remote({ user: 42 })),
    throws(
      TYPE,
      /"options\.credentials\.user" argument must be of type string\. Received type number \(its value is not shown/,
    ),
  ],
  [
    'user: [secret]',
    () => api.connect(remote({ user: [SECRET] })),
    throws(TYPE, /Received an instance of Array \(its value is not shown/),
  ],
  [
    "user: ''",
    () => api.connect(remote({ user: '' })),
    throws(VALUE, /options\.credentials\.user' must be a non-empty string/),
  ],
  [
    'user: 1,000,000 characters',
    () => api.connect(remote({ user: huge })),
    throws(VALUE, /options\.credentials\.user' must be at most 513 characters long/),
  ],
  [
    'password: a number',
    () => api.connect(remote({ password: NUMBER_PASSWORD })),
    throws(TYPE, /"options\.credentials\.password" argument must be of type string\. Received type number \(its value/),
  ],
  [
    'password: a Buffer',
    () => api.connect(remote({ password: Buffer.from(SECRET) })),
    throws(TYPE, /Received an instance of Buffer \(its value is not shown/),
  ],
  [
    'password: an object',
    () => api.connect(remote({ password: { value: SECRET } })),
    throws(TYPE, /Received an instance of Object \(its value is not shown/),
  ],
  [
    'password: null',
    () => api.connect(remote({ password: null })),
    throws(TYPE, /"options\.credentials\.password" argument must be of type string\. Received null/),
  ],
  [
    "password: ''",
    () => api.connect(remote({ password: '' })),
    throws(
      VALUE,
      /options\.credentials\.password' must not be empty: Windows refuses blank passwords over the network.*leave out credentials/,
    ),
  ],
  [
    'password: 1,000,000 characters',
    () => api.connect(remote({ password: SECRET + huge })),
    throws(VALUE, /options\.credentials\.password' must be at most 256 characters long/),
  ],
  [
    'domain: 42',
    () => api.connect(remote({ domain: 42 })),
    throws(TYPE, /"options\.credentials\.domain" argument must be of type string/),
  ],
  [
    "domain: ''",
    () => api.connect(remote({ domain: '' })),
    throws(VALUE, /options\.credentials\.domain' must be a non-empty string/),
  ],
  [
    'domain: 1,000,000 characters',
    () => api.connect(remote({ domain: DOMAIN + huge })),
    throws(VALUE, /options\.credentials\.domain' must be at most 255 characters long/),
  ],
  [
    'credentials key domian',
    () => api.connect({ host: 'vshost01', credentials: { user: USER, password: SECRET, domian: DOMAIN } }),
    throws(VALUE, /'domian' \(did you mean 'options\.credentials\.domain'\?\)/),
  ],
  [
    'credentials key username',
    () => api.connect({ host: 'vshost01', credentials: { username: USER, password: SECRET } }),
    throws(VALUE, /'username' \(did you mean 'options\.credentials\.user'\?\)/),
  ],
  [
    'credentials key pwd',
    () => api.connect({ host: 'vshost01', credentials: { user: USER, pwd: SECRET } }),
    throws(VALUE, /'pwd' \(did you mean 'options\.credentials\.password'\?\)/),
  ],
  [
    'credentials keyed by the user name',
    () => api.connect({ host: 'vshost01', credentials: { [USER]: SECRET } }),
    throws(VALUE, /unknown key: 1 not shown/),
  ],
  ...(onWindows
    ? []
    : [
        [
          'valid remote options off Windows',
          () => api.connect(remote()),
          rejects('ERR_VS_UNSUPPORTED_PLATFORM', /only on Windows/),
        ],
      ]),

  [
    'an unreachable host',
    (c) => c.connectUnreachable(),
    rejects(
      'ERR_VS_COM_ERROR',
      /^connecting to Virtual Server on host "vshost01": The RPC server is unavailable\. \(0x800706BA\)$/,
    ),
  ],

  // server.findVirtualMachine(name)
  [
    'findVirtualMachine()',
    (c) => c.server.findVirtualMachine(),
    throws(TYPE, /"name" argument must be of type string\. Received undefined/),
  ],
  [
    'findVirtualMachine(42)',
    (c) => c.server.findVirtualMachine(42),
    throws(TYPE, /"name" argument must be of type string/),
  ],
  [
    'findVirtualMachine(null)',
    (c) => c.server.findVirtualMachine(null),
    throws(TYPE, /"name" argument must be of type string/),
  ],
  [
    'findVirtualMachine({ name })',
    (c) => c.server.findVirtualMachine({ name: 'web01' }),
    throws(TYPE, /"name" argument must be of type string/),
  ],
  [
    "findVirtualMachine('')",
    (c) => c.server.findVirtualMachine(''),
    throws(VALUE, /'name' must be a non-empty string/),
  ],
  [
    'findVirtualMachine(an unknown name)',
    (c) => c.server.findVirtualMachine('no such vm'),
    rejects(
      'ERR_VS_VM_NOT_FOUND',
      /no virtual machine is named "no such vm" on host "vshost01"; `vsevents list` shows the names/,
    ),
  ],
  [
    'findVirtualMachine(1,000,000 characters)',
    (c) => c.server.findVirtualMachine(huge),
    rejects('ERR_VS_VM_NOT_FOUND', /"x{60}"\.\.\. \(1000000 characters\)/),
  ],

  // server.events(options)
  ...[
    ['5', 5],
    ['null', null],
    ["'all'", 'all'],
    ['[]', []],
  ].map(([what, options]) => [
    `server.events(${what})`,
    (c) => c.server.events(options),
    throws(TYPE, /"options" argument must be of type object/),
  ]),
  ...[0, -1, 1.5, NaN, 2 ** 24 + 1].map((maxQueue) => [
    `maxQueue: ${maxQueue}`,
    (c) => c.server.events({ maxQueue }),
    throws(RANGE, /"options\.maxQueue" is out of range\. It must be an integer >= 1 and <= 16777216/),
  ]),
  [
    "maxQueue: '1'",
    (c) => c.server.events({ maxQueue: '1' }),
    throws(TYPE, /"options\.maxQueue" argument must be of type number/),
  ],
  [
    "overflow: 'ignore'",
    (c) => c.server.events({ overflow: 'ignore' }),
    throws(VALUE, /options\.overflow' must be one of 'error', 'drop-oldest'/),
  ],
  [
    "overflow: ''",
    (c) => c.server.events({ overflow: '' }),
    throws(VALUE, /options\.overflow' must be one of 'error', 'drop-oldest'/),
  ],
  [
    'overflow: 1',
    (c) => c.server.events({ overflow: 1 }),
    throws(TYPE, /"options\.overflow" argument must be of type string/),
  ],
  [
    "types: 'vmStateChange'",
    (c) => c.server.events({ types: 'vmStateChange' }),
    throws(TYPE, /"options\.types" argument must be an instance of Array/),
  ],
  [
    "types: ['stateChange'] (a VM's)",
    (c) => c.server.events({ types: ['stateChange'] }),
    throws(VALUE, /options\.types' must list event types of this stream \(vmStateChange, /),
  ],
  [
    'types: [1]',
    (c) => c.server.events({ types: [1] }),
    throws(VALUE, /options\.types' must list event types of this stream/),
  ],
  [
    'types: [null]',
    (c) => c.server.events({ types: [null] }),
    throws(VALUE, /options\.types' must list event types of this stream/),
  ],
  [
    'types: [1,000,000 characters]',
    (c) => c.server.events({ types: [huge] }),
    throws(VALUE, /Received 'x+'\.\.\. \(1000000 characters\)$/),
  ],
  [
    'signal: {}',
    (c) => c.server.events({ signal: {} }),
    throws(TYPE, /"options\.signal" argument must be an instance of AbortSignal/),
  ],
  [
    "signal: 'abort'",
    (c) => c.server.events({ signal: 'abort' }),
    throws(TYPE, /"options\.signal" argument must be an instance of AbortSignal/),
  ],
  [
    'signal whose aborted is not a boolean',
    (c) => c.server.events({ signal: Object.assign({}, abortedSignal, { aborted: 'no' }) }),
    throws(TYPE, /"options\.signal" argument must be an instance of AbortSignal/),
  ],
  ...[
    ["'yes'", 'yes'],
    ['1', 1],
    ['null', null],
  ].map(([what, reconnect]) => [
    `reconnect: ${what}`,
    (c) => c.server.events({ reconnect }),
    throws(TYPE, /"options\.reconnect" argument must be of type boolean or object/),
  ]),
  [
    'reconnect: []',
    (c) => c.server.events({ reconnect: [] }),
    throws(TYPE, /"options\.reconnect" argument must be of type object/),
  ],
  ...[0, -1, 99, 3600001].map((initialDelay) => [
    `reconnect.initialDelay: ${initialDelay}`,
    (c) => c.server.events({ reconnect: { initialDelay } }),
    throws(RANGE, /"options\.reconnect\.initialDelay" is out of range\. It must be an integer >= 100 and <= 3600000/),
  ]),
  [
    "reconnect.initialDelay: '1s'",
    (c) => c.server.events({ reconnect: { initialDelay: '1s' } }),
    throws(TYPE, /"options\.reconnect\.initialDelay" argument must be of type number/),
  ],
  [
    'reconnect.maxDelay: 50',
    (c) => c.server.events({ reconnect: { maxDelay: 50 } }),
    throws(RANGE, /"options\.reconnect\.maxDelay" is out of range\. It must be an integer >= 100/),
  ],
  [
    'reconnect.maxDelay below initialDelay',
    (c) => c.server.events({ reconnect: { initialDelay: 1000, maxDelay: 500 } }),
    throws(
      RANGE,
      /"options\.reconnect\.maxDelay" is out of range\. It must be an integer >= options\.reconnect\.initialDelay \(1000\)/,
    ),
  ],
  ...[0, 1.5, -Infinity, NaN].map((maxAttempts) => [
    `reconnect.maxAttempts: ${maxAttempts}`,
    (c) => c.server.events({ reconnect: { maxAttempts } }),
    throws(RANGE, /"options\.reconnect\.maxAttempts" is out of range/),
  ]),
  [
    'reconnect.maxAttempt',
    (c) => c.server.events({ reconnect: { maxAttempt: 3 } }),
    throws(VALUE, /'maxAttempt' \(did you mean 'options\.reconnect\.maxAttempts'\?\)/),
  ],
  [
    'reconnect.delay',
    (c) => c.server.events({ reconnect: { delay: 100 } }),
    throws(VALUE, /unknown key: 'delay'\. Its keys are initialDelay, maxDelay, maxAttempts/),
  ],
  [
    'maxQueu',
    (c) => c.server.events({ maxQueu: 5 }),
    throws(VALUE, /'maxQueu' \(did you mean 'options\.maxQueue'\?\)/),
  ],
  [
    'type',
    (c) => c.server.events({ type: ['eventLogged'] }),
    throws(VALUE, /'type' \(did you mean 'options\.types'\?\)/),
  ],
  [
    'initialDelay beside reconnect',
    (c) => c.server.events({ reconnect: true, initialDelay: 500 }),
    throws(VALUE, /did you mean 'options\.reconnect\.initialDelay'/),
  ],
  [
    "requestShutdown (a VM's option)",
    (c) => c.server.events({ requestShutdown: 'deny' }),
    throws(VALUE, /unknown key: 'requestShutdown'\. Its keys are signal, maxQueue, overflow, types, reconnect$/),
  ],

  // vm.events(options)
  ["vm.events('web01')", (c) => c.vm.events('web01'), throws(TYPE, /"options" argument must be of type object/)],
  [
    "requestShutdown: 'maybe'",
    (c) => c.vm.events({ requestShutdown: 'maybe' }),
    throws(VALUE, /options\.requestShutdown' must be one of 'allow', 'deny'/),
  ],
  [
    "requestShutdown: ''",
    (c) => c.vm.events({ requestShutdown: '' }),
    throws(VALUE, /options\.requestShutdown' must be one of 'allow', 'deny'/),
  ],
  [
    'requestShutdown: true',
    (c) => c.vm.events({ requestShutdown: true }),
    throws(TYPE, /"options\.requestShutdown" argument must be of type string/),
  ],
  [
    "types: ['vmStateChange'] (a server's)",
    (c) => c.vm.events({ types: ['vmStateChange'] }),
    throws(VALUE, /must list event types of this stream \(stateChange, /),
  ],
  ['vm.events maxQueue: 0', (c) => c.vm.events({ maxQueue: 0 }), throws(RANGE, /"options\.maxQueue" is out of range/)],
  [
    'requestShutdwon',
    (c) => c.vm.events({ requestShutdwon: 'deny' }),
    throws(VALUE, /'requestShutdwon' \(did you mean 'options\.requestShutdown'\?\)/),
  ],

  // vm.waitForState(states, options)
  [
    "waitForState('Running')",
    (c) => c.vm.waitForState('Running'),
    throws(TYPE, /"states" argument must be a VMState or an array of VMState/),
  ],
  [
    'waitForState()',
    (c) => c.vm.waitForState(),
    throws(TYPE, /"states" argument must be a VMState or an array of VMState/),
  ],
  [
    'waitForState(null)',
    (c) => c.vm.waitForState(null),
    throws(TYPE, /"states" argument must be a VMState or an array of VMState/),
  ],
  [
    "waitForState([5, 'x'])",
    (c) => c.vm.waitForState([5, 'x']),
    throws(TYPE, /"states" argument must be a VMState or an array of VMState/),
  ],
  ...[11, -1, 5.5, NaN].map((state) => [
    `waitForState(${state})`,
    (c) => c.vm.waitForState(state),
    throws(VALUE, /'states' must be a VMState \(0 to 10\)/),
  ]),
  ['waitForState([])', (c) => c.vm.waitForState([]), throws(VALUE, /'states' must name at least one VMState/)],
  [
    "waitForState(5, { timeout: 'soon' })",
    (c) => c.vm.waitForState(5, { timeout: 'soon' }),
    throws(TYPE, /"options\.timeout" argument must be of type number/),
  ],
  ...[-1, 2 ** 31, 0.5].map((timeout) => [
    `waitForState(5, { timeout: ${timeout} })`,
    (c) => c.vm.waitForState(5, { timeout }),
    throws(RANGE, /"options\.timeout" is out of range\. It must be an integer >= 0 and <= 2147483647/),
  ]),
  [
    'waitForState(5, 1000)',
    (c) => c.vm.waitForState(5, 1000),
    throws(TYPE, /"options" argument must be of type object/),
  ],
  [
    'waitForState(5, { timeoutMs })',
    (c) => c.vm.waitForState(5, { timeoutMs: 1000 }),
    throws(VALUE, /'timeoutMs' \(did you mean 'options\.timeout'\?\)/),
  ],
  [
    "waitForState(5, { signal: 'x' })",
    (c) => c.vm.waitForState(5, { signal: 'x' }),
    throws(TYPE, /"options\.signal" argument must be an instance of AbortSignal/),
  ],
  [
    'waitForState with an aborted signal',
    (c) => c.vm.waitForState(5, { signal: abortedSignal }),
    rejects('ABORT_ERR', /The operation was aborted/, api.AbortError),
  ],

  // control methods
  ...controlMethods.map((method) => [
    `${method}(1)`,
    (c) => c.vm[method](1),
    throws(TYPE, /"options" argument must be of type object/),
  ]),
  ...controlMethods.map((method) => [
    `${method}({ force })`,
    (c) => c.vm[method]({ force: true }),
    throws(VALUE, /unknown key: 'force'\. Its keys are timeout, signal$/),
  ]),
  [
    'startup({ timeout: -1 })',
    (c) => c.vm.startup({ timeout: -1 }),
    throws(RANGE, /"options\.timeout" is out of range/),
  ],
  [
    'turnOff({ timout })',
    (c) => c.vm.turnOff({ timout: 5 }),
    throws(VALUE, /'timout' \(did you mean 'options\.timeout'\?\)/),
  ],
  [
    'save({ signal: {} })',
    (c) => c.vm.save({ signal: {} }),
    throws(TYPE, /"options\.signal" argument must be an instance of AbortSignal/),
  ],

  // after close()
  ...['name', 'version', 'virtualMachines', 'eventInterfaces'].map((method) => [
    `closed server.${method}()`,
    (c) => c.closed[method](),
    rejects(CLOSED, closedMessage),
  ]),
  [
    "closed server.findVirtualMachine('web01')",
    (c) => c.closed.findVirtualMachine('web01'),
    rejects(CLOSED, closedMessage),
  ],
  [
    'closed server.findVirtualMachine(42): the argument first',
    (c) => c.closed.findVirtualMachine(42),
    throws(TYPE, /"name" argument must be of type string/),
  ],
  ['closed server.events()', (c) => c.closed.events(), throws(CLOSED, closedMessage)],
  ['closed server.close() again', (c) => c.closed.close(), returns(undefined)],
  ...['state', 'configId', 'file', 'eventInterfaces'].map((method) => [
    `closed vm.${method}()`,
    (c) => c.closedVm[method](),
    rejects(CLOSED, closedMessage),
  ]),
  ['closed vm.events()', (c) => c.closedVm.events(), throws(CLOSED, closedMessage)],
  ['closed vm.waitForState(5)', (c) => c.closedVm.waitForState(5), rejects(CLOSED, closedMessage)],
  [
    "closed vm.waitForState('x'): the argument first",
    (c) => c.closedVm.waitForState('x'),
    throws(TYPE, /"states" argument must be a VMState/),
  ],
  ...controlMethods.map((method) => [
    `closed vm.${method}()`,
    (c) => c.closedVm[method](),
    rejects(CLOSED, closedMessage),
  ]),
  ['a stream of a closed server: next()', (c) => c.closedStream.next(), returns({ done: true, value: undefined })],
  ['a stream of a closed server: ready()', (c) => c.closedStream.ready(), returns(undefined)],

  // helpers
  ['parseState(null)', () => api.parseState(null), throws(TYPE, /"text" argument must be of type string or number/)],
  ['parseState({})', () => api.parseState({}), throws(TYPE, /"text" argument must be of type string or number/)],
  ["parseState('Asleep')", () => api.parseState('Asleep'), returns(undefined)],
  ['parseState(1,000,000 characters)', () => api.parseState(huge), returns(undefined)],
  ["stateName('Running')", () => api.stateName('Running'), throws(TYPE, /"state" argument must be of type number/)],
  ['stateName(42)', () => api.stateName(42), returns('Unknown(42)')],
  ["hresultName('E_FAIL')", () => api.hresultName('E_FAIL'), throws(TYPE, /"hresult" argument must be of type number/)],
  ['hresultName(0x80070005)', () => api.hresultName(0x80070005), returns('E_ACCESSDENIED')],
  ...(onWindows
    ? []
    : [
        [
          'loadBinding() off Windows',
          () => api.loadBinding(),
          throws('ERR_VS_UNSUPPORTED_PLATFORM', /only on Windows/, api.BindingUnavailableError),
        ],
      ]),
];

/**
 * The answer a row must give: a throw or a rejection (code, message, the error's class when not the
 * one its code implies), or a value.
 * @typedef {{ how: 'throws' | 'rejects', code: string, message: RegExp, type?: new (...args: never[]) => Error }
 *   | { how: 'returns', value: unknown }} Expected
 * @typedef {Awaited<ReturnType<typeof context>>} Context
 */

/** A connection with credentials, one of its VMs, and a closed connection with its VM and stream. */
async function context() {
  const open = fakeVirtualServer();
  const server = await connectWith(open, nativeOptions, probe);
  const vm = await server.findVirtualMachine('web01');
  const gone = fakeVirtualServer();
  const closed = await connectWith(gone, nativeOptions, probe);
  const closedVm = await closed.findVirtualMachine('web01');
  const closedStream = closedVm.events();
  await closed.close();
  for (const binding of [open, gone]) binding.connectCalls.length = 0; // the fake's own record of what it was given
  const connectUnreachable = () => {
    const unreachable = fakeVirtualServer();
    unreachable.connectFailures.push(
      comError('ERR_VS_COM_ERROR', 'The RPC server is unavailable. (0x800706BA)', 0x800706ba),
    );
    return connectWith(unreachable, nativeOptions, probe).finally(() => {
      unreachable.connectCalls.length = 0;
    });
  };
  return { server, vm, closed, closedVm, closedStream, connectUnreachable };
}

/** A promise still pending after this long never settles (the fake answers at once). */
const HANG_MS = 3000;

/** What a call did: returned (or resolved), threw at the call, rejected, or hung. */
async function answerOf(call, c) {
  let result;
  try {
    result = call(c);
  } catch (error) {
    return { how: 'throws', error };
  }
  if (!result || typeof result.then !== 'function') return { how: 'returns', value: result };
  let timer;
  const hang = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ how: 'hangs', value: `pending after ${HANG_MS} ms` }), HANG_MS);
  });
  const settled = result.then(
    (value) => ({ how: 'returns', value }),
    (error) => ({ how: 'rejects', error }),
  );
  try {
    return await Promise.race([settled, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** @param {{ code: string, type?: new (...args: never[]) => Error }} expected */
function expectedClass({ code, type }) {
  if (type) return type;
  if (code === RANGE) return RangeError;
  if (code === TYPE || code === VALUE) return TypeError;
  return api.VirtualServerError;
}

/** Every way an error or an object may be printed. */
function printed(object) {
  return [util.inspect(object), util.inspect(object, { showHidden: true, depth: Infinity, customInspect: false })];
}

/**
 * The row's problems (empty when it answered as it must).
 * @param {unknown[]} row [what, call(context), expected answer]: the rows are of many shapes, checked here
 */
async function problemsOf(row) {
  const [what, call, expected] = /** @type {[string, (c: Context) => unknown, Expected]} */ (row);
  const c = await context();
  const answer = await answerOf(call, c);
  const problems = [];
  if (answer.how !== expected.how) {
    const got = answer.error ? `${answer.error.code}: ${answer.error.message}` : util.inspect(answer.value);
    return [
      `${what}: ${answer.how} (${got}) instead of ${expected.how === 'returns' ? 'returning' : `${expected.how} ${expected.code}`}`,
    ];
  }
  if (expected.how === 'returns') {
    try {
      assert.deepStrictEqual(answer.value, expected.value);
    } catch (error) {
      problems.push(`${what}: returned ${util.inspect(answer.value)}, not ${util.inspect(expected.value)}`);
    }
  } else {
    const { error } = answer;
    if (error.code !== expected.code) problems.push(`${what}: code ${error.code}, not ${expected.code}`);
    if (!(error instanceof expectedClass(expected)))
      problems.push(`${what}: a ${error.constructor.name}, not a ${expectedClass(expected).name}`);
    if (!expected.message.test(error.message))
      problems.push(`${what}: the message "${error.message.slice(0, 300)}" does not match ${expected.message}`);
    if (error.message.length > 500) problems.push(`${what}: a message of ${error.message.length} characters`);
    for (const text of printed(error)) {
      for (const secret of secrets) if (text.includes(secret)) problems.push(`${what}: the error shows ${secret}`);
    }
  }
  for (const [name, object] of Object.entries(c).filter(([, value]) => typeof value === 'object')) {
    for (const text of printed(object)) {
      for (const secret of secrets) if (text.includes(secret)) problems.push(`${what}: ${name} shows ${secret}`);
    }
  }
  return problems;
}

/** Runs every row; resolves with how many rows there are and every problem found. */
async function runAll() {
  const problems = [];
  for (const row of rows) problems.push(...(await problemsOf(row)));
  return { rows: rows.length, problems };
}

module.exports = { rows, secrets, problemsOf, runAll };
