// Whether a parameter type as a C header spells it (LONG, VARIANT_BOOL *, enum VMVMState, SAFEARRAY *) is
// the type discovery read from the type library (long, VARIANT_BOOL*, VMVMState, SAFEARRAY(long)). The
// spellings come from the Windows SDK's typedefs (wtypes.h, oaidl.h); a name not listed is compared as written.

/** One name per automation type, as native/src/event_schema.cc names it, for each C spelling of it. */
const cNames: Record<string, string> = {
  LONG: 'long',
  'signed long': 'long',
  ULONG: 'unsigned long',
  DWORD: 'unsigned long',
  SHORT: 'short',
  'signed short': 'short',
  USHORT: 'unsigned short',
  WORD: 'unsigned short',
  INT: 'int',
  'signed int': 'int',
  UINT: 'unsigned int',
  CHAR: 'char',
  'signed char': 'char',
  UCHAR: 'unsigned char',
  BYTE: 'unsigned char',
  __int64: 'hyper',
  LONGLONG: 'hyper',
  LONG64: 'hyper',
  INT64: 'hyper',
  'unsigned __int64': 'unsigned hyper',
  ULONGLONG: 'unsigned hyper',
  ULONG64: 'unsigned hyper',
  UINT64: 'unsigned hyper',
  MIDL_uhyper: 'unsigned hyper',
  FLOAT: 'float',
  DOUBLE: 'double',
  CY: 'CURRENCY',
  VARIANTARG: 'VARIANT',
  LPDISPATCH: 'IDispatch*',
  LPUNKNOWN: 'IUnknown*',
  LPSAFEARRAY: 'SAFEARRAY*',
};

/** A type spelling reduced to one name and its stars: 'enum VMVMState' -> 'VMVMState', 'LONG*' -> 'long*'. */
export function canonicalType(spelling: string): string {
  const stars = (/\**$/.exec(spelling.replace(/\s+/g, '')) || [''])[0];
  const words = spelling
    .replace(/\*/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '' && word !== 'const');
  if (words.length > 1 && ['enum', 'struct', 'union'].includes(words[0])) words.shift();
  const base = words.join(' ');
  const name = Object.prototype.hasOwnProperty.call(cNames, base) ? cNames[base] : base;
  return name + stars;
}

export interface TypeComparison {
  matches: boolean;
  /** What the header cannot show about the type, where the types match as far as it shows. */
  unseen?: string;
}

export function compareTypes(headerType: string, discoveredType: string): TypeComparison {
  const header = canonicalType(headerType);
  // A header writes every SAFEARRAY as SAFEARRAY* (the C type): the element type lives only in the type library.
  const array = /^SAFEARRAY\((.*)\)(\**)$/.exec(discoveredType);
  if (array) {
    return header === `SAFEARRAY*${array[2]}`
      ? { matches: true, unseen: `the element type of ${discoveredType} (C writes every SAFEARRAY as SAFEARRAY*)` }
      : { matches: false };
  }
  return { matches: header === canonicalType(discoveredType) };
}
