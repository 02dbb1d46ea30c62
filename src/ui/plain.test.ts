import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../run/events.js';
import { at, hostEvents, RUN_ID, runStarted, scenario } from './fixtures.js';
import { createJsonlPrinter, formatEventJsonl } from './jsonl.js';
import { createPlainPrinter, formatEventPlain } from './plain.js';
import { initialUiState, reduce } from './state.js';

function printAll(events: RunEvent[]): string[] {
  const out: string[] = [];
  const print = createPlainPrinter({ write: (s: string) => out.push(s) });
  events.forEach(print);
  return out.join('').split('\n').filter(Boolean);
}

describe('formatEventPlain', () => {
  it('prints run start, waves, one line per finished host and nothing for phases', () => {
    const hosts = ['web-1', 'web-2', 'web-3'];
    const lines = printAll([
      runStarted(hosts, { waves: [['web-1'], ['web-2', 'web-3']] }),
      { type: 'wave-started', at: at(0), wave: 1, hosts: ['web-1'] },
      ...hostEvents('web-1', 'changed', 0),
      { type: 'wave-done', at: at(2000), wave: 1, failed: 0, total: 1 },
      { type: 'health-gate', at: at(2100), wave: 1, ok: true },
      { type: 'wave-started', at: at(2200), wave: 2, hosts: ['web-2', 'web-3'] },
      ...hostEvents('web-2', 'failed', 2300, 800),
      ...hostEvents('web-3', 'unreachable', 2300, 5000),
      { type: 'wave-done', at: at(9000), wave: 2, failed: 2, total: 2 },
    ]);
    expect(lines).toEqual([
      `sysfleet apply run ${RUN_ID}: playbook nat-keepalive, 3 hosts, 2 waves`,
      'wave 1/2 started: 1 host',
      '[1/3] web-1  changed      tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10  (1.2s)',
      'wave 1/2 done: 0 of 1 host failed',
      'health gate after wave 1/2: ok',
      'wave 2/2 started: 2 hosts',
      '[2/3] web-2  failed       write net.ipv4.tcp_keepalive_time: EPERM, tcp_keepalive_time: EPERM: read-only key  (800ms)',
      '[3/3] web-3  unreachable  connect ECONNREFUSED 127.0.0.1:2222  (5.0s)',
      'wave 2/2 done: 2 of 2 hosts failed',
    ]);
  });

  it('for a check, a drifting host lists the planned changes', () => {
    const lines = printAll([
      runStarted(['db-1'], { kind: 'check' }),
      ...hostEvents('db-1', 'drift', 0),
    ]);
    expect(lines[1]).toBe(
      '[1/1] db-1  drift        tcp_keepalive_time 7200 → 60, tcp_keepalive_intvl 75 → 10  (1.2s)',
    );
  });

  it('without state, still says something useful', () => {
    const ev: RunEvent = {
      type: 'run-stopping',
      at: at(1),
      reason: 'max-fail',
      detail: '3 of 10 failed',
    };
    expect(formatEventPlain(ev)).toBe('stopping: max-fail (3 of 10 failed)');
    expect(
      formatEventPlain({ type: 'host-phase', at: at(1), host: 'x', phase: 'applying' }),
    ).toBeUndefined();
  });

  it('ends with a summary: counts, failures, stop reasons and the rollback command', () => {
    const fates = ['changed', 'changed', 'failed', 'unreachable'] as const;
    const events = scenario(4, (i) => fates[i]!, { finished: true });
    events.splice(-1, 0, {
      type: 'run-stopping',
      at: at(3000),
      reason: 'max-fail',
      detail: '2 failed',
    });
    const lines = printAll(events);
    const summary = lines.slice(lines.findIndex((l) => l.startsWith(`run ${RUN_ID} finished`)));
    expect(summary).toEqual([
      `run ${RUN_ID} finished in 2.0s, exit 2: 1 failed, 1 unreachable, 2 changed`,
      '  failed      web-3  write net.ipv4.tcp_keepalive_time: EPERM',
      '  unreachable web-4  connect ECONNREFUSED 127.0.0.1:2222',
      '  stopping: max-fail (2 failed)',
      `next: undo this run on every touched host: sysfleet rollback ${RUN_ID}`,
      'next: unreachable hosts: check SSH reachability (sysfleet inventory list shows the address used)',
      `next: details per host: sysfleet runs (run ${RUN_ID})`,
    ]);
  });

  it("wave numbers are the events' own, of the declared count", () => {
    let s = reduce(initialUiState(), runStarted(['a', 'b'], { waves: [['a'], ['b']] }));
    const ev: RunEvent = { type: 'wave-started', at: at(0), wave: 1, hosts: ['a'] };
    s = reduce(s, ev);
    expect(formatEventPlain(ev, s)).toBe('wave 1/2 started: 1 host');
  });
});

describe('jsonl', () => {
  it('writes each event as one parseable JSON line, unchanged', () => {
    const events = scenario(3, () => 'changed', { finished: true });
    const out: string[] = [];
    const print = createJsonlPrinter({ write: (s: string) => out.push(s) });
    events.forEach(print);
    const lines = out.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(events);
  });

  it('escapes newlines inside values so a line is always one event', () => {
    const ev: RunEvent = { type: 'run-stopping', at: at(0), reason: 'aborted', detail: 'a\nb' };
    expect(formatEventJsonl(ev)).not.toContain('\n');
  });
});
