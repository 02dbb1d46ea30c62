/**
 * Every exit code sysfleet ends with, decided here (docs/exit-codes.md). One scale for all
 * commands, Nagios's: 0 OK, 1 WARNING, 2 CRITICAL (known damage: drift, a failed or stopped
 * change), 3 UNKNOWN (a host could not be reached or judged, bad input, sysfleet itself failed).
 */
import { EXIT, exitCodeOf as checkExitCode } from '../report/exitCode.js';
import type { HostDoneRecord } from './host-done.js';

export { EXIT, checkExitCode };
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** apply: 2 when any host failed or was reverted, or the run was stopped; 3 when only unreachable. */
export function applyExitCode(records: readonly HostDoneRecord[], stopped: boolean): ExitCode {
  if (stopped || records.some((r) => r.outcome === 'failed' || r.outcome === 'reverted'))
    return EXIT.critical;
  if (records.some((r) => r.outcome === 'unreachable')) return EXIT.unknown;
  return EXIT.ok;
}

/**
 * apply that changed nothing: --dry-run is 2 when hosts would change (like check's drift); with
 * nothing (more) to change, 3 when a host could not be planned, else 0 — check's scale; declined
 * at the review is 0; a run stopped before its first wave is 3 (nothing was decided).
 */
export function planOnlyExitCode(
  ending: 'dry-run' | 'nothing-to-change' | 'declined' | 'stopped',
  fleet: { changing: number; unplanned: number },
): ExitCode {
  if (ending === 'dry-run' && fleet.changing > 0) return EXIT.critical;
  if (ending === 'dry-run' || ending === 'nothing-to-change')
    return fleet.unplanned > 0 ? EXIT.unknown : EXIT.ok;
  if (ending === 'stopped') return EXIT.unknown;
  return EXIT.ok;
}

/** rollback: 2 when a restore failed; 3 when a host was unreachable or skipped (not restored). */
export function rollbackExitCode(records: readonly HostDoneRecord[]): ExitCode {
  if (records.some((r) => r.outcome === 'failed')) return EXIT.critical;
  if (records.some((r) => r.outcome === 'unreachable' || r.outcome === 'skipped'))
    return EXIT.unknown;
  return EXIT.ok;
}

/** facts, runs collect: 3 when any host could not be read. */
export function readExitCode(failed: boolean): ExitCode {
  return failed ? EXIT.unknown : EXIT.ok;
}

/** Bad input, usage errors and sysfleet's own failures. */
export const ERROR_EXIT: ExitCode = EXIT.unknown;
