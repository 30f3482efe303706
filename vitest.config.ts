import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Each run gets its own temp folder and fails if a test leaves a sluice-* folder in it.
    globalSetup: ['./test/support/temp-check.ts'],
    setupFiles: ['./test/support/remove-temp-dirs.ts'],
    reporters: ['default', './test/support/summary-reporter.ts', './test/support/stall-reporter.ts'],
  },
});
