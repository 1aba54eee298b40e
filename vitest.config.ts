import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,gateway,workers,admin,config,loadtest,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', '**/*.browser.test.ts'],
    globalSetup: ['core/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
