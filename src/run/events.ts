/**
 * RunEvent: everything a run reports, as one discriminated union. The orchestrator emits them;
 * the terminal UI (one reducer), the plain-line printer and `--json` (one event per line) all
 * consume the same stream. Events are plain JSON-serialisable data.
 */
import type { HostFacts } from '../facts/types.js';
import type { HostPlan } from '../plan/types.js';
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';

export type RunKind = 'check' | 'apply' | 'rollback';

/** Where a host is in a run. */
export type HostPhase =
  | 'pending'
  | 'connecting'
  | 'gathering'
  | 'planned'
  | 'applying'
  | 'verifying'
  | 'rolling_back'
  | 'done';

/** How a host ended. */
export type HostOutcome =
  | 'compliant' // check: nothing to do
  | 'drift' // check: changes needed
  | 'changed' // apply: changes made and verified
  | 'unchanged' // apply: nothing needed
  | 'reverted' // apply: failed mid-way, restored to its snapshot
  | 'failed' // apply/rollback: error, host state as reported
  | 'rolled_back' // rollback: restored
  | 'skipped' // not started (stopped by threshold or Ctrl-C) or skipped by rollback rules
  | 'unreachable'; // could not connect / authenticate

/**
 * What happened to one key on a host. `action` says it in words for apply and rollback:
 * written (set and read back), same (already right), failed (refused: `error` says why),
 * reverted (set, then put back to `before` when the host's transaction failed), revert_failed,
 * not_reached (the transaction stopped before this key), skipped (persistent only), restored /
 * already / changed_since / not_in_snapshot (rollback). Check results carry no action.
 */
export interface KeyResult {
  key: SysctlKey;
  before?: SysctlValue;
  after?: SysctlValue;
  /** The value the run meant to set. */
  want?: SysctlValue;
  action?: string;
  error?: string;
}

/** What happened to one persistent file (apply: written/same/failed/restored/removed...). */
export interface FileResult {
  path: string;
  action: string;
  error?: string;
}

/** How one host ended in a run (what `host-done` carries, without the timestamp). */
export interface HostDoneRecord {
  host: string;
  outcome: HostOutcome;
  keys: KeyResult[];
  /** The persistent files the host's transaction wrote or restored (apply, rollback). */
  files?: FileResult[];
  error?: string;
  durationMs: number;
}

export type RunEvent =
  | {
      type: 'run-started';
      at: string;
      runId: string;
      kind: RunKind;
      playbook?: string;
      hosts: string[];
      waves: string[][];
    }
  /** `wave` is 1-based, as the operator reads it: wave 1 is the canary when there is one. */
  | { type: 'wave-started'; at: string; wave: number; hosts: string[] }
  | { type: 'host-phase'; at: string; host: string; phase: HostPhase }
  | { type: 'host-facts'; at: string; host: string; facts: HostFacts }
  | { type: 'host-planned'; at: string; host: string; plan: HostPlan }
  | ({ type: 'host-done'; at: string } & HostDoneRecord)
  | { type: 'wave-done'; at: string; wave: number; failed: number; total: number }
  | { type: 'health-gate'; at: string; wave: number; ok: boolean; reason?: string }
  /** `afterWave`: the 1-based wave that completed before the pause. */
  | { type: 'run-paused'; at: string; afterWave: number }
  | {
      type: 'run-stopping';
      at: string;
      /** rollback: the operator asked (the live view's `r`) to undo this run. */
      reason: 'max-fail' | 'interrupted' | 'aborted' | 'health-gate' | 'deadline' | 'rollback';
      detail?: string;
    }
  | {
      type: 'run-finished';
      at: string;
      runId: string;
      exitCode: number;
      counts: Partial<Record<HostOutcome, number>>;
    };
