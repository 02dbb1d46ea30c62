import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../run/events.js';
import { at, hostEvents, hostNames, runStarted, scenario, type HostFate } from './fixtures.js';
import { getHost } from './host-table.js';
import { initialUiState, reduce, type UiAction, type UiState } from './state.js';
import { etaMs, hostView, layout, listWindow, selectedHost } from './view.js';

function fold(actions: UiAction[], start: UiState = initialUiState({ rows: 20, columns: 100 })) {
  return actions.reduce(reduce, start);
}

const FATES: HostFate[] = ['changed', 'failed', 'applying', 'pending', 'unreachable', 'changed'];
const six = () => fold(scenario(6, (i) => FATES[i] ?? 'pending'));

describe('reduce: run events', () => {
  it('run-started lists every host pending, with run id, playbook, kind and waves', () => {
    const s = fold([runStarted(['a', 'b', 'c'], { waves: [['a'], ['b', 'c']] })]);
    expect(s.runId).toBe('r-20240501-0300');
    expect(s.playbook).toBe('nat-keepalive');
    expect(s.kind).toBe('apply');
    expect(s.hosts.size).toBe(3);
    expect(s.counts.pending).toBe(3);
    expect(s.waveCount).toBe(2);
    expect(getHost(s.hosts, 'c')?.wave).toBe(2);
  });

  it.each([
    ['changed', { changed: 1, pending: 0, in_flight: 0 }],
    ['unreachable', { unreachable: 1, pending: 0 }],
    ['applying', { in_flight: 1, pending: 0 }],
    ['pending', { pending: 1 }],
    ['reverted', { reverted: 1, in_flight: 0 }],
  ] as const)('a host ending %s is counted in exactly that bucket', (fate, expected) => {
    const s = fold([runStarted(['h']), ...hostEvents('h', fate, 0)]);
    expect(s.counts).toMatchObject(expected);
    const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(1);
  });

  it('host-done records outcome, keys before/after, error and duration', () => {
    const s = six();
    const failed = getHost(s.hosts, 'web-2');
    expect(failed?.outcome).toBe('failed');
    expect(failed?.phase).toBe('done');
    expect(failed?.error).toMatch(/EPERM/);
    expect(failed?.keys[0]).toMatchObject({
      key: 'net.ipv4.tcp_keepalive_time',
      error: expect.any(String),
    });
    const ok = getHost(s.hosts, 'web-1');
    expect(ok?.keys.map((k) => `${k.before}->${k.after}`)).toEqual(['7200->60', '75->10']);
    expect(ok?.durationMs).toBe(1000);
  });

  it('shows the wave the run events carry (1-based by contract)', () => {
    const base = runStarted(['a', 'b'], { waves: [['a'], ['b']] });
    const first = fold([base, { type: 'wave-started', at: at(1), wave: 1, hosts: ['a'] }]);
    const second = fold([{ type: 'wave-started', at: at(2), wave: 2, hosts: ['b'] }], first);
    expect([first.wave, second.wave, second.waveCount]).toEqual([1, 2, 2]);
  });

  it('keeps a log of stop reasons and failed health gates; pause clears on the next wave', () => {
    const events: RunEvent[] = [
      runStarted(['a', 'b'], { waves: [['a'], ['b']] }),
      { type: 'wave-started', at: at(0), wave: 1, hosts: ['a'] },
      { type: 'health-gate', at: at(5), wave: 1, ok: true },
      { type: 'run-paused', at: at(6), afterWave: 1 },
    ];
    const paused = fold(events);
    expect(paused.paused).toBe(true);
    const resumed = fold([{ type: 'wave-started', at: at(9), wave: 2, hosts: ['b'] }], paused);
    expect(resumed.paused).toBe(false);
    const stopped = fold(
      [
        { type: 'health-gate', at: at(10), wave: 2, ok: false, reason: 'ListenOverflows rising' },
        { type: 'run-stopping', at: at(11), reason: 'health-gate', detail: 'wave 2' },
      ],
      resumed,
    );
    expect(stopped.stopping).toBe('health-gate');
    expect(stopped.log.map((l) => l.text)).toEqual([
      'paused after wave 1',
      'health gate failed after wave 2: ListenOverflows rising',
      'stopping: health-gate (wave 2)',
    ]);
  });

  it('events for a host the run did not announce add it instead of being lost', () => {
    const s = fold([runStarted(['a']), ...hostEvents('zz', 'changed', 0)]);
    expect(s.hosts.size).toBe(2);
    expect(s.counts).toMatchObject({ pending: 1, changed: 1 });
  });

  it('run-finished keeps the exit code and counts and clears an open prompt', () => {
    const s = fold(
      scenario(3, () => 'changed', { finished: true }),
      {
        ...initialUiState(),
        prompt: 'quit',
      },
    );
    expect(s.finished).toMatchObject({ exitCode: 0, counts: { changed: 3 } });
    expect(s.prompt).toBeUndefined();
  });
});

describe('derived views', () => {
  it('orders failures first, then in flight, then the rest, each in run order', () => {
    expect(hostView(six()).map((h) => h.name)).toEqual([
      'web-2',
      'web-5',
      'web-3',
      'web-1',
      'web-4',
      'web-6',
    ]);
  });

  it('filters by name or outcome, case-insensitively', () => {
    const s = fold([{ type: 'ui-filter-set', text: 'UNREACH' }], six());
    expect(hostView(s).map((h) => h.name)).toEqual(['web-5']);
    const byName = fold([{ type: 'ui-filter-set', text: 'web-6' }], six());
    expect(hostView(byName).map((h) => h.name)).toEqual(['web-6']);
  });

  it('ETA = remaining hosts x mean duration / concurrency, absent before any completion', () => {
    expect(etaMs(fold([runStarted(['a', 'b'])]))).toBeUndefined();
    // 4 hosts done in 1000,1100,1200,1300 ms (mean 1150); 2 remaining; concurrency 2.
    const s = fold(
      [
        { type: 'ui-config', concurrency: 2 },
        ...scenario(6, (i) => (i < 4 ? 'changed' : 'pending')),
      ],
      initialUiState(),
    );
    expect(etaMs(s)).toBe(1150);
  });

  it('sizes the list to the terminal rows, leaving room for the detail pane', () => {
    const s = fold(
      scenario(50, () => 'changed'),
      initialUiState({ rows: 30 }),
    );
    expect(listWindow(s).rows).toHaveLength(layout(s).listRows);
    expect(layout(s).listRows).toBe(24);
    const withDetail = reduce(s, { type: 'ui-toggle-detail' });
    expect(layout(withDetail).listRows + layout(withDetail).detailRows).toBe(24);
    expect(layout(withDetail).detailRows).toBeGreaterThan(0);
  });
});

describe('reduce: UI actions', () => {
  it('moves the selection, scrolls to keep it visible, pages by a screen', () => {
    let s = fold(
      scenario(100, () => 'pending'),
      initialUiState({ rows: 16 }),
    );
    const rows = layout(s).listRows; // 10
    s = fold(
      Array.from({ length: rows + 2 }, () => ({ type: 'ui-select', delta: 1 }) as const),
      s,
    );
    expect(selectedHost(s)?.name).toBe(hostNames(100)[rows + 2]);
    expect(listWindow(s).start).toBe(3);
    s = reduce(s, { type: 'ui-page', delta: 1 });
    expect(listWindow(s).selected).toBe(2 * rows + 2);
    expect(listWindow(s).start).toBe(3 + rows);
    s = reduce(s, { type: 'ui-select', delta: -1000 });
    expect(listWindow(s)).toMatchObject({ selected: 0, start: 0 });
    s = reduce(s, { type: 'ui-page', delta: 1000 });
    expect(listWindow(s)).toMatchObject({ selected: 99, start: 100 - rows });
  });

  it('selection follows the host when it moves to the top on failure', () => {
    let s = fold(scenario(10, () => 'applying'));
    s = fold([{ type: 'ui-select', delta: 5 }], s);
    expect(selectedHost(s)?.name).toBe('web-06');
    s = fold(hostEvents('web-06', 'failed', 5000).slice(-1), s);
    expect(listWindow(s).selected).toBe(0);
    expect(selectedHost(s)?.name).toBe('web-06');
  });

  it('filter editing keeps a draft until applied; clearing resets it', () => {
    let s = fold([{ type: 'ui-filter-edit', draft: 'web-0' }], six());
    expect(s.filterDraft).toBe('web-0');
    expect(hostView(s)).toHaveLength(6);
    s = reduce(s, { type: 'ui-filter-set', text: 'web-2' });
    expect(s.filterDraft).toBeUndefined();
    expect(hostView(s).map((h) => h.name)).toEqual(['web-2']);
  });

  it('prompts and requests: a request closes the prompt and is remembered', () => {
    let s = reduce(six(), { type: 'ui-prompt', prompt: 'quit' });
    expect(s.prompt).toBe('quit');
    s = reduce(s, { type: 'ui-request', request: 'quit' });
    expect(s.prompt).toBeUndefined();
    expect(s.requests.quit).toBe(true);
  });

  it('resize is clamped to a usable minimum', () => {
    const s = reduce(six(), { type: 'ui-resize', rows: 3, columns: 5 });
    expect([s.rows, s.columns]).toEqual([8, 20]);
  });
});

describe('scale: 5 000 hosts', () => {
  const N = 5000;
  const fate = (i: number): HostFate =>
    i % 97 === 0 ? 'failed' : i % 3 === 0 ? 'applying' : 'changed';
  const s = fold(scenario(N, fate));

  it('counts add up and the view holds every host, failures first', () => {
    const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(N);
    const failures = Array.from({ length: N }, (_, i) => i).filter((i) => i % 97 === 0).length;
    expect(s.counts.failed).toBe(failures);
    const view = hostView(s);
    expect(view).toHaveLength(N);
    expect(view.slice(0, failures).every((h) => h.outcome === 'failed')).toBe(true);
    expect(view[failures]?.phase).toBe('applying');
  });

  it('one host event shares every untouched chunk with the previous state (no O(n) copy)', () => {
    const next = reduce(s, { type: 'host-phase', at: at(1), host: 'web-2500', phase: 'verifying' });
    const changed = next.hosts.chunks.filter((c, i) => c !== s.hosts.chunks[i]);
    expect(changed).toHaveLength(1);
    expect(next.hosts.chunks.length).toBeLessThan(100);
    expect(getHost(s.hosts, 'web-2500')?.phase).not.toBe('verifying');
  });
});
