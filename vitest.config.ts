import { defineConfig } from 'vitest/config';

// Three projects: `unit` runs pure code against captured fixtures (fast, parallel);
// `integration` runs against real OpenSSH hosts in network namespaces that the test run
// brings up itself (see test/integration/global-setup.ts), one file at a time; `vm` boots QEMU
// guests with real Debian kernels (test/vm, `npm run test:vm`): the smoke file by default, every
// file with SYSFLEET_VM_FULL=1. `npm test` runs the first two.
const vmFull = process.env['SYSFLEET_VM_FULL'] === '1';

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
      {
        test: {
          name: 'vm',
          include: vmFull
            ? ['test/vm/**/*.test.ts']
            : ['test/vm/cycle.test.ts', 'test/vm/lifecycle.test.ts'],
          environment: 'node',
          globalSetup: ['test/vm/global-setup.ts'],
          fileParallelism: false,
          // TCG guests on a shared 2-core machine: a boot is 20-90 s, a reboot about as long.
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
