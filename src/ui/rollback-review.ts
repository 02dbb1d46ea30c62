/**
 * What a rollback will restore, as a review like apply's plan review: hosts grouped by identical
 * restore set ("48 hosts: tcp_keepalive_time 60 → 7200, remove /etc/sysctl.d/60-x.conf"), hosts
 * without a snapshot, and hosts that cannot be reached now. Pure: built from the snapshots the
 * run kept (on this machine or on the hosts).
 */
import type { Snapshot } from '../apply/types.js';
import type { RollbackPreflightHost } from '../run/rollback-run.js';
import type { ChangeGroup } from './group.js';
import { plural, shortKey } from './format.js';
import type { PlanReview } from './review.js';
import type { ReviewWording } from './PlanReview.js';

/** The restore set of one snapshot as words, each item one key or file. */
export function restoreItems(snapshot: Snapshot, keyFilter?: (key: string) => boolean): string[] {
  const items: string[] = [];
  for (const k of snapshot.keys) {
    if (k.runValue === undefined || (keyFilter && !keyFilter(k.key))) continue;
    if (k.state === 'value') items.push(`${shortKey(k.key)} ${k.runValue} → ${k.value}`);
  }
  if (!keyFilter) {
    for (const f of snapshot.files) {
      items.push(f.state === 'absent' ? `remove ${f.path}` : `restore ${f.path}`);
    }
  }
  return items;
}

export function buildRollbackReview(
  inputs: readonly RollbackPreflightHost[],
  keyFilter?: (key: string) => boolean,
): PlanReview {
  const groups = new Map<string, ChangeGroup>();
  const add = (kind: ChangeGroup['kind'], label: string, host: string) => {
    const id = `${kind}\u0000${label}`;
    const g = groups.get(id) ?? { kind, label, hosts: [], changes: [], problems: [] };
    g.hosts.push(host);
    groups.set(id, g);
  };
  let restoring = 0;
  for (const i of inputs) {
    if (i.unreachable !== undefined)
      add('unreachable', `unreachable now: ${i.unreachable}`, i.host);
    else if (!i.snapshot) add('failed', 'no snapshot of this run: nothing to restore', i.host);
    else {
      const items = restoreItems(i.snapshot, keyFilter);
      if (items.length === 0) add('compliant', 'nothing this run changed to restore', i.host);
      else {
        restoring++;
        add('change', items.join(', '), i.host);
      }
    }
  }
  const order = { change: 0, blocked: 1, compliant: 2, failed: 3, unreachable: 4 } as const;
  return {
    groups: [...groups.values()].sort(
      (a, b) => order[a.kind] - order[b.kind] || b.hosts.length - a.hosts.length,
    ),
    shadowing: [],
    findings: [],
    totalHosts: inputs.length,
    changingHosts: restoring,
  };
}

export function rollbackWording(runId: string, review: PlanReview): ReviewWording {
  const unreachable = review.groups
    .filter((g) => g.kind === 'unreachable')
    .reduce((n, g) => n + g.hosts.length, 0);
  return {
    heading:
      `Rollback of run ${runId}: ${plural(review.totalHosts, 'host')}, ${review.changingHosts} to restore` +
      (unreachable > 0 ? `, ${unreachable} unreachable now` : ''),
    question: `Roll back ${plural(review.changingHosts, 'host')}?`,
    confirmed: 'confirmed: rolling back',
    declined: 'declined: nothing restored',
  };
}
