// ESLint's flat config (defineConfig), with typescript-eslint's type-aware rules: a promise that
// is neither awaited nor handled, or an await on something that is not a promise, is an error.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    'coverage/',
    'test/e2e/site/.next*/', // each e2e file's own distDir (.next-<name>) too
    'test/e2e/site/.next/',
    // Each e2e file's own build (.next-<name>, issue 14's .next-receivers among them).
    'test/e2e/site/.next*/',
    'test/e2e/site/node_modules/',
    'test/e2e/site/next-env.d.ts',
    'test/e2e/site/next.config.mjs',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      // The TypeScript sources and, through tsconfig.scripts.json, the plain .mjs scripts.
      parserOptions: { project: ['./tsconfig.json', './tsconfig.scripts.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The Next.js site of the end-to-end test is its own project, with its own tsconfig and
    // node_modules (installed by the test): linted without type information.
    files: ['test/e2e/site/**'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { parserOptions: { project: false } },
  },
);
