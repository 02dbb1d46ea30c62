/**
 * Reporters on one fleet built from captured facts: golden files in test/fixtures/reports/
 * (SYSFLEET_WRITE_FIXTURES=1 writes a missing one; read it before committing). Every report
 * produced here is validated with ajv against schemas/report.schema.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../facts/types.js';
import type { EvidenceThresholds, Target } from '../playbook/types.js';
import { planHost } from '../plan/plan.js';
import { buildCheckReport, type HostResult } from './build.js';
import { exitCode, exitCodeOf } from './exitCode.js';
import { renderJson } from './json.js';
import { renderJunit, xmlEscape } from './junit.js';
import { renderNagios } from './nagios.js';
import { labelValue, renderPrometheus } from './prometheus.js';
import { renderText } from './text.js';
import type { CheckReport, ReportSummary } from './types.js';

const fixtures = new URL('../../test/fixtures/', import.meta.url);
const facts = (name: string, host: string): HostFacts => ({
  ...(JSON.parse(
    readFileSync(new URL(`facts/${name}/expected.json`, fixtures), 'utf8'),
  ) as HostFacts),
  host,
});

const schema = JSON.parse(
  readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  formats: { 'date-time': /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/ },
});
const validate = ajv.compile(schema);
function valid(report: CheckReport): CheckReport {
  const ok = validate(JSON.parse(renderJson(report)));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return report;
}

const KA = 'net.ipv4.tcp_keepalive_time';
const targets: Record<string, Target> = {
  [KA]: { kind: 'exact', value: '60' },
  'net.ipv4.tcp_keepalive_probes': { kind: 'exact', value: '9' },
  'net.ipv4.tcp_tw_recycle': { kind: 'absent_or', value: '0' },
};
const evidence: EvidenceThresholds = {
  time_wait_port_ratio: { warn: 0.5, crit: 0.8 },
  conntrack_fill: { warn: 0.8, crit: 0.95 },
};
const opts = {
  persistBasename: '60-sysfleet-keepalive',
  evidence,
  playbook: { name: 'nat-keepalive', source: 'playbooks/nat-keepalive.yaml' },
};

function checked(f: HostFacts, address: string): HostResult {
  return { host: f.host, address, facts: f, plan: planHost(f, targets, opts) };
}

function compliantHost(name: string): HostFacts {
  const f = facts('debian12-dash', name);
  return {
    ...f,
    sysctls: { ...f.sysctls, [KA]: { state: 'value', value: '60' } },
    sysctlFiles: [
      ...f.sysctlFiles,
      {
        path: '/etc/sysctl.d/60-sysfleet-keepalive.conf',
        dir: '/etc/sysctl.d',
        basename: '60-sysfleet-keepalive.conf',
        lines: [
          { line: 3, key: KA, value: '60', ignoreFailure: false },
          { line: 4, key: 'net.ipv4.tcp_keepalive_probes', value: '9', ignoreFailure: false },
        ],
      },
    ],
  };
}

function fleet(): CheckReport {
  return buildCheckReport({
    tool: { name: 'sysfleet', version: '0.1.0' },
    runId: '20250601T120000Z-check',
    playbook: opts.playbook,
    startedAt: '2025-06-01T12:00:00.000Z',
    finishedAt: '2025-06-01T12:00:04.250Z',
    hosts: [
      checked(facts('debian12-dash', 'db-01'), '127.0.0.11'),
      checked(facts('debian12-netns', 'db-02'), '127.0.0.12'),
      checked(compliantHost('web-01'), '127.0.0.21'),
      checked(compliantHost('web-"02"<&>\\'), '127.0.0.22'),
      checked(facts('debian9-kernel-4.9-tw-recycle', 'old-01'), '127.0.0.31'),
      checked(facts('numa-two-nodes-banner', 'lb-01'), '127.0.0.41'),
      {
        host: 'db-03',
        address: '127.0.0.13',
        error: { kind: 'timeout', message: 'connect timed out after 10s' },
      },
      {
        host: 'db-04',
        address: '127.0.0.14',
        error: { kind: 'timeout', message: 'connect timed out after 10s' },
      },
    ],
  });
}

function golden(name: string, actual: string): void {
  const url = new URL(`reports/${name}`, fixtures);
  if (!existsSync(url) && process.env.SYSFLEET_WRITE_FIXTURES === '1') writeFileSync(url, actual);
  expect(actual).toBe(readFileSync(url, 'utf8'));
}

describe('buildCheckReport', () => {
  const r = valid(fleet());
  it('classifies hosts', () => {
    expect(r.hosts.map((h) => [h.host, h.outcome])).toEqual([
      ['db-01', 'drift'],
      ['db-02', 'drift'],
      ['web-01', 'compliant'],
      ['web-"02"<&>\\', 'compliant'],
      ['old-01', 'drift'],
      ['lb-01', 'critical'],
      ['db-03', 'unknown'],
      ['db-04', 'unknown'],
    ]);
    expect(r.summary).toMatchObject({
      hosts: 8,
      compliant: 2,
      drift: 3,
      critical: 1,
      unknown: 2,
      unreachable: 2,
    });
    expect(r.durationMs).toBe(4250);
    expect(exitCode(r)).toBe(2);
  });
  it.each([
    ['json', renderJson],
    ['junit.xml', renderJunit],
    ['nagios.txt', renderNagios],
    ['prom', renderPrometheus],
    ['text.txt', (x: CheckReport) => renderText(x)],
    ['text-detail.txt', (x: CheckReport) => renderText(x, { detail: true })],
  ])('fleet.%s matches its golden file', (ext, render) => {
    golden(`fleet.${ext}`, render(r));
  });
  it('an all-compliant run is OK', () => {
    const ok = valid(
      buildCheckReport({
        ...fleetInput(),
        hosts: [checked(compliantHost('web-01'), '127.0.0.21')],
      }),
    );
    expect(ok.exitCode).toBe(0);
    expect(renderNagios(ok)).toMatch(/^SYSFLEET OK - 1 of 1 hosts compliant \(nat-keepalive\) \| /);
    golden('compliant.text.txt', renderText(ok));
  });
});

function fleetInput() {
  const { tool, runId, playbook, startedAt, finishedAt } = fleet();
  return { tool, runId, playbook, startedAt, finishedAt };
}

describe('exit code precedence', () => {
  const s = (p: Partial<ReportSummary>): ReportSummary => ({
    hosts: 10,
    compliant: 0,
    drift: 0,
    warning: 0,
    critical: 0,
    unknown: 0,
    unreachable: 0,
    keys: {},
    findings: { ok: 0, warning: 0, critical: 0 },
    ...p,
  });
  it.each([
    [{ compliant: 10 }, 0],
    [{ compliant: 9, warning: 1 }, 1],
    [{ compliant: 9, drift: 1 }, 2],
    [{ compliant: 9, critical: 1 }, 2],
    [{ compliant: 9, unknown: 1, unreachable: 1 }, 3],
    [{ compliant: 8, unknown: 1, warning: 1 }, 3],
    [{ compliant: 8, unknown: 1, unreachable: 1, drift: 1 }, 2],
    [{ hosts: 0 }, 0],
  ] as const)('%j -> %i', (p, code) => {
    expect(exitCodeOf(s(p))).toBe(code);
  });
});

describe('escaping', () => {
  it('XML escapes markup and drops characters XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
  it('Prometheus label values escape backslash, quote and newline', () => {
    expect(labelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
  it('junit output of the fleet is well-formed enough for a strict XML tokenizer', () => {
    const xml = renderJunit(fleet());
    // every & starts an entity and no raw < appears inside attribute values
    expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    expect(xml).not.toMatch(/="[^"]*<[^"]*"/);
  });
});

describe('transport per host', () => {
  it('is in the JSON report (schema-valid) and in --detail text, for a checked and a refused host', () => {
    const base = fleet();
    const report = valid(
      buildCheckReport({
        tool: base.tool,
        runId: base.runId,
        playbook: base.playbook,
        startedAt: base.startedAt,
        finishedAt: base.finishedAt,
        hosts: [
          {
            ...checked(compliantHost('web-01'), '127.0.0.21'),
            transport: {
              name: 'openssh',
              reason: 'ssh_config CertificateFile /c: ssh2 has no certificates',
            },
          },
          {
            host: 'db-03',
            address: '127.0.0.13',
            transport: { name: 'refused', reason: '--transport ssh2, but ssh_config Match block' },
            error: { kind: 'unsupported', message: 'db-03: not connected' },
          },
        ],
      }),
    );
    expect(report.hosts.map((h) => h.transport?.name)).toEqual(['openssh', 'refused']);
    const text = renderText(report, { detail: true });
    expect(text).toContain(
      'via openssh: ssh_config CertificateFile /c: ssh2 has no certificates: web-01',
    );
    expect(text).toContain('via refused: --transport ssh2, but ssh_config Match block: db-03');
  });
});
