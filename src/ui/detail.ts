/**
 * The detail pane's lines for one host, pure: each key before → after (or as planned), errors,
 * shadowing, evidence findings before/after and socket counts before/after.
 */
import type { HostFacts } from '../facts/types.js';
import type { Finding } from '../plan/types.js';
import { formatDuration, formatKeyChange, shortKey } from './format.js';
import { describeChange } from './group.js';
import type { HostState } from './state.js';

export interface DetailLine {
  text: string;
  color?: string;
  bold?: boolean;
}

function findingLines(before: Finding[], after: Finding[] | undefined): DetailLine[] {
  const afterById = new Map((after ?? []).map((f) => [f.id, f]));
  const ids = [...new Set([...before.map((f) => f.id), ...afterById.keys()])];
  return ids.map((id) => {
    const b = before.find((f) => f.id === id);
    const a = afterById.get(id);
    const worst = a ?? b;
    const value = after ? `${b?.value ?? '-'} → ${a?.value ?? 'ok'}` : String(b?.value);
    const color =
      worst?.severity === 'critical' ? 'red' : worst?.severity === 'warning' ? 'yellow' : undefined;
    return {
      text: `  ${id} (incident ${worst?.incident}): ${value}  ${worst?.message ?? ''}`.trimEnd(),
      color,
    };
  });
}

function socketLine(before: HostFacts, after?: HostFacts): DetailLine {
  const pick = (f: HostFacts) => f.tcpStates;
  const b = pick(before);
  const a = after ? pick(after) : undefined;
  const part = (label: string, k: keyof typeof b) => `${label} ${b[k]}${a ? ` → ${a[k]}` : ''}`;
  return {
    text: `  sockets: ${[part('ESTAB', 'established'), part('TIME_WAIT', 'timeWait'), part('CLOSE_WAIT', 'closeWait'), part('SYN_RECV', 'synRecv')].join(', ')}`,
  };
}

export function detailLines(h: HostState): DetailLine[] {
  const status = h.outcome ?? h.phase;
  const meta = [
    status,
    h.wave ? `wave ${h.wave}` : '',
    h.durationMs !== undefined ? formatDuration(h.durationMs) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const kernel = h.facts ? ` · ${h.facts.kernel.release}` : '';
  const lines: DetailLine[] = [{ text: `${h.name} · ${meta}${kernel}`, bold: true }];
  if (h.error) lines.push({ text: `error: ${h.error}`, color: 'red' });
  if (h.keys.length > 0) {
    for (const k of h.keys) {
      const value = formatKeyChange(k.before, k.after);
      lines.push({
        text: `  ${shortKey(k.key)}  ${value}${k.error ? `  ${k.error}` : ''}`,
        color: k.error ? 'red' : undefined,
      });
    }
  } else if (h.plan && h.plan.changes.length > 0) {
    for (const c of h.plan.changes) lines.push({ text: `  ${describeChange(c)}  (planned)` });
  } else if (h.plan) {
    lines.push({ text: '  no changes needed', color: 'green' });
  }
  for (const file of h.plan?.shadowWarnings ?? []) {
    lines.push({ text: `  still overridden at boot by ${file}`, color: 'yellow' });
  }
  const before = h.plan?.findings ?? [];
  if (before.length > 0 || (h.planAfter?.findings.length ?? 0) > 0) {
    lines.push({ text: h.planAfter ? 'evidence (before → after):' : 'evidence:' });
    lines.push(...findingLines(before, h.planAfter?.findings));
  }
  if (h.facts) lines.push(socketLine(h.facts, h.factsAfter));
  return lines;
}
