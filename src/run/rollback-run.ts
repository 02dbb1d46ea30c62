/**
 * `sysfleet rollback` as the calls the CLI makes around its review: find the run and the hosts
 * it touched (from this workstation's store, or from the snapshots kept on the hosts), connect
 * to each for the review (`preflightRollback`: who is unreachable now, what each snapshot puts
 * back), then restore them all (`carryOutRollback`), every host accounted for. Showing the review
 * and asking is the CLI's.
 */
import { listHostSnapshots, readHostSnapshot, rollbackHost } from '../apply/index.js';
import { globToRegExp } from '../apply/rollback-plan.js';
import type { HostRecord, SnapshotStore } from '../apply/store.js';
import type { Snapshot } from '../apply/types.js';
import type { Transport } from '../transport/index.js';
import type { Connection } from '../transport/types.js';
import type { HostApplyRecord } from './apply.js';
import type { RunHost } from './check.js';
import { now } from './clock.js';
import type { RunEvent } from './events.js';
import { rollbackExitCode, type ExitCode } from './exit-codes.js';
import { rollbackOutcome } from './outcome.js';
import { runPool } from './pool.js';
import { runRollback } from './rollback.js';

export interface RollbackRun {
  transport: Transport;
  store: SnapshotStore;
  by: string;
  forks: number;
  commandTimeoutMs: number;
  /** Only keys matching these globs (empty: all). */
  keys: readonly string[];
  /** Also restore keys and files changed again since the run. */
  force: boolean;
  /** Snapshots read from the hosts, not this workstation's store. */
  fromHosts: boolean;
  /** Ctrl-C or the deadline: no new host starts. */
  stop: AbortSignal;
  /** The deadline alone: a restore under way finishes after Ctrl-C. */
  deadline: AbortSignal;
}

/** What the workstation's store says about an apply run. */
export interface StoredRun {
  runId: string;
  records: Record<string, HostRecord>;
  inventorySources: string[];
}

export async function loadStoredRun(store: SnapshotStore, ref: string): Promise<StoredRun> {
  const runId = await store.resolveRunId(ref, 'apply');
  const loaded = await store.loadRun(runId);
  return { runId, records: loaded.hosts, inventorySources: loaded.run.inventorySources };
}

export interface RollbackTargets {
  runId: string | undefined;
  hosts: RunHost[];
  /** Hosts with a snapshot in the run that the inventory no longer has. */
  notInInventory: string[];
}

/** The hosts the run touched: those with a stored snapshot, or (fromHosts) with one on the host. */
export async function rollbackTargets(
  run: RollbackRun,
  ref: string,
  fleet: readonly RunHost[],
  stored: StoredRun | undefined,
): Promise<RollbackTargets> {
  if (run.fromHosts || !stored)
    return { ...(await findOnHosts(run, ref, fleet)), notInInventory: [] };
  const touched = new Set(
    Object.values(stored.records)
      .filter((r) => r.snapshot)
      .map((r) => r.host),
  );
  const known = new Set(fleet.map((h) => h.name));
  return {
    runId: stored.runId,
    hosts: fleet.filter((h) => touched.has(h.name)),
    notInInventory: [...touched].filter((name) => !known.has(name)),
  };
}

/** One host as the review shows it. */
export interface RollbackPreflightHost {
  host: string;
  snapshot?: Snapshot;
  /** Why the host cannot be reached now (preflight connection). */
  unreachable?: string;
}

export interface RollbackPreflight {
  hosts: RollbackPreflightHost[];
  /** Kept open for the rollback itself. */
  connections: Map<string, Connection>;
  /** fromHosts: the snapshots read, so they are not read twice. */
  snapshots: Map<string, Snapshot>;
}

/** Connect to every host first, so the review can say which are unreachable now and what goes back. */
export async function preflightRollback(
  run: RollbackRun,
  runId: string,
  hosts: readonly RunHost[],
  stored: StoredRun | undefined,
): Promise<RollbackPreflight> {
  const connections = new Map<string, Connection>();
  const snapshots = new Map<string, Snapshot>();
  const done = await runPool(
    hosts,
    run.forks,
    async (h): Promise<RollbackPreflightHost> => {
      try {
        const conn = await run.transport.connect(h.connection, run.deadline);
        connections.set(h.name, conn);
        if (!run.fromHosts) return { host: h.name, snapshot: stored?.records[h.name]?.snapshot };
        const snapshot = await readHostSnapshot(conn, runId, {
          become: h.connection.become,
          timeoutMs: run.commandTimeoutMs,
        });
        if (snapshot) snapshots.set(h.name, snapshot);
        return { host: h.name, snapshot };
      } catch (err) {
        return { host: h.name, unreachable: err instanceof Error ? err.message : String(err) };
      }
    },
    { signal: run.stop },
  );
  return {
    hosts: done.map((d, i) =>
      d.started ? d.value : { host: hosts[i]!.name, unreachable: 'not tried (interrupted)' },
    ),
    connections,
    snapshots,
  };
}

/** Close the review's connections when the rollback is not carried out. */
export function dropPreflight(p: RollbackPreflight): void {
  for (const c of p.connections.values()) void c.close().catch(() => undefined);
}

export interface RollbackSummary {
  results: HostApplyRecord[];
  counts: Partial<Record<string, number>>;
  exitCode: ExitCode;
}

/** Restore every host, over the review's connections where there are some; announce and account. */
export async function carryOutRollback(
  run: RollbackRun,
  runId: string,
  hosts: readonly RunHost[],
  stored: StoredRun | undefined,
  preflight: RollbackPreflight | undefined,
  emit: (e: RunEvent) => void,
): Promise<RollbackSummary> {
  const names = hosts.map((h) => h.name);
  emit({ type: 'run-started', at: now(), runId, kind: 'rollback', hosts: names, waves: [names] });
  const results = await runRollback(
    hosts,
    {
      // The connection lives until the deadline, not Ctrl-C: it carries a restore under way.
      connect: (target) => {
        const open = preflight?.connections.get(target.name);
        preflight?.connections.delete(target.name);
        return open ? Promise.resolve(open) : run.transport.connect(target, run.deadline);
      },
      rollbackHost: async (conn, host) => {
        const rec = stored?.records[host.name];
        const snapshot = run.fromHosts
          ? (preflight?.snapshots.get(host.name) ??
            (await readHostSnapshot(conn, runId, {
              become: host.connection.become,
              timeoutMs: run.commandTimeoutMs,
            })))
          : rec?.snapshot;
        if (!snapshot)
          return {
            outcome: 'skipped',
            keys: [],
            error: `no snapshot of run ${runId} on this host`,
          };
        const r = await rollbackHost(conn, snapshot, run.fromHosts ? undefined : rec?.plan, {
          by: run.by,
          ...(run.keys.length ? { keyGlobs: [...run.keys] } : {}),
          force: run.force,
          become: host.connection.become,
          timeoutMs: run.commandTimeoutMs,
          // A restore under way finishes after Ctrl-C (only the deadline cuts it): half a restore
          // would leave the host neither as the run left it nor as it was.
          signal: run.deadline,
        });
        if (!run.fromHosts) await run.store.saveRollback(runId, host.name, r);
        return rollbackOutcome(r);
      },
    },
    { runId, forks: run.forks, signal: run.stop, emit },
  );
  const counts: Partial<Record<string, number>> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  const exitCode = rollbackExitCode(results);
  emit({ type: 'run-finished', at: now(), runId, exitCode, counts });
  return { results, counts, exitCode };
}

/** --keys as a predicate over key names (the review shows only what will be restored). */
export function keyFilter(globs: readonly string[]): ((key: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const res = globs.map(globToRegExp);
  return (key) => res.some((re) => re.test(key));
}

/** fromHosts: list the snapshots on every host, resolve `latest` fleet-wide, keep the hosts that have it. */
async function findOnHosts(
  run: RollbackRun,
  ref: string,
  hosts: readonly RunHost[],
): Promise<{ runId: string | undefined; hosts: RunHost[] }> {
  const listed = await runPool(
    hosts,
    run.forks,
    async (h) => {
      try {
        const conn = await run.transport.connect(h.connection, run.stop);
        try {
          return await listHostSnapshots(conn, {
            become: h.connection.become,
            timeoutMs: run.commandTimeoutMs,
          });
        } finally {
          await conn.close();
        }
      } catch {
        return undefined; // unreachable now: kept, so the rollback run reports it with a retry command
      }
    },
    { signal: run.stop },
  );
  const ids = new Set<string>();
  for (const l of listed) if (l.started && l.value) for (const e of l.value) ids.add(e.runId);
  const runId = ref === 'latest' ? [...ids].sort().at(-1) : ref;
  if (!runId) return { runId, hosts: [] };
  const keep = hosts.filter((_, i) => {
    const l = listed[i];
    return !l?.started || !l.value || l.value.some((e) => e.runId === runId);
  });
  return { runId, hosts: keep };
}
