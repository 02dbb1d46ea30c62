/**
 * What a playbook declares: targets, overrides, evidence thresholds. Produced by playbook.ts,
 * read by plan/ and run/. Pure data.
 */
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';

/** What a playbook wants for one key. */
export type Target =
  /** Exactly this value (multi-value keys compared field by field as numbers). */
  | { kind: 'exact'; value: SysctlValue }
  /** A numeric bound; `set` is written when the current value is outside it. */
  | { kind: 'range'; min?: number; max?: number; set: SysctlValue }
  /** One of these values; `set` is written when the current value is none of them. */
  | { kind: 'one_of'; values: SysctlValue[]; set: SysctlValue }
  /** For keys newer kernels removed (tcp_tw_recycle, gone in 4.12): absent is compliant. */
  | { kind: 'absent_or'; value: SysctlValue };

export interface EvidenceThreshold {
  warn?: number;
  crit?: number;
}

/** Evidence thresholds; each becomes findings tied to an incident in docs/incidents.md. */
export interface EvidenceThresholds {
  /** TIME_WAIT sockets / size of ip_local_port_range (incident 2). */
  time_wait_port_ratio?: EvidenceThreshold;
  /** CLOSE_WAIT socket count (incident 5). */
  close_wait?: EvidenceThreshold;
  /** Growth of TcpExtListenOverflows since the previous run (incident 4). */
  listen_overflows_delta?: EvidenceThreshold;
  /** nf_conntrack_count / nf_conntrack_max (incident 4). */
  conntrack_fill?: EvidenceThreshold;
}

export interface PlaybookOverride {
  /** Ansible host pattern, e.g. `db:&prod`. */
  hosts: string;
  targets: Record<SysctlKey, Target>;
}

export interface Playbook {
  /** File the playbook was read from. */
  source: string;
  name: string;
  why: string;
  /** Basename (without `.conf`) of the file under /etc/sysctl.d that holds the values. */
  persist: string;
  /** Declared middlebox idle timeout in seconds (NAT/LB), used to refuse keepalive settings that detect too late. */
  middlebox_idle_timeout?: number;
  targets: Record<SysctlKey, Target>;
  overrides: PlaybookOverride[];
  evidence: EvidenceThresholds;
  /** Dangerous-target refusals the operator explicitly overrode, by key. */
  force: SysctlKey[];
  /**
   * Non-fatal findings from loading (unknown-but-well-formed keys, a forced key no target uses),
   * each with file:line:col. Added by the model stage; optional so hand-built playbooks need none.
   */
  warnings?: Array<{ file: string; line: number; col: number; message: string; hint?: string }>;
}
