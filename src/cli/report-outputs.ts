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
  const writes: Promise<void>[] = [];
  if (opts.json) writes.push(writeFileAtomic(opts.json, renderJson(report)));
  if (opts.junit) writes.push(writeFileAtomic(opts.junit, renderJunit(report)));
  if (opts.prometheus) writes.push(writeFileAtomic(opts.prometheus, renderPrometheus(report)));
  await Promise.all(writes);
  if (opts.nagios) process.stdout.write(renderNagios(report));
  else if (!opts.events) process.stdout.write(renderText(report, { detail: opts.detail }));
  return opts.exitZero ? 0 : report.exitCode;
}
