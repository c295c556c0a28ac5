'use strict';
// Preloaded (node -r) into Windows node.exe under Wine. Wine hands node.exe a Unix pipe as stdout/stderr
// when the Linux parent pipes them, and node.exe then fails with "open EBADF at new Socket (node:net)"
// the moment process.stdout is touched. Replacing both streams with synchronous fd writers before
// anything touches them keeps output ordered and the exit code intact. Windows itself never needs this.
const fs = require('fs');
const { Writable } = require('stream');
const { isMainThread } = require('worker_threads');

function fdWriter(fd) {
  /** @type {Writable & { fd?: number, isTTY?: boolean }} the fd and isTTY of process.stdout */
  const stream = new Writable({
    write(chunk, encoding, callback) {
      try {
        fs.writeSync(fd, chunk);
        callback();
      } catch (error) {
        callback(/** @type {Error} what fs.writeSync throws */ (error));
      }
    },
  });
  stream.fd = fd;
  stream.isTTY = false;
  return stream;
}

// Workers inherit -r preloads, but their stdio is a channel to the main thread, not an fd: leave it be.
if (isMainThread) {
  Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, value: fdWriter(1) });
  Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, value: fdWriter(2) });
}
