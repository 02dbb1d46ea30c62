import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { at, scenario, type HostFate } from './fixtures.js';
import { initialUiState, reduce } from './state.js';
import { Summary } from './Summary.js';

function finished(
  fate: (i: number) => HostFate,
  n: number,
  kind: 'apply' | 'check' | 'rollback' = 'apply',
) {
  return scenario(n, fate, { finished: true, kind }).reduce(
    reduce,
    initialUiState({ columns: 100 }),
  );
}

describe('Summary', () => {
  it('shows exit code, counts, failures and the rollback command', () => {
    const fates: HostFate[] = ['changed', 'changed', 'failed', 'unreachable', 'unchanged'];
    const r = render(<Summary state={finished((i) => fates[i]!, 5)} />);
    expect((r.lastFrame() ?? '').split('\n')).toEqual([
      'sysfleet apply run r-20240501-0300 finished in 2.0s — exit 2',
      '1 failed  1 unreachable  2 changed  1 unchanged  of 5 hosts',
      'failures:',
      '  failed      web-3  write net.ipv4.tcp_keepalive_time: EPERM',
      '  unreachable web-4  connect ECONNREFUSED 127.0.0.1:2222',
      'next: undo this run on every touched host: sysfleet rollback r-20240501-0300',
      'next: unreachable hosts: check SSH reachability (sysfleet inventory list shows the address used)',
      'next: details per host: sysfleet runs (run r-20240501-0300)',
    ]);
    r.unmount();
  });

  it('shows a reason 40 hosts share once, with the hosts', () => {
    const r = render(<Summary state={finished(() => 'failed', 40)} maxFailures={3} />);
    const frame = r.lastFrame() ?? '';
    const lines = frame.split('\n').filter((l) => l.startsWith('  failed'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {2}failed {6}web-01, web-02, .*\(\+35 more\) \[40 hosts\]/);
    // the shared reason follows in full (wrapped, not cut)
    expect(frame.replace(/\s+/g, ' ')).toContain(
      '[40 hosts] write net.ipv4.tcp_keepalive_time: EPERM',
    );
    expect(frame).not.toContain('… and');
    r.unmount();
  });

  it('a clean check suggests no rollback; drift suggests apply', () => {
    const clean = render(<Summary state={finished(() => 'compliant', 3, 'check')} />);
    expect(clean.lastFrame()).not.toContain('rollback');
    expect(clean.lastFrame()).toContain('3 compliant');
    clean.unmount();
    const drift = finished(() => 'drift', 2, 'check');
    const r = render(
      <Summary state={reduce(drift, { type: 'run-stopping', at: at(1), reason: 'deadline' })} />,
    );
    expect(r.lastFrame()).toContain(
      'next: fix the drift: sysfleet apply with the same inventory and playbook',
    );
    expect(r.lastFrame()).toContain('stopping: deadline');
    r.unmount();
  });

  it('at 80 columns wraps the next: commands instead of cutting the run id out', () => {
    const fates: HostFate[] = ['changed', 'unreachable'];
    const narrow = scenario(2, (i) => fates[i]!, { finished: true, kind: 'apply' }).reduce(
      reduce,
      initialUiState({ columns: 80 }),
    );
    const r = render(<Summary state={narrow} />);
    const lines = (r.lastFrame() ?? '').split('\n');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    // Every word of every next: step is on screen, in order, the run id in one piece.
    const text = lines.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('sysfleet rollback r-20240501-0300');
    expect(text).toContain(
      'unreachable hosts: check SSH reachability (sysfleet inventory list shows the address used)',
    );
    r.unmount();
  });
});
