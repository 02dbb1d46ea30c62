/**
 * Which guests the VM suite boots: the smoke part (one distro, every CI run) or the full matrix
 * (`SYSFLEET_VM_FULL=1`: bullseye, bookworm, trixie, plus the busybox and NUMA files).
 */
import type { Distro } from '../../src/lab/vm/index.js';

export function vmFull(): boolean {
  return process.env['SYSFLEET_VM_FULL'] === '1';
}

export function vmDistros(): Distro[] {
  return vmFull() ? ['bullseye', 'bookworm', 'trixie'] : ['bookworm'];
}
