import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.js';
import {
  at,
  facts,
  finding,
  hostEvents,
  hostNames,
  plan,
  runStarted,
  scenario,
  type HostFate,
} from './fixtures.js';
import type { LiveCallbacks } from './keys.js';
import { initialUiState } from './state.js';
import { createRunStore, type RunStore } from './store.js';

const DOWN = '\u001B[B';
const UP = '\u001B[A';
const PGDN = '\u001B[6~';
const ESC = '\u001B';
const ENTER = '\r';

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function callbacks(): LiveCallbacks & Record<string, ReturnType<typeof vi.fn>> {
  return { onPause: vi.fn(), onAbort: vi.fn(), onRollback: vi.fn(), onQuit: vi.fn() };
}

function mount(store: RunStore, cb: LiveCallbacks = callbacks()) {
  store.flush();
  mounted = render(<App store={store} callbacks={cb} />);
  return mounted;
}

function storeWith(events: Parameters<RunStore['dispatch']>[0][], rows = 20, columns = 100) {
  const store = createRunStore({ initial: initialUiState({ rows, columns }) });
  events.forEach(store.dispatch);
  return store;
}

/** Yield to ink/React until the frame satisfies `ok` (bounded: 100 turns of the event loop). */
async function frameWhere(
  r: ReturnType<typeof render>,
  ok: (frame: string) => boolean,
): Promise<string> {
  // Bounded by time, not by count: on a loaded CI machine ink's first frame can take >0.5 s.
  const deadline = Date.now() + 5000;
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    const f = r.lastFrame() ?? '';
    if (ok(f)) return f;
    await new Promise((res) => setTimeout(res, 5));
  }
  return r.lastFrame() ?? '';
}

async function press(r: ReturnType<typeof render>, ...keys: string[]): Promise<string> {
  for (const k of keys) {
    const before = r.frames.length;
    r.stdin.write(k);
    await frameWhere(r, () => r.frames.length > before);
  }
  return r.lastFrame() ?? '';
}

const listLines = (frame: string) => frame.split('\n').filter((l) => /^[▸ ] \S+-\d+ /.test(l));
const selectedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('▸'));

describe('LiveRollout with 5 hosts', () => {
  const hosts = hostNames(5);
  const fates: HostFate[] = ['changed', 'applying', 'failed', 'pending', 'unreachable'];
  const events = () => [
    runStarted(hosts, { waves: [hosts.slice(0, 1), hosts.slice(1)] }),
    { type: 'wave-started', at: at(0), wave: 1, hosts: hosts.slice(0, 1) } as const,
    { type: 'wave-started', at: at(10), wave: 2, hosts: hosts.slice(1) } as const,
    ...hosts.flatMap((h, i) => hostEvents(h, fates[i]!, 10 * i)),
  ];

  it('shows run id, playbook, wave k of n, counts, and failures first', () => {
    const r = mount(storeWith(events()));
    const frame = r.lastFrame() ?? '';
    expect(frame).toContain('run r-20240501-0300');
    expect(frame).toContain('playbook nat-keepalive');
    expect(frame).toContain('wave 2 of 2');
    expect(frame).toMatch(/1 failed {2}1 unreachable {2}1 changed {2}1 in flight {2}1 pending/);
    expect(frame).toContain('60% 3/5');
    expect(listLines(frame).map((l) => l.slice(2, 8))).toEqual(
      ['web-3', 'web-5', 'web-2', 'web-1', 'web-4'].map((n) => n.padEnd(6)),
    );
    expect(selectedLine(frame)).toMatch(/web-3 +failed +write net.ipv4.tcp_keepalive_time: EPERM/);
  });

  it('the detail pane shows keys before → after, errors and evidence before/after', async () => {
    const withEvidence = [
      ...events(),
      // Facts gathered again after apply: the socket evidence "after".
      { type: 'host-facts', at: at(2000), host: 'web-1', facts: facts('web-1', 80) } as const,
    ];
    const store = storeWith(withEvidence, 30);
    const r = mount(store);
    let frame = await press(r, DOWN, DOWN, DOWN);
    expect(selectedLine(frame)).toContain('web-1');
    frame = await press(r, ENTER);
    expect(frame).toContain('web-1 · changed · wave 1 · 1.2s · 6.1.0-21-amd64');
    expect(frame).toContain('tcp_keepalive_time  7200 → 60');
    expect(frame).toContain('tcp_keepalive_intvl  75 → 10');
    expect(frame).toContain('sockets: ESTAB 30 → 30, TIME_WAIT 120 → 80, CLOSE_WAIT 1 → 1');
    frame = await press(r, UP, UP, UP);
    expect(frame).toContain('web-3 · failed');
    expect(frame).toContain('error: write net.ipv4.tcp_keepalive_time: EPERM');
    expect(frame).toContain('nothing was changed on this host');
    expect(frame).toContain('tcp_keepalive_time  7200 → 60 REFUSED: EPERM: read-only key');
    expect(frame).toContain('tcp_keepalive_intvl  75, untouched (not reached)');
    frame = await press(r, ENTER);
    expect(frame).not.toContain('error: write');
  });

  it('shows evidence findings, before → after when the host was planned again', async () => {
    const before = plan('web-1', undefined, { findings: [finding({ value: 0.62 })] });
    const after = plan('web-1', [], {
      findings: [finding({ value: 0.31, severity: 'ok', message: 'TIME_WAIT at 31%' })],
    });
    const store = storeWith(
      [
        runStarted(['web-1']),
        { type: 'host-planned', at: at(1), host: 'web-1', plan: before },
        { type: 'host-planned', at: at(2), host: 'web-1', plan: after },
      ],
      30,
    );
    const r = mount(store);
    const frame = await press(r, ENTER);
    expect(frame).toContain('evidence (before → after):');
    expect(frame).toContain('time_wait_port_ratio (incident 2): 0.62 → 0.31  TIME_WAIT at 31%');
  });

  it('q asks "hosts in flight — quit? y/N": n keeps running, y calls onQuit', async () => {
    const cb = callbacks();
    const r = mount(storeWith(events()), cb);
    let frame = await press(r, 'q');
    expect(frame).toContain('1 host in flight — quit? y/N');
    frame = await press(r, 'n');
    expect(frame).not.toContain('quit? y/N');
    expect(cb.onQuit).not.toHaveBeenCalled();
    await press(r, 'q', 'y');
    expect(cb.onQuit).toHaveBeenCalledTimes(1);
  });

  it('p, a and r call the given callbacks (r after y) and say so on screen', async () => {
    const cb = callbacks();
    const r = mount(storeWith(events()), cb);
    let frame = await press(r, 'p');
    expect(cb.onPause).toHaveBeenCalledTimes(1);
    expect(frame).toContain('pausing after this wave…');
    frame = await press(r, 'a');
    expect(cb.onAbort).toHaveBeenCalledTimes(1);
    expect(frame).toContain('aborting');
    frame = await press(r, 'r');
    expect(frame).toContain('roll back run r-20240501-0300: every host it changed? y/N');
    // what will be put back, before the operator says yes: hosts, keys, old values
    expect(frame).toContain('Roll back run r-20240501-0300: no new host starts; 1 changed host is');
    expect(frame).toContain('1 host: tcp_keepalive_time 60 → 7200, tcp_keepalive_intvl 10 → 75');
    expect(cb.onRollback).not.toHaveBeenCalled();
    await press(r, 'y');
    expect(cb.onRollback).toHaveBeenCalledTimes(1);
  });

  it('leaves the summary on screen when the run finishes', async () => {
    const store = storeWith(events());
    const r = mount(store);
    store.dispatch({
      type: 'run-stopping',
      at: at(50),
      reason: 'max-fail',
      detail: '2 of 5 failed',
    });
    store.dispatch({
      type: 'run-finished',
      at: at(5000),
      runId: 'r-20240501-0300',
      exitCode: 2,
      counts: { failed: 1 },
    });
    const frame = await frameWhere(r, (f) => f.includes('finished'));
    expect(frame).toContain('sysfleet apply run r-20240501-0300 finished in 5.0s — exit 2');
    expect(frame).toContain('failed      web-3  write net.ipv4.tcp_keepalive_time: EPERM');
    expect(frame).toContain('stopping: max-fail (2 of 5 failed)');
    expect(frame).toContain(
      'next: undo this run on every touched host: sysfleet rollback r-20240501-0300',
    );
    expect(frame).not.toContain('PgUp/PgDn');
  });
});

describe('LiveRollout with 5 000 hosts', () => {
  const N = 5000;
  const fate = (i: number): HostFate =>
    i % 1000 === 999 ? 'failed' : i < 3000 ? 'changed' : i < 3050 ? 'applying' : 'pending';
  const ROWS = 24;

  it('sizes the list to the terminal rows and never draws past the screen', () => {
    const r = mount(storeWith(scenario(N, fate), ROWS));
    const frame = r.lastFrame() ?? '';
    expect(frame.split('\n').length).toBeLessThanOrEqual(ROWS - 1);
    expect(listLines(frame)).toHaveLength(ROWS - 6);
    expect(
      listLines(frame)
        .slice(0, 5)
        .map((l) => l.slice(2, 11)),
    ).toEqual(['web-1000 ', 'web-2000 ', 'web-3000 ', 'web-4000 ', 'web-5000 ']);
    expect(listLines(frame)[5]).toMatch(/web-3001 +applying/);
    expect(frame).toContain('60% 3002/5000');
  });

  it('scrolls with arrows and PgUp/PgDn, keeping the selection visible', async () => {
    const r = mount(storeWith(scenario(N, fate), ROWS));
    const page = ROWS - 6;
    let frame = await press(r, PGDN, PGDN);
    expect(selectedLine(frame)).toMatch(
      new RegExp(`web-${String(3001 + 2 * page - 5).padStart(4, '0')} `),
    );
    expect(listLines(frame)).toHaveLength(page);
    frame = await press(r, DOWN);
    expect(selectedLine(frame)).toMatch(
      new RegExp(`web-${String(3001 + 2 * page - 4).padStart(4, '0')} `),
    );
    frame = await press(r, '\u001B[5~', '\u001B[5~', '\u001B[5~');
    expect(selectedLine(frame)).toContain('web-1000');
  });

  it('filters with /: type, Enter applies, Esc clears', async () => {
    const r = mount(storeWith(scenario(N, fate), ROWS));
    let frame = await press(r, '/', '4', '2', '4');
    expect(frame).toContain('/424▏');
    expect(listLines(frame)).toHaveLength(ROWS - 6);
    frame = await press(r, ENTER);
    expect(listLines(frame).map((l) => l.slice(2, 10))).toEqual([
      'web-0424',
      'web-1424',
      'web-2424',
      'web-3424',
      'web-4240',
      'web-4241',
      'web-4242',
      'web-4243',
      'web-4244',
      'web-4245',
      'web-4246',
      'web-4247',
      'web-4248',
      'web-4249',
      'web-4424',
    ]);
    expect(frame).toContain('filter "424": 15 of 5000');
    frame = await press(r, ESC);
    expect(frame).not.toContain('filter "424"');
    expect(listLines(frame)).toHaveLength(ROWS - 6);
  });

  it('filters when "/424" arrives in one write (fast typing, paste)', async () => {
    const r = mount(storeWith(scenario(N, fate), ROWS));
    const frame = await press(r, '/424', ENTER);
    expect(frame).toContain('filter "424": 15 of 5000');
  });

  it('filters by outcome too: "failed" lists the five failures', async () => {
    const r = mount(storeWith(scenario(N, fate), ROWS));
    const frame = await press(r, '/', 'failed', ENTER);
    expect(listLines(frame)).toHaveLength(5);
  });
});
