import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{gateway,admin}/**/*.browser.test.ts'],
    globalSetup: ['core/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
