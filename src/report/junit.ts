/**
 * JUnit XML reporter for CI: one <testsuite> per playbook, one <testcase> per host x key
 * (classname = host, name = key), one per non-ok finding, and one `connect` testcase with an
 * <error> for a host that could not be checked.
 */
import type { CheckReport, HostReport, KeyReport } from './types.js';
import { OK_STATUSES } from './build.js';

/** Escape for XML text and attribute values; drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  // Most strings need nothing (host and key names): one test instead of six replaces.
  if (/^[\t\n\r\u0020\u0021\u0023-\u0025\u0028-\u003B\u003D\u003F-\uD7FF\uE000-\uFFFD]*$/.test(s))
    return s;
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  error?: { type: string; message: string };
}

function keyMessage(k: KeyReport): string {
  const now = k.runtime ?? (k.status === 'unreadable' ? 'unreadable' : 'absent');
  const boot = k.boot
    ? `${k.boot.value} from ${k.boot.file}:${k.boot.line}`
    : 'not set by any file';
  return `${k.status}: runtime ${now}, boot ${boot}, want ${k.target}`;
}

function hostCases(h: HostReport): Case[] {
  if (h.error) {
    return [
      {
        classname: h.host,
        name: 'connect',
        error: { type: h.error.kind, message: h.error.message },
      },
    ];
  }
  const cases: Case[] = h.keys.map((k) => {
    const c: Case = { classname: h.host, name: k.key };
    if (!OK_STATUSES.includes(k.status)) {
      const lines = [
        keyMessage(k),
        k.detail,
        k.shadowedBy ? `shadowed by ${k.shadowedBy}` : undefined,
      ];
      c.failure = {
        type: k.status,
        message: keyMessage(k),
        body: lines.filter(Boolean).join('\n'),
      };
    }
    return c;
  });
  for (const f of h.findings) {
    if (f.severity === 'ok') continue;
    cases.push({
      classname: h.host,
      name: `finding ${f.id}`,
      failure: {
        type: f.severity,
        message: f.message,
        body: `incident ${f.incident}: ${f.message}`,
      },
    });
  }
  return cases;
}

export function renderJunit(report: CheckReport): string {
  const cases = report.hosts.flatMap(hostCases);
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const a = xmlEscape;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sysfleet" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${report.durationMs / 1000}">`,
    `  <testsuite name="${a(report.playbook.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${report.durationMs / 1000}" timestamp="${a(report.startedAt)}">`,
    '    <properties>',
    `      <property name="playbook.source" value="${a(report.playbook.source)}"/>`,
    `      <property name="runId" value="${a(report.runId)}"/>`,
    `      <property name="exitCode" value="${report.exitCode}"/>`,
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${a(c.classname)}" name="${a(c.name)}"`;
    if (c.failure) {
      out.push(`${open}>`);
      out.push(
        `      <failure type="${a(c.failure.type)}" message="${a(c.failure.message)}">${a(c.failure.body)}</failure>`,
      );
      out.push('    </testcase>');
    } else if (c.error) {
      out.push(`${open}>`);
      out.push(`      <error type="${a(c.error.type)}" message="${a(c.error.message)}"/>`);
      out.push('    </testcase>');
    } else {
      out.push(`${open}/>`);
    }
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
