/**
 * `sysfleet apply` as two calls the CLI makes around its review: `planApply` (connect, gather,
 * plan every host; connections kept for the apply) and `carryOutApply` (record the run, announce
 * it, apply in waves, account for every host, decide the exit code). What sits between them —
 * showing the plan and asking — is the CLI's.
 */
import type { SnapshotStore } from '../apply/store.js';
import type { Playbook } from '../playbook/types.js';
import type { Transport } from '../transport/index.js';
import type { Connection } from '../transport/types.js';
import { applyFleet, planFleet, rolloutWaves, type ApplyResult } from './apply.js';
import type { HostCheckResult, RunHost } from './check.js';
import { now } from './clock.js';
import { applyDeps, checkDeps } from './deps.js';
import type { RunEvent } from './events.js';
import { applyExitCode, type ExitCode } from './exit-codes.js';
import type { CountSpec } from './waves.js';

export interface ApplyRun {
  runId: string;
  playbook: Playbook;
  hosts: readonly RunHost[];
  transport: Transport;
  store: SnapshotStore;
  /** Recorded with the run, so `sysfleet rollback` finds the hosts without -i. */
  inventorySources: readonly string[];
  by: string;
  forks: number;
  commandTimeoutMs: number;
  canary: number;
  batch?: { spec: CountSpec; text: string };
  maxFail?: { spec: CountSpec; text: string };
  autoRollback: boolean;
  settleSeconds?: number;
  /** Ctrl-C or the deadline: no new host starts. */
  stop: AbortSignal;
  /** The deadline alone: connections and hosts already applying live until it. */
  deadline: AbortSignal;
}

export interface PlannedApply {
  results: HostCheckResult[];
  /** Open connections of the planned hosts, reused by their apply. */
  connections: Map<string, Connection>;
  /** The planning pass's events, replayed (minus phases) once the run is announced. */
  events: RunEvent[];
  /** Hosts with something to do: a change, a persist file, or no plan (reported unreachable). */
  toChange: RunHost[];
}

/** Phase 1 for every host: the same plan `check` shows. Never changes a host. */
export async function planApply(run: ApplyRun): Promise<PlannedApply> {
  const events: RunEvent[] = [];
  const { results, connections } = await planFleet(
    run.hosts,
    {
      ...checkDeps(run.transport, run.playbook),
      // A connection made to plan a host is kept for its apply: tie it to the deadline only.
      connect: (target) => run.transport.connect(target, run.deadline),
    },
    {
      forks: run.forks,
      commandTimeoutMs: run.commandTimeoutMs,
      signal: run.stop,
      emit: (e) => events.push(e),
    },
  );
  const byHost = new Map(results.map((r) => [r.host, r]));
  const toChange = run.hosts.filter((h) => {
    const r = byHost.get(h.name);
    return !r?.plan || r.plan.changes.length > 0 || r.plan.persistFile;
  });
  return { results, connections, events, toChange };
}

/** The live view's requests, read between waves and as hosts finish. */
export interface ApplyControls {
  /** `p`: finish this wave, then stop as cleanly as Ctrl-C would. */
  pauseRequested(): boolean;
  /** `r`, confirmed: stop starting hosts, then roll back every host this run changed. */
  rollbackRequested(): boolean;
  /** Stop starting hosts (the same as Ctrl-C). */
  stop(): void;
}

export interface ApplySummary extends ApplyResult {
  counts: Partial<Record<string, number>>;
  exitCode: ExitCode;
  /** Hosts this run left changed (not rolled back by it): what `sysfleet rollback RUN` restores. */
  leftChanged: string[];
}

/** Phase 2: record the run, then carry the plans out in waves, every host accounted for. */
export async function carryOutApply(
  run: ApplyRun,
  planned: PlannedApply,
  emit: (e: RunEvent) => void,
  controls: ApplyControls,
): Promise<ApplySummary> {
  const { toChange, connections } = planned;
  await run.store.createRun({
    id: run.runId,
    kind: 'apply',
    playbook: run.playbook.source,
    inventorySources: [...run.inventorySources],
    hosts: toChange.map((h) => h.name),
    options: {
      canary: run.canary,
      batch: run.batch?.text,
      maxFail: run.maxFail?.text,
      autoRollback: run.autoRollback,
      by: run.by,
    },
  });
  const byHost = new Map<string, HostCheckResult>(planned.results.map((r) => [r.host, r]));
  const batch = run.batch?.spec;
  const { waves } = rolloutWaves(toChange, byHost, {
    canary: run.canary,
    ...(batch ? { batch } : {}),
  });
  emit({
    type: 'run-started',
    at: now(),
    runId: run.runId,
    kind: 'apply',
    playbook: run.playbook.name,
    hosts: toChange.map((h) => h.name),
    waves,
  });
  // Facts and plans from the planning pass, not its phases: a host waiting for its wave is
  // pending, not "planned" (which the UI counts as in flight).
  const changing = new Set(toChange.map((h) => h.name));
  for (const e of planned.events) {
    const host = (e as { host?: string }).host;
    if (e.type !== 'host-phase' && host !== undefined && changing.has(host)) emit(e);
  }
  try {
    const res = await applyFleet(
      toChange,
      byHost,
      connections,
      applyDeps({
        transport: run.transport,
        playbook: run.playbook,
        store: run.store,
        runId: run.runId,
        by: run.by,
        commandTimeoutMs: run.commandTimeoutMs,
        deadline: run.deadline,
      }),
      {
        runId: run.runId,
        forks: run.forks,
        commandTimeoutMs: run.commandTimeoutMs,
        canary: run.canary,
        ...(batch ? { batch } : {}),
        ...(run.maxFail ? { maxFail: run.maxFail.spec } : {}),
        autoRollback: run.autoRollback,
        rollbackRequested: controls.rollbackRequested,
        ...(run.settleSeconds !== undefined ? { settleSeconds: run.settleSeconds } : {}),
        signal: run.stop,
        emit,
        beforeWave: async (w) => {
          if (!controls.pauseRequested()) return;
          emit({ type: 'run-paused', at: now(), afterWave: w - 1 });
          controls.stop();
        },
      },
    );
    const counts: Partial<Record<string, number>> = {};
    for (const r of [...res.records, ...res.rolledBack])
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    const exitCode = applyExitCode(res.records, res.stoppedBy !== undefined);
    emit({ type: 'run-finished', at: now(), runId: run.runId, exitCode, counts });
    const undone = new Set(
      res.rolledBack.filter((r) => r.outcome === 'rolled_back').map((r) => r.host),
    );
    const leftChanged = res.records
      .filter((r) => r.outcome === 'changed' && !undone.has(r.host))
      .map((r) => r.host);
    return { ...res, counts, exitCode, leftChanged };
  } finally {
    dropPlan(planned);
  }
}

/** Close a plan's connections: after its apply, or when it is not carried out (dry run, declined). */
export function dropPlan(planned: PlannedApply): void {
  for (const c of planned.connections.values()) void c.close().catch(() => undefined);
}
