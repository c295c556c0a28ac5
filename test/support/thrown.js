'use strict';
// What the tests catch, typed for the checker (tsconfig.test.json): a thrown value is `unknown` to it
// until a test has checked that it is an Error.

/**
 * What lib/, the addon and Node throw: an Error with a code (ERR_...), perhaps an hresult, and other
 * properties (cause...) a test reads.
 * @typedef {Error & { code?: string, hresult?: number, hresultName?: string, [key: string]: unknown }} ThrownError
 */

/**
 * Whether what was thrown is such an Error; `assert.ok(isError(error))` narrows an assert.throws callback's
 * argument to it.
 * @param {unknown} thrown
 * @returns {thrown is ThrownError}
 */
function isError(thrown) {
  if (!(thrown instanceof Error)) return false;
  const { code, hresult } = /** @type {{ code?: unknown, hresult?: unknown }} */ (thrown);
  return (code === undefined || typeof code === 'string') && (hresult === undefined || typeof hresult === 'number');
}

module.exports = { isError };
