'use strict';
// The maps cannot rot: every path docs/ARCHITECTURE.md and test/README.md name under lib/, native/,
// test/, scripts/ or docs/ (in code spans, code blocks or links) exists, globs included; every relative
// link resolves, anchors included; every file of lib/ (lib/testing/ too) and native/src/ is named in
// ARCHITECTURE.md, so a new file forces a map update; every file of lib/ has its row in test/README.md,
// and every folder of test/ is named there.
const assert = require('assert');
const fs = require('fs');
const path = require('path');

const repoRoot = path.join(__dirname, '..', '..');
const maps = ['docs/ARCHITECTURE.md', 'test/README.md'];
/** A path the maps name: one of these folders, then anything up to a space, quote, bracket or table bar. */
const pathPattern = /(?<![\w./-])(?:lib|native|test|scripts|docs)\/[^\s`'"()<>|,;]*/g;
const skippedDirs = new Set(['node_modules', 'dist', 'build', 'prebuilds', '.git']);

/** @param {string} relative */
function read(relative) {
  return fs.readFileSync(path.join(repoRoot, relative), 'utf8');
}

/**
 * Every file under `dir`, as repo-relative paths with forward slashes.
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(dir) {
  const found = [];
  for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory() && !skippedDirs.has(entry.name)) found.push(...filesUnder(relative));
    else if (entry.isFile()) found.push(relative);
  }
  return found;
}

const repoFiles = ['lib', 'native', 'test', 'scripts', 'docs'].flatMap(filesUnder);

/** @param {string} markdown */
function withoutFences(markdown) {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/**
 * The text of code blocks and code spans, and the targets of links.
 * @param {string} markdown
 */
function codeAndLinks(markdown) {
  const fences = (markdown.match(/^```[^\n]*\n[\s\S]*?^```$/gm) || []).map((block) => block.replace(/^```.*$/gm, ''));
  const prose = withoutFences(markdown);
  const spans = Array.from(prose.matchAll(/`([^`\n]+)`/g), (match) => match[1]);
  const links = Array.from(prose.matchAll(/\]\(([^)\s]+)\)/g), (match) => match[1]);
  return { code: fences.concat(spans), links };
}

/**
 * The paths a map names, as written (globs and folders included, trailing punctuation cut).
 * @param {string} markdown
 */
function namedPaths(markdown) {
  const { code, links } = codeAndLinks(markdown);
  return Array.from(
    new Set(
      code
        .concat(links)
        .flatMap((text) => text.match(pathPattern) || [])
        .map((named) => named.replace(/[.:]+$/, '').replace(/#.*$/, '')),
    ),
  );
}

// What each glob token matches: two stars and a slash any folders (or none), two stars anything, one star
// or a question mark within one name.
const globTokens = new Map([
  ['**/', '(?:.*/)?'],
  ['**', '.*'],
  ['*', '[^/]*'],
  ['?', '[^/]'],
]);

/** @param {string} glob */
function globPattern(glob) {
  const escaped = glob.replace(/[.+^$()|[\]{}\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*\*\/|\*\*|\*|\?/g, (token) => globTokens.get(token) || token)}$`);
}

/** @param {string} named */
function exists(named) {
  if (/[*?]/.test(named)) {
    const pattern = globPattern(named);
    return repoFiles.some((file) => pattern.test(file));
  }
  return fs.existsSync(path.join(repoRoot, named));
}

/**
 * GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces as -.
 * @param {string} heading
 */
function slug(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** @param {string} relative */
function anchorsOf(relative) {
  return new Set(
    withoutFences(read(relative))
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, '').trim())),
  );
}

/**
 * Problems with the relative links of one map: a target that does not exist, or an anchor that names no heading.
 * @param {string} map
 */
function brokenLinks(map) {
  const problems = [];
  for (const target of codeAndLinks(read(map)).links) {
    if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
    const [file, anchor] = target.split('#');
    const relative = file ? path.posix.normalize(path.posix.join(path.posix.dirname(map), file)) : map;
    if (relative.startsWith('..')) problems.push(`${map}: ${target} leaves the repository`);
    else if (!fs.existsSync(path.join(repoRoot, relative))) problems.push(`${map}: ${target} does not exist`);
    else if (anchor !== undefined && relative.endsWith('.md') && !anchorsOf(relative).has(anchor)) {
      problems.push(`${map}: ${target} names no heading of ${relative}`);
    }
  }
  return problems;
}

/**
 * Whether a map names `file`: by its path, or by its stem and `.*` (native/src/com_thread.* for the .h and the .cc).
 * @param {string[]} named
 * @param {string} file
 */
function names(named, file) {
  return named.includes(file) || named.includes(file.replace(/\.[^./]+$/, '.*'));
}

describe('the maps (docs/ARCHITECTURE.md, test/README.md)', () => {
  for (const map of maps) {
    it(`every path ${map} names exists`, () => {
      const named = namedPaths(read(map));
      assert.ok(named.length >= 30, `${map} names only ${named.length} paths: the pattern is wrong`);
      assert.deepStrictEqual(
        named.filter((candidate) => !exists(candidate)),
        [],
        `${map} names paths that do not exist: correct the map (or the path)`,
      );
    });

    it(`every relative link of ${map} resolves, anchors included`, () => {
      assert.deepStrictEqual(brokenLinks(map), []);
    });
  }

  it('docs/ARCHITECTURE.md names every file of lib/ (lib/testing/ included) and native/src/', () => {
    const named = namedPaths(read('docs/ARCHITECTURE.md'));
    const files = filesUnder('lib').concat(filesUnder('native/src'));
    assert.ok(files.length > 50, `only ${files.length} files found under lib/ and native/src/`);
    assert.deepStrictEqual(
      files.filter((file) => !names(named, file)),
      [],
      'new files: give each a place in docs/ARCHITECTURE.md (its layer, and its thread or recipe where it has one)',
    );
  });

  it('test/README.md has a row for every file of lib/ and names every folder of test/', () => {
    const named = namedPaths(read('test/README.md'));
    const folders = fs
      .readdirSync(path.join(repoRoot, 'test'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `test/${entry.name}/`);
    assert.deepStrictEqual(
      filesUnder('lib')
        .concat(folders)
        .filter((file) => !named.includes(file)),
      [],
      'say in test/README.md which tests cover each of these, or where that folder runs',
    );
  });

  it('recognises what the maps write: globs, stems, folders, anchors', () => {
    assert.ok(exists('native/src/com_thread.*'));
    assert.ok(exists('test/unit/**/*.test.js'));
    assert.ok(exists('test/unit/'));
    assert.ok(!exists('test/unit/*.test.ts'));
    assert.ok(!exists('lib/no-such-file.ts'));
    assert.deepStrictEqual(namedPaths('run `npx mocha test/rig`, read `lib/index.ts`: not lib/cli/main.ts'), [
      'test/rig',
      'lib/index.ts',
    ]);
    assert.ok(names(['native/src/value.*'], 'native/src/value.cc'));
    assert.ok(!names(['native/src/value.*'], 'native/src/value_js.cc'));
    assert.strictEqual(
      slug('Testing your scripts: virtual-server-events/testing'),
      'testing-your-scripts-virtual-server-eventstesting',
    );
    assert.ok(anchorsOf('docs/API.md').has('farms-watch'));
  });
});
