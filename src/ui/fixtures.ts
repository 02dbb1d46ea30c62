/**
 * Test-only factory of realistic run events (keepalive rollout of incident 1 in docs/incidents.md):
 * deterministic host names, timestamps, plans, key results and errors. Not used by the product.
 */
import type { HostFacts } from '../facts/types.js';
import type { Finding, HostPlan, KeyChange } from '../plan/types.js';
import type { HostOutcome, HostPhase, KeyResult, RunEvent, RunKind } from '../run/events.js';

export const RUN_ID = 'r-20240501-0300';

const OUTCOMES = new Set<string>([
  'compliant',
  'drift',
  'changed',
  'unchanged',
  'reverted',
  'failed',
  'rolled_back',
  'skipped',
  'unreachable',
]);

export const T0 = Date.parse('2024-05-01T03:00:00.000Z');

export function at(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

export function hostNames(n: number, prefix = 'web'): string[] {
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(width, '0')}`);
}

export const KEEPALIVE: KeyChange[] = [
  { key: 'net.ipv4.tcp_keepalive_time', from: '7200', to: '60', runtime: true },
  { key: 'net.ipv4.tcp_keepalive_intvl', from: '75', to: '10', runtime: true },
];

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'time_wait_port_ratio',
    severity: 'warning',
    incident: 2,
    message: 'TIME_WAIT sockets use 62% of the local port range',
    value: 0.62,
    warn: 0.5,
    crit: 0.8,
    ...over,
  };
}

export function plan(
  host: string,
  changes: KeyChange[] = KEEPALIVE,
  over: Partial<HostPlan> = {},
): HostPlan {
  return {
    host,
    verdicts: changes.map((c) => ({
      key: c.key,
      target: { kind: 'exact', value: c.to },
      status: c.runtime ? 'runtime_differs' : 'not_persisted',
      runtime: c.from,
      want: c.to,
    })),
    changes,
    persistFile: changes.length
      ? {
          path: '/etc/sysctl.d/60-sysfleet-keepalive.conf',
          content: changes.map((c) => `${c.key} = ${c.to}\n`).join(''),
        }
      : undefined,
    findings: [],
    shadowWarnings: [],
    ...over,
  };
}

export function facts(host: string, timeWait = 120): HostFacts {
  return {
    host,
    gatheredAt: at(0),
    kernel: { release: '6.1.0-21-amd64', machine: 'x86_64' },
    distro: { id: 'debian', versionId: '12' },
    sysctlLoader: 'systemd',
    sysctls: { 'net.ipv4.tcp_keepalive_time': { state: 'value', value: '7200' } },
    sysctlFiles: [],
    sockstat: { TCP: { inuse: 40, orphan: 0, tw: timeWait, alloc: 45, mem: 3 } },
    counters: { TcpExt: { ListenOverflows: 0 } },
    tcpStates: { established: 30, timeWait, closeWait: 1, synRecv: 0, source: 'ss' },
    conntrack: {},
    localPortRange: [32768, 60999],
    numaNodes: 1,
  };
}

export function runStarted(
  hosts: string[],
  opts: { runId?: string; kind?: RunKind; playbook?: string; waves?: string[][] } = {},
): RunEvent {
  return {
    type: 'run-started',
    at: at(0),
    runId: opts.runId ?? RUN_ID,
    kind: opts.kind ?? 'apply',
    playbook: opts.playbook ?? 'nat-keepalive',
    hosts,
    waves: opts.waves ?? [hosts],
  };
}

export function keyResults(outcome: HostOutcome, changes: KeyChange[] = KEEPALIVE): KeyResult[] {
  if (outcome === 'changed')
    return changes.map((c) => ({ key: c.key, before: c.from, after: c.to }));
  if (outcome === 'failed') {
    // As a real host's transaction reports it: the first write refused, the rest never reached.
    return changes.map((c, i) =>
      i === 0
        ? {
            key: c.key,
            action: 'failed',
            before: c.from,
            want: c.to,
            error: 'EPERM: read-only key',
          }
        : { key: c.key, action: 'not_reached', before: c.from },
    );
  }
  return [];
}

const ERRORS: Partial<Record<HostOutcome, string>> = {
  unreachable: 'connect ECONNREFUSED 127.0.0.1:2222',
  failed: 'write net.ipv4.tcp_keepalive_time: EPERM',
  reverted: 'verify failed: tcp_keepalive_time reads 7200, restored snapshot',
};

/** Where a host is at the end of a scenario: an outcome, still in some phase, or untouched. */
export type HostFate = HostOutcome | Exclude<HostPhase, 'done'>;

/** Events for one host up to its fate, starting at `t0` ms after T0. */
export function hostEvents(
  host: string,
  fate: HostFate,
  t0: number,
  durationMs = 1200,
): RunEvent[] {
  if (fate === 'pending') return [];
  const ev: RunEvent[] = [{ type: 'host-phase', at: at(t0), host, phase: 'connecting' }];
  if (fate === 'connecting') return ev;
  if (fate === 'unreachable') {
    const error = ERRORS.unreachable;
    return [
      ...ev,
      {
        type: 'host-done',
        at: at(t0 + durationMs),
        host,
        outcome: fate,
        keys: [],
        error,
        durationMs,
      },
    ];
  }
  ev.push({ type: 'host-phase', at: at(t0 + 100), host, phase: 'gathering' });
  ev.push({ type: 'host-facts', at: at(t0 + 300), host, facts: facts(host) });
  if (fate === 'gathering') return ev;
  const changes = fate === 'compliant' || fate === 'unchanged' ? [] : KEEPALIVE;
  ev.push({ type: 'host-planned', at: at(t0 + 400), host, plan: plan(host, changes) });
  ev.push({ type: 'host-phase', at: at(t0 + 400), host, phase: 'planned' });
  if (fate === 'planned') return ev;
  ev.push({ type: 'host-phase', at: at(t0 + 500), host, phase: 'applying' });
  if (fate === 'applying' || fate === 'verifying' || fate === 'rolling_back') {
    if (fate !== 'applying') ev.push({ type: 'host-phase', at: at(t0 + 700), host, phase: fate });
    return ev;
  }
  const done: RunEvent = {
    type: 'host-done',
    at: at(t0 + durationMs),
    host,
    outcome: fate,
    keys: keyResults(fate, changes),
    error: ERRORS[fate],
    durationMs,
  };
  return [...ev, done];
}

/** A whole run: run-started, one wave, each host's events; `fate(i)` decides host i's end. */
export function scenario(
  n: number,
  fate: (i: number) => HostFate,
  opts: { finished?: boolean; kind?: RunKind } = {},
): RunEvent[] {
  const hosts = hostNames(n);
  const events: RunEvent[] = [
    runStarted(hosts, { kind: opts.kind }),
    { type: 'wave-started', at: at(0), wave: 1, hosts },
  ];
  hosts.forEach((h, i) => events.push(...hostEvents(h, fate(i), 10 * i, 1000 + (i % 5) * 100)));
  if (opts.finished) {
    const counts: Partial<Record<HostOutcome, number>> = {};
    hosts.forEach((_, i) => {
      const f = fate(i);
      const outcome: HostOutcome = OUTCOMES.has(f) ? (f as HostOutcome) : 'skipped';
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    });
    const bad = (counts.failed ?? 0) + (counts.unreachable ?? 0) + (counts.reverted ?? 0);
    const exitCode = bad > 0 ? 2 : 0;
    events.push({ type: 'run-finished', at: at(10 * n + 2000), runId: RUN_ID, exitCode, counts });
  }
  return events;
}
