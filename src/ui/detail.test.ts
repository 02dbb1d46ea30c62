import { describe, expect, it } from 'vitest';
import { detailLines, keyLine } from './detail.js';
import { facts, finding, plan } from './fixtures.js';
import type { HostState } from './state.js';

const base = (over: Partial<HostState>): HostState => ({
  name: 'web-1',
  order: 0,
  phase: 'done',
  keys: [],
  ...over,
});
const texts = (h: HostState) => detailLines(h).map((l) => l.text);

describe('detailLines', () => {
  it('a reverted host: the error, what was put back, and that the host is as before', () => {
    const h = base({
      outcome: 'reverted',
      error: 'write net.ipv4.tcp_keepalive_intvl: Invalid argument; reverted',
      plan: plan('web-1'),
      keys: [
        {
          key: 'net.ipv4.tcp_keepalive_time',
          action: 'reverted',
          before: '7200',
          want: '60',
          after: '7200',
        },
        {
          key: 'net.ipv4.tcp_keepalive_intvl',
          action: 'failed',
          before: '75',
          want: '10',
          error: 'Invalid argument',
        },
      ],
      files: [{ path: '/etc/sysctl.d/60-sysfleet-keepalive.conf', action: 'not_reached' }],
    });
    const t = texts(h);
    expect(t).toContain('error: write net.ipv4.tcp_keepalive_intvl: Invalid argument; reverted');
    expect(t).toContain('the host is as it was before the run: everything changed was put back');
    expect(t).toContain('  tcp_keepalive_time  7200 → 60, put back to 7200');
    expect(t).toContain('  tcp_keepalive_intvl  75 → 10 REFUSED: Invalid argument');
    expect(t).toContain('  /etc/sysctl.d/60-sysfleet-keepalive.conf  untouched (not reached)');
    expect(t.join('\n')).not.toContain('not applied');
  });

  it('a failed revert is said in capitals, in red', () => {
    const h = base({
      outcome: 'failed',
      error: 'revert failed',
      keys: [
        {
          key: 'net.ipv4.tcp_fin_timeout',
          action: 'revert_failed',
          before: '60',
          after: '30',
          error: 'Read-only file system',
        },
      ],
    });
    const lines = detailLines(h);
    expect(lines.map((l) => l.text)).toContain(
      '  tcp_fin_timeout  NOT put back: reads 30, was 60: Read-only file system',
    );
    expect(lines.find((l) => l.text.startsWith('NOT everything'))?.color).toBe('red');
  });

  it('a host refused before any change says nothing was changed', () => {
    const h = base({
      outcome: 'failed',
      error: 'no space left on /var/lib/sysfleet: 4 KiB free, 96 KiB needed',
    });
    expect(texts(h)).toEqual([
      'web-1 · failed',
      'error: no space left on /var/lib/sysfleet: 4 KiB free, 96 KiB needed',
      'nothing was reported changed on this host',
    ]);
  });

  it('leaves out evidence and socket counts that are all zero', () => {
    const quiet = {
      ...facts('web-1'),
      tcpStates: { established: 0, timeWait: 0, closeWait: 0, synRecv: 0, source: 'ss' as const },
    };
    const h = base({
      outcome: 'compliant',
      facts: quiet,
      plan: plan('web-1', [], {
        findings: [
          finding({ id: 'close_wait', severity: 'ok', value: 0, incident: 5, message: 'none' }),
        ],
      }),
    });
    const t = texts(h);
    expect(t.some((l) => l.startsWith('evidence'))).toBe(false);
    expect(t.some((l) => l.includes('sockets:'))).toBe(false);
    // ...but a non-zero counter, or a zero that was not zero before, is shown
    const busy = base({
      ...h,
      facts: { ...quiet, tcpStates: { ...quiet.tcpStates, timeWait: 7 } },
    });
    expect(texts(busy)).toContain('  sockets: TIME_WAIT 7');
    // Not counted (no finding of the playbook reads them): no line, not a line of zeros.
    const { tcpStates: _counted, ...uncounted } = busy.facts ?? quiet;
    expect(texts(base({ ...h, facts: uncounted })).some((l) => l.includes('sockets:'))).toBe(false);
  });

  it('keys as check reports them (no action) read before → after', () => {
    expect(keyLine({ key: 'net.ipv4.tcp_fin_timeout', before: '60', after: '30' }).text).toBe(
      '  tcp_fin_timeout  60 → 30',
    );
    expect(keyLine({ key: 'net.ipv4.tcp_fin_timeout', before: '60' }).text).toBe(
      '  tcp_fin_timeout  60 (unchanged)',
    );
  });
});
