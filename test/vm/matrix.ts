/**
 * Which guests the VM suite boots: the smoke part (one distro, every CI run) or the full matrix
 * (`SYSFLEET_VM_FULL=1`: bullseye, bookworm, trixie, plus the busybox and NUMA files).
 */
import { parseDistros, type Distro } from '../../src/lab/vm/index.js';

export function vmFull(): boolean {
  return process.env['SYSFLEET_VM_FULL'] === '1';
}

/** `SYSFLEET_VM_DISTROS=bullseye,trixie` narrows the matrix (e.g. to rerun one distro). */
export function vmDistros(): Distro[] {
  const only = process.env['SYSFLEET_VM_DISTROS'];
  if (only) return parseDistros(only);
  return vmFull() ? ['bullseye', 'bookworm', 'trixie'] : ['bookworm'];
}
