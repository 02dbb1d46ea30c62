/** buildCheckReport: per-host results (facts + plan, or an error) into a CheckReport. Pure. */
import type { HostFacts } from '../facts/types.js';
import type { HostPlan, KeyStatus, KeyVerdict } from '../plan/types.js';
import { describeTarget } from '../plan/values.js';
import type {
  CheckReport,
  HostOutcome,
  HostReport,
  HostTransport,
  KeyReport,
  ReportSummary,
  ShardInfo,
} from './types.js';
import { exitCodeOf } from './exitCode.js';

export type HostResult = (
  | { host: string; address: string; facts: HostFacts; plan: HostPlan }
  | {
      host: string;
      address: string;
      error: { kind: string; message: string };
      reachable?: boolean;
    }
) & { transport?: HostTransport };

export interface BuildInput {
  tool: { name: string; version: string };
  runId: string;
  playbook: { name: string; source: string };
  startedAt: string;
  finishedAt: string;
  hosts: HostResult[];
  /** The slice this run checked, when it is one shard of a sharded run. */
  shard?: ShardInfo;
}

/** Statuses that are fine as they are. */
export const OK_STATUSES: readonly KeyStatus[] = ['compliant', 'absent_allowed'];

export function keyReport(v: KeyVerdict): KeyReport {
  const r: KeyReport = {
    key: v.key,
    status: v.status,
    runtime: v.runtime ?? null,
    boot: v.boot ? { value: v.boot.value, file: v.boot.file, line: v.boot.line } : null,
    target: describeTarget(v.target),
    want: v.want ?? null,
    shadowedBy: v.shadowedBy ?? null,
  };
  if (v.detail !== undefined) r.detail = v.detail;
  return r;
}

/**
 * Host outcome, worst first: critical (a critical finding) > drift (a key needs a change or a
 * required key is absent) > unknown (a key could not be read) > warning (a warning finding or a
 * shadow warning) > compliant.
 */
export function hostOutcome(keys: KeyReport[], plan: HostPlan): HostOutcome {
  if (plan.findings.some((f) => f.severity === 'critical')) return 'critical';
  if (keys.some((k) => !OK_STATUSES.includes(k.status) && k.status !== 'unreadable'))
    return 'drift';
  if (keys.some((k) => k.status === 'unreadable')) return 'unknown';
  if (plan.findings.some((f) => f.severity === 'warning') || plan.shadowWarnings.length > 0) {
    return 'warning';
  }
  return 'compliant';
}

export function hostReport(r: HostResult): HostReport {
  const via = r.transport ? { transport: r.transport } : {};
  if ('error' in r) {
    return {
      host: r.host,
      address: r.address,
      ...via,
      reachable: r.reachable ?? false,
      outcome: 'unknown',
      error: r.error,
      keys: [],
      findings: [],
      shadowWarnings: [],
    };
  }
  const keys = r.plan.verdicts.map(keyReport);
  return {
    host: r.host,
    address: r.address,
    ...via,
    reachable: true,
    outcome: hostOutcome(keys, r.plan),
    kernel: r.facts.kernel.release,
    keys,
    findings: r.plan.findings,
    shadowWarnings: r.plan.shadowWarnings,
  };
}

export function summarize(hosts: HostReport[]): ReportSummary {
  const s: ReportSummary = {
    hosts: hosts.length,
    compliant: 0,
    drift: 0,
    warning: 0,
    critical: 0,
    unknown: 0,
    unreachable: 0,
    keys: {},
    findings: { ok: 0, warning: 0, critical: 0 },
  };
  for (const h of hosts) {
    s[h.outcome]++;
    if (!h.reachable) s.unreachable++;
    for (const k of h.keys) s.keys[k.status] = (s.keys[k.status] ?? 0) + 1;
    for (const f of h.findings) s.findings[f.severity]++;
  }
  return s;
}

export type ReportHead = Omit<BuildInput, 'hosts' | 'shard'>;

/** A report of these host reports: summary, duration and exit code follow from them. */
export function assembleReport(
  head: ReportHead,
  hosts: HostReport[],
  shard?: ShardInfo,
): CheckReport {
  const summary = summarize(hosts);
  const durationMs = Math.max(0, Date.parse(head.finishedAt) - Date.parse(head.startedAt)) || 0;
  return {
    schemaVersion: 1,
    tool: head.tool,
    runId: head.runId,
    playbook: head.playbook,
    startedAt: head.startedAt,
    finishedAt: head.finishedAt,
    durationMs,
    hosts,
    summary,
    exitCode: exitCodeOf(summary),
    ...(shard ? { shard } : {}),
  };
}

export function buildCheckReport(input: BuildInput): CheckReport {
  const { hosts, shard, ...head } = input;
  return assembleReport(head, hosts.map(hostReport), shard);
}
