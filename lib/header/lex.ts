// Splits a MIDL-generated C/C++ header into tokens for parse.ts. Comments go, except MIDL's
// attribute comments (`/* [in] */`, `/* [retval][out] */`), which carry parameter directions; preprocessor
// lines stay whole, and their #if/#endif must balance: a header cut short leaves some open.

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'attributes' | 'directive';

export interface Token {
  kind: TokenKind;
  /** The text: an identifier, a number as written, a string's contents, one punctuation character, a directive line. */
  text: string;
  /** For 'attributes': the names in the brackets, e.g. ['retval', 'out']. */
  attributes?: string[];
  line: number;
}

/** The file cannot be tokenized: it ends inside a comment or string, or its #if/#endif do not balance. */
export class HeaderSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderSyntaxError';
  }
}

/**
 * The most tokens a header may have: each is an object of some 60 bytes, and a crafted file could make one
 * of every character. Microsoft's VSComInterfaces.h has about 0.12 a byte (as widl's headers of the
 * simulator do), some 120000 in all; a file within MAX_HEADER_BYTES of such text has under 500000.
 */
export const MAX_HEADER_TOKENS = 1024 * 1024;

const identStart = /[A-Za-z_]/;
const identPart = /[A-Za-z0-9_]/;
const attributeComment = /^\s*((?:\[\s*\w+(?:\([^)]*\))?\s*\]\s*)+)$/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const push = (token: Token): void => {
    if (tokens.length >= MAX_HEADER_TOKENS) {
      throw new HeaderSyntaxError(
        `it has more than ${MAX_HEADER_TOKENS} tokens (words, numbers, punctuation; line ${token.line} passes that), ` +
          "where Microsoft's VSComInterfaces.h has some 120000: it is no MIDL header; name VSComInterfaces.h itself",
      );
    }
    tokens.push(token);
  };
  const openIfs: number[] = [];
  let line = 1;
  let atLineStart = true;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      atLineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#' && atLineStart) {
      const start = line;
      let directive = '';
      // A directive runs to the end of its line, continued by a backslash at the end; comments in it go.
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\' && text[i + 1] === '\n') {
          i += 2;
          line++;
        } else if (text[i] === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
          i += 3;
          line++;
        } else if (text.startsWith('/*', i)) {
          const end = commentEnd(text, i, start);
          line += countLines(text, i, end);
          i = end;
          directive += ' ';
        } else if (text.startsWith('//', i)) {
          while (i < n && text[i] !== '\n') i++;
        } else {
          directive += text[i++];
        }
      }
      directive = directive.replace(/\s+/g, ' ').trim();
      balance(directive, start, openIfs);
      push({ kind: 'directive', text: directive, line: start });
      continue;
    }
    atLineStart = false;
    if (text.startsWith('/*', i)) {
      const end = commentEnd(text, i, line);
      const body = text.slice(i + 2, end - 2);
      const attributes = attributeComment.exec(body);
      if (attributes) {
        const names = (attributes[1].match(/\[\s*(\w+)/g) || []).map((item) => item.replace(/^\[\s*/, ''));
        push({ kind: 'attributes', text: body.trim(), attributes: names, line });
      }
      line += countLines(text, i, end);
      i = end;
      continue;
    }
    if (text.startsWith('//', i)) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (identStart.test(c)) {
      let j = i + 1;
      while (j < n && identPart.test(text[j])) j++;
      push({ kind: 'ident', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(text[j])) j++;
      push({ kind: 'number', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= n || text[j] !== c)
        throw new HeaderSyntaxError(`the quoted text on line ${line} does not end on its line`);
      push({ kind: 'string', text: text.slice(i + 1, j), line });
      i = j + 1;
      continue;
    }
    push({ kind: 'punct', text: c, line });
    i++;
  }
  if (openIfs.length > 0) {
    throw new HeaderSyntaxError(
      `it ends with ${openIfs.length} #if not closed by an #endif (the last opened on line ${openIfs[openIfs.length - 1]}): the file looks truncated`,
    );
  }
  return tokens;
}

function commentEnd(text: string, start: number, line: number): number {
  const end = text.indexOf('*/', start + 2);
  if (end === -1)
    throw new HeaderSyntaxError(`it ends inside the comment opened on line ${line}: the file looks truncated`);
  return end + 2;
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let k = from; k < to; k++) if (text[k] === '\n') lines++;
  return lines;
}

function balance(directive: string, line: number, openIfs: number[]): void {
  const word = /^#\s*(\w+)/.exec(directive);
  if (!word) return;
  if (word[1] === 'if' || word[1] === 'ifdef' || word[1] === 'ifndef') openIfs.push(line);
  else if (word[1] === 'endif' && openIfs.pop() === undefined)
    throw new HeaderSyntaxError(`the #endif on line ${line} closes no #if`);
}
