// Checks on what Virtual Server answered: a property documented as a string must be one, and so on.
import type { NativeObject, NativeValue } from './binding';
import { ErrorCodes, VirtualServerError } from './errors';

/** True for what the addon gives for a COM object (not a primitive, Date, array, or the Error it gives for an unconvertible value). */
export function isNativeObject(value: NativeValue): value is NativeObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Error)
  );
}

export function expectString(value: NativeValue, what: string): string {
  if (typeof value === 'string') return value;
  throw new VirtualServerError(
    ErrorCodes.UNEXPECTED_VALUE,
    `${what}: Virtual Server answered ${describeValue(value)} where a string was expected`,
  );
}

export function expectNumber(value: NativeValue, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new VirtualServerError(
    ErrorCodes.UNEXPECTED_VALUE,
    `${what}: Virtual Server answered ${describeValue(value)} where a number was expected`,
  );
}

/** A VARIANT_BOOL arrives as a boolean; a host that answers a number (a Win32 BOOL) means true by non-zero. */
export function expectBoolean(value: NativeValue, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  throw new VirtualServerError(
    ErrorCodes.UNEXPECTED_VALUE,
    `${what}: Virtual Server answered ${describeValue(value)} where a boolean was expected`,
  );
}

export function expectObject(value: NativeValue, what: string): NativeObject {
  if (isNativeObject(value)) return value;
  throw new VirtualServerError(
    ErrorCodes.UNEXPECTED_VALUE,
    `${what}: Virtual Server answered ${describeValue(value)} where an object was expected`,
  );
}

function describeValue(value: NativeValue): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (VT_EMPTY)';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
