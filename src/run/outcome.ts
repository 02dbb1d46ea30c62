/**
 * Pure: a host's apply/rollback result as the run events report it (RunEvent 'host-done').
 */
import type { FileResult, HostOutcome, KeyResult } from './events.js';
import type { HostApplyResult, HostRollbackResult } from '../apply/types.js';

export interface HostDoneFields {
  outcome: HostOutcome;
  keys: KeyResult[];
  files: FileResult[];
  error?: string;
}

interface KeyLike {
  key: string;
  action: string;
  before?: string;
  after?: string;
  want?: string;
  error?: string;
}

function keyResult(k: KeyLike): KeyResult {
  return {
    key: k.key,
    action: k.action,
    ...(k.before !== undefined ? { before: k.before } : {}),
    ...(k.after !== undefined ? { after: k.after } : {}),
    ...(k.want !== undefined ? { want: k.want } : {}),
    ...(k.error !== undefined ? { error: k.error } : {}),
  };
}

function fileResult(f: { path: string; action: string; error?: string }): FileResult {
  return { path: f.path, action: f.action, ...(f.error !== undefined ? { error: f.error } : {}) };
}

function doneFields(
  outcome: HostOutcome,
  r: {
    keys: readonly KeyLike[];
    files: readonly { path: string; action: string; error?: string }[];
  },
  error: string | undefined,
): HostDoneFields {
  return {
    outcome,
    keys: r.keys.map(keyResult),
    files: r.files.map(fileResult),
    ...(error !== undefined ? { error } : {}),
  };
}

/** locked and unknown become `failed` with a reason saying what to do. */
export function applyOutcome(r: HostApplyResult): HostDoneFields {
  const outcome: HostOutcome =
    r.state === 'changed' || r.state === 'unchanged' || r.state === 'reverted' ? r.state : 'failed';
  const error =
    r.state === 'unknown'
      ? `outcome unknown: ${r.reason ?? 'connection lost after go'} (sysfleet runs collect ${r.runId})`
      : r.state === 'changed' || r.state === 'unchanged'
        ? undefined
        : r.reason;
  return doneFields(outcome, r, error);
}

/**
 * rolled_back: restored (a partial one carries the skipped items as error);
 * unchanged: already restored; skipped: nothing restored because everything changed since.
 */
export function rollbackOutcome(r: HostRollbackResult): HostDoneFields {
  const restored =
    r.keys.some((k) => k.action === 'restored') ||
    r.files.some((f) => f.action === 'restored' || f.action === 'removed');
  let outcome: HostOutcome;
  switch (r.state) {
    case 'rolled_back':
      outcome = 'rolled_back';
      break;
    case 'unchanged':
      outcome = 'unchanged';
      break;
    case 'partial':
      outcome = restored ? 'rolled_back' : 'skipped';
      break;
    default:
      outcome = 'failed';
  }
  const changedSince = [
    ...r.keys
      .filter((k) => k.action === 'changed_since')
      .map((k) => `${k.key} (now ${k.before ?? '?'})`),
    ...r.files.filter((f) => f.action === 'changed_since').map((f) => f.path),
  ];
  // Files kept on the control node's decision (a --keys filter): --force would not change that.
  const kept = r.files
    .filter((f) => f.action === 'skipped')
    .map((f) => `${f.path} kept${f.error ? ` (${f.error})` : ''}`);
  const partial = [
    ...(changedSince.length > 0
      ? [
          `left alone, changed since the run: ${changedSince.join(', ')}; use --force to restore them`,
        ]
      : []),
    ...kept,
  ];
  const error =
    r.state === 'partial'
      ? partial.join('; ') || r.reason
      : r.state === 'rolled_back' || r.state === 'unchanged'
        ? undefined
        : r.reason;
  return doneFields(outcome, r, error);
}
