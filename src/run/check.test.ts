import { describe, expect, it } from 'vitest';
import type { Connection } from '../transport/types.js';
import { TransportError } from '../transport/types.js';
import { toReportHost } from '../cli/check.js';
import { buildCheckReport } from '../report/build.js';
import { checkHost, type CheckDeps } from './check.js';
import { runHost } from './fixtures.js';

const host = runHost(
  'db1',
  { user: 'ops', become: true, knownHostsFiles: [] },
  { 'net.ipv4.tcp_keepalive_time': { kind: 'exact', value: '600' } },
);

function deps(connect: CheckDeps['connect']): CheckDeps {
  return {
    connect,
    gatherScript: () => 'true',
    parseFacts: () => {
      throw new Error('not reached');
    },
    planHost: () => {
      throw new Error('not reached');
    },
  };
}

const opts = {
  forks: 1,
  commandTimeoutMs: 1000,
  signal: new AbortController().signal,
  emit: () => undefined,
};

/** A connection that was made, whose command fails the way sudo without a password does. */
const sudoRefused: Connection = {
  host: 'db1',
  exec: () =>
    Promise.reject(
      new TransportError('become', 'db1', 'sudo requires a password on db1: set SYSFLEET_...'),
    ),
  spawn: () => Promise.reject(new Error('unused')),
  close: () => Promise.resolve(),
};

describe('checkHost: reachable', () => {
  it('a host that refuses the connection is not reachable', async () => {
    const r = await checkHost(
      host,
      deps(() => Promise.reject(new TransportError('refused', 'db1', 'refused'))),
      opts,
    );
    expect(r.error?.kind).toBe('refused');
    expect(r.reachable).toBe(false);
    expect(buildReport(r).summary.unreachable).toBe(1);
  });

  it('a host we connected to but could not sudo on is reachable (unknown, not unreachable)', async () => {
    const r = await checkHost(
      host,
      deps(() => Promise.resolve(sudoRefused)),
      opts,
    );
    expect(r.error?.kind).toBe('become');
    expect(r.reachable).toBe(true);
    const report = buildReport(r);
    expect(report.hosts[0]).toMatchObject({ reachable: true, outcome: 'unknown' });
    expect(report.summary).toMatchObject({ unknown: 1, unreachable: 0 });
  });
});

function buildReport(r: Awaited<ReturnType<typeof checkHost>>) {
  return buildCheckReport({
    tool: { name: 'sysfleet', version: 't' },
    runId: 'r',
    playbook: { name: 'p', source: 'p.yaml' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    hosts: [toReportHost(r)],
  });
}
