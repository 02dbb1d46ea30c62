/**
 * What `sysfleet lab up` needs from the machine, checked before anything is created, so a fresh
 * Debian without (say) sudo gets one clear line naming what is missing and the packages that
 * provide it, instead of a mount error halfway through. The test suite's global setup uses the
 * same list. The probe is injectable so the rules are unit-tested; the integration test runs the
 * real CLI in a mount namespace where sudo has been removed.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';

export interface LabNeed {
  /** What is missing, e.g. "sudo" or "/usr/sbin/sshd". */
  what: string;
  /** The Debian package that provides it, when there is one. */
  package?: string;
  /** Why the lab needs it. */
  why: string;
}

/** Executables the lab runs, each with its Debian package and what it is for. */
const TOOLS: ReadonlyArray<{ paths: string[]; name: string; package: string; why: string }> = [
  { name: 'sshd', paths: ['/usr/sbin/sshd'], package: 'openssh-server', why: "each host's sshd" },
  {
    name: 'ssh-keygen',
    paths: ['/usr/bin/ssh-keygen'],
    package: 'openssh-client',
    why: 'host and user keys',
  },
  {
    name: 'ip',
    paths: ['/usr/sbin/ip', '/usr/bin/ip', '/sbin/ip', '/bin/ip'],
    package: 'iproute2',
    why: 'network namespaces',
  },
  { name: 'nsenter', paths: ['/usr/bin/nsenter'], package: 'util-linux', why: 'entering a host' },
  { name: 'unshare', paths: ['/usr/bin/unshare'], package: 'util-linux', why: 'mount namespaces' },
  { name: 'sudo', paths: ['/usr/bin/sudo'], package: 'sudo', why: 'the become (sudo) hosts' },
  { name: 'perl', paths: ['/usr/bin/perl'], package: 'perl', why: 'hashing the sudo password' },
  { name: 'bash', paths: ['/bin/bash', '/usr/bin/bash'], package: 'bash', why: 'the mount script' },
];

/** Files a lab host's mount namespace binds over (they must exist on the machine). */
const FILES: ReadonlyArray<{ path: string; package: string; why: string }> = [
  { path: '/etc/sudoers', package: 'sudo', why: "the hosts' own sudoers" },
];

export interface Probe {
  executable(path: string): boolean;
  exists(path: string): boolean;
  /** /proc/filesystems */
  filesystems(): string;
  /** Can this process make network and mount namespaces? */
  namespaces(): boolean;
  isRoot(): boolean;
}

export const machineProbe: Probe = {
  executable: (p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  exists: (p) => existsSync(p),
  filesystems: () => readFileSync('/proc/filesystems', 'utf8'),
  namespaces: () =>
    spawnSync('unshare', ['--net', '--mount', 'true'], { timeout: 10_000 }).status === 0,
  isRoot: () => typeof process.getuid !== 'function' || process.getuid() === 0,
};

export function labNeeds(probe: Probe = machineProbe): LabNeed[] {
  const missing: LabNeed[] = [];
  if (!probe.isRoot()) missing.push({ what: 'root', why: 'namespaces, mounts and sshd' });
  for (const t of TOOLS) {
    if (!t.paths.some((p) => probe.executable(p)))
      missing.push({ what: t.name, package: t.package, why: t.why });
  }
  for (const f of FILES) {
    // sudo missing is reported once, as the tool
    if (!probe.exists(f.path) && !missing.some((m) => m.package === f.package))
      missing.push({ what: f.path, package: f.package, why: f.why });
  }
  if (missing.length === 0) {
    if (!probe.namespaces())
      missing.push({ what: 'namespaces', why: 'unshare --net --mount failed (CAP_SYS_ADMIN?)' });
    if (!/\boverlay\b/.test(probe.filesystems()))
      missing.push({ what: 'overlayfs', why: 'mount points the machine lacks (modprobe overlay)' });
  }
  return missing;
}

/** One line: what is missing and why, and the apt-get command that provides it. */
export function formatLabNeeds(missing: readonly LabNeed[]): string {
  const items = missing.map((m) => `${m.what} (${m.why})`).join(', ');
  const pkgs = [...new Set(missing.flatMap((m) => (m.package ? [m.package] : [])))];
  return `sysfleet lab needs ${items}${pkgs.length ? `; install with: apt-get install ${pkgs.join(' ')}` : ''}`;
}
