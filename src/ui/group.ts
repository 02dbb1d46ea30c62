/**
 * Group hosts by identical change set, for plan review, the plain printer and the text report:
 * "412 hosts: tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10", "3 hosts: compliant",
 * "2 hosts: unreachable". Pure.
 */
import type { HostPlan, KeyChange, KeyVerdict } from '../plan/types.js';
import type { HostOutcome } from '../run/events.js';
import { plural, shortKey } from './format.js';

export interface GroupInput {
  host: string;
  plan?: HostPlan;
  outcome?: HostOutcome;
  error?: string;
}

/**
 * change: apply would change these keys; blocked: non-compliant but nothing apply can write
 * (absent/unreadable/shadowed keys); compliant; failed / unreachable: no plan for the host.
 */
export type GroupKind = 'change' | 'blocked' | 'compliant' | 'failed' | 'unreachable';

export interface ChangeGroup {
  kind: GroupKind;
  /** e.g. "tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10" or "compliant". */
  label: string;
  hosts: string[];
  /** The shared change set (empty unless kind is change). */
  changes: KeyChange[];
  /** Verdicts apply cannot fix, as text (e.g. "tcp_tw_recycle absent (required)"). */
  problems: string[];
}

const KIND_ORDER: Record<GroupKind, number> = {
  change: 0,
  blocked: 1,
  compliant: 2,
  failed: 3,
  unreachable: 4,
};

export function describeChange(c: KeyChange): string {
  const persistOnly = c.runtime ? '' : ' (persist only)';
  return `${shortKey(c.key)} ${c.from ?? 'unset'} → ${c.to}${persistOnly}`;
}

function describeProblem(v: KeyVerdict): string | undefined {
  const k = shortKey(v.key);
  switch (v.status) {
    case 'absent_required':
      return `${k} absent (required)`;
    case 'unreadable':
      return `${k} unreadable${v.detail ? `: ${v.detail}` : ''}`;
    case 'shadowed':
      return `${k} shadowed by ${v.shadowedBy ?? 'a later file'}`;
    default:
      return undefined;
  }
}

function classify(input: GroupInput): Omit<ChangeGroup, 'hosts'> {
  const { plan } = input;
  if (!plan) {
    const kind = input.outcome === 'unreachable' ? 'unreachable' : 'failed';
    return { kind, label: kind, changes: [], problems: [] };
  }
  const changed = new Set(plan.changes.map((c) => c.key));
  const problems = plan.verdicts
    .filter((v) => !changed.has(v.key))
    .map(describeProblem)
    .filter((p): p is string => p !== undefined);
  const parts = [...plan.changes.map(describeChange), ...problems];
  if (plan.changes.length > 0) {
    return { kind: 'change', label: parts.join(', '), changes: plan.changes, problems };
  }
  if (problems.length > 0)
    return { kind: 'blocked', label: parts.join(', '), changes: [], problems };
  return { kind: 'compliant', label: 'compliant', changes: [], problems: [] };
}

/**
 * Groups in review order: changes (largest first), blocked, compliant, failed, unreachable;
 * equal sizes keep the order their first host had in `inputs` (sort is stable).
 */
export function groupHosts(inputs: readonly GroupInput[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const input of inputs) {
    const g = classify(input);
    const id = `${g.kind}\u0000${g.label}`;
    const existing = groups.get(id);
    if (existing) existing.hosts.push(input.host);
    else groups.set(id, { ...g, hosts: [input.host] });
  }
  return [...groups.values()].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.hosts.length - a.hosts.length,
  );
}

/** "412 hosts: tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10" */
export function formatGroup(g: ChangeGroup): string {
  return `${plural(g.hosts.length, 'host')}: ${g.label}`;
}
