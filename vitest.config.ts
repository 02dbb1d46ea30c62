import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs pure code against captured fixtures (fast, parallel);
// `integration` runs against real OpenSSH hosts in network namespaces that the test run
// brings up itself (see test/integration/global-setup.ts), one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/unit/ink-outside-ci.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
