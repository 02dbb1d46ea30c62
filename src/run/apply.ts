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
import {
  type CheckDeps,
  type HostCheckResult,
  type HostError,
  type RunHost,
  errorOf,
  GATHER_COMMAND,
  runCheck,
} from './check.js';
import type { HostOutcome, KeyResult, RunEvent } from './events.js';
import { runPool } from './pool.js';
import { type CountSpec, computeWaves, maxFailTripped } from './waves.js';

/** What a host-side transaction (src/apply) reports, as the run events carry it. */
export interface HostChangeResult {
  outcome: HostOutcome;
  keys: KeyResult[];
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
}

export interface HostApplyRecord {
  host: string;
  outcome: HostOutcome;
  keys: KeyResult[];
  error?: string;
  durationMs: number;
}

export interface ApplyResult {
  records: HostApplyRecord[];
  stoppedBy?: 'max-fail' | 'interrupted' | 'health-gate' | 'deadline';
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
        exec: conn.exec.bind(conn),
        spawn: conn.spawn.bind(conn),
        close: async () => undefined,
      };
    },
  };
  const results = await runCheck(hosts, keep, opts);
  return { results, connections };
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
  const waves = computeWaves(
    hosts.map((h) => h.name),
    { canary: opts.canary, batch: opts.batch },
  );
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
    opts.emit({
      type: 'host-done',
      at: now(),
      host: r.host,
      outcome: r.outcome,
      keys: r.keys,
      error: r.error,
      durationMs: r.durationMs,
    });
    if (maxFailTripped(failed, hosts.length, opts.maxFail)) {
      stop('max-fail', `${failed} host(s) failed, more than --max-fail allows`);
    }
  };

  for (let w = 0; w < waves.length && !stoppedBy; w++) {
    if (opts.signal.aborted) {
      stop(signalReason(opts.signal));
      break;
    }
    if (w > 0 && opts.beforeWave)
      await raceAbort(opts.beforeWave(w), opts.signal).catch(() => undefined);
    if (opts.signal.aborted) {
      stop(signalReason(opts.signal));
      break;
    }
    const wave = waves[w]!;
    opts.emit({ type: 'wave-started', at: now(), wave: w, hosts: wave });
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
    opts.emit({ type: 'wave-done', at: now(), wave: w, failed: waveFailed, total: wave.length });
    if (opts.signal.aborted) stop(signalReason(opts.signal));
    const isLast = w === waves.length - 1;
    if (!stoppedBy && !isLast && opts.settleSeconds !== undefined && changedInWave.length > 0) {
      const gate = await healthGate(changedInWave, byName, planned, connections, deps, opts);
      opts.emit({ type: 'health-gate', at: now(), wave: w, ok: gate.ok, reason: gate.reason });
      if (!gate.ok) stop('health-gate', gate.reason);
    }
  }

  // Hosts never started are skipped.
  for (const h of hosts) {
    if (!records.has(h.name)) {
      const rec: HostApplyRecord = { host: h.name, outcome: 'skipped', keys: [], durationMs: 0 };
      records.set(h.name, rec);
      opts.emit({
        type: 'host-done',
        at: now(),
        host: h.name,
        outcome: 'skipped',
        keys: [],
        durationMs: 0,
      });
    }
  }

  const rolledBack: HostApplyRecord[] = [];
  if (stoppedBy === 'max-fail' && opts.autoRollback) {
    const changed = hosts.filter((h) => records.get(h.name)?.outcome === 'changed');
    // Auto-rollback must run even though the run is stopping; only a second Ctrl-C stops it.
    const results = await runPool(changed, opts.forks, (h) =>
      rollbackOne(h, connections, deps, opts),
    );
    for (const r of results) {
      if (!r.started) continue;
      rolledBack.push(r.value);
      opts.emit({
        type: 'host-done',
        at: now(),
        host: r.value.host,
        outcome: r.value.outcome,
        keys: r.value.keys,
        error: r.value.error,
        durationMs: r.value.durationMs,
      });
    }
  }
  return { records: hosts.map((h) => records.get(h.name)!), stoppedBy, rolledBack };
}

function signalReason(signal: AbortSignal): 'interrupted' | 'deadline' {
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
  const done = (
    outcome: HostOutcome,
    keys: KeyResult[],
    error?: HostError | string,
  ): HostApplyRecord => ({
    host: host.name,
    outcome,
    keys,
    error: typeof error === 'string' ? error : error?.message,
    durationMs: Date.now() - started,
  });
  if (!planned?.plan) return done('unreachable', [], planned?.error ?? 'not planned');
  const plan = planned.plan;
  if (plan.changes.length === 0 && !plan.persistFile) return done('unchanged', []);
  const conn = connections.get(host.name);
  if (!conn) return done('unreachable', [], 'connection lost after planning');
  opts.emit({ type: 'host-phase', at: now(), host: host.name, phase: 'applying' });
  try {
    const res = await deps.applyHost(conn, host, plan, { runId: opts.runId, signal: opts.signal });
    return done(res.outcome, res.keys, res.error);
  } catch (err) {
    return done('failed', [], errorOf(err));
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
  const finish = (outcome: HostOutcome, keys: KeyResult[], error?: string): HostApplyRecord => ({
    host: host.name,
    outcome,
    keys,
    error,
    durationMs: Date.now() - started,
  });
  if (!conn) return finish('unreachable', [], 'no connection for rollback');
  try {
    const res = await deps.rollbackHost(conn, host, {
      runId: opts.runId,
      signal: new AbortController().signal,
    });
    return finish(res.outcome, res.keys, res.error);
  } catch (err) {
    return finish('failed', [], errorOf(err).message);
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
