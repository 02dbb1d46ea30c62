/**
 * Synthetic host reports for the merge benchmark and tests: a deterministic fleet of any size
 * with the mix a real sweep sees (mostly compliant, some drift, warnings, a critical finding,
 * unreachable hosts), each host with three keys and two findings like the lab playbook's.
 */
import { assembleReport, type ReportHead } from './build.js';
import type { CheckReport, HostReport, KeyReport } from './types.js';
import { selectShard, fleetDigest } from '../shard/index.js';

const KEYS = [
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_keepalive_time',
];
const WANT: Record<string, string> = { [KEYS[0]!]: '30', [KEYS[1]!]: '5', [KEYS[2]!]: '600' };

function key(k: string, drift: boolean): KeyReport {
  return {
    key: k,
    status: drift ? 'runtime_differs' : 'compliant',
    runtime: drift ? '7200' : WANT[k]!,
    boot: { value: WANT[k]!, file: '/etc/sysctl.d/60-check-lab.conf', line: 3 },
    target: WANT[k]!,
    want: drift ? WANT[k]! : null,
    shadowedBy: null,
  };
}

export function syntheticHost(i: number): HostReport {
  const host = `host-${String(i).padStart(6, '0')}.example.net`;
  const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  if (i % 97 === 13)
    return {
      host,
      address,
      reachable: false,
      outcome: 'unknown',
      error: { kind: 'timeout', message: `connect to ${address}:22 timed out after 10s` },
      keys: [],
      findings: [],
      shadowWarnings: [],
    };
  const drift = i % 17 === 5;
  const warning = i % 23 === 7;
  const critical = i % 101 === 3;
  return {
    host,
    address,
    reachable: true,
    outcome: critical ? 'critical' : drift ? 'drift' : warning ? 'warning' : 'compliant',
    kernel: '6.1.0-27-amd64',
    keys: KEYS.map((k) => key(k, drift && k === KEYS[2])),
    findings: [
      {
        id: 'time_wait_port_ratio',
        severity: warning ? 'warning' : 'ok',
        incident: 2,
        message: `TIME_WAIT sockets use ${warning ? 4 : 0}% of the local port range`,
        value: warning ? 0.04 : 0,
        warn: 0.01,
        crit: 0.5,
      },
      {
        id: 'close_wait',
        severity: critical ? 'critical' : 'ok',
        incident: 5,
        message: `${critical ? 50 : 0} sockets in CLOSE_WAIT`,
        value: critical ? 50 : 0,
        warn: 5,
        crit: 40,
      },
    ],
    shadowWarnings: [],
  };
}

export const SYNTHETIC_HEAD: ReportHead = {
  tool: { name: 'sysfleet', version: '0.1.0' },
  runId: '20261202T170000Z-5a4d',
  playbook: { name: 'check-lab', source: 'playbooks/check-lab.yaml' },
  startedAt: '2026-12-02T17:00:00.000Z',
  finishedAt: '2026-12-02T17:00:25.000Z',
};

export function syntheticFleet(n: number): HostReport[] {
  return Array.from({ length: n }, (_, i) => syntheticHost(i));
}

/** The report one unsharded run over `hosts` writes. */
export function unshardedReport(
  hosts: HostReport[],
  head: ReportHead = SYNTHETIC_HEAD,
): CheckReport {
  return assembleReport(head, hosts);
}

/** The reports `count` shards of that run write (each with the same head). */
export function shardReports(
  hosts: HostReport[],
  count: number,
  head: ReportHead = SYNTHETIC_HEAD,
  playbookDigest = `sha256:${'0'.repeat(64)}`,
): CheckReport[] {
  const fleet = hosts.map((h) => ({ name: h.host, address: h.address, port: 22 }));
  const digest = fleetDigest(fleet);
  return Array.from({ length: count }, (_, index) => {
    const slice = selectShard(
      hosts.map((h) => ({ ...h, name: h.host })),
      { index, count },
    );
    return assembleReport(
      head,
      slice.positions.map((p) => hosts[p]!),
      {
        index,
        count,
        fleet: { hosts: hosts.length, digest },
        playbookDigest,
        positions: slice.positions,
      },
    );
  });
}
