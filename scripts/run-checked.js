'use strict';
// Runs a command of the rig to completion. Throws unless it exits 0, with what it printed when the
// caller captured its output (stdio: 'pipe') rather than letting it through.
const { spawnSync } = require('child_process');

function runChecked(command, args, options) {
  const result = spawnSync(command, args, Object.assign({ stdio: 'inherit', encoding: 'utf8' }, options));
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout || ''}${result.stderr || ''}`;
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}${output ? `\n${output}` : ''}`);
  }
  return result;
}

module.exports = { runChecked };
