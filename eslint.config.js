import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { packageBoundaries } from './scripts/lint/package-boundaries.js'

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The dashboard's scripts run in the browser, served as they are (no build step).
  { files: ['gateway/src/dashboard/public/**/*.js'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Tests, scripts and the bench too: no relative path crosses a workspace package.
  { plugins: { lav: { rules: { 'package-boundaries': packageBoundaries } } }, rules: { 'lav/package-boundaries': 'error' } },
  // The values schema has one owner (values-db/README.md): feature-store-svc migrates it, the worker only checks its version.
  {
    files: ['export-worker/src/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@lav/values-db/migrate', message: 'feature-store-svc applies the migrations; the worker checks the version (requireSchemaVersion).' }] }],
    },
  },
)
