'use strict';
// ESLint for the TypeScript of lib/ (typescript-eslint, with type information) and the JavaScript of
// scripts/ and test/ (CommonJS, Node globals; mocha's under test/). Formatting is prettier's, not ESLint's.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'prebuilds/'] },
  {
    files: ['lib/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      // Every promise of native work must be awaited or handled: a forgotten one is a lost error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A rejection passes on what the awaited work rejected with, which TypeScript types as unknown.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // The addon's loader is required where it is needed, so that importing works where no binary is.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^node-gyp-build$'] }],
    },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022, globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
    },
  },
  {
    files: ['test/**/*.js'],
    languageOptions: { globals: { ...globals.mocha } },
  },
);
