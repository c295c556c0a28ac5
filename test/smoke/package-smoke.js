'use strict';
// Smoke run of the built package on the oldest supported Node (12.16.1, Node-API 5): it loads, finds its
// addon, and the addon reports what this Node offers.
const assert = require('assert');
const path = require('path');
const harness = require('../support/smoke-harness');

const repoRoot = path.resolve(__dirname, '..', '..');

harness.test('Node ' + process.version + ' loads the repo folder as the package', function () {
  const pkg = require(repoRoot);
  assert.ok(Object.keys(pkg).length > 0, 'the package exports nothing');
});

harness.test('the addon loads and reports the package version and Node-API ' + process.versions.napi, function () {
  const binding = require('../../dist/binding.js').loadBinding();
  assert.strictEqual(binding.addonVersion, require(path.join(repoRoot, 'package.json')).version);
  assert.strictEqual(binding.napiVersion, Number(process.versions.napi));
});

harness.run();
