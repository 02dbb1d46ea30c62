/** The reporters, each a pure function of a CheckReport. */
export { buildCheckReport, type BuildInput, type HostResult } from './build.js';
export { exitCode, exitCodeOf } from './exitCode.js';
export { renderJson } from './json.js';
export { renderJunit } from './junit.js';
export { renderNagios } from './nagios.js';
export { renderPrometheus } from './prometheus.js';
export { renderText, type TextOptions } from './text.js';
export type { CheckReport, HostReport, KeyReport, HostOutcome, ReportSummary } from './types.js';
