/**
 * What the live view's `r` will undo, from the run's own events: the hosts this run changed so
 * far, grouped by what goes back to what ("12 hosts: tcp_keepalive_time 60 → 7200"), and the
 * hosts still in flight (restored too once they finish, if they changed). Pure.
 */
import { plural, shortKey } from './format.js';
import { forEachHost } from './host-table.js';
import type { HostState, UiState } from './state.js';

function restoreLabel(h: HostState): string {
  const items = h.keys
    .filter((k) => (k.action === undefined || k.action === 'written') && k.after !== undefined)
    .map((k) => `${shortKey(k.key)} ${k.after} → ${k.before ?? 'absent'}`);
  return items.length > 0 ? items.join(', ') : 'its persistent file';
}

export function rollbackPreview(state: UiState): string[] {
  const groups = new Map<string, number>();
  let changed = 0;
  forEachHost(state.hosts, (h) => {
    if (h.outcome !== 'changed') return;
    changed++;
    const label = restoreLabel(h);
    groups.set(label, (groups.get(label) ?? 0) + 1);
  });
  const inFlight = state.counts.in_flight;
  const lines = [
    `Roll back run ${state.runId ?? ''}: no new host starts;` +
      ` ${plural(changed, 'changed host')} ${changed === 1 ? 'is' : 'are'} put back` +
      (inFlight > 0 ? `, and the ${inFlight} in flight once they finish` : '') +
      ' (snapshot values and files):',
  ];
  for (const [label, n] of [...groups].sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${plural(n, 'host')}: ${label}`);
  }
  if (changed === 0 && inFlight === 0) lines.push('  no host has been changed yet');
  return lines;
}
