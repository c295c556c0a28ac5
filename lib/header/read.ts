// Reads the file given as a MIDL-generated header (`inspect --header`): bounded, and refusing what is not
// the ASCII text MIDL writes (binary files, UTF-16, other encodings) with a message that says what it found.
import * as fs from 'fs';
import type { FileHandle } from 'fs/promises';
import { ErrorCodes, VirtualServerError } from '../errors';

/**
 * Microsoft's VSComInterfaces.h is about 1 MB at most (some 430 documented members, each a vtable method
 * or two at about 1 KB of header apiece, as widl's headers of the simulator measure); a file past 4 MiB
 * is not that header, and is not read. The lexer bounds its tokens too (lex.ts).
 */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;
/** What messages say of the real header's size. */
const REAL_HEADER_SIZE = 'about 1 MB at most';

export function headerError(path: string, what: string, cause?: unknown): VirtualServerError {
  return new VirtualServerError(ErrorCodes.HEADER_UNUSABLE, `${path}: ${what}`, { cause });
}

/** What is wrong with the path itself (missing, a folder...), or undefined when it names a file. */
export function headerPathProblem(path: string): string | undefined {
  try {
    return statProblem(fs.statSync(path));
  } catch (error) {
    return statError(error);
  }
}

function statProblem(stat: fs.Stats): string | undefined {
  if (stat.isDirectory())
    return 'is a folder: name the header file in it (on a Virtual Server host, ...\\Documentation\\VSComInterfaces.h)';
  if (!stat.isFile()) return 'is not a regular file';
  return undefined;
}

function statError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTDIR') return 'no such file (a part of the path is not a folder)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return `cannot be read: ${(error as Error).message}`;
}

/** The text of the header, or a VirtualServerError (ERR_VS_HEADER_UNUSABLE) saying why there is none. */
export async function readHeaderText(path: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (error) {
    throw headerError(path, statError(error), error);
  }
  let bytes: Buffer;
  try {
    const stat = await handle.stat();
    const problem = statProblem(stat);
    if (problem) throw headerError(path, problem);
    if (stat.size > MAX_HEADER_BYTES) throw tooLarge(path, stat.size);
    // The size can change while reading: read one byte past the bound to know.
    bytes = Buffer.alloc(Math.min(stat.size, MAX_HEADER_BYTES) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === bytes.length) {
        if (length > MAX_HEADER_BYTES) throw tooLarge(path, length);
        const grown = Buffer.alloc(Math.min(bytes.length * 2, MAX_HEADER_BYTES + 1));
        bytes.copy(grown);
        bytes = grown;
      }
    }
    bytes = bytes.subarray(0, length);
  } catch (error) {
    if (error instanceof VirtualServerError) throw error;
    throw headerError(path, statError(error), error);
  } finally {
    await handle.close();
  }
  return decodeHeader(path, bytes);
}

function tooLarge(path: string, size: number): VirtualServerError {
  return headerError(
    path,
    `is ${size} bytes, more than the ${MAX_HEADER_BYTES} (4 MiB) a MIDL header could be: ` +
      `Microsoft's VSComInterfaces.h is ${REAL_HEADER_SIZE}; name that file (in Virtual Server's Documentation folder)`,
  );
}

/** Known files that are not headers, by their first bytes: the likely slips beside VSComInterfaces.h. */
const signatures: Array<[string, string]> = [
  ['!<arch>\n', 'a library archive (VSComInterfaces.lib?), not a header: name VSComInterfaces.h beside it'],
  ['MZ', 'a Windows program or DLL, not a header'],
  ['MSFT', 'a type library (.tlb), not a header'],
  ['PK\u0003\u0004', 'a ZIP archive, not a header'],
];

/** The header as text: ASCII (what MIDL writes) or UTF-8; anything else is refused, saying what it is. */
export function decodeHeader(path: string, bytes: Buffer): string {
  if (bytes.length === 0) throw headerError(path, 'is empty');
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    throw headerError(path, notAscii('UTF-16 little-endian text (byte-order mark FF FE)'));
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    throw headerError(path, notAscii('UTF-16 big-endian text (byte-order mark FE FF)'));
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    for (const [start, what] of signatures) {
      if (bytes.subarray(0, start.length).toString('latin1') === start) throw headerError(path, `is ${what}`);
    }
    if (looksUtf16(bytes)) throw headerError(path, notAscii('UTF-16 text without a byte-order mark'));
    throw headerError(path, `is a binary file (a NUL byte at offset ${nul}), not a header`);
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const text = body.toString('utf8');
  // Valid UTF-8 decodes and encodes back to the same bytes; anything else became U+FFFD on the way.
  const again = Buffer.from(text, 'utf8');
  if (!again.equals(body)) {
    let at = 0;
    while (at < body.length && body[at] === again[at]) at++;
    const line = body.subarray(0, at).toString('latin1').split('\n').length;
    throw headerError(
      path,
      notAscii(`neither ASCII nor UTF-8: byte 0x${body[at].toString(16).toUpperCase()} on line ${line}`),
    );
  }
  return text;
}

function notAscii(found: string): string {
  return `is ${found}; MIDL writes headers in ASCII: use the file Virtual Server installed, or save this one as ASCII or UTF-8`;
}

/** UTF-16 without a BOM: ASCII text whose every other byte is NUL. */
function looksUtf16(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, Math.min(bytes.length, 512) & ~1);
  if (sample.length < 4) return false;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenNuls++;
    if (sample[i + 1] === 0) oddNuls++;
  }
  const pairs = sample.length / 2;
  return Math.max(evenNuls, oddNuls) > pairs * 0.9 && Math.min(evenNuls, oddNuls) < pairs * 0.1;
}
