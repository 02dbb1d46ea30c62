import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecords } from './lines.js';
import {
  parseApplyOutput,
  parseCollectOutput,
  parseRollbackOutput,
  parseSnapshot,
  parseSnapshotList,
} from './result.js';

const RUN = '20261121T060000Z-c0de';
const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/apply/${name}`, import.meta.url), 'utf8');
const FILE = '/etc/sysctl.d/60-sysfleet.conf';

describe('parseRecords', () => {
  it('splits protocol records on tabs and keeps other lines aside', () => {
    const { records, other } = parseRecords(
      '@@sf\tkey\tkey=a.b\tbefore=1 2\terror=x=y\nsh: noise\n\n@@sf\t\n',
    );
    expect(records).toEqual([{ kind: 'key', fields: { key: 'a.b', before: '1 2', error: 'x=y' } }]);
    expect(other).toEqual(['sh: noise', '@@sf\t']);
  });
});

describe('parseApplyOutput (captured)', () => {
  it('changed: per-key before/after, file written, snapshot with the run values', () => {
    const r = parseApplyOutput(fixture('apply-changed.txt'), 'web1', RUN);
    expect(r.state).toBe('changed');
    expect(r.reason).toBeUndefined();
    expect(r.keys).toEqual([
      {
        key: 'net.ipv4.tcp_keepalive_time',
        action: 'written',
        before: '7200',
        after: '600',
        want: '600',
      },
      {
        key: 'net.ipv4.ip_local_port_range',
        action: 'written',
        before: '32768 60999',
        after: '20000 60000',
        want: '20000 60000',
      },
      { key: 'net.ipv4.tcp_keepalive_intvl', action: 'skipped', want: '75' },
    ]);
    expect(r.files).toEqual([{ path: FILE, action: 'written' }]);
    expect(r.snapshot?.keys[2]).toEqual({
      key: 'net.ipv4.tcp_keepalive_intvl',
      state: 'value',
      value: '75',
    });
    expect(r.snapshot?.files).toEqual([
      {
        path: FILE,
        state: 'present',
        mode: '640',
        uid: 0,
        gid: 0,
        contentBase64: Buffer.from('# old\n').toString('base64'),
        runContentBase64: expect.any(String),
      },
    ]);
    expect(r.diagnostics).toBeUndefined();
  });

  it('EINVAL: reverted with the errno text; written keys become reverted, later ones not reached', () => {
    const r = parseApplyOutput(fixture('apply-reverted-einval.txt'), 'web1', RUN);
    expect(r.state).toBe('reverted');
    expect(r.reason).toBe('net.ipv4.ip_local_port_range: Invalid argument');
    expect(r.keys.map((k) => [k.key, k.action, k.error])).toEqual([
      ['net.ipv4.tcp_keepalive_time', 'reverted', undefined],
      ['net.ipv4.ip_local_port_range', 'failed', 'Invalid argument'],
      ['net.ipv4.tcp_keepalive_intvl', 'not_reached', undefined],
    ]);
    expect(r.keys[0]?.after).toBe('7200');
    expect(r.files).toEqual([{ path: FILE, action: 'restored' }]);
  });

  it('locked: names the holder', () => {
    const r = parseApplyOutput(fixture('apply-locked.txt'), 'web1', RUN);
    expect(r.state).toBe('locked');
    expect(r.lock).toEqual({
      holder: { runId: '20261121T055900Z-beef', by: 'alice@ws1', pid: 1, time: 1795240740 },
      takenOver: false,
    });
    expect(r.reason).toMatch(
      /^host is locked by run 20261121T055900Z-beef \(alice@ws1, pid 1 since 2026-/,
    );
  });

  it('read-only sysctl.d: failed, clear reason, nothing changed', () => {
    const r = parseApplyOutput(fixture('apply-readonly.txt'), 'web1', RUN);
    expect(r.state).toBe('failed');
    expect(r.reason).toMatch(/Read-only file system; nothing was changed$/);
    expect(r.keys.every((k) => k.action === 'not_reached')).toBe(true);
    expect(r.files[0]?.action).toBe('failed');
  });

  it('no go: failed with the answer it got', () => {
    const r = parseApplyOutput(fixture('apply-no-go.txt'), 'web1', RUN);
    expect(r.state).toBe('failed');
    expect(r.reason).toContain('(got nope)');
  });

  it('output cut after go: unknown, collect later; cut before go: nothing changed', () => {
    const text = fixture('apply-changed.txt');
    const afterGo = text.slice(0, text.indexOf('@@sf\tworker-started'));
    expect(parseApplyOutput(afterGo, 'web1', RUN).state).toBe('unknown');
    const beforeGo = text.slice(0, text.indexOf('@@sf\tgo-received'));
    const r = parseApplyOutput(beforeGo, 'web1', RUN);
    expect(r.state).toBe('failed');
    expect(r.reason).toMatch(/before go: nothing was changed/);
    // ...unless the control node knows it did send go
    expect(parseApplyOutput(beforeGo, 'web1', RUN, true).state).toBe('unknown');
    const noSnapshot = text.slice(0, text.indexOf('@@sf\tsnap-end'));
    expect(parseApplyOutput(noSnapshot, 'web1', RUN).snapshot).toBeUndefined();
  });
});

describe('parseRollbackOutput (captured)', () => {
  it('partial: changed_since left alone, the rest restored', () => {
    const r = parseRollbackOutput(fixture('rollback-partial.txt'), 'web1', RUN);
    expect(r.state).toBe('partial');
    expect(r.keys.map((k) => [k.key, k.action])).toEqual([
      ['net.ipv4.tcp_keepalive_time', 'changed_since'],
      ['net.ipv4.ip_local_port_range', 'restored'],
      ['net.ipv4.tcp_tw_recycle', 'not_in_snapshot'],
    ]);
    expect(r.keys[0]).toMatchObject({ before: '1000', want: '7200' });
    expect(r.files).toEqual([{ path: FILE, action: 'restored' }]);
  });

  it('second rollback: unchanged, already restored', () => {
    const r = parseRollbackOutput(fixture('rollback-unchanged.txt'), 'web1', RUN);
    expect(r.state).toBe('unchanged');
    expect(r.reason).toMatch(/already restored/);
    expect(r.files).toEqual([{ path: FILE, action: 'already' }]);
  });
});

describe('collect, list and read snapshot (captured)', () => {
  it('collect: done with the result and the snapshot', () => {
    const c = parseCollectOutput(fixture('collect-done.txt'), 'web1', RUN);
    expect(c.state).toBe('done');
    expect(c.result?.state).toBe('changed');
    expect(c.result?.snapshot?.keys).toHaveLength(3);
    expect(c.snapshot).toEqual(c.result?.snapshot);
  });

  it('collect: absent with a snapshot means the host never heard go', () => {
    const snap = fixture('snapshot-read.txt');
    const c = parseCollectOutput(`@@sf\tcollect\tstate=absent\n${snap}`, 'web1', RUN);
    expect(c.state).toBe('absent');
    expect(c.result).toBeUndefined();
    expect(c.snapshot?.runId).toBe(RUN);
  });

  it('collect: absent and interrupted', () => {
    expect(parseCollectOutput('@@sf\tcollect\tstate=absent\n', 'web1', RUN)).toEqual({
      state: 'absent',
    });
    const part =
      '@@sf\tcollect\tstate=interrupted\n@@sf\tworker\tpid=9\n@@sf\tkey\tkey=a.b\taction=written\n';
    const c = parseCollectOutput(part, 'web1', RUN);
    expect(c.state).toBe('interrupted');
    expect(c.result?.state).toBe('failed');
    expect(c.result?.reason).toMatch(/interrupted/);
  });

  it('lists the snapshots a host keeps, with their apply result', () => {
    expect(parseSnapshotList(fixture('snapshot-list.txt'))).toEqual([
      { runId: RUN, bytes: 573, mtime: expect.any(Number), result: 'changed' },
    ]);
  });

  it('reads a host snapshot; a missing one is undefined', () => {
    const s = parseSnapshot(fixture('snapshot-read.txt'), 'web1');
    expect(s?.runId).toBe(RUN);
    expect(s?.keys[0]).toEqual({
      key: 'net.ipv4.tcp_keepalive_time',
      state: 'value',
      value: '7200',
      runValue: '600',
    });
    expect(parseSnapshot('@@sf\tsnap-missing\trun=x\n', 'web1')).toBeUndefined();
  });
});
