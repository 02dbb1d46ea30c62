/**
 * The detail pane's lines for one host, pure: what happened to each key and file in words an
 * operator reads at 3 a.m. (set, refused and why, put back, not reached), the error, shadowing,
 * evidence findings before/after and socket counts before/after. Evidence that is all zero
 * says nothing and is left out.
 */
import type { HostFacts } from '../facts/types.js';
import type { Finding } from '../plan/types.js';
import type { FileResult, KeyResult } from '../run/events.js';
import { formatDuration, formatKeyChange, shortKey } from './format.js';
import { describeChange } from './group.js';
import type { HostState } from './state.js';

export interface DetailLine {
  text: string;
  color?: string;
  bold?: boolean;
}

/** A finding worth a row: anything not ok, or a counter that is not zero. */
function telling(f: Finding | undefined): boolean {
  return f !== undefined && (f.severity !== 'ok' || f.value !== 0);
}

function findingLines(before: Finding[], after: Finding[] | undefined): DetailLine[] {
  const afterById = new Map((after ?? []).map((f) => [f.id, f]));
  const ids = [...new Set([...before.map((f) => f.id), ...afterById.keys()])].filter((id) =>
    [before.find((f) => f.id === id), afterById.get(id)].some(telling),
  );
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

const SOCKET_COUNTS = [
  ['ESTAB', 'established'],
  ['TIME_WAIT', 'timeWait'],
  ['CLOSE_WAIT', 'closeWait'],
  ['SYN_RECV', 'synRecv'],
] as const;

/** Socket counts before (→ after); states at zero on both sides are left out, all zero: no line. */
function socketLine(before: HostFacts, after?: HostFacts): DetailLine | undefined {
  const b = before.tcpStates;
  const a = after?.tcpStates;
  // Not counted: the playbook has no finding that reads them (plan/findings.ts gatherWantsOf).
  if (!b) return undefined;
  const parts = SOCKET_COUNTS.filter(([, k]) => b[k] !== 0 || (a !== undefined && a[k] !== 0)).map(
    ([label, k]) => `${label} ${b[k]}${a ? ` → ${a[k]}` : ''}`,
  );
  return parts.length > 0 ? { text: `  sockets: ${parts.join(', ')}` } : undefined;
}

const was = (v: string | undefined) => v ?? 'absent';

/** One key's line: what happened to it, not just two values. */
export function keyLine(k: KeyResult): DetailLine {
  const key = shortKey(k.key);
  const why = k.error ? `: ${k.error}` : '';
  switch (k.action) {
    case 'written':
      return { text: `  ${key}  ${was(k.before)} → ${k.after ?? k.want ?? '?'}` };
    case 'same':
      return { text: `  ${key}  ${k.after ?? k.before ?? '?'} (already set)`, color: 'gray' };
    case 'skipped':
      return {
        text: `  ${key}  ${k.want ?? k.after ?? '?'} in the file only (runtime already right)`,
      };
    case 'failed':
      return {
        text: `  ${key}  ${was(k.before)} → ${k.want ?? '?'} REFUSED${why}`,
        color: 'red',
      };
    case 'reverted':
      return {
        text: `  ${key}  ${was(k.before)} → ${k.want ?? k.after ?? '?'}, put back to ${was(k.before)}${why}`,
        color: 'yellow',
      };
    case 'revert_failed':
      return {
        text: `  ${key}  NOT put back: reads ${k.after ?? '?'}, was ${was(k.before)}${why}`,
        color: 'red',
        bold: true,
      };
    case 'not_reached':
      return { text: `  ${key}  ${was(k.before)}, untouched (not reached)`, color: 'gray' };
    case 'restored':
      return { text: `  ${key}  ${k.before ?? '?'} → ${was(k.after)} (restored)` };
    case 'already':
      return { text: `  ${key}  ${k.after ?? k.before ?? '?'} (already restored)`, color: 'gray' };
    case 'changed_since':
      return {
        text: `  ${key}  ${k.before ?? '?'}: changed since the run, left alone (--force restores)`,
        color: 'yellow',
      };
    case 'not_in_snapshot':
      return { text: `  ${key}  not in the snapshot: nothing to restore`, color: 'gray' };
    default:
      if (k.error) {
        return { text: `  ${key}  ${was(k.before)}${why}`, color: 'red' };
      }
      return {
        text: `  ${key}  ${k.after === undefined ? `${was(k.before)} (unchanged)` : formatKeyChange(k.before, k.after)}`,
      };
  }
}

const FILE_WORDS: Record<string, string> = {
  written: 'written',
  same: 'already as planned',
  restored: 'put back as it was',
  removed: 'removed (the run had created it)',
  already: 'already restored',
  failed: 'FAILED',
  revert_failed: 'NOT put back',
  not_reached: 'untouched (not reached)',
  changed_since: 'changed since the run, left alone (--force restores)',
  skipped: 'kept',
};

function fileLine(f: FileResult): DetailLine {
  const bad = f.action === 'failed' || f.action === 'revert_failed';
  return {
    text: `  ${f.path}  ${FILE_WORDS[f.action] ?? f.action}${f.error ? `: ${f.error}` : ''}`,
    ...(bad ? { color: 'red' } : {}),
  };
}

/** For a host that did not end as planned: was anything left changed? */
function aftermath(h: HostState): DetailLine | undefined {
  if (h.outcome !== 'reverted' && h.outcome !== 'failed') return undefined;
  const keys = h.keys;
  const files = h.files ?? [];
  const stuck =
    keys.some((k) => k.action === 'revert_failed') ||
    files.some((f) => f.action === 'revert_failed');
  if (stuck) {
    return {
      text: 'NOT everything was put back: the lines marked NOT differ from before the run',
      color: 'red',
      bold: true,
    };
  }
  if (keys.length === 0 && files.length === 0) {
    return { text: 'nothing was reported changed on this host', color: 'gray' };
  }
  // Only what the host said: results without actions (older records) claim nothing.
  if (!keys.some((k) => k.action) && files.length === 0) return undefined;
  const changed =
    keys.some((k) => k.action === 'written') || files.some((f) => f.action === 'written');
  if (changed) return undefined;
  const putBack =
    keys.some((k) => k.action === 'reverted') ||
    files.some((f) => f.action === 'restored' || f.action === 'removed');
  return {
    text: putBack
      ? 'the host is as it was before the run: everything changed was put back'
      : 'nothing was changed on this host',
    color: 'yellow',
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
  const after = aftermath(h);
  if (after) lines.push(after);
  if (h.keys.length > 0) {
    lines.push(...h.keys.map(keyLine));
    lines.push(...(h.files ?? []).map(fileLine));
  } else if (h.plan && h.plan.changes.length > 0) {
    for (const c of h.plan.changes) lines.push({ text: `  ${describeChange(c)}  (planned)` });
  } else if (h.plan) {
    lines.push({ text: '  no changes needed', color: 'green' });
  }
  for (const file of h.plan?.shadowWarnings ?? []) {
    lines.push({ text: `  still overridden at boot by ${file}`, color: 'yellow' });
  }
  const evidence = findingLines(h.plan?.findings ?? [], h.planAfter?.findings);
  if (evidence.length > 0) {
    lines.push({ text: h.planAfter ? 'evidence (before → after):' : 'evidence:' });
    lines.push(...evidence);
  }
  const sockets = h.facts ? socketLine(h.facts, h.factsAfter) : undefined;
  if (sockets) lines.push(sockets);
  return lines;
}
