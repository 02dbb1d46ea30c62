/**
 * The outputs of a check report, written the same way by `sysfleet check` and `sysfleet report
 * merge`: JSON, JUnit and Prometheus files (atomically), then the Nagios line or the summary on
 * stdout. Returns the process exit code.
 */
import {
  renderJson,
  renderJunit,
  renderNagios,
  renderPrometheus,
  renderText,
} from '../report/index.js';
import type { CheckReport } from '../report/index.js';
import type { Command } from 'commander';
import { writeFileAtomic } from './write-atomic.js';

export interface ReportOutputOptions {
  json?: string;
  junit?: string;
  prometheus?: string;
  nagios: boolean;
  detail: boolean;
  exitZero: boolean;
  /** --events: stdout carries the event stream, no summary. */
  events?: boolean | undefined;
}

export async function writeReportOutputs(
  report: CheckReport,
  opts: ReportOutputOptions,
): Promise<number> {
  // One after the other: each rendered text can be freed before the next (a 50 000-host JSON
  // report is ~90 MB of string).
  if (opts.json) await writeFileAtomic(opts.json, renderJson(report));
  if (opts.junit) await writeFileAtomic(opts.junit, renderJunit(report));
  if (opts.prometheus) await writeFileAtomic(opts.prometheus, renderPrometheus(report));
  if (opts.nagios) process.stdout.write(renderNagios(report));
  else if (!opts.events) process.stdout.write(renderText(report, { detail: opts.detail }));
  return opts.exitZero ? 0 : report.exitCode;
}

/** --json, --junit, --prometheus, --nagios, --detail, --exit-zero: spelled once for both commands. */
export function addReportOutputOptions(cmd: Command, exitZeroUnless: string): Command {
  return cmd
    .option('--json <file>', 'write the JSON report (schemas/report.schema.json)')
    .option('--junit <file>', 'write a JUnit XML report (one testcase per host and key)')
    .option('--prometheus <file>', 'write node_exporter textfile metrics (atomically)')
    .option('--nagios', 'print one Nagios status line with perfdata instead of the summary', false)
    .option('--detail', 'print per-host detail after the summary', false)
    .option('--exit-zero', `exit 0 whatever the outcome, unless ${exitZeroUnless}`, false);
}
