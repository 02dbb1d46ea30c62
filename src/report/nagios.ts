/**
 * Nagios/Icinga plugin output: one status line `SYSFLEET <STATE> - <summary>` and perfdata
 * (`'label'=value;warn;crit;min;max`). The process exit code is report.exitCode.
 */
import type { CheckReport } from './types.js';
import { STATE_NAMES } from './exitCode.js';

function summaryText(r: CheckReport): string {
  const s = r.summary;
  const parts: string[] = [];
  if (s.drift) parts.push(`${s.drift} drift`);
  if (s.critical) parts.push(`${s.critical} critical`);
  if (s.unreachable) parts.push(`${s.unreachable} unreachable`);
  if (s.unknown - s.unreachable > 0) parts.push(`${s.unknown - s.unreachable} unknown`);
  if (s.warning) parts.push(`${s.warning} warning`);
  if (parts.length === 0) return `${s.hosts} of ${s.hosts} hosts compliant (${r.playbook.name})`;
  return `${parts.join(', ')} of ${s.hosts} hosts (${r.playbook.name}); ${s.compliant} compliant`;
}

/** Perfdata labels are single-quoted; a quote inside is doubled. */
const label = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function renderNagios(report: CheckReport): string {
  const s = report.summary;
  const n = s.hosts;
  const perf = [
    `${label('hosts_total')}=${n};;;0;`,
    `${label('hosts_compliant')}=${s.compliant};;;0;${n}`,
    `${label('hosts_drift')}=${s.drift};;;0;${n}`,
    `${label('hosts_critical')}=${s.critical};;;0;${n}`,
    `${label('hosts_warning')}=${s.warning};;;0;${n}`,
    `${label('hosts_unknown')}=${s.unknown};;;0;${n}`,
    `${label('hosts_unreachable')}=${s.unreachable};;;0;${n}`,
    `${label('findings_warning')}=${s.findings.warning};;;0;`,
    `${label('findings_critical')}=${s.findings.critical};;;0;`,
    `${label('duration')}=${(report.durationMs / 1000).toFixed(3)}s;;;0;`,
  ];
  const line = `SYSFLEET ${STATE_NAMES[report.exitCode]} - ${summaryText(report)}`.replace(
    /\|/g,
    '/',
  );
  return `${line} | ${perf.join(' ')}\n`;
}
