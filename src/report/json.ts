/** JSON reporter: the CheckReport as is (schemas/report.schema.json), one document per run. */
import type { CheckReport } from './types.js';

export function renderJson(report: CheckReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
