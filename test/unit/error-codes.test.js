'use strict';
// lib/error-codes.ts is the one list of error codes: README's table documents exactly these, each with
// when and what to do; the addon's C++ raises no other, and every code docs/API.md or lib/ names is one
// of them.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { api } = require('./helpers');

const repoRoot = path.join(__dirname, '..', '..');
/** @type {Set<string>} */
const listed = new Set(Object.values(api.ErrorCodes));
const codePattern = /ERR_VS_[A-Z_]+/g;

function read(relative) {
  return fs.readFileSync(path.join(repoRoot, relative), 'utf8');
}

function filesUnder(dir, suffix) {
  return fs
    .readdirSync(path.join(repoRoot, dir))
    .filter((name) => name.endsWith(suffix))
    .map((name) => path.join(dir, name));
}

// The codes a text names, with where: [{ code, file, line }].
function codesIn(relative) {
  return read(relative)
    .split('\n')
    .flatMap((text, index) =>
      (text.match(codePattern) || []).map((code) => ({ code, file: relative, line: index + 1 })),
    )
    .filter(({ code }) => code !== 'ERR_VS_'); // a prefix spelt out in prose
}

function unlisted(found) {
  return found.filter(({ code }) => !listed.has(code)).map(({ code, file, line }) => `${file}:${line} ${code}`);
}

describe('error codes: one list (lib/error-codes.ts)', () => {
  // Rows of README's "Error codes" table: [{ code, when, todo }], the cells as written.
  function readmeRows() {
    const readme = read('README.md');
    const start = readme.indexOf('\n## Error codes\n');
    assert.ok(start >= 0, 'README.md has a "## Error codes" section');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const header = section.split('\n').find((line) => /^\|\s*code\s*\|/.test(line));
    assert.ok(header, 'the section has a table whose first column is "code"');
    assert.deepStrictEqual(
      header
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
      ['code', 'when', 'what to do'],
    );
    return section
      .split('\n')
      .filter((line) => /^\|\s*`ERR_VS_/.test(line))
      .map((line) => {
        // Cells split at bars that are not inside a code span.
        const cells = line
          .replace(/`[^`]*`/g, (span) => span.replace(/\|/g, '\u2502'))
          .split('|')
          .slice(1, -1);
        const [code, when, todo] = cells.map((cell) => cell.split('\u2502').join('|').trim());
        return { line, cells: cells.length, code: code.replace(/`/g, ''), when, todo };
      });
  }

  it("README's Error codes table has one row for each code of ErrorCodes, and no other", () => {
    const rows = readmeRows();
    const unknown = rows.filter(({ code }) => !listed.has(code)).map(({ code }) => code);
    assert.deepStrictEqual(unknown, [], 'rows for codes lib/error-codes.ts does not have');
    assert.deepStrictEqual(rows.map(({ code }) => code).sort(), [...listed].sort(), 'one row for each code');
  });

  it("every row of README's Error codes table says when and what to do", () => {
    for (const { line, cells, when, todo } of readmeRows()) {
      assert.strictEqual(cells, 3, `three cells: ${line}`);
      assert.ok(when, `a "when": ${line}`);
      assert.ok(todo && /[a-z]/i.test(todo), `a "what to do": ${line}`);
    }
  });

  it('the addon raises no code that is not listed (native/src)', () => {
    const found = filesUnder('native/src', '.cc').concat(filesUnder('native/src', '.h')).flatMap(codesIn);
    assert.ok(found.length > 0, 'native/src names no ERR_VS_ code: the pattern is wrong');
    assert.deepStrictEqual(unlisted(found), []);
  });

  it('lib/, docs/API.md and the tests name no code that is not listed', () => {
    const files = filesUnder('lib', '.ts').concat(
      ['docs/API.md'],
      filesUnder('test/unit', '.js'),
      filesUnder('test/windows', '.js'),
    );
    assert.deepStrictEqual(unlisted(files.flatMap(codesIn)), []);
  });

  it('every code is spelt ERR_VS_<its key>, and no two keys share one', () => {
    for (const [key, code] of Object.entries(api.ErrorCodes)) assert.strictEqual(code, `ERR_VS_${key}`);
    assert.strictEqual(listed.size, Object.keys(api.ErrorCodes).length);
  });

  it('hresultName() knows every HRESULT of the table the addon is handed, and VirtualServerError uses it', () => {
    const { knownHresults } = require('../../dist/hresults.js');
    assert.ok(knownHresults.length >= 100);
    for (const [hresult, name] of knownHresults) assert.strictEqual(api.hresultName(hresult), name);
    const error = new api.VirtualServerError(api.ErrorCodes.COM_ERROR, 'x', { hresult: 0xa0040500 });
    assert.strictEqual(error.hresultName, 'VM_E_VM_RUNNING');
  });

  it('the HRESULTs flagged disconnects in lib/hresults.ts are those IsDisconnection (native/src/hresult.cc) lists', () => {
    const { disconnectionHresults } = require('../../dist/hresults.js');
    const source = read('native/src/hresult.cc');
    const body = /bool IsDisconnection\(HRESULT hr\) \{([\s\S]*?)\n\}/.exec(source);
    assert.ok(body, 'hresult.cc defines IsDisconnection');
    const listed = Array.from(body[1].matchAll(/case (0x[0-9A-Fa-f]{8})UL:/g), (match) => Number(match[1]));
    const sorted = (values) => Array.from(values).sort((a, b) => a - b);
    assert.ok(listed.length > 0, 'IsDisconnection lists its HRESULTs as case 0x...UL');
    assert.deepStrictEqual(sorted(disconnectionHresults), sorted(listed));
  });

  it("Microsoft's VM_E_* texts reach messages as plain text: no Markdown links or emphasis from the page", () => {
    const { knownHresults } = require('../../dist/hresults.js');
    const marked = knownHresults.filter(([, , message]) => message && /\*\*|\]\(|`/.test(message));
    assert.deepStrictEqual(
      marked.map(([, name]) => name),
      [],
    );
  });
});
