import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../facts/types.js';
import { computeFindings, gatherWantsOf, severityOf } from './findings.js';

function loadFacts(fixture: string): HostFacts {
  const url = new URL(`../../test/fixtures/facts/${fixture}/expected.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as HostFacts;
}
const calm = loadFacts('debian12-dash');
const busy = loadFacts('numa-two-nodes-banner'); // capped /proc pass, conntrack nearly full
const rhel = loadFacts('rhel7-kernel-3.10');

describe('severityOf', () => {
  it.each([
    [0.4, { warn: 0.5, crit: 0.8 }, 'ok'],
    [0.5, { warn: 0.5, crit: 0.8 }, 'warning'],
    [0.9, { warn: 0.5, crit: 0.8 }, 'critical'],
    [10, { crit: 5 }, 'critical'],
    [10, {}, 'ok'],
  ] as const)('%s vs %j = %s', (v, t, s) => {
    expect(severityOf(v, t)).toBe(s);
  });
});

describe('computeFindings', () => {
  const evidence = {
    time_wait_port_ratio: { warn: 0.5, crit: 0.8 },
    close_wait: { warn: 10, crit: 100 },
    listen_overflows_delta: { warn: 1, crit: 100 },
    conntrack_fill: { warn: 0.8, crit: 0.95 },
  };

  it('a calm host: thresholded findings all ok, no informational ones', () => {
    const f = computeFindings(calm, evidence);
    expect(f.map((x) => [x.id, x.severity, x.incident])).toEqual([
      ['time_wait_port_ratio', 'ok', 2],
      ['close_wait', 'ok', 5],
      ['conntrack_fill', 'ok', 4],
    ]);
  });

  it('a busy host: TIME_WAIT vs ports, conntrack fill, capped counts, NUMA zone reclaim', () => {
    const f = computeFindings(busy, evidence);
    const byId = Object.fromEntries(f.map((x) => [x.id, x]));
    // 79950 TIME_WAIT / 28232 ports
    expect(byId.time_wait_port_ratio).toMatchObject({ severity: 'critical', value: 2.832 });
    expect(byId.time_wait_port_ratio?.message).toMatch(/^at least 79950 sockets in TIME_WAIT/);
    expect(byId.close_wait).toMatchObject({ severity: 'warning', value: 17 });
    expect(byId.conntrack_fill).toMatchObject({ severity: 'critical', value: 0.954 });
    expect(byId.numa_zone_reclaim).toMatchObject({ severity: 'warning', incident: 6, value: 1 });
    expect(byId.listen_overflows_delta).toBeUndefined(); // no previous run
  });

  it('ListenOverflows growth needs the previous facts; a counter reset counts from zero', () => {
    const prev = { ...rhel, counters: { ...rhel.counters, TcpExt: { ListenOverflows: 5400 } } };
    const grew = computeFindings(rhel, { listen_overflows_delta: { warn: 1, crit: 100 } }, prev);
    expect(grew).toMatchObject([
      { id: 'listen_overflows_delta', value: 121, severity: 'critical' },
    ]);
    const reset = { ...rhel, counters: { ...rhel.counters, TcpExt: { ListenOverflows: 9000 } } };
    const after = computeFindings(rhel, { listen_overflows_delta: { warn: 1 } }, reset);
    expect(after).toMatchObject([{ value: 5521, severity: 'warning' }]);
  });

  it('no thresholds: only tcp_tw_recycle=1 (incident 3)', () => {
    expect(computeFindings(rhel, {})).toEqual([]);
    const old = loadFacts('debian9-kernel-4.9-tw-recycle');
    expect(computeFindings(old, {})).toMatchObject([
      { id: 'tcp_tw_recycle_enabled', severity: 'warning', incident: 3 },
    ]);
  });

  it('no conntrack module: no conntrack finding', () => {
    const alpine = loadFacts('alpine-container-no-conntrack');
    expect(computeFindings(alpine, evidence).map((x) => x.id)).not.toContain('conntrack_fill');
  });
});

describe('gatherWantsOf', () => {
  it.each([
    [{}, { net: false, tcpStates: false }],
    [{ conntrack_fill: { warn: 0.8 } }, { net: false, tcpStates: false }],
    [{ listen_overflows_delta: { warn: 1 } }, { net: true, tcpStates: false }],
    [{ close_wait: { warn: 10 } }, { net: true, tcpStates: true }],
    [{ time_wait_port_ratio: { crit: 0.8 } }, { net: true, tcpStates: true }],
  ])('%j gathers %j', (evidence, wants) => {
    expect(gatherWantsOf(evidence)).toEqual(wants);
  });

  it('every finding the wanted facts leave out would not have fired anyway', () => {
    // What a gather without the socket counts and /proc/net gives (conntrack, ports stay).
    const { tcpStates: _states, ...rest } = calm;
    const lean: HostFacts = { ...rest, counters: {}, sockstat: {} };
    const evidence = { conntrack_fill: { warn: 0.8, crit: 0.95 } };
    expect(gatherWantsOf(evidence)).toEqual({ net: false, tcpStates: false });
    expect(computeFindings(lean, evidence)).toEqual(computeFindings(calm, evidence));
    // And with thresholds that need the counts but none gathered: no finding is made up.
    expect(
      computeFindings(lean, { close_wait: { warn: 1 }, time_wait_port_ratio: { warn: 0.1 } }),
    ).toEqual([]);
  });
});
