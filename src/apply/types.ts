/**
 * Data of the apply stage: what a host's snapshot holds, what one host's apply or rollback did,
 * and what the control node's snapshot store keeps. Produced by src/apply (script output parsers
 * and the store), read by src/run, src/report, src/ui and the CLI.
 */
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';
import type { KeyChange } from '../plan/types.js';

/** Who holds a host's lock (/var/lib/sysfleet/lock), as recorded in the lock itself. */
export interface LockHolder {
  runId: string;
  /** Control-node user@host that started the run. */
  by: string;
  pid: number;
  /** Unix time (s) the lock was taken. */
  time: number;
}

/** The runtime value of one key before the run changed anything. */
export type SnapshotKey = (
  | { key: SysctlKey; state: 'value'; value: SysctlValue }
  | { key: SysctlKey; state: 'absent' }
  | { key: SysctlKey; state: 'unreadable'; error: string }
) & {
  /** The runtime value the run was about to write (so a snapshot alone suffices for rollback). */
  runValue?: SysctlValue;
};

/** One file the run writes, as it was before: content (base64), mode, owner; or that it did not exist. */
export type SnapshotFile = (
  | { path: string; state: 'absent' }
  | {
      path: string;
      state: 'present';
      /** Octal permission bits as stat prints them, e.g. '644'. */
      mode: string;
      uid: number;
      gid: number;
      contentBase64: string;
    }
) & {
  /** The content the run was about to write (base64), to notice later edits on rollback. */
  runContentBase64?: string;
};

/** What a host looked like before a run: printed by the host and stored on both sides. */
export interface Snapshot {
  runId: string;
  host: string;
  /** Unix time (s) on the host when the snapshot was taken. */
  takenAt: number;
  keys: SnapshotKey[];
  files: SnapshotFile[];
}

/** How one host's apply ended. `unknown`: the connection was lost after `go`; collect later. */
export type ApplyState = 'changed' | 'unchanged' | 'reverted' | 'failed' | 'locked' | 'unknown';

/** What happened to one key during apply. */
export interface KeyApplyResult {
  key: SysctlKey;
  /** written: runtime value set and read back equal; same: already had it; skipped: persistent only. */
  action: 'written' | 'same' | 'skipped' | 'failed' | 'reverted' | 'revert_failed' | 'not_reached';
  before?: SysctlValue;
  after?: SysctlValue;
  want?: SysctlValue;
  /** errno text or read-back mismatch, e.g. 'Invalid argument'. */
  error?: string;
}

export interface FileApplyResult {
  path: string;
  action: 'written' | 'same' | 'failed' | 'restored' | 'removed' | 'revert_failed' | 'not_reached';
  error?: string;
}

export interface HostApplyResult {
  host: string;
  runId: string;
  state: ApplyState;
  /** Why the host ended `reverted`, `failed`, `locked` or `unknown`. */
  reason?: string;
  keys: KeyApplyResult[];
  files: FileApplyResult[];
  /** The lock holder that refused us (`locked`) or whose stale lock we took over. */
  lock?: { holder: LockHolder; takenOver: boolean };
  snapshot?: Snapshot;
  /** Unparsed/unknown lines and stderr, for diagnosis. */
  diagnostics?: string[];
}

/** One key to restore, with the value the run set (to notice values changed again since). */
export interface RollbackKey {
  snapshot: SnapshotKey;
  /** The value the run wrote; undefined when the run did not write this key at runtime. */
  runValue?: SysctlValue;
}

/** One file to restore, with the content the run wrote (base64), to notice later edits. */
export interface RollbackFile {
  snapshot: SnapshotFile;
  runContentBase64?: string;
}

export type RollbackState =
  'rolled_back' | 'unchanged' | 'partial' | 'failed' | 'locked' | 'unknown';

export interface KeyRollbackResult {
  key: SysctlKey;
  action:
    | 'restored'
    | 'already' // already at its snapshot value: nothing to do
    | 'changed_since' // neither the run's value nor the snapshot's: left alone (use force)
    | 'not_in_snapshot' // absent/unreadable before the run: nothing to restore
    | 'failed';
  before?: SysctlValue;
  after?: SysctlValue;
  want?: SysctlValue;
  error?: string;
}

export interface FileRollbackResult {
  path: string;
  action: 'restored' | 'removed' | 'already' | 'changed_since' | 'skipped' | 'failed';
  error?: string;
}

export interface HostRollbackResult {
  host: string;
  runId: string;
  state: RollbackState;
  reason?: string;
  keys: KeyRollbackResult[];
  files: FileRollbackResult[];
  lock?: { holder: LockHolder; takenOver: boolean };
  diagnostics?: string[];
}

/** What apply sends to one host: the plan's changes and file, and who is asking. */
export interface ApplyRequest {
  runId: string;
  /** Control-node user@host, recorded in the lock. */
  by: string;
  changes: KeyChange[];
  persistFile?: { path: string; content: string };
  /** Seconds the host waits for `go` before giving up (nothing changed). Default 120. */
  goTimeoutSec?: number;
  /** The control node's clock (epoch seconds) for the lock and snapshot; else the host's `date`. */
  nowSec?: number;
}

export interface RollbackRequest {
  runId: string;
  by: string;
  keys: RollbackKey[];
  files: RollbackFile[];
  /** Restore keys/files even when they changed again since the run. */
  force: boolean;
  /** The control node's clock (epoch seconds) for the lock; else the host's `date`. */
  nowSec?: number;
}
