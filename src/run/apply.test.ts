import { describe, expect, it } from 'vitest';
import type { HostPlan } from '../plan/types.js';
import type { Connection } from '../transport/types.js';
import { type ApplyDeps, type HostChangeResult, applyFleet } from './apply.js';
import type { HostCheckResult } from './check.js';
import type { RunEvent } from './events.js';
import { runHost } from './fixtures.js';

// Orchestration logic only: the host-side transaction is faked here and proven for real against
// the lab in test/integration.
const names = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);
const host = (name: string) => runHost(name);
const plan = (name: string, changes = 1): HostPlan => ({
  host: name,
  verdicts: [],
  changes: Array.from({ length: changes }, () => ({
    key: 'net.ipv4.tcp_keepalive_time',
    from: '7200',
    to: '60',
    runtime: true,
  })),
  findings: [],
  shadowWarnings: [],
});
const fakeConn = (name: string): Connection => ({
  host: name,
  exec: () => Promise.reject(new Error('not used')),
  spawn: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
});

function setup(failing: Set<string>, n = 8) {
  const hosts = names(n).map(host);
  const planned = new Map<string, HostCheckResult>(
    hosts.map((h) => [
      h.name,
      { host: h.name, address: '127.0.0.1', plan: plan(h.name), durationMs: 1 },
    ]),
  );
  const connections = new Map(hosts.map((h) => [h.name, fakeConn(h.name)]));
  const applied: string[] = [];
  const rolledBack: string[] = [];
  const ok = (outcome: HostChangeResult['outcome']): HostChangeResult => ({ outcome, keys: [] });
  const deps: ApplyDeps = {
    connect: () => Promise.reject(new Error('not used')),
    gatherScript: () => '',
    parseFacts: () => {
      throw new Error('not used');
    },
    planHost: (h) => plan(h.name),
    findings: () => [],
    applyHost: async (_c, h) => {
      applied.push(h.name);
      return failing.has(h.name)
        ? { outcome: 'reverted', keys: [], error: 'Invalid argument' }
        : ok('changed');
    },
    rollbackHost: async (_c, h) => {
      rolledBack.push(h.name);
      return ok('rolled_back');
    },
  };
  const events: RunEvent[] = [];
  return {
    hosts,
    planned,
    connections,
    deps,
    applied,
    rolledBack,
    events,
    emit: (e: RunEvent) => events.push(e),
  };
}

describe('applyFleet', () => {
  it('canary 1, batch 25%, max-fail 1, auto-rollback: two failures in wave 2 stop the run and undo the canary', async () => {
    const s = setup(new Set(['h2', 'h3']));
    const res = await applyFleet(s.hosts, s.planned, s.connections, s.deps, {
      runId: 'r1',
      forks: 10,
      commandTimeoutMs: 1000,
      canary: 1,
      batch: { percent: 25 },
      maxFail: { hosts: 1 },
      autoRollback: true,
      signal: new AbortController().signal,
      emit: s.emit,
    });
    expect(res.stoppedBy).toBe('max-fail');
    expect(s.applied).toEqual(['h1', 'h2', 'h3']);
    expect(s.rolledBack).toEqual(['h1']);
    expect(res.rolledBack.map((r) => [r.host, r.outcome])).toEqual([['h1', 'rolled_back']]);
    expect(res.records.map((r) => r.outcome)).toEqual([
      'changed',
      'reverted',
      'reverted',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(s.events.filter((e) => e.type === 'wave-started')).toHaveLength(2);
    expect(s.events.some((e) => e.type === 'run-stopping' && e.reason === 'max-fail')).toBe(true);
  });

  it('without auto-rollback, stops but leaves changed hosts changed', async () => {
    const s = setup(new Set(['h2', 'h3']));
    const res = await applyFleet(s.hosts, s.planned, s.connections, s.deps, {
      runId: 'r1',
      forks: 10,
      commandTimeoutMs: 1000,
      canary: 1,
      batch: { percent: 25 },
      maxFail: { hosts: 1 },
      autoRollback: false,
      signal: new AbortController().signal,
      emit: s.emit,
    });
    expect(res.stoppedBy).toBe('max-fail');
    expect(s.rolledBack).toEqual([]);
  });

  it('Ctrl-C between waves: nothing new starts, the rest is skipped', async () => {
    const s = setup(new Set());
    const ctl = new AbortController();
    const res = await applyFleet(s.hosts, s.planned, s.connections, s.deps, {
      runId: 'r1',
      forks: 10,
      commandTimeoutMs: 1000,
      canary: 1,
      batch: { hosts: 3 },
      autoRollback: true,
      signal: ctl.signal,
      emit: s.emit,
      beforeWave: async () => ctl.abort(),
    });
    expect(res.stoppedBy).toBe('interrupted');
    expect(s.applied).toEqual(['h1']);
    expect(res.records.filter((r) => r.outcome === 'skipped')).toHaveLength(7);
    expect(s.rolledBack).toEqual([]); // an interrupt is not a failure: the operator decides
  });

  it('hosts with nothing to change are unchanged; unplanned hosts are unreachable', async () => {
    const s = setup(new Set(), 3);
    s.planned.set('h2', { host: 'h2', address: '127.0.0.1', plan: plan('h2', 0), durationMs: 1 });
    s.planned.set('h3', {
      host: 'h3',
      address: '127.0.0.1',
      error: { kind: 'refused', message: 'connection refused' },
      durationMs: 1,
    });
    const res = await applyFleet(s.hosts, s.planned, s.connections, s.deps, {
      runId: 'r1',
      forks: 10,
      commandTimeoutMs: 1000,
      canary: 0,
      autoRollback: false,
      signal: new AbortController().signal,
      emit: s.emit,
    });
    expect(res.records.map((r) => [r.host, r.outcome, r.error])).toEqual([
      ['h1', 'changed', undefined],
      ['h2', 'unchanged', undefined],
      ['h3', 'unreachable', 'connection refused'],
    ]);
  });

  it('an unplanned host is reported at once, outside every wave; waves are numbered from 1', async () => {
    const s = setup(new Set(), 4);
    s.planned.set('h1', {
      host: 'h1',
      address: '127.0.0.1',
      error: { kind: 'refused', message: 'connection refused' },
      durationMs: 1,
    });
    const asked: number[] = [];
    await applyFleet(s.hosts, s.planned, s.connections, s.deps, {
      runId: 'r1',
      forks: 10,
      commandTimeoutMs: 1000,
      canary: 1,
      batch: { hosts: 2 },
      autoRollback: false,
      signal: new AbortController().signal,
      emit: s.emit,
      beforeWave: async (w) => void asked.push(w),
    });
    // The first event is h1's: it never waits as "pending wave 2" for a wave it cannot run in.
    const first = s.events[0];
    expect(first).toMatchObject({ type: 'host-done', host: 'h1', outcome: 'unreachable' });
    const waves = s.events.filter((e) => e.type === 'wave-started');
    expect(waves.map((e) => [e.wave, e.hosts])).toEqual([
      [1, ['h2']], // the canary is a host that can be changed
      [2, ['h3', 'h4']],
    ]);
    expect(asked).toEqual([2]);
    expect(s.applied).toEqual(['h2', 'h3', 'h4']);
  });

  it("the operator's rollback (live view r): no new wave, in-flight hosts finish, changed hosts undone", async () => {
    const s = setup(new Set(), 6);
    const ctl = new AbortController();
    let requested = false;
    const res = await applyFleet(s.hosts, s.planned, s.connections, s.deps, {
      runId: 'r1',
      forks: 10,
      commandTimeoutMs: 1000,
      canary: 2,
      batch: { hosts: 2 },
      autoRollback: false,
      signal: ctl.signal,
      emit: s.emit,
      rollbackRequested: () => requested,
      beforeWave: async () => {
        // pressed while the canary ran: the caller sets the request and aborts
        requested = true;
        ctl.abort();
      },
    });
    expect(res.stoppedBy).toBe('rollback');
    expect(s.applied).toEqual(['h1', 'h2']);
    expect(s.rolledBack.sort()).toEqual(['h1', 'h2']);
    expect(res.rolledBack.map((r) => r.outcome)).toEqual(['rolled_back', 'rolled_back']);
    expect(s.events.some((e) => e.type === 'run-stopping' && e.reason === 'rollback')).toBe(true);
    const last = s.events.filter((e) => e.type === 'host-done').slice(-2);
    expect(last.map((e) => e.type === 'host-done' && e.outcome)).toEqual([
      'rolled_back',
      'rolled_back',
    ]);
  });
});
