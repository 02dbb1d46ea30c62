/**
 * CheckReport: the versioned result of a read-only check, the one input of every reporter
 * (json, junit, nagios, prometheus, text). JSON form is a contract: schemas/report.schema.json.
 * Bump schemaVersion on any breaking change; adding optional fields is not breaking.
 */
import type { Finding, KeyStatus } from '../plan/types.js';
import type { RunTimings } from './timings.js';

export type HostOutcome = 'compliant' | 'drift' | 'warning' | 'critical' | 'unknown';

export interface KeyReport {
  key: string;
  status: KeyStatus;
  /** Runtime value, null when absent or unreadable. */
  runtime: string | null;
  /** Boot-time value and the file/line that sets it, null when no file does. */
  boot: { value: string; file: string; line: number } | null;
  /** The target in short form: `60`, `30..300`, `one of 0, 2`, `0 or absent`. */
  target: string;
  /** What sysfleet would write, null when nothing is needed. */
  want: string | null;
  /** For `shadowed`: the file that wins at boot instead. */
  shadowedBy: string | null;
  detail?: string;
}

/** How a host is reached and why (`--transport`; see src/transport/select.ts). */
export interface HostTransport {
  name: 'ssh2' | 'openssh' | 'local' | 'refused';
  reason: string;
}

export interface HostReport {
  host: string;
  address: string;
  transport?: HostTransport;
  reachable: boolean;
  outcome: HostOutcome;
  /** Why the host could not be checked (unreachable, auth, gather failure...). */
  error?: { kind: string; message: string };
  kernel?: string;
  keys: KeyReport[];
  findings: Finding[];
  /** Files that would still beat sysfleet's persistent file after apply. */
  shadowWarnings: string[];
}

export interface ReportSummary {
  hosts: number;
  compliant: number;
  drift: number;
  warning: number;
  critical: number;
  unknown: number;
  /** Hosts that could not be reached or checked at all (a subset of unknown). */
  unreachable: number;
  /** Number of host x key verdicts per status. */
  keys: Partial<Record<KeyStatus, number>>;
  /** Number of findings per severity, over all hosts. */
  findings: { ok: number; warning: number; critical: number };
}

export interface CheckReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  runId: string;
  playbook: { name: string; source: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  hosts: HostReport[];
  summary: ReportSummary;
  /** 0 OK, 1 WARNING, 2 CRITICAL (drift), 3 UNKNOWN; see docs/exit-codes.md. */
  exitCode: 0 | 1 | 2 | 3;
  /** Only in the report of one shard of a sharded run; a merged report has none. */
  shard?: ShardInfo;
  /** With --timings: where the run's time went (src/report/timings.ts). */
  timings?: RunTimings;
}

/** Which slice of which fleet a shard report holds (`sysfleet check --shard K/N`). */
export interface ShardInfo {
  /** 0-based shard number. */
  index: number;
  count: number;
  /** The whole fleet the shards were cut from: selected hosts, in inventory order. */
  fleet: { hosts: number; digest: string };
  /** sha256 of the playbook file's bytes. */
  playbookDigest: string;
  /** positions[i]: index in the whole fleet of hosts[i]. */
  positions: number[];
}
