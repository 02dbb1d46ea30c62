/**
 * HostFacts: what one host's kernel and files say, parsed from the output of the single
 * gather script (src/facts/gather.sh) by pure parsers. Produced by src/facts, read by src/plan.
 */
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';

export type SysctlReading =
  | { state: 'value'; value: SysctlValue }
  | { state: 'absent' }
  | { state: 'unreadable'; error: string };

/** One assignment line in a sysctl configuration file: `key = value` or `-key = value`. */
export interface SysctlAssignmentLine {
  line: number; // 1-based
  /** Canonical dotted key (slashes converted); may contain glob characters. */
  key: string;
  value: SysctlValue;
  /** Line started with `-`: failure to apply is ignored. */
  ignoreFailure: boolean;
  exclude?: undefined;
}

/**
 * `-key` with no `=`: keeps globs from setting the key (systemd-sysctl 245+, procps-ng 4);
 * sets nothing itself. procps 3.3 calls it invalid syntax and skips it.
 */
export interface SysctlExcludeLine {
  line: number;
  /** Canonical dotted key; may itself be a glob. */
  key: string;
  exclude: true;
}

export type SysctlFileLine = SysctlAssignmentLine | SysctlExcludeLine;

/** One file of the sysctl.d family as found on the host. */
export interface SysctlFile {
  /** Absolute path, e.g. /usr/lib/sysctl.d/99-vendor.conf or /etc/sysctl.conf */
  path: string;
  /** The directory it was found in (e.g. /etc/sysctl.d), or the path itself for /etc/sysctl.conf. */
  dir: string;
  basename: string;
  /**
   * The path is a symlink (e.g. Debian's 99-sysctl.conf -> ../sysctl.conf); `devNull` when it
   * resolves to /dev/null, which masks its name.
   */
  symlink?: { devNull: boolean };
  lines: SysctlFileLine[];
  /** The gather could not read the file (its lines are unknown, precedence is uncertain). */
  error?: string;
  /** More meaningful lines than the gather cap: `lines` holds the first ones only. */
  truncated?: boolean;
}

/**
 * The optional parts of a gather, each a program start on every host: what the playbook's
 * findings read (plan/findings.ts gatherWantsOf), or everything (GATHER_ALL).
 */
export interface GatherWants {
  /** /proc/net/sockstat{,6}, snmp, netstat: sockstat and counters (one awk). */
  net: boolean;
  /** tcpStates: CLOSE_WAIT and SYN_RECV counted by ss (or /proc/net/tcp); needs `net` too. */
  tcpStates: boolean;
}

export interface HostFacts {
  host: string;
  /** ISO time the facts were gathered (control node clock). */
  gatheredAt: string;
  kernel: { release: string; machine?: string };
  distro: { id?: string; versionId?: string; prettyName?: string };
  /** Which boot-time loader applies: systemd-sysctl (systemd host) or procps `sysctl --system`. */
  sysctlLoader: 'systemd' | 'procps';
  /**
   * Where the loader is not systemd: the `sysctl` that reads the files, from `sysctl --version`
   * (e.g. `procps-ng 4.0.2`, `busybox`). Their glob rules differ (see src/plan/precedence.ts).
   */
  sysctlTool?: string;
  /** Every key the playbook asked about. */
  sysctls: Record<SysctlKey, SysctlReading>;
  /** Every file in the sysctl.d family, in directory scan order. */
  sysctlFiles: SysctlFile[];
  /** /proc/net/sockstat and sockstat6, e.g. { TCP: { inuse: 5, orphan: 0, tw: 12, alloc: 7, mem: 1 } } */
  sockstat: Record<string, Record<string, number>>;
  /** /proc/net/snmp and /proc/net/netstat, e.g. { Tcp: { ActiveOpens: 3 }, TcpExt: { ListenOverflows: 0 } } */
  counters: Record<string, Record<string, number>>;
  /**
   * TCP state counts, gathered without listing sockets where possible; only when a finding
   * reads them (GatherWants.tcpStates), as counting costs the host a walk of its socket table.
   */
  tcpStates?: {
    established: number;
    timeWait: number;
    closeWait: number;
    synRecv: number;
    /**
     * How closeWait/synRecv were counted: `ss` (state-filtered in the kernel) or `proc` (one awk
     * pass over /proc/net/tcp{,6}). established is Tcp CurrEstab minus CLOSE_WAIT, timeWait is sockstat tw
     * (both O(1)) except with `proc`, where all four come from the pass.
     */
    source: 'ss' | 'proc';
    /** The /proc pass stopped at its line cap: the counts are lower bounds. */
    capped?: boolean;
  };
  conntrack: { count?: number; max?: number };
  /** net.ipv4.ip_local_port_range as numbers. */
  localPortRange?: [number, number];
  numaNodes: number;
}
