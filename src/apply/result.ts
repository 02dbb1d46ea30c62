/**
 * Pure parsers: host program output -> typed results (HostApplyResult, HostRollbackResult,
 * Snapshot, snapshot listings, collected results).
 */
import { diagnosticLines } from './diagnostics.js';
import { intField, parseRecords, type SfRecord } from './lines.js';
import type {
  ApplyState,
  FileApplyResult,
  FileRollbackResult,
  HostApplyResult,
  HostRollbackResult,
  KeyApplyResult,
  KeyRollbackResult,
  LockHolder,
  RollbackState,
  Snapshot,
  SnapshotFile,
  SnapshotKey,
} from './types.js';

const APPLY_STATES: readonly ApplyState[] = [
  'changed',
  'unchanged',
  'reverted',
  'failed',
  'locked',
  'unknown',
];
const ROLLBACK_STATES: readonly RollbackState[] = [
  'rolled_back',
  'unchanged',
  'partial',
  'failed',
  'locked',
  'unknown',
];

function opt<K extends string>(name: K, v: string | undefined): Partial<Record<K, string>> {
  return v === undefined ? {} : ({ [name]: v } as Record<K, string>);
}

/** Snapshot records (snap-begin .. snap-end), or undefined when absent or cut short. */
export function snapshotFromRecords(records: SfRecord[], host: string): Snapshot | undefined {
  const begin = records.findIndex((r) => r.kind === 'snap-begin');
  if (begin < 0) return undefined;
  const end = records.findIndex((r, i) => i > begin && r.kind === 'snap-end');
  if (end < 0) return undefined;
  const head = records[begin] as SfRecord;
  const keys: SnapshotKey[] = [];
  const files: SnapshotFile[] = [];
  for (const r of records.slice(begin + 1, end)) {
    const f = r.fields;
    if (r.kind === 'snap-key' && f.key !== undefined) {
      const run = f.runtime === '1' && f.want !== undefined ? { runValue: f.want } : {};
      if (f.state === 'value') {
        keys.push({ key: f.key, state: 'value', value: f.value ?? '', ...run });
      } else if (f.state === 'absent') {
        keys.push({ key: f.key, state: 'absent', ...run });
      } else {
        keys.push({ key: f.key, state: 'unreadable', error: f.error ?? 'unreadable', ...run });
      }
    } else if (r.kind === 'snap-file' && f.path !== undefined) {
      const run = f.new_b64 !== undefined ? { runContentBase64: f.new_b64 } : {};
      if (f.state === 'present') {
        files.push({
          path: f.path,
          state: 'present',
          mode: f.mode ?? '644',
          uid: intField(r, 'uid') ?? 0,
          gid: intField(r, 'gid') ?? 0,
          contentBase64: f.b64 ?? '',
          ...run,
        });
      } else {
        files.push({ path: f.path, state: 'absent', ...run });
      }
    }
  }
  return { runId: head.fields.run ?? '', host, takenAt: intField(head, 'time') ?? 0, keys, files };
}

export function parseSnapshot(text: string, host: string): Snapshot | undefined {
  return snapshotFromRecords(parseRecords(text).records, host);
}

function lockFrom(records: SfRecord[]): HostApplyResult['lock'] {
  const r = records.find(
    (x) => x.kind === 'lock' && (x.fields.state === 'held' || x.fields.state === 'takeover'),
  );
  if (!r) return undefined;
  const holder: LockHolder = {
    runId: r.fields.run ?? 'unknown',
    by: r.fields.by ?? 'unknown',
    pid: intField(r, 'pid') ?? 0,
    time: intField(r, 'time') ?? 0,
  };
  return { holder, takenOver: r.fields.state === 'takeover' };
}

function lockedReason(lock: HostApplyResult['lock']): string {
  if (!lock) return 'host is locked by another sysfleet run';
  const h = lock.holder;
  const since = h.time > 0 ? ` since ${new Date(h.time * 1000).toISOString()}` : '';
  return `host is locked by run ${h.runId} (${h.by}, pid ${h.pid}${since}); retry when it is done`;
}

function lastFinal(records: SfRecord[]): SfRecord | undefined {
  return records.filter((r) => r.kind === 'final').at(-1);
}

function keyAction(a: string | undefined): KeyApplyResult['action'] {
  const all: KeyApplyResult['action'][] = ['written', 'same', 'skipped', 'failed', 'not_reached'];
  return all.find((x) => x === a) ?? 'failed';
}

/** Parse everything an apply printed (attached part and the streamed-back result file). */
export function parseApplyOutput(
  text: string,
  host: string,
  runId: string,
  /** The control node wrote `go` (its echo may have been lost with the connection). */
  goSent = false,
): HostApplyResult {
  const { records, other } = parseRecords(text);
  const keys = new Map<string, KeyApplyResult>();
  const files = new Map<string, FileApplyResult>();
  for (const r of records) {
    const f = r.fields;
    if (r.kind === 'key' && f.key) {
      keys.set(f.key, {
        key: f.key,
        action: keyAction(f.action),
        ...opt('before', f.before),
        ...opt('after', f.after),
        ...opt('want', f.want),
        ...opt('error', f.error),
      });
    } else if (r.kind === 'revert-key' && f.key) {
      const k = keys.get(f.key) ?? { key: f.key, action: 'written' as const };
      const ok = f.action === 'reverted';
      keys.set(f.key, {
        ...k,
        action: ok ? (k.action === 'failed' ? 'failed' : 'reverted') : 'revert_failed',
        ...opt('after', f.after),
        ...(ok
          ? {}
          : { error: [k.error, `restore: ${f.error ?? 'failed'}`].filter(Boolean).join('; ') }),
      });
    } else if (r.kind === 'file' && f.path) {
      const action = (['written', 'same', 'failed'] as const).find((a) => a === f.action);
      files.set(f.path, { path: f.path, action: action ?? 'failed', ...opt('error', f.error) });
    } else if (r.kind === 'revert-file' && f.path) {
      const action = (['restored', 'removed'] as const).find((a) => a === f.action);
      files.set(f.path, {
        path: f.path,
        action: action ?? 'revert_failed',
        ...opt('error', f.error),
      });
    }
  }
  const snapshot = snapshotFromRecords(records, host);
  for (const s of snapshot?.keys ?? []) {
    if (!keys.has(s.key)) keys.set(s.key, { key: s.key, action: 'not_reached' });
  }
  const lock = lockFrom(records);
  const final = lastFinal(records);
  let state: ApplyState;
  let reason: string | undefined;
  if (final) {
    state = APPLY_STATES.find((s) => s === final.fields.state) ?? 'failed';
    reason = final.fields.reason;
    if (state === 'locked') reason = lockedReason(lock);
  } else if (goSent || records.some((r) => r.kind === 'go-received')) {
    state = 'unknown';
    reason = 'connection lost after go: the host finishes on its own; collect the result';
  } else {
    state = 'failed';
    reason = snapshot
      ? 'connection lost before go: nothing was changed'
      : 'the host program ended without a result';
  }
  return {
    host,
    runId,
    state,
    ...(reason !== undefined ? { reason } : {}),
    keys: [...keys.values()],
    files: [...files.values()],
    ...(lock ? { lock } : {}),
    ...(snapshot ? { snapshot } : {}),
    ...(other.length > 0 ? { diagnostics: diagnosticLines(other.join('\n')) } : {}),
  };
}

export function parseRollbackOutput(text: string, host: string, runId: string): HostRollbackResult {
  const { records, other } = parseRecords(text);
  const keys: KeyRollbackResult[] = [];
  const files: FileRollbackResult[] = [];
  const keyActions: KeyRollbackResult['action'][] = [
    'restored',
    'already',
    'changed_since',
    'not_in_snapshot',
    'failed',
  ];
  const fileActions: FileRollbackResult['action'][] = [
    'restored',
    'removed',
    'already',
    'changed_since',
    'skipped',
    'failed',
  ];
  for (const r of records) {
    const f = r.fields;
    if (r.kind === 'rkey' && f.key) {
      keys.push({
        key: f.key,
        action: keyActions.find((a) => a === f.action) ?? 'failed',
        ...opt('before', f.before),
        ...opt('after', f.after),
        ...opt('want', f.want),
        ...opt('error', f.error),
      });
    } else if (r.kind === 'rfile' && f.path) {
      files.push({
        path: f.path,
        action: fileActions.find((a) => a === f.action) ?? 'failed',
        ...opt('error', f.error),
      });
    }
  }
  const lock = lockFrom(records);
  const final = lastFinal(records);
  let state: RollbackState;
  let reason: string | undefined;
  if (final) {
    state = ROLLBACK_STATES.find((s) => s === final.fields.state) ?? 'failed';
    reason = state === 'locked' ? lockedReason(lock) : final.fields.reason;
  } else if (records.some((r) => r.kind === 'go-received')) {
    state = 'unknown';
    reason = 'connection lost during rollback: the host finishes on its own; collect the result';
  } else {
    state = 'failed';
    reason = 'the host program ended without a result';
  }
  return {
    host,
    runId,
    state,
    ...(reason !== undefined ? { reason } : {}),
    keys,
    files,
    ...(lock ? { lock } : {}),
    ...(other.length > 0 ? { diagnostics: diagnosticLines(other.join('\n')) } : {}),
  };
}

export type CollectState = 'done' | 'running' | 'interrupted' | 'absent';

export interface CollectedApply {
  /** absent + snapshot: the host never heard `go` (nothing changed); absent alone: never reached. */
  state: CollectState;
  /** The result as far as the host wrote it (absent when the host has no result file). */
  result?: HostApplyResult;
  /** The snapshot the host kept for the run, when it has one. */
  snapshot?: Snapshot;
}

/** Output of renderCollectScript(runId, 'apply'). */
export function parseCollectOutput(text: string, host: string, runId: string): CollectedApply {
  const { records } = parseRecords(text);
  const head = records.find((r) => r.kind === 'collect');
  const state = (['done', 'running', 'interrupted', 'absent'] as const).find(
    (s) => s === head?.fields.state,
  );
  const snapshot = snapshotFromRecords(records, host);
  if (!state || state === 'absent') return { state: 'absent', ...(snapshot ? { snapshot } : {}) };
  const result = parseApplyOutput(text, host, runId);
  if (state !== 'done' && !lastFinal(records)) {
    result.state = state === 'running' ? 'unknown' : 'failed';
    result.reason =
      state === 'running'
        ? 'still running on the host'
        : 'the detached worker was interrupted (host reboot or kill) before it finished; check the keys';
  }
  return { state, result, ...(snapshot ? { snapshot } : {}) };
}

export interface HostSnapshotEntry {
  runId: string;
  bytes: number;
  mtime: number;
  /** Final state of the run's apply on that host, `incomplete`, or `none` (no result file). */
  result: string;
}

export function parseSnapshotList(text: string): HostSnapshotEntry[] {
  return parseRecords(text)
    .records.filter((r) => r.kind === 'snap-list' && r.fields.run)
    .map((r) => ({
      runId: r.fields.run ?? '',
      bytes: intField(r, 'bytes') ?? 0,
      mtime: intField(r, 'mtime') ?? 0,
      result: r.fields.result || 'none',
    }))
    .sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}
