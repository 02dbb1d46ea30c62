/**
 * Which recorded runs may go (`sysfleet runs prune`, and the default retention applied at each
 * apply). Pure. A run is kept whatever the rule when deleting it could lose the only way back:
 * an apply that changed something (or may have: unknown, not recorded, a failed revert) and was
 * not fully rolled back by a later rollback run.
 */
import type { RunRecord, SnapshotStore } from './store.js';

export interface Retention {
  /** Keep at least the newest N runs. */
  keep?: number;
  /** Keep runs younger than this many milliseconds. */
  olderThanMs?: number;
}

/** What `apply` applies on its own: only runs beyond the newest 200 AND older than 180 days. */
export const DEFAULT_RETENTION: Required<Retention> = {
  keep: 200,
  olderThanMs: 180 * 24 * 3600 * 1000,
};

const RESTORED = new Set(['rolled_back', 'unchanged']);

/** Hosts of an apply whose change may still be in place. */
function touchedHosts(run: RunRecord): string[] {
  return run.hosts.filter((h) => {
    const o = run.outcomes[h];
    if (!o) return true; // not recorded: the result is only on the host
    if (o.state === 'changed' || o.state === 'unknown') return true;
    return o.state === 'failed' && /restoring failed|left changed/.test(o.reason ?? '');
  });
}

/** True when deleting RUN could lose the snapshot of a change nobody undid. */
export function mustKeep(run: RunRecord, all: readonly RunRecord[]): boolean {
  if (run.kind !== 'apply') return false;
  const touched = touchedHosts(run);
  if (touched.length === 0) return false;
  const rollbacks = all.filter((r) => r.kind === 'rollback' && r.rollbackOf === run.id);
  return touched.some((h) => !rollbacks.some((r) => RESTORED.has(r.outcomes[h]?.state ?? '')));
}

/** Ids of the runs the rule lets go (newest-first input), never one mustKeep protects. */
export function prunable(runs: readonly RunRecord[], rule: Retention, now: number): string[] {
  if (rule.keep === undefined && rule.olderThanMs === undefined) return [];
  return runs
    .filter((r, i) => {
      const beyondKeep = rule.keep === undefined || i >= rule.keep;
      const old =
        rule.olderThanMs === undefined || now - Date.parse(r.createdAt) > rule.olderThanMs;
      return beyondKeep && old && !mustKeep(r, runs);
    })
    .map((r) => r.id);
}

/** "30d", "12h", "90m", "2w" → milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(m|h|d|w)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
    m[2]!.toLowerCase() as 'm' | 'h' | 'd' | 'w'
  ];
  return Number(m[1]) * unit;
}

/**
 * The default retention, applied at each apply: old runs beyond DEFAULT_RETENTION go (never one
 * mustKeep protects). A failure only warns: housekeeping never stops a rollout.
 */
export async function applyDefaultRetention(
  store: Pick<SnapshotStore, 'listRuns' | 'removeRun'>,
  warn: (line: string) => void,
  now = Date.now(),
): Promise<string[]> {
  try {
    const gone = prunable(await store.listRuns(), DEFAULT_RETENTION, now);
    for (const id of gone) await store.removeRun(id);
    return gone;
  } catch (e) {
    warn(`note: could not prune old runs: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}
