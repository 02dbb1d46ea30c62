import { describe, expect, it } from 'vitest';
import {
  comparisonTable,
  cpuTable,
  failures,
  memoryPerHost,
  transportTable,
  type Sample,
} from './table.js';

const s = (p: Partial<Sample> & Pick<Sample, 'tool' | 'op' | 'wallS'>): Sample => ({
  hosts: 50,
  run: 1,
  cpuS: 1,
  rssKiB: 102_400,
  treePssKiB: 0,
  ok: true,
  ...p,
});

describe('comparisonTable', () => {
  it('puts the ratios of the medians in the row, from successful runs only', () => {
    const table = comparisonTable([
      s({ tool: 'sysfleet', op: 'check', wallS: 1 }),
      s({ tool: 'sysfleet', op: 'check', wallS: 3, run: 2 }),
      s({ tool: 'sysfleet', op: 'check', wallS: 2, run: 3 }),
      s({ tool: 'sysfleet', op: 'check', wallS: 99, run: 4, ok: false }),
      s({ tool: 'ansible', op: 'check', wallS: 50 }),
      s({ tool: 'floor', op: 'check', wallS: 1.6 }),
    ]);
    const row = table.split('\n').find((l) => l.startsWith('| 50 | check'));
    expect(row).toContain('| 2.00 (1.00–3.00) | 50.00 | 1.60 |');
    expect(row).toContain('| 0.040× | 1.25× |');
  });
  it('leaves a missing tool as a dash rather than a ratio of nothing', () => {
    const table = comparisonTable([
      s({ tool: 'sysfleet', op: 'rollback', wallS: 2 }),
      s({ tool: 'floor', op: 'rollback', wallS: 1 }),
    ]);
    expect(table).toContain('| 50 | rollback | 2.00 | — | 1.00 | — | 2.00× |');
  });
});

describe('cpuTable', () => {
  it('splits CPU between the control process and the hosts, per host and in busy cores', () => {
    const table = cpuTable([
      s({ tool: 'sysfleet', op: 'apply', wallS: 2, cpuS: 0.6, hostsCpuS: 3 }),
      s({ tool: 'sysfleet', op: 'apply', wallS: 4, cpuS: 1, hostsCpuS: 5, run: 2 }),
      s({ tool: 'sysfleet', op: 'apply', wallS: 9, cpuS: 9, hostsCpuS: 9, run: 3, ok: false }),
      s({ tool: 'floor', op: 'apply', wallS: 1, cpuS: 0.3, hostsCpuS: 1.2 }),
    ]);
    const rows = table.split('\n');
    expect(rows).toContain(
      '| 50 | apply | sysfleet | 3.00 (2.00–4.00) | 0.80 (0.60–1.00) | 4.00 (3.00–5.00) | 80.0 | 1.60 |',
    );
    expect(rows).toContain('| 50 | apply | floor | 1.00 | 0.30 | 1.20 | 24.0 | 1.50 |');
    expect(table).not.toContain('ansible');
  });
  it('shows a dash where the hosts were not measured (older results)', () => {
    const table = cpuTable([s({ tool: 'sysfleet', op: 'check', wallS: 1, cpuS: 0.5 })]);
    expect(table).toContain('| 50 | check | sysfleet | 1.00 | 0.50 | — | — | — |');
  });
});

describe('memoryPerHost', () => {
  it('gives the growth per host, not the total divided by N', () => {
    const table = memoryPerHost([
      s({ tool: 'sysfleet', op: 'check', wallS: 1, hosts: 100, rssKiB: 80_000 + 100 * 150 }),
      s({ tool: 'sysfleet', op: 'check', wallS: 1, hosts: 500, rssKiB: 80_000 + 500 * 150 }),
    ]);
    expect(table).toContain('| check | 100, 500 | 150 | — |');
  });
});

describe('failures', () => {
  it('names every run left out and why', () => {
    expect(
      failures([s({ tool: 'ansible', op: 'apply', wallS: 1, ok: false, note: 'exit 4' })]),
    ).toEqual(['N=50 ansible apply run 1: exit 4']);
  });
});

describe('transportTable', () => {
  it('puts OpenSSH beside ssh2 and the floor, names the algorithms, ratios of medians', () => {
    const table = transportTable([
      s({ tool: 'sysfleet', op: 'apply', wallS: 2 }),
      s({ tool: 'sysfleet-openssh', op: 'apply', wallS: 3 }),
      s({ tool: 'sysfleet-openssh', op: 'apply', wallS: 99, run: 2, ok: false }),
      s({ tool: 'floor', op: 'apply', wallS: 1.5 }),
      s({ tool: 'sysfleet', op: 'check', wallS: 1 }),
    ]);
    expect(table).toMatch(/kex curve25519-sha256@libssh.org/);
    expect(table).toContain('| 50 | apply | 2.00 | 3.00 | 1.50 | 1.50× | 2.00× | 1.33× |');
    expect(table).not.toContain('| 50 | check |');
  });
});
