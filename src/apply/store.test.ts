import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostFileName, openStore, stateDir, type SnapshotStore } from './store.js';
import type { HostApplyResult, Snapshot } from './types.js';

const A = '20261121T052000Z-aaaa';
const B = '20261121T052100Z-bbbb';
const C = '20261121T052200Z-cccc';

const snap = (host: string): Snapshot => ({
  runId: A,
  host,
  takenAt: 1,
  keys: [{ key: 'net.ipv4.tcp_keepalive_time', state: 'value', value: '7200', runValue: '600' }],
  files: [{ path: '/etc/sysctl.d/60-x.conf', state: 'absent' }],
});
const result = (host: string, state: HostApplyResult['state']): HostApplyResult => ({
  host,
  runId: A,
  state,
  ...(state === 'reverted' ? { reason: 'k: Invalid argument' } : {}),
  keys: [],
  files: [],
});

describe('stateDir', () => {
  it('prefers SYSFLEET_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(stateDir({ SYSFLEET_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/s');
    expect(stateDir({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/x/sysfleet');
    expect(stateDir({}, '/home/u')).toBe('/home/u/.local/state/sysfleet');
  });
});

describe('hostFileName', () => {
  it('cannot escape the hosts directory', () => {
    expect(hostFileName('web1.example.com')).toBe('web1.example.com.json');
    expect(hostFileName('../../etc/passwd')).toBe('%2E.%2F..%2Fetc%2Fpasswd.json');
    expect(hostFileName('a/b')).not.toContain('/');
  });
});

describe('openStore', () => {
  let dir: string;
  let store: SnapshotStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sf-store-'));
    store = openStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps a run, its snapshots and per-host outcomes', async () => {
    await store.createRun({
      id: A,
      kind: 'apply',
      playbook: 'pb.yaml',
      inventorySources: ['inv.yaml'],
      hosts: ['web1', 'web2'],
      options: { canary: 1 },
      createdAt: new Date('2026-11-21T05:20:00Z'),
    });
    const plan = { changes: [{ key: 'net.ipv4.tcp_keepalive_time', to: '600', runtime: true }] };
    await store.saveSnapshot(A, 'web1', snap('web1'), plan);
    await store.saveResult(A, 'web1', result('web1', 'changed'));
    await store.saveResult(A, 'web2', result('web2', 'reverted'));
    const loaded = await store.loadRun(A);
    expect(loaded.run).toMatchObject({
      id: A,
      kind: 'apply',
      createdAt: '2026-11-21T05:20:00.000Z',
      playbook: 'pb.yaml',
      inventorySources: ['inv.yaml'],
      options: { canary: 1 },
    });
    expect(loaded.run.outcomes.web1?.state).toBe('changed');
    expect(loaded.run.outcomes.web2).toMatchObject({
      state: 'reverted',
      reason: 'k: Invalid argument',
    });
    expect(loaded.hosts.web1).toEqual({
      host: 'web1',
      runId: A,
      snapshot: snap('web1'),
      plan,
      result: result('web1', 'changed'),
    });
    expect(await store.loadHost(A, 'nope')).toBeUndefined();
  });

  it('writes privately and leaves no temp files', async () => {
    await store.createRun({ id: A, kind: 'apply', hosts: ['web1'] });
    await store.saveSnapshot(A, 'web1', snap('web1'));
    const hostsDir = join(dir, 'runs', A, 'hosts');
    expect(await readdir(hostsDir)).toEqual(['web1.json']);
    expect(await readdir(join(dir, 'runs', A))).toEqual(['hosts', 'run.json']);
    expect((await stat(join(hostsDir, 'web1.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'runs', A))).mode & 0o777).toBe(0o700);
  });

  it('records every outcome when many hosts finish at once', async () => {
    const hosts = Array.from({ length: 30 }, (_, i) => `h${i}`);
    await store.createRun({ id: A, kind: 'apply', hosts });
    await Promise.all(hosts.map((h) => store.saveResult(A, h, result(h, 'changed'))));
    const { run, hosts: recs } = await store.loadRun(A);
    expect(Object.keys(run.outcomes).sort()).toEqual([...hosts].sort());
    expect(Object.keys(recs)).toHaveLength(30);
  });

  it('each saveResult resolves only once its outcome is on disk, batched or not', async () => {
    const hosts = Array.from({ length: 50 }, (_, i) => `h${i}`);
    await store.createRun({ id: A, kind: 'apply', hosts });
    const seen: number[] = [];
    await Promise.all(
      hosts.map(async (h, i) => {
        // stagger: some arrive while a write of run.json is under way
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, i));
        await store.saveResult(A, h, result(h, 'changed'));
        const onDisk = JSON.parse(await readFile(join(dir, 'runs', A, 'run.json'), 'utf8')) as {
          outcomes: Record<string, unknown>;
        };
        if (onDisk.outcomes[h]) seen.push(i);
      }),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(hosts.map((_, i) => i));
  });

  it('lists newest first and resolves latest, optionally by kind', async () => {
    await expect(store.resolveRunId('latest')).rejects.toThrow(/no runs/);
    await store.createRun({ id: B, kind: 'apply', hosts: [] });
    await store.createRun({ id: A, kind: 'apply', hosts: [] });
    await store.createRun({ id: C, kind: 'rollback', hosts: [], rollbackOf: B });
    expect((await store.listRuns()).map((r) => r.id)).toEqual([C, B, A]);
    expect(await store.resolveRunId('latest')).toBe(C);
    expect(await store.resolveRunId('latest', 'apply')).toBe(B);
    expect(await store.resolveRunId(A)).toBe(A);
    await expect(store.resolveRunId('20991231T000000Z-0000')).rejects.toThrow(/no run/);
    await expect(store.resolveRunId('../x')).rejects.toThrow(/not a run id/);
    await expect(store.createRun({ id: A, kind: 'apply', hosts: [] })).rejects.toThrow(/exists/);
  });
});

describe('openStore rollback outcomes', () => {
  it('a repeated rollback (already restored) keeps the record saying rolled_back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-store-'));
    try {
      const store = openStore(dir);
      await store.createRun({ id: A, kind: 'apply', hosts: ['web1'] });
      await store.saveResult(A, 'web1', result('web1', 'changed'));
      const rb = (state: 'rolled_back' | 'unchanged') => ({
        host: 'web1',
        runId: A,
        state,
        keys: [],
        files: [],
      });
      await store.saveRollback(A, 'web1', rb('rolled_back'));
      await store.saveRollback(A, 'web1', rb('unchanged'));
      expect((await store.loadRun(A)).run.outcomes['web1']?.state).toBe('rolled_back');
      expect((await store.loadHost(A, 'web1'))?.rollback?.state).toBe('unchanged');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
