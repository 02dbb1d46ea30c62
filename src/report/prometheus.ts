/**
 * Prometheus text format for the node_exporter textfile collector (write to a temp file and
 * rename it into the collector directory). Every metric carries the playbook label.
 */
import type { CheckReport } from './types.js';
import { OK_STATUSES } from './build.js';

/** Label values escape backslash, double quote and newline. */
export function labelValue(s: string): string {
  // Most values need nothing: test once instead of three replaces (50 000 hosts: ~500 000 samples).
  if (!/[\\"\n]/.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `,k="v"` for each label of a sample, after the playbook label. */
const l = (k: string, v: string): string => `,${k}="${labelValue(v)}"`;

export function renderPrometheus(report: CheckReport): string {
  const pb = `{playbook="${labelValue(report.playbook.name)}"`;
  const out: string[] = [];
  /** One gauge: `sample(labels, value)` adds a line; labels are `,k="v"` pieces (see l()). */
  const metric = (
    name: string,
    help: string,
    each: (sample: (labels: string, value: number) => void) => void,
  ): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    each((labels, value) => out.push(`${name}${pb}${labels}} ${value}`));
  };
  // Built once per host: 50 000 hosts make ~500 000 samples, and garbage was most of the time.
  const hosts = report.hosts.map((h) => ({ h, host: l('host', h.host) }));
  metric(
    'sysfleet_host_up',
    '1 when sysfleet could connect to the host and gather its facts.',
    (s) => {
      for (const { h, host } of hosts) s(host, h.reachable && !h.error ? 1 : 0);
    },
  );
  metric(
    'sysfleet_host_compliant',
    '1 when every key of the playbook is compliant on the host and no finding is above ok.',
    (s) => {
      for (const { h, host } of hosts)
        s(`${host}${l('outcome', h.outcome)}`, h.outcome === 'compliant' ? 1 : 0);
    },
  );
  metric(
    'sysfleet_key_compliant',
    '1 when the key meets the playbook target at runtime and at boot.',
    (s) => {
      for (const { h, host } of hosts)
        for (const k of h.keys)
          s(
            `${host}${l('key', k.key)}${l('status', k.status)}`,
            OK_STATUSES.includes(k.status) ? 1 : 0,
          );
    },
  );
  const severities = ['ok', 'warning', 'critical'] as const;
  metric('sysfleet_findings', 'Number of evidence findings on the host by severity.', (s) => {
    for (const { h, host } of hosts)
      for (const sev of severities)
        s(`${host}${l('severity', sev)}`, h.findings.filter((f) => f.severity === sev).length);
  });
  metric(
    'sysfleet_finding_value',
    'Measured value of each evidence finding (ratios as fractions, counts as counts).',
    (s) => {
      for (const { h, host } of hosts)
        for (const f of h.findings)
          s(
            `${host}${l('id', f.id)}${l('severity', f.severity)}${l('incident', String(f.incident))}`,
            f.value,
          );
    },
  );
  metric(
    'sysfleet_exit_code',
    'Nagios-style exit code of the run (0 ok, 1 warning, 2 critical, 3 unknown).',
    (s) => s('', report.exitCode),
  );
  metric('sysfleet_run_duration_seconds', 'Duration of the check run.', (s) =>
    s('', report.durationMs / 1000),
  );
  metric('sysfleet_last_run_timestamp_seconds', 'Unix time the check run finished.', (s) =>
    s('', Math.floor(Date.parse(report.finishedAt) / 1000)),
  );
  return out.join('\n') + '\n';
}
