'use strict';
// virtual-server-events/testing for Node 12.16, which ignores package.json's exports in require() and
// resolves the subpath to this file; newer Node takes exports' "./testing", the same module.
module.exports = require('./dist/testing/index.js');
