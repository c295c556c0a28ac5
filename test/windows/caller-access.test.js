'use strict';
// Who may call into the process's event sinks: CoInitializeSecurity gets a descriptor that admits this
// process's user, the service identities and the accounts VSE_EVENT_CALLERS lists, instead of any
// authenticated caller. Each case runs in a fresh process, because process security is set once.
// (Wine accepts the descriptor but does not enforce it; events still flowing is checked by every other
// suite, which all run with it.)
const assert = require('assert');
const { spawnSync } = require('child_process');
const h = require('../support/harness');

// Runs `body` (the source of an async function given the binding) in a new Windows node process with
// VSE_EVENT_CALLERS set as given; returns what it printed as JSON.
function inFreshProcess(callers, body) {
  const env = Object.assign({}, process.env);
  delete env.VSE_EVENT_CALLERS;
  if (callers !== undefined) env.VSE_EVENT_CALLERS = callers;
  const script = `
    const binding = require(${JSON.stringify(require('path').join(h.repoRoot, 'dist', 'binding.js'))}).loadBinding();
    const attempt = (fn) => { try { return { value: fn() }; } catch (error) { return { code: error.code, name: error.name, message: error.message }; } };
    (${body})(binding, attempt).then((result) => console.log(JSON.stringify(result)), (error) => { console.error(error); process.exitCode = 1; });`;
  const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 60000 });
  assert.strictEqual(result.status, 0, `${result.stdout}${result.stderr}`);
  return JSON.parse(String(result.stdout.trim().split('\n').pop()));
}

describe('caller access: who may call into the event sinks', function () {
  this.timeout(120000);

  before(function () {
    if (h.sim.simulatorBuild() !== 'dispatch') this.skip(); // no simulator involved: once is enough
  });

  it("admits this process's user and the service identities, and nobody else, by default", function () {
    const { sddl } = inFreshProcess(undefined, 'async (binding) => ({ sddl: binding.callerAccess() })');
    assert.match(sddl, /^O:(S-1-5-[0-9-]+)G:\1D:\(A;;0x7;;;\1\)\(A;;0x7;;;SY\)\(A;;0x7;;;NS\)\(A;;0x7;;;LS\)$/);
  });

  it('says whose COM security is in force: none before the first connect(), ours after it', function () {
    const outcome = inFreshProcess(
      undefined,
      `async (binding) => {
        const before = binding.diagnostics().comSecurity;
        const server = await binding.connect({});
        const after = binding.diagnostics().comSecurity;
        await binding.release(server);
        return { before, after };
      }`,
    );
    assert.deepStrictEqual(outcome, { before: 'not set yet', after: 'ours' });
  });

  it('adds the SIDs and accounts VSE_EVENT_CALLERS lists', function () {
    const { sddl } = inFreshProcess(
      ' S-1-5-21-1004336348-1177238915-682003330-1001 ,NT AUTHORITY\\NETWORK SERVICE',
      'async (binding) => ({ sddl: binding.callerAccess() })',
    );
    assert.match(
      sddl,
      /\(A;;0x7;;;LS\)\(A;;0x7;;;S-1-5-21-1004336348-1177238915-682003330-1001\)\(A;;0x7;;;S-1-5-20\)$/,
    );
  });

  it('refuses an entry it cannot resolve, at connect() and at every later try, naming the entry', function () {
    const outcome = inFreshProcess(
      'S-1-5-18,NOSUCHDOMAIN\\nobody',
      `async (binding, attempt) => ({
      connect: attempt(() => binding.connect({})), again: attempt(() => binding.callerAccess()) })`,
    );
    for (const answer of [outcome.connect, outcome.again]) {
      assert.strictEqual(answer.code, 'ERR_INVALID_ARG_VALUE', JSON.stringify(answer));
      assert.strictEqual(answer.name, 'TypeError');
      assert.match(
        answer.message,
        /VSE_EVENT_CALLERS names 'NOSUCHDOMAIN\\nobody', which is neither a SID nor an account this machine knows/,
      );
    }
  });
});
