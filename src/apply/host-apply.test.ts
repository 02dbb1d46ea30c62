/**
 * The control node's half of the apply conversation, against a scripted fake host that replays
 * captured output: the snapshot must be stored BEFORE `go` is written, and anything else must
 * make the host hear `abort`.
 */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HostPlan } from '../plan/types.js';
import type { Connection, RemoteProcess } from '../transport/types.js';
import { programOf } from './fixtures.js';
import { applyHost } from './host-apply.js';
import type { SnapshotStore } from './store.js';
import type { HostApplyResult, Snapshot } from './types.js';

const RUN = '20261121T060000Z-c0de';
const captured = readFileSync(
  new URL('../../test/fixtures/apply/apply-changed.txt', import.meta.url),
  'utf8',
);
const cut = captured.indexOf('@@sf\tgo-received');
const beforeGo = captured.slice(0, cut);
const afterGo = captured.slice(cut);

const plan: HostPlan = {
  host: 'web1',
  verdicts: [],
  // what the captured host output (test/fixtures/apply/apply-changed.txt) was asked to do
  changes: [
    { key: 'net.ipv4.tcp_keepalive_time', from: '7200', to: '600', runtime: true },
    { key: 'net.ipv4.ip_local_port_range', from: '32768 60999', to: '20000 60000', runtime: true },
    { key: 'net.ipv4.tcp_keepalive_intvl', from: '75', to: '75', runtime: false },
  ],
  persistFile: {
    path: '/etc/sysctl.d/60-sysfleet.conf',
    content: 'net.ipv4.tcp_keepalive_time = 600\nnet.ipv4.ip_local_port_range = 20000 60000\n',
  },
  findings: [],
  shadowWarnings: [],
};

/** A host that prints the captured output up to await-go, then the rest only after `go`. */
function fakeHost(
  log: string[],
  snapshotText = beforeGo,
): { conn: Connection; stdinText: () => string } {
  let stdin = '';
  const conn: Connection = {
    host: 'web1',
    exec: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
    spawn: (command) => {
      log.push(`spawn ${command}`);
      const input = new PassThrough();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let resolveDone: (v: { code: number | null }) => void = () => undefined;
      const done = new Promise<{ code: number | null }>((r) => (resolveDone = r));
      let printed = false;
      input.on('data', (c: Buffer) => {
        stdin += c.toString();
        if (!printed && stdin.includes('sf_boot; exit $?\n')) {
          printed = true;
          stdout.write(snapshotText);
        }
        const answer = stdin.split('sf_boot; exit $?\n')[1];
        if (answer?.endsWith('\n')) {
          log.push(`host heard ${answer.trim()}`);
          if (answer === 'go\n') stdout.write(afterGo);
          else stdout.write('@@sf\tfinal\tstate=failed\treason=control node did not confirm\n');
          stdout.end();
          stderr.end();
          resolveDone({ code: 0 });
        }
      });
      const proc: RemoteProcess = { stdin: input, stdout, stderr, done, kill: () => undefined };
      return Promise.resolve(proc);
    },
  };
  return { conn, stdinText: () => stdin };
}

function memoryStore(
  log: string[],
  failSnapshot = false,
): SnapshotStore & { results: HostApplyResult[]; snaps: Snapshot[] } {
  const results: HostApplyResult[] = [];
  const snaps: Snapshot[] = [];
  const no = () => Promise.reject(new Error('not used'));
  return {
    dir: '/nowhere',
    results,
    snaps,
    createRun: no,
    saveSnapshot: async (_id, _host, snap) => {
      await new Promise((r) => setTimeout(r, 5)); // a slow disk must still come first
      if (failSnapshot) throw new Error('ENOSPC: no space left on device');
      snaps.push(snap);
      log.push('snapshot stored');
    },
    saveResult: async (_id, _host, r) => {
      results.push(r);
      log.push(`result stored ${r.state}`);
    },
    saveRollback: no,
    loadRun: no,
    loadHost: no,
    listRuns: no,
    resolveRunId: no,
    removeRun: no,
  };
}

describe('applyHost', () => {
  it('stores the snapshot durably before it answers go, then stores the result', async () => {
    const log: string[] = [];
    const { conn, stdinText } = fakeHost(log);
    const store = memoryStore(log);
    const r = await applyHost(conn, plan, {
      runId: RUN,
      store,
      become: true,
      timeoutMs: 5000,
      by: 'me@ws',
    });
    expect(log).toEqual([
      'spawn sh -s',
      'snapshot stored',
      'host heard go',
      'result stored changed',
    ]);
    expect(r.state).toBe('changed');
    expect(store.snaps[0]?.keys[0]).toMatchObject({
      key: 'net.ipv4.tcp_keepalive_time',
      value: '7200',
    });
    expect(store.results).toEqual([r]);
    expect(programOf(stdinText())).toContain("SF_BY='me@ws'");
  });

  it('tells the host abort when the snapshot cannot be stored: nothing changes', async () => {
    const log: string[] = [];
    const { conn } = fakeHost(log);
    const r = await applyHost(conn, plan, {
      runId: RUN,
      store: memoryStore(log, true),
      become: false,
      timeoutMs: 5000,
    });
    expect(log).toContain('host heard abort');
    expect(r.state).toBe('failed');
    expect(r.reason).toMatch(
      /cannot store the snapshot on the control node \(ENOSPC.*nothing was changed/,
    );
  });

  it.each([
    [
      'another key',
      (t: string) => t.replace('key=net.ipv4.tcp_keepalive_intvl', 'key=net.core.somaxconn'),
      /holds key net\.core\.somaxconn, which was not requested/,
    ],
    [
      'a key twice',
      (t: string) => t.replace(/(@@sf\tsnap-key[^\n]*\n)/, '$1$1'),
      /holds key net\.ipv4\.tcp_keepalive_time twice/,
    ],
    [
      'a key missing',
      (t: string) => t.replace(/@@sf\tsnap-key\tkey=net\.ipv4\.tcp_keepalive_intvl[^\n]*\n/, ''),
      /key net\.ipv4\.tcp_keepalive_intvl is missing/,
    ],
    [
      'another target',
      (t: string) => t.replace('want=600', 'want=1'),
      /records "1" as the target of net\.ipv4\.tcp_keepalive_time/,
    ],
    [
      'a malformed value',
      (t: string) => t.replace('value=7200', "value=7200'$(reboot)"),
      /not a well-formed sysctl value/,
    ],
    [
      'another file',
      (t: string) =>
        t.replace('path=/etc/sysctl.d/60-sysfleet.conf', 'path=/etc/sysctl.d/99-other.conf'),
      /holds file \/etc\/sysctl\.d\/99-other\.conf/,
    ],
    ['no file', (t: string) => t.replace(/@@sf\tsnap-file[^\n]*\n/, ''), /0 file records/],
    [
      'content that is not base64',
      (t: string) => t.replace('b64=IyBvbGQK', 'b64=IyB*bGQK'),
      /not valid base64/,
    ],
    [
      'a size that does not match',
      (t: string) => t.replace('gid=0\t', 'gid=0\tsize=99\t'),
      /is 6 bytes, but the host says the file has 99/,
    ],
    [
      'another new content',
      (t: string) => t.replace('new_b64=bmV0', 'new_b64=bmVz'),
      /new content it records/,
    ],
    [
      'another run',
      (t: string) =>
        t.replace('snap-begin\trun=20261121T060000Z-c0de', 'snap-begin\trun=20261121T060000Z-beef'),
      /for run 20261121T060000Z-beef/,
    ],
  ])(
    'tells the host abort when its snapshot holds %s: nothing changes',
    async (_what, edit, why) => {
      const log: string[] = [];
      const text = edit(beforeGo);
      expect(text).not.toBe(beforeGo);
      const { conn } = fakeHost(log, text);
      const store = memoryStore(log);
      const r = await applyHost(conn, plan, { runId: RUN, store, become: false, timeoutMs: 5000 });
      expect(log).toContain('host heard abort');
      expect(log).not.toContain('snapshot stored');
      expect(r.state).toBe('failed');
      expect(r.reason).toMatch(/the host's snapshot does not match the request/);
      expect(r.reason).toMatch(why);
      expect(r.reason).toMatch(/nothing was changed/);
    },
  );

  it('tells the host abort when the run was interrupted before go', async () => {
    const log: string[] = [];
    const { conn } = fakeHost(log);
    const ac = new AbortController();
    ac.abort();
    const r = await applyHost(conn, plan, {
      runId: RUN,
      store: memoryStore(log),
      become: false,
      timeoutMs: 5000,
      signal: ac.signal,
    });
    expect(log).not.toContain('snapshot stored');
    expect(log).toContain('host heard abort');
    expect(r.reason).toMatch(/interrupted before the host was told to go/);
  });

  it('does not connect when the plan has nothing to do, but records the outcome', async () => {
    const log: string[] = [];
    const { conn } = fakeHost(log);
    const r = await applyHost(
      conn,
      { ...plan, changes: [], persistFile: undefined },
      {
        runId: RUN,
        store: memoryStore(log),
        become: false,
        timeoutMs: 5000,
      },
    );
    expect(r.state).toBe('unchanged');
    expect(log).toEqual(['result stored unchanged']);
  });
});
