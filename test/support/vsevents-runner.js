'use strict';
// Runs `vsevents` (dist/cli/main.js) with this node, for the Windows CLI suites: output collected, exit code,
// and the children still running, for an afterEach hook to kill those a failed test left behind.
const { spawn } = require('child_process');
const path = require('path');

const cli = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const running = new Set();

/** Starts vsevents; `result` fills as it prints, `done` resolves with { status, stdout, stderr }. */
function vsevents(...args) {
  const child = spawn(process.execPath, [cli, ...args], { windowsHide: true });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const result = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    result.stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    result.stderr += chunk;
  });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve(Object.assign(result, { status })));
  });
  return { child, result, done };
}

/** Kills every vsevents still running. */
function killRunning() {
  for (const child of running) child.kill();
}

module.exports = { vsevents, killRunning, cli };
