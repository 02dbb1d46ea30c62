/** The guests the VM lab can boot, and how `--vm` names them (pure). */
import type { Distro } from './types.js';

export interface DistroInfo {
  distro: Distro;
  /** What the guest runs, for humans (measured: /work/shared/lab-vm-facts.md). */
  about: string;
  /** A full Debian system (systemd, procps, OpenSSH, sudo) or the busybox initramfs. */
  full: boolean;
}

export const DISTROS: Record<Distro, DistroInfo> = {
  bullseye: {
    distro: 'bullseye',
    about: 'Debian 11, kernel 5.10, systemd 247, procps 3.3',
    full: true,
  },
  bookworm: {
    distro: 'bookworm',
    about: 'Debian 12, kernel 6.1, systemd 252, procps 4.0',
    full: true,
  },
  trixie: {
    distro: 'trixie',
    about: 'Debian 13, kernel 6.12, systemd 257, procps 4.0',
    full: true,
  },
  busybox: {
    distro: 'busybox',
    about: 'busybox ash/sysctl + dropbear, bookworm kernel, root in RAM',
    full: false,
  },
};

export const DEBIAN_SUITES = ['bullseye', 'bookworm', 'trixie'] as const;

/**
 * `--vm bullseye,bookworm,trixie` (or `all`, `debian`): the distros in order, duplicates kept out.
 * With `--hosts N` the list is repeated round-robin, so `--vm bookworm --hosts 3` is 3 bookworms.
 */
export function parseDistros(spec: string): Distro[] {
  const out: Distro[] = [];
  for (const raw of spec.split(',').map((s) => s.trim())) {
    const names: string[] =
      raw === 'all' ? [...DEBIAN_SUITES, 'busybox'] : raw === 'debian' ? [...DEBIAN_SUITES] : [raw];
    for (const name of names) {
      if (!(name in DISTROS)) {
        throw new Error(
          `--vm: unknown distro "${name}"; use a comma list of ${Object.keys(DISTROS).join(', ')} (or all, debian)`,
        );
      }
      if (!out.includes(name as Distro)) out.push(name as Distro);
    }
  }
  if (out.length === 0) throw new Error('--vm needs at least one distro, e.g. --vm bookworm');
  return out;
}

/** One distro per host: the list repeated round-robin over `hosts` (default: one each). */
export function assignDistros(distros: Distro[], hosts?: number): Distro[] {
  const n = hosts ?? distros.length;
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new Error(`--hosts with --vm must be 1-8 (QEMU guests are heavy), got ${String(hosts)}`);
  }
  return Array.from({ length: n }, (_, i) => distros[i % distros.length]!);
}
