/**
 * The model: what the operator declared. Produced by src/model (inventory and playbook loaders),
 * read by every later stage. Pure data: no I/O handles, no class instances.
 */

/** Where a value came from in a user's file, for error messages and reports. */
export interface SourcePos {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

/** One host as the inventory declares it, after group/host var merging (Ansible precedence). */
export interface InventoryHost {
  /** inventory_hostname */
  name: string;
  /** Every group the host belongs to, transitively, including `all` (and `ungrouped` when so). */
  groups: string[];
  /** Merged variables (group_vars by depth, then host vars), as Ansible would compute them. */
  vars: Record<string, unknown>;
}

export interface InventoryGroup {
  name: string;
  hosts: string[]; // direct members
  children: string[];
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** The sources read, in order (files, directories, scripts, ad-hoc lists). */
  sources: string[];
  /** Hosts in inventory order. */
  hosts: InventoryHost[];
  groups: Record<string, InventoryGroup>;
}

/** A hop in a ProxyJump chain, outermost first. */
export interface JumpHost {
  address: string;
  port: number;
  user?: string;
  identityFiles: string[];
}

/** Resolved connection parameters for one host (inventory vars win over ssh_config). */
export interface HostConnection {
  name: string;
  connection: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** ProxyJump chain, outermost first; empty for a direct connection. */
  jump: JumpHost[];
  become: boolean;
  becomeUser: string;
  /** ssh_config UserKnownHostsFile, if set there. */
  knownHostsFiles?: string[];
  /** `sysfleet_become_password_env`: the environment variable holding this host's sudo password. */
  becomePasswordEnv?: string;
}

/** A sysctl key in canonical dotted form, e.g. `net.ipv4.tcp_keepalive_time`. */
export type SysctlKey = string;

/**
 * A sysctl value as sysfleet compares it: whitespace-separated fields joined by one space
 * (the kernel prints tabs for multi-value keys). Numeric comparison happens field by field.
 */
export type SysctlValue = string;

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

/** Evidence thresholds; each becomes findings tied to an incident in DOMAIN.md. */
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
