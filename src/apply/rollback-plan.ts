/**
 * Pure: what a rollback sends to one host, from the stored (or host-read) snapshot, the plan the
 * run carried out, an optional key glob filter and `force`.
 */
import type { StoredPlan } from './store.js';
import type { FileRollbackResult, RollbackKey, RollbackRequest, Snapshot } from './types.js';

export interface RollbackOptions {
  /** Control-node user@host, recorded in the host lock. */
  by: string;
  /** Restore only keys matching one of these globs (`*`, `?`; dotted or slashed form). */
  keyGlobs?: string[];
  /** Restore even what changed again since the run. */
  force?: boolean;
}

export interface RollbackPlan {
  request: RollbackRequest;
  /** Files left alone on the control node's decision (e.g. a key filter covering part of them). */
  skippedFiles: FileRollbackResult[];
  /** Snapshot keys the filter excluded. */
  excludedKeys: string[];
}

export function globToRegExp(glob: string): RegExp {
  const dotted = glob.replace(/\//g, '.');
  const src = dotted
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${src}$`);
}

export function buildRollbackPlan(
  snapshot: Snapshot,
  plan: StoredPlan | undefined,
  opts: RollbackOptions,
): RollbackPlan {
  const globs = (opts.keyGlobs ?? []).map(globToRegExp);
  const selected = (key: string): boolean => globs.length === 0 || globs.some((g) => g.test(key));
  const planned = new Map((plan?.changes ?? []).map((c) => [c.key, c]));

  const keys: RollbackKey[] = [];
  const excludedKeys: string[] = [];
  for (const s of snapshot.keys) {
    if (!selected(s.key)) {
      excludedKeys.push(s.key);
      continue;
    }
    const change = planned.get(s.key);
    const runValue = s.runValue ?? (change?.runtime ? change.to : undefined);
    keys.push({ snapshot: s, ...(runValue !== undefined ? { runValue } : {}) });
  }

  const files: RollbackRequest['files'] = [];
  const skippedFiles: FileRollbackResult[] = [];
  for (const f of snapshot.files) {
    if (excludedKeys.length > 0) {
      // The file holds every key of the run: restoring it would undo the excluded keys at boot.
      skippedFiles.push({
        path: f.path,
        action: 'skipped',
        error: `key filter leaves ${excludedKeys.length} key(s) of this run in place; the file is kept (run the rollback without a filter to restore it)`,
      });
      continue;
    }
    const fromPlan =
      plan?.persistFile?.path === f.path
        ? Buffer.from(plan.persistFile.content, 'utf8').toString('base64')
        : undefined;
    const run = f.runContentBase64 ?? fromPlan;
    files.push({ snapshot: f, ...(run !== undefined ? { runContentBase64: run } : {}) });
  }

  return {
    request: { runId: snapshot.runId, by: opts.by, keys, files, force: opts.force ?? false },
    skippedFiles,
    excludedKeys,
  };
}
