/**
 * Nagios-compatible exit code of a check, worst first (docs/exit-codes.md):
 *   2 CRITICAL  any host drifts or has a critical finding: known, actionable damage. It beats
 *               UNKNOWN, so a few unreachable hosts never hide drift on the others.
 *   3 UNKNOWN   otherwise, any host could not be checked (unreachable, auth, unreadable key).
 *   1 WARNING   otherwise, any warning finding or shadow warning.
 *   0 OK        every host compliant.
 */
import type { CheckReport, ReportSummary } from './types.js';

export const EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

export function exitCodeOf(summary: ReportSummary): 0 | 1 | 2 | 3 {
  if (summary.drift > 0 || summary.critical > 0) return EXIT.critical;
  if (summary.unknown > 0) return EXIT.unknown;
  if (summary.warning > 0) return EXIT.warning;
  return EXIT.ok;
}

export function exitCode(report: CheckReport): 0 | 1 | 2 | 3 {
  return exitCodeOf(report.summary);
}

export const STATE_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;
