/**
 * The fleet test/integration/check.test.ts prepares (WITHOUT sysfleet: backing dirs and
 * lab.exec) and what `sysfleet check` must say about each host. Playbook:
 * test/fixtures/playbooks/check-lab.yaml (keepalive time 600, intvl 30, probes <= 5;
 * TIME_WAIT ratio warn 0.01, CLOSE_WAIT warn 5 / crit 40).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import type { HostOutcome } from '../../../src/report/types.js';
import type { KeyStatus } from '../../../src/plan/types.js';

export const HOSTS = 50;
/** The last two hosts get password sudo (labUp sudoPasswordHosts). */
export const SUDO_PASSWORD_HOSTS = 2;

export const TIME = 'net.ipv4.tcp_keepalive_time';
export const INTVL = 'net.ipv4.tcp_keepalive_intvl';
export const PROBES = 'net.ipv4.tcp_keepalive_probes';
/** In the order the report lists them (sorted). */
export const KEYS = [INTVL, PROBES, TIME] as const;
export const RIGHT: Record<string, string> = { [TIME]: '600', [INTVL]: '30', [PROBES]: '5' };
/** Debian/kernel defaults every lab host starts with. */
export const DEFAULTS: Record<string, string> = { [TIME]: '7200', [INTVL]: '75', [PROBES]: '9' };

export const PERSIST_FILE = '/etc/sysctl.d/60-check-lab.conf';
export const VENDOR_FILE = '/usr/lib/sysctl.d/99-zz-vendor.conf';

/** Special hosts; every other host is fully compliant (runtime and a right file). */
export const S = {
  marker: 'h01', // compliant, and leaves a marker when any SSH command runs (control for h37)
  runtimeDrift: 'h31', // right file, runtime keepalive_time still 7200
  notPersisted: 'h32', // right runtime, no file at all
  persistedDiffers: 'h33', // right runtime, the file sets keepalive_time 900
  shadowed: 'h34', // right runtime and file, /usr/lib/sysctl.d/99-zz-vendor.conf sets 7200 later
  stopped: 'h35', // port closed: refused
  blackholed: 'h36', // TCP accepted, no banner: timeout
  rotated: 'h37', // new host key, known_hosts untouched: nothing may run there
  timeWait: 'h38', // compliant keys, TIME_WAIT sockets: warning finding
  closeWait: 'h39', // compliant keys, 50 CLOSE_WAIT sockets: critical finding
} as const;

// 1000 / 28232 ports = 0.035 >= warn 0.01. The CLOSE_WAIT host also counts ~50 in sockstat "tw"
// (its server side closed first: FIN_WAIT_2 minisockets), 0.002: below warn on purpose.
export const TIME_WAIT_SOCKETS = 1000;
export const CLOSE_WAIT_SOCKETS = 50; // >= crit 40

export const hostNames = (): string[] =>
  Array.from({ length: HOSTS }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
export const passwordSudoHosts = (): string[] => hostNames().slice(-SUDO_PASSWORD_HOSTS);

export interface Expected {
  outcome: HostOutcome;
  /** TransportError kind when the host cannot be checked. */
  error?: string;
  keys?: Record<string, KeyStatus>;
  /** finding id -> severity; every other finding must be `ok`. */
  findings?: Record<string, 'warning' | 'critical'>;
}

const allCompliant = (): Record<string, KeyStatus> => ({
  [INTVL]: 'compliant',
  [PROBES]: 'compliant',
  [TIME]: 'compliant',
});

export function expected(host: string): Expected {
  switch (host) {
    case S.runtimeDrift:
      return { outcome: 'drift', keys: { ...allCompliant(), [TIME]: 'runtime_differs' } };
    case S.notPersisted:
      return {
        outcome: 'drift',
        keys: { [INTVL]: 'not_persisted', [PROBES]: 'not_persisted', [TIME]: 'not_persisted' },
      };
    case S.persistedDiffers:
      return { outcome: 'drift', keys: { ...allCompliant(), [TIME]: 'persisted_differs' } };
    case S.shadowed:
      return { outcome: 'drift', keys: { ...allCompliant(), [TIME]: 'shadowed' } };
    case S.stopped:
      return { outcome: 'unknown', error: 'refused' };
    case S.blackholed:
      return { outcome: 'unknown', error: 'timeout' };
    case S.rotated:
      return { outcome: 'unknown', error: 'host_key_changed' };
    case S.timeWait:
      return {
        outcome: 'warning',
        keys: allCompliant(),
        findings: { time_wait_port_ratio: 'warning' },
      };
    case S.closeWait:
      return { outcome: 'critical', keys: allCompliant(), findings: { close_wait: 'critical' } };
    default:
      return { outcome: 'compliant', keys: allCompliant() };
  }
}

function persistContent(values: Record<string, string>): string {
  return [
    '# written by test/integration/check.test.ts (not by sysfleet)',
    ...Object.entries(values).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
}

/** Lay out files and runtime values on every host as `expected` says. Faults come later. */
export async function prepareFleet(lab: Lab): Promise<void> {
  for (const host of hostNames()) {
    const b = lab.host(host).backing;
    const runtime = { ...RIGHT };
    if (host === S.runtimeDrift) runtime[TIME] = DEFAULTS[TIME]!;
    if (host !== S.notPersisted) {
      const file = host === S.persistedDiffers ? { ...RIGHT, [TIME]: '900' } : RIGHT;
      writeFileSync(join(b.etcSysctlD, '60-check-lab.conf'), persistContent(file), {
        mode: 0o644,
      });
    }
    if (host === S.shadowed) {
      writeFileSync(
        join(b.usrLibSysctlD, '99-zz-vendor.conf'),
        persistContent({ [TIME]: DEFAULTS[TIME]! }),
        { mode: 0o644 },
      );
    }
    // net.* only, inside the host's own network namespace.
    const r = await lab.exec(
      host,
      ['sysctl', '-q', '-w', ...Object.entries(runtime).map(([k, v]) => `${k}=${v}`)],
      { timeoutMs: 10_000 },
    );
    if (r.code !== 0) throw new Error(`${host}: sysctl -w failed: ${r.stderr}`);
  }
}

/** sshd on `host` touches `marker` before running any command (shell, exec or subsystem). */
export function installCommandMarker(lab: Lab, host: string, marker: string): void {
  const config = join(lab.host(host).backing.etcSsh, 'sshd_config');
  writeFileSync(
    config,
    `ForceCommand touch ${marker} && exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n`,
    { flag: 'a' },
  );
}
