/**
 * `sysfleet runs collect`: for the hosts of a run whose outcome this workstation does not know
 * (the connection dropped after `go`, or the run was killed), ask each host what its detached
 * apply did, and record it. A host with no result never heard `go`, so nothing changed there.
 */
import { collectResult } from '../apply/index.js';
import type { RunRecord, SnapshotStore } from '../apply/store.js';
import type { Transport } from '../transport/index.js';
import type { RunHost } from './check.js';
import { runPool } from './pool.js';

/** The hosts of RUN with no recorded outcome, or an `unknown` one. Pure. */
export function unknownHosts(run: RunRecord): string[] {
  return run.hosts.filter((h) => !run.outcomes[h] || run.outcomes[h]?.state === 'unknown');
}

export interface CollectRun {
  runId: string;
  transport: Transport;
  store: SnapshotStore;
  forks: number;
  commandTimeoutMs: number;
  stop: AbortSignal;
  deadline: AbortSignal;
}

/** One host's answer, in words, as it is learnt. */
export interface CollectedHost {
  host: string;
  /** The recorded state (changed, reverted, failed ...), or 'unreachable'. */
  state: string;
  reason?: string;
}

export async function collectOutcomes(
  run: CollectRun,
  hosts: readonly RunHost[],
  onHost: (c: CollectedHost) => void,
): Promise<CollectedHost[]> {
  const one = async (h: RunHost): Promise<CollectedHost> => {
    try {
      const conn = await run.transport.connect(h.connection, run.deadline);
      try {
        const c = await collectResult(conn, run.runId, {
          become: h.connection.become,
          timeoutMs: run.commandTimeoutMs,
        });
        // No result: the host never heard `go` (it changes nothing then); its snapshot stays
        // until its next run, which removes snapshots of runs that never reached go.
        const result = c.result ?? {
          host: h.name,
          runId: run.runId,
          state: 'failed' as const,
          reason: c.snapshot
            ? 'the host never received go: nothing was changed'
            : 'the host has no result and no snapshot of this run: it never received go, so nothing was changed',
          keys: [],
          files: [],
        };
        await run.store.saveResult(run.runId, h.name, result);
        return {
          host: h.name,
          state: result.state,
          ...(!c.result && result.reason ? { reason: result.reason } : {}),
        };
      } finally {
        await conn.close();
      }
    } catch (err) {
      return {
        host: h.name,
        state: 'unreachable',
        reason: err instanceof Error ? err.message : String(err),
      };
    }
  };
  const done = await runPool(
    hosts,
    run.forks,
    async (h) => {
      const c = await one(h);
      onHost(c);
      return c;
    },
    { signal: run.stop },
  );
  return done.flatMap((d) => (d.started ? [d.value] : []));
}
