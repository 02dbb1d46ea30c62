/**
 * `--timings`: where a check's time went, per host and in total, so every gap to the floor has a
 * name. Hosts measure their own phases (run/check.ts); the command measures its own (start-up,
 * loading, the hosts, closing, the report). Pure: the account is a function of those
 * measurements; it is part of the JSON report (`timings`) when asked for.
 */
import type { ConnectSetup } from '../transport/types.js';

/** One host's phases, in ms; `startMs`/`endMs` from the start of the hosts phase. */
export interface HostTimings {
  startMs: number;
  endMs: number;
  /** Everything until the connection was usable (retries, jump hosts, ProxyCommand included). */
  connectMs: number;
  /** ssh2 only: TCP, key exchange, authentication within connectMs. */
  setup?: ConnectSetup;
  /** The gather exec, from sending the script to the channel's close. */
  execMs: number;
  bytesSent: number;
  bytesReceived: number;
  parseMs: number;
  planMs: number;
}

/** The command's own phases, in ms. */
export interface CommandPhases {
  /** Process start until Node had bootstrapped. */
  nodeStartMs: number;
  /** Node ready until sysfleet's program was loaded (module load and evaluation). */
  moduleLoadMs: number;
  /** Inventory, playbook, ssh_config and connection resolution. */
  loadMs: number;
  /** Secrets, signals and the transport. */
  startRunMs: number;
  /** From the first connection to the last host's end. */
  hostsMs: number;
  /** Closing the connections and the transport. */
  closeMs: number;
  /** Building the report (writing it is not counted). */
  reportMs: number;
  /** Process start until the report was built. */
  totalMs: number;
}

export interface PhaseStats {
  /** Sum over hosts (the CPU-ish view: how much of it there was). */
  sumMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export interface RunTimings {
  command: CommandPhases;
  hosts: number;
  perHost: {
    connect: PhaseStats;
    tcp?: PhaseStats;
    kex?: PhaseStats;
    auth?: PhaseStats;
    exec: PhaseStats;
    parse: PhaseStats;
    plan: PhaseStats;
  };
  /** Key exchange algorithms negotiated, with their host counts. */
  kex: Record<string, number>;
  bytes: { sent: number; received: number; receivedPerHostMedian: number };
  /**
   * The wait for the slowest hosts: from when 95% of the hosts had finished until the last did,
   * and who that was.
   */
  tail: { ms: number; slowest?: { host: string; ms: number } };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function phaseStats(values: readonly number[]): PhaseStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    sumMs: round(sorted.reduce((a, b) => a + b, 0)),
    medianMs: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

export function summarizeTimings(
  command: CommandPhases,
  hosts: readonly { host: string; timings?: HostTimings }[],
): RunTimings {
  const timed = hosts.filter((h): h is { host: string; timings: HostTimings } => !!h.timings);
  const t = timed.map((h) => h.timings);
  const setups = t.flatMap((x) => (x.setup ? [x.setup] : []));
  const kex: Record<string, number> = {};
  for (const s of setups) if (s.kex) kex[s.kex] = (kex[s.kex] ?? 0) + 1;
  const ends = [...t.map((x) => x.endMs)].sort((a, b) => a - b);
  const last = timed.reduce<{ host: string; timings: HostTimings } | undefined>(
    (a, h) => (!a || h.timings.endMs > a.timings.endMs ? h : a),
    undefined,
  );
  const received = t.map((x) => x.bytesReceived).sort((a, b) => a - b);
  return {
    command: {
      nodeStartMs: round(command.nodeStartMs),
      moduleLoadMs: round(command.moduleLoadMs),
      loadMs: round(command.loadMs),
      startRunMs: round(command.startRunMs),
      hostsMs: round(command.hostsMs),
      closeMs: round(command.closeMs),
      reportMs: round(command.reportMs),
      totalMs: round(command.totalMs),
    },
    hosts: timed.length,
    perHost: {
      connect: phaseStats(t.map((x) => x.connectMs)),
      ...(setups.length
        ? {
            tcp: phaseStats(setups.map((s) => s.tcpMs)),
            kex: phaseStats(setups.map((s) => s.kexMs)),
            auth: phaseStats(setups.map((s) => s.authMs)),
          }
        : {}),
      exec: phaseStats(t.map((x) => x.execMs)),
      parse: phaseStats(t.map((x) => x.parseMs)),
      plan: phaseStats(t.map((x) => x.planMs)),
    },
    kex,
    bytes: {
      sent: t.reduce((a, x) => a + x.bytesSent, 0),
      received: t.reduce((a, x) => a + x.bytesReceived, 0),
      receivedPerHostMedian: quantile(received, 0.5),
    },
    tail: {
      ms: round((ends.at(-1) ?? 0) - quantile(ends, 0.95)),
      ...(last
        ? { slowest: { host: last.host, ms: round(last.timings.endMs - last.timings.startMs) } }
        : {}),
    },
  };
}

/** The account as lines for a terminal (stderr): phases, then per-host medians and tails. */
export function formatTimings(t: RunTimings): string[] {
  const c = t.command;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const row = (name: string, s: PhaseStats | undefined) =>
    s
      ? `  ${name.padEnd(10)} median ${ms(s.medianMs).padStart(10)}  p95 ${ms(s.p95Ms).padStart(10)}  max ${ms(s.maxMs).padStart(10)}  sum ${ms(s.sumMs).padStart(11)}`
      : undefined;
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const lines = [
    `timings: ${ms(c.totalMs)} in all`,
    `  node start ${ms(c.nodeStartMs)}, module load ${ms(c.moduleLoadMs)}, inventory+playbook ${ms(c.loadMs)}, run set-up ${ms(c.startRunMs)}, hosts ${ms(c.hostsMs)}, close ${ms(c.closeMs)}, report ${ms(c.reportMs)}`,
    `per host (${t.hosts}):`,
    row('connect', t.perHost.connect),
    row('  tcp', t.perHost.tcp),
    row('  kex', t.perHost.kex),
    row('  auth', t.perHost.auth),
    row('exec', t.perHost.exec),
    row('parse', t.perHost.parse),
    row('plan', t.perHost.plan),
    `  bytes: ${kib(t.bytes.sent)} sent, ${kib(t.bytes.received)} received (median ${kib(t.bytes.receivedPerHostMedian)} a host)`,
  ];
  const kex = Object.entries(t.kex)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  if (kex) lines.push(`  key exchange: ${kex}`);
  lines.push(
    `  wait for the slowest 5%: ${ms(t.tail.ms)}${t.tail.slowest ? ` (last: ${t.tail.slowest.host}, ${ms(t.tail.slowest.ms)})` : ''}`,
  );
  return lines.filter((l): l is string => l !== undefined);
}
