/**
 * The control node's side of one host's apply, rollback and result collection: one exec each,
 * over Connection.spawn()/exec(). apply is a conversation: stream the program, read the host's
 * snapshot, store it durably, only then answer `go`, and read the outcome.
 */
import { hostname, userInfo } from 'node:os';
import type { Connection } from '../transport/types.js';
import type { HostPlan } from '../plan/types.js';
import { diagnosticLines } from './diagnostics.js';
import { parseRecords } from './lines.js';
import { checkSnapshot } from './snapshot-check.js';
import { buildRollbackPlan, type RollbackOptions } from './rollback-plan.js';
import {
  parseApplyOutput,
  parseCollectOutput,
  parseRollbackOutput,
  parseSnapshot,
  parseSnapshotList,
  snapshotFromRecords,
  type CollectedApply,
  type HostSnapshotEntry,
} from './result.js';
import {
  HOST_COMMAND,
  renderApplyScript,
  renderCollectScript,
  renderListSnapshotsScript,
  renderReadSnapshotScript,
  renderRollbackScript,
} from './script.js';
import type { SnapshotStore, StoredPlan } from './store.js';
import type { HostApplyResult, HostRollbackResult, Snapshot } from './types.js';

const AWAIT_GO = '@@sf\tawait-go';

export interface ApplyContext {
  runId: string;
  store: SnapshotStore;
  become: boolean;
  /** Bound on the whole conversation; after `go` the host finishes on its own anyway. */
  timeoutMs: number;
  /** Abort before `go`: the host is told `abort` and changes nothing. After `go`: ignored (the
   * host finishes detached; we keep waiting for its result within timeoutMs). */
  signal?: AbortSignal;
  /** Control-node user@host for the lock; defaults to this process's user and hostname. */
  by?: string;
  /** Seconds the host waits for `go`. */
  goTimeoutSec?: number;
  /** Test hook: called once `go` has been handed to the transport (e.g. to drop the connection). */
  afterGo?: () => void;
}

export function defaultBy(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep 'unknown'
  }
  return `${user}@${hostname()}`;
}

function nothingToDo(plan: HostPlan, runId: string): HostApplyResult {
  return { host: plan.host, runId, state: 'unchanged', keys: [], files: [] };
}

export async function applyHost(
  conn: Connection,
  plan: HostPlan,
  ctx: ApplyContext,
): Promise<HostApplyResult> {
  if (plan.changes.length === 0 && !plan.persistFile) {
    const result = nothingToDo(plan, ctx.runId);
    await ctx.store.saveResult(ctx.runId, plan.host, result);
    return result;
  }
  const stored: StoredPlan = {
    changes: plan.changes,
    ...(plan.persistFile ? { persistFile: plan.persistFile } : {}),
  };
  // let: released once written (~24 KiB a host; the async frame would keep it to the end)
  let script: string | undefined = renderApplyScript({
    runId: ctx.runId,
    by: ctx.by ?? defaultBy(),
    changes: plan.changes,
    ...(plan.persistFile ? { persistFile: plan.persistFile } : {}),
    ...(ctx.goTimeoutSec !== undefined ? { goTimeoutSec: ctx.goTimeoutSec } : {}),
    nowSec: Math.floor(Date.now() / 1000),
  });
  const proc = await conn.spawn(HOST_COMMAND, { become: ctx.become, timeoutMs: ctx.timeoutMs });
  let out = '';
  let err = '';
  let answered = false;
  let goSent = false;
  let storeError: string | undefined;

  const answer = async (): Promise<void> => {
    answered = true;
    const records = parseRecords(out).records;
    const snapshot = snapshotFromRecords(records, conn.host);
    const wrong = snapshot && checkSnapshot(snapshot, records, plan, ctx.runId);
    let word = 'go';
    if (ctx.signal?.aborted) {
      word = 'abort';
      storeError = 'run interrupted before the host was told to go: nothing was changed';
    } else if (!snapshot) {
      word = 'abort';
      storeError = 'the host sent no complete snapshot: nothing was changed';
    } else if (wrong) {
      word = 'abort';
      storeError = `the host's snapshot does not match the request (${wrong}); it could not be restored from, so the host was told abort: nothing was changed`;
    } else {
      try {
        await ctx.store.saveSnapshot(ctx.runId, conn.host, snapshot, stored);
      } catch (e) {
        word = 'abort';
        storeError = `cannot store the snapshot on the control node (${(e as Error).message}): nothing was changed`;
      }
    }
    if (word === 'go') goSent = true;
    proc.stdin.end(`${word}\n`, () => {
      if (word === 'go') ctx.afterGo?.();
    });
  };

  const onAbort = (): void => {
    if (!answered) void answer();
  };
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (c: string) => (err += c));
  // Only the lines completed by each chunk are looked at (out itself is capped by the transport).
  let partial = '';
  proc.stdout.on('data', (c: string) => {
    out += c;
    if (answered) return;
    const lines = (partial + c).split('\n');
    partial = lines.pop() ?? '';
    if (lines.some((l) => l === AWAIT_GO || l.startsWith(`${AWAIT_GO}\t`))) void answer();
  });
  proc.stdin.on('error', () => undefined);
  proc.stdin.write(script);
  script = undefined;

  let transportError: string | undefined;
  try {
    await proc.done;
  } catch (e) {
    transportError = (e as Error).message;
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  const result = parseApplyOutput(out, conn.host, ctx.runId, goSent);
  if (storeError && result.state === 'failed') result.reason = storeError;
  if (transportError && result.state !== 'changed' && result.state !== 'reverted') {
    result.reason = `${result.reason ?? result.state}; ${transportError}`;
  }
  const diag = diagnosticLines(err);
  if (diag.length > 0) result.diagnostics = [...(result.diagnostics ?? []), ...diag];
  if (!result.snapshot && answered) {
    // keep the stored snapshot with the result even if output got cut
    const s = snapshotFromRecords(parseRecords(out).records, conn.host);
    if (s) result.snapshot = s;
  }
  await ctx.store.saveResult(ctx.runId, conn.host, result);
  return result;
}

export interface RollbackContext extends RollbackOptions {
  become: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Restore one host to its snapshot (one exec). `plan` is the run's plan when known. */
export async function rollbackHost(
  conn: Connection,
  snapshot: Snapshot,
  plan: StoredPlan | undefined,
  ctx: RollbackContext,
): Promise<HostRollbackResult> {
  const rp = buildRollbackPlan(snapshot, plan, ctx);
  if (rp.request.keys.length === 0 && rp.request.files.length === 0) {
    return {
      host: conn.host,
      runId: snapshot.runId,
      state: 'unchanged',
      reason: 'no key of this run matches the filter',
      keys: [],
      files: rp.skippedFiles,
    };
  }
  const script = renderRollbackScript({ ...rp.request, nowSec: Math.floor(Date.now() / 1000) });
  const res = await conn.exec(HOST_COMMAND, {
    stdin: script,
    become: ctx.become,
    timeoutMs: ctx.timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const result = parseRollbackOutput(res.stdout, conn.host, snapshot.runId);
  result.files.push(...rp.skippedFiles);
  if (rp.skippedFiles.length > 0 && result.state === 'rolled_back') result.state = 'partial';
  const diag = diagnosticLines(res.stderr);
  if (diag.length > 0) result.diagnostics = [...(result.diagnostics ?? []), ...diag];
  return result;
}

async function query(
  conn: Connection,
  script: string,
  opts: { become: boolean; timeoutMs: number },
): Promise<string> {
  const res = await conn.exec(HOST_COMMAND, {
    stdin: script,
    become: opts.become,
    timeoutMs: opts.timeoutMs,
  });
  return res.stdout;
}

/** `collect results for run X`: the outcome a host recorded for a run whose connection dropped. */
export async function collectResult(
  conn: Connection,
  runId: string,
  opts: { become: boolean; timeoutMs: number },
): Promise<CollectedApply> {
  const out = await query(conn, renderCollectScript(runId, 'apply'), opts);
  return parseCollectOutput(out, conn.host, runId);
}

/** Rollback results are collected the same way (for a rollback whose connection dropped). */
export async function collectRollbackResult(
  conn: Connection,
  runId: string,
  opts: { become: boolean; timeoutMs: number },
): Promise<HostRollbackResult | undefined> {
  const out = await query(conn, renderCollectScript(runId, 'rollback'), opts);
  const head = parseRecords(out).records.find((r) => r.kind === 'collect');
  if (!head || head.fields.state === 'absent') return undefined;
  return parseRollbackOutput(out, conn.host, runId);
}

export async function listHostSnapshots(
  conn: Connection,
  opts: { become: boolean; timeoutMs: number },
): Promise<HostSnapshotEntry[]> {
  return parseSnapshotList(await query(conn, renderListSnapshotsScript(), opts));
}

/** For `rollback --from-hosts`: the snapshot the host itself kept for a run. */
export async function readHostSnapshot(
  conn: Connection,
  runId: string,
  opts: { become: boolean; timeoutMs: number },
): Promise<Snapshot | undefined> {
  return parseSnapshot(await query(conn, renderReadSnapshotScript(runId), opts), conn.host);
}
