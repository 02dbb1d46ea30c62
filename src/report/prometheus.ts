/**
 * Prometheus text format for the node_exporter textfile collector (write to a temp file and
 * rename it into the collector directory). Every metric carries the playbook label.
 */
import type { CheckReport } from './types.js';
import { OK_STATUSES } from './build.js';

/** Label values escape backslash, double quote and newline. */
export function labelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(',')}}`;
}

export function renderPrometheus(report: CheckReport): string {
  const pb = report.playbook.name;
  const out: string[] = [];
  const metric = (name: string, help: string, rows: [Record<string, string>, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [l, v] of rows) out.push(`${name}${labels({ playbook: pb, ...l })} ${v}`);
  };
  const hosts = report.hosts;
  metric(
    'sysfleet_host_up',
    '1 when sysfleet could connect to the host and gather its facts.',
    hosts.map((h) => [{ host: h.host }, h.reachable && !h.error ? 1 : 0]),
  );
  metric(
    'sysfleet_host_compliant',
    '1 when every key of the playbook is compliant on the host and no finding is above ok.',
    hosts.map((h) => [{ host: h.host, outcome: h.outcome }, h.outcome === 'compliant' ? 1 : 0]),
  );
  metric(
    'sysfleet_key_compliant',
    '1 when the key meets the playbook target at runtime and at boot.',
    hosts.flatMap((h) =>
      h.keys.map((k): [Record<string, string>, number] => [
        { host: h.host, key: k.key, status: k.status },
        OK_STATUSES.includes(k.status) ? 1 : 0,
      ]),
    ),
  );
  const severities = ['ok', 'warning', 'critical'] as const;
  metric(
    'sysfleet_findings',
    'Number of evidence findings on the host by severity.',
    hosts.flatMap((h) =>
      severities.map((sev): [Record<string, string>, number] => [
        { host: h.host, severity: sev },
        h.findings.filter((f) => f.severity === sev).length,
      ]),
    ),
  );
  metric(
    'sysfleet_finding_value',
    'Measured value of each evidence finding (ratios as fractions, counts as counts).',
    hosts.flatMap((h) =>
      h.findings.map((f): [Record<string, string>, number] => [
        { host: h.host, id: f.id, severity: f.severity, incident: String(f.incident) },
        f.value,
      ]),
    ),
  );
  metric(
    'sysfleet_exit_code',
    'Nagios-style exit code of the run (0 ok, 1 warning, 2 critical, 3 unknown).',
    [[{}, report.exitCode]],
  );
  metric('sysfleet_run_duration_seconds', 'Duration of the check run.', [
    [{}, report.durationMs / 1000],
  ]);
  metric('sysfleet_last_run_timestamp_seconds', 'Unix time the check run finished.', [
    [{}, Math.floor(Date.parse(report.finishedAt) / 1000)],
  ]);
  return out.join('\n') + '\n';
}
