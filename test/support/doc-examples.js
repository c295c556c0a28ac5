'use strict';
// The code examples of README.md and docs/API.md, for the tests that run them (test/unit/doc-examples.test.js
// on any node, test/windows/doc-examples.test.js against the simulator). Every ```js and ```ts block is an
// example; other fences (```text, ```sh, a bare ```) are not. An HTML comment on the line before a block
// (blank lines between allowed) says what kind it is, `<!-- example: KIND (note) -->`:
//   (none)                  a whole script that ends by itself: run with node
//   waits-for-events        a whole script that ends once a VM it names is turned off: the Windows test
//                           fires Running, then TurnedOff, on each VM it names once it has subscribed
//   runs-until-interrupted  a whole script that runs until Ctrl-C: the Windows test fires those events,
//                           waits for its output, then ends it
//   mocha                   a mocha test file: run with mocha
//   fragment                a piece of a program (free variables, hosts that do not exist): compiled
//                           inside an async function, never run
// A script that requires the package's main entry needs a Virtual Server (Windows, the simulator); one
// that only requires virtual-server-events/testing runs on any node.
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const documents = ['README.md', 'docs/API.md'];
const kinds = ['script', 'waits-for-events', 'runs-until-interrupted', 'mocha', 'fragment'];
const markerPattern = /^<!--\s*example:\s*([a-z-]+)\b[^>]*-->\s*$/;

/**
 * @typedef {{ document: string, line: number, lang: 'js' | 'ts', kind: string, needsHost: boolean,
 *   vmNames: string[], code: string, name: string }} Example
 */

/**
 * Every example of one document, and every marker comment with the line of the block it precedes
 * (null when no js/ts block follows it).
 * @param {string} document repo-relative
 */
function parse(document) {
  const lines = fs.readFileSync(path.join(repoRoot, document), 'utf8').split('\n');
  /** @type {Example[]} */
  const examples = [];
  /** @type {{ line: number, kind: string, block: number | null }[]} */
  const markers = [];
  /** @type {{ line: number, kind: string } | null} */
  let pending = null;
  for (let i = 0; i < lines.length; i += 1) {
    const marker = markerPattern.exec(lines[i]);
    if (marker) {
      if (pending) markers.push({ ...pending, block: null });
      pending = { line: i + 1, kind: marker[1] };
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(lines[i]);
    if (!fence) {
      if (pending && lines[i].trim() !== '') {
        markers.push({ ...pending, block: null });
        pending = null;
      }
      continue;
    }
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end += 1;
    const lang = fence[1];
    if (lang === 'js' || lang === 'ts') {
      const code = lines.slice(i + 1, end).join('\n') + '\n';
      const kind = pending ? pending.kind : 'script';
      if (pending) markers.push({ ...pending, block: i + 1 });
      const vmNames = Array.from(code.matchAll(/findVirtualMachine\('([^']+)'\)/g), (m) => m[1]);
      examples.push({
        document,
        line: i + 1,
        lang,
        kind,
        needsHost: /(?:require\(|from )'virtual-server-events'/.test(code),
        vmNames: Array.from(new Set(vmNames)),
        code,
        name: `${document}:${i + 1} (${kind})`,
      });
    } else if (pending) {
      markers.push({ ...pending, block: null });
    }
    pending = null;
    i = end;
  }
  if (pending) markers.push({ ...pending, block: null });
  return { examples, markers };
}

/** Every example of README.md and docs/API.md. */
function allExamples() {
  return documents.flatMap((document) => parse(document).examples);
}

/** JavaScript to run for an example: TypeScript is transpiled to CommonJS (no type check: see the unit test). */
function javaScriptOf(example) {
  if (example.lang === 'js') return example.code;
  const ts = require('typescript');
  return ts.transpileModule(example.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019 },
  }).outputText;
}

/**
 * A fresh folder where the example finds the package as a user's project would, with the example in it as
 * `example.js` (`example.test.js` for mocha). Under tmpRoot, node_modules/virtual-server-events is this
 * repository, linked (a junction on Windows). With `inPackage`, the folder is made under the repository's
 * build/ instead, with no link: there `require('virtual-server-events')` resolves by the package's own
 * name through its `exports` (self-reference, Node 12.16+), which needs no junction (the Windows
 * suite's way, under Wine too).
 * @param {Example} example
 * @param {string} tmpRoot
 * @param {{ inPackage?: boolean }} [options]
 */
function projectFor(example, tmpRoot, { inPackage = false } = {}) {
  let dir;
  if (inPackage) {
    const parent = path.join(repoRoot, 'build', 'doc-examples');
    fs.mkdirSync(parent, { recursive: true });
    dir = fs.mkdtempSync(path.join(parent, 'example-'));
  } else {
    dir = fs.mkdtempSync(path.join(tmpRoot, 'vse-doc-example-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'virtual-server-events'), 'junction');
  }
  const file = path.join(dir, example.kind === 'mocha' ? 'example.test.js' : 'example.js');
  fs.writeFileSync(file, javaScriptOf(example));
  return { dir, file };
}

module.exports = { documents, kinds, markerPattern, parse, allExamples, javaScriptOf, projectFor, repoRoot };
