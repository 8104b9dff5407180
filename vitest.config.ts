import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The e2e site is a Next.js app with its own node_modules: nothing in it is a test of ours.
    exclude: [...configDefaults.exclude, 'test/e2e/site/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
