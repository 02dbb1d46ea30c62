import { describe, expect, it } from 'vitest';
import { COMMAND_PHASES, timedHost } from '../report/fixtures.js';
import { summarizeTimings } from '../report/timings.js';
import { breakdownTable, parseBreakdownArgs } from './breakdown.js';

const phases = COMMAND_PHASES;
/** One ssh2 host connected in CONNECTMS (kex all of it but TCP and auth), 15 kB sent. */
const host = (connectMs: number, kex?: string) => {
  const { setup: _, ...t } = timedHost(0, {
    endMs: connectMs + 50,
    connectMs,
    bytesSent: 15_000,
    bytesReceived: 6_000,
  }).timings;
  return {
    host: 'h',
    timings: kex ? { ...t, setup: { tcpMs: 1, kexMs: connectMs - 11, authMs: 10, kex } } : t,
  };
};

describe('timings bench', () => {
  it('reads --hosts and --runs, and refuses anything else', () => {
    expect(parseBreakdownArgs([])).toEqual({ hosts: 50, runs: 3 });
    expect(parseBreakdownArgs(['--hosts', '200', '--runs', '5'])).toEqual({ hosts: 200, runs: 5 });
    expect(() => parseBreakdownArgs(['--hosts', '0'])).toThrow(/whole number/);
    expect(() => parseBreakdownArgs(['--fast', '1'])).toThrow(/unknown option/);
  });

  it('puts sysfleet and the floor side by side per phase, with the difference of medians', () => {
    const sf = [summarizeTimings(phases, [host(300, 'curve25519-sha256')])];
    const fl = [
      summarizeTimings({ ...phases, moduleLoadMs: 15, totalMs: 200 }, [
        host(200, 'curve25519-sha256'),
      ]),
    ];
    const table = breakdownTable(sf, fl);
    expect(table).toMatch(/\| module load \| 40\.0 ms \| 15\.0 ms \| 25\.0 \|/);
    expect(table).toMatch(/\| {3}connect, median host \| 300\.0 ms \| 200\.0 ms \| 100\.0 \|/);
    expect(table).toMatch(/\| bytes sent per host \| 15000 B \| 15000 B \| 0 \|/);
    expect(table).toContain('key exchange: curve25519-sha256');
  });
});
