/**
 * KVM or TCG. On some machines /dev/kvm opens but an accelerated guest hangs before the kernel
 * decompresses (no vmx/svm for the guest): so KVM is probed by booting the kernel for real with a
 * short timeout, and TCG is used when it does not print its banner in time. The answer is kept
 * for this boot of the machine in /run (`SYSFLEET_VM_ACCEL=kvm|tcg` overrides it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { run } from '../proc.js';
import { QEMU } from './qemu-args.js';
import type { Accel } from './types.js';

export const ACCEL_CACHE = '/run/sysfleet-lab-vm-accel';
const PROBE_TIMEOUT_MS = 15_000;

/** Did a probe boot show the kernel running? (pure) */
export function kernelStarted(consoleOutput: string): boolean {
  return /Linux version \d/.test(consoleOutput);
}

/** Boot `kernel` under KVM with no root: it prints its banner, panics and (panic=-1) exits. */
export async function probeKvm(kernel: string): Promise<{ ok: boolean; why: string }> {
  if (!existsSync('/dev/kvm')) return { ok: false, why: 'no /dev/kvm' };
  const r = await run(
    QEMU,
    [
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-accel',
      'kvm',
      '-cpu',
      'max',
      '-m',
      '128M',
      '-no-reboot',
      '-kernel',
      kernel,
      '-append',
      'console=ttyS0 panic=-1 earlyprintk=ttyS0',
      '-serial',
      'stdio',
      '-monitor',
      'none',
      '-netdev',
      'user,id=n0,restrict=on',
      '-device',
      'virtio-net-pci,netdev=n0',
    ],
    { timeoutMs: PROBE_TIMEOUT_MS },
  );
  if (kernelStarted(r.stdout)) return { ok: true, why: 'kernel booted under KVM' };
  return {
    ok: false,
    why:
      r.code === null
        ? `a KVM guest printed nothing in ${PROBE_TIMEOUT_MS / 1000} s (hangs: no vmx/svm for guests?)`
        : `qemu -accel kvm exited ${String(r.code)}: ${r.stderr.trim().split('\n')[0] ?? ''}`,
  };
}

export async function chooseAccel(
  kernel: string,
  log: (line: string) => void = () => undefined,
): Promise<Accel> {
  const forced = process.env['SYSFLEET_VM_ACCEL'];
  if (forced === 'kvm' || forced === 'tcg') {
    log(`acceleration: ${forced} (SYSFLEET_VM_ACCEL)`);
    return forced;
  }
  try {
    const cached = JSON.parse(readFileSync(ACCEL_CACHE, 'utf8')) as { accel: Accel; why: string };
    if (cached.accel === 'kvm' || cached.accel === 'tcg') {
      log(`acceleration: ${cached.accel} (${cached.why}; probed earlier this boot)`);
      return cached.accel;
    }
  } catch {
    // not probed yet on this boot
  }
  const probe = await probeKvm(kernel);
  const accel: Accel = probe.ok ? 'kvm' : 'tcg';
  mkdirSync(dirname(ACCEL_CACHE), { recursive: true });
  writeFileSync(ACCEL_CACHE, JSON.stringify({ accel, why: probe.why }) + '\n');
  log(`acceleration: ${accel} (${probe.why})`);
  return accel;
}
