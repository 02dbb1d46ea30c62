/**
 * The shells the host programs must run under, as found on this machine (undefined when missing):
 * dash (Debian/Ubuntu /bin/sh), busybox (Alpine, embedded), bash (RHEL family /bin/sh). The tests
 * that need them skip outside CI when not root, and fail in CI when a shell is missing.
 */
import { existsSync } from 'node:fs';

const first = (paths: string[]): string | undefined => paths.find((p) => existsSync(p));

export const SHELL_BINARIES = {
  dash: first(['/usr/bin/dash', '/bin/dash']),
  busybox: first(['/usr/bin/busybox', '/bin/busybox']),
  bash: first(['/usr/bin/bash', '/bin/bash']),
};

export const runsAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
export const inCi = process.env.CI === 'true';
