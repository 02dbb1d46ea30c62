/** Timings as run/check.ts and the command measure them, for the tests of their account. */
import type { CommandPhases, HostTimings } from './timings.js';

export const COMMAND_PHASES: CommandPhases = {
  nodeStartMs: 20,
  moduleLoadMs: 40,
  loadMs: 10,
  startRunMs: 1,
  hostsMs: 300,
  closeMs: 2,
  reportMs: 3,
  totalMs: 376,
};

/** Host `h<i>`, ending at 100+i ms, connected in 40+i ms over ssh2 (key exchange 20+i ms). */
export function timedHost(
  i: number,
  over: Partial<HostTimings> = {},
): { host: string; timings: HostTimings } {
  return {
    host: `h${i}`,
    timings: {
      startMs: 0,
      endMs: 100 + i,
      connectMs: 40 + i,
      setup: { tcpMs: 1, kexMs: 20 + i, authMs: 10, kex: 'curve25519-sha256' },
      execMs: 50,
      bytesSent: 1000,
      bytesReceived: 2000 + i,
      parseMs: 2,
      planMs: 1,
      ...over,
    },
  };
}
