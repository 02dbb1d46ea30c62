/**
 * The read-only sweep: connect to every host (bounded by --forks), run the one gather script,
 * parse it into HostFacts and plan each host. Never changes a host; never outlives its deadline:
 * a host that hangs ends as unknown with the reason, and the run goes on without it.
 */
import type { HostFacts } from '../facts/types.js';
import { GATHER_COMMAND } from '../facts/script.js';
import type { HostConnection } from '../connection/types.js';
import type { SysctlKey } from '../sysctl/types.js';
import type { Target } from '../playbook/types.js';
import type { HostPlan } from '../plan/types.js';
import type { HostTransport } from '../report/types.js';
import type { Connection } from '../transport/types.js';
import { TransportError } from '../transport/types.js';
import { AbortedError, now, raceAbort } from './clock.js';
import type { RunEvent } from './events.js';
import { runPool } from './pool.js';
import type { HostTimings } from '../report/timings.js';

/** One host of a run: who it is, how to reach it, and what the playbook wants there. */
export interface RunHost {
  name: string;
  connection: HostConnection;
  targets: Record<SysctlKey, Target>;
}

export interface HostError {
  kind: string; // TransportError kind, 'deadline', 'interrupted', 'gather', 'parse'
  message: string;
}

export interface HostCheckResult {
  host: string;
  address: string;
  transport?: HostTransport;
  facts?: HostFacts;
  plan?: HostPlan;
  error?: HostError;
  /** With an error: whether a connection was made (false: refused, timeout, host key, auth). */
  reachable?: boolean;
  /** Where the host's time went (a host that failed has none). */
  timings?: HostTimings;
  durationMs: number;
}

/** The stages check needs, injected so that the shell (cli/) wires real ones and tests can too. */
export interface CheckDeps {
  connect(target: HostConnection, signal: AbortSignal): Promise<Connection>;
  /** Render the gather script for these keys (validated; data in the script, never in argv). */
  gatherScript(keys: string[]): string;
  parseFacts(host: string, stdout: string): HostFacts;
  planHost(host: RunHost, facts: HostFacts): HostPlan;
}

export interface CheckOptions {
  forks: number;
  commandTimeoutMs: number;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  /** performance.now() at the start of the hosts phase: host timings count from it. */
  timeOrigin?: number;
  /** Called as each host finishes (check reports host-done live; apply plans first). */
  onResult?: (result: HostCheckResult) => void;
}

/** The report's `transport` for a host: the choice made for it, or local. */
export function transportOf(host: RunHost): { transport?: HostTransport } {
  const c = host.connection;
  if (c.connection === 'local')
    return { transport: { name: 'local', reason: 'ansible_connection=local' } };
  return c.transport
    ? { transport: { name: c.transport.transport, reason: c.transport.reason } }
    : {};
}

export function errorOf(err: unknown): HostError {
  if (err instanceof TransportError) return { kind: err.kind, message: err.message };
  if (err instanceof AbortedError) return { kind: err.reason, message: err.message };
  if (err instanceof GatherError) return { kind: 'gather', message: err.message };
  return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
}

/** Connect, gather and plan one host. Errors become a result, never an exception. */
export async function checkHost(
  host: RunHost,
  deps: CheckDeps,
  opts: CheckOptions,
): Promise<HostCheckResult> {
  const started = Date.now();
  const base = { host: host.name, address: host.connection.address, ...transportOf(host) };
  const origin = opts.timeOrigin ?? 0;
  const t0 = performance.now();
  const phase = (p: 'connecting' | 'gathering' | 'planned') =>
    opts.emit({ type: 'host-phase', at: now(), host: host.name, phase: p });
  let conn: Connection | undefined;
  try {
    phase('connecting');
    conn = await raceAbort(deps.connect(host.connection, opts.signal), opts.signal);
    const tConnected = performance.now();
    phase('gathering');
    const script = deps.gatherScript(Object.keys(host.targets));
    const tExec = performance.now();
    const res = await raceAbort(
      conn.exec(GATHER_COMMAND, {
        stdin: script,
        timeoutMs: opts.commandTimeoutMs,
        become: host.connection.become,
        signal: opts.signal,
      }),
      opts.signal,
    );
    if (res.code !== 0) {
      const why = res.stderr.trim().split('\n').slice(-3).join(' / ') || `exit ${String(res.code)}`;
      throw new GatherError(`gather script failed on ${host.name}: ${why}`);
    }
    const tExecuted = performance.now();
    const facts = deps.parseFacts(host.name, res.stdout);
    const tParsed = performance.now();
    opts.emit({ type: 'host-facts', at: now(), host: host.name, facts });
    const plan = deps.planHost(host, facts);
    const tPlanned = performance.now();
    phase('planned');
    opts.emit({ type: 'host-planned', at: now(), host: host.name, plan });
    const timings: HostTimings = {
      startMs: t0 - origin,
      endMs: performance.now() - origin,
      connectMs: tConnected - t0,
      ...(conn.setup ? { setup: conn.setup } : {}),
      execMs: tExecuted - tExec,
      bytesSent: Buffer.byteLength(script),
      bytesReceived: Buffer.byteLength(res.stdout) + Buffer.byteLength(res.stderr),
      parseMs: tParsed - tExecuted,
      planMs: tPlanned - tParsed,
    };
    return { ...base, facts, plan, timings, durationMs: Date.now() - started };
  } catch (err) {
    return {
      ...base,
      error: errorOf(err),
      // a direct OpenSSH command fails to connect after connect() (TransportError.duringSetup)
      reachable: conn !== undefined && !(err instanceof TransportError && err.duringSetup),
      durationMs: Date.now() - started,
    };
  } finally {
    if (conn) void conn.close().catch(() => undefined);
  }
}

class GatherError extends Error {}

/** Check every host; hosts not started before an abort are reported as such. */
export async function runCheck(
  hosts: readonly RunHost[],
  deps: CheckDeps,
  opts: CheckOptions,
): Promise<HostCheckResult[]> {
  const results = await runPool(
    hosts,
    opts.forks,
    async (h) => {
      const r = await checkHost(h, deps, opts);
      opts.onResult?.(r);
      return r;
    },
    { signal: opts.signal },
  );
  return results.map((r, i) => {
    const host = hosts[i]!;
    if (r.started) return r.value;
    const reason =
      opts.signal.reason instanceof AbortedError
        ? opts.signal.reason
        : new AbortedError('interrupted');
    return {
      host: host.name,
      address: host.connection.address,
      ...transportOf(host),
      error: errorOf(reason),
      durationMs: 0,
    };
  });
}
