import { describe, expect, it } from 'vitest';
import { formatTimings, phaseStats, summarizeTimings } from './timings.js';
import { COMMAND_PHASES, timedHost } from './fixtures.js';
import { report as validateReport } from '../parse/schema-validators.gen.js';
import { buildCheckReport } from './build.js';

const host = timedHost;
const command = COMMAND_PHASES;

describe('timings', () => {
  it('phase stats: sum, median, p95 and max (nearest rank)', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(phaseStats(values)).toEqual({ sumMs: 210, medianMs: 10, p95Ms: 19, maxMs: 20 });
    expect(phaseStats([])).toEqual({ sumMs: 0, medianMs: 0, p95Ms: 0, maxMs: 0 });
  });

  it('names the slowest host and the wait for the last 5%, counts kex and bytes', () => {
    const hosts = [...Array.from({ length: 19 }, (_, i) => host(i)), host(19, { endMs: 900 })];
    const t = summarizeTimings(command, [...hosts, { host: 'down' }]);
    expect(t.hosts).toBe(20);
    expect(t.tail.slowest).toEqual({ host: 'h19', ms: 900 });
    // 95% of 20 hosts had finished when h18 did (118 ms); the last ended at 900 ms.
    expect(t.tail.ms).toBe(900 - 118);
    expect(t.kex).toEqual({ 'curve25519-sha256': 20 });
    expect(t.bytes.sent).toBe(20_000);
    expect(t.perHost.kex?.maxMs).toBe(39);
    expect(t.perHost.connect.medianMs).toBe(49);
  });

  it('without ssh2 set-up phases (OpenSSH, local) it leaves tcp/kex/auth out', () => {
    const { setup: _, ...noSetup } = host(1).timings;
    const t = summarizeTimings(command, [{ host: 'x', timings: noSetup }]);
    expect(t.perHost.kex).toBeUndefined();
    expect(t.kex).toEqual({});
    expect(formatTimings(t).some((l) => l.includes('key exchange'))).toBe(false);
  });

  it('prints every phase, and the JSON report with timings validates against the schema', () => {
    const t = summarizeTimings(command, [host(1), host(2)]);
    const text = formatTimings(t).join('\n');
    for (const word of [
      'node start',
      'module load',
      'inventory+playbook',
      'connect',
      'kex',
      'exec',
      'parse',
      'plan',
      'bytes',
      'slowest',
    ])
      expect(text).toContain(word);
    const report = {
      ...buildCheckReport({
        tool: { name: 'sysfleet', version: '0' },
        runId: '20261203T000000Z-abcdef',
        playbook: { name: 'p', source: 'p.yaml' },
        startedAt: '2026-12-03T00:00:00.000Z',
        finishedAt: '2026-12-03T00:00:01.000Z',
        hosts: [],
      }),
      timings: t,
    };
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(validateReport({ ...report, timings: { ...t, bogus: 1 } })).toBe(false);
  });
});
