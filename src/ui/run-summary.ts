/**
 * The end-of-run summary as data: counts, failures, stop reasons and what to do next. Pure;
 * rendered by the Summary screen and by the plain printer.
 */
import type { HostOutcome, RunKind } from '../run/events.js';
import { BUCKET_LABELS } from './format.js';
import { forEachHost } from './host-table.js';
import { isFailure, type HostBucket, type UiState } from './model.js';
import { elapsedMs } from './view.js';

export interface FailedHost {
  host: string;
  outcome: HostOutcome;
  error?: string;
}

export interface RunSummary {
  runId?: string;
  kind?: RunKind;
  playbook?: string;
  exitCode?: number;
  /** False when the screen was left before run-finished (hosts may still be in flight). */
  finished: boolean;
  elapsedMs: number;
  totalHosts: number;
  /** Non-zero buckets in display order. */
  counts: { bucket: HostBucket; label: string; n: number }[];
  failures: FailedHost[];
  stops: string[];
  nextSteps: string[];
}

export function summarize(state: UiState): RunSummary {
  const failures: FailedHost[] = [];
  forEachHost(state.hosts, (h) => {
    if (h.outcome && isFailure(h))
      failures.push({ host: h.name, outcome: h.outcome, error: h.error });
  });
  const counts = (Object.keys(BUCKET_LABELS) as HostBucket[])
    .map((bucket) => ({ bucket, label: BUCKET_LABELS[bucket], n: state.counts[bucket] }))
    .filter((c) => c.n > 0);
  return {
    runId: state.runId,
    kind: state.kind,
    playbook: state.playbook,
    exitCode: state.finished?.exitCode,
    finished: state.finished !== undefined,
    elapsedMs: elapsedMs(state),
    totalHosts: state.hosts.size,
    counts,
    failures,
    stops: state.log.filter((l) => l.kind !== 'paused').map((l) => l.text),
    nextSteps: nextSteps(state),
  };
}

function nextSteps(state: UiState): string[] {
  const c = state.counts;
  const id = state.runId ?? '<runId>';
  const steps: string[] = [];
  const touched = c.changed + c.reverted + c.failed;
  if (state.kind === 'apply' && touched > 0) {
    steps.push(`undo this run on every touched host: sysfleet rollback ${id}`);
  }
  if (state.kind === 'rollback' && c.unreachable + c.failed > 0) {
    steps.push(`retry the hosts not restored (rollback is idempotent): sysfleet rollback ${id}`);
  }
  if (state.kind === 'check' && c.drift > 0) {
    steps.push('fix the drift: sysfleet apply with the same inventory and playbook');
  }
  if (c.unreachable > 0) {
    steps.push(
      'unreachable hosts: check SSH reachability (sysfleet inventory list shows the address used)',
    );
  }
  if (c.pending + c.in_flight + c.skipped > 0 && state.kind === 'apply') {
    steps.push(
      'hosts not done were skipped: rerun sysfleet apply to continue (done hosts are unchanged)',
    );
  }
  steps.push(`details per host: sysfleet runs (run ${id})`);
  return steps;
}
