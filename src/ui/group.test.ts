import { describe, expect, it } from 'vitest';
import { finding, KEEPALIVE, plan } from './fixtures.js';
import { formatGroup, groupHosts, type GroupInput } from './group.js';
import { buildPlanReview } from './review.js';

const tw = (h: string) =>
  plan(h, [{ key: 'net.ipv4.tcp_tw_reuse', from: '0', to: '2', runtime: true }]);

function fleet(): GroupInput[] {
  const inputs: GroupInput[] = [];
  for (let i = 0; i < 412; i++) inputs.push({ host: `web-${i}`, plan: plan(`web-${i}`) });
  for (let i = 0; i < 3; i++) inputs.push({ host: `db-${i}`, plan: plan(`db-${i}`, []) });
  inputs.push({ host: 'lb-1', plan: tw('lb-1') }, { host: 'lb-2', plan: tw('lb-2') });
  inputs.push({ host: 'old-1', outcome: 'unreachable', error: 'ECONNREFUSED' });
  inputs.push({ host: 'old-2', outcome: 'unreachable', error: 'timeout' });
  return inputs;
}

describe('groupHosts', () => {
  it('groups identical change sets and orders changes (largest first), compliant, unreachable', () => {
    expect(groupHosts(fleet()).map(formatGroup)).toEqual([
      '412 hosts: tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10',
      '2 hosts: tcp_tw_reuse 0 → 2',
      '3 hosts: compliant',
      '2 hosts: unreachable',
    ]);
  });

  it('different current values are different change sets', () => {
    const other = plan('x', [{ ...KEEPALIVE[0]!, from: '600' }, KEEPALIVE[1]!]);
    const groups = groupHosts([
      { host: 'a', plan: plan('a') },
      { host: 'x', plan: other },
    ]);
    expect(groups).toHaveLength(2);
    expect(groups.map((g) => g.hosts)).toEqual([['a'], ['x']]);
  });

  it('says persist-only changes, unset keys and what apply cannot fix', () => {
    const p = plan('h', [{ key: 'net.core.somaxconn', to: '4096', runtime: false }]);
    p.verdicts.push({
      key: 'net.ipv4.tcp_tw_recycle',
      target: { kind: 'exact', value: '0' },
      status: 'absent_required',
    });
    const blocked = plan('b', []);
    blocked.verdicts.push({
      key: 'net.ipv4.tcp_keepalive_time',
      target: { kind: 'exact', value: '60' },
      status: 'shadowed',
      shadowedBy: '/usr/lib/sysctl.d/99-vendor.conf',
    });
    const groups = groupHosts([
      { host: 'h', plan: p },
      { host: 'b', plan: blocked },
    ]);
    expect(groups.map(formatGroup)).toEqual([
      '1 host: somaxconn unset → 4096 (persist only), tcp_tw_recycle absent (required)',
      '1 host: tcp_keepalive_time shadowed by /usr/lib/sysctl.d/99-vendor.conf',
    ]);
    expect(groups.map((g) => g.kind)).toEqual(['change', 'blocked']);
  });
});

describe('buildPlanReview', () => {
  it('aggregates shadowing files and findings across hosts, worst first', () => {
    const inputs = fleet();
    const a = inputs[0]!.plan!;
    a.shadowWarnings = ['/usr/lib/sysctl.d/99-vendor.conf'];
    a.findings = [
      finding({ value: 0.55 }),
      finding({
        id: 'close_wait',
        severity: 'critical',
        incident: 5,
        message: '900 CLOSE_WAIT sockets',
        value: 900,
      }),
    ];
    inputs[1]!.plan!.findings = [
      finding({ value: 0.7, message: 'TIME_WAIT sockets use 70% of the local port range' }),
      finding({ id: 'fine', severity: 'ok' }),
    ];
    inputs[1]!.plan!.shadowWarnings = ['/usr/lib/sysctl.d/99-vendor.conf'];
    const review = buildPlanReview(inputs);
    expect(review.totalHosts).toBe(419);
    expect(review.changingHosts).toBe(414);
    expect(review.shadowing).toEqual([
      { file: '/usr/lib/sysctl.d/99-vendor.conf', hosts: ['web-0', 'web-1'] },
    ]);
    expect(review.findings.map((f) => [f.id, f.severity, f.hosts.length, f.message])).toEqual([
      ['close_wait', 'critical', 1, '900 CLOSE_WAIT sockets'],
      ['time_wait_port_ratio', 'warning', 2, 'TIME_WAIT sockets use 70% of the local port range'],
    ]);
  });
});
