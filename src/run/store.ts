/**
 * The run store as the commands see it: runs and their per-host records on this workstation
 * (kept by apply/store.ts), their retention, and run ids. `cli/` reaches it through here, so the
 * CLI depends on the orchestrator only.
 */
export {
  openStore,
  type HostRecord,
  type LoadedRun,
  type RunRecord,
  type SnapshotStore,
} from '../apply/store.js';
import { mustKeep, prunable, type Retention } from '../apply/retention.js';
import type { SnapshotStore } from '../apply/store.js';

export { applyDefaultRetention, parseDuration } from '../apply/retention.js';
export { newRunId } from '../apply/run-id.js';

/** What `runs prune` removes (or would): never an apply holding the only undo of its changes. */
export async function pruneRuns(
  store: SnapshotStore,
  rule: Retention,
  opts: { dryRun: boolean; now: number },
): Promise<{ gone: string[]; kept: number; pinned: number }> {
  const list = await store.listRuns();
  const gone = prunable(list, rule, opts.now);
  if (!opts.dryRun) for (const id of gone) await store.removeRun(id);
  const pinned = list.filter((r) => !gone.includes(r.id) && mustKeep(r, list)).length;
  return { gone, kept: list.length - gone.length, pinned };
}
