/**
 * The rollout: plan every host (the same plan `check` shows), then carry the plans out wave by
 * wave — canary first, then batches — with a failure threshold, an optional health gate between
 * waves, pause/abort, and auto-rollback of the hosts this run changed when the threshold trips.
 *
 * The connection opened to plan a host is kept for its apply: one SSH connection per host, one exec
 * to gather, one exec to apply.
 */
import type { Finding, HostPlan } from '../plan/types.js';
import type { Connection } from '../transport/types.js';
import { AbortedError, now, raceAbort } from './clock.js';
import { type CheckDeps, type HostCheckResult, type RunHost, errorOf, runCheck } from './check.js';
import { GATHER_COMMAND } from '../facts/script.js';
import type { FileResult, HostOutcome, KeyResult, RunEvent } from './events.js';
import { doneEvent, doneRecord, type HostDoneRecord } from './host-done.js';
import { runPool } from './pool.js';
import { type CountSpec, computeWaves, maxFailTripped } from './waves.js';

/** What a host-side transaction (src/apply) reports, as the run events carry it. */
export interface HostChangeResult {
  outcome: HostOutcome;
  keys: KeyResult[];
  files?: FileResult[];
  error?: string;
}

export interface ApplyDeps extends CheckDeps {
  applyHost(
    conn: Connection,
    host: RunHost,
    plan: HostPlan,
    ctx: { runId: string; signal: AbortSignal },
  ): Promise<HostChangeResult>;
  rollbackHost(
    conn: Connection,
    host: RunHost,
    ctx: { runId: string; signal: AbortSignal },
  ): Promise<HostChangeResult>;
  /** Evidence findings of freshly gathered facts (health gate). */
  findings(host: RunHost, plan: HostPlan): Finding[];
}

export interface ApplyOptions {
  runId: string;
  forks: number;
  commandTimeoutMs: number;
  canary: number;
  batch?: CountSpec;
  maxFail?: CountSpec;
  autoRollback: boolean;
  /** Seconds to wait after each wave before re-reading evidence; undefined = no health gate. */
  settleSeconds?: number;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  /** Asked before each wave after the first: resolve to go on (the UI's `p` pauses here). */
  beforeWave?: (wave: number) => Promise<void>;
  /**
   * True once the operator asked to undo this run (the live view's `r`; the caller also aborts
   * `signal`): no new host starts, hosts in flight finish, then every host this run changed is
   * rolled back, as --auto-rollback does when --max-fail trips.
   */
  rollbackRequested?: () => boolean;
}

/** How a host ended in an apply or rollback run (built by host-done.ts). */
export type HostApplyRecord = HostDoneRecord;

export interface ApplyResult {
  records: HostApplyRecord[];
  stoppedBy?: 'max-fail' | 'interrupted' | 'health-gate' | 'deadline' | 'rollback';
  rolledBack: HostApplyRecord[];
}

const FAILED: ReadonlySet<HostOutcome> = new Set(['failed', 'reverted', 'unreachable']);

/** Phase 1: connect, gather, plan; connections stay open for phase 2. */
export async function planFleet(
  hosts: readonly RunHost[],
  deps: CheckDeps,
  opts: {
    forks: number;
    commandTimeoutMs: number;
    signal: AbortSignal;
    emit: (e: RunEvent) => void;
  },
): Promise<{ results: HostCheckResult[]; connections: Map<string, Connection> }> {
  const connections = new Map<string, Connection>();
  const keep: CheckDeps = {
    ...deps,
    connect: async (target, signal) => {
      const conn = await deps.connect(target, signal);
      // checkHost closes its connection when done; keep it open for the apply instead.
      connections.set(target.name, conn);
      return {
        host: conn.host,
        ...(conn.setup ? { setup: conn.setup } : {}),
        exec: conn.exec.bind(conn),
        spawn: conn.spawn.bind(conn),
        close: async () => undefined,
      };
    },
  };
  const results = await runCheck(hosts, keep, opts);
  return { results, connections };
}

/**
 * The waves a rollout of HOSTS runs in: only hosts that were planned (a host that could not be
 * reached or gathered has nothing to carry out, and must not take the canary's place); the rest
 * are `unplanned`, reported at once. The run-started event and applyFleet both use this.
 */
export function rolloutWaves(
  hosts: readonly RunHost[],
  planned: ReadonlyMap<string, HostCheckResult>,
  opts: { canary: number; batch?: CountSpec },
): { waves: string[][]; unplanned: string[] } {
  const isPlanned = (h: RunHost) => planned.get(h.name)?.plan !== undefined;
  const waves = computeWaves(
    hosts.filter(isPlanned).map((h) => h.name),
    { canary: opts.canary, batch: opts.batch },
  );
  return { waves, unplanned: hosts.filter((h) => !isPlanned(h)).map((h) => h.name) };
}

/** Phase 2: carry out the plans in waves. `planned` holds phase 1's results for these hosts. */
export async function applyFleet(
  hosts: readonly RunHost[],
  planned: ReadonlyMap<string, HostCheckResult>,
  connections: Map<string, Connection>,
  deps: ApplyDeps,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const { waves, unplanned } = rolloutWaves(hosts, planned, opts);
  const records = new Map<string, HostApplyRecord>();
  let failed = 0;
  let stoppedBy: ApplyResult['stoppedBy'];

  const stop = (reason: NonNullable<ApplyResult['stoppedBy']>, detail?: string) => {
    if (stoppedBy) return;
    stoppedBy = reason;
    opts.emit({ type: 'run-stopping', at: now(), reason, detail });
  };
  const record = (r: HostApplyRecord) => {
    records.set(r.host, r);
    if (FAILED.has(r.outcome)) failed++;
    opts.emit(doneEvent(r));
    if (maxFailTripped(failed, hosts.length, opts.maxFail)) {
      stop('max-fail', `${failed} host(s) failed, more than --max-fail allows`);
    }
  };

  // Hosts that could not be planned (unreachable, gather failed) are reported at once, not
  // left "pending" in a wave they will never run in; they still count against --max-fail.
  for (const name of unplanned) {
    const p = planned.get(name);
    record(doneRecord(name, undefined, 'unreachable', { error: p?.error ?? 'not planned' }));
  }

  for (let w = 0; w < waves.length && !stoppedBy; w++) {
    if (opts.signal.aborted) {
      stop(signalReason(opts));
      break;
    }
    if (w > 0 && opts.beforeWave)
      await raceAbort(opts.beforeWave(w + 1), opts.signal).catch(() => undefined);
    if (opts.signal.aborted) {
      stop(signalReason(opts));
      break;
    }
    const wave = waves[w]!;
    opts.emit({ type: 'wave-started', at: now(), wave: w + 1, hosts: wave });
    const changedInWave: string[] = [];
    await runPool(
      wave,
      opts.forks,
      async (name) => {
        const rec = await applyOne(byName.get(name)!, planned.get(name), connections, deps, opts);
        if (rec.outcome === 'changed') changedInWave.push(name);
        record(rec);
      },
      { signal: opts.signal, shouldStart: () => !stoppedBy },
    );
    const waveFailed = wave.filter((h) => FAILED.has(records.get(h)?.outcome ?? 'skipped')).length;
    opts.emit({
      type: 'wave-done',
      at: now(),
      wave: w + 1,
      failed: waveFailed,
      total: wave.length,
    });
    if (opts.signal.aborted) stop(signalReason(opts));
    const isLast = w === waves.length - 1;
    if (!stoppedBy && !isLast && opts.settleSeconds !== undefined && changedInWave.length > 0) {
      const gate = await healthGate(changedInWave, byName, planned, connections, deps, opts);
      opts.emit({
        type: 'health-gate',
        at: now(),
        wave: w + 1,
        ok: gate.ok,
        reason: gate.reason,
      });
      if (!gate.ok) stop('health-gate', gate.reason);
    }
  }

  // Hosts never started are skipped.
  for (const h of hosts) {
    if (!records.has(h.name)) {
      const rec = doneRecord(h.name, undefined, 'skipped');
      records.set(h.name, rec);
      opts.emit(doneEvent(rec));
    }
  }

  const rolledBack: HostApplyRecord[] = [];
  if ((stoppedBy === 'max-fail' && opts.autoRollback) || opts.rollbackRequested?.()) {
    const changed = hosts.filter((h) => records.get(h.name)?.outcome === 'changed');
    // Auto-rollback must run even though the run is stopping; only a second Ctrl-C stops it.
    const results = await runPool(changed, opts.forks, (h) =>
      rollbackOne(h, connections, deps, opts),
    );
    for (const r of results) {
      if (!r.started) continue;
      rolledBack.push(r.value);
      opts.emit(doneEvent(r.value));
    }
  }
  return { records: hosts.map((h) => records.get(h.name)!), stoppedBy, rolledBack };
}

function signalReason(opts: ApplyOptions): 'interrupted' | 'deadline' | 'rollback' {
  if (opts.rollbackRequested?.()) return 'rollback';
  const { signal } = opts;
  return signal.reason instanceof AbortedError ? signal.reason.reason : 'interrupted';
}

async function applyOne(
  host: RunHost,
  planned: HostCheckResult | undefined,
  connections: Map<string, Connection>,
  deps: ApplyDeps,
  opts: ApplyOptions,
): Promise<HostApplyRecord> {
  const started = Date.now();
  const done = (outcome: HostOutcome, fields: Parameters<typeof doneRecord>[3] = {}) =>
    doneRecord(host.name, started, outcome, fields);
  if (!planned?.plan) return done('unreachable', { error: planned?.error ?? 'not planned' });
  const plan = planned.plan;
  if (plan.changes.length === 0 && !plan.persistFile) return done('unchanged');
  const conn = connections.get(host.name);
  if (!conn) return done('unreachable', { error: 'connection lost after planning' });
  opts.emit({ type: 'host-phase', at: now(), host: host.name, phase: 'applying' });
  try {
    const res = await deps.applyHost(conn, host, plan, { runId: opts.runId, signal: opts.signal });
    return done(res.outcome, res);
  } catch (err) {
    return done('failed', { error: errorOf(err) });
  }
}

async function rollbackOne(
  host: RunHost,
  connections: Map<string, Connection>,
  deps: ApplyDeps,
  opts: ApplyOptions,
): Promise<HostApplyRecord> {
  const started = Date.now();
  const conn = connections.get(host.name);
  opts.emit({ type: 'host-phase', at: now(), host: host.name, phase: 'rolling_back' });
  if (!conn)
    return doneRecord(host.name, started, 'unreachable', { error: 'no connection for rollback' });
  try {
    const res = await deps.rollbackHost(conn, host, {
      runId: opts.runId,
      signal: new AbortController().signal,
    });
    return doneRecord(host.name, started, res.outcome, res);
  } catch (err) {
    return doneRecord(host.name, started, 'failed', { error: errorOf(err) });
  }
}

const RANK = { ok: 0, warning: 1, critical: 2 } as const;

/**
 * Between waves: wait --settle seconds, re-read evidence on the hosts this wave changed, and halt
 * when a host stopped answering or a finding got worse than before the change.
 */
async function healthGate(
  changed: string[],
  byName: ReadonlyMap<string, RunHost>,
  planned: ReadonlyMap<string, HostCheckResult>,
  connections: Map<string, Connection>,
  deps: ApplyDeps,
  opts: ApplyOptions,
): Promise<{ ok: boolean; reason?: string }> {
  await raceAbort(
    new Promise((r) => setTimeout(r, (opts.settleSeconds ?? 0) * 1000)),
    opts.signal,
  ).catch(() => undefined);
  if (opts.signal.aborted) return { ok: true };
  const problems: string[] = [];
  await runPool(changed, opts.forks, async (name) => {
    const host = byName.get(name)!;
    const conn = connections.get(name);
    try {
      if (!conn) throw new Error('no connection');
      const res = await conn.exec(GATHER_COMMAND, {
        stdin: deps.gatherScript(Object.keys(host.targets)),
        timeoutMs: opts.commandTimeoutMs,
        become: host.connection.become,
      });
      if (res.code !== 0) throw new Error(`gather failed (exit ${String(res.code)})`);
      const facts = deps.parseFacts(name, res.stdout);
      const after = deps.findings(host, deps.planHost(host, facts));
      const before = planned.get(name)?.plan?.findings ?? [];
      for (const f of after) {
        const prev = before.find((b) => b.id === f.id);
        if (RANK[f.severity] > RANK[prev?.severity ?? 'ok']) {
          problems.push(
            `${name}: ${f.id} went ${prev?.severity ?? 'ok'} → ${f.severity} (${f.message})`,
          );
        }
      }
    } catch (err) {
      problems.push(`${name}: stopped answering after the change (${errorOf(err).message})`);
    }
  });
  return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join('; ') };
}
