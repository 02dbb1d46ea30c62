import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { finding, plan } from './fixtures.js';
import type { GroupInput } from './group.js';
import { PlanReview } from './PlanReview.js';
import { buildPlanReview } from './review.js';

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function inputs(): GroupInput[] {
  const list: GroupInput[] = [];
  for (let i = 1; i <= 412; i++) list.push({ host: `web-${i}`, plan: plan(`web-${i}`) });
  for (let i = 1; i <= 3; i++) list.push({ host: `db-${i}`, plan: plan(`db-${i}`, []) });
  list.push({ host: 'old-1', outcome: 'unreachable' }, { host: 'old-2', outcome: 'unreachable' });
  list[0]!.plan!.shadowWarnings = ['/usr/lib/sysctl.d/99-vendor.conf'];
  list[1]!.plan!.findings = [
    finding({
      id: 'close_wait',
      severity: 'critical',
      incident: 5,
      message: '900 CLOSE_WAIT sockets',
      value: 900,
    }),
  ];
  return list;
}

async function frameWhere(
  r: ReturnType<typeof render>,
  ok: (f: string) => boolean,
): Promise<string> {
  for (let i = 0; i < 100 && !ok(r.lastFrame() ?? ''); i++)
    await new Promise((res) => setTimeout(res, 5));
  return r.lastFrame() ?? '';
}

describe('PlanReview', () => {
  it('lists change groups, shadowing, evidence, then asks y/N', () => {
    mounted = render(
      <PlanReview
        review={buildPlanReview(inputs())}
        title="nat-keepalive"
        columns={100}
        onAnswer={() => {}}
      />,
    );
    expect((mounted.lastFrame() ?? '').split('\n')).toEqual([
      'Plan for nat-keepalive: 417 hosts, 412 would change',
      '  412 hosts: tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10',
      '  3 hosts: compliant',
      '  2 hosts: unreachable (old-1, old-2)',
      'Still overridden at boot after apply:',
      '  ⚠ /usr/lib/sysctl.d/99-vendor.conf on 1 host',
      'Evidence:',
      '  ● critical close_wait (incident 5) on 1 host: 900 CLOSE_WAIT sockets',
      '',
      'Apply to 412 hosts? y/N',
    ]);
  });

  it('y confirms and says so', async () => {
    const onAnswer = vi.fn();
    mounted = render(<PlanReview review={buildPlanReview(inputs())} onAnswer={onAnswer} />);
    mounted.stdin.write('y');
    const frame = await frameWhere(mounted, (f) => f.includes('confirmed'));
    expect(frame).toContain('confirmed: applying');
    // The answer is reported from an effect, right after the frame that shows it.
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(true));
    mounted.stdin.write('n');
    expect(onAnswer).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['n', 'n'],
    ['Enter', '\r'],
    ['Esc', '\u001B'],
    ['any other key', 'x'],
  ])('%s declines', async (_name, key) => {
    const onAnswer = vi.fn();
    mounted = render(<PlanReview review={buildPlanReview(inputs())} onAnswer={onAnswer} />);
    mounted.stdin.write(key);
    const frame = await frameWhere(mounted, (f) => f.includes('declined'));
    expect(frame).toContain('declined: nothing changed');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(false));
  });

  it('caps the number of groups shown', () => {
    const many: GroupInput[] = Array.from({ length: 20 }, (_, i) => ({
      host: `h-${i}`,
      plan: plan(`h-${i}`, [
        { key: 'net.core.somaxconn', from: String(100 + i), to: '4096', runtime: true },
      ]),
    }));
    mounted = render(
      <PlanReview review={buildPlanReview(many)} maxGroups={5} onAnswer={() => {}} />,
    );
    const frame = mounted.lastFrame() ?? '';
    expect(frame.split('\n').filter((l) => l.startsWith('  1 host: somaxconn'))).toHaveLength(5);
    expect(frame).toContain('… and 15 more groups');
  });

  it('at 80 columns wraps a long change set: the last key is on screen, nothing is cut', () => {
    const many = [
      { key: 'net.ipv4.tcp_fin_timeout', from: '60', to: '30', runtime: true },
      { key: 'net.ipv4.tcp_keepalive_intvl', from: '75', to: '30', runtime: true },
      { key: 'net.ipv4.tcp_keepalive_probes', from: '9', to: '5', runtime: true },
      { key: 'net.ipv4.tcp_keepalive_time', from: '7200', to: '60', runtime: true },
    ];
    const review = buildPlanReview([
      { host: 'web-1', plan: plan('web-1', many) },
      { host: 'web-2', plan: plan('web-2', many) },
    ]);
    mounted = render(<PlanReview review={review} columns={80} onAnswer={() => {}} />);
    const lines = (mounted.lastFrame() ?? '').split('\n');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    const text = lines.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('tcp_keepalive_time 7200 → 60');
    expect(text).not.toContain('…');
    // continuation lines stay indented under the group, not at the margin
    const cont = lines.slice(2).filter((l) => l.includes('tcp_'));
    expect(cont.length).toBeGreaterThan(0);
    expect(cont.every((l) => l.startsWith('  '))).toBe(true);
  });

  it('speaks of a rollback when given its words', () => {
    mounted = render(
      <PlanReview
        review={buildPlanReview([{ host: 'web-1', plan: plan('web-1') }])}
        wording={{ heading: 'Rollback of run r1: 1 host', question: 'Roll back 1 host?' }}
        onAnswer={() => {}}
      />,
    );
    const frame = mounted.lastFrame() ?? '';
    expect(frame).toContain('Rollback of run r1: 1 host');
    expect(frame).toContain('Roll back 1 host? y/N');
  });
});
