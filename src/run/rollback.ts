/**
 * The emergency path: for every host a run touched, connect and restore its snapshot in one exec.
 * No fact gathering, the widest useful concurrency, and every host accounted for: restored,
 * already restored, skipped (changed since, without --force), failed, or unreachable.
 */
import type { Connection } from '../transport/types.js';
import { now, raceAbort } from './clock.js';
import { type RunHost, errorOf } from './check.js';
import type { HostOutcome, RunEvent } from './events.js';
import type { HostApplyRecord, HostChangeResult } from './apply.js';
import { doneEvent, doneRecord } from './host-done.js';
import { runPool } from './pool.js';

export interface RollbackDeps {
  connect(target: RunHost['connection'], signal: AbortSignal): Promise<Connection>;
  rollbackHost(
    conn: Connection,
    host: RunHost,
    ctx: { runId: string; signal: AbortSignal },
  ): Promise<HostChangeResult>;
}

export interface RollbackOptions {
  runId: string;
  forks: number;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
}

export async function runRollback(
  hosts: readonly RunHost[],
  deps: RollbackDeps,
  opts: RollbackOptions,
): Promise<HostApplyRecord[]> {
  const one = async (host: RunHost): Promise<HostApplyRecord> => {
    const started = Date.now();
    let conn: Connection | undefined;
    const finish = (outcome: HostOutcome, fields: Parameters<typeof doneRecord>[3]) => {
      const r = doneRecord(host.name, started, outcome, fields);
      opts.emit(doneEvent(r));
      return r;
    };
    try {
      opts.emit({ type: 'host-phase', at: now(), host: host.name, phase: 'connecting' });
      conn = await raceAbort(deps.connect(host.connection, opts.signal), opts.signal);
      opts.emit({ type: 'host-phase', at: now(), host: host.name, phase: 'rolling_back' });
      const res = await deps.rollbackHost(conn, host, { runId: opts.runId, signal: opts.signal });
      return finish(res.outcome, res);
    } catch (err) {
      const e = errorOf(err);
      const unreachable = conn === undefined;
      return finish(unreachable ? 'unreachable' : 'failed', { error: e });
    } finally {
      if (conn) void conn.close().catch(() => undefined);
    }
  };
  const results = await runPool(hosts, opts.forks, one, { signal: opts.signal });
  return results.map((r, i) =>
    r.started
      ? r.value
      : doneRecord(hosts[i]!.name, undefined, 'skipped', { error: 'not started (interrupted)' }),
  );
}

/** The command an operator runs to retry just the hosts that could not be reached. */
export function retryCommand(
  runId: string,
  records: readonly HostApplyRecord[],
  inventoryArgs: string[],
  /** Further options of the original command to repeat (known_hosts, key, --keys ...). */
  extraArgs: string[] = [],
): string | undefined {
  const missed = records.filter(
    (r) =>
      r.outcome === 'unreachable' ||
      (r.outcome === 'skipped' && r.error?.startsWith('not started')),
  );
  if (missed.length === 0) return undefined;
  const inv = inventoryArgs.map((i) => `-i ${shellQuote(i)}`).join(' ');
  const extra = extraArgs.map(shellQuote).join(' ');
  return `sysfleet rollback ${runId}${inv ? ` ${inv}` : ''}${extra ? ` ${extra}` : ''} --limit ${shellQuote(missed.map((r) => r.host).join(','))}`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:,@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
